import * as letterCase from '../text/case';
import * as norm from '../text/normalize';
import { wordsOf } from '../text/tokenize';
import * as compiled from './compile';
import { againstOf, type CompiledMatcher, PatternFlag } from './compile';
import givenNamesData from './given-names.json';
import placeWordsData from './place-words.json';

// Module-level copies of what the scan reads per character: where modules are loaded through
// getters (tsx in Node), an imported binding costs a call on every access; a local const does not.
const kinds = norm.kinds;
const fold = norm.fold;
const kindOf = norm.kindOf;
const isWordUnit = norm.isWordUnit;
const afterApostrophe = norm.afterApostrophe;
const isElision = norm.isElision;
const isPhraseDash = norm.isPhraseDash;
const complexFoldOf = norm.complexFoldOf;
const normalizeKey = norm.normalizeKey;
const isUpperAt = letterCase.isUpperAt;
const isLowerAt = letterCase.isLowerAt;
const WORD: number = norm.Kind.Word;
const SPACE: number = norm.Kind.Space;
const PUNCT: number = norm.Kind.Punct;
const APOSTROPHE: number = norm.Kind.Apostrophe;
const DROP: number = norm.Kind.Drop;
const UNKNOWN: number = norm.Kind.Unknown;
const WORD_HASH_SEED = compiled.WORD_HASH_SEED;
const SOLE = compiled.SOLE;
const pairHash = compiled.pairHash;
const CONTEXT: number = PatternFlag.Context;
const WEAK: number = PatternFlag.Weak;
const ACRONYM: number = PatternFlag.Acronym;
const BLOCKER: number = PatternFlag.Blocker;
const MORE: number = PatternFlag.More;
const GIVEN: number = PatternFlag.Given;
const PLACE: number = PatternFlag.Place;
const CAPITALS: number = PatternFlag.Capitals;

/** A span of the original text (UTF-16 offsets, end exclusive) that names the entity at `entity`. */
export interface Mention {
  readonly start: number;
  readonly end: number;
  /** Index of the entity in the list the matcher was compiled from. */
  readonly entity: number;
  /** True when found by a weak alias (confirmed), so it confirms nothing elsewhere; absent otherwise. */
  readonly weak?: true;
}

/** How far (in characters of the original text) a context word may stand from a weak alias and still confirm it. */
export const CONTEXT_WINDOW = 400;
/** How far an `against` word may stand from a weak alias and still refuse it (a few words). */
export const AGAINST_WINDOW = 60;

/**
 * True when [start, end) of `input` and the letters around it on the same line are all capitals (a
 * headline, a shout): at least four capitals within 30 characters either side, and no lower-case
 * letter in it or there. Characters are counted as the normaliser reads them (what it drops counts
 * for nothing, a run of white space once), so soft hyphens or doubled spaces do not change the answer.
 */
function inCapitals(input: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (isLowerAt(input, k)) return false;
  let letters = 0;
  const scan = (from: number, step: number): boolean => {
    let seen = 0;
    let space = false;
    for (let k = from; k >= 0 && k < input.length && seen < 30; k += step) {
      const c = input.charCodeAt(k);
      if (c === 0x0a) break;
      const kind = kindOf(c);
      if (kind === DROP || kind === APOSTROPHE || (kind === SPACE && space)) continue;
      space = kind === SPACE;
      seen++;
      if (isLowerAt(input, k)) return false;
      if (isUpperAt(input, k)) letters++;
    }
    return true;
  };
  return scan(start - 1, -1) && scan(end, 1) && letters >= 4;
}

/**
 * Whether a pattern of `info` (see CompiledMatcher.patterns), found at raw [start, end) whose
 * normalised characters came from `rawOf`, may count: -1 if not, else its info (with CAPITALS set
 * for a weak alias in a line of capitals).
 */
function acceptable(info: number, input: string, rawOf: Int32Array, start: number, end: number): number {
  const flags = info & 0xff;
  if (flags & BLOCKER && !(flags & ACRONYM)) return info;
  if (flags & ACRONYM) {
    // Its capitals must be capitals here ("DoD", "PMUs"); without a mask, no letter may be lower case.
    const mask = info >>> 8;
    if (mask === 0) {
      for (let k = start; k < end; k++) if (isLowerAt(input, k)) return -1;
    } else {
      for (let j = 0, bits = mask; bits !== 0; j++, bits >>>= 1) if (bits & 1 && isLowerAt(input, rawOf[j]!)) return -1;
    }
  } else {
    const capital = (info >> 8) - 1;
    if (capital >= 0 && !isUpperAt(input, rawOf[capital]!)) return -1;
  }
  // In a line of capitals, case says nothing: a weak acronym there is not trusted ("WHAT IS NEXT"),
  // and another weak alias only where a strong alias names its entity ("SUDANI" on a page that
  // names Mohammed Shia al-Sudani; resolve decides).
  if (flags & WEAK && !(flags & CONTEXT) && inCapitals(input, start, end)) return flags & ACRONYM ? -1 : info | CAPITALS;
  return info;
}

/** Special classes of code units, above every alphabet code (K = the highest code). */
const enum Special {
  Space = 1,
  Punct = 2,
  Apostrophe = 3,
  Drop = 4,
  Complex = 5,
}

/**
 * Classifies code unit `c` for matcher `m` and caches it in `m.cls`: its alphabet code (1: a word
 * character in no pattern), or K + Special.X. Alphabet codes of word characters come first, so
 * "is part of a word" is `cls <= wordCodes + 1`.
 */
function classify(m: CompiledMatcher, c: number): number {
  const K = m.alphabet.length + 1;
  let k = kinds[c]!;
  if (k === UNKNOWN) k = kindOf(c);
  let v: number;
  if (k === WORD || k === PUNCT) {
    const f = fold[c]!;
    const a = m.alphabet.indexOf(f);
    v = a >= 0 ? a + 2 : k === WORD ? 1 : K + Special.Punct;
  } else if (k === SPACE) v = K + Special.Space;
  else if (k === APOSTROPHE) v = K + Special.Apostrophe;
  else if (k === DROP) v = K + Special.Drop;
  else v = K + Special.Complex;
  m.cls[c] = v;
  return v;
}

/** What one findMentions call collects: candidates, their patterns, context words. */
interface Scan {
  readonly rawOf: Int32Array;
  /** Quads: start, end, and where its patterns start and end in `pats`. */
  readonly cands: number[];
  /** Pairs: a candidate's pattern's entity and info (as in CompiledMatcher.patterns), up to `patsEnd`. */
  readonly pats: number[];
  patsEnd: number;
  /** Pairs: entity, start. */
  readonly contexts: number[];
}

/**
 * Walks the trie from the word that starts at `i` for as long as the normalised text follows it,
 * records context words on the way and the longest acceptable candidate that ends by `limit`;
 * returns its end, or -1.
 */
function walk(m: CompiledMatcher, input: string, i: number, scan: Scan, space: number, limit: number, lead = ''): number {
  const n = input.length;
  const da = m.da;
  const cls = m.cls;
  const K = m.alphabet.length + 1;
  const lastWord = m.wordCodes + 1;
  const cSpace = K + Special.Space;
  const cPunct = K + Special.Punct;
  const cApostrophe = K + Special.Apostrophe;
  const cDrop = K + Special.Drop;
  const rawOf = scan.rawOf;
  let node = 0;
  let depth = 0;
  let pos = i;
  let lastSpace = false;
  let prevW = true;
  // Folded characters read before the next unit of the text: a complex fold's, or `lead` (letters the text leaves out, see afterLetter).
  let pend = lead;
  let pendAt = 0;
  let bestEnd = -1;
  const tails = m.tails;
  let br = -1; // in a bucket: the record followed so far; -1 in the trie
  let bj = 0; // in a bucket: how many of the record's codes the text has matched
  let bEnd = 0; // in a bucket: where it ends
  const walkPats = scan.patsEnd;
  for (;;) {
    // The common case first: inside a word, plain word characters step the trie (or the tail) in a
    // tight loop; no word boundary can fall between them. Anything else goes to the general case.
    if (prevW && pendAt >= pend.length) {
      let failed = false;
      while (pos < n) {
        const x = cls[input.charCodeAt(pos)]!;
        if (x === 0 || x > lastWord) break;
        if (br < 0) {
          const t = da[2 * node]! + x;
          if (da[2 * t + 1] !== node) {
            failed = true;
            break;
          }
          node = t;
          const base = da[2 * t]!;
          if (base < 0) {
            bEnd = -base + tails[-base - 1]!;
            br = -base;
            bj = 0;
          }
        } else {
          br = bucketStep(tails, br, bj++, x, bEnd);
          if (br < 0) {
            failed = true;
            break;
          }
        }
        rawOf[depth++] = pos++;
      }
      if (failed) break;
    }
    let x: number; // the next normalised character's code; -1 at the end of the text
    let xraw: number;
    let wx: boolean;
    if (pos < n && pendAt >= pend.length) {
      const c2 = input.charCodeAt(pos);
      x = cls[c2]!;
      if (x === 0) x = classify(m, c2);
      if (x <= lastWord) {
        xraw = pos++;
        wx = true;
        lastSpace = false;
      } else {
        if (x === cSpace) {
          if (lastSpace) {
            pos++;
            continue;
          }
          x = space;
          lastSpace = true;
        } else if (x <= K) {
          lastSpace = false; // punctuation some pattern has
        } else if (x === cPunct) {
          x = 1;
          lastSpace = false;
        } else if (x === cApostrophe && isElision(input, pos)) {
          // "l’Irak": a space between two words
          if (lastSpace) {
            pos++;
            continue;
          }
          x = space;
          lastSpace = true;
        } else if (x === cApostrophe) {
          pos = afterApostrophe(input, pos);
          continue;
        } else if (x === cDrop) {
          pos++;
          continue;
        } else {
          pend = complexFoldOf(c2);
          pendAt = 0;
          pos++;
          continue;
        }
        xraw = pos++;
        wx = false;
      }
    } else if (pendAt < pend.length) {
      const f = pend.charCodeAt(pendAt++);
      x = cls[f]!;
      if (x === 0) x = classify(m, f);
      wx = x <= lastWord;
      if (x > K) x = x === cSpace ? space : 1;
      xraw = pos - 1;
      lastSpace = false;
    } else {
      x = -1;
      xraw = n;
      wx = false;
    }
    // A word boundary after `depth` characters: the patterns that end here are candidates.
    if (depth > 0 && (!prevW || !wx) && rawOf[depth - 1]! < limit) {
      if (br < 0) {
        const t = da[2 * node]!;
        if (da[2 * t + 1] === node) {
          const p = -da[2 * t]! - 1;
          if (candidates(m, input, p, m.patterns[2 * p]!, m.patterns[2 * p + 1]!, depth, walkPats, scan)) bestEnd = rawOf[depth - 1]! + 1;
        }
      } else if (bj === tails[br + 1]) {
        const at = br + 2 + bj;
        const p = tails[at]! | (tails[at + 1]! << 16);
        if (candidates(m, input, p, tails[at + 2]! | (tails[at + 3]! << 16), tails[at + 4]! | (tails[at + 5]! << 16), depth, walkPats, scan)) bestEnd = rawOf[depth - 1]! + 1;
      }
    }
    if (x < 0) break;
    if (br >= 0) {
      br = bucketStep(tails, br, bj++, x, bEnd);
      if (br < 0) break;
    } else {
      const t = da[2 * node]! + x;
      if (da[2 * t + 1] !== node) break;
      node = t;
      const base = da[2 * t]!;
      if (base < 0) {
        // A bucket at -base - 1: its length, then its first record.
        bEnd = -base + tails[-base - 1]!;
        br = -base;
        bj = 0;
      }
    }
    rawOf[depth++] = xraw;
    prevW = wx;
  }
  if (bestEnd >= 0) {
    const cands = scan.cands;
    const k = cands.length;
    cands[k] = i;
    cands[k + 1] = bestEnd;
    cands[k + 2] = walkPats;
    cands[k + 3] = scan.patsEnd;
  }
  return bestEnd;
}

/**
 * One step in a bucket (see CompiledMatcher.tails): from record `r`, whose first `j` codes the text
 * has matched, the first record (up to `end`) that shares those `j` codes and has code `x` after
 * them; -1 if there is none. Records are in code order, so the search only goes forward.
 */
function bucketStep(tails: Uint16Array, r: number, j: number, x: number, end: number): number {
  for (;;) {
    const len = tails[r + 1]!;
    if (j < len) {
      const y = tails[r + 2 + j]!;
      if (y === x) return r;
      if (y > x) return -1;
    }
    r += 8 + len;
    if (r >= end || tails[r]! < j) return -1;
  }
}

/**
 * Takes the patterns of one key (from `first` on, whose entity and info the caller has read),
 * found over the walk's first `depth` characters: records context words, and when some alias or
 * blocker is acceptable there, makes them the walk's best candidate (replacing shorter ones from
 * `walkPats` on). Returns whether it did.
 */
function candidates(m: CompiledMatcher, input: string, first: number, entity: number, info: number, depth: number, walkPats: number, scan: Scan): boolean {
  const start = scan.rawOf[0]!;
  const end = scan.rawOf[depth - 1]! + 1;
  // No name runs across a dash between spaces ("2011 – Withdrawal"): it parts two phrases (lib/text).
  // Such a dash and its spaces read as one space, so a span as long as what it read holds none (unless
  // letters that fold to two, ß → ss, make up for it exactly: no name has such a pair and a dash).
  if (end - start !== depth) for (let k = start + 1; k < end; k++) if (isDash(input.charCodeAt(k)) && isPhraseDash(input, k)) return false;
  const pats = scan.pats;
  const patterns = m.patterns;
  let found = false;
  for (let p = first; ; ) {
    const ok = acceptable(info, input, scan.rawOf, start, end);
    if (ok >= 0) {
      if (info & CONTEXT) scan.contexts.push(entity, start);
      else {
        if (!found) {
          scan.patsEnd = walkPats;
          found = true;
        }
        pats[scan.patsEnd++] = entity;
        pats[scan.patsEnd++] = ok;
      }
    }
    if (!(info & MORE)) return found;
    p++;
    entity = patterns[2 * p]!;
    info = patterns[2 * p + 1]!;
  }
}

/**
 * Finds the mentions in `input`: leftmost, longest, never overlapping, on word boundaries in any
 * script, after normalisation. A weak alias counts only where the same text also names its entity
 * by a strong alias, or where one of the entity's context words stands within CONTEXT_WINDOW, or
 * where its entity is in `named` (entities the rest of the page names by a strong alias: text
 * matched before, such as a page's first part or a live blog's earlier posts).
 *
 * One pass over the text, normalising on the fly: each code unit's class (`m.cls`) is its code in
 * the trie's alphabet. The pass hashes each word as it goes; only a word whose hash is among the
 * patterns' first words (`m.firstWords`) is walked in the double-array trie, and a word that starts
 * only names of two words or more ("the") only when the next word makes a pair with it (`m.pairs`).
 */
export function findMentions(m: CompiledMatcher, input: string, named?: ReadonlySet<number>): Mention[] {
  const scan = newScan(new Int32Array(m.maxLength + 1));
  scanText(m, input, 0, input.length, input.length, scan);
  return resolve(m, input, scan, named);
}

function newScan(rawOf: Int32Array): Scan {
  return { rawOf, cands: [], pats: [], patsEnd: 0, contexts: [] };
}

/**
 * The pass itself, over input[from, to) (`from` starts a word): candidates that end by `to`, and
 * by `firstLimit` for the one at `from`.
 */
function scanText(m: CompiledMatcher, input: string, from: number, to: number, firstLimit: number, scan: Scan): void {
  const n = to;
  const cls = m.cls;
  const firstWords = m.firstWords;
  const shift = 32 - Math.log2(firstWords.length * 32);
  const pairs = m.pairs;
  const pairShift = 32 - Math.log2(pairs.length * 32);
  const K = m.alphabet.length + 1;
  const lastWord = m.wordCodes + 1; // codes 1 .. lastWord are word characters
  const cApostrophe = K + Special.Apostrophe;
  const cDrop = K + Special.Drop;
  const cComplex = K + Special.Complex;
  const space = m.alphabet.indexOf(0x20) + 2 || 1; // the code of a space (1: no pattern has one)

  let i = from;
  let wordStart = -1; // where the current word started; -1 between words
  let h = 0; // the current word's hash so far
  let force = false; // the word holds a character that folds to several: walk it whatever its hash
  // A word that starts patterns of two words or more only, followed by one space and a word: it is
  // walked once that word is read, if the two make a pair of `m.pairs` (-1: none waits).
  let pend = -1;
  let pendHash = 0;
  for (;;) {
    let a: number;
    if (i < n) {
      a = cls[input.charCodeAt(i)]!;
      if (a === 0) a = classify(m, input.charCodeAt(i));
      if (a <= lastWord) {
        if (wordStart < 0) {
          wordStart = i;
          h = WORD_HASH_SEED;
        }
        h = Math.imul(h ^ a, 0x01000193);
        // The rest of the word, in a tight loop (anything unusual goes back to the general case).
        for (i++; i < n; i++) {
          a = cls[input.charCodeAt(i)]!;
          if (a === 0 || a > lastWord) break;
          h = Math.imul(h ^ a, 0x01000193);
        }
        // The unit that ended the word is handled below without reading it again, if it is classified.
        if (i >= n || a === 0) continue;
      }
      if (a === cApostrophe && !isElision(input, i)) {
        i = afterApostrophe(input, i);
        continue;
      }
      if (a === cDrop) {
        i++;
        continue;
      }
      if (a === cComplex && isWordUnit(complexFoldOf(input.charCodeAt(i)).charCodeAt(0))) {
        if (wordStart < 0) wordStart = i;
        force = true;
        i++;
        continue;
      }
    } else if (wordStart < 0) break;
    // Anything else (or the end) ends the word: walk from its start if it may start a pattern.
    if (wordStart >= 0) {
      let end = -1;
      if (pend >= 0) {
        // The word before waits for this one: walked if they are a pair some pattern starts with.
        const pb = pairHash(pendHash, h) >>> pairShift;
        if (force || (pairs[pb >>> 5]! >>> (pb & 31)) & 1) end = walk(m, input, pend, scan, space, pend === from ? firstLimit : n);
        pend = -1;
      }
      if (end < 0) {
        const bit = h >>> shift;
        if (force || (firstWords[bit >>> 5]! >>> (bit & 31)) & 1) {
          const sb = pairHash(h, SOLE) >>> pairShift;
          let next = 0;
          // Wait for the next word where this one starts no pattern on its own, one space follows it
          // and then a word character (not in Arabic, whose joined letters are tried below).
          if (
            !force &&
            !((pairs[sb >>> 5]! >>> (sb & 31)) & 1) &&
            input.charCodeAt(i) === 0x20 &&
            i + 1 < n &&
            input.charCodeAt(wordStart) < 0x628 &&
            ((next = cls[input.charCodeAt(i + 1)]!) !== 0 || (next = classify(m, input.charCodeAt(i + 1))) !== 0) &&
            next <= lastWord
          ) {
            pend = wordStart;
            pendHash = h;
          } else end = walk(m, input, wordStart, scan, space, wordStart === from ? firstLimit : n);
        }
        if (end < 0 && pend !== wordStart && input.charCodeAt(wordStart) >= 0x628) end = afterProclitics(m, input, wordStart, i, scan, space, wordStart === from ? firstLimit : n);
      }
      wordStart = -1;
      force = false;
      if (end > i) {
        i = end;
        continue;
      }
    }
    if (i >= n) break;
    i++;
  }
}

/** Arabic letters written joined to the next word: the conjunctions و and ف, then the prepositions ب, ل and ك. */
const CONJUNCTIONS = new Set([0x648, 0x641]);
const PREPOSITIONS = new Set([0x628, 0x644, 0x643]);

/** Whether code unit c is an Arabic letter (hamza, alef ... yeh, and the Persian and Urdu letters). */
function isArabicLetter(c: number): boolean {
  return (c >= 0x621 && c <= 0x64a && c !== 0x640) || (c >= 0x671 && c <= 0x6d3);
}

/** The first unit at or after k (before `to`) that the normaliser keeps. */
function skipDrops(input: string, k: number, to: number): number {
  while (k < to && kindOf(input.charCodeAt(k)) === DROP) k++;
  return k;
}

/**
 * For an Arabic word (input[start, end)) that named nothing from its start: walks from after the
 * letters joined to its front ("وسقوط الرمادي", "بإيران", "وبالموصل"), a conjunction, a preposition or
 * both, each followed by an Arabic letter (with only characters the normaliser drops between);
 * returns the walk's end, or -1.
 */
function afterProclitics(m: CompiledMatcher, input: string, start: number, end: number, scan: Scan, space: number, limit: number): number {
  const c = input.charCodeAt(start);
  const conjunction = CONJUNCTIONS.has(c);
  if (!conjunction && !PREPOSITIONS.has(c)) return -1;
  let k = skipDrops(input, start + 1, end);
  if (k >= end || !isArabicLetter(input.charCodeAt(k))) return -1;
  const found = afterLetter(m, input, c, k, scan, space, limit);
  if (found >= 0 || !conjunction || !PREPOSITIONS.has(input.charCodeAt(k))) return found;
  const p = input.charCodeAt(k);
  k = skipDrops(input, k + 1, end);
  return k < end && isArabicLetter(input.charCodeAt(k)) ? afterLetter(m, input, p, k, scan, space, limit) : -1;
}

const LAM = 0x644;
const ALEF = '\u0627';

/**
 * Walks from k, after the joined letter c. The preposition ل before the article ال is written لل,
 * its alef left out ("للعراق" is ل + العراق): where c and the letter at k are both ل, a name that
 * begins with ال is also tried from k, the alef read as if written (the mention starts at the lam
 * the article keeps).
 */
function afterLetter(m: CompiledMatcher, input: string, c: number, k: number, scan: Scan, space: number, limit: number): number {
  const found = walk(m, input, k, scan, space, limit);
  if (found >= 0 || c !== LAM || input.charCodeAt(k) !== LAM) return found;
  return walk(m, input, k, scan, space, limit, ALEF);
}

/** Whether code unit c is white space that may stand between two words of a name (no dash, no block break). */
function isNameSpace(c: number): boolean {
  return c === 0x20 || c === 0xa0 || (c >= 0x09 && c <= 0x0d) || (c >= 0x2000 && c <= 0x200a) || c === 0x202f;
}

/**
 * Where the white space between two words of one name, from `from`, ends: white space and
 * characters the normaliser drops (soft hyphens, zero-width), at least one space, at most 8 in all
 * and before `to`; -1 if there is none such.
 */
function spaceEnd(input: string, from: number, to: number): number {
  let k = from;
  let space = false;
  for (; k < to; k++) {
    const c = input.charCodeAt(k);
    if (isNameSpace(c)) space = true;
    else if (kindOf(c) !== DROP) break;
  }
  return space && k - from <= 8 ? k : -1;
}

/**
 * Whether input[from, to) is the gap between a given name and a surname: white space (see
 * spaceEnd), with up to two initials in it ("Michael B. Jordan", "Hunter S. Biden").
 */
function nameGap(input: string, from: number, to: number): boolean {
  let k = from;
  for (let initials = 0; ; initials++) {
    k = spaceEnd(input, k, to);
    if (k < 0) return false;
    if (k === to) return true;
    if (initials === 2 || !isUpperAt(input, k)) return false;
    k++;
    while (k < to && kindOf(input.charCodeAt(k)) === DROP) k++;
    if (input.charCodeAt(k) !== 0x2e) return false;
    k++;
  }
}

/**
 * Whether input[from, to) ends a possessive before the next word: an apostrophe, an optional s,
 * then white space ("Iran's parliament", "Egypt’s security forces"), with characters the
 * normaliser drops anywhere in it.
 */
function possessiveGap(input: string, from: number, to: number): boolean {
  let k = skipDrops(input, from, to);
  if (k >= to || kindOf(input.charCodeAt(k)) !== APOSTROPHE) return false;
  k = skipDrops(input, k + 1, to);
  const s = input.charCodeAt(k);
  return spaceEnd(input, s === 0x73 || s === 0x53 ? k + 1 : k, to) === to;
}

const dashes = new Set([...norm.DASHES].map((ch) => ch.charCodeAt(0)));
/** Whether code unit c is a hyphen or a dash, of any of the forms the normaliser folds. */
const isDash = (c: number): boolean => dashes.has(c);

/**
 * Whether [start, end) of `input` is a dateline's place ("LONDON (Reuters) -", "WASHINGTON (AP) —",
 * "CAIRO — Gunmen opened fire", "London (CNN) —"): written in capitals, then "("; or at the start of a
 * line and then "(" (in any case), or, in capitals, a dash or a comma. A capital's name there says
 * where the story was filed, not who acted. Before a photo's position ("Sudani (center)",
 * "السوداني (وسط)") it is a caption's name, no dateline.
 */
function isDateline(input: string, start: number, end: number): boolean {
  let capitals = true;
  for (let k = start; k < end && capitals; k++) if (isLowerAt(input, k)) capitals = false;
  let k = end;
  while (k < input.length && (isNameSpace(input.charCodeAt(k)) || kindOf(input.charCodeAt(k)) === DROP)) k++;
  const next = input.charCodeAt(k);
  if (next === 0x28 && captionPosition(input, k + 1)) return false;
  if (next === 0x28 && capitals) return true;
  if (next !== 0x28 && !(capitals && (next === 0x2c || isDash(next)))) return false;
  let b = start - 1;
  while (b >= 0 && input.charCodeAt(b) !== 0x0a && (isNameSpace(input.charCodeAt(b)) || kindOf(input.charCodeAt(b)) === DROP)) b--;
  return b < 0 || input.charCodeAt(b) === 0x0a;
}

/** Words around a place that make it the scene, not its state (see place-words.json), normalised. */
const wordSet = (words: readonly string[]): ReadonlySet<string> => new Set(words.map(normalizeKey));
const positions = wordSet(placeWordsData.positions);

/** Whether the word from `k` (after white space) says where someone stands in a photo: "(center)", "(وسط)". */
function captionPosition(input: string, k: number): boolean {
  const n = input.length;
  while (k < n && (isNameSpace(input.charCodeAt(k)) || kindOf(input.charCodeAt(k)) === DROP)) k++;
  let e = k;
  while (e < n && (kindOf(input.charCodeAt(e)) === WORD || kindOf(input.charCodeAt(e)) === DROP)) e++;
  return e > k && positions.has(normalizeKey(input.slice(k, e)));
}

const placeWords = {
  scene: wordSet(placeWordsData.scene),
  motion: wordSet(placeWordsData.motion),
  towards: wordSet(placeWordsData.towards),
  areas: wordSet(placeWordsData.areas),
  rulers: wordSet(placeWordsData.rulers),
  ruled: wordSet(placeWordsData.ruled),
};
const BEH = 0x628;
/** How far after a dateline's comma its agency's "(" may come: room for a date ("Sept. 30, 2025 "). */
const DATELINE_DATE = 24;

const isLineBreak = (c: number): boolean => c === 0x0a || c === 0x0d;

/** Whether code unit c is white space on one line (no line break) or a character the normaliser drops. */
function isBlank(c: number): boolean {
  return (isNameSpace(c) && !isLineBreak(c)) || kindOf(c) === DROP;
}

/**
 * Where the white space that ends at `at` begins, less one: the last character before it that the
 * normaliser keeps; -1 where no white space ends at `at`, or nothing stands before it.
 */
function beforeSpace(input: string, at: number): number {
  let k = at - 1;
  let space = false;
  for (; k >= 0; k--) {
    const c = input.charCodeAt(k);
    if (isNameSpace(c)) space = true;
    else if (kindOf(c) !== DROP) break;
  }
  return space ? k : -1;
}

/**
 * The word that ends right before `at`, across white space and nothing else (a hyphen may join its
 * parts: "policy-makers"): its start and normalised form; undefined where there is none such.
 */
function wordBefore(input: string, at: number): { start: number; key: string } | undefined {
  let k = beforeSpace(input, at);
  if (k < 0 || kindOf(input.charCodeAt(k)) !== WORD) return undefined;
  const end = k + 1;
  for (; k > 0; k--) {
    const c = input.charCodeAt(k - 1);
    const kind = kindOf(c);
    if (kind === WORD || kind === DROP || kind === APOSTROPHE) continue;
    if (isDash(c)) {
      // (a dash between parts of a word, whatever the normaliser drops before it)
      let j = k - 2;
      while (j >= 0 && kindOf(input.charCodeAt(j)) === DROP) j--;
      if (j >= 0 && kindOf(input.charCodeAt(j)) === WORD) continue;
    }
    break;
  }
  return { start: k, key: normalizeKey(input.slice(k, end)) };
}

/** Whether input[k, …) is a word of two capitals or more and nothing lower case ("CNN", "AP"); returns where it ends, or -1. */
function capitalsWordAt(input: string, k: number): number {
  let capitals = 0;
  for (; k < input.length; k++) {
    const kind = kindOf(input.charCodeAt(k));
    if (kind !== WORD && kind !== DROP) break;
    if (isLowerAt(input, k)) return -1;
    if (isUpperAt(input, k)) capitals++;
  }
  return capitals >= 2 ? k : -1;
}

/**
 * Whether a "(" comes on the same line within DATELINE_DATE characters from `from`, counted as the
 * normaliser keeps them (a run of space is one, what it drops is none): a dateline's date, then its
 * agency ("Moscow, Dec. 5 (Reuters)").
 */
function bracketSoonAfter(input: string, from: number): boolean {
  let kept = 0;
  let space = false;
  for (let k = from; k < input.length && kept < DATELINE_DATE; k++) {
    const c = input.charCodeAt(k);
    if (c === 0x28) return true;
    if (isLineBreak(c)) return false;
    const kind = kindOf(c);
    if (kind === DROP || kind === APOSTROPHE || (kind === SPACE && space)) continue;
    space = kind === SPACE;
    kept++;
  }
  return false;
}

const SENTENCE_ENDS = new Set([0x2e, 0x21, 0x3f, 0x3b, 0x0a, 0x0d, 0x61f]);

/**
 * Whether the sentence before `at` (up to CONTEXT_WINDOW characters back) names a ruler in or at a
 * place ("for officials in Tehran as it is in Washington"): an "in" at `at` then reads the same way.
 */
function rulerInSentence(input: string, at: number): boolean {
  const from = Math.max(0, at - CONTEXT_WINDOW);
  let k = at;
  while (k > from && !SENTENCE_ENDS.has(input.charCodeAt(k - 1))) k--;
  const words = wordsOf(normalizeKey(input.slice(k, at)));
  for (let i = 1; i < words.length; i++) {
    if (placeWords.ruled.has(words[i]!) && (placeWords.rulers.has(words[i - 1]!) || (i > 1 && placeWords.rulers.has(`${words[i - 2]} ${words[i - 1]}`)))) return true;
  }
  return false;
}

/**
 * Whether the place alias at [start, end) of `input` names the place where something happens rather
 * than its state acting: the scene after "in", "at", "visited" ("talks in London", "at the Kremlin",
 * "في واشنطن", "بواشنطن"), but not after a ruler ("officials in Tehran"); a destination or an origin
 * ("flew to Washington", "a trip to Moscow"); a part of it ("east of Moscow"); alone on its line, or
 * at a line's start before "/", a dash, an agency in capitals and a dash or "(", or a comma and a
 * date before "(" (datelines: "Washington CNN —", "Washington/ New Delhi:", "Moscow, Dec. 5
 * (Reuters)"); at a line's end after a comma, a dash or "|" (a byline: "Jon Sopel, BBC News,
 * Washington"). A possessive after it ("in Washington's view") makes it the state again. The words
 * are place-words.json's.
 */
function isScene(input: string, start: number, end: number): boolean {
  const n = input.length;
  const after = skipDrops(input, end, n);
  if (after < n && kindOf(input.charCodeAt(after)) === APOSTROPHE) return false;
  let b = start - 1;
  while (b >= 0 && kindOf(input.charCodeAt(b)) === DROP) b--;
  if (b >= 0 && input.charCodeAt(b) === BEH) return true; // ب joined on: "بواشنطن", in Washington
  while (b >= 0 && isBlank(input.charCodeAt(b))) b--;
  let a = end;
  while (a < n && isBlank(input.charCodeAt(a))) a++;
  const lineStart = b < 0 || isLineBreak(input.charCodeAt(b));
  const lineEnd = a >= n || isLineBreak(input.charCodeAt(a));
  if (lineStart) {
    if (lineEnd) return true;
    const next = input.charCodeAt(a);
    if (next === 0x2f || isDash(next)) return true;
    if (next === 0x2c && bracketSoonAfter(input, a + 1)) return true; // "Moscow, Dec. 5 (Reuters) -"
    const word = capitalsWordAt(input, a);
    if (word > a) {
      let k = word;
      while (k < n && isBlank(input.charCodeAt(k))) k++;
      if (input.charCodeAt(k) === 0x28 || isDash(input.charCodeAt(k))) return true;
    }
  }
  if (lineEnd && b >= 0) {
    const before = input.charCodeAt(b);
    if (before === 0x2c || isDash(before) || before === 0x7c || before === 0x2022) return true;
  }
  let w = wordBefore(input, start);
  if (w?.key === 'the') w = wordBefore(input, w.start);
  if (!w) return false;
  const before = wordBefore(input, w.start)?.key ?? '';
  if (placeWords.scene.has(w.key)) return !(placeWords.ruled.has(w.key) && (placeWords.rulers.has(before) || rulerInSentence(input, w.start)));
  if (placeWords.towards.has(w.key)) return placeWords.motion.has(before);
  return w.key === 'of' && placeWords.areas.has(before);
}

/** Titles that, right before a weak alias, say it is a person's name ("Mr. Trump", "President Biden", "Gen. Dunford"). */
const titles = wordSet(givenNamesData.titles);
const titlesNotAfter = wordSet(givenNamesData.titlesNotAfter);

/**
 * Whether a title stands right before `at`: one of `titles`, with or without a full stop, then
 * white space ("Mr. Trump", "Prime Minister Abadi"). A title says a name follows, as a context word
 * near it would: the weak alias is confirmed there (a given name before it still names someone else).
 */
function titleBefore(input: string, at: number): boolean {
  let k = beforeSpace(input, at);
  if (k < 0) return false;
  if (input.charCodeAt(k) === 0x2e) k--;
  const end = k + 1;
  while (k >= 0 && (kindOf(input.charCodeAt(k)) === WORD || kindOf(input.charCodeAt(k)) === DROP)) k--;
  if (end - k < 2 || (k >= 0 && (input.charCodeAt(k) === 0x2e || isDash(input.charCodeAt(k))))) return false;
  if (!titles.has(normalizeKey(input.slice(k + 1, end)))) return false;
  const before = wordBefore(input, k + 1);
  return !before || !titlesNotAfter.has(before.key);
}

/**
 * Whether the place of candidate `c` (of `entity`) is followed by a comma and a name of its own
 * state ("Cairo, Egypt", "Amman, Jordan’s capital", "Moscow, Russia") or of its district
 * (place-words.json's `districts`: "Washington, D.C."): an address, which names the city.
 */
function isAddress(input: string, list: number[], listPats: number[], c: number, entity: number): boolean {
  const n = input.length;
  let k = skipDrops(input, list[c + 1]!, n);
  if (k >= n || input.charCodeAt(k) !== 0x2c) return false;
  const comma = k;
  while (k + 1 < n && isBlank(input.charCodeAt(k + 1))) k++;
  if (k === comma) return false;
  k++;
  if (c + 4 < list.length && list[c + 4] === k) {
    for (let q = list[c + 6]!; q < list[c + 7]!; q += 2) if (listPats[q] === entity && !(listPats[q + 1]! & (BLOCKER | GIVEN))) return true;
  }
  for (const d of placeWordsData.districts) {
    if (input.startsWith(d, k) && (k + d.length >= n || kindOf(input.charCodeAt(k + d.length)) !== WORD)) return true;
  }
  return false;
}

/** Words that, after a name, leave it the name of its entity ("Sudani Monday", "Trump Administration"). */
const notSurnames = wordSet(givenNamesData.notSurnames);

/**
 * Whether a capitalised word follows the weak alias candidate `c` (ending at `end`) as its surname
 * ("Austin Tice", "Jordan Bardella", "Tehran Times"): after white space, a word of a capital and
 * lower-case letters (and a capitalised part after a dash) that starts no mention and is not on the
 * notSurnames list. Returns where that word ends; minus that if another capitalised word follows
 * (where every word is capitalised, in a title, case alone tells nothing); 0 if there is none such.
 */
function surnameAfter(input: string, cands: number[], pats: number[], c: number, end: number): number {
  const n = input.length;
  const w = spaceEnd(input, end, n);
  if (w < 0 || w >= n || !isUpperAt(input, w)) return 0;
  let we = w;
  let lower = false;
  for (; we < n; we++) {
    const k = kindOf(input.charCodeAt(we));
    if (k !== WORD && k !== DROP && k !== APOSTROPHE) break;
    if (we > w && isLowerAt(input, we)) lower = true;
  }
  if (!lower) return 0;
  const first = we;
  // A dash may join on another capitalised part ("Austin American-Statesman", "Austin Jean-Pierre");
  // a word joined on by anything else ("Biden Covid-19 rules") is no surname.
  while (we < n && kindOf(input.charCodeAt(we)) === SPACE && !isNameSpace(input.charCodeAt(we))) {
    const up = skipDrops(input, we + 1, n);
    const low = skipDrops(input, up + 1, n);
    if (!(low < n && isUpperAt(input, up) && isLowerAt(input, low))) return 0;
    for (we = low; we < n; we++) {
      const k = kindOf(input.charCodeAt(we));
      if (k !== WORD && k !== DROP && k !== APOSTROPHE) break;
    }
  }
  if (c + 4 < cands.length && cands[c + 4] === w) {
    for (let q = cands[c + 6]!; q < cands[c + 7]!; q += 2) if (!(pats[q + 1]! & (GIVEN | BLOCKER))) return 0;
  }
  if (notSurnames.has(normalizeKey(input.slice(w, first)))) return 0;
  let k = we;
  while (k < n && (isNameSpace(input.charCodeAt(k)) || kindOf(input.charCodeAt(k)) === DROP)) k++;
  return k >= n || !isUpperAt(input, k) ? we : -we;
}

/**
 * Chooses each candidate's entity: a strong alias first; a weak one only with its entity confirmed,
 * not right after a given name ("Hunter Biden", "Michael B. Jordan"; an entity's own given name and
 * a weak alias are compiled as one weak alias, "Haider Abadi"), and not as the given name before a
 * surname ("Austin Tice"), not after another entity's possessive ("Iran's parliament"), and not as a
 * dateline's place ("LONDON (Reuters) -"); a place alias, weak or strong, not where it is only the
 * scene ("talks in London", see isScene). Where a weak alias is not confirmed, the shorter names
 * within it are matched and chosen the same way; where a blocker holds, so are they, but for its own
 * entity's ("Israel struck Iranian nuclear sites" blocks the US strikes on them, not Israel; "Battle
 * of Badr" still names no Badr).
 */
function resolve(m: CompiledMatcher, input: string, scan: Scan, named: ReadonlySet<number> | undefined): Mention[] {
  const { cands, pats, contexts } = scan;
  // Built at the first weak candidate only (most texts have none): the entities named by a strong
  // alias, and each entity's context positions (in text order, for a binary search). Their size
  // follows the text's candidates, not the catalog, so a short text costs little however big the catalog.
  let strong: Set<number> | undefined;
  let ctx: Map<number, number[]> | undefined;
  /** The first of `entity`'s context positions at or after `from`, or -1. */
  const contextFrom = (entity: number, from: number): number => {
    if (!strong || !ctx) {
      strong = new Set();
      for (let c = 0; c < cands.length; c += 4) {
        for (let q = cands[c + 2]!; q < cands[c + 3]!; q += 2) if (!(pats[q + 1]! & (WEAK | BLOCKER | GIVEN))) strong.add(pats[q]!);
      }
      ctx = new Map();
      for (let k = 0; k < contexts.length; k += 2) {
        const list = ctx.get(contexts[k]!);
        if (list) list.push(contexts[k + 1]!);
        else ctx.set(contexts[k]!, [contexts[k + 1]!]);
      }
    }
    const list = ctx.get(entity);
    if (!list) return -1;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo]! : -1;
  };
  /**
   * Whether a weak alias of `entity` at `at` (in a line of capitals if `capitals`, after a title if
   * `titled`) is confirmed; never with one of the entity's `against` words close by.
   */
  const confirmed = (entity: number, at: number, capitals: boolean, titled: boolean): boolean => {
    const near = contextFrom(entity, at - CONTEXT_WINDOW);
    const against = contextFrom(againstOf(entity), at - AGAINST_WINDOW);
    if (against >= 0 && against <= at + AGAINST_WINDOW) return false;
    if (strong!.has(entity) || named?.has(entity) === true) return true;
    return !capitals && (titled || (near >= 0 && near <= at + CONTEXT_WINDOW));
  };

  // The weak alias + surname pairs the text writes where case tells ("Austin Tice was freed"), built
  // at the first title ("Austin Tice Released"), where the same pair is read as that name too.
  let pairs: Set<string> | undefined;
  const isNamePair = (list: number[], listPats: number[], c: number): boolean => {
    const next = surnameAfter(input, list, listPats, c, list[c + 1]!);
    if (next >= 0) return next > 0;
    if (!pairs) {
      pairs = new Set();
      for (let d = 0; d < cands.length; d += 4) {
        if (!isUpperAt(input, cands[d]!)) continue;
        let weak = false;
        for (let q = cands[d + 2]!; q < cands[d + 3]!; q += 2) if ((pats[q + 1]! & (WEAK | BLOCKER | GIVEN)) === WEAK) weak = true;
        const we = weak ? surnameAfter(input, cands, pats, d, cands[d + 1]!) : 0;
        if (we > 0) pairs.add(normalizeKey(input.slice(cands[d]!, we)));
      }
    }
    return pairs.has(normalizeKey(input.slice(list[c]!, -next)));
  };

  const mentions: Mention[] = [];
  /** Chooses among the candidates of `list`; patterns of an entity in `exclude` (those of a blocker around them) count for nothing. */
  const choose = (list: number[], listPats: number[], exclude?: ReadonlySet<number>): void => {
    let given = -1; // the candidate before, when it is a given name that named nothing; -1 otherwise
    for (let c = 0; c < list.length; c += 4) {
      const start = list[c]!;
      const end = list[c + 1]!;
      // Right after a given name ("Hunter Biden"), a weak alias names another person.
      const afterGiven = given >= 0 && nameGap(input, list[given + 1]!, start);
      let chosen = -1;
      let chosenFlags = 0;
      let strongChoice = false;
      let blocked = false;
      let isGiven = false;
      let titled: boolean | undefined;
      let blockers: Set<number> | undefined;
      for (let q = list[c + 2]!; q < list[c + 3]!; q += 2) {
        const flags = listPats[q + 1]! & 0xff;
        const e = listPats[q]!;
        if (exclude?.has(e)) continue;
        if (flags & GIVEN) isGiven = true;
        else if (flags & BLOCKER) {
          blocked = true;
          (blockers ??= new Set(exclude)).add(e);
        }
        else if (!(flags & WEAK)) {
          chosen = e;
          chosenFlags = flags;
          strongChoice = true;
          break;
        } else if (chosen < 0 && !afterGiven && confirmed(e, start, (flags & CAPITALS) !== 0, (titled ??= titleBefore(input, start)))) {
          chosen = e;
          chosenFlags = flags;
        }
      }
      let mention = chosen >= 0 && (strongChoice || (!blocked && !(isUpperAt(input, start) && isNamePair(list, listPats, c))));
      if (mention && !strongChoice && mentions.length > 0) {
        // After another entity's possessive ("Iran's parliament"), a weak alias names that entity's
        // own, unless the owner is one of its context words ("Baghdad's parliament").
        const owner = mentions[mentions.length - 1]!;
        if (owner.entity !== chosen && possessiveGap(input, owner.end, start) && contextFrom(chosen, owner.start) !== owner.start) mention = false;
      }
      // A weak alias as a dateline's place ("LONDON (Reuters) -") is where the story was filed.
      if (mention && !strongChoice && isDateline(input, start, end)) mention = false;
      // A place where something happens ("talks in London", "BBC News, Washington") is no actor.
      if (mention && chosenFlags & PLACE && (isScene(input, start, end) || isAddress(input, list, listPats, c, chosen))) mention = false;
      given = isGiven && !mention ? c : -1;
      if (mention) mentions.push(strongChoice ? { start, end, entity: chosen } : { start, end, entity: chosen, weak: true });
      else if ((chosen < 0 || (blocked && !strongChoice)) && !afterGiven && !isGiven) {
        // A weak alias not confirmed here leaves its words to shorter names: in an article on
        // Afghanistan "the U.S.-led invasion" is not Iraq's, and "U.S." is still the United States.
        // A blocker leaves them to every entity but its own.
        const sub = newScan(scan.rawOf);
        scanText(m, input, start, end, end - 1, sub);
        choose(sub.cands, sub.pats, blockers ?? exclude);
      }
    }
  };
  choose(cands, pats);
  // A combining mark after a mention's last letter is part of that letter ("العِراقُ", "Abadí" written
  // with U+0301): the span takes it, so a highlight never splits a letter from its mark.
  for (let i = 0; i < mentions.length; i++) {
    const x = mentions[i]!;
    let e = x.end;
    while (e < input.length && COMBINING.test(input[e]!)) e++;
    if (e !== x.end) mentions[i] = { ...x, end: e };
  }
  return mentions;
}

const COMBINING = /\p{Mn}/u;
