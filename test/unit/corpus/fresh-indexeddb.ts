import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, vi } from 'vitest';
import type { CorpusStore } from '../../../lib/corpus/store';

/**
 * Gives each test of the calling file a fresh, empty fake IndexedDB, and closes every store the
 * test kept with the returned function once it ends.
 */
export function useFreshIndexedDB(): (store: CorpusStore) => CorpusStore {
  let open: CorpusStore[] = [];
  beforeEach(() => {
    vi.stubGlobal('indexedDB', new IDBFactory());
  });
  afterEach(() => {
    for (const s of open) s.close();
    open = [];
    vi.unstubAllGlobals();
  });
  return (store) => {
    open.push(store);
    return store;
  };
}
