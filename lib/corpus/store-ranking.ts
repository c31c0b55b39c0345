import type { IDBPDatabase, StoreNames } from 'idb';
import type { RankingIndex } from './rank';
import type { CorpusDB, MetaRecord } from './store';

/**
 * The ranking index over the IndexedDB store: each call reads only what it is asked for (a few
 * terms' postings and frequencies, one entity's mentions, the named passages and documents), in
 * one read transaction, so a query never reads the whole corpus. The ranking in rank.ts runs over
 * it unchanged and gives the same answers as over the memory index of the same corpus.
 */

/** Thrown when the stored corpus changes between two reads of one query; the query can simply be run again. */
export class CorpusChangedError extends Error {
  constructor() {
    super('The corpus changed while it was being ranked, so the ranking was dropped.');
    this.name = 'CorpusChangedError';
  }
}

/**
 * Creates a ranking index over the store's database. Its first read pins the current corpus
 * (generation and version); a later read that finds another one rejects with CorpusChangedError,
 * so one query never mixes two versions. Make one per query.
 */
export function createStoreRankingIndex(db: IDBPDatabase<CorpusDB>): RankingIndex {
  let pinned: string | undefined;

  /** Opens a read transaction on `stores` (and meta) and returns it with the pinned generation. */
  const read = async <S extends StoreNames<CorpusDB>>(stores: readonly S[]) => {
    const tx = db.transaction(['meta', ...stores]);
    const meta: MetaRecord | undefined = await tx.objectStore('meta').get('info');
    if (!meta) throw new Error('No corpus has been imported yet.');
    const key = `${meta.generation}/${meta.info.corpus.id}/${meta.info.corpus.version}/${meta.info.corpus.created}`;
    if ((pinned ??= key) !== key) throw new CorpusChangedError();
    return { tx, g: meta.generation, meta };
  };

  return {
    async stats() {
      const { tx, g, meta } = await read(['stats']);
      if (meta.ranking) return meta.ranking;
      const stats = await tx.objectStore('stats').get(g);
      if (!stats) throw new Error('The stored corpus has no ranking statistics.');
      return { passages: stats.passages, averageLength: stats.averageLength };
    },
    async documentFrequency(terms) {
      const { tx, g } = await read(['terms']);
      const unique = [...new Set(terms)];
      const rows = await Promise.all(unique.map((t) => tx.objectStore('terms').get([g, t])));
      const out = new Map<string, number>();
      unique.forEach((t, i) => {
        const r = rows[i];
        if (r) out.set(t, r.df);
      });
      return out;
    },
    async postings(terms) {
      const { tx, g } = await read(['postings']);
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
    },
    async mentionsOf(entityId) {
      const { tx, g } = await read(['mentions']);
      return (await tx.objectStore('mentions').index('byEntity').getAll([g, entityId])).map((r) => r.v);
    },
    async entityPassageCounts(entityIds) {
      const { tx, g } = await read(['mentions']);
      const unique = [...new Set(entityIds)];
      // Keys only: a mention's key is [g, entity, passage, start], so the passages can be counted without reading the mentions.
      const keys = await Promise.all(unique.map((e) => tx.objectStore('mentions').index('byEntity').getAllKeys([g, e])));
      return new Map(unique.map((e, i) => [e, new Set(keys[i]!.map((k) => k[2])).size]));
    },
    async mentionsIn(passageIds) {
      const { tx, g } = await read(['mentions']);
      const index = tx.objectStore('mentions').index('byPassage');
      const rows = await Promise.all([...new Set(passageIds)].map((p) => index.getAll([g, p])));
      return rows.flat().map((r) => r.v);
    },
    async passages(ids) {
      const { tx, g } = await read(['passages']);
      const rows = await Promise.all(ids.map((id) => tx.objectStore('passages').get([g, id])));
      return rows.flatMap((r) => (r ? [r.v] : []));
    },
    async documents(ids) {
      const { tx, g } = await read(['documents']);
      const rows = await Promise.all(ids.map((id) => tx.objectStore('documents').get([g, id])));
      return rows.flatMap((r) => (r ? [r.v] : []));
    },
  };
}
