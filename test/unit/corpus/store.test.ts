import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parsePayload } from '../../../lib/corpus/bundle-file';
import { type CorpusReader, createMemoryCorpus } from '../../../lib/corpus/reader';
import type { BundlePayload } from '../../../lib/corpus/schema';
import { type CorpusStore, openCorpusStore } from '../../../lib/corpus/store';
import { corpusFixture } from './corpus-fixture';
import { useFreshIndexedDB } from './fresh-indexeddb';

const keep = useFreshIndexedDB();

/** Opens the store in this test's fresh IndexedDB, closed after the test. */
async function openStore(): Promise<CorpusStore> {
  const store = await openCorpusStore('test-corpus');
  keep(store);
  return store;
}


/** Everything a reader can tell about a corpus, for comparing two corpora whole. */
async function snapshot(r: CorpusReader, payload: BundlePayload): Promise<unknown> {
  return {
    info: await r.info(),
    entities: await r.getEntities(),
    documents: await Promise.all(payload.documents.map((d) => r.getDocument(d.id))),
    passages: await Promise.all(payload.entities.map((e) => r.getPassagesOfEntity(e.id))),
  };
}

describe('the IndexedDB store', () => {
  it('is empty until a corpus is imported, and says so when asked for its info', async () => {
    const store = await openStore();
    expect(await store.isEmpty()).toBe(true);
    await expect(store.info()).rejects.toThrow('No corpus has been imported yet.');
  });

  it('reads back what it imported', async () => {
    const store = await openStore();
    const fixture = corpusFixture();
    await store.importBundle(fixture);
    expect(await store.isEmpty()).toBe(false);
    expect(await store.info()).toEqual({ corpus: fixture.corpus, counts: { documents: 2, passages: 4, entities: 3, mentions: 9 } });
    expect(await store.getEntity('abadi')).toEqual(fixture.entities[0]);
    expect(await store.getEntity('missing')).toBeUndefined();
    expect(await store.getDocument('new')).toEqual(fixture.documents[1]);
    expect(await store.getEntities()).toHaveLength(3);
  });

  it('keeps what it imported across a reopen', async () => {
    const first = await openStore();
    await first.importBundle(corpusFixture());
    first.close();
    const again = await openStore();
    expect((await again.info()).corpus.id).toBe('fixture');
  });

  it('replaces the whole corpus on a second import', async () => {
    const store = await openStore();
    await store.importBundle(corpusFixture(1));
    const smaller: BundlePayload = { ...corpusFixture(2, 'Smaller'), mentions: [], entities: corpusFixture().entities.slice(0, 1) };
    await store.importBundle(smaller);
    expect((await store.info()).corpus.name).toBe('Smaller');
    expect(await store.getEntity('maliki')).toBeUndefined();
    expect(await store.getPassagesOfEntity('abadi')).toEqual([]);
  });

  it.each<[string, (p: BundlePayload) => void]>([
    // a value IndexedDB cannot clone, on the last mention
    ['an uncloneable value', (p) => Object.assign(p.mentions[p.mentions.length - 1]!, { extra: () => 1 })],
    // a key path that does not resolve to a key, on the last mention
    ['a mention without a start', (p) => delete (p.mentions[p.mentions.length - 1] as Partial<BundlePayload['mentions'][number]>).start],
  ])('keeps the old corpus whole when an import fails part-way (%s)', async (_, spoil) => {
    const store = await openStore();
    const first = corpusFixture(1);
    await store.importBundle(first);
    const before = await snapshot(store, first);

    const second = corpusFixture(2, 'Second');
    spoil(second);
    await expect(store.importBundle(second)).rejects.toThrow();

    // Wait for anything the failed import may still commit, then read through a fresh connection.
    await new Promise((r) => setTimeout(r, 20));
    store.close();
    const reopened = await openStore();
    expect(await snapshot(reopened, first)).toEqual(before);
    expect((await reopened.info()).corpus.name).toBe('Fixture corpus');
  });
});

describe.each<[string, (p: BundlePayload) => Promise<CorpusReader>]>([
  [
    'the IndexedDB store',
    async (p) => {
      const store = await openStore();
      await store.importBundle(p);
      return store;
    },
  ],
  ['the memory corpus', async (p) => createMemoryCorpus(p)],
])('ranking passages of an entity in %s', (_, load) => {
  it('ranks by mention count, then the newer document, then document order', async () => {
    const reader = await load(corpusFixture());
    const hits = await reader.getPassagesOfEntity('abadi');
    expect(hits.map((h) => [h.passage.id, h.mentions, h.document.id])).toEqual([
      ['old#1', 3, 'old'],
      ['new#0', 2, 'new'],
      ['new#1', 1, 'new'],
      ['old#0', 1, 'old'],
    ]);
  });

  it('breaks a tie by the newer document', async () => {
    const reader = await load(corpusFixture());
    expect((await reader.getPassagesOfEntity('maliki')).map((h) => h.passage.id)).toEqual(['new#0', 'old#0']);
  });

  it('honours the limit and answers an unknown or unmentioned entity with nothing', async () => {
    const reader = await load(corpusFixture());
    expect((await reader.getPassagesOfEntity('abadi', 2)).map((h) => h.passage.id)).toEqual(['old#1', 'new#0']);
    expect(await reader.getPassagesOfEntity('nobody')).toEqual([]);
    expect(await reader.getPassagesOfEntity('missing')).toEqual([]);
  });

  it('returns the passage and document as the bundle has them', async () => {
    const fixture = corpusFixture();
    const reader = await load(fixture);
    const [top] = await reader.getPassagesOfEntity('abadi', 1);
    expect(top).toEqual({ passage: fixture.passages[1], document: fixture.documents[0], mentions: 3 });
  });
});

describe('the fixture', () => {
  it('is a valid bundle payload', () => {
    expect(() => parsePayload(JSON.stringify(corpusFixture()))).not.toThrow();
  });
});
