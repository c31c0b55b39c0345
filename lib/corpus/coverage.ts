import type { CorpusReader } from './reader';
import { createMemoryRankingIndex, rankDocumentsForPage, type RankingIndex } from './rank';
import type { Entity } from './schema';
import { searchEntities, searchPassages } from './search';
import type { RelatedDocumentView, SearchResults } from './views';

/**
 * What the popup shows, computed in the background: related coverage and search results as plain
 * views over one ranking index, rebuilt only when the corpus changes.
 */
export interface CoverageService {
  related(page: { text: string; entityCounts: ReadonlyMap<string, number> }, limit?: number): Promise<RelatedDocumentView[]>;
  search(query: string): Promise<SearchResults>;
}

/** Creates the coverage service over whatever corpus `reader()` currently serves. */
export function createCoverageService(reader: () => Promise<CorpusReader>): CoverageService {
  let cache: { key: string; index: RankingIndex; entities: Entity[]; byId: Map<string, Entity> } | undefined;
  const current = async () => {
    const r = await reader();
    const { corpus } = await r.info();
    const key = `${corpus.id}@${corpus.version}@${corpus.created}`;
    if (cache?.key !== key) {
      const payload = await r.readPayload();
      cache = { key, index: createMemoryRankingIndex(payload), entities: payload.entities, byId: new Map(payload.entities.map((e) => [e.id, e])) };
    }
    return cache;
  };
  return {
    async related(page, limit = 8) {
      const { index, byId } = await current();
      const ranked = await rankDocumentsForPage(index, page, limit);
      return ranked.map((r) => ({
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
      const { index, entities } = await current();
      const passages = await searchPassages(index, query);
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
