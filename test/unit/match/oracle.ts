import type { MatchableEntity } from '../../../lib/match/compile';
import { CONTEXT_WINDOW, type Mention } from '../../../lib/match/find';
import { expandPattern } from '../../../lib/match/pattern';
import { isWordUnit, normalize } from '../../../lib/text/normalize';

/**
 * A deliberately naive matcher with the rules of lib/match, for property tests: it normalises the
 * whole text first (lib/text's normalize, with its offset map) and tries every pattern at every word
 * start with startsWith. Slow and obvious; the compiled matcher must find exactly what it finds.
 */

interface Pattern {
  key: string;
  entity: number;
  weak: boolean;
  acronym: boolean;
  context: boolean;
  blocker: boolean;
  capital: number;
}

const isUpper = (ch: string): boolean => ch !== ch.toLowerCase();
const isLower = (ch: string): boolean => ch !== ch.toUpperCase();

function patterns(entities: readonly MatchableEntity[]): Pattern[] {
  const out: Pattern[] = [];
  const add = (entity: number, text: string, kind: Partial<Pattern>): void => {
    for (const literal of expandPattern(text)) {
      const { text: t, map } = normalize(literal);
      const key = t.trim();
      if (!key) continue;
      let capital = -1;
      if (!kind.blocker) {
        for (let k = 0; k < key.length; k++) {
          if (isUpper(literal[map[k]!]!)) {
            capital = k;
            break;
          }
        }
      }
      const letters = literal.replace(/[^\p{L}]/gu, '');
      const capsContext = !!kind.context && letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
      out.push({ key, entity, weak: false, acronym: capsContext, context: false, blocker: false, capital, ...kind, ...(capsContext ? { acronym: true } : {}) });
    }
  };
  entities.forEach((e, i) => {
    for (const a of e.aliases) add(i, a.text, { weak: !!a.weak, acronym: !!a.acronym });
    for (const c of e.context ?? []) add(i, c, { context: true });
    for (const b of e.blockers ?? []) add(i, b, { blocker: true });
  });
  return out;
}

function inCapitals(input: string, start: number, end: number): boolean {
  if ([...input.slice(start, end)].some(isLower)) return false;
  let letters = 0;
  for (let k = start - 1; k >= Math.max(0, start - 30); k--) {
    const ch = input[k]!;
    if (ch === '\n') break;
    if (isLower(ch)) return false;
    if (isUpper(ch)) letters++;
  }
  for (let k = end; k < Math.min(input.length, end + 30); k++) {
    const ch = input[k]!;
    if (ch === '\n') break;
    if (isLower(ch)) return false;
    if (isUpper(ch)) letters++;
  }
  return letters >= 4;
}

/** The mentions the rules of lib/match give for `input` (see the module comment). */
export function naiveMentions(entities: readonly MatchableEntity[], input: string, named?: ReadonlySet<number>): Mention[] {
  const all = patterns(entities);
  const { text, map } = normalize(input);
  const ok = (p: Pattern, i: number, j: number): boolean => {
    if (p.blocker) return true;
    const start = map[i]!;
    const end = map[j - 1]! + 1;
    if (p.acronym) {
      for (let k = start; k < end; k++) if (isLower(input[k]!)) return false;
    } else if (p.capital >= 0 && !isUpper(input[map[i + p.capital]!]!)) return false;
    return !(p.weak && !p.context && inCapitals(input, start, end));
  };
  const cands: { i: number; j: number; ps: Pattern[] }[] = [];
  const contexts: { entity: number; at: number }[] = [];
  let i = 0;
  let afterMatch = false;
  while (i < text.length) {
    const startsWord = isWordUnit(text.charCodeAt(i)) && (i === 0 || afterMatch || !isWordUnit(text.charCodeAt(i - 1)));
    afterMatch = false;
    if (!startsWord) {
      i++;
      continue;
    }
    let best: { i: number; j: number; ps: Pattern[] } | undefined;
    for (let len = 1; i + len <= text.length; len++) {
      const j = i + len;
      if (j < text.length && isWordUnit(text.charCodeAt(j)) && isWordUnit(text.charCodeAt(j - 1))) continue;
      const here = all.filter((p) => p.key.length === len && text.startsWith(p.key, i) && ok(p, i, j));
      for (const p of here) if (p.context) contexts.push({ entity: p.entity, at: map[i]! });
      const ps = here.filter((p) => !p.context);
      if (ps.length) best = { i, j, ps };
    }
    if (best) {
      cands.push(best);
      i = best.j;
      afterMatch = true;
    } else i++;
  }
  const strong = new Set(cands.flatMap((c) => c.ps.filter((p) => !p.weak && !p.blocker).map((p) => p.entity)));
  const mentions: Mention[] = [];
  for (const c of cands) {
    const at = map[c.i]!;
    const blocked = c.ps.some((p) => p.blocker);
    const strongP = c.ps.find((p) => !p.blocker && !p.weak);
    if (strongP) {
      mentions.push({ start: at, end: map[c.j - 1]! + 1, entity: strongP.entity });
      continue;
    }
    if (blocked) continue;
    const weak = c.ps.find(
      (p) => strong.has(p.entity) || named?.has(p.entity) || contexts.some((x) => x.entity === p.entity && Math.abs(x.at - at) <= CONTEXT_WINDOW),
    );
    if (weak) mentions.push({ start: at, end: map[c.j - 1]! + 1, entity: weak.entity, weak: true });
  }
  return mentions;
}
