import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import { tokenize } from '../text/tokenize';
import type { RankingIndex } from './rank';
import { type CorpusInfo, type CorpusReader, infoOf, rankPassageHits } from './reader';
import type { BundlePayload, CorpusDocument, Entity, Passage, PassageMention } from './schema';
import { createRankingCache, createStoreRankingIndex } from './store-ranking';

/**
 * The corpus in IndexedDB, kept by generation so that a new corpus is written while the old one
 * keeps serving, and becomes visible in one step.
 *
 * Every record is stored as `{g, v}`: the generation it belongs to and the record itself, keyed by
 * `[g, …the record's own key]`. The one `meta` record names the current generation; readers read it
 * in the same transaction as the records, so they always see one whole generation. An import writes
 * the next generation in chunks (any number of transactions), then flips `meta` in one transaction,
 * then deletes the old generation. A crash or a full disk before the flip leaves stray records of an
 * unfinished generation, which nothing reads and the next open or import deletes.
 *
 * Beside the records the store keeps what ranking reads (see store-ranking.ts), so that a query
 * reads only the terms and passages it needs: `postings` (per term, the passages it occurs in and
 * how often, derived from passage text with `tokenize`), `facts` (each passage's document,
 * position and length, and each document's date, in one compact table) and, in `meta`, the passage
 * count and mean passage length. They are staged with the records, kept right by `applyChanges`,
 * and deleted with stray generations.
 */

/** What a sync last trusted; kept in the same record as the current generation, so they change together. */
export interface TrustRecord {
  /** The manifest URL it came from. */
  source: string;
  corpusId: string;
  /** The content version of the manifest that was trusted. */
  version: number;
  /** SHA-256 (hex) of that manifest's bytes. */
  manifestSha256: string;
  /** When that manifest expires (ISO date-time). */
  expires: string;
  /** When it was trusted (ISO date-time). */
  trustedAt: string;
}

interface Wrapped<T> {
  g: number;
  v: T;
}

/** What ranking needs of the statistics, kept small so that every query can read it. */
export interface RankingStats {
  passages: number;
  averageLength: number;
}

/** @internal The one record naming the current generation. */
export interface MetaRecord {
  generation: number;
  info: CorpusInfo;
  trust?: TrustRecord;
  ranking?: RankingStats;
}

/** @internal A term's postings: passage ids and, at the same positions, how often the term occurs there. */
export interface PostingsRecord {
  g: number;
  t: string;
  ids: string[];
  tf: number[];
}

/**
 * @internal The facts table, two records per generation: each passage's document, position and
 * length, and each document's date ('' when it has none), in parallel arrays.
 */
export type FactsRecord =
  | { g: number; k: 'passages'; ids: string[]; documentIds: string[]; indexes: number[]; lengths: number[] }
  | { g: number; k: 'documents'; ids: string[]; published: string[] };


/** @internal The IndexedDB layout of the corpus. */
export interface CorpusDB extends DBSchema {
  meta: { key: 'info'; value: MetaRecord };
  stats: { key: number; value: BundlePayload['stats'] };
  documents: { key: [number, string]; value: Wrapped<CorpusDocument> };
  passages: { key: [number, string]; value: Wrapped<Passage>; indexes: { byDocument: [number, string] } };
  entities: { key: [number, string]; value: Wrapped<Entity> };
  mentions: {
    key: [number, string, string, number];
    value: Wrapped<PassageMention>;
    indexes: { byEntity: [number, string]; byPassage: [number, string] };
  };
  postings: { key: [number, string]; value: PostingsRecord };
  facts: { key: [number, string]; value: FactsRecord };
}

const RECORD_STORES = ['documents', 'passages', 'entities', 'mentions'] as const;
type RecordStore = (typeof RECORD_STORES)[number];
/** Stores derived from the records for ranking, keyed `[g, term]`. */
const INDEX_STORES = ['postings', 'facts'] as const;
const KEYED_STORES = [...RECORD_STORES, ...INDEX_STORES] as const;
const STORES = ['meta', 'stats', ...KEYED_STORES] as const;

/** Added, changed and removed records that turn the stored corpus into the next version in one transaction. */
export interface CorpusChanges {
  /** The corpus identity and counts after the change. */
  info: CorpusInfo;
  stats: BundlePayload['stats'];
  documents: { put: CorpusDocument[]; remove: string[] };
  passages: { put: Passage[]; remove: string[] };
  entities: { put: Entity[]; remove: string[] };
  /** Mentions are removed by key: entity id, passage id, start. */
  mentions: { put: PassageMention[]; remove: [string, string, number][] };
}

/** The named points of an import, for tests that interrupt it at each one. */
export type ImportStep = 'cleaned' | 'staged-chunk' | 'flipped' | 'old-generation-deleted';

/** How an import records trust and reports progress. */
export interface ImportOptions {
  /** The trust record to keep with the new corpus; omitted: the current one is kept. */
  trust?: TrustRecord;
  /** Called after each step; if it throws, the import stops there, as a crash would stop it. */
  onStep?: (step: ImportStep) => void | Promise<void>;
  /** Records written per staging transaction (default 2,000). */
  chunkSize?: number;
}

/** The corpus in IndexedDB: readable, replaced whole by `importBundle`, changed in place by `applyChanges`. */
export interface CorpusStore extends CorpusReader {
  /** Whether a corpus has been imported. */
  isEmpty(): Promise<boolean>;
  /** Replaces the stored corpus with `bundle`: readers see the old one until the new one is whole. */
  importBundle(bundle: BundlePayload, options?: ImportOptions): Promise<void>;
  /**
   * Applies `changes` in one transaction, only if the stored corpus is `base` (its id and version);
   * otherwise rejects and changes nothing.
   */
  applyChanges(changes: CorpusChanges, base: { id: string; version: number }, options?: Pick<ImportOptions, 'trust'>): Promise<void>;
  /** The whole stored corpus as a payload (collections in key order). */
  readPayload(): Promise<BundlePayload>;
  /** What the last sync trusted, if any. */
  trust(): Promise<TrustRecord | undefined>;
  /**
   * A ranking index that reads the stored postings and records per query; it answers for the
   * corpus current at its first read, and rejects with CorpusChangedError if that changes.
   */
  rankingIndex(): RankingIndex;
  close(): void;
}

/** Opens (creating where needed) the corpus database; rejects where IndexedDB cannot be opened. */
export async function openCorpusStore(name = 'backstory-corpus'): Promise<CorpusStore> {
  const db = await openDB<CorpusDB>(name, 3, {
    upgrade(db, oldVersion) {
      // Version 1 kept one unversioned copy, version 2 no postings; both are dropped and the service
      // imports the default again (a sync source then brings its corpus back).
      if (oldVersion < 3) for (const s of [...db.objectStoreNames]) db.deleteObjectStore(s);
      db.createObjectStore('meta');
      db.createObjectStore('stats');
      db.createObjectStore('documents', { keyPath: ['g', 'v.id'] });
      db.createObjectStore('passages', { keyPath: ['g', 'v.id'] }).createIndex('byDocument', ['g', 'v.documentId']);
      db.createObjectStore('entities', { keyPath: ['g', 'v.id'] });
      const mentions = db.createObjectStore('mentions', { keyPath: ['g', 'v.entityId', 'v.passageId', 'v.start'] });
      mentions.createIndex('byEntity', ['g', 'v.entityId']);
      mentions.createIndex('byPassage', ['g', 'v.passageId']);
      db.createObjectStore('postings', { keyPath: ['g', 't'] });
      db.createObjectStore('facts', { keyPath: ['g', 'k'] });
    },
  });
  const store = storeOver(db);
  await deleteStrayGenerations(db);
  return store;
}

/** Every key of generation `g` in a store keyed by `[g, …]`. */
const generationRange = (g: number): IDBKeyRange => IDBKeyRange.bound([g], [g, []]);

/** Deletes every record that does not belong to the current generation (all of them when there is none). */
async function deleteStrayGenerations(db: IDBPDatabase<CorpusDB>): Promise<void> {
  const tx = db.transaction(STORES, 'readwrite');
  const meta = await tx.objectStore('meta').get('info');
  const work: Promise<unknown>[] = [];
  if (!meta) {
    for (const s of STORES) work.push(tx.objectStore(s).clear());
  } else {
    const g = meta.generation;
    for (const s of KEYED_STORES) {
      work.push(tx.objectStore(s).delete(IDBKeyRange.upperBound([g], true)));
      work.push(tx.objectStore(s).delete(IDBKeyRange.lowerBound([g, []], true)));
    }
    work.push(tx.objectStore('stats').delete(IDBKeyRange.upperBound(g, true)));
    work.push(tx.objectStore('stats').delete(IDBKeyRange.lowerBound(g, true)));
  }
  await Promise.all([...work, tx.done]);
}

/** Runs `fill` on a readwrite transaction and waits for it all; any failure aborts the whole transaction. */
async function writeAll<S extends StoreNames<CorpusDB>>(
  db: IDBPDatabase<CorpusDB>,
  stores: readonly S[],
  fill: (tx: IDBPTransaction<CorpusDB, S[], 'readwrite'>, work: Promise<unknown>[]) => Promise<void> | void,
): Promise<void> {
  const tx = db.transaction([...stores], 'readwrite');
  const work: Promise<unknown>[] = [];
  try {
    // Inside the try: a put that throws as it is queued (a value IndexedDB cannot clone, a key path
    // that does not resolve) must abort too, or the requests queued before it would commit.
    await fill(tx, work);
    await Promise.all([...work, tx.done]);
  } catch (e) {
    void Promise.allSettled([...work, tx.done]); // they reject with the abort: nobody else awaits them
    try {
      tx.abort();
    } catch {
      // already aborted by the failing request
    }
    throw e;
  }
}

/** Each term's postings over `passages`, in passage order: the terms `tokenize` finds in the text, and how often. */
export function buildPostings(passages: readonly Passage[]): Map<string, { ids: string[]; tf: number[] }> {
  const out = new Map<string, { ids: string[]; tf: number[] }>();
  for (const p of passages) {
    for (const [t, n] of termCounts(p.text)) {
      const list = out.get(t);
      if (list) {
        list.ids.push(p.id);
        list.tf.push(n);
      } else out.set(t, { ids: [p.id], tf: [n] });
    }
  }
  return out;
}

/** The facts table's two records for generation `g`. */
function factsRecords(
  g: number,
  passages: readonly Pick<Passage, 'id' | 'documentId' | 'index' | 'length'>[],
  documents: readonly { id: string; published?: string }[],
): FactsRecord[] {
  return [
    {
      g,
      k: 'passages',
      ids: passages.map((p) => p.id),
      documentIds: passages.map((p) => p.documentId),
      indexes: passages.map((p) => p.index),
      lengths: passages.map((p) => p.length),
    },
    { g, k: 'documents', ids: documents.map((d) => d.id), published: documents.map((d) => d.published ?? '') },
  ];
}

function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/**
 * Queues, in a patch's transaction, the postings and facts changes that `changes` makes: the lists of
 * every term a changed or removed passage had or has are read, stripped of those passages, given the new
 * texts' counts, and written back (or deleted when empty); the facts table is rewritten.
 */
async function updateRankingIndex(
  tx: IDBPTransaction<CorpusDB, (typeof STORES)[number][], 'readwrite'>,
  g: number,
  changes: CorpusChanges,
  work: Promise<unknown>[],
): Promise<void> {
  const touched = new Set([...changes.passages.remove, ...changes.passages.put.map((p) => p.id)]);
  const old = await Promise.all([...touched].map((id) => tx.objectStore('passages').get([g, id])));
  const added = new Map<string, [string, number][]>();
  for (const p of changes.passages.put) {
    for (const [t, n] of termCounts(p.text)) (added.get(t) ?? added.set(t, []).get(t)!).push([p.id, n]);
  }
  const terms = new Set(added.keys());
  for (const r of old) if (r) for (const t of termCounts(r.v.text).keys()) terms.add(t);
  const lists = await Promise.all([...terms].map((t) => tx.objectStore('postings').get([g, t])));
  [...terms].forEach((t, i) => {
    const before = lists[i];
    const ids: string[] = [];
    const tf: number[] = [];
    if (before) {
      before.ids.forEach((id, j) => {
        if (touched.has(id)) return;
        ids.push(id);
        tf.push(before.tf[j]!);
      });
    }
    for (const [id, n] of added.get(t) ?? []) {
      ids.push(id);
      tf.push(n);
    }
    work.push(ids.length ? tx.objectStore('postings').put({ g, t, ids, tf }) : tx.objectStore('postings').delete([g, t]));
  });
  // The facts table: rebuilt from the stored one without the touched records, plus the new ones.
  const [oldPassages, oldDocuments] = await Promise.all([tx.objectStore('facts').get([g, 'passages']), tx.objectStore('facts').get([g, 'documents'])]);
  const passageFacts = new Map<string, Pick<Passage, 'documentId' | 'index' | 'length'>>();
  if (oldPassages?.k === 'passages') {
    oldPassages.ids.forEach((id, i) => passageFacts.set(id, { documentId: oldPassages.documentIds[i]!, index: oldPassages.indexes[i]!, length: oldPassages.lengths[i]! }));
  }
  for (const id of changes.passages.remove) passageFacts.delete(id);
  for (const p of changes.passages.put) passageFacts.set(p.id, p);
  const published = new Map<string, string>();
  if (oldDocuments?.k === 'documents') oldDocuments.ids.forEach((id, i) => published.set(id, oldDocuments.published[i]!));
  for (const id of changes.documents.remove) published.delete(id);
  for (const d of changes.documents.put) published.set(d.id, d.published ?? '');
  const facts = factsRecords(
    g,
    [...passageFacts].map(([id, f]) => ({ id, ...f })),
    [...published].map(([id, date]) => ({ id, published: date })),
  );
  for (const r of facts) work.push(tx.objectStore('facts').put(r));
}

function records(b: BundlePayload): { [S in RecordStore]: CorpusDB[S]['value']['v'][] } {
  return { documents: b.documents, passages: b.passages, entities: b.entities, mentions: b.mentions };
}

function storeOver(db: IDBPDatabase<CorpusDB>): CorpusStore {
  const rankingCache = createRankingCache();
  /** The current generation, read in the caller's transaction so the records read with it match. */
  const current = async (tx: { objectStore(name: 'meta'): { get(key: 'info'): Promise<MetaRecord | undefined> } }): Promise<MetaRecord> => {
    const meta = await tx.objectStore('meta').get('info');
    if (!meta) throw new Error('No corpus has been imported yet.');
    return meta;
  };

  return {
    async isEmpty() {
      return (await db.count('meta')) === 0;
    },

    async importBundle(b, options = {}) {
      const step = options.onStep ?? (() => undefined);
      const chunk = options.chunkSize ?? 2000;
      // Stray records of an import cut short earlier are removed first, so the next generation starts empty.
      await deleteStrayGenerations(db);
      const before = await db.get('meta', 'info');
      const g = (before?.generation ?? 0) + 1;
      await step('cleaned');
      for (const s of RECORD_STORES) {
        const list = records(b)[s];
        for (let i = 0; i < list.length; i += chunk) {
          await writeAll(db, [s], (tx, work) => {
            const os = tx.objectStore(s);
            for (const v of list.slice(i, i + chunk)) work.push(os.put({ g, v } as never));
          });
          await step('staged-chunk');
        }
      }
      // What ranking reads, staged the same way: postings in chunks of about `chunk` terms (fewer when
      // their lists are long), then the facts table.
      let batch: PostingsRecord[] = [];
      let entries = 0;
      const flush = async (): Promise<void> => {
        const list = batch;
        batch = [];
        entries = 0;
        await writeAll(db, ['postings'], (tx, work) => {
          for (const r of list) work.push(tx.objectStore('postings').put(r));
        });
        await step('staged-chunk');
      };
      for (const [t, { ids, tf }] of buildPostings(b.passages)) {
        batch.push({ g, t, ids, tf });
        entries += ids.length;
        if (batch.length >= chunk || entries >= chunk * 25) await flush();
      }
      if (batch.length) await flush();
      await writeAll(db, ['facts'], (tx, work) => {
        for (const r of factsRecords(g, b.passages, b.documents)) work.push(tx.objectStore('facts').put(r));
      });
      await step('staged-chunk');
      // The flip: one transaction makes the new generation current, or (on a concurrent import) nothing.
      await writeAll(db, ['meta', 'stats'], async (tx, work) => {
        const now = await tx.objectStore('meta').get('info');
        if ((now?.generation ?? 0) !== (before?.generation ?? 0)) throw new Error('Another import finished first, so this one was dropped.');
        const trust = options.trust ?? now?.trust;
        work.push(tx.objectStore('stats').put(b.stats, g));
        const ranking = { passages: b.stats.passages, averageLength: b.stats.averageLength };
        work.push(tx.objectStore('meta').put({ generation: g, info: infoOf(b), ranking, ...(trust ? { trust } : {}) }, 'info'));
      });
      await step('flipped');
      await deleteStrayGenerations(db);
      await step('old-generation-deleted');
    },

    async applyChanges(changes, base, options = {}) {
      await writeAll(db, STORES, async (tx, work) => {
        const meta = await current(tx);
        const { id, version } = meta.info.corpus;
        if (id !== base.id || version !== base.version) {
          throw new Error(`The stored corpus is ${id} version ${version}, not ${base.id} version ${base.version}, so the changes were not applied.`);
        }
        const g = meta.generation;
        const trust = options.trust ?? meta.trust;
        // Postings and frequencies first: they need the stored passages and statistics before the change.
        await updateRankingIndex(tx, g, changes, work);
        for (const d of changes.documents.remove) work.push(tx.objectStore('documents').delete([g, d]));
        for (const p of changes.passages.remove) work.push(tx.objectStore('passages').delete([g, p]));
        for (const e of changes.entities.remove) work.push(tx.objectStore('entities').delete([g, e]));
        for (const [e, p, s] of changes.mentions.remove) work.push(tx.objectStore('mentions').delete([g, e, p, s]));
        for (const v of changes.documents.put) work.push(tx.objectStore('documents').put({ g, v }));
        for (const v of changes.passages.put) work.push(tx.objectStore('passages').put({ g, v }));
        for (const v of changes.entities.put) work.push(tx.objectStore('entities').put({ g, v }));
        for (const v of changes.mentions.put) work.push(tx.objectStore('mentions').put({ g, v }));
        work.push(tx.objectStore('stats').put(changes.stats, g));
        const ranking = { passages: changes.stats.passages, averageLength: changes.stats.averageLength };
        work.push(tx.objectStore('meta').put({ generation: g, info: changes.info, ranking, ...(trust ? { trust } : {}) }, 'info'));
      });
    },

    async readPayload() {
      const tx = db.transaction(STORES);
      const meta = await current(tx);
      const range = generationRange(meta.generation);
      const [stats, documents, passages, entities, mentions] = await Promise.all([
        tx.objectStore('stats').get(meta.generation),
        tx.objectStore('documents').getAll(range),
        tx.objectStore('passages').getAll(range),
        tx.objectStore('entities').getAll(range),
        tx.objectStore('mentions').getAll(range),
      ]);
      if (!stats) throw new Error('The stored corpus has no ranking statistics.');
      const v = <T>(list: Wrapped<T>[]): T[] => list.map((r) => r.v);
      return {
        format: 1,
        corpus: meta.info.corpus,
        documents: v(documents),
        passages: v(passages),
        entities: v(entities),
        mentions: v(mentions),
        stats,
      };
    },

    async trust() {
      return (await db.get('meta', 'info'))?.trust;
    },

    rankingIndex: () => createStoreRankingIndex(db, rankingCache),

    async info() {
      return (await current(db.transaction('meta'))).info;
    },
    async getEntities() {
      const tx = db.transaction(['meta', 'entities']);
      const { generation } = await current(tx);
      return (await tx.objectStore('entities').getAll(generationRange(generation))).map((r) => r.v);
    },
    async getEntity(id) {
      const tx = db.transaction(['meta', 'entities']);
      const { generation } = await current(tx);
      return (await tx.objectStore('entities').get([generation, id]))?.v;
    },
    async getDocument(id) {
      const tx = db.transaction(['meta', 'documents']);
      const { generation } = await current(tx);
      return (await tx.objectStore('documents').get([generation, id]))?.v;
    },
    async getPassagesOfEntity(entityId, limit = 20) {
      const tx = db.transaction(['meta', 'mentions', 'passages', 'documents']);
      const meta = await tx.objectStore('meta').get('info');
      if (!meta) return [];
      const g = meta.generation;
      const mentions = (await tx.objectStore('mentions').index('byEntity').getAll([g, entityId])).map((r) => r.v);
      const ids = [...new Set(mentions.map((m) => m.passageId))];
      const passages = new Map<string, Passage>();
      for (const p of await Promise.all(ids.map((id) => tx.objectStore('passages').get([g, id])))) if (p) passages.set(p.v.id, p.v);
      const docIds = [...new Set([...passages.values()].map((p) => p.documentId))];
      const documents = new Map<string, CorpusDocument>();
      for (const d of await Promise.all(docIds.map((id) => tx.objectStore('documents').get([g, id])))) if (d) documents.set(d.v.id, d.v);
      return rankPassageHits(mentions, (id) => passages.get(id), (id) => documents.get(id), limit);
    },
    async getPassagesOfDocument(documentId) {
      const tx = db.transaction(['meta', 'passages']);
      const { generation } = await current(tx);
      const rows = await tx.objectStore('passages').index('byDocument').getAll([generation, documentId]);
      return rows.map((r) => r.v).sort((a, b) => a.index - b.index);
    },
    close: () => db.close(),
  };
}
