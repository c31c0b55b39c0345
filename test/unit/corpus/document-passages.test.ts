import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryCorpus } from '../../../lib/corpus/reader';
import { openCorpusStore } from '../../../lib/corpus/store';
import { corpusFixture } from './corpus-fixture';

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('getPassagesOfDocument (what the reader page typesets)', () => {
  const payload = corpusFixture();
  const expected = (id: string) =>
    payload.passages
      .filter((p) => p.documentId === id)
      .sort((a, b) => a.index - b.index)
      .map((p) => p.id);

  it('gives each document its passages in reading order, from memory and from IndexedDB alike', async () => {
    const store = await openCorpusStore('reader-passages');
    await store.importBundle(payload);
    const memory = createMemoryCorpus(payload);
    try {
      for (const d of payload.documents) {
        expect(expected(d.id).length).toBeGreaterThan(0);
        expect((await memory.getPassagesOfDocument(d.id)).map((p) => p.id)).toEqual(expected(d.id));
        expect((await store.getPassagesOfDocument(d.id)).map((p) => p.id)).toEqual(expected(d.id));
      }
      expect(await store.getPassagesOfDocument('no-such-document')).toEqual([]);
    } finally {
      store.close();
    }
  });
});
