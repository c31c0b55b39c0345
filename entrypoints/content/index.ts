import { defineContentScript } from 'wxt/utils/define-content-script';
import { createEntityCards } from '../../components/card-host';
import { onCardCommand, readerUrl } from '../../lib/extension/card-command';
import { callBackground } from '../../lib/extension/messages';
import { DEFAULT_SETTINGS, getSettings, type Settings, watchSettings } from '../../lib/extension/settings';
import { siteEnabled } from '../../lib/extension/sites';
import { handleTabCalls } from '../../lib/extension/tabs';
import { createPageMarker } from '../../lib/page/marker';
import './style.css';

/** The performance mark the content script leaves with its timings (tests and the bench read it). */
const STATS_MARK = 'backstory-stats';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_idle',
  main(ctx) {
    const stops: (() => void)[] = [];
    ctx.onInvalidated(() => stops.splice(0).reverse().forEach((stop) => stop()));
    const session = (settings: Settings) => {
      const marker = createPageMarker(document, {
        find: (blocks, named) => callBackground('findMentions', { blocks, named }),
        settings,
        // Firefox restyles every link when it learns their visited state: our slices read style inside its frames.
        afterFrame: import.meta.env.FIREFOX,
      });
      const cards = createEntityCards(document, marker, {
        entity: (id) => callBackground('getEntity', { id }),
        passages: (entityId, context, limit) => callBackground('getPassages', { entityId, limit, context }),
        readerHref: (hit) => readerUrl(hit.document.id, hit.passage.id),
        openReader: (hit) =>
          void callBackground('openReader', { documentId: hit.document.id, passageId: hit.passage.id }).catch((e: unknown) =>
            console.warn(`Backstory could not open the reader page: ${e instanceof Error ? e.message : String(e)}`),
          ),
      });
      const stopSettings = watchSettings((s) => marker.setSettings(s));
      const stopCommand = onCardCommand(() => cards.openAtSelection());
      // Timings as a performance mark (JSON in `detail`), once the first scan is painted and on request.
      const report = (): void => {
        performance.clearMarks(STATS_MARK);
        performance.mark(STATS_MARK, { detail: JSON.stringify(marker.stats()) });
      };
      void marker.idle(false).then(() => requestAnimationFrame(() => setTimeout(report, 0)));
      // On request: once queued work is done, or after a second on a page that never stops changing.
      const onRequest = (): void => void Promise.race([marker.idle(false), new Promise((ok) => setTimeout(ok, 1000))]).then(report);
      window.addEventListener('backstory-stats-request', onRequest);
      return {
        marker,
        cards,
        stop() {
          window.removeEventListener('backstory-stats-request', onRequest);
          stopCommand();
          stopSettings();
          cards.destroy();
          marker.destroy();
        },
      };
    };

    const host = location.hostname;
    let current: ReturnType<typeof session> | undefined;
    stops.push(() => current?.stop());
    // The popup's switch (and the options' site lists) turn Backstory on or off for this site.
    const apply = (settings: Settings): void => {
      if (ctx.isInvalid || !document.body) return;
      const on = siteEnabled(settings, host);
      if (on && !current) current = session(settings);
      else if (!on && current) {
        current.stop();
        current = undefined;
      }
    };
    void getSettings()
      .catch(() => DEFAULT_SETTINGS)
      .then(apply);
    stops.push(watchSettings(apply));
    stops.push(
      handleTabCalls({
        async getPageSummary() {
          if (!current) return { host, enabled: false, entities: [], text: '' };
          await current.marker.idle();
          const { entities, text } = current.marker.summary();
          const names = await callBackground('getEntityNames', { ids: entities.map((e) => e.id) });
          return { host, enabled: true, entities: entities.map((e, k) => ({ ...e, name: names[k] ?? e.id })), text };
        },
        revealEntity({ entityId }) {
          const hit = current?.marker.firstMentionOf(entityId);
          if (!hit || !current) return false;
          current.cards.reveal(hit);
          return true;
        },
      }),
    );
  },
});
