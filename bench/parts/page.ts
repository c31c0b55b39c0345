import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium, ROOT, serveStatic } from '../../cli/browsers';
import type { BundlePayload } from '../../lib/corpus/schema';
import { expandPattern } from '../../lib/match/pattern';
import { rng } from '../generate';
import type { PageBench } from '../page-entry';
import { definePart, fmt, summarize, type Timing, TINY } from '../registry';

/**
 * The page part: time to marks painted on a fresh load, on the largest saved news pages and on a
 * synthetic page of 50,000 text nodes, against the floor (a TreeWalker that only reads and joins
 * every text node) and mark.js marking the same names with one RegExp; hit-testing against the
 * highlight registry's highlightsFromPoint; and the hover card's time to painted.
 */

const ROUNDS = TINY ? 1 : 5;
const FIXTURES = join(ROOT, '../shared/fixtures/pages');
const log = (line: string): void => console.log(line);

function loadBundle(): BundlePayload {
  const file = join(ROOT, 'generated/default-bundle.bsb');
  if (!existsSync(file)) throw new Error('No generated/default-bundle.bsb: run npm run build first.');
  const text = readFileSync(file, 'utf8');
  return JSON.parse(text.slice(text.indexOf('\n') + 1)) as BundlePayload;
}
const require = createRequire(import.meta.url);

/** The names the catalog marks for sure: every strong alias, its grammar expanded. */
export function strongNames(bundle: BundlePayload): string[] {
  return [...new Set(bundle.entities.flatMap((e) => e.aliases.filter((a) => !a.weak).flatMap((a) => expandPattern(a.text))))];
}

/** A news-like page of about `textNodes` text nodes (10 per paragraph, split by inline elements), naming the catalog about every 200 characters. */
export function syntheticPage(textNodes: number, names: readonly string[]): string {
  const random = rng(50_000);
  const words = 'the of and a to in said officials government forces city week report security talks after before during against support minister militia province border attack strike ceasefire council'.split(' ');
  const phrase = (n: number): string => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
  const paragraphs: string[] = [];
  for (let p = 0; p < Math.ceil(textNodes / 10); p++) {
    const parts: string[] = [];
    for (let k = 0; k < 5; k++) {
      const name = random() < 0.5 ? ` ${names[Math.floor(random() * names.length)]} ` : ' ';
      parts.push(`${phrase(6)}${name}${phrase(4)} <${k % 2 ? 'em' : 'a href="#"'}>${phrase(3)}</${k % 2 ? 'em' : 'a'}>`);
    }
    paragraphs.push(`<p>${parts.join(' ')}.</p>`);
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Synthetic page</title></head><body><article>${paragraphs.join('\n')}</article></body></html>`;
}

const p95 = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? NaN;

definePart({
  name: 'page',
  description: 'time to marks painted on a fresh load (largest saved pages, 50,000 text nodes) vs the TreeWalker floor and mark.js; hit-testing; card open',
  run: async () => {
    const bundle = loadBundle();
    const names = strongNames(bundle);
    const markJs = await readFile(require.resolve('mark.js/dist/mark.min.js'), 'utf8');
    const entry = await build({ entryPoints: [join(ROOT, 'bench/page-entry.ts')], bundle: true, format: 'iife', write: false, target: 'es2022', minify: true });
    const pageBench = entry.outputFiles[0]!.text;

    const dir = await mkdtemp(join(tmpdir(), 'backstory-bench-page-'));
    await writeFile(join(dir, 'synthetic-50000.html'), syntheticPage(TINY ? 500 : 50_000, names));
    const largest = existsSync(FIXTURES)
      ? readdirSync(FIXTURES)
          .filter((f) => f.endsWith('.html'))
          .sort((a, b) => statSync(join(FIXTURES, b)).size - statSync(join(FIXTURES, a)).size)
          .slice(0, TINY ? 1 : 3)
      : [];
    if (!largest.length) log(`(the saved pages are not at ${FIXTURES}: only the synthetic page is measured)`);
    const server = await serveStatic({ '/gen/': dir, '/pages/': FIXTURES });
    const targets = [...largest.map((f) => ({ name: f, url: `${server.origin}/pages/${f}` })), { name: 'synthetic-50000.html', url: `${server.origin}/gen/synthetic-50000.html` }];

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
        const times: Record<string, number[]> = { floor: [], backstoryInPage: [], extension: [], markJs: [] };
        let marks = 0;
        let markJsMarks = 0;
        let maxSlice = 0;
        let textNodes = 0;
        for (let r = 0; r < ROUNDS; r++) {
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
              if (mark) return JSON.parse(mark.detail as string) as { startedAt: number; paintedAt?: number; maxSliceMs: number; marks: number };
              await new Promise((ok) => setTimeout(ok, 25));
            }
            return null;
          });
          if (stats?.paintedAt !== undefined) times.extension!.push(stats.paintedAt - stats.startedAt);
          maxSlice = Math.max(maxSlice, stats?.maxSliceMs ?? 0);
          await ext.close();
        }
        const s: Record<string, Timing> = Object.fromEntries(Object.entries(times).filter(([, v]) => v.length).map(([k, v]) => [k, summarize(v)]));
        const row = {
          page: t.name,
          textNodes,
          marks,
          markJsMarks,
          extensionMaxTaskMs: maxSlice,
          ms: s,
          extensionVsFloor: s.extension && s.floor ? s.extension.median / s.floor.median : NaN,
          inPageVsFloor: s.backstoryInPage!.median / s.floor!.median,
          markJsVsExtension: s.extension ? s.markJs!.median / s.extension.median : NaN,
          markJsVsInPage: s.markJs!.median / s.backstoryInPage!.median,
        };
        log(
          `${t.name.slice(0, 48).padEnd(48)} ${String(textNodes).padStart(6)} nodes | floor ${fmt(s.floor!.median)} ms | extension ${fmt(s.extension?.median ?? NaN)} ms (${fmt(row.extensionVsFloor)}x floor, longest task ${fmt(maxSlice)} ms) | ` +
            `in-page ${fmt(s.backstoryInPage!.median)} ms (${fmt(row.inPageVsFloor)}x) | mark.js ${fmt(s.markJs!.median)} ms (${fmt(row.markJsVsExtension)}x the extension, ${fmt(row.markJsVsInPage)}x in-page) | marks ${marks} vs mark.js ${markJsMarks}`,
        );
        rows.push(row);
      }

      // Hit-testing on the synthetic page, marked in the page.
      const page = await fresh(targets.at(-1)!.url);
      await page.addScriptTag({ content: pageBench });
      await page.evaluate((entities) => (globalThis as unknown as { backstoryPageBench: PageBench }).backstoryPageBench.backstory(entities), bundle.entities);
      const hits = await page.evaluate(() => (globalThis as unknown as { backstoryPageBench: PageBench }).backstoryPageBench.hitTest(100, 50));
      await page.close();
      const hit = { backstoryUs: summarize(hits.backstoryUs), registryUs: hits.registryUs.length ? summarize(hits.registryUs) : null, misses: hits.misses, samples: hits.backstoryUs.length };
      log(
        `hit-test (synthetic page, ${hit.samples} marks): Backstory ${fmt(hit.backstoryUs.median, 2)} µs median (max ${fmt(hit.backstoryUs.max, 1)}), ` +
          `highlightsFromPoint ${hit.registryUs ? `${fmt(hit.registryUs.median, 1)} µs` : 'not available'}; ${hit.misses} points missed`,
      );

      // The card: from its open (after the 120 ms intent delay) to the frame after its passages, first open of each mark.
      const article = `${server.origin}/gen/article.html`;
      await writeFile(join(dir, 'article.html'), await readFile(join(ROOT, 'test/fixtures/page/article.html'), 'utf8'));
      const cardTimes: number[] = [];
      for (let r = 0; r < 3; r++) {
        const ext = await extension.context.newPage();
        await ext.goto(article);
        await ext.waitForFunction(() => performance.getEntriesByName('backstory-stats').length > 0);
        const points = await ext.evaluate(() =>
          [...(CSS.highlights as unknown as Map<string, Set<Range>>).entries()]
            .filter(([k]) => k.startsWith('backstory-'))
            .flatMap(([, h]) => [...h])
            .map((range) => range.getClientRects()[0]!)
            .map((rc) => ({ x: rc.left + Math.min(rc.width / 2, 3), y: rc.top + rc.height / 2 })),
        );
        for (const p of points) {
          await ext.evaluate(() => performance.clearMeasures('backstory-card'));
          await ext.mouse.move(p.x, p.y);
          const ms = await ext
            .waitForFunction(() => (performance.getEntriesByName('backstory-card')[0] as PerformanceMeasure | undefined)?.duration, undefined, { timeout: 5_000 })
            .then((h) => h.jsonValue() as Promise<number>)
            .catch(() => NaN);
          if (Number.isFinite(ms)) cardTimes.push(ms);
          await ext.keyboard.press('Escape');
          await ext.mouse.move(1, 1);
        }
        await ext.close();
      }
      const card = { ms: summarize(cardTimes), p95: p95(cardTimes), samples: cardTimes.length };
      log(`card open to painted with passages (${card.samples} opens, new tab each round): median ${fmt(card.ms.median)} ms, p95 ${fmt(card.p95)} ms (plus the 120 ms intent delay)`);
      return { chromium: plain.version(), rounds: ROUNDS, names: names.length, rows, hitTest: hit, card };
    } finally {
      await extension.close();
      await plain.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});
