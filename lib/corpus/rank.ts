import { tokenize } from '../text/tokenize';
import type { BundlePayload, CorpusDocument, Passage, PassageMention } from './schema';

/**
 * Ranking over the corpus, the same in the extension and the CLI: which passages best fit the
 * paragraph around a mention, and which documents cover what a page is about. Scores are BM25
 * over passage text plus the rarity-weighted entities the two texts share.
 */

/** What ranking reads; the memory corpus and the IndexedDB store both provide it. */
export interface RankingIndex {
  /** Passage count and mean passage length (in index terms). */
  stats(): Promise<{ passages: number; averageLength: number }>;
  /** For each term, in how many passages it occurs (absent: none). */
  documentFrequency(terms: readonly string[]): Promise<Map<string, number>>;
  /** For each term, the passages it occurs in and how often: term → passage id → count. */
  postings(terms: readonly string[]): Promise<Map<string, Map<string, number>>>;
  /** The mentions of an entity, in every passage. */
  mentionsOf(entityId: string): Promise<PassageMention[]>;
  /** For each entity, in how many passages it is mentioned. */
  entityPassageCounts(entityIds: readonly string[]): Promise<Map<string, number>>;
  /** The mentions in the given passages. */
  mentionsIn(passageIds: readonly string[]): Promise<PassageMention[]>;
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
/** Page terms kept for a coverage query: the most telling ones. */
const MAX_QUERY_TERMS = 40;

const idf = (n: number, df: number): number => Math.log(1 + (n - df + 0.5) / (df + 0.5));

interface Query {
  /** term → weight (idf × a saturating function of its count in the query text) */
  terms: Map<string, number>;
  idf: Map<string, number>;
}

async function makeQuery(index: RankingIndex, text: string, n: number, limit: number): Promise<Query> {
  const counts = new Map<string, number>();
  for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const df = await index.documentFrequency([...counts.keys()]);
  const weighted = [...counts]
    .filter(([t]) => df.has(t))
    .map(([t, c]) => [t, idf(n, df.get(t)!) * (1 + Math.log(c))] as const)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit);
  return {
    terms: new Map(weighted),
    idf: new Map(weighted.map(([t]) => [t, idf(n, df.get(t)!)])),
  };
}

/** BM25 of each passage in `candidates` against the query, with the terms that contributed. */
async function bm25(
  index: RankingIndex,
  query: Query,
  candidates: ReadonlyMap<string, Passage>,
  averageLength: number,
): Promise<Map<string, { score: number; terms: [string, number][] }>> {
  const out = new Map<string, { score: number; terms: [string, number][] }>();
  const postings = await index.postings([...query.terms.keys()]);
  for (const [term, list] of postings) {
    const w = query.idf.get(term) ?? 0;
    for (const [pid, tf] of list) {
      const p = candidates.get(pid);
      if (!p) continue;
      const s = (w * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * p.length) / (averageLength || 1)));
      const entry = out.get(pid) ?? { score: 0, terms: [] };
      entry.score += s;
      entry.terms.push([term, s]);
      out.set(pid, entry);
    }
  }
  return out;
}

const newer = (a: CorpusDocument, b: CorpusDocument): number => (b.published ?? '').localeCompare(a.published ?? '');

/**
 * Ranks the passages that mention `entityId` by how well they fit `context` (the paragraph around
 * the mention) and the entities found in it: BM25 plus the shared entities, weighted by rarity;
 * ties go to the newer document. Without context this is mention count, then recency.
 */
export async function rankPassagesForMention(
  index: RankingIndex,
  entityId: string,
  context: { text: string; entityIds: readonly string[] },
  limit = 10,
): Promise<RankedPassage[]> {
  const mentions = await index.mentionsOf(entityId);
  const ids = [...new Set(mentions.map((m) => m.passageId))];
  if (ids.length === 0) return [];
  const [stats, passages] = await Promise.all([index.stats(), index.passages(ids)]);
  const byId = new Map(passages.map((p) => [p.id, p]));
  const documents = new Map((await index.documents([...new Set(passages.map((p) => p.documentId))])).map((d) => [d.id, d]));
  const query = await makeQuery(index, context.text, stats.passages, MAX_QUERY_TERMS);
  const text = await bm25(index, query, byId, stats.averageLength);
  const others = [...new Set(context.entityIds)].filter((e) => e !== entityId);
  const entityIdf = await entityWeights(index, others, stats.passages);
  const inPassage = groupEntities(await index.mentionsIn(ids));
  const count = new Map<string, number>();
  for (const m of mentions) count.set(m.passageId, (count.get(m.passageId) ?? 0) + 1);

  const ranked: (RankedPassage & { mentions: number })[] = [];
  for (const p of passages) {
    const document = documents.get(p.documentId);
    if (!document) continue;
    const shared = others.filter((e) => inPassage.get(p.id)?.has(e)).sort((a, b) => entityIdf.get(b)! - entityIdf.get(a)!);
    const t = text.get(p.id);
    const score = (t?.score ?? 0) + ENTITY_WEIGHT * shared.reduce((s, e) => s + entityIdf.get(e)!, 0);
    ranked.push({
      passage: p,
      document,
      score,
      sharedEntities: shared,
      sharedTerms: (t?.terms ?? []).sort((a, b) => b[1] - a[1]).map(([term]) => term),
      mentions: count.get(p.id) ?? 0,
    });
  }
  ranked.sort(
    (a, b) =>
      b.score - a.score || b.mentions - a.mentions || newer(a.document, b.document) || a.passage.id.localeCompare(b.passage.id),
  );
  return ranked.slice(0, limit).map(({ mentions: _m, ...r }) => r);
}

async function entityWeights(index: RankingIndex, ids: readonly string[], n: number): Promise<Map<string, number>> {
  const counts = await index.entityPassageCounts(ids);
  return new Map(ids.map((e) => [e, idf(n, counts.get(e) ?? 0)]));
}

function groupEntities(mentions: readonly PassageMention[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of mentions) {
    const set = out.get(m.passageId) ?? new Set<string>();
    set.add(m.entityId);
    out.set(m.passageId, set);
  }
  return out;
}

/**
 * Ranks corpus documents by what a page is about: the entities on it (each weighted by how rare it
 * is in the corpus and, gently, by how often the page names it) and the page's text against each
 * passage (BM25 over its most telling words). Each document comes with its best passage; a
 * document that shares no entity with the page is left out.
 */
export async function rankDocumentsForPage(
  index: RankingIndex,
  page: { text: string; entityCounts: ReadonlyMap<string, number> },
  limit = 10,
): Promise<RankedDocument[]> {
  const stats = await index.stats();
  const entityIds = [...page.entityCounts.keys()];
  const entityIdf = await entityWeights(index, entityIds, stats.passages);
  const entityMentions = (await Promise.all(entityIds.map((e) => index.mentionsOf(e)))).flat();
  const query = await makeQuery(index, page.text, stats.passages, MAX_QUERY_TERMS);
  const postings = await index.postings([...query.terms.keys()]);
  const candidateIds = new Set(entityMentions.map((m) => m.passageId));
  for (const list of postings.values()) for (const pid of list.keys()) candidateIds.add(pid);
  if (candidateIds.size === 0) return [];
  const passages = await index.passages([...candidateIds]);
  const byId = new Map(passages.map((p) => [p.id, p]));
  const text = await bm25(index, query, byId, stats.averageLength);
  const inPassage = groupEntities(entityMentions);
  const pageWeight = (e: string): number => entityIdf.get(e)! * (1 + Math.log(page.entityCounts.get(e) ?? 1));

  const perDocument = new Map<string, { textScore: number; entities: Set<string>; best?: { p: Passage; score: number; shared: string[]; terms: string[] } }>();
  // In document order, whatever order the index returned them in: sums and ties come out the same
  // over every index (of equal scores, a document's earlier passage is its best).
  passages.sort((a, b) => (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : a.index - b.index || a.id.localeCompare(b.id)));
  for (const p of passages) {
    const shared = [...(inPassage.get(p.id) ?? [])].sort((a, b) => pageWeight(b) - pageWeight(a) || a.localeCompare(b));
    const t = text.get(p.id);
    const entityScore = shared.reduce((s, e) => s + pageWeight(e), 0);
    const score = (t?.score ?? 0) + ENTITY_WEIGHT * entityScore;
    const d = perDocument.get(p.documentId) ?? { textScore: 0, entities: new Set<string>() };
    d.textScore += t?.score ?? 0;
    for (const e of shared) d.entities.add(e);
    if (!d.best || score > d.best.score) {
      d.best = { p, score, shared, terms: (t?.terms ?? []).sort((a, b) => b[1] - a[1]).map(([x]) => x) };
    }
    perDocument.set(p.documentId, d);
  }
  const documents = new Map((await index.documents([...perDocument.keys()])).map((d) => [d.id, d]));
  const ranked: RankedDocument[] = [];
  for (const [id, d] of perDocument) {
    const document = documents.get(id);
    // A document that shares no actor or event with the page does not cover what it is about.
    if (!document || !d.best || d.entities.size === 0) continue;
    const entities = [...d.entities].sort((a, b) => pageWeight(b) - pageWeight(a) || a.localeCompare(b));
    // Entities count once per document; text evidence saturates so long documents do not win by length.
    const score = ENTITY_WEIGHT * entities.reduce((s, e) => s + pageWeight(e), 0) + Math.log(1 + d.textScore) * 2;
    ranked.push({
      document,
      score,
      entities,
      bestPassage: { passage: d.best.p, document, score: d.best.score, sharedEntities: d.best.shared, sharedTerms: d.best.terms },
    });
  }
  ranked.sort((a, b) => b.score - a.score || newer(a.document, b.document) || a.document.id.localeCompare(b.document.id));
  return ranked.slice(0, limit);
}

/** A ranking index over a parsed bundle held in memory (the CLI, and the background's fallback). */
export function createMemoryRankingIndex(b: BundlePayload): RankingIndex {
  const passages = new Map(b.passages.map((p) => [p.id, p]));
  const documents = new Map(b.documents.map((d) => [d.id, d]));
  const byEntity = new Map<string, PassageMention[]>();
  const byPassage = new Map<string, PassageMention[]>();
  for (const m of b.mentions) {
    (byEntity.get(m.entityId) ?? byEntity.set(m.entityId, []).get(m.entityId)!).push(m);
    (byPassage.get(m.passageId) ?? byPassage.set(m.passageId, []).get(m.passageId)!).push(m);
  }
  let postings: Map<string, Map<string, number>> | undefined;
  const allPostings = (): Map<string, Map<string, number>> => {
    if (!postings) {
      postings = new Map();
      for (const p of b.passages) {
        for (const t of tokenize(p.text)) {
          const list = postings.get(t) ?? postings.set(t, new Map()).get(t)!;
          list.set(p.id, (list.get(p.id) ?? 0) + 1);
        }
      }
    }
    return postings;
  };
  return {
    stats: async () => ({ passages: b.stats.passages, averageLength: b.stats.averageLength }),
    documentFrequency: async (terms) => {
      const out = new Map<string, number>();
      for (const t of terms) {
        if (Object.hasOwn(b.stats.documentFrequency, t)) out.set(t, b.stats.documentFrequency[t]!);
      }
      return out;
    },
    postings: async (terms) => {
      const all = allPostings();
      const out = new Map<string, Map<string, number>>();
      for (const t of terms) {
        const list = all.get(t);
        if (list) out.set(t, list);
      }
      return out;
    },
    mentionsOf: async (id) => byEntity.get(id) ?? [],
    entityPassageCounts: async (ids) => new Map(ids.map((id) => [id, new Set((byEntity.get(id) ?? []).map((m) => m.passageId)).size])),
    mentionsIn: async (ids) => ids.flatMap((id) => byPassage.get(id) ?? []),
    passages: async (ids) => ids.flatMap((id) => passages.get(id) ?? []),
    documents: async (ids) => ids.flatMap((id) => documents.get(id) ?? []),
  };
}
