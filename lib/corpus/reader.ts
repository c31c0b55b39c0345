import type { BundlePayload, CorpusDocument, Entity, Passage, PassageMention } from './schema';

/** Who the corpus is and how big. */
export interface CorpusInfo {
  corpus: BundlePayload['corpus'];
  counts: { documents: number; passages: number; entities: number; mentions: number };
}

/** Where the background keeps the corpus, and why, when it is not IndexedDB. */
export interface CorpusStatus {
  info: CorpusInfo;
  storage: 'indexeddb' | 'memory';
  /** One sentence for the popup when the corpus is served from memory. */
  problem?: string;
}

/** A passage that speaks of an entity, with its document and why it ranks where it does. */
export interface PassageHit {
  passage: Passage;
  document: CorpusDocument;
  /** How many times the passage mentions the entity. */
  mentions: number;
}

/** Read access to one corpus, whether it lives in IndexedDB or in memory. */
export interface CorpusReader {
  info(): Promise<CorpusInfo>;
  getEntities(): Promise<Entity[]>;
  getEntity(id: string): Promise<Entity | undefined>;
  getDocument(id: string): Promise<CorpusDocument | undefined>;
  getPassagesOfEntity(entityId: string, limit?: number): Promise<PassageHit[]>;
  /** A document's passages in reading order (the reader page typesets them). */
  getPassagesOfDocument(documentId: string): Promise<Passage[]>;
  /** The whole corpus as a payload (what ranking and search index). */
  readPayload(): Promise<BundlePayload>;
}

/** The corpus's size, as the store records it. */
export function infoOf(b: BundlePayload): CorpusInfo {
  return {
    corpus: b.corpus,
    counts: { documents: b.documents.length, passages: b.passages.length, entities: b.entities.length, mentions: b.mentions.length },
  };
}

/**
 * Ranks the passages that mention an entity: most mentions first, then the newer document, then
 * document order. (The related-coverage ranking replaces this with context-aware ranking.)
 */
export function rankPassageHits(
  mentions: readonly PassageMention[],
  passage: (id: string) => Passage | undefined,
  document: (id: string) => CorpusDocument | undefined,
  limit: number,
): PassageHit[] {
  const counts = new Map<string, number>();
  for (const m of mentions) counts.set(m.passageId, (counts.get(m.passageId) ?? 0) + 1);
  const hits: PassageHit[] = [];
  for (const [id, n] of counts) {
    const p = passage(id);
    const d = p && document(p.documentId);
    if (p && d) hits.push({ passage: p, document: d, mentions: n });
  }
  hits.sort(
    (a, b) =>
      b.mentions - a.mentions ||
      (b.document.published ?? '').localeCompare(a.document.published ?? '') ||
      a.passage.documentId.localeCompare(b.passage.documentId) ||
      a.passage.index - b.passage.index,
  );
  return hits.slice(0, limit);
}

/** A corpus served from a parsed bundle in memory: the fallback when IndexedDB cannot be opened. */
export function createMemoryCorpus(b: BundlePayload): CorpusReader {
  const entities = new Map(b.entities.map((e) => [e.id, e]));
  const documents = new Map(b.documents.map((d) => [d.id, d]));
  const passages = new Map(b.passages.map((p) => [p.id, p]));
  const byEntity = new Map<string, PassageMention[]>();
  for (const m of b.mentions) {
    const list = byEntity.get(m.entityId);
    if (list) list.push(m);
    else byEntity.set(m.entityId, [m]);
  }
  const info = infoOf(b);
  return {
    info: async () => info,
    getEntities: async () => b.entities,
    getEntity: async (id) => entities.get(id),
    getDocument: async (id) => documents.get(id),
    readPayload: async () => b,
    getPassagesOfEntity: async (id, limit = 20) =>
      rankPassageHits(byEntity.get(id) ?? [], (p) => passages.get(p), (d) => documents.get(d), limit),
    getPassagesOfDocument: async (id) => b.passages.filter((p) => p.documentId === id).sort((x, y) => x.index - y.index),
  };
}
