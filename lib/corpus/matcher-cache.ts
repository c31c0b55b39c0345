import { openDB } from 'idb';
import type { CorpusInfo } from './reader';

/**
 * Compiled matchers in their stored form (lib/match/store.ts), kept in a small database of their
 * own so that a restarted background loads the matcher in a fraction of a millisecond instead of
 * compiling the catalog again (0.6 s at 100,000 aliases). It is derived data: keyed by the corpus
 * version it was compiled from, dropped whole when the extension is installed or updated (the
 * compiler may have changed), and never a reason to fail: any error reads as "not cached".
 */
export interface MatcherCache {
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keeps `bytes` as the only cached matcher. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  clear(): Promise<void>;
}

/** The key of a corpus version's matcher: a new version, or the same version built again, is another key. */
export const matcherKey = (info: CorpusInfo): string => `${info.corpus.id}@${info.corpus.version}@${info.corpus.created}`;

const STORE = 'matchers';

/**
 * Opens the cache in IndexedDB database `name`; its calls never reject. `revision` (the extension's
 * version) is part of every key, so a matcher compiled by another version is never read.
 */
export function openMatcherCache(revision: string, name = 'backstory-matcher-cache'): MatcherCache {
  let db: ReturnType<typeof openDB> | undefined;
  const open = () =>
    (db ??= openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore(STORE);
      },
    }));
  const quietly = async <T>(run: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await run();
    } catch {
      return fallback;
    }
  };
  return {
    get: (key) => quietly(async () => ((await (await open()).get(STORE, `${revision}/${key}`)) as Uint8Array | undefined) ?? undefined, undefined),
    put: (key, bytes) =>
      quietly(async () => {
        const tx = (await open()).transaction(STORE, 'readwrite');
        await tx.store.clear();
        await tx.store.put(bytes, `${revision}/${key}`);
        await tx.done;
      }, undefined),
    clear: () => quietly(async () => (await open()).clear(STORE), undefined),
  };
}
