import { isWordUnit, normalize, PHRASE_DASH } from '../text/normalize';
import { wordsOf } from '../text/tokenize';
import givenNamesData from './given-names.json';
import { expandPattern } from './pattern';

/** What the matcher needs to know of one catalog entity. */
export interface MatchableEntity {
  readonly aliases: readonly { readonly text: string; readonly weak?: boolean; readonly acronym?: boolean; readonly place?: boolean }[];
  /** Words that, near a weak alias, confirm that it names this entity. */
  readonly context?: readonly string[];
  /**
   * Words that, close to a weak alias, say it names something else ("the goddess Isis", "Senator
   * Warren"), whatever else the page names: compiled as context words of entity -2 - its index.
   */
  readonly against?: readonly string[];
  /** Phrases that contain an alias but name something else ("Battle of Badr"): never a mention. */
  readonly blockers?: readonly string[];
}

/** The entity number under which entity `index`'s `against` words are compiled (and found) as context words. */
export const againstOf = (index: number): number => -2 - index;

/** Flags of one compiled pattern. */
export const enum PatternFlag {
  Weak = 1,
  Acronym = 2,
  /** A context word: evidence for its entity, never a mention. */
  Context = 4,
  /** A blocker: consumes its span, never a mention. */
  Blocker = 8,
  /** The next pattern has the same key (a key's patterns are numbered one after another). */
  More = 16,
  /**
   * A given name ("Hunter"), of entity -1: never a mention; a weak alias right after it names
   * someone else ("Hunter Biden"). An entity's own given names before its weak aliases are compiled
   * as weak aliases too ("Haider Abadi"), so they are read as one name.
   */
  Given = 32,
  /**
   * A place that stands for its state (Washington, London, the Kremlin): no mention where it is the
   * scene ("talks in London", "flew to Washington") or a dateline's or byline's place (see find.ts).
   */
  Place = 64,
  /**
   * Set by the scan, never compiled: a weak alias (no acronym) found in a line of capitals, where
   * case says nothing; it counts only where its entity is named by a strong alias (see find.ts).
   */
  Capitals = 128,
}

/**
 * A gazetteer compiled into typed arrays: a double-array trie over normalised pattern text.
 *
 * Characters are first mapped to a dense alphabet (codes from 2, see `alphabet`). Node s's child by
 * code a is slot t = base(s) + a, valid when check(t) = s; base and check of slot s sit side by side in `da` (`da[2s]`, `da[2s+1]`), so a step touches one place in memory. The root is
 * slot 0. A node where patterns end has a child by code 0 whose base is -(p + 1): its patterns are p,
 * p + 1, … for as long as the one before has the flag `More` (patterns are numbered in key order, so
 * each key's are contiguous, and the walk reads no list of lists before the patterns themselves).
 * Plain data, so it can be cloned, sent and stored (see serializeMatcher in store.ts).
 */
export interface CompiledMatcher {
  /** Base and check of every slot, interleaved. */
  readonly da: Int32Array;
  /**
   * The alphabet: `alphabet[a - 2]` is the normalised character with code a. Characters that are part
   * of a word come first (codes 2 .. wordCodes + 1), then the others (space, punctuation).
   * Code 1 stands for any character in no pattern: no node has a child by it.
   */
  readonly alphabet: Uint16Array;
  readonly wordCodes: number;
  /**
   * Tails: where at most BUCKET_KEYS keys go on from a node, the rest of each is stored here instead
   * of as trie nodes, read in sequence (so the end of a name costs few jumps in memory). A node whose
   * base is -(T + 1) has its bucket at T: the bucket's length in u16 after this one, then one record
   * per key in the order of their alphabet codes: the number of codes it shares with the record
   * before it, its length L, L alphabet codes, and the key's first pattern, then that pattern's two
   * numbers from `patterns` (each of these three as two u16: low, high), so that a found name
   * usually needs no read of `patterns`.
   */
  readonly tails: Uint16Array;
  /**
   * Two numbers per pattern, side by side so one read fetches both: its entity's index, then its
   * flags (PatternFlag, low 8 bits) | what case asks << 8: for an acronym, a bit per normalised
   * character that is a capital in it (0: none may be lower case, as for acronyms longer than
   * ACRONYM_MASK_BITS); otherwise the normalised index of its first capital + 1 (0: none).
   */
  readonly patterns: Int32Array;
  readonly entityCount: number;
  /** The longest pattern, in normalised characters. */
  readonly maxLength: number;
  /**
   * A bit set over hashes (see wordHash) of every pattern's first word, as alphabet codes: a text word
   * whose bit is clear starts no pattern, so the scan does not walk the trie from it.
   */
  readonly firstWords: Int32Array;
  /**
   * A bit set over pair hashes (see pairHash): for each pattern whose first word is followed by a
   * space and a second word, the pair of their word hashes; for each first word that is a pattern
   * on its own or is followed by anything else, the pair of its hash and SOLE. A text word whose
   * first-word bit is set but whose SOLE pair is not starts patterns of two words or more only: the
   * scan walks from it only if the word after it makes a pair in this set ("the" is walked before
   * "fall", not before "minister").
   */
  readonly pairs: Int32Array;
  /**
   * Per UTF-16 code unit of input text, what the scan does with it (see classes() in find.ts):
   * 0 until first seen, then its alphabet code or a special class. Filled as text is matched.
   */
  readonly cls: Uint16Array;
}

/** How many characters of an acronym its capitals mask covers (the bits of an info word above its flags). */
export const ACRONYM_MASK_BITS = 23;

/** Whether `s` has two letters or more, all capitals. */
function inCapitals(s: string): boolean {
  const letters = s.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}

/**
 * Compiles the entities' aliases, context words and blockers into a matcher, with `givenNames`
 * (single words, capitalised; by default given-names.json's) as patterns of the flag Given.
 */
export function compileMatcher(entities: readonly MatchableEntity[], givenNames: readonly string[] = givenNamesData.names): CompiledMatcher {
  // (The list is read here, not at module level, so a bundle that imports this module for a
  // constant, as the content script does through blocks.ts, leaves the list out.)
  const keys: string[] = [];
  const pEntity: number[] = [];
  const pFlags: number[] = [];
  const pCased: number[] = [];

  const add = (entity: number, pattern: string, kind: number): void => {
    for (const literal of expandPattern(pattern)) {
      // A context word in capitals (US, PM, ISIS) is an acronym: "us" and "pm" say nothing. So is a
      // blocker in capitals: "ABOUT US" blocks a menu's link, not "talked about US troops".
      const flags = kind & (PatternFlag.Context | PatternFlag.Blocker) && inCapitals(literal) ? kind | PatternFlag.Acronym : kind;
      const { text, map } = normalize(literal);
      const key = text.trim();
      if (key === '') continue;
      // (a dash between spaces parts two phrases in text, so no name may hold one: find.ts never walks across it)
      if (key.includes(String.fromCharCode(PHRASE_DASH))) throw new Error(`The name "${literal}" holds a dash between spaces, which parts two phrases: write the dash without spaces.`);
      // What case asks of the text (see CompiledMatcher.patterns): an acronym, the capitals it has
      // ("DoD", "PMUs"); another alias, its first capital.
      let cased = 0;
      if (flags & PatternFlag.Acronym) {
        for (let k = 0; k < key.length && key.length <= ACRONYM_MASK_BITS; k++) {
          const ch = literal[map[k]!]!;
          if (ch !== ch.toLowerCase()) cased |= 1 << k;
        }
      } else if (!(flags & PatternFlag.Blocker)) {
        for (let k = 0; k < key.length; k++) {
          const ch = literal[map[k]!]!;
          if (ch !== ch.toLowerCase()) {
            cased = k + 1;
            break;
          }
        }
      }
      keys.push(key);
      pEntity.push(entity);
      pFlags.push(flags);
      pCased.push(cased);
    }
  };

  const givenKeys = new Map<string, string>(); // normalised key -> the name as listed
  for (const name of givenNames) {
    const key = normalize(name).text.trim();
    if (key !== '' && !givenKeys.has(key)) givenKeys.set(key, name);
  }
  entities.forEach((e, index) => {
    const from = keys.length;
    for (const a of e.aliases) add(index, a.text, (a.weak ? PatternFlag.Weak : 0) | (a.acronym ? PatternFlag.Acronym : 0) | (a.place ? PatternFlag.Place : 0));
    const to = keys.length;
    // The entity's own given names ("Haider" in "Haider al-Abadi") before one of its weak aliases are
    // that alias still: "Haider Abadi" is a weak alias of its own, so no given name stands before "Abadi".
    let weak = false;
    for (let p = from; p < to; p++) if ((pFlags[p]! & (PatternFlag.Weak | PatternFlag.Acronym)) === PatternFlag.Weak) weak = true;
    if (weak && givenKeys.size) {
      const own = new Set<string>();
      for (let p = from; p < to; p++) for (const w of wordsOf(keys[p]!)) if (givenKeys.has(w)) own.add(w);
      const mine = new Set(keys.slice(from, to));
      for (let p = from; p < to; p++) {
        if ((pFlags[p]! & (PatternFlag.Weak | PatternFlag.Acronym)) !== PatternFlag.Weak) continue;
        for (const w of own) {
          const combo = `${w} ${keys[p]}`;
          if (mine.has(combo)) continue;
          mine.add(combo);
          keys.push(combo);
          pEntity.push(index);
          pFlags.push(PatternFlag.Weak);
          pCased.push(1); // the given name's capital, at 0
        }
      }
    }
    for (const c of e.context ?? []) add(index, c, PatternFlag.Context);
    for (const c of e.against ?? []) add(againstOf(index), c, PatternFlag.Context);
    for (const b of e.blockers ?? []) add(index, b, PatternFlag.Blocker);
  });
  for (const name of givenKeys.values()) add(-1, name, PatternFlag.Given);

  const trie = buildDoubleArray(keys, (p) => [pEntity[p]!, pFlags[p]! | (pCased[p]! << 8)]);
  return { ...trie, entityCount: entities.length };
}

/**
 * A node with at most this many keys below it keeps their rests in one bucket of `tails` rather than
 * as trie nodes (see CompiledMatcher.tails): fewer scattered nodes to read on a walk.
 */
const BUCKET_KEYS = 8;

/** The starting value of wordHash. */
export const WORD_HASH_SEED = 0x811c9dc5 | 0;

/** One step of the word hash (FNV-1a over alphabet codes): the hash of a word then code `a`. */
export function wordHash(h: number, a: number): number {
  return Math.imul(h ^ a, 0x01000193);
}

/** The second hash of a first word's SOLE pair (see CompiledMatcher.pairs). */
export const SOLE = 0;

/** The hash of two words' hashes (see CompiledMatcher.pairs); its top bits pick the bit in `pairs`. */
export function pairHash(h1: number, h2: number): number {
  return Math.imul(h1 ^ Math.imul((h2 << 13) | (h2 >>> 19), 0x5bd1e995), 0x9e3779b1);
}

/** A bit set of about `density` bits per hash, a power of two from 2^12 to 2^24 bits, with each hash's top bits set. */
function hashSet(hashes: ReadonlySet<number>, density: number): Int32Array {
  let bits = 12;
  while (bits < 24 && 1 << bits < hashes.size * density) bits++;
  const set = new Int32Array((1 << bits) >>> 5);
  for (const h of hashes) {
    const bit = h >>> (32 - bits);
    set[bit >>> 5]! |= 1 << (bit & 31);
  }
  return set;
}

/** The bit of `firstWords` for word hash h: the hash's top bits (as many as the set has). */
export function firstWordBit(firstWords: Int32Array, h: number): number {
  return h >>> (32 - Math.log2(firstWords.length * 32));
}

/** The alphabet table for an alphabet list: character → code (from 2), 0 elsewhere. */
export function alphaTable(alphabet: Uint16Array): Uint16Array {
  const alpha = new Uint16Array(0x10000);
  for (let a = 0; a < alphabet.length; a++) alpha[alphabet[a]!] = a + 2;
  return alpha;
}

type Trie = Pick<CompiledMatcher, 'da' | 'alphabet' | 'wordCodes' | 'tails' | 'maxLength' | 'cls' | 'firstWords' | 'pairs' | 'patterns'>;

/** Orders code lists as words in a dictionary (a list before those it starts). */
function compareCodes(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < a.length && k < b.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}

/**
 * Builds the double array over `keys` (pattern i has key keys[i]; equal keys share a node), with
 * the patterns table: `info(i)` gives pattern i's entity and its info but for the flag More.
 */
function buildDoubleArray(keys: readonly string[], info: (pattern: number) => [number, number]): Trie {
  // Alphabet: every character of every key, the most frequent first (small codes pack densely).
  const freq = new Float64Array(0x10000);
  let maxLength = 0;
  for (const k of keys) {
    for (let i = 0; i < k.length; i++) freq[k.charCodeAt(i)]!++;
    if (k.length > maxLength) maxLength = k.length;
  }
  const used: number[] = [];
  for (let c = 0; c < 0x10000; c++) if (freq[c]! > 0) used.push(c);
  used.sort((a, b) => Number(isWordUnit(b)) - Number(isWordUnit(a)) || freq[b]! - freq[a]! || a - b);
  const alphabet = Uint16Array.from(used);
  const wordCodes = used.filter((c) => isWordUnit(c)).length;
  const alpha = alphaTable(alphabet);
  const K = alphabet.length + 1; // the highest code

  // Keys in code-unit order (the default sort, with no callback, is the fast one); equal keys share
  // one output list, their patterns in the caller's order.
  const byKey = new Map<string, number[]>();
  keys.forEach((k, p) => {
    const list = byKey.get(k);
    if (list) list.push(p);
    else byKey.set(k, [p]);
  });
  const unique = [...byKey.keys()].sort();
  const order: number[] = [];
  const firstPattern = new Int32Array(unique.length); // per key, its first compiled pattern
  const more = new Uint8Array(keys.length);
  unique.forEach((k, u) => {
    firstPattern[u] = order.length;
    const list = byKey.get(k)!;
    for (let j = 0; j < list.length; j++) {
      if (j > 0) more[order.length - 1] = 1; // (a typed array's fill() per key costs more than the whole loop)
      order.push(list[j]!);
    }
  });
  const patterns = new Int32Array(2 * order.length);
  order.forEach((p, i) => {
    const [entity, flags] = info(p);
    patterns[2 * i] = entity;
    patterns[2 * i + 1] = flags | (more[i] ? PatternFlag.More : 0);
  });

  // First words: about 16 bits per distinct first word (not per key: many keys share one, as
  // names share a first name), a power of two from 2^12 to 2^24 bits: at 100,000 generated aliases
  // 1 KB, where sizing by keys made it 256 KB of the stored form (matching speed measured the same).
  // Pairs: a key's first two words where a space joins them; SOLE for a first word that ends a key or
  // is followed by anything else.
  const firstHashes = new Set<number>();
  const pairHashes = new Set<number>();
  for (const key of unique) {
    let h = WORD_HASH_SEED;
    let i = 0;
    for (; i < key.length && isWordUnit(key.charCodeAt(i)); i++) h = wordHash(h, alpha[key.charCodeAt(i)]!);
    firstHashes.add(h);
    if (key.charCodeAt(i) === 0x20 && i + 1 < key.length && isWordUnit(key.charCodeAt(i + 1))) {
      let h2 = WORD_HASH_SEED;
      for (i++; i < key.length && isWordUnit(key.charCodeAt(i)); i++) h2 = wordHash(h2, alpha[key.charCodeAt(i)]!);
      pairHashes.add(pairHash(h, h2));
    } else pairHashes.add(pairHash(h, SOLE));
  }
  // (8 bits a pair: a false positive costs one walk, and the stored form of a small catalog is
  // mostly its given names, each a pair with SOLE.)
  const firstWords = hashSet(firstHashes, 16);
  const pairs = hashSet(pairHashes, 8);

  // The double array, with a doubly linked list of free slots (check = -1) to place children fast.
  let cap = 1024;
  let da = new Int32Array(2 * cap).fill(-1);
  let next = new Int32Array(cap);
  let prev = new Int32Array(cap);
  const linkFree = (from: number, to: number): void => {
    for (let s = from; s < to; s++) {
      next[s] = s + 1 < to ? s + 1 : -1;
      prev[s] = s - 1 >= from ? s - 1 : -1;
    }
  };
  linkFree(1, cap);
  let head = 1;
  let tail = cap - 1;
  da[1] = -2; // the root's check: no parent (never -1, which means free)
  const grow = (need: number): void => {
    let n = cap;
    while (n <= need) n *= 2;
    const d = new Int32Array(2 * n).fill(-1);
    d.set(da);
    da = d;
    const nx = new Int32Array(n);
    nx.set(next);
    next = nx;
    const pv = new Int32Array(n);
    pv.set(prev);
    prev = pv;
    linkFree(cap, n);
    if (tail >= 0) next[tail] = cap;
    prev[cap] = tail;
    if (head < 0) head = cap;
    tail = n - 1;
    cap = n;
  };
  const take = (s: number): void => {
    const p = prev[s]!;
    const q = next[s]!;
    if (p >= 0) next[p] = q;
    else head = q;
    if (q >= 0) prev[q] = p;
    else tail = p;
  };

  // Depth-first over key ranges: node `slot` stands for keys[lo..hi), which share `depth` characters.
  const codes = new Int32Array(K + 1);
  const starts = new Int32Array(K + 2);
  const stack: number[] = unique.length ? [0, 0, unique.length, 0] : [];
  const tails: number[] = [];
  while (stack.length) {
    const depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    const slot = stack.pop()!;
    if (depth > 0 && hi - lo <= BUCKET_KEYS) {
      // Few keys left: their rests go to one bucket, read in sequence.
      const at = tails.length;
      da[2 * slot] = -(at + 1);
      tails.push(0);
      const rests: { codes: number[]; pattern: number }[] = [];
      for (let u = lo; u < hi; u++) {
        const k = unique[u]!;
        const codes: number[] = [];
        for (let c = depth; c < k.length; c++) codes.push(alpha[k.charCodeAt(c)]!);
        rests.push({ codes, pattern: firstPattern[u]! });
      }
      rests.sort((a, b) => compareCodes(a.codes, b.codes));
      let before: number[] = [];
      for (const { codes, pattern } of rests) {
        let shared = 0;
        while (shared < before.length && shared < codes.length && before[shared] === codes[shared]) shared++;
        const entity = patterns[2 * pattern]!;
        const flags = patterns[2 * pattern + 1]!;
        tails.push(shared, codes.length, ...codes, pattern & 0xffff, pattern >>> 16, entity & 0xffff, entity >>> 16, flags & 0xffff, flags >>> 16);
        before = codes;
      }
      tails[at] = tails.length - at - 1;
      continue;
    }
    let n = 0;
    let i = lo;
    if (unique[i]!.length === depth) {
      codes[n] = 0;
      starts[n++] = i++;
    }
    while (i < hi) {
      const c = unique[i]!.charCodeAt(depth);
      codes[n] = alpha[c]!;
      starts[n++] = i;
      i++;
      while (i < hi && unique[i]!.charCodeAt(depth) === c) i++;
    }
    starts[n] = hi;
    // Find a base where every child's slot is free: try each free slot for the smallest code.
    let min = codes[0]!;
    for (let k = 1; k < n; k++) if (codes[k]! < min) min = codes[k]!;
    let base = -1;
    // A lone child goes right after its parent where that slot is free: a chain of such nodes (the
    // letters of a shared first name) then lies in one stretch of memory, read in few cache lines.
    if (n === 1 && slot + 1 < cap && da[2 * (slot + 1) + 1] === -1 && slot + 1 - codes[0]! >= 0 && slot + 1 - codes[0]! + K + 1 < cap) {
      base = slot + 1 - codes[0]!;
    }
    for (let f = base >= 0 ? -2 : head; f !== -2; ) {
      if (f < 0) {
        const first = cap; // the first new slot: all new slots are free
        grow(cap + K + 2);
        f = first;
      }
      const b = f - min;
      if (b >= 0) {
        if (b + K + 1 >= cap) grow(b + K + 2);
        let ok = true;
        for (let k = 0; k < n; k++) {
          if (da[2 * (b + codes[k]!) + 1] !== -1) {
            ok = false;
            break;
          }
        }
        if (ok) {
          base = b;
          break;
        }
      }
      f = next[f]!;
    }
    da[2 * slot] = base;
    for (let k = 0; k < n; k++) {
      const t = base + codes[k]!;
      take(t);
      da[2 * t + 1] = slot;
    }
    for (let k = n - 1; k >= 0; k--) {
      const t = base + codes[k]!;
      if (codes[k] === 0) da[2 * t] = -(firstPattern[starts[k]!]! + 1);
      else stack.push(t, starts[k]!, starts[k + 1]!, depth + 1);
    }
  }
  // Trim to the last used slot, plus room for any code past it (so a step never reads out of bounds).
  let last = cap - 1;
  while (last > 0 && da[2 * last + 1] === -1) last--;
  const size = last + K + 2;
  const out = new Int32Array(2 * size).fill(-1);
  out.set(da.subarray(0, Math.min(da.length, 2 * size)));
  if (unique.length === 0) out[0] = 0; // an empty catalog: a root without children
  return {
    da: out,
    alphabet,
    wordCodes,
    patterns,
    tails: Uint16Array.from(tails),
    maxLength,
    firstWords,
    pairs,
    cls: new Uint16Array(0x10000),
  };
}
