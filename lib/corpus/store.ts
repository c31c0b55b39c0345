import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import type { RankingIndex } from './rank';
import { buildEntityPostings, buildPostings, forEachPassage, NO_POSTINGS, type PassageTable, packSmallLists, type Postings, type SmallLists, SMALL_LIST_MAX, smallListTerms, sortedPostings, tableFrom, termCounts, unpackSmallLists } from './ranking-table';
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
 * Beside the records the store keeps what ranking reads (see store-ranking.ts and
 * ranking-table.ts), packed so that a query reads at most one record per term and entity: `facts`
 * (the passage table: passages and documents numbered, each passage's document, position and
 * length, each document's date; and the small lists: every short posting list in one record),
 * `postings` (per other term, the ordinals of the passages it occurs in and how often, as typed
 * arrays, derived from passage text with `tokenize`), `entityPostings` (per entity, the passages
 * that mention it and how often) and, in `meta`, the passage count and mean passage length. They are staged with the records, kept right by `applyChanges`, and deleted with stray
 * generations.
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

/** @internal A term's postings: the passages it occurs in and how often (see `Postings`). */
export interface PostingsRecord {
  g: number;
  t: string;
  list: Postings;
}

/** @internal An entity's passages: the passages that name it and how often. */
export interface EntityPostingsRecord {
  g: number;
  e: string;
  list: Postings;
}

/** @internal The passage table, and the short posting lists kept together, one record each per generation. */
export type TableRecord = (PassageTable & { g: number; k: 'table' }) | (SmallLists & { g: number; k: 'small' });

/** @internal The IndexedDB layout of the corpus. */
export interface CorpusDB extends DBSchema {
  meta: { key: 'info'; value: MetaRecord };
  stats: { key: number; value: BundlePayload['stats'] };
  documents: { key: [number, string]; value: Wrapped<CorpusDocument> };
  passages: { key: [number, string]; value: Wrapped<Passage>; indexes: { byDocument: [number, string] } };
  entities: { key: [number, string]; value: Wrapped<Entity> };
  /** Keyed [g, entity, passage, start]: an entity's mentions are one key range. */
  mentions: { key: [number, string, string, number]; value: Wrapped<PassageMention> };
  postings: { key: [number, string]; value: PostingsRecord };
  entityPostings: { key: [number, string]; value: EntityPostingsRecord };
  facts: { key: [number, string]; value: TableRecord };
}

const RECORD_STORES = ['documents', 'passages', 'entities', 'mentions'] as const;
type RecordStore = (typeof RECORD_STORES)[number];
/** Stores derived from the records for ranking, keyed `[g, …]`. */
const INDEX_STORES = ['postings', 'entityPostings', 'facts'] as const;
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
  const db = await openDB<CorpusDB>(name, 4, {
    upgrade(db, oldVersion) {
      // Version 1 kept one unversioned copy, version 2 no postings, version 3 postings of passage ids;
      // all are dropped and the service imports the default again (a sync source then brings its corpus back).
      if (oldVersion < 4) for (const s of [...db.objectStoreNames]) db.deleteObjectStore(s);
      db.createObjectStore('meta');
      db.createObjectStore('stats');
      db.createObjectStore('documents', { keyPath: ['g', 'v.id'] });
      db.createObjectStore('passages', { keyPath: ['g', 'v.id'] }).createIndex('byDocument', ['g', 'v.documentId']);
      db.createObjectStore('entities', { keyPath: ['g', 'v.id'] });
      db.createObjectStore('mentions', { keyPath: ['g', 'v.entityId', 'v.passageId', 'v.start'] });
      db.createObjectStore('postings', { keyPath: ['g', 't'] });
      db.createObjectStore('entityPostings', { keyPath: ['g', 'e'] });
      db.createObjectStore('facts', { keyPath: ['g', 'k'] });
    },
  });
  const store = storeOver(db);
  await deleteStrayGenerations(db);
  return store;
}

/** Every key of generation `g` in a store keyed by `[g, …]`. */
const generationRange = (g: number): IDBKeyRange => IDBKeyRange.bound([g], [g, []]);
/** Every mention of entity `e` in generation `g`. */
const entityRange = (g: number, e: string): IDBKeyRange => IDBKeyRange.bound([g, e], [g, e, []]);

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

/**
 * Queues, in a patch's transaction, the ranking data that `changes` makes, after the records' own
 * changes were queued (`read` holds the passages as they were before): the passage table gets the
 * new and changed passages and documents (a removed passage leaves a hole; a new one is appended);
 * the postings of every term a changed or removed passage had or has are stripped of those passages
 * and given the new texts' counts; the passage list of every entity whose mentions changed is
 * counted again from the mentions store.
 */
async function updateRankingIndex(
  tx: IDBPTransaction<CorpusDB, (typeof STORES)[number][], 'readwrite'>,
  g: number,
  changes: CorpusChanges,
  before: readonly (Passage | undefined)[],
  work: Promise<unknown>[],
): Promise<void> {
  const [old, oldSmall] = await Promise.all([tx.objectStore('facts').get([g, 'table']), tx.objectStore('facts').get([g, 'small'])]);
  if (old?.k !== 'table') throw new Error('The stored corpus has no passage table, so the changes were not applied.');
  const table: PassageTable = { ...old, ids: [...old.ids], published: [...old.published], documentIds: [...old.documentIds] };
  const passageOrdinal = new Map(table.ids.map((id, o) => [id, o]));
  passageOrdinal.delete('');
  const documentOrdinal = new Map(table.documentIds.map((id, d) => [id, d]));
  const documentOf = (id: string): number => documentOrdinal.get(id) ?? (documentOrdinal.set(id, table.documentIds.push(id) - 1), table.published.push(null), table.documentIds.length - 1);
  for (const id of changes.documents.remove) if (documentOrdinal.has(id)) table.published[documentOrdinal.get(id)!] = null;
  for (const d of changes.documents.put) table.published[documentOf(d.id)] = d.published ?? '';
  const touched = new Set<number>();
  for (const id of changes.passages.remove) {
    const o = passageOrdinal.get(id);
    if (o === undefined) continue;
    touched.add(o);
    table.ids[o] = '';
    passageOrdinal.delete(id);
  }
  const added = changes.passages.put.map((p) => {
    const o = passageOrdinal.get(p.id) ?? passageOrdinal.set(p.id, table.ids.push(p.id) - 1).get(p.id)!;
    touched.add(o);
    return { o, p };
  });
  const grow = (a: Uint32Array): Uint32Array => {
    const out = new Uint32Array(table.ids.length);
    out.set(a.subarray(0, out.length));
    return out;
  };
  table.documents = grow(table.documents);
  table.positions = grow(table.positions);
  table.lengths = grow(table.lengths);
  for (const { o, p } of added) {
    table.documents[o] = documentOf(p.documentId);
    table.positions[o] = p.index;
    table.lengths[o] = p.length;
  }
  work.push(tx.objectStore('facts').put({ ...table, g, k: 'table' }));

  // Postings: each affected term's list without the touched passages, plus their new counts.
  const fresh = new Map<string, [number, number][]>();
  for (const { o, p } of added) for (const [t, n] of termCounts(p.text)) (fresh.get(t) ?? fresh.set(t, []).get(t)!).push([o, n]);
  const terms = new Set(fresh.keys());
  for (const p of before) if (p) for (const t of termCounts(p.text).keys()) terms.add(t);
  // A term's list is in the small lists or a record of its own; a changed short list joins the small lists.
  const small = unpackSmallLists(oldSmall?.k === 'small' ? oldSmall : undefined);
  const own = [...terms].filter((t) => !small.has(t));
  const lists = new Map(own.map((t, i) => [t, i]));
  const records = await Promise.all(own.map((t) => tx.objectStore('postings').get([g, t])));
  for (const t of terms) {
    const counts = new Map<number, number>();
    const before = small.get(t) ?? records[lists.get(t)!]?.list;
    if (before) forEachPassage(before, (o, n) => touched.has(o) || counts.set(o, n));
    for (const [o, n] of fresh.get(t) ?? []) counts.set(o, n);
    const list = sortedPostings(counts, table.ids.length);
    small.delete(t);
    if (list.size && list.size <= SMALL_LIST_MAX) small.set(t, list);
    if (list.size && !small.has(t)) work.push(tx.objectStore('postings').put({ g, t, list }));
    else if (lists.has(t)) work.push(tx.objectStore('postings').delete([g, t]));
  }
  work.push(tx.objectStore('facts').put({ ...packSmallLists(small), g, k: 'small' }));

  // Entity lists: counted again from the mentions store, as the queued changes leave it.
  const entities = new Set([...changes.mentions.remove.map(([e]) => e), ...changes.mentions.put.map((m) => m.entityId)]);
  const keys = await Promise.all([...entities].map((e) => tx.objectStore('mentions').getAllKeys(entityRange(g, e))));
  [...entities].forEach((e, i) => {
    const list = buildEntityPostings(keys[i]!.map(([, entityId, passageId]) => ({ entityId, passageId })), (id) => passageOrdinal.get(id)).get(e) ?? NO_POSTINGS;
    work.push(list.size ? tx.objectStore('entityPostings').put({ g, e, list }) : tx.objectStore('entityPostings').delete([g, e]));
  });
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
      // What ranking reads, packed (see ranking-table.ts) and staged the same way, in transactions of
      // about `chunk` records or `chunk` × 256 list entries: the postings, the entity lists, the table.
      const table = tableFrom(b.passages, b.documents);
      const ordinal = new Map(b.passages.map((p, o) => [p.id, o]));
      const packed: (PostingsRecord | EntityPostingsRecord | TableRecord)[] = [];
      const postings = buildPostings(b.passages);
      const small = smallListTerms(postings);
      for (const [t, list] of postings) if (!small.has(t)) packed.push({ g, t, list });
      packed.push({ ...packSmallLists(new Map([...small].map((t) => [t, postings.get(t)!]))), g, k: 'small' });
      for (const [e, list] of buildEntityPostings(b.mentions, (id) => ordinal.get(id))) packed.push({ g, e, list });
      packed.push({ ...table, g, k: 'table' });
      const entries = (r: (typeof packed)[number]): number => ('list' in r ? r.list.counts.length : r.k === 'table' ? r.ids.length : r.passages.length);
      for (let i = 0; i < packed.length; ) {
        const from = i;
        for (let n = 0; i < packed.length && i - from < chunk && n < chunk * 256; i++) n += entries(packed[i]!);
        await writeAll(db, INDEX_STORES, (tx, work) => {
          for (const r of packed.slice(from, i)) {
            if ('t' in r) work.push(tx.objectStore('postings').put(r));
            else if ('e' in r) work.push(tx.objectStore('entityPostings').put(r));
            else work.push(tx.objectStore('facts').put(r));
          }
        });
        await step('staged-chunk');
      }
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
        // The passages as they were, for the postings they leave.
        const touched = [...new Set([...changes.passages.remove, ...changes.passages.put.map((p) => p.id)])];
        const before = (await Promise.all(touched.map((id) => tx.objectStore('passages').get([g, id])))).map((r) => r?.v);
        for (const d of changes.documents.remove) work.push(tx.objectStore('documents').delete([g, d]));
        for (const p of changes.passages.remove) work.push(tx.objectStore('passages').delete([g, p]));
        for (const e of changes.entities.remove) work.push(tx.objectStore('entities').delete([g, e]));
        for (const [e, p, s] of changes.mentions.remove) work.push(tx.objectStore('mentions').delete([g, e, p, s]));
        for (const v of changes.documents.put) work.push(tx.objectStore('documents').put({ g, v }));
        for (const v of changes.passages.put) work.push(tx.objectStore('passages').put({ g, v }));
        for (const v of changes.entities.put) work.push(tx.objectStore('entities').put({ g, v }));
        for (const v of changes.mentions.put) work.push(tx.objectStore('mentions').put({ g, v }));
        await updateRankingIndex(tx, g, changes, before, work);
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
      const mentions = (await tx.objectStore('mentions').getAll(entityRange(g, entityId))).map((r) => r.v);
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
