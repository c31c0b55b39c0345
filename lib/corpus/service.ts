import { compileMatcher, type CompiledMatcher } from '../match/compile';
import { loadMatcher, serializeMatcher } from '../match/store';
import { type MatcherCache, matcherKey } from './matcher-cache';
import { type CorpusReader, type CorpusStatus, createMemoryCorpus } from './reader';
import type { BundlePayload, Entity } from './schema';
import type { CorpusStore } from './store';

/** The background's corpus: the store where it can be opened, the bundle in memory where not. */
export interface CorpusService {
  status(): Promise<CorpusStatus>;
  reader(): Promise<CorpusReader>;
  /** The compiled matcher for the current corpus and the entities its indexes refer to. */
  matcher(): Promise<{ matcher: CompiledMatcher; entities: Entity[] }>;
  /** Imports the default bundle again, replacing what is stored. */
  reimportDefault(): Promise<CorpusStatus>;
  /** The IndexedDB store that sync writes to, or one sentence saying why there is none. */
  store(): Promise<CorpusStore | string>;
  /** Takes in a corpus that sync or an imported file put in the store: new status, new matcher. */
  corpusChanged(): Promise<CorpusStatus>;
}

interface Ready {
  reader: CorpusReader;
  store?: CorpusStore;
  status: CorpusStatus;
}

/**
 * Whether the bundle shipped with the extension should replace the stored copy of the same corpus:
 * a higher version, or the same version built later (an extension update that corrects its bundled
 * catalog without a new content version still reaches those who installed the earlier build).
 */
function shippedIsNewer(stored: BundlePayload['corpus'], shipped: BundlePayload['corpus']): boolean {
  if (stored.version !== shipped.version) return stored.version < shipped.version;
  return Date.parse(stored.created) < Date.parse(shipped.created);
}

/**
 * Creates the corpus service. On first use it opens the store and imports the default bundle when
 * the store is empty or holds an older version, or an earlier build of the same version, of the same
 * corpus; where the store cannot be opened or written it serves the default bundle from memory and says why.
 */
export function createCorpusService(deps: {
  loadDefault: () => Promise<BundlePayload>;
  openStore: () => Promise<CorpusStore>;
  /** Where compiled matchers are kept between starts (none: compiled at every start). */
  matcherCache?: MatcherCache;
}): CorpusService {
  let ready: Promise<Ready> | undefined;
  let compiled: Promise<{ matcher: CompiledMatcher; entities: Entity[] }> | undefined;

  const start = async (force: boolean): Promise<Ready> => {
    const bundle = await deps.loadDefault();
    let store: CorpusStore | undefined;
    try {
      store = await deps.openStore();
      const stored = (await store.isEmpty()) ? undefined : (await store.info()).corpus;
      if (force || !stored || (stored.id === bundle.corpus.id && shippedIsNewer(stored, bundle.corpus))) {
        await store.importBundle(bundle);
      }
      return { reader: store, store, status: { info: await store.info(), storage: 'indexeddb' } };
    } catch (e) {
      store?.close();
      const reader = createMemoryCorpus(bundle);
      const why = e instanceof Error ? e.message : String(e);
      return {
        reader,
        status: {
          info: await reader.info(),
          storage: 'memory',
          problem: `The corpus is served from memory because its database could not be used (${why.replace(/\.$/, '')}).`,
        },
      };
    }
  };

  const get = (): Promise<Ready> => (ready ??= start(false));

  /** The cached matcher of this corpus version where there is a sound one; else compiles it and caches it. */
  const loadOrCompile = async (entities: Entity[], status: CorpusStatus): Promise<CompiledMatcher> => {
    const cache = status.storage === 'indexeddb' ? deps.matcherCache : undefined;
    const key = matcherKey(status.info);
    const bytes = await cache?.get(key);
    if (bytes) {
      try {
        const loaded = loadMatcher(bytes);
        if (loaded.entityCount === entities.length) return loaded;
      } catch {
        // another format or damaged: compiled again below, and replaced
      }
    }
    const matcher = compileMatcher(entities);
    if (cache) void cache.put(key, serializeMatcher(matcher));
    return matcher;
  };

  return {
    status: async () => (await get()).status,
    reader: async () => (await get()).reader,
    matcher: () =>
      (compiled ??= get().then(async ({ reader, status }) => {
        const entities = await reader.getEntities();
        return { matcher: await loadOrCompile(entities, status), entities };
      })),
    async reimportDefault() {
      const previous = await get();
      previous.store?.close();
      ready = start(true);
      compiled = undefined;
      return (await ready).status;
    },
    async store() {
      return (await get()).store ?? 'Sync needs the corpus database, which cannot be used here, so the bundled corpus stays in use.';
    },
    async corpusChanged() {
      const previous = await get();
      if (previous.store) {
        const info = await previous.store.info();
        ready = Promise.resolve({ ...previous, status: { ...previous.status, info } });
      }
      compiled = undefined;
      return (await get()).status;
    },
  };
}
