import { join } from 'node:path';
import { CHROMIUM, haveBrowser, launchChromium, ROOT, serveStatic } from '../../cli/browsers';
import { definePart, fmt, summarize, TINY } from '../registry';

/**
 * The popup in real Chromium with the built extension: from opening popup.html for a news tab to
 * the corpus line painted (the floor: an extension page that asks the background one question) and
 * to the coverage painted (the tab's content script summarises its page, the background ranks the
 * corpus). Target: coverage painted under 150 ms on the seed corpus.
 */

const FIXTURES = join(ROOT, '../shared/fixtures/pages');

definePart({
  name: 'popup',
  needsBuild: true,
  description: 'popup open → corpus line and coverage painted, on the demo page and a large saved news page',
  async run() {
    if (!haveBrowser(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}.`);
    const rounds = Number(process.env.BENCH_POPUP_ROUNDS ?? (TINY ? 1 : 15));
    const server = await serveStatic({ '/demo/': join(ROOT, 'assets/demo'), '/fixtures/': FIXTURES });
    const session = await launchChromium();
    const figures: Record<string, unknown> = {};
    try {
      const pages: [string, string][] = [
        ['demo page', `${server.origin}/demo/index.html`],
        ['cnn_article (saved news page)', `${server.origin}/fixtures/newspaper--cnn_article.html`],
      ];
      for (const [label, url] of pages) {
        const news = await session.context.newPage();
        await news.goto(url);
        await news.waitForFunction(() => [...(CSS.highlights as unknown as Map<string, unknown>).keys()].some((k) => k.startsWith('backstory-')), null, {
          timeout: 30_000,
        });
        await news.bringToFront();
        const tabId = await session.serviceWorker.evaluate(async () => {
          const c = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id?: number }[]> } } }).chrome;
          return (await c.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id;
        });
        const popup = await session.context.newPage();
        const loaded: number[] = [];
        const status: number[] = [];
        const coverage: number[] = [];
        for (let r = 0; r < rounds + 2; r++) {
          await popup.goto(`chrome-extension://${session.extensionId}/popup.html?tabId=${tabId}`);
          // The marks carry their own times (from the page's start); waiting for them adds nothing to them.
          await popup.waitForFunction(() => performance.getEntriesByName('backstory-coverage-painted').length > 0, null, { timeout: 30_000 });
          await popup.waitForFunction(() => performance.getEntriesByName('backstory-status-painted').length > 0, null, { timeout: 30_000 });
          const t = await popup.evaluate(() => [
            performance.getEntriesByName('backstory-status-painted')[0]!.startTime,
            performance.getEntriesByName('backstory-coverage-painted')[0]!.startTime,
            (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
          ]);
          if (r >= 2) {
            loaded.push(t[2]!);
            status.push(t[0]!);
            coverage.push(t[1]!);
          }
        }
        const l = summarize(loaded);
        const s = summarize(status);
        const c = summarize(coverage);
        const verdict = c.median < 150 ? 'meets the 150 ms target' : 'MISSES the 150 ms target';
        console.log(
          `${label.padEnd(30)} | page loaded (DOMContentLoaded, the floor) median ${fmt(l.median)} ms | corpus line painted median ${fmt(s.median)} ms (min ${fmt(s.min)}, max ${fmt(s.max)}) | coverage painted median ${fmt(c.median)} ms (min ${fmt(c.min)}, max ${fmt(c.max)}), ${fmt(c.median / s.median, 2)}x the corpus line — ${verdict}`,
        );
        figures[label] = { pageLoaded: l, statusPainted: s, coveragePainted: c, ratioToLoaded: c.median / l.median, ratioToStatus: c.median / s.median };
        await popup.close();
        await news.close();
      }
    } finally {
      await session.close();
      await server.close();
    }
    return figures;
  },
});
