import { readBundle } from '../lib/corpus/bundle-file';
import { fromBase64 } from '../lib/corpus/encoding';
import type { CorpusInfo } from '../lib/corpus/reader';
import type { BundlePayload } from '../lib/corpus/schema';
import { openCorpusStore } from '../lib/corpus/store';
import { type SyncStatus, syncOnce } from '../lib/sync/sync';

/**
 * The sync part's page code, bundled with esbuild and run in headless Chromium on a 127.0.0.1 page
 * served by the CLI's `serve` (the same origin as the update directory): imports a bundle into the
 * page's real IndexedDB with the extension's store, writes the same records the plainest way (the
 * floor), and runs the extension's sync against the served directory.
 */

/** What the bundle puts on the page's globalThis for the sync part to call. */
export interface SyncBench {
  /** Fetches and verifies a bundle file and keeps its payload for `importInto` and `floorInto`. */
  load(url: string, publicKey: string): Promise<{ ms: number; documents: number; passages: number; mentions: number }>;
  /** Imports the loaded payload into a new database `name` with the extension's store. */
  importInto(name: string): Promise<{ ms: number; info: CorpusInfo }>;
  /**
   * The floor: the loaded payload's documents, passages, entities and mentions put into a new plain
   * database (the store's key paths and indexes, no generations, no ranking postings) in one transaction.
   */
  floorInto(name: string): Promise<{ ms: number }>;
  /** One sync of the served source into database `name` (empty, or filled by importInto). */
  syncInto(name: string, manifestUrl: string, publicKey: string): Promise<{ ms: number; status: SyncStatus; info: CorpusInfo | null }>;
  /** Deletes database `name`. */
  drop(name: string): Promise<void>;
}

let loaded: BundlePayload | undefined;

const done = (req: IDBRequest | IDBTransaction): Promise<void> =>
  new Promise((ok, fail) => {
    if (req instanceof IDBTransaction) {
      req.oncomplete = () => ok();
      req.onabort = req.onerror = () => fail(req.error ?? new Error('The transaction was aborted.'));
    } else {
      req.onsuccess = () => ok();
      req.onerror = () => fail(req.error ?? new Error('The request failed.'));
    }
  });

const bench: SyncBench = {
  async load(url, publicKey) {
    const t0 = performance.now();
    const text = await (await fetch(url, { cache: 'no-store' })).text();
    loaded = await readBundle(text, { trustedKeys: [fromBase64(publicKey)] });
    return { ms: performance.now() - t0, documents: loaded.documents.length, passages: loaded.passages.length, mentions: loaded.mentions.length };
  },

  async importInto(name) {
    if (!loaded) throw new Error('Load a bundle first.');
    const store = await openCorpusStore(name);
    try {
      const t0 = performance.now();
      await store.importBundle(loaded);
      const ms = performance.now() - t0;
      return { ms, info: await store.info() };
    } finally {
      store.close();
    }
  },

  async floorInto(name) {
    if (!loaded) throw new Error('Load a bundle first.');
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore('documents', { keyPath: 'id' });
      db.createObjectStore('passages', { keyPath: 'id' }).createIndex('byDocument', 'documentId');
      db.createObjectStore('entities', { keyPath: 'id' });
      const mentions = db.createObjectStore('mentions', { keyPath: ['entityId', 'passageId', 'start'] });
      mentions.createIndex('byEntity', 'entityId');
      mentions.createIndex('byPassage', 'passageId');
    };
    await done(open);
    const db = open.result;
    try {
      const t0 = performance.now();
      const tx = db.transaction(['documents', 'passages', 'entities', 'mentions'], 'readwrite');
      for (const d of loaded.documents) tx.objectStore('documents').put(d);
      for (const p of loaded.passages) tx.objectStore('passages').put(p);
      for (const e of loaded.entities) tx.objectStore('entities').put(e);
      for (const m of loaded.mentions) tx.objectStore('mentions').put(m);
      await done(tx);
      return { ms: performance.now() - t0 };
    } finally {
      db.close();
    }
  },

  async syncInto(name, manifestUrl, publicKey) {
    const store = await openCorpusStore(name);
    try {
      const t0 = performance.now();
      const status = await syncOnce({ manifestUrl, publicKey }, { fetch: (url, init) => fetch(url, init), store });
      const ms = performance.now() - t0;
      return { ms, status, info: (await store.isEmpty()) ? null : await store.info() };
    } finally {
      store.close();
    }
  },

  drop: (name) => done(indexedDB.deleteDatabase(name)),
};

(globalThis as unknown as { backstorySyncBench: SyncBench }).backstorySyncBench = bench;
