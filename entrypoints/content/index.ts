import { defineContentScript } from 'wxt/utils/define-content-script';
import { createEntityCards } from '../../components/card-host';
import { onCardCommand, readerUrl } from '../../lib/extension/card-command';
import { callBackground } from '../../lib/extension/messages';
import { DEFAULT_SETTINGS, getSettings, watchSettings } from '../../lib/extension/settings';
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
    void getSettings()
      .catch(() => DEFAULT_SETTINGS)
      .then((settings) => {
        if (ctx.isInvalid || !document.body) return;
        const marker = createPageMarker(document, { find: (blocks) => callBackground('findMentions', { blocks }), settings });
        stops.push(marker.destroy);
        const cards = createEntityCards(document, marker, {
          entity: (id) => callBackground('getEntity', { id }),
          passages: (entityId, context, limit) => callBackground('getPassages', { entityId, limit, context }),
          readerHref: (hit) => readerUrl(hit.document.id, hit.passage.id),
          openReader: (hit) =>
            void callBackground('openReader', { documentId: hit.document.id, passageId: hit.passage.id }).catch((e: unknown) =>
              console.warn(`Backstory could not open the reader page: ${e instanceof Error ? e.message : String(e)}`),
            ),
        });
        stops.push(cards.destroy);
        stops.push(watchSettings((s) => marker.setSettings(s)));
        stops.push(onCardCommand(() => cards.openAtSelection()));
        // Timings as a performance mark (JSON in `detail`), once the first scan is painted and on request.
        const report = (): void => {
          performance.clearMarks(STATS_MARK);
          performance.mark(STATS_MARK, { detail: JSON.stringify(marker.stats()) });
        };
        void marker.idle().then(() => requestAnimationFrame(() => setTimeout(report, 0)));
        const onRequest = (): void => void marker.idle().then(report);
        window.addEventListener('backstory-stats-request', onRequest);
        stops.push(() => window.removeEventListener('backstory-stats-request', onRequest));
      });
  },
});
