import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import { type CorpusInfo, type CorpusReader, infoOf, rankPassageHits } from './reader';
import type { BundlePayload, CorpusDocument, Entity, Passage, PassageMention } from './schema';

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

interface MetaRecord {
  generation: number;
  info: CorpusInfo;
  trust?: TrustRecord;
}

/** The IndexedDB layout of the corpus. */
interface CorpusDB extends DBSchema {
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
}

const RECORD_STORES = ['documents', 'passages', 'entities', 'mentions'] as const;
type RecordStore = (typeof RECORD_STORES)[number];
const STORES = ['meta', 'stats', ...RECORD_STORES] as const;

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
  close(): void;
}

/** Opens (creating where needed) the corpus database; rejects where IndexedDB cannot be opened. */
export async function openCorpusStore(name = 'backstory-corpus'): Promise<CorpusStore> {
  const db = await openDB<CorpusDB>(name, 2, {
    upgrade(db, oldVersion) {
      // Version 1 kept one unversioned copy; it is dropped and the service imports the default again.
      if (oldVersion < 2) for (const s of [...db.objectStoreNames]) db.deleteObjectStore(s);
      db.createObjectStore('meta');
      db.createObjectStore('stats');
      db.createObjectStore('documents', { keyPath: ['g', 'v.id'] });
      db.createObjectStore('passages', { keyPath: ['g', 'v.id'] }).createIndex('byDocument', ['g', 'v.documentId']);
      db.createObjectStore('entities', { keyPath: ['g', 'v.id'] });
      const mentions = db.createObjectStore('mentions', { keyPath: ['g', 'v.entityId', 'v.passageId', 'v.start'] });
      mentions.createIndex('byEntity', ['g', 'v.entityId']);
      mentions.createIndex('byPassage', ['g', 'v.passageId']);
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
    for (const s of RECORD_STORES) {
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

function records(b: BundlePayload): { [S in RecordStore]: CorpusDB[S]['value']['v'][] } {
  return { documents: b.documents, passages: b.passages, entities: b.entities, mentions: b.mentions };
}

function storeOver(db: IDBPDatabase<CorpusDB>): CorpusStore {
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
      // The flip: one transaction makes the new generation current, or (on a concurrent import) nothing.
      await writeAll(db, ['meta', 'stats'], async (tx, work) => {
        const now = await tx.objectStore('meta').get('info');
        if ((now?.generation ?? 0) !== (before?.generation ?? 0)) throw new Error('Another import finished first, so this one was dropped.');
        const trust = options.trust ?? now?.trust;
        work.push(tx.objectStore('stats').put(b.stats, g));
        work.push(tx.objectStore('meta').put({ generation: g, info: infoOf(b), ...(trust ? { trust } : {}) }, 'info'));
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
        for (const d of changes.documents.remove) work.push(tx.objectStore('documents').delete([g, d]));
        for (const p of changes.passages.remove) work.push(tx.objectStore('passages').delete([g, p]));
        for (const e of changes.entities.remove) work.push(tx.objectStore('entities').delete([g, e]));
        for (const [e, p, s] of changes.mentions.remove) work.push(tx.objectStore('mentions').delete([g, e, p, s]));
        for (const v of changes.documents.put) work.push(tx.objectStore('documents').put({ g, v }));
        for (const v of changes.passages.put) work.push(tx.objectStore('passages').put({ g, v }));
        for (const v of changes.entities.put) work.push(tx.objectStore('entities').put({ g, v }));
        for (const v of changes.mentions.put) work.push(tx.objectStore('mentions').put({ g, v }));
        work.push(tx.objectStore('stats').put(changes.stats, g));
        work.push(tx.objectStore('meta').put({ generation: g, info: changes.info, ...(trust ? { trust } : {}) }, 'info'));
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
