import type { BundlePayload, CorpusDocument, Entity, Passage, PassageMention } from '../../../lib/corpus/schema';
import { tokenize } from '../../../lib/text/tokenize';

/**
 * Synthetic corpora of any size, for the sync tests and the bench: documents of five passages of
 * sixty words from a 5,000-word vocabulary (rank-weighted, as words are), two entity mentions per
 * passage, and the ranking statistics computed as the build computes them.
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ba', 'ko', 'ri', 'ta', 'me', 'su', 'lan', 'dor', 'vi', 'nek', 'pa', 'zu', 'mo', 'gre', 'ish'];
const word = (i: number): string => {
  let w = '';
  for (let n = i + 7; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
  return w;
};
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => word(i));
const ENTITIES: Entity[] = Array.from({ length: 200 }, (_, i) => ({
  id: `entity-${i}`,
  name: `Actor ${word(i + 9000)}`,
  type: 'person',
  description: `A synthetic actor number ${i}.`,
  aliases: [{ text: `Actor ${word(i + 9000)}` }],
}));

function document(n: number, random: () => number, edition = 0): { doc: CorpusDocument; passages: Passage[]; mentions: PassageMention[] } {
  const id = `doc-${n}`;
  const passages: Passage[] = [];
  const mentions: PassageMention[] = [];
  for (let index = 0; index < 5; index++) {
    const words: string[] = [];
    for (let w = 0; w < 60; w++) words.push(VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)]!);
    const names = [ENTITIES[Math.floor(random() * ENTITIES.length)]!, ENTITIES[Math.floor(random() * ENTITIES.length)]!];
    let text = `${names[0]!.name} ${words.slice(0, 30).join(' ')} ${names[1]!.name} ${words.slice(30).join(' ')}${edition ? ` (edition ${edition})` : ''}.`;
    text = text.charAt(0).toUpperCase() + text.slice(1);
    const pid = `${id}#${index}`;
    passages.push({ id: pid, documentId: id, index, text, length: tokenize(text).length });
    const second = text.indexOf(names[1]!.name, names[0]!.name.length);
    mentions.push({ entityId: names[0]!.id, passageId: pid, start: 0, end: names[0]!.name.length });
    if (names[1]!.id !== names[0]!.id || second > 0) mentions.push({ entityId: names[1]!.id, passageId: pid, start: second, end: second + names[1]!.name.length });
  }
  const doc: CorpusDocument = { id, title: `Synthetic report ${n}${edition ? `, edition ${edition}` : ''}`, publisher: 'Synthetic Wire', published: '2026-01-01', sourceFile: `${id}.txt` };
  return { doc, passages, mentions };
}

function withStats(p: Omit<BundlePayload, 'stats'>): BundlePayload {
  const documentFrequency: Record<string, number> = {};
  let total = 0;
  for (const passage of p.passages) {
    const terms = tokenize(passage.text);
    total += terms.length;
    for (const t of new Set(terms)) documentFrequency[t] = (documentFrequency[t] ?? 0) + 1;
  }
  return { ...p, stats: { passages: p.passages.length, averageLength: p.passages.length ? total / p.passages.length : 0, documentFrequency } };
}

/** A synthetic corpus of `documents` documents at `version`. */
export function syntheticCorpus(documents: number, version: number, seed = 1): BundlePayload {
  const random = rng(seed);
  const made = Array.from({ length: documents }, (_, n) => document(n, random));
  return withStats({
    format: 1,
    corpus: { id: 'synthetic', name: 'Synthetic corpus', version, created: '2026-01-01T00:00:00.000Z' },
    documents: made.map((m) => m.doc),
    passages: made.flatMap((m) => m.passages),
    entities: ENTITIES,
    mentions: made.flatMap((m) => m.mentions),
  });
}

/**
 * The next version of a synthetic corpus with `share` of its documents touched: a third removed,
 * a third rewritten, a third added.
 */
export function changeShare(base: BundlePayload, share: number, version: number, seed = 2): BundlePayload {
  const random = rng(seed);
  const touched = Math.max(3, Math.round(base.documents.length * share));
  const third = Math.floor(touched / 3);
  const removed = new Set(base.documents.slice(0, third).map((d) => d.id));
  const rewritten = new Map(base.documents.slice(third, 2 * third).map((d) => [d.id, document(Number(d.id.slice(4)), random, version)]));
  const added = Array.from({ length: touched - 2 * third }, (_, i) => document(base.documents.length + 100_000 * version + i, random));
  const keep = (docId: string): boolean => !removed.has(docId) && !rewritten.has(docId);
  return withStats({
    format: 1,
    corpus: { ...base.corpus, version, created: `2026-02-0${Math.min(version, 9)}T00:00:00.000Z` },
    documents: [...base.documents.filter((d) => !removed.has(d.id)).map((d) => rewritten.get(d.id)?.doc ?? d), ...added.map((a) => a.doc)],
    passages: [...base.passages.filter((p) => keep(p.documentId)), ...[...rewritten.values(), ...added].flatMap((m) => m.passages)],
    entities: base.entities,
    mentions: [...base.mentions.filter((m) => keep(m.passageId.split('#')[0]!)), ...[...rewritten.values(), ...added].flatMap((m) => m.mentions)],
  });
}
