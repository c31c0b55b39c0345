import { normalizeKey } from '../text/normalize';
import { tokenize } from '../text/tokenize';
import type { RankingIndex } from './rank';
import { best, forEachPassage, intersect } from './ranking-table';
import type { CorpusDocument, Entity, Passage } from './schema';

/** An entity found by name or alias, and the name it was found by. */
export interface EntityHit {
  entity: Entity;
  matched: string;
}

/** A passage found by words. */
export interface PassageSearchHit {
  passage: Passage;
  document: CorpusDocument;
  score: number;
}

/**
 * Entities whose name or an alias starts with the query (after normalisation), whole-word
 * prefixes first ("sud" finds al-Sudani by its word "Sudani"), canonical names before aliases.
 */
export function searchEntities(entities: readonly Entity[], query: string, limit = 8): EntityHit[] {
  const q = normalizeKey(query);
  if (q.length < 2) return [];
  const hits: { hit: EntityHit; rank: number }[] = [];
  for (const entity of entities) {
    let best: { hit: EntityHit; rank: number } | undefined;
    const names = [entity.name, ...entity.aliases.map((a) => a.text)];
    names.forEach((name, i) => {
      const key = normalizeKey(name);
      const rank = key.startsWith(q) ? 0 : key.split(' ').some((w) => w.startsWith(q)) ? 1 : key.includes(q) ? 2 : -1;
      if (rank < 0) return;
      const r = rank * 2 + (i === 0 ? 0 : 1);
      if (!best || r < best.rank) best = { hit: { entity, matched: name }, rank: r };
    });
    if (best) hits.push(best);
  }
  hits.sort((a, b) => a.rank - b.rank || a.hit.entity.name.localeCompare(b.hit.entity.name));
  return hits.slice(0, limit).map((h) => h.hit);
}

/** Passages that contain the query's words, best BM25-like match first; every word must occur. */
export async function searchPassages(index: RankingIndex, query: string, limit = 8): Promise<PassageSearchHit[]> {
  const terms = [...new Set(tokenize(query))];
  if (terms.length === 0) return [];
  const [stats, df, postings, table] = await Promise.all([index.stats(), index.documentFrequency(terms), index.postings(terms), index.table()]);
  if (terms.some((t) => !postings.has(t))) return [];
  // The passages in every list, then each term's weight added in query order.
  const lists = terms.map((t) => postings.get(t)!);
  const shortest = [...lists].sort((a, b) => a.size - b.size)[0]!;
  let hits = new Uint32Array(shortest.size);
  let at = 0;
  forEachPassage(shortest, (o) => (hits[at++] = o));
  for (const list of lists) {
    const both: number[] = [];
    intersect(hits, list, (i) => both.push(hits[i]!));
    hits = Uint32Array.from(both);
  }
  const scores = new Float64Array(hits.length);
  terms.forEach((t, k) => {
    const w = Math.log(1 + (stats.passages - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
    intersect(hits, lists[k]!, (i, tf) => {
      scores[i] = scores[i]! + (w * tf) / (tf + 1.2);
    });
  });
  const top = best(hits.length, limit, (a, b) => scores[b]! - scores[a]! || table.ids[hits[a]!]!.localeCompare(table.ids[hits[b]!]!));
  const passages = new Map((await index.passages(top.map((i) => table.ids[hits[i]!]!))).map((p) => [p.id, p]));
  const documents = new Map((await index.documents([...new Set([...passages.values()].map((p) => p.documentId))])).map((d) => [d.id, d]));
  return top.flatMap((i) => {
    const passage = passages.get(table.ids[hits[i]!]!);
    const document = passage && documents.get(passage.documentId);
    return passage && document ? [{ passage, document, score: scores[i]! }] : [];
  });
}
