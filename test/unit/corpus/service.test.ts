import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { BundlePayload } from '../../../lib/corpus/schema';
import { createCorpusService } from '../../../lib/corpus/service';
import { type CorpusStore, openCorpusStore } from '../../../lib/corpus/store';
import { findMentions } from '../../../lib/match/find';
import { corpusFixture } from './corpus-fixture';
import { useFreshIndexedDB } from './fresh-indexeddb';

const keep = useFreshIndexedDB();

async function openStore(): Promise<CorpusStore> {
  const store = await openCorpusStore('service-test');
  keep(store);
  return store;
}

/** A service over this test's IndexedDB, counting imports. */
function service(defaultBundle: BundlePayload, openStoreFn: () => Promise<CorpusStore> = openStore) {
  const imports = vi.fn<(b: BundlePayload) => void>();
  const loadDefault = vi.fn(async () => defaultBundle);
  const corpus = createCorpusService({
    loadDefault,
    openStore: async () => {
      const store = await openStoreFn();
      const importBundle = store.importBundle.bind(store);
      return {
        ...store,
        importBundle: async (b: BundlePayload) => {
          imports(b);
          await importBundle(b);
        },
      };
    },
  });
  return { corpus, imports, loadDefault };
}

/** Puts `b` in the store before the service starts, as an earlier run would have. */
async function preinstall(b: BundlePayload): Promise<void> {
  const store = await openStore();
  await store.importBundle(b);
  store.close();
}

const expectOneSentence = (s: string | undefined): void => {
  expect(s).toMatch(/^[A-Z][^\n]*\.$/);
  expect(s!.slice(0, -1)).not.toMatch(/\.\s/);
};


describe('createCorpusService', () => {
  it('imports the default bundle into an empty store', async () => {
    const { corpus, imports } = service(corpusFixture(1));
    const status = await corpus.status();
    expect(status.storage).toBe('indexeddb');
    expect(status.problem).toBeUndefined();
    expect(status.info.corpus.version).toBe(1);
    expect(imports).toHaveBeenCalledTimes(1);
    expect(await (await corpus.reader()).getEntity('abadi')).toMatchObject({ name: 'Abadi' });
  });

  it('imports the default bundle when it is newer than the stored one', async () => {
    await preinstall(corpusFixture(1, 'Old'));
    const { corpus, imports } = service(corpusFixture(2, 'New'));
    expect((await corpus.status()).info.corpus).toMatchObject({ version: 2, name: 'New' });
    expect(imports).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['the same version', 3, 3],
    ['an older version', 3, 2],
  ])('keeps the stored corpus when the default bundle has %s', async (_, stored, shipped) => {
    await preinstall(corpusFixture(stored, 'Stored'));
    const { corpus, imports } = service(corpusFixture(shipped, 'Shipped'));
    expect((await corpus.status()).info.corpus).toMatchObject({ version: stored, name: 'Stored' });
    expect(imports).not.toHaveBeenCalled();
  });

  it('keeps a stored corpus of another id, whatever its version', async () => {
    await preinstall({ ...corpusFixture(1, 'Other'), corpus: { ...corpusFixture(1).corpus, id: 'other', name: 'Other' } });
    const { corpus, imports } = service(corpusFixture(5));
    expect((await corpus.status()).info.corpus.id).toBe('other');
    expect(imports).not.toHaveBeenCalled();
  });

  it('starts once, however many callers ask', async () => {
    const { corpus, imports, loadDefault } = service(corpusFixture(1));
    await Promise.all([corpus.status(), corpus.reader(), corpus.status(), corpus.matcher()]);
    expect(loadDefault).toHaveBeenCalledTimes(1);
    expect(imports).toHaveBeenCalledTimes(1);
  });

  it('reimports the default bundle on demand, even at the same version', async () => {
    const { corpus, imports } = service(corpusFixture(1));
    await corpus.status();
    const status = await corpus.reimportDefault();
    expect(status.storage).toBe('indexeddb');
    expect(imports).toHaveBeenCalledTimes(2);
    expect(await (await corpus.reader()).getEntity('maliki')).toBeDefined();
  });

  it('compiles a matcher over the stored entities', async () => {
    const { corpus } = service(corpusFixture(1));
    const { matcher, entities } = await corpus.matcher();
    const found = findMentions(matcher, 'Maliki met Abadi');
    expect(found.map((m) => entities[m.entity]!.id)).toEqual(['maliki', 'abadi']);
  });

  describe('when IndexedDB cannot be used', () => {
    it('serves the default bundle from memory, and says why in one sentence', async () => {
      const { corpus } = service(corpusFixture(1), () => Promise.reject(new Error('The user denied permission to access the database.')));
      const status = await corpus.status();
      expect(status.storage).toBe('memory');
      expectOneSentence(status.problem);
      expect(status.problem).toContain('The user denied permission to access the database');
      expect(status.info.counts).toEqual({ documents: 2, passages: 4, entities: 3, mentions: 9 });
      const reader = await corpus.reader();
      expect(await reader.getEntity('abadi')).toMatchObject({ name: 'Abadi' });
      expect((await reader.getPassagesOfEntity('abadi')).map((h) => h.passage.id)).toEqual(['old#1', 'new#0', 'new#1', 'old#0']);
      const { matcher, entities } = await corpus.matcher();
      expect(findMentions(matcher, 'Abadi').map((m) => entities[m.entity]!.id)).toEqual(['abadi']);
    });

    it('says why in one sentence when the rejection is not an Error', async () => {
      const { corpus } = service(corpusFixture(1), () => Promise.reject('blocked'));
      const status = await corpus.status();
      expect(status.storage).toBe('memory');
      expectOneSentence(status.problem);
      expect(status.problem).toContain('blocked');
    });

    it('serves from memory when the import fails, and leaves the store as it was', async () => {
      const bad = corpusFixture(2, 'Bad');
      Object.assign(bad.mentions[0]!, { extra: () => 0 }); // IndexedDB cannot clone a function
      await preinstall(corpusFixture(1, 'Good'));
      const { corpus } = service(bad);
      const status = await corpus.status();
      expect(status.storage).toBe('memory');
      expectOneSentence(status.problem);
      expect(status.info.corpus.name).toBe('Bad');
      const store = await openStore();
      expect((await store.info()).corpus.name).toBe('Good');
    });
  });
});
