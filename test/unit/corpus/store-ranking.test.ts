import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { openDB } from 'idb';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateContext, generateCorpus } from '../../../bench/corpus';
import { rng } from '../../../bench/generate';
import { DEFAULT_ASSETS, readCorpusSources } from '../../../cli/sources';
import { buildPayload } from '../../../lib/corpus/build';
import { createMemoryRankingIndex, rankDocumentsForPage, rankPassagesForMention, type RankingIndex } from '../../../lib/corpus/rank';
import { forEachPassage } from '../../../lib/corpus/ranking-table';
import type { BundlePayload } from '../../../lib/corpus/schema';
import { searchPassages } from '../../../lib/corpus/search';
import { type CorpusStore, openCorpusStore } from '../../../lib/corpus/store';
import { CorpusChangedError } from '../../../lib/corpus/store-ranking';
import { tokenize } from '../../../lib/text/tokenize';
import { applyPatch, diffPayloads } from '../../../lib/sync/patch';
import { useFreshIndexedDB } from './fresh-indexeddb';

const keep = useFreshIndexedDB();
let seed: BundlePayload;

beforeAll(async () => {
  seed = buildPayload(await readCorpusSources(DEFAULT_ASSETS), 1, new Date(0));
});


async function storeWith(bundle: BundlePayload, name = 'ranking-test'): Promise<CorpusStore> {
  const store = await openCorpusStore(name);
  keep(store);
  await store.importBundle(bundle, { chunkSize: 97 }); // small chunks: postings span several transactions
  return store;
}

/** Passage and document ids of a ranking, with scores, for readable diffs. */
const passageRows = (list: Awaited<ReturnType<typeof rankPassagesForMention>>) =>
  list.map((r) => ({ id: r.passage.id, score: r.score, entities: r.sharedEntities, terms: r.sharedTerms }));

/** An index's posting lists (of terms, or of entities) as passage id → count. */
async function postingsById(index: RankingIndex, keys: string[], kind: 'postings' | 'entityPassages' = 'postings'): Promise<Map<string, Map<string, number>>> {
  const table = await index.table();
  const lists = await index[kind](keys);
  return new Map(
    [...lists].map(([k, l]) => {
      const byId = new Map<string, number>();
      forEachPassage(l, (o, n) => byId.set(table.ids[o]!, n));
      return [k, byId];
    }),
  );
}

/** Every query kind the extension makes, answered by both indexes: they must agree exactly. */
async function expectSameAnswers(memory: RankingIndex, stored: () => RankingIndex, bundle: BundlePayload, seedNo: number): Promise<number> {
  const r = rng(seedNo);
  const mentioned = [...new Set(bundle.mentions.map((m) => m.entityId))];
  let compared = 0;
  for (let i = 0; i < 12 && mentioned.length; i++) {
    const entityId = mentioned[Math.floor(r() * mentioned.length)]!;
    const context = generateContext(bundle, entityId, seedNo * 100 + i, { offTopic: i % 4 === 3 });
    const a = await rankPassagesForMention(memory, entityId, context, 10);
    const b = await rankPassagesForMention(stored(), entityId, context, 10);
    expect(passageRows(b)).toEqual(passageRows(a));
    expect(b).toEqual(a);
    compared += a.length;
  }
  for (let i = 0; i < 4; i++) {
    const doc = bundle.documents[Math.floor(r() * bundle.documents.length)]!;
    const ps = bundle.passages.filter((p) => p.documentId === doc.id);
    const text = ps.map((p) => p.text).join('\n\n');
    const entityCounts = new Map<string, number>();
    for (const m of bundle.mentions) if (m.passageId.startsWith(`${doc.id}#`)) entityCounts.set(m.entityId, (entityCounts.get(m.entityId) ?? 0) + 1);
    const a = await rankDocumentsForPage(memory, { text, entityCounts }, 8);
    const b = await rankDocumentsForPage(stored(), { text, entityCounts }, 8);
    expect(b.map((d) => [d.document.id, d.score, d.entities, d.bestPassage.passage.id])).toEqual(a.map((d) => [d.document.id, d.score, d.entities, d.bestPassage.passage.id]));
    expect(b).toEqual(a);
    compared += a.length;
    const words = tokenize(ps[0]?.text ?? '').slice(0, 2).join(' ');
    expect(await searchPassages(stored(), words)).toEqual(await searchPassages(memory, words));
  }
  return compared;
}

describe('the store ranking index', { timeout: 60_000 }, () => {
  it('ranks the seed corpus exactly as the memory index does, for every entity in the context of each passage that names it', async () => {
    const store = await storeWith(seed);
    const memory = createMemoryRankingIndex(seed);
    let compared = 0;
    for (const entity of seed.entities) {
      const passages = [...new Set(seed.mentions.filter((m) => m.entityId === entity.id).map((m) => m.passageId))].slice(0, 3);
      for (const pid of passages) {
        const p = seed.passages.find((x) => x.id === pid)!;
        const context = { text: p.text, entityIds: [...new Set(seed.mentions.filter((m) => m.passageId === pid).map((m) => m.entityId))] };
        const a = await rankPassagesForMention(memory, entity.id, context);
        expect(await rankPassagesForMention(store.rankingIndex(), entity.id, context)).toEqual(a);
        compared += a.length;
      }
      expect(await rankPassagesForMention(store.rankingIndex(), entity.id, { text: '', entityIds: [] })).toEqual(
        await rankPassagesForMention(memory, entity.id, { text: '', entityIds: [] }),
      );
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('covers pages in the seed corpus exactly as the memory index does (each document as the page)', async () => {
    const store = await storeWith(seed);
    const memory = createMemoryRankingIndex(seed);
    for (const doc of seed.documents) {
      const ps = seed.passages.filter((p) => p.documentId === doc.id);
      const entityCounts = new Map<string, number>();
      for (const m of seed.mentions) if (ps.some((p) => p.id === m.passageId)) entityCounts.set(m.entityId, (entityCounts.get(m.entityId) ?? 0) + 1);
      const page = { text: ps.map((p) => p.text).join('\n\n'), entityCounts };
      const a = await rankDocumentsForPage(memory, page);
      expect(a.length).toBeGreaterThan(1);
      expect(await rankDocumentsForPage(store.rankingIndex(), page)).toEqual(a);
    }
    for (const q of ['Tikrit', 'Russian airstrikes', 'constructor', 'Dunford Abadi']) {
      expect(await searchPassages(store.rankingIndex(), q)).toEqual(await searchPassages(memory, q));
    }
  });

  it('gives the same top results as the memory index on generated corpora (property)', async () => {
    let total = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          documents: fc.integer({ min: 1, max: 25 }),
          passagesPerDocument: fc.integer({ min: 1, max: 6 }),
          entities: fc.integer({ min: 1, max: 30 }),
          vocabulary: fc.integer({ min: 20, max: 400 }),
          wordsPerPassage: fc.integer({ min: 5, max: 60 }),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        async (shape) => {
          const bundle = generateCorpus(shape);
          const store = await storeWith(bundle, `generated-${run++}`);
          total += await expectSameAnswers(createMemoryRankingIndex(bundle), () => store.rankingIndex(), bundle, shape.seed);
        },
      ),
      { numRuns: 15, seed: 5 },
    );
    expect(total).toBeGreaterThan(50);
  });

  it('keeps postings right through a patch: changed, removed and added passages', async () => {
    // 120 passages: common words have lists of their own, rare ones are in the small lists.
    const v1 = generateCorpus({ documents: 30, passagesPerDocument: 4, entities: 10, vocabulary: 150, wordsPerPassage: 30, seed: 7 });
    const store = await storeWith(v1);
    // v2: one passage rewritten in words v1 never used, one document gone, one new, one passage moved.
    const gone = v1.documents[3]!.id;
    const passages = v1.passages
      .filter((p) => p.documentId !== gone)
      .map((p) => (p.id === 'd-0#1' ? { ...p, text: 'Zzquux zzquux fresh wording only here.', length: 6 } : p));
    passages.push({ id: 'd-99#0', documentId: 'd-99', index: 0, text: `${v1.entities[0]!.name} met zzquux in a brand new passage.`, length: 0 });
    const mentions = v1.mentions.filter((m) => !m.passageId.startsWith(`${gone}#`) && m.passageId !== 'd-0#1');
    mentions.push({ entityId: v1.entities[0]!.id, passageId: 'd-99#0', start: 0, end: v1.entities[0]!.name.length });
    for (const p of passages) p.length = tokenize(p.text).length;
    const documentFrequency: Record<string, number> = {};
    for (const p of passages) for (const t of new Set(tokenize(p.text))) documentFrequency[t] = (documentFrequency[t] ?? 0) + 1;
    const v2: BundlePayload = {
      ...v1,
      corpus: { ...v1.corpus, version: 2 },
      documents: [...v1.documents.filter((d) => d.id !== gone), { id: 'd-99', title: 'New', published: '2026-02', sourceFile: 'd-99.txt' }],
      passages,
      mentions,
      stats: { passages: passages.length, averageLength: passages.reduce((s, p) => s + p.length, 0) / passages.length, documentFrequency },
    };
    const { payload, changes } = await applyPatch(v1, await diffPayloads(v1, v2));
    const before = store.rankingIndex();
    await before.stats();
    await store.applyChanges(changes, { id: 'generated', version: 1 });

    const stored = store.rankingIndex();
    const memory = createMemoryRankingIndex(payload);
    const allTerms = [...new Set([...Object.keys(v1.stats.documentFrequency), ...Object.keys(documentFrequency)])];
    // Ordinals differ (the patch appended the new passage): compare by passage id.
    expect(await postingsById(stored, allTerms)).toEqual(await postingsById(memory, allTerms));
    const entities = payload.entities.map((e) => e.id);
    expect(await postingsById(stored, entities, 'entityPassages')).toEqual(await postingsById(memory, entities, 'entityPassages'));
    expect(await stored.documentFrequency(allTerms)).toEqual(await memory.documentFrequency(allTerms));
    expect(await stored.stats()).toEqual(await memory.stats());
    expect((await postingsById(stored, ['zzquux'])).get('zzquux')).toEqual(new Map([['d-0#1', 2], ['d-99#0', 1]]));
    for (const list of (await postingsById(stored, allTerms)).values()) for (const id of list.keys()) expect(id.startsWith(`${gone}#`)).toBe(false);
    await expectSameAnswers(memory, () => store.rankingIndex(), payload, 3);
    // An index made before the patch refuses to mix the two versions.
    await expect(before.postings(['zzquux'])).rejects.toBeInstanceOf(CorpusChangedError);
  });

  it('deletes the postings and facts of earlier and unfinished generations', async () => {
    // Both have common words (lists of their own) and rare ones (in the small lists).
    const a = generateCorpus({ documents: 30, passagesPerDocument: 5, entities: 4, vocabulary: 60, seed: 1 });
    const b = generateCorpus({ documents: 20, passagesPerDocument: 5, entities: 4, vocabulary: 60, seed: 2 });
    let staged = 0;
    await (await storeWith(a, 'count-steps')).importBundle(a, { chunkSize: 50, onStep: (s) => void (s === 'staged-chunk' && staged++) });
    const store = await storeWith(a, 'strays');
    await store.importBundle(b, { chunkSize: 50 });
    let steps = 0;
    // Everything of a staged, then a crash before the flip.
    await expect(
      store.importBundle(a, {
        chunkSize: 50,
        onStep: (s) => {
          if (s === 'staged-chunk' && ++steps === staged) throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    store.close();
    const generationsIn = async (name: string, s: string) => {
      const db = await openDB(name);
      const out = new Set((await db.getAllKeys(s)).map((k) => (k as [number])[0]));
      db.close();
      return out;
    };
    for (const s of ['postings', 'entityPostings', 'facts']) expect(await generationsIn('strays', s)).toEqual(new Set([2, 3])); // the crash left them behind
    const reopened = await openCorpusStore('strays');
    keep(reopened);
    const raw = await openDB('strays');
    const generations = async (s: string) => new Set((await raw.getAllKeys(s)).map((k) => (k as [number])[0]));
    expect(await generations('postings')).toEqual(new Set([2]));
    expect(await generations('facts')).toEqual(new Set([2]));
    expect(await generations('entityPostings')).toEqual(new Set([2]));
    raw.close();
    expect(await rankPassagesForMention(reopened.rankingIndex(), 'e-0', { text: b.passages[0]!.text, entityIds: [] })).toEqual(
      await rankPassagesForMention(createMemoryRankingIndex(b), 'e-0', { text: b.passages[0]!.text, entityIds: [] }),
    );
  });
});
