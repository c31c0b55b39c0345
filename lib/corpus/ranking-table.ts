import { tokenize } from '../text/tokenize';
import type { CorpusDocument, Passage, PassageMention } from './schema';

/**
 * The compact data ranking reads, the same for the memory index and the IndexedDB store (which
 * writes it at import): the passage table, numbering passages and documents, and per term and per
 * entity a posting list of passage ordinals in typed arrays.
 */

/**
 * A posting list: passage ordinals (see `PassageTable`) in increasing order and, at the same
 * positions, counts; or, for a list that holds so many passages that this is smaller (a common
 * word's), `dense`: `counts` holds the count of every passage by ordinal (0: absent) and
 * `passages` is empty. Read them with the functions below.
 */
export interface Postings {
  passages: Uint32Array;
  counts: Uint8Array | Uint16Array | Uint32Array;
  /** How many passages the list holds. */
  size: number;
  dense?: true;
}

/** An empty posting list. */
export const NO_POSTINGS: Postings = { passages: new Uint32Array(0), counts: new Uint8Array(0), size: 0 };

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
export function packCounts(counts: ArrayLike<number>): Postings['counts'] {
  let max = 0;
  for (let i = 0; i < counts.length; i++) max = Math.max(max, counts[i]!);
  return max < 256 ? Uint8Array.from(counts) : max < 65_536 ? Uint16Array.from(counts) : Uint32Array.from(counts);
}

/**
 * A posting list of `passages` (increasing ordinals) and their `counts`, dense where that is smaller
 * for a table of `n` passages (and every count fits a byte).
 */
export function packPostings(passages: Uint32Array, counts: ArrayLike<number>, n: number): Postings {
  const packed = packCounts(counts);
  if (packed.BYTES_PER_ELEMENT > 1 || passages.byteLength + packed.byteLength <= n) return { passages, counts: packed, size: passages.length };
  const dense = new Uint8Array(n);
  passages.forEach((o, j) => (dense[o] = counts[j]!));
  return { passages: new Uint32Array(0), counts: dense, size: passages.length, dense: true };
}

/** Lists of at most this many passages are kept together in one `SmallLists` (about 5 bytes an entry)… */
export const SMALL_LIST_MAX = 64;
/** …up to this many entries in all, shortest lists first. */
export const SMALL_LISTS_MAX_ENTRIES = 1_000_000;

/**
 * Many short posting lists in one: `terms[i]`'s passages are `passages[starts[i]…starts[i+1]]`,
 * with their counts at the same positions. A query finds most of its (rare, telling) terms here.
 */
export interface SmallLists {
  terms: string[];
  starts: Uint32Array;
  passages: Uint32Array;
  counts: Postings['counts'];
}

/** Packs `lists` (term → list) into one `SmallLists`. */
export function packSmallLists(lists: ReadonlyMap<string, Postings>): SmallLists {
  const terms = [...lists.keys()];
  const starts = new Uint32Array(terms.length + 1);
  terms.forEach((t, i) => (starts[i + 1] = starts[i]! + lists.get(t)!.size));
  const passages = new Uint32Array(starts[terms.length]!);
  const counts = new Uint32Array(passages.length);
  terms.forEach((t, i) => {
    const list = sparse(lists.get(t)!);
    passages.set(list.passages, starts[i]);
    counts.set(list.counts, starts[i]);
  });
  return { terms, starts, passages, counts: packCounts(counts) };
}

/** The lists of a `SmallLists`, by term (views on its arrays). */
export function unpackSmallLists(small: SmallLists | undefined): Map<string, Postings> {
  const out = new Map<string, Postings>();
  small?.terms.forEach((t, i) => {
    const from = small.starts[i]!;
    const to = small.starts[i + 1]!;
    out.set(t, { passages: small.passages.subarray(from, to), counts: small.counts.subarray(from, to), size: to - from });
  });
  return out;
}

/** Which of `lists` go into the `SmallLists`: the shortest (at most SMALL_LIST_MAX passages), up to SMALL_LISTS_MAX_ENTRIES entries in all. */
export function smallListTerms(lists: ReadonlyMap<string, Postings>): Set<string> {
  const short = [...lists].filter(([, l]) => l.size <= SMALL_LIST_MAX).sort(([a, x], [b, y]) => x.size - y.size || (a < b ? -1 : 1));
  const out = new Set<string>();
  let entries = 0;
  for (const [t, l] of short) {
    if (entries + l.size > SMALL_LISTS_MAX_ENTRIES) break;
    entries += l.size;
    out.add(t);
  }
  return out;
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

/** Each term's postings over `passages` (ordinals are positions in that list, plus `first`): the terms `tokenize` finds in the text, and how often. */
export function buildPostings(passages: readonly (Pick<Passage, 'text'> | undefined)[], first = 0): Map<string, Postings> {
  // Terms numbered as met; each passage's terms as numbers in one flat array.
  const numbers = new Map<string, number>();
  const terms: string[] = [];
  const starts = new Uint32Array(passages.length + 1);
  let flat = new Uint32Array(1024);
  let at = 0;
  passages.forEach((p, i) => {
    for (const t of p ? tokenize(p.text) : []) {
      let n = numbers.get(t);
      if (n === undefined) numbers.set(t, (n = terms.push(t) - 1));
      if (at === flat.length) {
        const grown = new Uint32Array(flat.length * 2);
        grown.set(flat);
        flat = grown;
      }
      flat[at++] = n;
    }
    starts[i + 1] = at;
  });
  // Two passes over them: how many passages each term is in, then each term's passages and counts.
  const lastSeen = new Int32Array(terms.length).fill(-1);
  const sizes = new Uint32Array(terms.length);
  const each = (fn: (n: number, i: number, again: boolean) => void): void => {
    lastSeen.fill(-1);
    for (let i = 0; i < passages.length; i++) {
      for (let k = starts[i]!; k < starts[i + 1]!; k++) {
        const n = flat[k]!;
        fn(n, i, lastSeen[n] === i);
        lastSeen[n] = i;
      }
    }
  };
  each((n, _, again) => {
    if (!again) sizes[n] = sizes[n]! + 1;
  });
  // Every term's passages and counts in two flat arrays, term after term.
  const offsets = new Uint32Array(terms.length + 1);
  for (let n = 0; n < terms.length; n++) offsets[n + 1] = offsets[n]! + sizes[n]!;
  const ordinals = new Uint32Array(offsets[terms.length]!);
  const counts = new Uint32Array(ordinals.length);
  const next = offsets.slice(0, terms.length);
  each((n, i, again) => {
    if (!again) {
      ordinals[next[n]!] = first + i;
      next[n] = next[n]! + 1;
    }
    const j = next[n]! - 1;
    counts[j] = counts[j]! + 1;
  });
  const total = first + passages.length;
  return new Map(terms.map((t, n) => [t, packPostings(ordinals.slice(offsets[n], offsets[n + 1]), counts.subarray(offsets[n], offsets[n + 1]), total)]));
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

/** A posting list from ordinal → count (dense where that is smaller for a table of `n` passages; never when `n` is 0). */
export function sortedPostings(list: ReadonlyMap<number, number>, n = 0): Postings {
  const passages = Uint32Array.from(list.keys()).sort();
  return packPostings(passages, Array.from(passages, (o) => list.get(o)!), n || Infinity);
}

/** Passage `o`'s count in `list` (0: absent). */
export function countIn(list: Postings, o: number): number {
  if (list.dense) return list.counts[o] ?? 0;
  const j = find(list.passages, o);
  return j < 0 ? 0 : list.counts[j]!;
}

/** `list` as ordinals and counts at the same positions (a dense list unpacked). */
export function sparse(list: Postings): Pick<Postings, 'passages' | 'counts'> {
  if (!list.dense) return list;
  const passages = new Uint32Array(list.size);
  const counts = new Uint8Array(list.size);
  let j = 0;
  list.counts.forEach((c, o) => {
    if (!c) return;
    passages[j] = o;
    counts[j++] = c;
  });
  return { passages, counts };
}

/** Calls `fn` with each passage of `list` and its count, in ordinal order. */
export function forEachPassage(list: Postings, fn: (o: number, count: number) => void): void {
  if (list.dense) {
    list.counts.forEach((c, o) => c && fn(o, c));
    return;
  }
  list.passages.forEach((o, j) => fn(o, list.counts[j]!));
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
 * Calls `hit(i, count)` for each passage `a[i]` (increasing ordinals) that `list` holds, with its
 * count there: lookups in a dense list, else a merge, or binary searches when `a` is much shorter.
 */
export function intersect(a: Uint32Array, list: Postings, hit: (i: number, count: number) => void): void {
  const b = list.passages;
  if (list.dense) {
    for (let i = 0; i < a.length; i++) {
      const c = list.counts[a[i]!] ?? 0;
      if (c) hit(i, c);
    }
    return;
  }
  if (a.length * 16 < b.length) {
    let from = 0;
    for (let i = 0; i < a.length; i++) {
      const j = find(b, a[i]!, from);
      if (j >= 0) {
        hit(i, list.counts[j]!);
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
    else hit(i++, list.counts[j++]!);
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
