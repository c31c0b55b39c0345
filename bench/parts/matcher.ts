import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { compileMatcher } from '../../lib/match/compile';
import { findMentions } from '../../lib/match/find';
import { loadMatcher, serializeMatcher } from '../../lib/match/store';
import type { BrowserBench } from '../browser-entry';
import { generateCatalog, generateText } from '../generate';
import { aliasRegExp, charLoop, formatRow, regexpSpans, runMatch } from '../match-core';
import { definePart, fmt, race, summarize, TINY } from '../registry';

/** The benchmark parts of the mention engine (lib/text + lib/match). */

const CATALOG_SIZES = TINY ? [100, 1_000] : [100, 1_000, 10_000, 100_000];
const TEXT_SIZES = TINY ? [10 * 1024] : [10 * 1024, 100 * 1024, 1024 * 1024];
const ROUNDS = TINY ? 2 : 11;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** V8 flags for the Chromium part (e.g. `--no-regexp-quick-check`, to see where its RegExp speed comes from). */
const JS_FLAGS = process.env.BENCH_CHROMIUM_JS_FLAGS ?? '';
const log = (line: string): void => console.log(line);
/**
 * The longest one modern-ahocorasick search may take before its size is left out: 2 s for 100 KB is
 * 20 s per MB, over 1,000x Backstory (its 10 KB searches run at 3-7 s per MB, and it is quadratic).
 */
const AHO_BUDGET_MS = 2_000;

/** Times one modern-ahocorasick search in a worker thread; undefined when it takes longer than `budgetMs` (the worker is stopped). */
function probeAhoCorasick(aliases: readonly string[], text: string, budgetMs: number): Promise<number | undefined> {
  const worker = new Worker(new URL('../ahocorasick-probe.mjs', import.meta.url), { workerData: { aliases, text } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void worker.terminate().then(() => resolve(undefined)), budgetMs);
    worker.once('message', (ms: number) => {
      clearTimeout(timer);
      void worker.terminate().then(() => resolve(ms));
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

definePart({
  group: 'matcher',
  name: 'match-node',
  description: 'ms per MB in Node: character loop (floor), Backstory with full normalisation, one RegExp alternation',
  run: async () =>
    runMatch({ catalogSizes: CATALOG_SIZES, textSizes: TEXT_SIZES, arabic: true, rounds: ROUNDS, regexpSizes: CATALOG_SIZES, log }),
});

definePart({
  group: 'matcher',
  name: 'match-chromium',
  description: 'the same in headless Chromium (the matcher bundled with esbuild, run by page.evaluate)',
  run: async () => {
    const bundle = await build({
      entryPoints: [new URL('../browser-entry.ts', import.meta.url).pathname],
      bundle: true,
      format: 'iife',
      write: false,
      target: 'es2022',
      minify: true,
    });
    const args = ['--no-sandbox', ...(JS_FLAGS ? [`--js-flags=${JS_FLAGS}`] : [])];
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
    try {
      const page = await browser.newPage();
      await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
      const rows = [];
      for (const size of CATALOG_SIZES) {
        const part = await page.evaluate(
          (options) => (globalThis as unknown as { backstoryBench: BrowserBench }).backstoryBench.runMatch(options),
          { catalogSizes: [size], textSizes: TEXT_SIZES, arabic: true, rounds: ROUNDS, regexpSizes: [size] },
        );
        for (const row of part) log(formatRow(row));
        rows.push(...part);
      }
      return { chromium: browser.version(), jsFlags: JS_FLAGS, rows };
    } finally {
      await browser.close();
    }
  },
});

definePart({
  group: 'matcher',
  name: 'compile',
  description: 'time to compile each catalog size (median of 5), and the RegExp contender’s compile at the same sizes',
  run: async () => {
    const rows = [];
    for (const size of CATALOG_SIZES) {
      const catalog = generateCatalog(size, { arabic: true, seed: size });
      const times: number[] = [];
      const reTimes: number[] = [];
      for (let r = 0; r < 5; r++) {
        let t0 = performance.now();
        compileMatcher(catalog.entities);
        times.push(performance.now() - t0);
        t0 = performance.now();
        const re = aliasRegExp(catalog.aliases);
        re.test('warm the RegExp up'); // V8 compiles a RegExp on its first use
        reTimes.push(performance.now() - t0);
      }
      const row = { aliases: size, aliasChars: catalog.aliasChars, backstoryMs: summarize(times), regexpMs: summarize(reTimes) };
      log(`${String(size).padStart(6)} aliases | compile ${fmt(row.backstoryMs.median)} ms (${fmt(row.backstoryMs.min)}–${fmt(row.backstoryMs.max)}) | RegExp ${fmt(row.regexpMs.median)} ms`);
      rows.push(row);
    }
    return rows;
  },
});

definePart({
  group: 'matcher',
  name: 'size-load',
  description: 'stored size (bytes per alias character) and time to load the stored form and match a first sentence',
  run: async () => {
    const rows = [];
    for (const size of CATALOG_SIZES) {
      const catalog = generateCatalog(size, { arabic: true, seed: size });
      const bytes = serializeMatcher(compileMatcher(catalog.entities));
      const sentence = generateText(catalog, 400, 7);
      const times: number[] = [];
      let found = 0;
      for (let r = 0; r < 21; r++) {
        const copy = bytes.slice(); // as read from storage: fresh bytes each time
        const t0 = performance.now();
        found = findMentions(loadMatcher(copy), sentence).length;
        times.push(performance.now() - t0);
      }
      const row = { aliases: size, aliasChars: catalog.aliasChars, bytes: bytes.byteLength, bytesPerAliasChar: bytes.byteLength / catalog.aliasChars, loadAndFirstMatchMs: summarize(times), found };
      log(`${String(size).padStart(6)} aliases | ${fmt(bytes.byteLength / 1e6, 2)} MB stored, ${fmt(row.bytesPerAliasChar, 2)} bytes per alias character | load + first match ${fmt(row.loadAndFirstMatchMs.median, 2)} ms (max ${fmt(row.loadAndFirstMatchMs.max, 2)})`);
      rows.push(row);
    }
    return rows;
  },
});

definePart({
  group: 'matcher',
  name: 'regexp-equivalence',
  description: 'Backstory and the RegExp on Latin catalogs: identical spans where the RegExp can match (exact spelling)',
  run: async () => {
    const rows = [];
    for (const size of CATALOG_SIZES) {
      const catalog = generateCatalog(size, { arabic: false, seed: size + 1 });
      const matcher = compileMatcher(catalog.entities);
      const re = aliasRegExp(catalog.aliases);
      const text = generateText(catalog, 256 * 1024, size);
      const ours = findMentions(matcher, text).map((m) => `${m.start}-${m.end}`);
      const theirs = regexpSpans(re, text).map(([s, e]) => `${s}-${e}`);
      const a = new Set(ours);
      const b = new Set(theirs);
      const onlyOurs = ours.filter((x) => !b.has(x));
      const onlyTheirs = theirs.filter((x) => !a.has(x));
      const show = (list: string[]): string[] => list.slice(0, 3).map((x) => JSON.stringify(text.slice(...(x.split('-').map(Number) as [number, number]))));
      const row = { aliases: size, backstory: ours.length, regexp: theirs.length, onlyBackstory: onlyOurs.length, onlyRegexp: onlyTheirs.length, examples: { onlyBackstory: show(onlyOurs), onlyRegexp: show(onlyTheirs) } };
      log(`${String(size).padStart(6)} aliases | spans: Backstory ${ours.length}, RegExp ${theirs.length}, only Backstory ${onlyOurs.length} ${row.examples.onlyBackstory.join(' ')}, only RegExp ${onlyTheirs.length} ${row.examples.onlyRegexp.join(' ')}`);
      rows.push(row);
    }
    return rows;
  },
});

definePart({
  group: 'matcher',
  name: 'ahocorasick',
  description: 'modern-ahocorasick (leftmost-longest, whole words) where it finishes: text capped at 10 KB and 100 KB',
  run: async () => {
    const { default: AhoCorasick } = await import('modern-ahocorasick');
    const rows = [];
    for (const size of CATALOG_SIZES) {
      const catalog = generateCatalog(size, { arabic: true, seed: size });
      const matcher = compileMatcher(catalog.entities);
      const t0 = performance.now();
      const ac = new AhoCorasick(catalog.aliases);
      const constructMs = performance.now() - t0;
      for (const bytes of [10 * 1024, 100 * 1024]) {
        const text = generateText(catalog, bytes, size + bytes);
        // Its search grows with the square of the text on Node 20 (Intl.Segmenter): a first search in a
        // worker that is stopped after AHO_BUDGET_MS tells whether it finishes at all.
        const probe = await probeAhoCorasick(catalog.aliases, text, AHO_BUDGET_MS);
        if (probe === undefined) {
          log(`${String(size).padStart(6)} aliases ${bytes / 1024} KB | modern-ahocorasick left out: one search did not finish in ${AHO_BUDGET_MS / 1000} s`);
          rows.push({ aliases: size, textKB: bytes / 1024, constructMs, leftOut: true, budgetMs: AHO_BUDGET_MS });
          continue;
        }
        const per = (1 << 20) / text.length;
        const t = race(
          {
            floor: () => charLoop(text),
            backstory: () => findMentions(matcher, text),
            ahocorasick: () => ac.search(text, { strategy: 'leftmost-longest', wholeWord: true }),
          },
          { rounds: 5, warmup: 1, budgetMs: AHO_BUDGET_MS },
        );
        const ms = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.median * per]));
        if (ms.ahocorasick === undefined) {
          log(`${String(size).padStart(6)} aliases ${bytes / 1024} KB | modern-ahocorasick left out: its first timed search took over 5 s`);
          rows.push({ aliases: size, textKB: bytes / 1024, constructMs, leftOut: true, msPerMB: ms });
          continue;
        }
        log(`${String(size).padStart(6)} aliases ${bytes / 1024} KB | ms/MB floor ${fmt(ms.floor!)} | backstory ${fmt(ms.backstory!)} | modern-ahocorasick ${fmt(ms.ahocorasick!)} (construct ${fmt(constructMs)} ms) | ahocorasick/backstory ${fmt(ms.ahocorasick! / ms.backstory!)}x`);
        rows.push({ aliases: size, textKB: bytes / 1024, constructMs, msPerMB: ms });
      }
    }
    return rows;
  },
});
