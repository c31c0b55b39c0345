import { tokenize } from '../text/tokenize';
import type { BundlePayload, CorpusDocument, Passage, PassageMention } from './schema';

/**
 * Ranking over the corpus, the same in the extension and the CLI: which passages best fit the
 * paragraph around a mention, and which documents cover what a page is about. Scores are BM25
 * over passage text plus the rarity-weighted entities the two texts share.
 */

/** What scoring needs of a passage, without its text. */
export interface PassageFacts {
  documentId: string;
  /** Position in its document. */
  index: number;
  /** Number of index terms. */
  length: number;
  /** Its document's date (empty when the document has none). */
  published: string;
}

/**
 * What ranking reads; the memory corpus and the IndexedDB store both provide it. Scoring reads
 * postings, entity passage lists and passage facts; whole passages and documents are read only
 * for the results.
 */
export interface RankingIndex {
  /** Passage count and mean passage length (in index terms). */
  stats(): Promise<{ passages: number; averageLength: number }>;
  /** For each term, in how many passages it occurs (absent: none). */
  documentFrequency(terms: readonly string[]): Promise<Map<string, number>>;
  /** For each term, the passages it occurs in and how often: term → passage id → count. */
  postings(terms: readonly string[]): Promise<Map<string, Map<string, number>>>;
  /** For each entity, the passages that mention it and how many times: entity → passage id → mentions. */
  entityPassages(entityIds: readonly string[]): Promise<Map<string, Map<string, number>>>;
  /** The facts of each passage that exists and whose document exists. */
  passageFacts(ids: readonly string[]): Promise<Map<string, PassageFacts>>;
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
  candidates: ReadonlyMap<string, { length: number }>,
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
  const others = [...new Set(context.entityIds)].filter((e) => e !== entityId);
  const lists = await index.entityPassages([entityId, ...others]);
  const count = lists.get(entityId) ?? new Map<string, number>();
  if (count.size === 0) return [];
  const [stats, facts] = await Promise.all([index.stats(), index.passageFacts([...count.keys()])]);
  const query = await makeQuery(index, context.text, stats.passages, MAX_QUERY_TERMS);
  const text = await bm25(index, query, facts, stats.averageLength);
  const entityIdf = new Map(others.map((e) => [e, idf(stats.passages, lists.get(e)?.size ?? 0)]));

  const scored: { id: string; f: PassageFacts; score: number; shared: string[]; mentions: number }[] = [];
  for (const [id, f] of facts) {
    const shared = others.filter((e) => lists.get(e)?.has(id)).sort((a, b) => entityIdf.get(b)! - entityIdf.get(a)!);
    const score = (text.get(id)?.score ?? 0) + ENTITY_WEIGHT * shared.reduce((s, e) => s + entityIdf.get(e)!, 0);
    scored.push({ id, f, score, shared, mentions: count.get(id) ?? 0 });
  }
  scored.sort((a, b) => b.score - a.score || b.mentions - a.mentions || b.f.published.localeCompare(a.f.published) || a.id.localeCompare(b.id));
  const top = scored.slice(0, limit);
  // Only the results are read whole.
  const passages = new Map((await index.passages(top.map((r) => r.id))).map((p) => [p.id, p]));
  const documents = new Map((await index.documents([...new Set(top.map((r) => r.f.documentId))])).map((d) => [d.id, d]));
  return top.flatMap((r) => {
    const passage = passages.get(r.id);
    const document = documents.get(r.f.documentId);
    if (!passage || !document) return [];
    const terms = (text.get(r.id)?.terms ?? []).sort((a, b) => b[1] - a[1]).map(([term]) => term);
    return [{ passage, document, score: r.score, sharedEntities: r.shared, sharedTerms: terms }];
  });
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
  const lists = await index.entityPassages(entityIds);
  const entityIdf = new Map(entityIds.map((e) => [e, idf(stats.passages, lists.get(e)?.size ?? 0)]));
  const query = await makeQuery(index, page.text, stats.passages, MAX_QUERY_TERMS);
  const postings = await index.postings([...query.terms.keys()]);
  const candidateIds = new Set<string>();
  for (const list of lists.values()) for (const pid of list.keys()) candidateIds.add(pid);
  for (const list of postings.values()) for (const pid of list.keys()) candidateIds.add(pid);
  if (candidateIds.size === 0) return [];
  const facts = await index.passageFacts([...candidateIds]);
  const text = await bm25(index, query, facts, stats.averageLength);
  const inPassage = new Map<string, string[]>();
  for (const [e, list] of lists) for (const pid of list.keys()) (inPassage.get(pid) ?? inPassage.set(pid, []).get(pid)!).push(e);
  const pageWeight = (e: string): number => entityIdf.get(e)! * (1 + Math.log(page.entityCounts.get(e) ?? 1));

  // In document order, whatever order the index returned them in: sums and ties come out the same
  // over every index (of equal scores, a document's earlier passage is its best).
  const ordered = [...facts].sort(([a, fa], [b, fb]) =>
    fa.documentId < fb.documentId ? -1 : fa.documentId > fb.documentId ? 1 : fa.index - fb.index || a.localeCompare(b),
  );
  type Best = { id: string; score: number; shared: string[]; terms: string[] };
  const perDocument = new Map<string, { textScore: number; published: string; entities: Set<string>; best?: Best }>();
  for (const [id, f] of ordered) {
    const shared = [...(inPassage.get(id) ?? [])].sort((a, b) => pageWeight(b) - pageWeight(a) || a.localeCompare(b));
    const t = text.get(id);
    const entityScore = shared.reduce((s, e) => s + pageWeight(e), 0);
    const score = (t?.score ?? 0) + ENTITY_WEIGHT * entityScore;
    const d = perDocument.get(f.documentId) ?? { textScore: 0, published: f.published, entities: new Set<string>() };
    d.textScore += t?.score ?? 0;
    for (const e of shared) d.entities.add(e);
    if (!d.best || score > d.best.score) {
      d.best = { id, score, shared, terms: (t?.terms ?? []).sort((a, b) => b[1] - a[1]).map(([x]) => x) };
    }
    perDocument.set(f.documentId, d);
  }
  const ranked: { id: string; score: number; published: string; entities: string[]; best: Best }[] = [];
  for (const [id, d] of perDocument) {
    // A document that shares no actor or event with the page does not cover what it is about.
    if (!d.best || d.entities.size === 0) continue;
    const entities = [...d.entities].sort((a, b) => pageWeight(b) - pageWeight(a) || a.localeCompare(b));
    // Entities count once per document; text evidence saturates so long documents do not win by length.
    const score = ENTITY_WEIGHT * entities.reduce((s, e) => s + pageWeight(e), 0) + Math.log(1 + d.textScore) * 2;
    ranked.push({ id, score, published: d.published, entities, best: d.best });
  }
  ranked.sort((a, b) => b.score - a.score || b.published.localeCompare(a.published) || a.id.localeCompare(b.id));
  const top = ranked.slice(0, limit);
  // Only the results are read whole.
  const [passages, documents] = await Promise.all([index.passages(top.map((r) => r.best.id)), index.documents(top.map((r) => r.id))]);
  const passageById = new Map(passages.map((p) => [p.id, p]));
  const documentById = new Map(documents.map((d) => [d.id, d]));
  return top.flatMap((r) => {
    const document = documentById.get(r.id);
    const passage = passageById.get(r.best.id);
    if (!document || !passage) return [];
    return [{ document, score: r.score, entities: r.entities, bestPassage: { passage, document, score: r.best.score, sharedEntities: r.best.shared, sharedTerms: r.best.terms } }];
  });
}

/** A ranking index over a parsed bundle held in memory (the CLI, and the background's fallback). */
export function createMemoryRankingIndex(b: BundlePayload): RankingIndex {
  const passages = new Map(b.passages.map((p) => [p.id, p]));
  const documents = new Map(b.documents.map((d) => [d.id, d]));
  const byEntity = new Map<string, PassageMention[]>();
  for (const m of b.mentions) (byEntity.get(m.entityId) ?? byEntity.set(m.entityId, []).get(m.entityId)!).push(m);
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
    entityPassages: async (ids) => {
      const out = new Map<string, Map<string, number>>();
      for (const id of ids) {
        const list = new Map<string, number>();
        for (const m of byEntity.get(id) ?? []) list.set(m.passageId, (list.get(m.passageId) ?? 0) + 1);
        out.set(id, list);
      }
      return out;
    },
    passageFacts: async (ids) => {
      const out = new Map<string, PassageFacts>();
      for (const id of ids) {
        const p = passages.get(id);
        const d = p && documents.get(p.documentId);
        if (p && d) out.set(id, { documentId: p.documentId, index: p.index, length: p.length, published: d.published ?? '' });
      }
      return out;
    },
    passages: async (ids) => ids.flatMap((id) => passages.get(id) ?? []),
    documents: async (ids) => ids.flatMap((id) => documents.get(id) ?? []),
  };
}
