import { tokenize } from '../text/tokenize';
import { best, buildEntityPostings, buildPostings, countIn, find, forEachPassage, intersect, NO_POSTINGS, type PassageTable, type Postings, present, sparse, tableFrom } from './ranking-table';
import type { BundlePayload, CorpusDocument, Entity, Passage } from './schema';

/**
 * Ranking over the corpus, the same in the extension and the CLI: which passages best fit the
 * paragraph around a mention, and which documents cover what a page is about. Scores are BM25
 * over passage text plus the rarity-weighted entities the two texts share.
 */

/**
 * What ranking reads; the memory corpus and the IndexedDB store both provide it. Scoring reads the
 * passage table, postings and entity lists; whole passages and documents are read only for the results.
 */
export interface RankingIndex {
  /** Passage count and mean passage length (in index terms). */
  stats(): Promise<{ passages: number; averageLength: number }>;
  /** For each term, in how many passages it occurs (absent: none). */
  documentFrequency(terms: readonly string[]): Promise<Map<string, number>>;
  /** The numbered passages and documents that postings and entity lists refer to. */
  table(): Promise<PassageTable>;
  /** For each term that occurs, the passages it occurs in and how often. */
  postings(terms: readonly string[]): Promise<Map<string, Postings>>;
  /** For each entity, the passages that mention it and how many times (empty lists for unknown entities). */
  entityPassages(entityIds: readonly string[]): Promise<Map<string, Postings>>;
  passages(ids: readonly string[]): Promise<Passage[]>;
  documents(ids: readonly string[]): Promise<CorpusDocument[]>;
}

/** A passage ranked for a mention, with why. */
export interface RankedPassage {
  passage: Passage;
  document: CorpusDocument;
  score: number;
  /** Entities (ids) the passage shares with the paragraph around the mention. */
  sharedEntities: string[];
  /** Words the passage shares with that paragraph, most telling first. */
  sharedTerms: string[];
}

/** A passage ranked for a mention of an entity. */
export interface MentionPassage extends RankedPassage {
  /** How many times the passage names the entity. */
  mentions: number;
}

/** A document ranked for a page. */
export interface RankedDocument {
  document: CorpusDocument;
  score: number;
  /** Entities (ids) the document shares with the page, rarest in the corpus first. */
  entities: string[];
  bestPassage: RankedPassage;
}

const K1 = 1.2;
const B = 0.75;
/** Weight of one shared entity against text similarity: an entity says more than a word. */
const ENTITY_WEIGHT = 1.5;
/** Page terms kept for a query: the most telling ones (by idf and count), so that the common words of a long page are not read. */
const MAX_QUERY_TERMS = 40;

const idf = (n: number, df: number): number => Math.log(1 + (n - df + 0.5) / (df + 0.5));

interface Query {
  /** The query terms, most telling first, and each one's idf. */
  terms: string[];
  idf: number[];
}

/** The terms of `text` that occur in the corpus, most telling first (idf × a saturating function of their count), at most `limit`. */
async function makeQuery(index: RankingIndex, text: string, n: number, limit: number): Promise<Query> {
  const counts = new Map<string, number>();
  for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const df = await index.documentFrequency([...counts.keys()]);
  const weighted = [...counts]
    .filter(([t]) => df.has(t))
    .map(([t, c]) => [t, idf(n, df.get(t)!) * (1 + Math.log(c))] as const)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit);
  return { terms: weighted.map(([t]) => t), idf: weighted.map(([t]) => idf(n, df.get(t)!)) };
}

/** One term's BM25 weight in a passage with `tf` occurrences and `length` terms. */
const bm25 = (w: number, tf: number, length: number, averageLength: number): number =>
  (w * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / (averageLength || 1)));

/** The query terms that occur in passage `o`, most contributing first (for "why"). */
function sharedTerms(query: Query, postings: ReadonlyMap<string, Postings>, o: number, length: number, averageLength: number): string[] {
  const out: [string, number][] = [];
  query.terms.forEach((t, k) => {
    const tf = countIn(postings.get(t) ?? NO_POSTINGS, o);
    if (tf) out.push([t, bm25(query.idf[k]!, tf, length, averageLength)]);
  });
  return out.sort((a, b) => b[1] - a[1]).map(([t]) => t);
}

/** Reads whole, in one go, the passages and documents of the results. */
async function readResults(index: RankingIndex, passageIds: string[], documentIds: string[]): Promise<{ passages: Map<string, Passage>; documents: Map<string, CorpusDocument> }> {
  const [passages, documents] = await Promise.all([index.passages(passageIds), index.documents([...new Set(documentIds)])]);
  return { passages: new Map(passages.map((p) => [p.id, p])), documents: new Map(documents.map((d) => [d.id, d])) };
}

/**
 * Ranks the passages that mention `entityId` by how well they fit `context` (the paragraph around
 * the mention) and the entities found in it: BM25 plus the shared entities, weighted by rarity;
 * ties go to the passage that names the entity more often, then to the newer document. Without
 * context this is mention count, then recency.
 */
export async function rankPassagesForMention(
  index: RankingIndex,
  entityId: string,
  context: { text: string; entityIds: readonly string[] },
  limit = 10,
): Promise<MentionPassage[]> {
  const others = [...new Set(context.entityIds)].filter((e) => e !== entityId);
  const stats = await index.stats();
  const query = await makeQuery(index, context.text, stats.passages, MAX_QUERY_TERMS);
  // One round of reads: the entity lists, the query's postings and the table.
  const [lists, postings, table] = await Promise.all([index.entityPassages([entityId, ...others]), index.postings(query.terms), index.table()]);
  const own = lists.get(entityId) ?? NO_POSTINGS;
  // Candidates: the passages that mention the entity and are in the corpus, in ordinal order.
  const keep: number[] = [];
  const mentions: number[] = [];
  forEachPassage(own, (o, count) => {
    if (!present(table, o)) return;
    keep.push(o);
    mentions.push(count);
  });
  if (keep.length === 0) return [];
  const candidates = Uint32Array.from(keep);
  const n = candidates.length;

  // Text: each query term's BM25, added in query order (so sums are the same whichever index answers).
  const text = new Float64Array(n);
  query.terms.forEach((t, k) => {
    const list = postings.get(t);
    if (!list) return;
    const w = query.idf[k]!;
    intersect(candidates, list, (i, tf) => {
      text[i] = text[i]! + bm25(w, tf, table.lengths[candidates[i]!]!, stats.averageLength);
    });
  });
  // Entities: the others the passage also names, rarest first, each weighted by its idf.
  const sorted = others
    .map((e) => ({ e, w: idf(stats.passages, lists.get(e)?.size ?? 0), list: lists.get(e) ?? NO_POSTINGS }))
    .sort((a, b) => b.w - a.w);
  const entities = new Float64Array(n);
  for (const { w, list } of sorted) intersect(candidates, list, (i) => (entities[i] = entities[i]! + w));
  const score = (i: number): number => text[i]! + ENTITY_WEIGHT * entities[i]!;
  const scores = Float64Array.from({ length: n }, (_, i) => score(i));
  const published = (i: number): string => table.published[table.documents[candidates[i]!]!]!;
  const top = best(n, limit, (a, b) => scores[b]! - scores[a]! || mentions[b]! - mentions[a]! || published(b).localeCompare(published(a)) || table.ids[candidates[a]!]!.localeCompare(table.ids[candidates[b]!]!));

  // Only the results are read whole.
  const { passages, documents } = await readResults(
    index,
    top.map((i) => table.ids[candidates[i]!]!),
    top.map((i) => table.documentIds[table.documents[candidates[i]!]!]!),
  );
  return top.flatMap((i) => {
    const o = candidates[i]!;
    const passage = passages.get(table.ids[o]!);
    const document = documents.get(table.documentIds[table.documents[o]!]!);
    if (!passage || !document) return [];
    const shared = sorted.filter(({ list }) => countIn(list, o) > 0).map(({ e }) => e);
    return [{ passage, document, score: scores[i]!, mentions: mentions[i]!, sharedEntities: shared, sharedTerms: sharedTerms(query, postings, o, table.lengths[o]!, stats.averageLength) }];
  });
}

/** Per table, its passage ordinals in document order (by document id, then position, then id), holes left out. */
const documentOrders = new WeakMap<PassageTable, Uint32Array>();

function documentOrder(table: PassageTable): Uint32Array {
  let order = documentOrders.get(table);
  if (!order) {
    const list: number[] = [];
    for (let o = 0; o < table.ids.length; o++) if (present(table, o)) list.push(o);
    const documentId = (o: number): string => table.documentIds[table.documents[o]!]!;
    const compare = (a: number, b: number): number => {
      const da = documentId(a);
      const db = documentId(b);
      return da < db ? -1 : da > db ? 1 : table.positions[a]! - table.positions[b]! || table.ids[a]!.localeCompare(table.ids[b]!);
    };
    // Bundles list passages in document order already; sort only when they do not.
    if (list.some((o, i) => i > 0 && compare(list[i - 1]!, o) > 0)) list.sort(compare);
    order = Uint32Array.from(list);
    documentOrders.set(table, order);
  }
  return order;
}

/** The entities that, shared alone, say nothing of what a page is about: countries, named throughout international news. */
export function generalEntities(entities: readonly Pick<Entity, 'id' | 'type'>[]): Set<string> {
  return new Set(entities.filter((e) => e.type === 'country').map((e) => e.id));
}

/**
 * How many times a page must name an entity to dwell on it: once in a paragraph, twice up to 400
 * words, three times beyond (a name dropped once in a long article is not what it is about).
 */
function dwellCount(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length && words <= 400; i++) {
    const space = text.charCodeAt(i) <= 0x20;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return Math.min(3, 1 + Math.floor(words / 200));
}

/**
 * Ranks corpus documents by what a page is about: the entities on it (each weighted by how rare it
 * is in the corpus and, gently, by how often the page names it) and the page's text against each
 * passage (BM25 over its most telling words). Each document comes with its best passage.
 *
 * A document covers the page only where the two dwell on one actor or event together: one that is
 * not in `page.general` (the countries: see generalEntities), that the page names often enough for
 * its length (see dwellCount) and that the document names in two passages or more. A NASA story
 * that names the US, or a profile that drops an Iraqi prime minister's name once, is covered by none.
 */
export async function rankDocumentsForPage(
  index: RankingIndex,
  page: { text: string; entityCounts: ReadonlyMap<string, number>; general?: ReadonlySet<string> },
  limit = 10,
): Promise<RankedDocument[]> {
  const stats = await index.stats();
  const query = await makeQuery(index, page.text, stats.passages, MAX_QUERY_TERMS);
  const [lists, postings, table] = await Promise.all([index.entityPassages([...page.entityCounts.keys()]), index.postings(query.terms), index.table()]);
  // The page's entities, weightiest first (rare in the corpus, often on the page); lists as ordinals and counts.
  const entities = [...page.entityCounts.keys()]
    .map((e) => ({ e, w: idf(stats.passages, lists.get(e)?.size ?? 0) * (1 + Math.log(page.entityCounts.get(e) ?? 1)), list: sparse(lists.get(e) ?? NO_POSTINGS) }))
    .sort((a, b) => b.w - a.w || a.e.localeCompare(b.e));
  const terms = query.terms.map((t) => sparse(postings.get(t) ?? NO_POSTINGS));

  // Only a document that dwells with the page on one of its actors or events covers it (see above).
  const covering = new Uint8Array(table.documentIds.length);
  const need = dwellCount(page.text);
  const named = new Uint16Array(table.documentIds.length);
  for (const { e, list } of entities) {
    if (page.general?.has(e) || (page.entityCounts.get(e) ?? 0) < need) continue;
    named.fill(0);
    for (const o of list.passages) {
      if (!present(table, o)) continue;
      const d = table.documents[o]!;
      if (++named[d]! >= 2) covering[d] = 1;
    }
  }
  // A covering document's candidate passages: those that name one of the page's entities or a query term.
  const slot = new Int32Array(table.ids.length).fill(-1);
  let n = 0;
  for (const { list } of entities) {
    for (const o of list.passages) if (slot[o]! < 0 && present(table, o) && covering[table.documents[o]!]) slot[o] = n++;
  }
  for (const list of terms) for (const o of list.passages) if (slot[o]! < 0 && present(table, o) && covering[table.documents[o]!]) slot[o] = n++;
  if (n === 0) return [];

  const text = new Float64Array(n);
  terms.forEach(({ passages, counts }, k) => {
    const w = query.idf[k]!;
    for (let j = 0; j < passages.length; j++) {
      const o = passages[j]!;
      const s = slot[o]!;
      if (s >= 0) text[s] = text[s]! + bm25(w, counts[j]!, table.lengths[o]!, stats.averageLength);
    }
  });
  // Entity weight per passage, and per document (each entity once), added weightiest first.
  const passageEntities = new Float64Array(n);
  const documentEntities = new Float64Array(table.documentIds.length);
  const lastEntity = new Int32Array(table.documentIds.length).fill(-1);
  entities.forEach(({ w, list }, k) => {
    for (const o of list.passages) {
      const s = slot[o]!;
      if (s < 0) continue;
      passageEntities[s] = passageEntities[s]! + w;
      const d = table.documents[o]!;
      if (lastEntity[d] !== k) {
        lastEntity[d] = k;
        documentEntities[d] = documentEntities[d]! + w;
      }
    }
  });

  // Per document, in document order: text evidence summed, and the best passage (the earlier of equals).
  const ranked: { d: number; score: number; best: number; bestScore: number }[] = [];
  let current: { d: number; text: number; best: number; bestScore: number } | undefined;
  const close = (): void => {
    if (!current) return;
    // Entities count once per document; text evidence saturates so long documents do not win by length.
    const score = ENTITY_WEIGHT * documentEntities[current.d]! + Math.log(1 + current.text) * 2;
    ranked.push({ d: current.d, score, best: current.best, bestScore: current.bestScore });
  };
  for (const o of documentOrder(table)) {
    const s = slot[o]!;
    if (s < 0) continue;
    const d = table.documents[o]!;
    const score = text[s]! + ENTITY_WEIGHT * passageEntities[s]!;
    if (current?.d !== d) {
      close();
      current = { d, text: 0, best: o, bestScore: score };
    } else if (score > current.bestScore) {
      current.best = o;
      current.bestScore = score;
    }
    current.text += text[s]!;
  }
  close();
  const top = best(ranked.length, limit, (a, b) => {
    const x = ranked[a]!;
    const y = ranked[b]!;
    return y.score - x.score || table.published[y.d]!.localeCompare(table.published[x.d]!) || table.documentIds[x.d]!.localeCompare(table.documentIds[y.d]!);
  }).map((i) => ranked[i]!);

  // The entities each result shares with the page (through its candidate passages).
  const namedBy: Record<number, Set<number>> = Object.fromEntries(top.map((r) => [r.d, new Set<number>()]));
  entities.forEach(({ list }, k) => {
    for (const o of list.passages) if (slot[o]! >= 0) namedBy[table.documents[o]!]?.add(k);
  });

  // Only the results are read whole.
  const { passages, documents } = await readResults(
    index,
    top.map((r) => table.ids[r.best]!),
    top.map((r) => table.documentIds[r.d]!),
  );
  return top.flatMap((r) => {
    const document = documents.get(table.documentIds[r.d]!);
    const passage = passages.get(table.ids[r.best]!);
    if (!document || !passage) return [];
    const named = entities.filter((_, k) => namedBy[r.d]!.has(k)).map(({ e }) => e);
    const sharedEntities = entities.filter(({ list }) => find(list.passages, r.best) >= 0).map(({ e }) => e);
    const bestPassage = {
      passage,
      document,
      score: r.bestScore,
      sharedEntities,
      sharedTerms: sharedTerms(query, postings, r.best, table.lengths[r.best]!, stats.averageLength),
    };
    return [{ document, score: r.score, entities: named, bestPassage }];
  });
}

/** A ranking index over a parsed bundle held in memory (the CLI, and the background for small corpora). */
export function createMemoryRankingIndex(b: BundlePayload): RankingIndex {
  const passages = new Map(b.passages.map((p) => [p.id, p]));
  const documents = new Map(b.documents.map((d) => [d.id, d]));
  const table = tableFrom(b.passages, b.documents);
  // Built on first use: every term's postings, every entity's passages.
  let terms: Map<string, Postings> | undefined;
  let entities: Map<string, Postings> | undefined;
  const pick = (all: Map<string, Postings>, keys: readonly string[], empty: boolean): Map<string, Postings> => {
    const out = new Map<string, Postings>();
    for (const k of keys) {
      const list = all.get(k);
      if (list || empty) out.set(k, list ?? NO_POSTINGS);
    }
    return out;
  };
  return {
    stats: async () => ({ passages: b.stats.passages, averageLength: b.stats.averageLength }),
    documentFrequency: async (keys) => {
      const out = new Map<string, number>();
      for (const t of keys) if (Object.hasOwn(b.stats.documentFrequency, t)) out.set(t, b.stats.documentFrequency[t]!);
      return out;
    },
    table: async () => table,
    postings: async (keys) => pick((terms ??= buildPostings(b.passages)), keys, false),
    entityPassages: async (ids) => {
      if (!entities) {
        const ordinal = new Map(b.passages.map((p, i) => [p.id, i]));
        entities = buildEntityPostings(b.mentions, (id) => ordinal.get(id));
      }
      return pick(entities, ids, true);
    },
    passages: async (ids) => ids.flatMap((id) => passages.get(id) ?? []),
    documents: async (ids) => ids.flatMap((id) => documents.get(id) ?? []),
  };
}
