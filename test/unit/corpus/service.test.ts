import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { BundlePayload } from '../../../lib/corpus/schema';
import { type MatcherCache, matcherKey, openMatcherCache } from '../../../lib/corpus/matcher-cache';
import { createCorpusService } from '../../../lib/corpus/service';
import { type CorpusStore, openCorpusStore } from '../../../lib/corpus/store';
import { findMentions } from '../../../lib/match/find';
import { serializeMatcher } from '../../../lib/match/store';
import { corpusFixture } from './corpus-fixture';
import { useFreshIndexedDB } from './fresh-indexeddb';

const keep = useFreshIndexedDB();

async function openStore(): Promise<CorpusStore> {
  const store = await openCorpusStore('service-test');
  keep(store);
  return store;
}

/** A service over this test's IndexedDB, counting imports. */
function service(defaultBundle: BundlePayload, openStoreFn: () => Promise<CorpusStore> = openStore, matcherCache?: MatcherCache) {
  const imports = vi.fn<(b: BundlePayload) => void>();
  const loadDefault = vi.fn(async () => defaultBundle);
  const corpus = createCorpusService({
    ...(matcherCache ? { matcherCache } : {}),
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

  it('imports the default bundle when it is a later build of the stored version (a corrected catalog)', async () => {
    const stored = corpusFixture(3, 'Stored');
    await preinstall(stored);
    const shipped = corpusFixture(3, 'Shipped');
    const { corpus, imports } = service({ ...shipped, corpus: { ...shipped.corpus, created: '2026-02-01T00:00:00.000Z' } });
    expect((await corpus.status()).info.corpus).toMatchObject({ version: 3, name: 'Shipped', created: '2026-02-01T00:00:00.000Z' });
    expect(imports).toHaveBeenCalledTimes(1);
  });

  it('keeps the stored corpus when the default bundle is an earlier build of the same version', async () => {
    const stored = corpusFixture(3, 'Stored');
    await preinstall({ ...stored, corpus: { ...stored.corpus, created: '2026-02-01T00:00:00.000Z' } });
    const { corpus, imports } = service(corpusFixture(3, 'Shipped'));
    expect((await corpus.status()).info.corpus).toMatchObject({ version: 3, name: 'Stored' });
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

  describe('with a matcher cache', () => {
    /** A cache in a Map, which hands back the very bytes it was given (so a test can tell loaded from compiled). */
    const mapCache = () => {
      const map = new Map<string, Uint8Array>();
      const cache: MatcherCache = {
        get: async (k) => map.get(k),
        put: vi.fn(async (k: string, b: Uint8Array) => {
          map.clear();
          map.set(k, b);
        }),
        clear: async () => map.clear(),
      };
      return { map, cache };
    };
    const names = async (corpus: ReturnType<typeof service>['corpus'], text: string) => {
      const { matcher, entities } = await corpus.matcher();
      return findMentions(matcher, text).map((m) => entities[m.entity]!.id);
    };

    it('compiles once, keeps the bytes, and a later start loads them instead of compiling', async () => {
      const { map, cache } = mapCache();
      const first = service(corpusFixture(1), openStore, cache);
      expect(await names(first.corpus, 'Maliki met Abadi')).toEqual(['maliki', 'abadi']);
      const key = matcherKey((await first.corpus.status()).info);
      const bytes = map.get(key);
      expect(bytes).toBeInstanceOf(Uint8Array);

      const second = service(corpusFixture(1), openStore, cache);
      const { matcher } = await second.corpus.matcher();
      expect(matcher.da.buffer).toBe(bytes!.buffer); // a view over the cached bytes: nothing compiled
      expect(await names(second.corpus, 'Maliki met Abadi')).toEqual(['maliki', 'abadi']);
      expect(cache.put).toHaveBeenCalledTimes(1);
    });

    it('compiles again, and replaces the entry, when the cached bytes are damaged or cut short', async () => {
      const { map, cache } = mapCache();
      const first = service(corpusFixture(1), openStore, cache);
      await first.corpus.matcher();
      const key = matcherKey((await first.corpus.status()).info);
      for (const bad of [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), serializeMatcher((await first.corpus.matcher()).matcher).slice(0, 60)]) {
        map.set(key, bad);
        const again = service(corpusFixture(1), openStore, cache);
        expect(await names(again.corpus, 'Maliki met Abadi')).toEqual(['maliki', 'abadi']);
        expect(map.get(key)).not.toBe(bad);
      }
    });

    it('uses another entry for another corpus version', async () => {
      const { map, cache } = mapCache();
      const first = service(corpusFixture(1), openStore, cache);
      await first.corpus.matcher();
      const second = service(corpusFixture(2), openStore, cache);
      await second.corpus.matcher();
      expect([...map.keys()]).toEqual([matcherKey((await second.corpus.status()).info)]);
      expect(cache.put).toHaveBeenCalledTimes(2);
    });

    it('is not used when the corpus is served from memory', async () => {
      const { map, cache } = mapCache();
      const { corpus } = service(corpusFixture(1), () => Promise.reject(new Error('No database.')), cache);
      expect(await names(corpus, 'Abadi')).toEqual(['abadi']);
      expect(map.size).toBe(0);
    });

    it('keeps one entry per revision in IndexedDB, and forgets all on clear', async () => {
      const a = openMatcherCache('1.0.0', 'cache-test');
      const b = openMatcherCache('1.0.1', 'cache-test');
      await a.put('k', new Uint8Array([1, 2]));
      expect(await a.get('k')).toEqual(new Uint8Array([1, 2]));
      expect(await b.get('k')).toBeUndefined(); // compiled by another version: never read
      await a.put('k2', new Uint8Array([3]));
      expect(await a.get('k')).toBeUndefined();
      expect(await a.get('k2')).toEqual(new Uint8Array([3]));
      await a.clear();
      expect(await a.get('k2')).toBeUndefined();
    });
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
