import type { MatchableEntity } from '../../../lib/match/compile';
import { AGAINST_WINDOW, CONTEXT_WINDOW, type Mention } from '../../../lib/match/find';
import givenNamesData from '../../../lib/match/given-names.json';
import placeWordsData from '../../../lib/match/place-words.json';
import { expandPattern } from '../../../lib/match/pattern';
import { DASHES, isWordUnit, Kind, kindOf, normalize, normalizeKey } from '../../../lib/text/normalize';

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
  /** A given name (`entity` -1). */
  given: boolean;
  /** A place standing for its state: not where it is only the scene. */
  place: boolean;
  capital: number;
  /** Where the literal has capitals (what an acronym asks of the text, up to 23 characters). */
  caps: number[];
}

const isUpper = (ch: string): boolean => ch !== ch.toLowerCase();
const isLower = (ch: string): boolean => ch !== ch.toUpperCase();

function patterns(entities: readonly MatchableEntity[], givenNames: readonly string[]): Pattern[] {
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
      const caps = key.length <= 23 ? Array.from({ length: key.length }, (_, k) => k).filter((k) => isUpper(literal[map[k]!]!)) : [];
      const letters = literal.replace(/[^\p{L}]/gu, '');
      const capsContext = !!kind.context && letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
      out.push({ key, entity, weak: false, acronym: capsContext, context: false, blocker: false, given: false, place: false, capital, caps, ...kind, ...(capsContext ? { acronym: true } : {}) });
    }
  };
  entities.forEach((e, i) => {
    for (const a of e.aliases) add(i, a.text, { weak: !!a.weak, acronym: !!a.acronym, place: !!a.place });
    for (const c of e.context ?? []) add(i, c, { context: true });
    // (words against an entity are context words of entity -2 - i)
    for (const c of e.against ?? []) add(-2 - i, c, { context: true });
    for (const b of e.blockers ?? []) add(i, b, { blocker: true });
  });
  // Given names, each once (entity -1); an entity's own given names before its weak aliases are weak aliases.
  const words = (key: string): string[] => key.split('').map((ch) => (isWordUnit(ch.charCodeAt(0)) ? ch : ' ')).join('').split(' ').filter(Boolean);
  const given = new Map<string, string>();
  for (const name of givenNames) {
    const key = normalize(name).text.trim();
    if (key && !given.has(key)) given.set(key, name);
  }
  const aliases = out.filter((p) => !p.context && !p.blocker);
  entities.forEach((e, i) => {
    const own = [...new Set(aliases.filter((p) => p.entity === i).flatMap((p) => words(p.key)).filter((w) => given.has(w)))].map((w) => given.get(w)!);
    for (const a of e.aliases.filter((a) => a.weak && !a.acronym)) {
      for (const literal of expandPattern(a.text)) {
        for (const name of own) {
          const combo = `${name} ${literal}`;
          if (!aliases.some((p) => p.entity === i && p.key === normalize(combo).text.trim())) add(i, combo, { weak: true });
        }
      }
    }
  });
  for (const name of given.values()) add(-1, name, { given: true });
  return out;
}

function inCapitals(input: string, start: number, end: number): boolean {
  if ([...input.slice(start, end)].some(isLower)) return false;
  let letters = 0;
  // 30 characters either side as the normaliser reads them: what it drops is skipped, a run of white space is one
  const side = (chars: string[]): boolean => {
    const read = chars.filter((ch) => ![Kind.Drop, Kind.Apostrophe].includes(kindOf(ch.charCodeAt(0))));
    const kept = read.filter((ch, k) => ch === '\n' || !(kindOf(ch.charCodeAt(0)) === Kind.Space && k > 0 && kindOf(read[k - 1]!.charCodeAt(0)) === Kind.Space));
    for (const ch of kept.slice(0, 30)) {
      if (ch === '\n') break;
      if (isLower(ch)) return false;
      if (isUpper(ch)) letters++;
    }
    return true;
  };
  return side(input.slice(0, start).split('').reverse()) && side(input.slice(end).split('')) && letters >= 4;
}

const NAME_SPACE = /[\t-\r \u00a0\u2000-\u200a\u202f]/;

const TITLES = new Set(givenNamesData.titles.map(normalizeKey));
const POSITIONS = new Set(placeWordsData.positions.map(normalizeKey));
const NOT_AFTER = new Set(givenNamesData.titlesNotAfter.map(normalizeKey));
/** A title right before `at`: white space, before it an optional full stop and a title not after a dash, a full stop or one of titlesNotAfter. */
function titleBefore(input: string, at: number): boolean {
  const chars = [...input.slice(0, at)].filter((ch) => !isDrop(ch));
  let k = chars.length;
  while (k > 0 && NAME_SPACE.test(chars[k - 1]!)) k--;
  if (k === chars.length || k === 0) return false;
  if (chars[k - 1] === '.') k--;
  const end = k;
  while (k > 0 && kindOf(chars[k - 1]!.charCodeAt(0)) === Kind.Word) k--;
  if (k === end || ['.', ...DASHES].includes(chars[k - 1] ?? '')) return false;
  if (!TITLES.has(normalizeKey(chars.slice(k, end).join('')))) return false;
  // the word before the title, after white space: word characters and apostrophes, with dashes between them
  let j = k;
  while (j > 0 && NAME_SPACE.test(chars[j - 1]!)) j--;
  const kind = (q: number): Kind => kindOf(chars[q]!.charCodeAt(0));
  if (j === k || j === 0 || kind(j - 1) !== Kind.Word) return true;
  let i = j;
  while (i > 0 && (kind(i - 1) === Kind.Word || kind(i - 1) === Kind.Apostrophe || (DASHES.includes(chars[i - 1]!) && i > 1 && kind(i - 2) === Kind.Word))) i--;
  return !NOT_AFTER.has(normalizeKey(chars.slice(i, j).join('')));
}
const isDrop = (ch: string): boolean => kindOf(ch.charCodeAt(0)) === Kind.Drop;
/** The white space between two words of a name at the start of `s`: spaces and dropped characters; '' if not one space, or over 8. */
function spaceRun(s: string): string {
  let k = 0;
  while (k < s.length && (NAME_SPACE.test(s[k]!) || isDrop(s[k]!))) k++;
  const run = s.slice(0, k);
  return NAME_SPACE.test(run) && run.length <= 8 ? run : '';
}
/** A given name's gap to its surname: white space, with up to two initials ("B. ") in it. */
function isNameGap(gap: string): boolean {
  let rest = gap;
  for (let initials = 0; initials <= 2; initials++) {
    const run = spaceRun(rest);
    if (run === '') return false;
    rest = rest.slice(run.length);
    if (rest === '') return true;
    let k = 1;
    while (k < rest.length && isDrop(rest[k]!)) k++;
    if (!isUpper(rest[0]!) || rest[k] !== '.') return false;
    rest = rest.slice(k + 1);
  }
  return false;
}
const NOT_SURNAMES = new Set(givenNamesData.notSurnames.map((w) => normalize(w).text));
/**
 * A capitalised word right after a weak alias that ends at `end` reads as a surname ("Austin Tice"):
 * after white space, a capital and lower-case letters, not where the next candidate (starting at
 * `nextNames`) names something, not on the notSurnames list, joined on by a dash only to another capitalised part:
 * where it ends, and whether a capitalised word comes after it (a title, where case tells nothing).
 */
function surnameAfter(input: string, end: number, nextNames: number): { end: number; title: boolean } | undefined {
  const run = spaceRun(input.slice(end));
  if (run === '') return undefined;
  const w = end + run.length;
  let we = w;
  while (we < input.length && [Kind.Word, Kind.Drop, Kind.Apostrophe].includes(kindOf(input.charCodeAt(we)))) we++;
  const word = input.slice(w, we);
  if (word === '' || !isUpper(word[0]!) || ![...word.slice(1)].some(isLower)) return undefined;
  if (w === nextNames || NOT_SURNAMES.has(normalize(word).text)) return undefined;
  let after = input.slice(we);
  // a dash may join on another capitalised part ("American-Statesman"), nothing else ("Covid-19")
  while (after !== '' && kindOf(after.charCodeAt(0)) === Kind.Space && !NAME_SPACE.test(after[0]!)) {
    let up = 1;
    while (up < after.length && isDrop(after[up]!)) up++;
    let k = up + 1;
    while (k < after.length && isDrop(after[k]!)) k++;
    if (!(k < after.length && isUpper(after[up]!) && isLower(after[k]!))) return undefined;
    while (k < after.length && [Kind.Word, Kind.Drop, Kind.Apostrophe].includes(kindOf(after.charCodeAt(k)))) k++;
    after = after.slice(k);
  }
  let k = 0;
  while (k < after.length && (NAME_SPACE.test(after[k]!) || isDrop(after[k]!))) k++;
  return { end: input.length - after.length, title: !(k === after.length || !isUpper(after[k]!)) };
}

/** A dateline's place: in capitals, then "("; or at a line's start, then "(", or (in capitals) a dash or a comma. */
function isDateline(input: string, at: number, end: number): boolean {
  const capitals = ![...input.slice(at, end)].some(isLower);
  let k = end;
  while (k < input.length && (NAME_SPACE.test(input[k]!) || isDrop(input[k]!))) k++;
  const lineStart = [...input.slice(0, at).split('\n').at(-1)!].every((ch) => NAME_SPACE.test(ch) || isDrop(ch));
  if (input[k] === '(') {
    // a photo caption's position, "(center)", is no agency
    const rest = [...input.slice(k + 1)].filter((ch) => !isDrop(ch));
    let i = 0;
    while (i < rest.length && NAME_SPACE.test(rest[i]!)) i++;
    let j = i;
    while (j < rest.length && kindOf(rest[j]!.charCodeAt(0)) === Kind.Word) j++;
    if (j > i && POSITIONS.has(normalizeKey(rest.slice(i, j).join('')))) return false;
    return capitals || lineStart;
  }
  return capitals && (input[k] === ',' || DASHES.includes(input[k] ?? ',')) && lineStart;
}

const placeSet = (list: readonly string[]): Set<string> => new Set(list.map(normalizeKey));
const PLACE_WORDS = {
  scene: placeSet(placeWordsData.scene),
  motion: placeSet(placeWordsData.motion),
  towards: placeSet(placeWordsData.towards),
  areas: placeSet(placeWordsData.areas),
  rulers: placeSet(placeWordsData.rulers),
  ruled: placeSet(placeWordsData.ruled),
};

/** Up to `count` words before `at`, nearest first, normalised (with where each starts), while only white space stands between them (a hyphen may join a word's parts). */
function wordsBefore(input: string, at: number, count: number): { key: string; start: number }[] {
  const out: { key: string; start: number }[] = [];
  let k = at;
  while (out.length < count) {
    let j = k;
    let space = false;
    while (j > 0 && (NAME_SPACE.test(input[j - 1]!) || isDrop(input[j - 1]!))) {
      if (NAME_SPACE.test(input[j - 1]!)) space = true;
      j--;
    }
    if (!space || j === 0 || kindOf(input.charCodeAt(j - 1)) !== Kind.Word) break;
    let s = j;
    // (a dash joins parts of a word where a word character stands before it, dropped characters aside)
    const wordBeforeDash = (q: number): boolean => [...input.slice(0, q)].filter((ch) => !isDrop(ch)).map((ch) => kindOf(ch.charCodeAt(0))).at(-1) === Kind.Word;
    const inWord = (q: number): boolean => [Kind.Word, Kind.Drop, Kind.Apostrophe].includes(kindOf(input.charCodeAt(q))) || (DASHES.includes(input[q]!) && wordBeforeDash(q));
    while (s > 0 && inWord(s - 1)) s--;
    out.push({ key: normalizeKey(input.slice(s, j)), start: s });
    k = s;
  }
  return out;
}

/** Whether the sentence before `at` (CONTEXT_WINDOW characters back at most) has a ruler then a ruled word ("officials in Tehran"). */
function rulerInSentence(input: string, at: number): boolean {
  const sentence = input.slice(Math.max(0, at - CONTEXT_WINDOW), at).split(/[.!?;\n\r\u061f]/).at(-1)!;
  const words = normalize(sentence).text.split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
  return words.some((x, i) => i > 0 && PLACE_WORDS.ruled.has(x) && (PLACE_WORDS.rulers.has(words[i - 1]!) || (i > 1 && PLACE_WORDS.rulers.has(`${words[i - 2]} ${words[i - 1]}`))));
}

/** A place only as the scene: after a scene word (not a ruler's "in"), a word of motion and "to", an area and "of", a joined ب; a dateline's or byline's place; never before a possessive. */
function isScene(input: string, at: number, end: number): boolean {
  const blank = (ch: string): boolean => (NAME_SPACE.test(ch) && ch !== '\n' && ch !== '\r') || isDrop(ch);
  let k = end;
  while (k < input.length && isDrop(input[k]!)) k++;
  if (k < input.length && kindOf(input.charCodeAt(k)) === Kind.Apostrophe) return false;
  if ([...input.slice(0, at)].filter((ch) => !isDrop(ch)).at(-1) === 'ب') return true;
  const lineBefore = input.slice(0, at).split(/[\n\r]/).at(-1)!;
  const lineAfter = input.slice(end).split(/[\n\r]/)[0]!;
  const before = [...lineBefore].filter((ch) => !blank(ch)).join('');
  let a = 0;
  while (a < lineAfter.length && blank(lineAfter[a]!)) a++;
  const rest = lineAfter.slice(a);
  if (before === '' && rest === '') return true;
  const dash = (ch: string | undefined): boolean => ch !== undefined && DASHES.includes(ch);
  if (before === '' && (rest[0] === '/' || dash(rest[0]))) return true;
  if (before === '' && rest[0] === ',' && normalize(rest.slice(1)).text.slice(0, 24).includes('(')) return true;
  if (before === '') {
    let w = 0;
    while (w < rest.length && (kindOf(rest.charCodeAt(w)) === Kind.Word || isDrop(rest[w]!))) w++;
    const word = [...rest.slice(0, w)];
    let r = w;
    while (r < rest.length && blank(rest[r]!)) r++;
    if (word.filter(isUpper).length >= 2 && !word.some(isLower) && (rest[r] === '(' || dash(rest[r]))) return true;
  }
  if (rest === '' && (/[,|•]$/.test(before) || dash(before.at(-1)))) return true;
  const words = wordsBefore(input, at, 3);
  if (words[0]?.key === 'the') words.shift();
  if (words[0] === undefined) return false;
  const w = words[0].key;
  const ruler = words[1]?.key ?? '';
  if (PLACE_WORDS.scene.has(w)) return !(PLACE_WORDS.ruled.has(w) && (PLACE_WORDS.rulers.has(ruler) || rulerInSentence(input, words[0].start)));
  if (PLACE_WORDS.towards.has(w)) return PLACE_WORDS.motion.has(ruler);
  return w === 'of' && PLACE_WORDS.areas.has(ruler);
}

/** A possessive's ending before the next word: an apostrophe, an optional s, white space ("Iran's parliament"), dropped characters anywhere. */
function isPossessiveGap(gap: string): boolean {
  let k = 0;
  while (k < gap.length && isDrop(gap[k]!)) k++;
  if (k >= gap.length || kindOf(gap.charCodeAt(k)) !== Kind.Apostrophe) return false;
  k++;
  while (k < gap.length && isDrop(gap[k]!)) k++;
  if (gap[k] === 's' || gap[k] === 'S') k++;
  const rest = gap.slice(k);
  return rest !== '' && spaceRun(rest) === rest;
}

/** The mentions the rules of lib/match give for `input` (see the module comment). */
export function naiveMentions(entities: readonly MatchableEntity[], input: string, named?: ReadonlySet<number>, givenNames: readonly string[] = givenNamesData.names): Mention[] {
  const all = patterns(entities, givenNames);
  const { text, map } = normalize(input);
  const ok = (p: Pattern, i: number, j: number): boolean => {
    if (p.blocker) return true;
    const start = map[i]!;
    const end = map[j - 1]! + 1;
    if (p.acronym && p.caps.length) {
      if (p.caps.some((k) => isLower(input[map[i + k]!]!))) return false;
    } else if (p.acronym) {
      for (let k = start; k < end; k++) if (isLower(input[k]!)) return false;
    } else if (p.capital >= 0 && !isUpper(input[map[i + p.capital]!]!)) return false;
    // in a line of capitals a weak acronym is not trusted; another weak alias is weighed when chosen
    return !(p.weak && !p.context && p.acronym && inCapitals(input, start, end));
  };
  type Cand = { i: number; j: number; ps: Pattern[] };
  const contexts: { entity: number; at: number }[] = [];
  /**
   * The candidates over text[from, to) (`from` starts a word): each ends by `to`, the one at `from`
   * by `firstLimit`; context words are recorded only if `record`.
   */
  const scan = (from: number, to: number, firstLimit: number, record: boolean): Cand[] => {
    const cands: Cand[] = [];
    /** The longest pattern at i; with `lead`, patterns that begin with it, the text at i holding the rest. */
    const longestAt = (i: number, limit: number, lead = ''): Cand | undefined => {
      let best: Cand | undefined;
      for (let len = 1; i + len <= limit; len++) {
        const j = i + len;
        if (j < text.length && isWordUnit(text.charCodeAt(j)) && isWordUnit(text.charCodeAt(j - 1))) continue;
        const here = all.filter((p) => p.key.length === lead.length + len && p.key.startsWith(lead) && text.startsWith(p.key.slice(lead.length), i) && ok(p, i, j));
        if (record) for (const p of here) if (p.context) contexts.push({ entity: p.entity, at: map[i]! });
        const ps = here.filter((p) => !p.context);
        if (ps.length) best = { i, j, ps };
      }
      return best;
    };
    // the preposition ل before the article ال is written لل: a name in ال is tried with its alef read as written
    const after = (c: string, k: number, limit: number): Cand | undefined =>
      longestAt(k, limit) ?? (c === 'ل' && raw(k) === 'ل' ? longestAt(k, limit, 'ا') : undefined);
    // an Arabic word may carry a conjunction (و ف), a preposition (ب ل ك) or both joined to its front
    // (each followed, in the original text, by an Arabic letter with only dropped characters between)
    const joined = (k: number): boolean => {
      if (k >= text.length) return false;
      for (let r = map[k - 1]! + 1; r < map[k]!; r++) if (!isDrop(input[r]!)) return false;
      return /^[\u0621-\u063f\u0641-\u064a\u0671-\u06d3]$/.test(input[map[k]!]!);
    };
    const raw = (k: number): string => input[map[k]!]!;
    let i = from;
    let afterMatch = false;
    while (i < to) {
      const startsWord = isWordUnit(text.charCodeAt(i)) && (i === from || afterMatch || !isWordUnit(text.charCodeAt(i - 1)));
      afterMatch = false;
      if (!startsWord) {
        i++;
        continue;
      }
      const limit = i === from ? firstLimit : to;
      let best = longestAt(i, limit);
      if (!best && 'وفبلك'.includes(raw(i)) && joined(i + 1)) {
        best = after(raw(i), i + 1, limit);
        if (!best && 'وف'.includes(raw(i)) && 'بلك'.includes(raw(i + 1)) && joined(i + 2)) best = after(raw(i + 1), i + 2, limit);
      }
      if (best) {
        cands.push(best);
        i = best.j;
        afterMatch = true;
      } else i++;
    }
    return cands;
  };
  const cands = scan(0, text.length, text.length, true);
  const strong = new Set(cands.flatMap((c) => c.ps.filter((p) => !p.weak && !p.blocker && !p.given).map((p) => p.entity)));
  const surnameOf = (list: Cand[], ci: number) => {
    const next = list[ci + 1];
    const nextNames = next !== undefined && next.ps.some((p) => !p.given && !p.blocker) ? map[next.i]! : -1;
    return surnameAfter(input, map[list[ci]!.j - 1]! + 1, nextNames);
  };
  // weak alias + surname pairs written where case tells, which a title's same pair is read as
  const pairs = new Set<string>();
  for (const [ci, c] of cands.entries()) {
    const r = isUpper(input[map[c.i]!]!) && c.ps.some((p) => p.weak && !p.blocker && !p.given) ? surnameOf(cands, ci) : undefined;
    if (r && !r.title) pairs.add(normalize(input.slice(map[c.i]!, r.end)).text);
  }
  const isNamePair = (list: Cand[], ci: number): boolean => {
    const r = surnameOf(list, ci);
    return r !== undefined && (!r.title || pairs.has(normalize(input.slice(map[list[ci]!.i]!, r.end)).text));
  };

  // a place, a comma and white space, then a name of its own state or a district: an address ("Cairo, Egypt", "Washington, D.C.")
  const isAddress = (list: Cand[], ci: number, entity: number): boolean => {
    let k = map[list[ci]!.j - 1]! + 1;
    while (k < input.length && isDrop(input[k]!)) k++;
    if (input[k] !== ',') return false;
    const from = ++k;
    while (k < input.length && ((NAME_SPACE.test(input[k]!) && input[k] !== '\n' && input[k] !== '\r') || isDrop(input[k]!))) k++;
    if (k === from) return false;
    const next = list[ci + 1];
    if (next && map[next.i] === k && next.ps.some((p) => p.entity === entity && !p.blocker && !p.given)) return true;
    return placeWordsData.districts.some((d) => input.startsWith(d, k) && kindOf(input.charCodeAt(k + d.length)) !== Kind.Word);
  };

  const mentions: Mention[] = [];
  const choose = (list: Cand[], exclude?: ReadonlySet<number>): void => {
    let given: number | undefined; // where the candidate before ends, if it is a given name that named nothing
    for (const [ci, c] of list.entries()) {
      const at = map[c.i]!;
      const end = map[c.j - 1]! + 1;
      const after = given !== undefined && isNameGap(input.slice(given, at));
      const isGiven = c.ps.some((p) => p.given);
      const ps = c.ps.filter((p) => !p.given && !exclude?.has(p.entity));
      const blocked = ps.some((p) => p.blocker);
      const strongP = ps.find((p) => !p.blocker && !p.weak);
      let mention: Mention | undefined;
      let unconfirmed = false;
      if (strongP) mention = strongP.place && (isScene(input, at, end) || isAddress(list, ci, strongP.entity)) ? undefined : { start: at, end, entity: strongP.entity };
      else if (!blocked) {
        // in a line of capitals only a strong alias elsewhere confirms a weak one; after a title, the title does
        const capitals = inCapitals(input, at, end);
        const weak = ps.find(
          (p) =>
            p.weak &&
            !after &&
            !contexts.some((x) => x.entity === -2 - p.entity && Math.abs(x.at - at) <= AGAINST_WINDOW) &&
            (strong.has(p.entity) ||
              named?.has(p.entity) ||
              (!capitals && (titleBefore(input, at) || contexts.some((x) => x.entity === p.entity && Math.abs(x.at - at) <= CONTEXT_WINDOW)))),
        );
        unconfirmed = !weak && !after;
        if (weak && !(isUpper(input[at]!) && isNamePair(list, ci))) mention = { start: at, end, entity: weak.entity, weak: true };
        const owner = mentions.at(-1);
        if (mention && owner && owner.entity !== mention.entity && isPossessiveGap(input.slice(owner.end, at)) && !contexts.some((x) => x.entity === mention!.entity && x.at === owner.start)) {
          mention = undefined;
        }
        if (mention && isDateline(input, at, end)) mention = undefined;
        if (mention && weak!.place && (isScene(input, at, end) || isAddress(list, ci, weak!.entity))) mention = undefined;
      }
      if (mention) mentions.push(mention);
      // a weak alias not confirmed leaves its words to the shorter names in it; a blocker, to all but its entity's
      else if (blocked && !strongP && !after && !isGiven) choose(scan(c.i, c.j, c.j - 1, false), new Set([...(exclude ?? []), ...ps.filter((p) => p.blocker).map((p) => p.entity)]));
      else if (unconfirmed && !isGiven) choose(scan(c.i, c.j, c.j - 1, false), exclude);
      given = isGiven && !mention ? end : undefined;
    }
  };
  choose(cands);
  // a combining mark after a mention's last letter is the letter's
  return mentions.map((x) => {
    let end = x.end;
    while (end < input.length && /\p{Mn}/u.test(input[end]!)) end++;
    return end === x.end ? x : { ...x, end };
  });
}
