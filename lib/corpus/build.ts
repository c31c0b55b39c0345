import { compileMatcher } from '../match/compile';
import { findMentionsInBlocks } from '../match/blocks';
import { tokenize } from '../text/tokenize';
import { BUNDLE_FORMAT, type BundlePayload, type Catalog, type DocumentSources, type Passage, type PassageMention } from './schema';

/** One source document: its metadata from documents.json and its article text. */
export interface SourceDocument {
  meta: DocumentSources['documents'][number];
  text: string;
}

/** Everything a bundle is built from. */
export interface CorpusSources {
  corpus: DocumentSources['corpus'];
  documents: SourceDocument[];
  catalog: Catalog;
}

const SENTENCE_END = /[.!?…"”’)\]:]$/;

/**
 * Splits an article's text into passages: paragraphs separated by blank lines, without the lines
 * the metadata names as boilerplate, without the title, and without short heading-like lines.
 */
export function splitPassages(text: string, title: string, boilerplate: readonly string[] = []): string[] {
  const drop = new Set([...boilerplate.map((b) => b.trim()), title.trim()]);
  const out: string[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const lines = block.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !drop.has(l));
    const paragraph = lines.join(' ').replace(/\s+/g, ' ').trim();
    if (paragraph === '') continue;
    const words = paragraph.split(' ').length;
    if (words < 8 && !SENTENCE_END.test(paragraph)) continue; // a heading, a byline, a credit
    out.push(paragraph);
  }
  return out;
}

/** Builds a bundle payload: passages, the mentions of each entity in them, and ranking statistics. */
export function buildPayload(sources: CorpusSources, version: number, created: Date): BundlePayload {
  const entities = sources.catalog.entities;
  const matcher = compileMatcher(entities);
  const passages: Passage[] = [];
  const mentions: PassageMention[] = [];
  const documentFrequency: Record<string, number> = {};
  let totalLength = 0;
  for (const { meta, text } of sources.documents) {
    const paragraphs = splitPassages(text, meta.title, meta.boilerplate);
    // Match the whole article at once, so a weak alias is confirmed by the article that names it.
    const found = findMentionsInBlocks(matcher, paragraphs);
    paragraphs.forEach((paragraph, index) => {
      const id = `${meta.id}#${index}`;
      const terms = tokenize(paragraph);
      totalLength += terms.length;
      for (const term of new Set(terms)) documentFrequency[term] = (documentFrequency[term] ?? 0) + 1;
      passages.push({ id, documentId: meta.id, index, text: paragraph, length: terms.length });
      for (const m of found[index]!) mentions.push({ entityId: entities[m.entity]!.id, passageId: id, start: m.start, end: m.end });
    });
  }
  return {
    format: BUNDLE_FORMAT,
    corpus: { id: sources.corpus.id, name: sources.corpus.name, ...(sources.corpus.description ? { description: sources.corpus.description } : {}), version, created: created.toISOString() },
    documents: sources.documents.map(({ meta }) => ({
      id: meta.id,
      title: meta.title,
      ...(meta.publisher ? { publisher: meta.publisher } : {}),
      ...(meta.author ? { author: meta.author } : {}),
      ...(meta.published ? { published: meta.published } : {}),
      ...(meta.url ? { url: meta.url } : {}),
      sourceFile: meta.sourceFile,
    })),
    passages,
    entities,
    mentions,
    stats: { passages: passages.length, averageLength: passages.length ? totalLength / passages.length : 0, documentFrequency },
  };
}
