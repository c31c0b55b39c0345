import { tokenize } from '../text/tokenize';
import type { CorpusDocument, Passage, PassageMention } from './schema';

/**
 * The compact data ranking reads, the same for the memory index and the IndexedDB store (which
 * writes it at import): the passage table, numbering passages and documents, and per term and per
 * entity a posting list of passage ordinals in typed arrays.
 */

/** A posting list: passage ordinals (see `PassageTable`) in increasing order and, at the same positions, counts. */
export interface Postings {
  passages: Uint32Array;
  counts: Uint8Array | Uint16Array | Uint32Array;
}

/** An empty posting list. */
export const NO_POSTINGS: Postings = { passages: new Uint32Array(0), counts: new Uint8Array(0) };

/**
 * The passages and documents of one corpus version, numbered, with what scoring needs of each:
 * postings and entity lists refer to passages by their ordinal here. A patch leaves holes
 * (`ids[o] === ''`) where it removed passages, and appends the passages it adds.
 */
export interface PassageTable {
  /** Passage id by ordinal ('' where the passage was removed). */
  ids: string[];
  /** Document ordinal by passage ordinal. */
  documents: Uint32Array;
  /** Position in its document, by passage ordinal. */
  positions: Uint32Array;
  /** Number of index terms, by passage ordinal. */
  lengths: Uint32Array;
  /** Document id by document ordinal. */
  documentIds: string[];
  /** Each document's date ('' when it has none), or null where the document is not in the corpus. */
  published: (string | null)[];
}

/** Whether passage `o` is in the corpus, and its document too. */
export const present = (table: PassageTable, o: number): boolean => table.ids[o] !== '' && (table.published[table.documents[o]!] ?? null) !== null;

/** Counts in the smallest typed array that holds them. */
export function packCounts(counts: readonly number[]): Postings['counts'] {
  const max = counts.reduce((m, c) => Math.max(m, c), 0);
  return max < 256 ? Uint8Array.from(counts) : max < 65_536 ? Uint16Array.from(counts) : Uint32Array.from(counts);
}

/** The table of `passages` (numbered in the order given) and `documents`, plus the documents only passages name. */
export function tableFrom(passages: readonly Pick<Passage, 'id' | 'documentId' | 'index' | 'length'>[], documents: readonly Pick<CorpusDocument, 'id' | 'published'>[]): PassageTable {
  const documentIds = documents.map((d) => d.id);
  const published: (string | null)[] = documents.map((d) => d.published ?? '');
  const ordinal = new Map(documentIds.map((id, i) => [id, i]));
  const documentOf = (id: string): number => ordinal.get(id) ?? (ordinal.set(id, documentIds.push(id) - 1), published.push(null), documentIds.length - 1);
  return {
    ids: passages.map((p) => p.id),
    documents: Uint32Array.from(passages, (p) => documentOf(p.documentId)),
    positions: Uint32Array.from(passages, (p) => p.index),
    lengths: Uint32Array.from(passages, (p) => p.length),
    documentIds,
    published,
  };
}

/** Each term's postings over `passages` (ordinals are positions in that list): the terms `tokenize` finds in the text, and how often. */
export function buildPostings(passages: readonly (Pick<Passage, 'text'> | undefined)[], first = 0): Map<string, Postings> {
  const lists = new Map<string, { passages: number[]; counts: number[] }>();
  passages.forEach((p, i) => {
    if (!p) return;
    for (const [t, n] of termCounts(p.text)) {
      const list = lists.get(t);
      if (list) {
        list.passages.push(first + i);
        list.counts.push(n);
      } else lists.set(t, { passages: [first + i], counts: [n] });
    }
  });
  return new Map([...lists].map(([t, l]) => [t, { passages: Uint32Array.from(l.passages), counts: packCounts(l.counts) }]));
}

/** Each entity's list of the passages that mention it (ordinals from `ordinal`; mentions of unknown passages are left out), and how often. */
export function buildEntityPostings(mentions: Iterable<Pick<PassageMention, 'entityId' | 'passageId'>>, ordinal: (passageId: string) => number | undefined): Map<string, Postings> {
  const counts = new Map<string, Map<number, number>>();
  for (const m of mentions) {
    const o = ordinal(m.passageId);
    if (o === undefined) continue;
    const list = counts.get(m.entityId) ?? counts.set(m.entityId, new Map()).get(m.entityId)!;
    list.set(o, (list.get(o) ?? 0) + 1);
  }
  return new Map([...counts].map(([e, list]) => [e, sortedPostings(list)]));
}

/** A posting list from ordinal → count, in ordinal order. */
export function sortedPostings(list: ReadonlyMap<number, number>): Postings {
  const passages = Uint32Array.from(list.keys()).sort();
  return { passages, counts: packCounts(Array.from(passages, (o) => list.get(o)!)) };
}

/** Position of `value` in the sorted `list` at or after `from`, or -1. */
export function find(list: Uint32Array, value: number, from = 0): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length && list[lo] === value ? lo : -1;
}

/**
 * Calls `hit(i, j)` for each ordinal that both sorted lists hold (`a[i] === b[j]`): a merge, or
 * binary searches in `b` when `a` is much shorter.
 */
export function intersect(a: Uint32Array, b: Uint32Array, hit: (i: number, j: number) => void): void {
  if (a.length * 16 < b.length) {
    let from = 0;
    for (let i = 0; i < a.length; i++) {
      const j = find(b, a[i]!, from);
      if (j >= 0) {
        hit(i, j);
        from = j + 1;
      }
    }
    return;
  }
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else hit(i++, j++);
  }
}

/** The `limit` best of items 0…n-1 by `compare` (negative: first is better), best first; as a stable sort would give them. */
export function best(n: number, limit: number, compare: (a: number, b: number) => number): number[] {
  const top: number[] = [];
  if (limit <= 0) return top;
  for (let i = 0; i < n; i++) {
    if (top.length === limit && compare(i, top[limit - 1]!) >= 0) continue;
    let at = top.length;
    while (at > 0 && compare(i, top[at - 1]!) < 0) at--;
    top.splice(at, 0, i);
    if (top.length > limit) top.pop();
  }
  return top;
}

/** How often each index term occurs in `text`. */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
