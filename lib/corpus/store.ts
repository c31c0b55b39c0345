import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { type CorpusInfo, type CorpusReader, infoOf, rankPassageHits } from './reader';
import type { BundlePayload, CorpusDocument, Entity, Passage, PassageMention } from './schema';

/** The IndexedDB layout of the corpus. */
interface CorpusDB extends DBSchema {
  meta: { key: 'info'; value: CorpusInfo };
  stats: { key: 'stats'; value: BundlePayload['stats'] };
  documents: { key: string; value: CorpusDocument };
  passages: { key: string; value: Passage; indexes: { byDocument: string } };
  entities: { key: string; value: Entity };
  mentions: { key: [string, string, number]; value: PassageMention; indexes: { byEntity: string; byPassage: string } };
}

const STORES = ['meta', 'stats', 'documents', 'passages', 'entities', 'mentions'] as const;

/** The corpus in IndexedDB: readable, and replaced whole by `importBundle`. */
export interface CorpusStore extends CorpusReader {
  /** Whether a corpus has been imported. */
  isEmpty(): Promise<boolean>;
  /** Replaces the stored corpus with `bundle` in one transaction: all of it, or nothing. */
  importBundle(bundle: BundlePayload): Promise<void>;
  close(): void;
}

/** Opens (creating where needed) the corpus database; rejects where IndexedDB cannot be opened. */
export async function openCorpusStore(name = 'backstory-corpus'): Promise<CorpusStore> {
  const db = await openDB<CorpusDB>(name, 1, {
    upgrade(db) {
      db.createObjectStore('meta');
      db.createObjectStore('stats');
      db.createObjectStore('documents', { keyPath: 'id' });
      db.createObjectStore('passages', { keyPath: 'id' }).createIndex('byDocument', 'documentId');
      db.createObjectStore('entities', { keyPath: 'id' });
      const mentions = db.createObjectStore('mentions', { keyPath: ['entityId', 'passageId', 'start'] });
      mentions.createIndex('byEntity', 'entityId');
      mentions.createIndex('byPassage', 'passageId');
    },
  });
  return storeOver(db);
}

function storeOver(db: IDBPDatabase<CorpusDB>): CorpusStore {
  return {
    async isEmpty() {
      return (await db.count('meta')) === 0;
    },
    async importBundle(b) {
      // One transaction over every store: IndexedDB commits all of it or, on any error, none.
      const tx = db.transaction(STORES, 'readwrite');
      const work: Promise<unknown>[] = [];
      try {
        // Inside the try: a put that throws as it is queued (a value IndexedDB cannot clone, a key path
        // that does not resolve) must abort too, or the requests queued before it would commit.
        for (const s of STORES) work.push(tx.objectStore(s).clear());
        work.push(tx.objectStore('meta').put(infoOf(b), 'info'));
        work.push(tx.objectStore('stats').put(b.stats, 'stats'));
        for (const d of b.documents) work.push(tx.objectStore('documents').put(d));
        for (const p of b.passages) work.push(tx.objectStore('passages').put(p));
        for (const e of b.entities) work.push(tx.objectStore('entities').put(e));
        for (const m of b.mentions) work.push(tx.objectStore('mentions').put(m));
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
    },
    async info() {
      const info = await db.get('meta', 'info');
      if (!info) throw new Error('No corpus has been imported yet.');
      return info;
    },
    getEntities: () => db.getAll('entities'),
    getEntity: (id) => db.get('entities', id),
    getDocument: (id) => db.get('documents', id),
    async getPassagesOfEntity(entityId, limit = 20) {
      const tx = db.transaction(['mentions', 'passages', 'documents']);
      const mentions = await tx.objectStore('mentions').index('byEntity').getAll(entityId);
      const ids = [...new Set(mentions.map((m) => m.passageId))];
      const passages = new Map<string, Passage>();
      for (const p of await Promise.all(ids.map((id) => tx.objectStore('passages').get(id)))) if (p) passages.set(p.id, p);
      const docIds = [...new Set([...passages.values()].map((p) => p.documentId))];
      const documents = new Map<string, CorpusDocument>();
      for (const d of await Promise.all(docIds.map((id) => tx.objectStore('documents').get(id)))) if (d) documents.set(d.id, d);
      return rankPassageHits(mentions, (id) => passages.get(id), (id) => documents.get(id), limit);
    },
    close: () => db.close(),
  };
}
