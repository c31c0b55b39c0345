import type { BundlePayload, CorpusDocument, Entity, Passage, PassageMention } from '../lib/corpus/schema';
import { tokenize } from '../lib/text/tokenize';
import { rng } from './generate';

/**
 * A generated corpus for the ranking benchmark and the store-ranking tests: documents of
 * paragraph-sized passages in a made-up language whose word use follows Zipf's law (a few words
 * everywhere, most words rare, as in news text), each document about a few entities that its
 * passages name (entities too are Zipf-popular: a few are everywhere). Seeded; the ranking
 * statistics are computed from the text exactly as the bundle build computes them.
 */

/** How big a corpus to generate. */
export interface CorpusShape {
  documents: number;
  passagesPerDocument: number;
  entities: number;
  /** Distinct words of the made-up language (default 30,000). */
  vocabulary?: number;
  /** Words per passage, about (default 70). */
  wordsPerPassage?: number;
  seed?: number;
}

const SYLLABLES = 'ba be bi bo bu da de di do du fa fe fi ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve za zi zo'.split(' ');

/** `n` distinct made-up words, shortest first (so that the frequent ones are short, as in real text). */
export function makeWords(n: number, seed: number): string[] {
  const r = rng(seed);
  const seen = new Set<string>();
  const out: string[] = [];
  let syllables = 2;
  let misses = 0;
  while (out.length < n) {
    let w = '';
    for (let i = 0; i < syllables; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    if (seen.has(w)) {
      if (++misses > 50) syllables++;
      continue;
    }
    misses = 0;
    seen.add(w);
    out.push(w);
  }
  return out;
}

/** A Zipf-like pick from 0…n-1 (log-uniform: item k is about 1/(k+1) as likely as item 0). */
export const zipf = (r: () => number, n: number): number => Math.min(n - 1, Math.floor(Math.exp(r() * Math.log(n + 1))) - 1);

const capital = (w: string): string => w[0]!.toUpperCase() + w.slice(1);

/** Generates a corpus of the given shape as a bundle payload (valid against the bundle schema). */
export function generateCorpus(shape: CorpusShape): BundlePayload {
  const seed = shape.seed ?? 1;
  const r = rng(seed);
  const words = makeWords(shape.vocabulary ?? 30_000, seed + 1);
  const names = makeWords(shape.entities * 2 + 10, seed + 2).map((w) => `${capital(w)}x`);
  const entities: Entity[] = Array.from({ length: shape.entities }, (_, i) => {
    const name = `${names[2 * i]} ${names[2 * i + 1]}`;
    return { id: `e-${i}`, name, type: 'person', description: `${name}, a generated entity.`, aliases: [{ text: name }] };
  });
  const documents: CorpusDocument[] = [];
  const passages: Passage[] = [];
  const mentions: PassageMention[] = [];
  const documentFrequency: Record<string, number> = {};
  let totalLength = 0;
  const perPassage = shape.wordsPerPassage ?? 70;
  for (let d = 0; d < shape.documents; d++) {
    const id = `d-${d}`;
    const year = 2003 + Math.floor(r() * 23);
    const month = 1 + Math.floor(r() * 12);
    documents.push({ id, title: `Document ${d}: ${capital(words[zipf(r, words.length)]!)}`, published: `${year}-${String(month).padStart(2, '0')}`, sourceFile: `${id}.txt` });
    // A document is about a few entities, and has a few words of its own that it uses a lot.
    const topics = Array.from({ length: 2 + Math.floor(r() * 4) }, () => entities[zipf(r, entities.length)]!);
    const ownWords = Array.from({ length: 8 }, () => words[Math.floor(r() * words.length)]!);
    for (let i = 0; i < shape.passagesPerDocument; i++) {
      const pid = `${id}#${i}`;
      let text = '';
      const length = perPassage + Math.floor((r() - 0.5) * perPassage * 0.6);
      let sentence = 0;
      for (let w = 0; w < length; w++) {
        if (r() < 0.025) {
          const e = topics[Math.floor(r() * topics.length)]!;
          if (text) text += ' ';
          mentions.push({ entityId: e.id, passageId: pid, start: text.length, end: text.length + e.name.length });
          text += e.name;
        } else {
          let word = r() < 0.08 ? ownWords[Math.floor(r() * ownWords.length)]! : words[zipf(r, words.length)]!;
          if (sentence === 0) word = capital(word);
          text += (text ? ' ' : '') + word;
        }
        sentence++;
        if (sentence > 8 && r() < 0.12) {
          text += '.';
          sentence = 0;
        }
      }
      text += '.';
      const terms = tokenize(text);
      totalLength += terms.length;
      for (const t of new Set(terms)) documentFrequency[t] = (documentFrequency[t] ?? 0) + 1;
      passages.push({ id: pid, documentId: id, index: i, text, length: terms.length });
    }
  }
  return {
    format: 1,
    corpus: { id: 'generated', name: 'Generated corpus', version: 1, created: new Date(Date.UTC(2026, 0, 1)).toISOString() },
    documents,
    passages,
    entities,
    mentions,
    stats: { passages: passages.length, averageLength: passages.length ? totalLength / passages.length : 0, documentFrequency },
  };
}

/**
 * A paragraph such as a news page might have around a mention of `entityId`: some words of one of
 * the corpus passages that name it (or none, with `offTopic`), common words, and other entities.
 */
export function generateContext(
  corpus: BundlePayload,
  entityId: string,
  seed: number,
  options: { offTopic?: boolean } = {},
): { text: string; entityIds: string[] } {
  const r = rng(seed);
  const of = corpus.mentions.filter((m) => m.entityId === entityId);
  const entity = corpus.entities.find((e) => e.id === entityId)!;
  const sourceId = of.length && !options.offTopic ? of[Math.floor(r() * of.length)]!.passageId : undefined;
  const source = (sourceId && corpus.passages.find((p) => p.id === sourceId)) || corpus.passages[Math.floor(r() * corpus.passages.length)]!;
  const borrowed = source.text.split(' ').filter(() => r() < 0.4);
  const other = corpus.entities[zipf(r, corpus.entities.length)]!;
  const text = `${entity.name} ${borrowed.slice(0, 20).join(' ')} ${other.name} ${borrowed.slice(20).join(' ')}`;
  return { text, entityIds: [...new Set([entityId, other.id])] };
}
