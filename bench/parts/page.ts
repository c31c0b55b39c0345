import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium, serveStatic } from '../../cli/browsers';
import type { PageBench } from '../page-entry';
import { FIXTURES, loadBundle, pageBenchScript, strongNames, syntheticPage } from '../page-setup';
import { definePart, fmt, summarize, type Timing, TINY } from '../registry';

/**
 * The page part: time to marks painted on a fresh load, on the largest saved news pages and on a
 * synthetic page of 50,000 text nodes, against the floor (a TreeWalker that only reads and joins
 * every text node) and mark.js marking the same names with one RegExp, with the extension's
 * longest task. Hit-testing and the card are the `hover` part.
 */

/**
 * Measured rounds: 5 on the synthetic page, 3 on the two largest saved pages (a fresh load of a
 * saved CNN page takes 1.2-1.6 s whatever is measured on it, and every round loads each page four
 * times: three pages of 5 rounds took 2 of the part's 3 minutes, and the whole bench over 10 on a slow day).
 */
const ROUNDS = TINY ? 1 : 5;
const SAVED_PAGE_ROUNDS = TINY ? 1 : 3;
const WARMUP = 1;
const log = (line: string): void => console.log(line);
const require = createRequire(import.meta.url);

definePart({
  name: 'page',
  needsBuild: true,
  description: 'time to marks painted on a fresh load (largest saved pages, 50,000 text nodes) vs the TreeWalker floor and mark.js; longest extension task',
  run: async () => {
    const bundle = loadBundle();
    const names = strongNames(bundle);
    const markJs = await readFile(require.resolve('mark.js/dist/mark.min.js'), 'utf8');
    const pageBench = await pageBenchScript();

    const dir = await mkdtemp(join(tmpdir(), 'backstory-bench-page-'));
    await writeFile(join(dir, 'synthetic-50000.html'), syntheticPage(TINY ? 500 : 50_000, names));
    const largest = existsSync(FIXTURES)
      ? readdirSync(FIXTURES)
          .filter((f) => f.endsWith('.html'))
          .sort((a, b) => statSync(join(FIXTURES, b)).size - statSync(join(FIXTURES, a)).size)
          .slice(0, TINY ? 1 : 2)
      : [];
    if (!largest.length) log(`(the saved pages are not at ${FIXTURES}: only the synthetic page is measured)`);
    const server = await serveStatic({ '/gen/': dir, '/pages/': FIXTURES });
    const targets = [
      ...largest.map((f) => ({ name: f, url: `${server.origin}/pages/${f}`, rounds: SAVED_PAGE_ROUNDS })),
      { name: 'synthetic-50000.html', url: `${server.origin}/gen/synthetic-50000.html`, rounds: ROUNDS },
    ];

    const plain: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    const context = await plain.newContext();
    await context.route(/^https?:\/\//, (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient')));
    const extension = await launchChromium();
    const rows = [];
    try {
      const fresh = async (url: string): Promise<Page> => {
        const page = await context.newPage();
        await page.goto(url, { waitUntil: 'load' });
        await page.evaluate(() => window.stop());
        return page;
      };
      for (const t of targets) {
        const times: Record<string, number[]> = { floor: [], backstoryInPage: [], extension: [], extensionFirstMarks: [], markJs: [] };
        let marks = 0;
        let markJsMarks = 0;
        let maxSlice = 0;
        let textNodes = 0;
        /** The extension's own work in its slices, by kind (read, draw, ...), per load. */
        const work: Record<string, number[]> = {};
        for (let r = 0; r < WARMUP + t.rounds; r++) {
          // The warm-up round (browser caches, the background's matcher) is measured, then forgotten.
          if (r === WARMUP) {
            for (const k of Object.keys(times)) times[k] = [];
            for (const k of Object.keys(work)) delete work[k];
            maxSlice = 0;
          }
          let page = await fresh(t.url);
          await page.addScriptTag({ content: pageBench });
          const floor = await page.evaluate(() => (globalThis as unknown as { backstoryPageBench: PageBench }).backstoryPageBench.floor());
          times.floor!.push(floor.ms);
          textNodes = floor.nodes;
          await page.close();

          page = await fresh(t.url);
          await page.addScriptTag({ content: pageBench });
          const b = await page.evaluate((entities) => (globalThis as unknown as { backstoryPageBench: PageBench }).backstoryPageBench.backstory(entities), bundle.entities);
          times.backstoryInPage!.push(b.ms);
          marks = b.marks;
          await page.close();

          page = await fresh(t.url);
          await page.addScriptTag({ content: markJs });
          const m = await page.evaluate(async (source) => {
            const re = new RegExp(source, 'g');
            const t0 = performance.now();
            new (window as unknown as { Mark: new (el: Element) => { markRegExp(re: RegExp): void } }).Mark(document.body).markRegExp(re);
            await new Promise<void>((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
            return { ms: performance.now() - t0, marks: document.querySelectorAll('mark').length };
          }, `\\b(?:${[...names].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`);
          times.markJs!.push(m.ms);
          markJsMarks = m.marks;
          await page.close();

          // The built extension: from its content script's start to the frame after its marks.
          const ext = await extension.context.newPage();
          await ext.goto(t.url, { waitUntil: 'load' });
          await ext.evaluate(() => window.stop());
          const stats = await ext.evaluate(async () => {
            for (let i = 0; i < 400; i++) {
              const mark = performance.getEntriesByName('backstory-stats').at(-1) as PerformanceMark | undefined;
              if (mark) return JSON.parse(mark.detail as string) as { startedAt: number; firstMarksAt?: number; paintedAt?: number; maxSliceMs: number; marks: number; totalMs: number; workMs: Record<string, number> };
              await new Promise((ok) => setTimeout(ok, 25));
            }
            return null;
          });
          if (stats?.paintedAt !== undefined) times.extension!.push(stats.paintedAt - stats.startedAt);
          if (stats?.firstMarksAt !== undefined) times.extensionFirstMarks!.push(stats.firstMarksAt - stats.startedAt);
          maxSlice = Math.max(maxSlice, stats?.maxSliceMs ?? 0);
          if (stats) for (const [k, v] of Object.entries({ slices: stats.totalMs, ...stats.workMs })) (work[k] ??= []).push(v);
          await ext.close();
        }
        const s: Record<string, Timing> = Object.fromEntries(Object.entries(times).filter(([, v]) => v.length).map(([k, v]) => [k, summarize(v)]));
        const row = {
          page: t.name,
          textNodes,
          marks,
          markJsMarks,
          extensionMaxTaskMs: maxSlice,
          extensionWorkMs: Object.fromEntries(Object.entries(work).map(([k, v]) => [k, summarize(v).median])),
          ms: s,
          extensionVsFloor: s.extension && s.floor ? s.extension.median / s.floor.median : NaN,
          inPageVsFloor: s.backstoryInPage!.median / s.floor!.median,
          markJsVsExtension: s.extension ? s.markJs!.median / s.extension.median : NaN,
          markJsVsInPage: s.markJs!.median / s.backstoryInPage!.median,
        };
        log(
          `${t.name.slice(0, 48).padEnd(48)} ${String(textNodes).padStart(6)} nodes | floor ${fmt(s.floor!.median)} ms | extension ${fmt(s.extension?.median ?? NaN)} ms (${fmt(row.extensionVsFloor)}x floor, first marks ${fmt(s.extensionFirstMarks?.median ?? NaN)} ms, longest task ${fmt(maxSlice)} ms) | ` +
            `in-page ${fmt(s.backstoryInPage!.median)} ms (${fmt(row.inPageVsFloor)}x) | mark.js ${fmt(s.markJs!.median)} ms (${fmt(row.markJsVsExtension)}x the extension, ${fmt(row.markJsVsInPage)}x in-page) | marks ${marks} vs mark.js ${markJsMarks} | ` +
            `the extension's slices ${Object.entries(row.extensionWorkMs).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} ms (medians)`,
        );
        rows.push(row);
      }

      return { chromium: plain.version(), rounds: { synthetic: ROUNDS, savedPages: SAVED_PAGE_ROUNDS }, names: names.length, rows };
    } finally {
      await extension.close();
      await plain.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});
