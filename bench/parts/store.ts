import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM, serveStatic } from '../../cli/browsers';
import { DEFAULT_ASSETS, readCorpusSources } from '../../cli/sources';
import { buildPayload } from '../../lib/corpus/build';
import { compileMatcher } from '../../lib/match/compile';
import { findMentions } from '../../lib/match/find';
import { definePart, fmt, TINY } from '../registry';
import type { Query, QueryTimes, StoreBench } from '../store-entry';

/**
 * The ranking over the IndexedDB store, in headless Chromium: a generated corpus of 10,000
 * documents / 100,000 passages imported with the extension's store code into the page's real
 * IndexedDB, then passages for a mention and related coverage for a page, timed over the store's
 * index and over the memory index of the same corpus (the contender that holds everything in RAM);
 * and the same for the seed corpus. Targets: p95 under 50 ms (generated), under 10 ms (seed).
 */

const log = (line: string): void => console.log(line);

/** The p-th percentile (nearest rank) of a list of times. */
const percentile = (times: readonly number[], p: number): number => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};

function report(label: string, times: QueryTimes, targetMs: number): unknown {
  const rows: Record<string, unknown> = {};
  for (const kind of ['mention', 'page'] as const) {
    const s = times[kind].store;
    const m = times[kind].memory;
    const row = {
      queries: s.length,
      store: { p50: percentile(s, 50), p95: percentile(s, 95), max: percentile(s, 100) },
      memory: { p50: percentile(m, 50), p95: percentile(m, 95), max: percentile(m, 100) },
    };
    const verdict = row.store.p95 < targetMs ? `meets the ${targetMs} ms target` : `MISSES the ${targetMs} ms target`;
    log(
      `${label} | ${kind === 'mention' ? 'passages for a mention' : 'related coverage     '} | store p50 ${fmt(row.store.p50, 2)} ms, p95 ${fmt(row.store.p95, 2)} ms (${verdict}) | memory index p50 ${fmt(row.memory.p50, 2)} ms, p95 ${fmt(row.memory.p95, 2)} ms | store/memory at p50 ${fmt(row.store.p50 / row.memory.p50)}x`,
    );
    const p = times.profile[kind];
    log(
      `${label} |   per query (means) the store index made ${fmt(p.requests, 1)} IndexedDB requests: asked for ${fmt(p.lists, 1)} posting lists (${fmt(p.entries / 1000, 1)}k entries) in ${fmt(p.listsMs, 2)} ms and ${fmt(p.records, 1)} records in ${fmt(p.recordsMs, 2)} ms; whole query ${fmt(s.reduce((a, b) => a + b, 0) / (s.length || 1), 2)} ms`,
    );
    rows[kind] = { ...row, profile: p };
  }
  log(`${label} | memory index's first query (builds all postings) ${fmt(times.memoryFirstQueryMs)} ms | queries whose top results differ between the indexes: ${times.disagreements}`);
  return { ...rows, memoryFirstQueryMs: times.memoryFirstQueryMs, disagreements: times.disagreements };
}

/** The seed corpus's queries: each passage as the paragraph around each entity it names, and each document as a page. */
async function seedQueries(): Promise<{ bundle: ReturnType<typeof buildPayload>; queries: Query[] }> {
  const bundle = buildPayload(await readCorpusSources(DEFAULT_ASSETS), 1, new Date(0));
  const matcher = compileMatcher(bundle.entities);
  const entitiesIn = (text: string): string[] => [...new Set(findMentions(matcher, text).map((m) => bundle.entities[m.entity]!.id))];
  const queries: Query[] = [];
  for (const p of bundle.passages) {
    const ids = entitiesIn(p.text);
    for (const e of ids) queries.push({ kind: 'mention', entityId: e, context: { text: p.text, entityIds: ids } });
  }
  for (const d of bundle.documents) {
    const text = bundle.passages.filter((p) => p.documentId === d.id).map((p) => p.text).join('\n\n');
    const counts = new Map<string, number>();
    for (const m of findMentions(matcher, text)) counts.set(bundle.entities[m.entity]!.id, (counts.get(bundle.entities[m.entity]!.id) ?? 0) + 1);
    queries.push({ kind: 'page', text, entityCounts: [...counts] });
  }
  return { bundle, queries };
}

definePart({
  name: 'store',
  description: 'ranking over IndexedDB in Chromium: 10,000 documents / 100,000 passages and the seed corpus, p50/p95 vs the memory index',
  run: async () => {
    const documents = Number(process.env.BENCH_STORE_DOCUMENTS ?? (TINY ? 50 : 10_000));
    const shape = { documents, passagesPerDocument: 10, entities: 2_000, vocabulary: 30_000, wordsPerPassage: 70, seed: 11 };
    const code = await build({
      entryPoints: [new URL('../store-entry.ts', import.meta.url).pathname],
      bundle: true,
      format: 'iife',
      write: false,
      target: 'es2022',
    });
    const dir = await mkdtemp(join(tmpdir(), 'backstory-bench-store-'));
    await writeFile(join(dir, 'bench.js'), code.outputFiles[0]!.text);
    await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>store bench</title><script src="bench.js"></script>');
    const server = await serveStatic({ '/': dir });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/index.html`);
      type W = { backstoryStoreBench: StoreBench };

      const seed = await seedQueries();
      await page.evaluate((b) => (globalThis as unknown as W).backstoryStoreBench.useBundle(b), seed.bundle);
      await page.evaluate(() => (globalThis as unknown as W).backstoryStoreBench.importIntoStore('bench-seed'));
      const seedTimes = await page.evaluate((q) => (globalThis as unknown as W).backstoryStoreBench.runQueries(q, 5), seed.queries);
      const seedRows = report('seed corpus     ', seedTimes, 10);

      const generated = await page.evaluate((s) => (globalThis as unknown as W).backstoryStoreBench.generate(s), shape);
      log(`generated ${generated.documents} documents, ${generated.passages} passages, ${generated.mentions} mentions, ${generated.terms} terms in ${fmt(generated.ms / 1000)} s`);
      const imported = await page.evaluate(() => (globalThis as unknown as W).backstoryStoreBench.importIntoStore('bench-generated'));
      log(`imported into IndexedDB (records, postings, frequencies) in ${fmt(imported.ms / 1000)} s`);
      const times = await page.evaluate(() => (globalThis as unknown as W).backstoryStoreBench.queries({ mentions: 200, pages: 60, seed: 3 }));
      const generatedRows = report(`${generated.passages} passages`, times, 50);
      return { chromium: browser.version(), shape, seed: seedRows, generated: { ...generated, importMs: imported.ms, ...(generatedRows as object) } };
    } finally {
      await browser.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});
