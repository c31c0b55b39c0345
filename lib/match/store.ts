import type { CompiledMatcher } from './compile';

/**
 * The stored form of a compiled matcher: one byte array that loads without re-parsing the catalog.
 *
 * Layout (little-endian): the magic "BSM1", then 10 u32 header words (format version, entity count,
 * longest pattern, word codes, and the length of each array below), then the arrays in that order,
 * each starting on a 4-byte boundary: da (i32), alphabet (u16), tails (u16), patterns (i32),
 * firstWords (i32), pairs (i32).
 * Loading makes typed-array views over the bytes (a copy only when they are not 4-byte aligned).
 */

const MAGIC = 0x314d5342; // "BSM1" read as a little-endian u32
const FORMAT = 6; // 4: given names (PatternFlag.Given); 5: an acronym's capitals as a mask; 6: pairs. An older one is compiled again.
const HEADER_WORDS = 11; // magic + 10

type ArrayName = 'da' | 'alphabet' | 'tails' | 'patterns' | 'firstWords' | 'pairs';
type Typed = Int32Array | Uint16Array;
const ARRAYS: readonly [ArrayName, new (buffer: ArrayBuffer, offset: number, length: number) => Typed][] = [
  ['da', Int32Array],
  ['alphabet', Uint16Array],
  ['tails', Uint16Array],
  ['patterns', Int32Array],
  ['firstWords', Int32Array],
  ['pairs', Int32Array],
];

const align4 = (n: number): number => (n + 3) & ~3;

/** Serialises a compiled matcher into the byte form loadMatcher reads (see the module comment). */
export function serializeMatcher(m: CompiledMatcher): Uint8Array {
  let size = HEADER_WORDS * 4;
  for (const [name] of ARRAYS) size = align4(size + m[name].byteLength);
  const bytes = new Uint8Array(size);
  const header = new Uint32Array(bytes.buffer, 0, HEADER_WORDS);
  header.set([MAGIC, FORMAT, m.entityCount, m.maxLength, m.wordCodes, ...ARRAYS.map(([name]) => m[name].length)]);
  let at = HEADER_WORDS * 4;
  for (const [name] of ARRAYS) {
    const a = m[name];
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at = align4(at + a.byteLength);
  }
  return bytes;
}

/**
 * Loads a matcher from the bytes serializeMatcher made, ready to match: its arrays are views over
 * `bytes` (which must then not be changed). Throws when the bytes are not a stored matcher.
 */
export function loadMatcher(bytes: Uint8Array): CompiledMatcher {
  if (bytes.byteLength < HEADER_WORDS * 4) throw new Error('The stored matcher is too short to hold its header.');
  const own = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const buffer = own.buffer as ArrayBuffer;
  const header = new Uint32Array(buffer, own.byteOffset, HEADER_WORDS);
  if (header[0] !== MAGIC) throw new Error('The bytes are not a stored matcher (the "BSM1" mark is missing).');
  if (header[1] !== FORMAT) throw new Error(`The stored matcher has format ${header[1]}, and this version reads format ${FORMAT} only.`);
  const arrays: Partial<Record<ArrayName, Typed>> = {};
  let at = HEADER_WORDS * 4;
  ARRAYS.forEach(([name, Type], k) => {
    const length = header[5 + k]!;
    const byteLength = length * (Type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    if (at + byteLength > own.byteLength) throw new Error(`The stored matcher is cut short (its ${name} array runs past the end).`);
    arrays[name] = new Type(buffer, own.byteOffset + at, length);
    at = align4(at + byteLength);
  });
  const da = arrays.da as Int32Array;
  const alphabet = arrays.alphabet as Uint16Array;
  const firstWords = arrays.firstWords as Int32Array;
  const pairs = arrays.pairs as Int32Array;
  const powerOfTwo = (a: Int32Array): boolean => a.length >= 1 && (a.length & (a.length - 1)) === 0;
  if (da.length < 2 || !powerOfTwo(firstWords) || !powerOfTwo(pairs)) {
    throw new Error('The stored matcher is damaged (its trie, first-word set or pair set has an impossible size).');
  }
  return {
    da,
    alphabet,
    wordCodes: header[4]!,
    tails: arrays.tails as Uint16Array,
    patterns: arrays.patterns as Int32Array,
    entityCount: header[2]!,
    maxLength: header[3]!,
    firstWords,
    pairs,
    cls: new Uint16Array(0x10000),
  };
}

/** The size in bytes of a matcher's stored form (what serializeMatcher would return), without making it. */
export function storedSize(m: CompiledMatcher): number {
  let size = HEADER_WORDS * 4;
  for (const [name] of ARRAYS) size = align4(size + m[name].byteLength);
  return size;
}
