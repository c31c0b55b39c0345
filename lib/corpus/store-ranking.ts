import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { RankingIndex } from './rank';
import type { CorpusDocument } from './schema';
import { NO_POSTINGS, type PassageTable, type Postings, unpackSmallLists } from './ranking-table';
import type { CorpusDB, MetaRecord } from './store';

/**
 * The ranking index over the IndexedDB store. A query reads only what it needs, in one
 * transaction with its requests issued together: one packed record per query term that is not in
 * the small lists and per entity, then the passages and documents it returns. Read once per corpus
 * version and held here: the passage table, the term frequencies and the small lists (Chromium
 * charges about a tenth of a millisecond per request under no load, several under load, and a
 * cursor over thousands of rows far more); held while there is room: the posting lists and
 * documents read last (POSTINGS_CACHE_BYTES, DOCUMENT_CACHE_SIZE).
 */

/** Thrown when the stored corpus changes between two reads of one query; the query can simply be run again. */
export class CorpusChangedError extends Error {
  constructor() {
    super('The corpus changed while it was being ranked, so the ranking was dropped.');
    this.name = 'CorpusChangedError';
  }
}

/** Bytes of posting lists kept in memory between queries (the most recently read ones). */
export const POSTINGS_CACHE_BYTES = 8 * 2 ** 20;
/** Documents (metadata, a few hundred bytes each) kept in memory between queries. */
export const DOCUMENT_CACHE_SIZE = 2_000;

/** What the indexes of one open store share, for the corpus version last read. */
export interface RankingCache {
  version?: string;
  table?: Promise<PassageTable>;
  documentFrequency?: Promise<Readonly<Record<string, number>>>;
  /** The short posting lists, kept together in one record. */
  small?: Promise<Map<string, Postings>>;
  /** Posting lists by 't:term' / 'e:entity', least recently used first. */
  lists: Map<string, Postings>;
  bytes: number;
  /** Documents read last (results come back to the same documents), least recently used first. */
  documents: Map<string, CorpusDocument>;
}

/** An empty cache, one per open store. */
export function createRankingCache(): RankingCache {
  return { lists: new Map(), bytes: 0, documents: new Map() };
}

const READ_STORES = ['meta', 'stats', 'postings', 'entityPostings', 'passages', 'documents', 'facts'] as const;
type ReadTx = IDBPTransaction<CorpusDB, (typeof READ_STORES)[number][], 'readonly'>;

const sizeOf = (p: Postings): number => p.passages.byteLength + p.counts.byteLength + 64;

/**
 * Creates a ranking index over the store's database. Its first read pins the current corpus
 * (generation and version); a later read that finds another one rejects with CorpusChangedError,
 * so one query never mixes two versions. Make one per query.
 */
export function createStoreRankingIndex(db: IDBPDatabase<CorpusDB>, cache: RankingCache = createRankingCache()): RankingIndex {
  let pinned: string | undefined;
  let open: { tx: ReadTx; g: number; meta: MetaRecord } | undefined;

  const begin = async (): Promise<{ tx: ReadTx; g: number; meta: MetaRecord }> => {
    const tx = db.transaction([...READ_STORES]);
    const meta = await tx.objectStore('meta').get('info');
    if (!meta) throw new Error('No corpus has been imported yet.');
    const key = `${meta.generation}/${meta.info.corpus.id}/${meta.info.corpus.version}/${meta.info.corpus.created}`;
    if ((pinned ??= key) !== key) throw new CorpusChangedError();
    if (cache.version !== key) Object.assign(cache, createRankingCache(), { version: key, table: undefined, documentFrequency: undefined, small: undefined });
    open = { tx, g: meta.generation, meta };
    return open;
  };

  /** Runs `fn` in the open transaction, or in a new one once that one has finished. */
  const read = async <T>(fn: (tx: ReadTx, g: number, meta: MetaRecord) => Promise<T>): Promise<T> => {
    if (open) {
      try {
        return await fn(open.tx, open.g, open.meta);
      } catch (e) {
        // The transaction finished when control went back to the event loop: start another
        // (objectStore() on a finished transaction throws InvalidStateError, a request TransactionInactiveError).
        const name = (e as { name?: unknown } | null)?.name;
        if (name !== 'TransactionInactiveError' && name !== 'InvalidStateError') throw e;
      }
    }
    const { tx, g, meta } = await begin();
    return fn(tx, g, meta);
  };

  /** Reads once per version what `load` reads, keeping the promise in the cache (dropped if it fails). */
  const once = <T>(slot: 'table' | 'documentFrequency' | 'small', load: (tx: ReadTx, g: number) => Promise<T>): Promise<T> =>
    read(async (tx, g) => {
      const slots = cache as { [K in typeof slot]?: Promise<T> };
      // An index pinned to an older version neither uses nor fills the cache of a newer one.
      if (cache.version !== pinned) return load(tx, g);
      let value = slots[slot];
      if (!value) {
        const loaded = load(tx, g);
        slots[slot] = value = loaded;
        loaded.catch(() => {
          if (slots[slot] === loaded) slots[slot] = undefined;
        });
      }
      return value;
    });

  /** The lists under `keys`, from the cache or one `get` each (all issued at once). */
  const lists = (prefix: 't:' | 'e:', keys: readonly string[], get: (tx: ReadTx, g: number, key: string) => Promise<Postings | undefined>): Promise<Map<string, Postings | undefined>> =>
    read(async (tx, g) => {
      const unique = [...new Set(keys)];
      const out = new Map<string, Postings | undefined>();
      for (const k of unique) {
        const cached = cache.version === pinned ? cache.lists.get(prefix + k) : undefined;
        if (!cached) continue;
        out.set(k, cached);
        cache.lists.delete(prefix + k); // most recently used last
        cache.lists.set(prefix + k, cached);
      }
      const missing = unique.filter((k) => !out.has(k));
      const rows = await Promise.all(missing.map((k) => get(tx, g, k)));
      missing.forEach((k, i) => {
        const list = rows[i];
        out.set(k, list);
        if (cache.version !== pinned || cache.lists.has(prefix + k)) return;
        cache.lists.set(prefix + k, list ?? NO_POSTINGS);
        cache.bytes += sizeOf(list ?? NO_POSTINGS);
      });
      for (const [k, list] of cache.lists) {
        if (cache.bytes <= POSTINGS_CACHE_BYTES) break;
        cache.lists.delete(k);
        cache.bytes -= sizeOf(list);
      }
      return out;
    });

  return {
    stats: () =>
      read(async (tx, g, meta) => {
        if (meta.ranking) return meta.ranking;
        const stats = await tx.objectStore('stats').get(g);
        if (!stats) throw new Error('The stored corpus has no ranking statistics.');
        return { passages: stats.passages, averageLength: stats.averageLength };
      }),
    async documentFrequency(terms) {
      const df = await once('documentFrequency', async (tx, g) => (await tx.objectStore('stats').get(g))?.documentFrequency ?? {});
      const out = new Map<string, number>();
      for (const t of terms) if (Object.hasOwn(df, t)) out.set(t, df[t]!);
      return out;
    },
    table: () =>
      once('table', async (tx, g) => {
        const r = await tx.objectStore('facts').get([g, 'table']);
        if (r?.k !== 'table') throw new Error('The stored corpus has no passage table.');
        return r;
      }),
    async postings(terms) {
      // Most of a query's terms (the rare, telling ones) are in the small lists, read once per version.
      const small = await once('small', async (tx, g) => {
        const r = await tx.objectStore('facts').get([g, 'small']);
        return unpackSmallLists(r?.k === 'small' ? r : undefined);
      });
      const found = await lists('t:', terms.filter((t) => !small.has(t)), async (tx, g, t) => {
        const r = await tx.objectStore('postings').get([g, t]);
        return r?.list;
      });
      const out = new Map<string, Postings>();
      for (const t of terms) {
        const list = small.get(t) ?? found.get(t);
        if (list?.size) out.set(t, list);
      }
      return out;
    },
    async entityPassages(entityIds) {
      const found = await lists('e:', entityIds, async (tx, g, e) => {
        const r = await tx.objectStore('entityPostings').get([g, e]);
        return r?.list;
      });
      return new Map([...found].map(([e, list]) => [e, list ?? NO_POSTINGS]));
    },
    passages: (ids) =>
      read(async (tx, g) => {
        const rows = await Promise.all(ids.map((id) => tx.objectStore('passages').get([g, id])));
        return rows.flatMap((r) => (r ? [r.v] : []));
      }),
    documents: (ids) =>
      read(async (tx, g) => {
        const mine = cache.version === pinned;
        const rows = await Promise.all(ids.map(async (id) => (mine && cache.documents.get(id)) || (await tx.objectStore('documents').get([g, id]))?.v));
        if (cache.version === pinned) {
          for (const d of rows) {
            if (!d) continue;
            cache.documents.delete(d.id); // most recently used last
            cache.documents.set(d.id, d);
          }
          for (const id of cache.documents.keys()) {
            if (cache.documents.size <= DOCUMENT_CACHE_SIZE) break;
            cache.documents.delete(id);
          }
        }
        return rows.flatMap((d) => (d ? [d] : []));
      }),
  };
}
