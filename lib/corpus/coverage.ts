import type { CorpusReader, PassageHit } from './reader';
import { createMemoryRankingIndex, generalEntities, type MentionPassage, rankDocumentsForPage, rankPassagesForMention, type RankingIndex } from './rank';
import type { Entity } from './schema';
import { searchEntities, searchPassages } from './search';
import { CorpusChangedError } from './store-ranking';
import type { RelatedDocumentView, SearchResults } from './views';

/**
 * What the card and the popup show, computed in the background: passages for a mention, related
 * coverage and search results, over the store's own ranking index when the corpus is in IndexedDB
 * (a query reads only what it needs), or over a memory index of the corpus otherwise.
 */
export interface CoverageService {
  /** The passages that mention an entity, best first for the paragraph around the mention (most mentions first without one). */
  passages(entityId: string, context: { text: string; entityIds: readonly string[] } | undefined, limit?: number): Promise<(PassageHit & MentionPassage)[]>;
  related(page: { text: string; entityCounts: ReadonlyMap<string, number> }, limit?: number): Promise<RelatedDocumentView[]>;
  search(query: string): Promise<SearchResults>;
}

/** A reader that has its own ranking index (the IndexedDB store). */
const ranksItself = (r: CorpusReader): r is CorpusReader & { rankingIndex(): RankingIndex } =>
  typeof (r as { rankingIndex?: unknown }).rankingIndex === 'function';

/**
 * Up to this many passages the background ranks over a memory index of the whole corpus (read once
 * per version: the seed corpus answers in about a millisecond that way, against several over
 * IndexedDB requests); past it, over the store's own index, so memory does not grow with the corpus.
 */
export const MEMORY_INDEX_MAX_PASSAGES = 20_000;

/** Creates the coverage service over whatever corpus `reader()` currently serves. */
export function createCoverageService(
  reader: () => Promise<CorpusReader>,
  options: { memoryIndexMaxPassages?: number } = {},
): CoverageService {
  const maxInMemory = options.memoryIndexMaxPassages ?? MEMORY_INDEX_MAX_PASSAGES;
  let cache: { key: string; index: () => RankingIndex; entities: Entity[]; byId: Map<string, Entity>; general: Set<string> } | undefined;
  const current = async () => {
    const r = await reader();
    const { corpus, counts } = await r.info();
    const key = `${corpus.id}@${corpus.version}@${corpus.created}`;
    if (cache?.key !== key) {
      if (ranksItself(r) && counts.passages > maxInMemory) {
        const entities = await r.getEntities();
        cache = { key, index: () => r.rankingIndex(), entities, byId: new Map(entities.map((e) => [e.id, e])), general: generalEntities(entities) };
      } else {
        const payload = await r.readPayload();
        const index = createMemoryRankingIndex(payload);
        cache = { key, index: () => index, entities: payload.entities, byId: new Map(payload.entities.map((e) => [e.id, e])), general: generalEntities(payload.entities) };
      }
    }
    return cache;
  };
  /** Runs a ranking on a fresh index; once more if the corpus changed under it. */
  const ranked = async <T>(run: (index: RankingIndex, c: NonNullable<typeof cache>) => Promise<T>): Promise<T> => {
    const c = await current();
    try {
      return await run(c.index(), c);
    } catch (e) {
      if (!(e instanceof CorpusChangedError)) throw e;
      const again = await current();
      return run(again.index(), again);
    }
  };
  return {
    passages: (entityId, context, limit = 20) =>
      ranked((index) => rankPassagesForMention(index, entityId, context ?? { text: '', entityIds: [] }, limit)),
    async related(page, limit = 8) {
      const { list, byId } = await ranked(async (index, c) => ({ list: await rankDocumentsForPage(index, { ...page, general: c.general }, limit), byId: c.byId }));
      return list.map((r) => ({
        id: r.document.id,
        title: r.document.title,
        ...(r.document.publisher ? { publisher: r.document.publisher } : {}),
        ...(r.document.published ? { published: r.document.published } : {}),
        score: r.score,
        entities: r.entities.map((e) => byId.get(e)?.name ?? e),
        bestPassage: { id: r.bestPassage.passage.id, documentId: r.document.id, text: r.bestPassage.passage.text },
      }));
    },
    async search(query) {
      const { passages, entities } = await ranked(async (index, c) => ({ passages: await searchPassages(index, query), entities: c.entities }));
      return {
        entities: searchEntities(entities, query).map(({ entity, matched }) => ({
          id: entity.id,
          name: entity.name,
          type: entity.type,
          matched,
          description: entity.description,
        })),
        passages: passages.map((h) => ({
          id: h.passage.id,
          documentId: h.document.id,
          text: h.passage.text,
          title: h.document.title,
          ...(h.document.publisher ? { publisher: h.document.publisher } : {}),
          ...(h.document.published ? { published: h.document.published } : {}),
        })),
      };
    },
  };
}
