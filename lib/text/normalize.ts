/**
 * Text normalisation for matching, with a map back to the original offsets.
 *
 * What is folded (each rule keeps every output character pointing at the original character it
 * came from, so a match in normalised text is always a span of the original):
 * - case (Unicode lower case), diacritics (NFD, combining marks dropped: Ḥashd → hashd);
 * - apostrophes and their look-alikes (' ’ ‘ ʼ ʿ ʾ ` ´ ′) are dropped: Asa’ib → asaib;
 *   a possessive "'s" / "’s" at the end of a word is dropped with them: Sudani’s → sudani;
 * - hyphens, dashes, the non-breaking hyphen, and runs of white space (line breaks, NBSP,
 *   thin spaces) become one space; the soft hyphen and zero-width characters are dropped; but a
 *   dash with white space on both sides ("18 December 2011 – Withdrawal of troops", "Sudani — who")
 *   parts two phrases and becomes PHRASE_DASH (—), which no name runs across;
 * - Arabic: alef forms (أ إ آ ٱ) → ا, ta marbuta ة → ه, alef maksura ى → ي, ؤ → و, ئ → ي,
 *   tatweel and harakat dropped; the Persian and Urdu forms of letters Arabic writes otherwise
 *   (as Lucene's Persian normaliser folds them: yeh ی ے → ي, keheh ک → ك, heh ۀ ہ ە → ه), since
 *   Persian names and keyboards turn up in Arabic text ("سلیمانی" for "سليماني"); Arabic-Indic and
 *   Persian digits (٢٠٢٠, ۲۰۲۰) → 2020.
 */

/** Normalised text and, for each of its UTF-16 units, the offset of its origin in the input. */
export interface NormalizedText {
  readonly text: string;
  /** `map[i]` is the original offset of `text[i]`; `map[text.length]` is the input's length. */
  readonly map: Uint32Array;
}

const SPACE = 0x20;

/**
 * Kinds of input character; one byte each, computed once per code unit and cached. Exported (with
 * the tables below) so the matcher can normalise on the fly inside its scan, with no copy of the text.
 */
export const enum Kind {
  Unknown = 0,
  /** Folds to exactly one unit (itself or its lower case, see `fold`) that is part of a word. */
  Word = 1,
  Apostrophe = 2,
  Space = 3,
  Drop = 4,
  /** Folds to a string of another length (NFD leftovers, ligatures): see `complexFold`. */
  Complex = 5,
  /** Folds to exactly one unit that is not part of a word (punctuation, symbols). */
  Punct = 6,
}

/** `kinds[c]`: the Kind of code unit c, or Kind.Unknown until `kindOf(c)` has classified it. */
export const kinds = new Uint8Array(0x10000);
/** `fold[c]`: what a Word or Punct code unit c folds to. */
export const fold = new Uint16Array(0x10000);
const complexFold = new Map<number, string>();

const APOSTROPHES = "'’‘ʼʿʾ`´′‛";
/** Hyphens and dashes: they fold to a space, as white space does. */
export const DASHES = '-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d';
const SPACES = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000' + DASHES;
const DROPS = '\u00ad\u200b\u200c\u200d\u2060\ufeff\u0640';
const ARABIC: Record<string, string> = {
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ة': 'ه', 'ى': 'ي', 'ؤ': 'و', 'ئ': 'ي',
  // Persian and Urdu letters
  'ی': 'ي', 'ے': 'ي', 'ک': 'ك', 'ۀ': 'ه', 'ہ': 'ه', 'ە': 'ه',
};
// Arabic-Indic (U+0660) and extended, Persian (U+06F0) digits
for (let d = 0; d < 10; d++) ARABIC[String.fromCharCode(0x660 + d)] = ARABIC[String.fromCharCode(0x6f0 + d)] = String(d);
const MARK = /\p{M}/gu;

function classify(code: number): Kind {
  const ch = String.fromCharCode(code);
  if (APOSTROPHES.includes(ch)) return Kind.Apostrophe;
  if (SPACES.includes(ch)) return Kind.Space;
  if (DROPS.includes(ch)) return Kind.Drop;
  if (code >= 0xd800 && code <= 0xdfff) {
    fold[code] = code; // surrogate halves pass through unchanged
    return Kind.Word;
  }
  const arabic = ARABIC[ch];
  let out = arabic ?? ch.normalize('NFD').replace(MARK, '').toLowerCase();
  if (out === '') return Kind.Drop; // a lone combining mark (harakat, accents)
  out = ARABIC[out] ?? out; // ۂ is ہ with a hamza: it folds as ہ does
  out = out.normalize('NFC');
  // Greek varia and oxia (U+1FEF, U+1FFD) decompose to ` and ´: apostrophes, like them.
  if (APOSTROPHES.includes(out)) return Kind.Apostrophe;
  if (out.length === 1) {
    fold[code] = out.charCodeAt(0);
    return isWordUnit(fold[code]) ? Kind.Word : Kind.Punct;
  }
  complexFold.set(code, out);
  return Kind.Complex;
}

/** The Kind of code unit `code`, classifying and caching it on first sight. */
export function kindOf(code: number): Kind {
  let k = kinds[code] as Kind;
  if (k === Kind.Unknown) {
    k = classify(code);
    kinds[code] = k;
  }
  return k;
}

const wordTable = new Uint8Array(0x10000); // 0 unknown, 1 word, 2 not word
const WORD = /[\p{L}\p{N}\p{M}]/u;

/** Whether a UTF-16 code unit belongs to a word (a letter, digit or mark in any script). */
export function isWordUnit(code: number): boolean {
  let w = wordTable[code];
  if (w === 0) {
    w = code >= 0xd800 && code <= 0xdfff ? 1 : WORD.test(String.fromCharCode(code)) ? 1 : 2;
    wordTable[code] = w;
  }
  return w === 1;
}

for (let c = 0; c < 128; c++) {
  kinds[c] = classify(c);
}

/** What a Complex code unit folds to (two or more units, or one that differs in length from its source). */
export function complexFoldOf(code: number): string {
  return complexFold.get(code)!;
}

/**
 * Where reading resumes after the apostrophe at `i` of `input`: after its "s" when the two are a
 * possessive ('s at the end of a word, dropped with it), else just after the apostrophe. Invisible
 * characters (soft hyphens, zero-width spaces, lone accents) between them change nothing.
 */
export function afterApostrophe(input: string, i: number): number {
  const n = input.length;
  let b = i - 1;
  while (b >= 0 && kindOf(input.charCodeAt(b)) === Kind.Drop) b--;
  if (b < 0 || !isWordUnit(input.charCodeAt(b))) return i + 1;
  let s = i + 1;
  while (s < n && kindOf(input.charCodeAt(s)) === Kind.Drop) s++;
  const ch = input.charCodeAt(s);
  if (ch !== 0x73 && ch !== 0x53) return i + 1;
  let a = s + 1;
  while (a < n && kindOf(input.charCodeAt(a)) === Kind.Drop) a++;
  // (ʼ and ʿ are letters to Unicode, but apostrophes here: "Abadi’sʼ" still ends with a possessive)
  return a < n && isWordUnit(input.charCodeAt(a)) && kindOf(input.charCodeAt(a)) !== Kind.Apostrophe ? i + 1 : s + 1;
}

/** Words elided before an apostrophe in French: "l’Irak", "d’Abadi", "qu’Israël", "jusqu’à". */
const ELISIONS = new Set(['l', 'd', 'j', 'm', 'n', 's', 't', 'c', 'qu', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);

/**
 * Whether the apostrophe at `i` of `input` ends an elided word ("l’Irak", "L'Etat islamique",
 * "qu’Israël"): one of ELISIONS (in any case) as a whole word before it, a letter or digit after it
 * (invisible characters between change nothing). Such an apostrophe separates two words, as a space
 * does; any other is dropped (see afterApostrophe).
 */
export function isElision(input: string, i: number): boolean {
  // (called at every apostrophe the matcher reads: no string is made unless the word is short)
  let len = 0;
  let first = -1;
  for (let b = i - 1; b >= 0; b--) {
    const kind = kindOf(input.charCodeAt(b));
    if (kind === Kind.Drop) continue;
    if (kind !== Kind.Word || ++len > 6) break;
    first = b;
  }
  if (len === 0 || len > 6 || (len > 2 && len < 5)) return false;
  let word = '';
  for (let b = first; b < i; b++) if (kindOf(input.charCodeAt(b)) !== Kind.Drop) word += input[b];
  if (!ELISIONS.has(word.toLowerCase())) return false;
  let a = i + 1;
  while (a < input.length && kindOf(input.charCodeAt(a)) === Kind.Drop) a++;
  return a < input.length && kindOf(input.charCodeAt(a)) === Kind.Word;
}

/** What a dash with white space on both sides becomes (see isPhraseDash). */
export const PHRASE_DASH = 0x2014;
const dashCodes = new Set([...DASHES].map((ch) => ch.charCodeAt(0)));

/**
 * Whether the dash at `i` of `input` stands between white space on both sides (past other dashes
 * and invisible characters): "2011 – Withdrawal", "Sudani -- who". It parts two phrases, where a
 * hyphen ("al-Abadi", "al-\nAbadi" broken at a line's end) joins the parts of one name.
 */
export function isPhraseDash(input: string, i: number): boolean {
  // (called for each dash in a name the matcher found across white space: no closures, no strings)
  const n = input.length;
  if (!dashCodes.has(input.charCodeAt(i))) return false;
  let b = i - 1;
  while (b >= 0 && (dashCodes.has(input.charCodeAt(b)) || kindOf(input.charCodeAt(b)) === Kind.Drop)) b--;
  if (b < 0 || kindOf(input.charCodeAt(b)) !== Kind.Space) return false;
  let a = i + 1;
  while (a < n && (dashCodes.has(input.charCodeAt(a)) || kindOf(input.charCodeAt(a)) === Kind.Drop)) a++;
  if (a >= n || kindOf(input.charCodeAt(a)) !== Kind.Space) return false;
  // (and something the normaliser keeps on both sides: a dash at the text's start or end parts nothing)
  for (; b >= 0; b--) if (keeps(input.charCodeAt(b))) break;
  for (; a < n; a++) if (keeps(input.charCodeAt(a))) break;
  return b >= 0 && a < n;
}

/** Whether the normaliser keeps something of code unit c (no white space, dash, apostrophe or dropped character). */
function keeps(c: number): boolean {
  const kind = kindOf(c);
  return kind !== Kind.Space && kind !== Kind.Drop && kind !== Kind.Apostrophe;
}

const SCRATCH = 1024;
const scratchOut = new Uint16Array(SCRATCH + 16);
const scratchMap = new Uint32Array(SCRATCH + 17);

/** Normalises `input` for matching (see the module comment) and keeps the offset map. */
export function normalize(input: string): NormalizedText {
  const n = input.length;
  // Short inputs (aliases, words) reuse scratch buffers: allocating them dominated compiling a catalog.
  const small = n <= SCRATCH;
  let outBuf = small ? scratchOut : new Uint16Array(n + 16);
  let map = small ? scratchMap : new Uint32Array(n + 17);
  let len = 0;
  let lastSpace = true; // no leading space
  for (let i = 0; i < n; i++) {
    const code = input.charCodeAt(i);
    const kind = code < 128 ? (kinds[code] as Kind) : kindOf(code);
    if (kind === Kind.Word || kind === Kind.Punct) {
      if (len >= outBuf.length) [outBuf, map] = grow(outBuf, map);
      outBuf[len] = fold[code]!;
      map[len++] = i;
      lastSpace = false;
    } else if (kind === Kind.Space && code !== SPACE && isPhraseDash(input, i)) {
      if (len >= outBuf.length) [outBuf, map] = grow(outBuf, map);
      outBuf[len] = PHRASE_DASH;
      map[len++] = i;
      lastSpace = false;
    } else if (kind === Kind.Space) {
      if (!lastSpace) {
        if (len >= outBuf.length) [outBuf, map] = grow(outBuf, map);
        outBuf[len] = SPACE;
        map[len++] = i;
        lastSpace = true;
      }
    } else if (kind === Kind.Apostrophe) {
      if (isElision(input, i)) {
        // "l’Irak": two words
        if (!lastSpace) {
          if (len >= outBuf.length) [outBuf, map] = grow(outBuf, map);
          outBuf[len] = SPACE;
          map[len++] = i;
          lastSpace = true;
        }
      }
      // A possessive ('s at a word's end) goes with its apostrophe.
      else i = afterApostrophe(input, i) - 1;
    } else if (kind === Kind.Complex) {
      const s = complexFold.get(code)!;
      for (let j = 0; j < s.length; j++) {
        if (len >= outBuf.length) [outBuf, map] = grow(outBuf, map);
        outBuf[len] = s.charCodeAt(j);
        map[len++] = i;
      }
      lastSpace = false;
    }
    // Kind.Drop: nothing
  }
  map[len] = n;
  return { text: decode(outBuf, len), map: map.slice(0, len + 1) };
}

function grow(a: Uint16Array, m: Uint32Array): [Uint16Array<ArrayBuffer>, Uint32Array<ArrayBuffer>] {
  const b = new Uint16Array(a.length * 2);
  b.set(a);
  const mm = new Uint32Array(a.length * 2 + 1);
  mm.set(m);
  return [b, mm];
}

/** Code units to a string; chunked, and exact for lone surrogates (a TextDecoder would replace them). */
function decode(buf: Uint16Array, len: number): string {
  let s = '';
  for (let i = 0; i < len; i += 8192) {
    s += String.fromCharCode.apply(null, buf.subarray(i, Math.min(len, i + 8192)) as unknown as number[]);
  }
  return s;
}

/** Normalises a short string (an alias, a query) without keeping the map. */
export function normalizeKey(s: string): string {
  return normalize(s).text.trim();
}
