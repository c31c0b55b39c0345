import { createMemoryRankingIndex, rankDocumentsForPage, rankPassagesForMention, type RankingIndex } from '../lib/corpus/rank';
import type { Postings } from '../lib/corpus/ranking-table';
import type { BundlePayload } from '../lib/corpus/schema';
import { type CorpusStore, openCorpusStore } from '../lib/corpus/store';
import { generateContext, generateCorpus, type CorpusShape, zipf } from './corpus';
import { rng } from './generate';

/**
 * The store part's page code, bundled with esbuild and run in headless Chromium on a 127.0.0.1
 * page: generates a corpus, imports it into the page's real IndexedDB with the extension's store,
 * and times the two rankings over the store's index and over the memory index of the same corpus.
 */

/** One query, ready to run against any index. */
export type Query = { kind: 'mention'; entityId: string; context: { text: string; entityIds: string[] } } | { kind: 'page'; text: string; entityCounts: [string, number][] };

/** Times in ms of each query kind, per contender, in query order. */
export interface QueryTimes {
  mention: { store: number[]; memory: number[] };
  page: { store: number[]; memory: number[] };
  /** The memory index's first query, which builds its postings of the whole corpus. */
  memoryFirstQueryMs: number;
  /** Queries whose top results differ between the two indexes (must be 0). */
  disagreements: number;
  /** Per query kind, what the store's index did: means per query. */
  profile: Record<'mention' | 'page', ReadProfile>;
}

/**
 * What one query asked of an index: ms with a read of lists (table, postings, entity lists) or of
 * records (passages and documents read whole) outstanding, posting lists asked for, their entries,
 * and records read.
 */
export interface ReadProfile {
  /** IndexedDB requests made (get, getAll, getAllKeys, count on any object store or index). */
  requests: number;
  listsMs: number;
  recordsMs: number;
  lists: number;
  entries: number;
  records: number;
}

/** `index`, adding what each call reads (and how long some read was outstanding) to `p`. */
function profiled(index: RankingIndex, p: ReadProfile): RankingIndex {
  const active = { listsMs: 0, recordsMs: 0 };
  const since = { listsMs: 0, recordsMs: 0 };
  const timed =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>, count: (r: R, ...a: A) => void = () => undefined, phase: 'listsMs' | 'recordsMs' = 'listsMs') =>
    async (...a: A): Promise<R> => {
      if (active[phase]++ === 0) since[phase] = performance.now();
      try {
        const r = await f(...a);
        count(r, ...a);
        return r;
      } finally {
        if (--active[phase] === 0) p[phase] += performance.now() - since[phase];
      }
    };
  const lists = (r: Map<string, Postings>, keys: readonly string[]): void => {
    p.lists += keys.length;
    for (const l of r.values()) p.entries += l.size;
  };
  return {
    stats: timed(() => index.stats()),
    documentFrequency: timed((t) => index.documentFrequency(t)),
    table: timed(() => index.table()),
    postings: timed((t) => index.postings(t), lists),
    entityPassages: timed((e) => index.entityPassages(e), lists),
    passages: timed((ids) => index.passages(ids), (r) => (p.records += r.length), 'recordsMs'),
    documents: timed((ids) => index.documents(ids), (r) => (p.records += r.length), 'recordsMs'),
  };
}

/** What the bundle puts on the page's globalThis for the store part to call. */
export interface StoreBench {
  generate(shape: CorpusShape): { documents: number; passages: number; mentions: number; terms: number; ms: number };
  useBundle(bundle: BundlePayload): void;
  importIntoStore(name: string): Promise<{ ms: number }>;
  queries(options: { mentions: number; pages: number; seed: number }): Promise<QueryTimes>;
  runQueries(queries: Query[], rounds: number): Promise<QueryTimes>;
}

/** IndexedDB requests made in this page so far. */
let requests = 0;
for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype] as unknown as Record<string, (...a: unknown[]) => unknown>[]) {
  for (const method of ['get', 'getAll', 'getAllKeys', 'count']) {
    const original = proto[method]!;
    proto[method] = function (this: unknown, ...a: unknown[]) {
      requests++;
      return original.apply(this, a);
    };
  }
}

let bundle: BundlePayload | undefined;
let store: CorpusStore | undefined;

/** Queries as a reader makes them: a name met on a page (entities as often as the corpus names them), and pages of a few paragraphs. */
function makeQueries(b: BundlePayload, mentions: number, pages: number, seed: number): Query[] {
  const r = rng(seed);
  const out: Query[] = [];
  for (let i = 0; i < mentions; i++) {
    const m = b.mentions[Math.floor(r() * b.mentions.length)]!;
    out.push({ kind: 'mention', entityId: m.entityId, context: generateContext(b, m.entityId, seed + i, { offTopic: i % 5 === 4 }) });
  }
  const byDocument = new Map<string, BundlePayload['passages']>();
  for (const p of b.passages) (byDocument.get(p.documentId) ?? byDocument.set(p.documentId, []).get(p.documentId)!).push(p);
  for (let i = 0; i < pages; i++) {
    // A page: a few paragraphs from two corpus documents, and the entities they name.
    const docs = [b.documents[Math.floor(r() * b.documents.length)]!, b.documents[zipf(r, b.documents.length)]!];
    const ps = docs.flatMap((d) => (byDocument.get(d.id) ?? []).filter(() => r() < 0.5));
    const ids = new Set(ps.map((p) => p.id));
    const counts = new Map<string, number>();
    for (const m of b.mentions) if (ids.has(m.passageId)) counts.set(m.entityId, (counts.get(m.entityId) ?? 0) + 1);
    out.push({ kind: 'page', text: ps.map((p) => p.text).join('\n\n'), entityCounts: [...counts] });
  }
  return out;
}

async function run(q: Query, index: RankingIndex): Promise<string> {
  if (q.kind === 'mention') return (await rankPassagesForMention(index, q.entityId, q.context, 10)).map((r) => r.passage.id).join();
  return (await rankDocumentsForPage(index, { text: q.text, entityCounts: new Map(q.entityCounts) }, 8)).map((r) => r.document.id).join();
}

async function runQueries(queries: Query[], rounds: number): Promise<QueryTimes> {
  if (!bundle || !store) throw new Error('Generate a corpus and import it first.');
  const memory = createMemoryRankingIndex(bundle);
  let t0 = performance.now();
  await run(queries[0]!, memory);
  const memoryFirstQueryMs = performance.now() - t0;
  const zero = (): ReadProfile => ({ requests: 0, listsMs: 0, recordsMs: 0, lists: 0, entries: 0, records: 0 });
  const profile = { mention: zero(), page: zero() };
  const times: QueryTimes = { mention: { store: [], memory: [] }, page: { store: [], memory: [] }, memoryFirstQueryMs, disagreements: 0, profile };
  // A warm-up pass, not timed: the first reads of a version fill the store index's caches.
  for (const q of queries.slice(0, 20)) {
    await run(q, store.rankingIndex());
    await run(q, memory);
  }
  for (let round = 0; round < rounds; round++) {
    for (const q of queries) {
      // Interleaved, store then memory, so that a noisy moment slows both alike.
      t0 = performance.now();
      const before = requests;
      const a = await run(q, profiled(store.rankingIndex(), profile[q.kind]));
      profile[q.kind].requests += requests - before;
      const tStore = performance.now() - t0;
      t0 = performance.now();
      const b = await run(q, memory);
      const tMemory = performance.now() - t0;
      times[q.kind].store.push(tStore);
      times[q.kind].memory.push(tMemory);
      if (a !== b) times.disagreements++;
    }
  }
  for (const kind of ['mention', 'page'] as const) {
    const n = times[kind].store.length || 1;
    for (const k of ['requests', 'listsMs', 'recordsMs', 'lists', 'entries', 'records'] as const) profile[kind][k] /= n;
  }
  return times;
}

const bench: StoreBench = {
  generate(shape) {
    const t0 = performance.now();
    bundle = generateCorpus(shape);
    return {
      documents: bundle.documents.length,
      passages: bundle.passages.length,
      mentions: bundle.mentions.length,
      terms: Object.keys(bundle.stats.documentFrequency).length,
      ms: performance.now() - t0,
    };
  },
  useBundle(b) {
    bundle = b;
  },
  async importIntoStore(name) {
    if (!bundle) throw new Error('Generate a corpus first.');
    store?.close();
    store = await openCorpusStore(name);
    const t0 = performance.now();
    await store.importBundle(bundle);
    return { ms: performance.now() - t0 };
  },
  queries: ({ mentions, pages, seed }) => runQueries(makeQueries(bundle!, mentions, pages, seed), 1),
  runQueries,
};

(globalThis as unknown as { backstoryStoreBench: StoreBench }).backstoryStoreBench = bench;
