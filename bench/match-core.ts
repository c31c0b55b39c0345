import { compileMatcher, type CompiledMatcher } from '../lib/match/compile';
import { findMentions } from '../lib/match/find';
import { isWordUnit } from '../lib/text/normalize';
import { generateCatalog, generateText, type GeneratedCatalog } from './generate';
import { race, type Timing } from './registry';

/**
 * The matching benchmark's core, free of Node APIs so that it runs the same in Node and, bundled
 * with esbuild, in a Chromium page: per catalog size and text size, the ms per MB of the character
 * loop (the floor), a word-boundary loop, Backstory's findMentions, and one big RegExp alternation.
 */

/** One escaped alternation of every alias, longest first (so the leftmost match is the longest), with \b. */
export function aliasRegExp(aliases: readonly string[]): RegExp {
  const escaped = [...aliases].sort((a, b) => b.length - a.length).map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`\\b(?:${escaped.join('|')})\\b`, 'g');
}

/** Spans [start, end] the RegExp finds in `text`. */
export function regexpSpans(re: RegExp, text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(re)) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** The floor: a loop that reads every character code and does nothing else. */
export function charLoop(text: string): number {
  let s = 0;
  for (let i = 0; i < text.length; i++) s = (s + text.charCodeAt(i)) | 0;
  return s;
}

let wordTable: Uint8Array | undefined;

/**
 * A second floor: a loop that reads each character code, looks up whether it is part of a word in a
 * 64K table, and counts word starts: what any word-boundary-respecting matcher must at least do.
 */
export function wordLoop(text: string): number {
  const table = (wordTable ??= Uint8Array.from({ length: 0x10000 }, (_, c) => (isWordUnit(c) ? 1 : 0)));
  let words = 0;
  let prev = 0;
  for (let i = 0; i < text.length; i++) {
    const w = table[text.charCodeAt(i)]!;
    if (w > prev) words++;
    prev = w;
  }
  return words;
}

/** Figures of one catalog size × text size. */
export interface MatchRow {
  aliases: number;
  textKB: number;
  /** ms per MB of text (1 MB = 2^20 UTF-16 units), per contender. */
  msPerMB: Record<string, Timing>;
  mentions: number;
}

/** Options of a matching run. */
export interface MatchOptions {
  catalogSizes: readonly number[];
  textSizes: readonly number[];
  arabic: boolean;
  rounds: number;
  /** Catalog sizes at which the RegExp runs too (its compile takes seconds at 100,000). */
  regexpSizes: readonly number[];
  log?: (line: string) => void;
}

/** Runs the floor, Backstory and the RegExp, interleaved, over every catalog and text size. */
export function runMatch(options: MatchOptions): MatchRow[] {
  const rows: MatchRow[] = [];
  for (const size of options.catalogSizes) {
    const catalog: GeneratedCatalog = generateCatalog(size, { arabic: options.arabic, seed: size });
    const matcher: CompiledMatcher = compileMatcher(catalog.entities);
    const re = options.regexpSizes.includes(size) ? aliasRegExp(catalog.aliases) : undefined;
    for (const bytes of options.textSizes) {
      const text = generateText(catalog, bytes, size + bytes);
      const contenders: Record<string, () => unknown> = {
        floor: () => charLoop(text),
        words: () => wordLoop(text),
        backstory: () => findMentions(matcher, text),
      };
      if (re) contenders.regexp = () => regexpSpans(re, text);
      const per = (1 << 20) / text.length;
      const rounds = Math.max(options.rounds, Math.min(200, Math.round(options.rounds * (1 << 20) / bytes / 4)));
      const t = race(contenders, { rounds, warmup: 3 });
      const msPerMB = Object.fromEntries(
        Object.entries(t).map(([k, v]) => [k, { median: v.median * per, min: v.min * per, max: v.max * per, runs: v.runs }]),
      );
      const row = { aliases: size, textKB: Math.round(bytes / 1024), msPerMB, mentions: findMentions(matcher, text).length };
      rows.push(row);
      options.log?.(formatRow(row));
    }
  }
  return rows;
}

/** One printed line of a MatchRow: medians (min–max) and the ratios that the targets are about. */
export function formatRow(row: MatchRow): string {
  const f = (x: number): string => x.toFixed(1);
  const cell = (k: string): string => {
    const t = row.msPerMB[k];
    return t ? `${k} ${f(t.median)} (${f(t.min)}–${f(t.max)})` : '';
  };
  const b = row.msPerMB.backstory!.median;
  const ratios = [`backstory/floor ${f(b / row.msPerMB.floor!.median)}x`, `words/floor ${f(row.msPerMB.words!.median / row.msPerMB.floor!.median)}x`];
  if (row.msPerMB.regexp) ratios.push(`regexp/backstory ${f(row.msPerMB.regexp.median / b)}x`);
  return `${String(row.aliases).padStart(6)} aliases ${String(row.textKB).padStart(5)} KB | ms/MB ${[cell('floor'), cell('words'), cell('backstory'), cell('regexp')].filter(Boolean).join(' | ')} | ${ratios.join(', ')}`;
}
