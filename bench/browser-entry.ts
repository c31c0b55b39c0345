import { runMatch, type MatchOptions, type MatchRow } from './match-core';

/** What the bundle puts on the page's globalThis for the Chromium part to call. */
export interface BrowserBench {
  runMatch(options: Omit<MatchOptions, 'log'>): MatchRow[];
}

(globalThis as unknown as { backstoryBench: BrowserBench }).backstoryBench = { runMatch: (options) => runMatch(options) };
