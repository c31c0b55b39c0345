import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium, ROOT, serveStatic } from '../../cli/browsers';
import type { PageBench } from '../page-entry';
import { loadBundle, p95, pageBenchScript, strongNames, syntheticPage } from '../page-setup';
import { definePart, fmt, summarize, TINY } from '../registry';

/**
 * The hover part: hit-testing the mark under the pointer on the synthetic 50,000-text-node page
 * (Backstory's caret + binary search + rects, against the highlight registry's highlightsFromPoint),
 * and the card, in the built extension, from its open to the frame after its passages painted
 * (on the test article, and on the synthetic page with its thousands of marks).
 */

const log = (line: string): void => console.log(line);

/** Runs in the page: points on the drawn marks in the viewport, at most `max`. */
function markPoints(max: number): { x: number; y: number }[] {
  return [...(CSS.highlights as unknown as Map<string, Set<Range>>).entries()]
    .filter(([k]) => k.startsWith('backstory-'))
    .flatMap(([, h]) => [...h])
    .map((range) => range.getClientRects()[0])
    .filter((rc): rc is DOMRect => !!rc && rc.top >= 0 && rc.bottom <= innerHeight && rc.width > 2)
    .slice(0, max)
    .map((rc) => ({ x: rc.left + Math.min(rc.width / 2, 3), y: rc.top + rc.height / 2 }));
}

/** Opens the card on each point in turn; each open's time from the `backstory-card` measure. */
async function cardOpens(page: Page, points: { x: number; y: number }[]): Promise<number[]> {
  const times: number[] = [];
  for (const p of points) {
    await page.evaluate(() => performance.clearMeasures('backstory-card'));
    await page.mouse.move(p.x, p.y);
    const ms = await page
      .waitForFunction(() => (performance.getEntriesByName('backstory-card')[0] as PerformanceMeasure | undefined)?.duration, undefined, { timeout: 5_000 })
      .then((h) => h.jsonValue() as Promise<number>)
      .catch(() => NaN);
    if (Number.isFinite(ms)) times.push(ms);
    await page.keyboard.press('Escape');
    await page.mouse.move(1, 1);
  }
  return times;
}

definePart({
  name: 'hover',
  needsBuild: true,
  description: 'hit-testing the mark under the pointer (vs highlightsFromPoint) on 50,000 text nodes; card open to painted with passages, p50/p95',
  run: async () => {
    const bundle = loadBundle();
    const pageBench = await pageBenchScript();
    const dir = await mkdtemp(join(tmpdir(), 'backstory-bench-hover-'));
    await writeFile(join(dir, 'synthetic.html'), syntheticPage(TINY ? 500 : 50_000, strongNames(bundle)));
    await writeFile(join(dir, 'article.html'), await readFile(join(ROOT, 'test/fixtures/page/article.html'), 'utf8'));
    const server = await serveStatic({ '/gen/': dir });
    const plain = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    const extension = await launchChromium();
    try {
      // Hit-testing, the page marked in the page itself (matcher included).
      const page = await plain.newPage();
      await page.goto(`${server.origin}/gen/synthetic.html`, { waitUntil: 'load' });
      await page.addScriptTag({ content: pageBench });
      const marked = await page.evaluate((entities) => (globalThis as unknown as { backstoryPageBench: PageBench }).backstoryPageBench.backstory(entities), bundle.entities);
      const hits = await page.evaluate((count) => (globalThis as unknown as { backstoryPageBench: PageBench }).backstoryPageBench.hitTest(count, 50), TINY ? 5 : 100);
      await page.close();
      const hitTest = {
        marks: marked.marks,
        backstoryUs: summarize(hits.backstoryUs),
        registryUs: hits.registryUs.length ? summarize(hits.registryUs) : null,
        registeredRanges: summarize(hits.registered),
        misses: hits.misses,
        samples: hits.backstoryUs.length,
      };
      log(
        `hit-test (synthetic page, ${hitTest.marks} marks, ${hitTest.samples} places down the page): Backstory ${fmt(hitTest.backstoryUs.median, 2)} µs median (max ${fmt(hitTest.backstoryUs.max, 1)}), ` +
          `highlightsFromPoint ${hitTest.registryUs ? `${fmt(hitTest.registryUs.median, 1)} µs` : 'not available'} over the ${fmt(hitTest.registeredRanges.median, 0)} ranges drawn near the viewport; ${hitTest.misses} points missed`,
      );

      // The card, in the built extension: a new tab per round, every mark of the article; then marks in view on the synthetic page.
      const cards: Record<string, number[]> = { article: [], synthetic: [] };
      // On the synthetic page, the marks in view at three places down it (a p95 of 12 opens was their slowest).
      for (const [name, rounds, max, screens] of [['article', TINY ? 1 : 3, 50, 1], ['synthetic', 1, TINY ? 3 : 12, TINY ? 1 : 3]] as const) {
        for (let r = 0; r < rounds; r++) {
          const tab = await extension.context.newPage();
          await tab.goto(`${server.origin}/gen/${name}.html`);
          await tab.waitForFunction(() => performance.getEntriesByName('backstory-stats').length > 0, undefined, { timeout: 30_000 });
          for (let screen = 0; screen < screens; screen++) {
            if (screen > 0) {
              await tab.evaluate((k) => scrollTo(0, k * innerHeight), screen);
              await tab.waitForTimeout(500); // the marks near the new viewport are drawn
            }
            const points = await tab.evaluate(markPoints, max);
            if (screen === 0) await cardOpens(tab, points.slice(0, 1)); // a warm-up open, not counted (the background's first ranking of this corpus)
            cards[name]!.push(...(await cardOpens(tab, points)));
          }
          await tab.close();
        }
      }
      const card = Object.fromEntries(Object.entries(cards).map(([k, v]) => [k, { ms: summarize(v), p95: p95(v), samples: v.length }]));
      for (const [name, c] of Object.entries(card)) {
        log(`card open to painted with passages, ${name} (${c.samples} opens): median ${fmt(c.ms.median)} ms, p95 ${fmt(c.p95)} ms (plus the 120 ms intent delay)`);
      }
      return { chromium: plain.version(), hitTest, card };
    } finally {
      await extension.close();
      await plain.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});
