import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { PassageFacts, RankingIndex } from './rank';
import type { CorpusDB, FactsRecord, MetaRecord } from './store';

/**
 * The ranking index over the IndexedDB store. A query reads only what it needs: its terms'
 * postings, its entities' passage lists (mention keys only), and the passages and documents it
 * returns. Scoring also needs each candidate passage's document, position and length and each
 * term's document frequency: the store keeps the first as one compact facts table per corpus
 * version, and the second in the ranking statistics; both are read once per version and held here
 * (Chromium charges about a tenth of a millisecond per request, too much for one per query term).
 * Reads share one read transaction while it stays active.
 */

/** Thrown when the stored corpus changes between two reads of one query; the query can simply be run again. */
export class CorpusChangedError extends Error {
  constructor() {
    super('The corpus changed while it was being ranked, so the ranking was dropped.');
    this.name = 'CorpusChangedError';
  }
}

/** The facts table of one corpus version, in memory. */
interface Facts {
  passages: Map<string, { documentId: string; index: number; length: number }>;
  published: Map<string, string>;
  documentFrequency: Readonly<Record<string, number>>;
}

/** What the indexes of one open store share: the facts table of the version last read. */
export interface RankingCache {
  facts?: { key: string; table: Promise<Facts> };
}

/** An empty cache, one per open store. */
export function createRankingCache(): RankingCache {
  return {};
}

const READ_STORES = ['meta', 'stats', 'postings', 'mentions', 'passages', 'documents', 'facts'] as const;
type ReadTx = IDBPTransaction<CorpusDB, (typeof READ_STORES)[number][], 'readonly'>;

/** The facts table built from its stored records. */
export function factsFrom(passages: FactsRecord | undefined, documents: FactsRecord | undefined, documentFrequency: Record<string, number> = {}): Facts {
  const table: Facts = { passages: new Map(), published: new Map(), documentFrequency };
  if (passages?.k === 'passages') {
    for (let i = 0; i < passages.ids.length; i++) {
      table.passages.set(passages.ids[i]!, { documentId: passages.documentIds[i]!, index: passages.indexes[i]!, length: passages.lengths[i]! });
    }
  }
  if (documents?.k === 'documents') documents.ids.forEach((id, i) => table.published.set(id, documents.published[i]!));
  return table;
}

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

  const facts = (): Promise<Facts> =>
    read(async (tx, g) => {
      const key = `${pinned}`;
      if (cache.facts?.key !== key) {
        const table = Promise.all([
          tx.objectStore('facts').get([g, 'passages']),
          tx.objectStore('facts').get([g, 'documents']),
          tx.objectStore('stats').get(g),
        ]).then(([p, d, stats]) => factsFrom(p, d, stats?.documentFrequency));
        cache.facts = { key, table };
        table.catch(() => {
          if (cache.facts?.table === table) cache.facts = undefined;
        });
      }
      return cache.facts.table;
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
      const { documentFrequency } = await facts();
      const out = new Map<string, number>();
      for (const t of terms) if (Object.hasOwn(documentFrequency, t)) out.set(t, documentFrequency[t]!);
      return out;
    },
    postings: (terms) =>
      read(async (tx, g) => {
        const unique = [...new Set(terms)];
        const rows = await Promise.all(unique.map((t) => tx.objectStore('postings').get([g, t])));
        const out = new Map<string, Map<string, number>>();
        unique.forEach((t, i) => {
          const r = rows[i];
          if (!r) return;
          const list = new Map<string, number>();
          for (let j = 0; j < r.ids.length; j++) list.set(r.ids[j]!, r.tf[j]!);
          out.set(t, list);
        });
        return out;
      }),
    entityPassages: (entityIds) =>
      read(async (tx, g) => {
        const unique = [...new Set(entityIds)];
        // Keys only: a mention's key is [g, entity, passage, start], so passages and counts need no values.
        const keys = await Promise.all(unique.map((e) => tx.objectStore('mentions').index('byEntity').getAllKeys([g, e])));
        return new Map(
          unique.map((e, i) => {
            const list = new Map<string, number>();
            for (const k of keys[i]!) list.set(k[2], (list.get(k[2]) ?? 0) + 1);
            return [e, list];
          }),
        );
      }),
    async passageFacts(ids) {
      const table = await facts();
      const out = new Map<string, PassageFacts>();
      for (const id of ids) {
        const p = table.passages.get(id);
        const published = p && table.published.get(p.documentId);
        if (p && published !== undefined) out.set(id, { ...p, published });
      }
      return out;
    },
    passages: (ids) =>
      read(async (tx, g) => {
        const rows = await Promise.all(ids.map((id) => tx.objectStore('passages').get([g, id])));
        return rows.flatMap((r) => (r ? [r.v] : []));
      }),
    documents: (ids) =>
      read(async (tx, g) => {
        const rows = await Promise.all(ids.map((id) => tx.objectStore('documents').get([g, id])));
        return rows.flatMap((r) => (r ? [r.v] : []));
      }),
  };
}
