import { isWordUnit, normalize } from '../text/normalize';
import { type CompiledMatcher, PatternFlag } from './compile';

/** A span of the original text (UTF-16 offsets, end exclusive) that names the entity at `entity`. */
export interface Mention {
  readonly start: number;
  readonly end: number;
  /** Index of the entity in the list the matcher was compiled from. */
  readonly entity: number;
}

/** How far (in normalised characters) a context word may stand from a weak alias and still confirm it. */
export const CONTEXT_WINDOW = 400;

function step(m: CompiledMatcher, node: number, c: number): number {
  let lo = m.edgeStart[node]!;
  let hi = m.edgeStart[node + 1]! - 1;
  const chars = m.edgeChar;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = chars[mid]!;
    if (v === c) return m.edgeChild[mid]!;
    if (v < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const isUpper = (ch: string): boolean => ch !== ch.toLowerCase();
const isLower = (ch: string): boolean => ch !== ch.toUpperCase();

/** True when the letters around [start, end) of `input` are all capitals (a headline, a shout). */
function inCapitals(input: string, start: number, end: number): boolean {
  let letters = 0;
  const scan = (from: number, to: number): boolean => {
    for (let k = from; k < to; k++) {
      const ch = input[k]!;
      if (ch === '\n') break;
      if (isLower(ch)) return false;
      if (isUpper(ch)) letters++;
    }
    return true;
  };
  const before = Math.max(0, start - 30);
  return scan(before, start) && scan(end, Math.min(input.length, end + 30)) && letters >= 4;
}

function acceptable(m: CompiledMatcher, p: number, input: string, map: Uint32Array, i: number, j: number): boolean {
  const flags = m.patternFlags[p]!;
  if (flags & PatternFlag.Blocker) return true;
  const start = map[i]!;
  const end = map[j - 1]! + 1;
  if (flags & PatternFlag.Acronym) {
    for (let k = start; k < end; k++) if (isLower(input[k]!)) return false;
  } else {
    const capital = m.patternCapital[p]!;
    if (capital >= 0 && !isUpper(input[map[i + capital]!]!)) return false;
  }
  // In a line of capitals, case says nothing: weak aliases there are not trusted.
  if (flags & PatternFlag.Weak && inCapitals(input, start, end)) return false;
  return true;
}

interface Candidate {
  i: number;
  j: number;
  patterns: number[];
}

/**
 * Finds the mentions in `input`: leftmost, longest, never overlapping, on word boundaries in any
 * script, after normalisation. A weak alias counts only where the same text also names its entity
 * by a strong alias, or where one of the entity's context words stands within CONTEXT_WINDOW.
 */
export function findMentions(m: CompiledMatcher, input: string): Mention[] {
  const { text, map } = normalize(input);
  const n = text.length;
  const candidates: Candidate[] = [];
  const contextAt: number[] = []; // pairs: entity, position
  let i = 0;
  while (i < n) {
    if (!isWordUnit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let node = 0;
    let j = i;
    let best: Candidate | undefined;
    while (j < n) {
      node = step(m, node, text.charCodeAt(j));
      if (node < 0) break;
      j++;
      const o0 = m.outStart[node]!;
      const o1 = m.outStart[node + 1]!;
      if (o0 === o1) continue;
      if (j < n && isWordUnit(text.charCodeAt(j)) && isWordUnit(text.charCodeAt(j - 1))) continue;
      let found: number[] | undefined;
      for (let o = o0; o < o1; o++) {
        const p = m.outPattern[o]!;
        if (m.patternFlags[p]! & PatternFlag.Context) {
          contextAt.push(m.patternEntity[p]!, i);
        } else if (acceptable(m, p, input, map, i, j)) {
          (found ??= []).push(p);
        }
      }
      if (found) best = { i, j, patterns: found };
    }
    if (best) {
      candidates.push(best);
      i = best.j;
    } else {
      while (i < n && isWordUnit(text.charCodeAt(i))) i++;
    }
  }
  return resolve(m, candidates, contextAt, map);
}

function resolve(m: CompiledMatcher, candidates: Candidate[], contextAt: number[], map: Uint32Array): Mention[] {
  const strong = new Set<number>();
  for (const c of candidates) {
    for (const p of c.patterns) {
      if (!(m.patternFlags[p]! & (PatternFlag.Weak | PatternFlag.Blocker))) strong.add(m.patternEntity[p]!);
    }
  }
  const nearContext = (entity: number, at: number): boolean => {
    for (let k = 0; k < contextAt.length; k += 2) {
      if (contextAt[k] === entity && Math.abs(contextAt[k + 1]! - at) <= CONTEXT_WINDOW) return true;
    }
    return false;
  };
  const mentions: Mention[] = [];
  for (const c of candidates) {
    let chosen = -1;
    let strongChoice = false;
    let blocked = false;
    for (const p of c.patterns) {
      const flags = m.patternFlags[p]!;
      const e = m.patternEntity[p]!;
      if (flags & PatternFlag.Blocker) blocked = true;
      else if (!(flags & PatternFlag.Weak)) {
        chosen = e;
        strongChoice = true;
        break;
      } else if (chosen < 0 && (strong.has(e) || nearContext(e, c.i))) chosen = e;
    }
    if (blocked && !strongChoice) continue;
    if (chosen >= 0) mentions.push({ start: map[c.i]!, end: map[c.j - 1]! + 1, entity: chosen });
  }
  return mentions;
}
