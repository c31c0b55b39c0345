/**
 * The benchmark's registry of named parts: `npm run bench` runs them all, `npm run bench -- NAME`
 * runs one. A part is added with definePart() in its own module, imported by bench/index.ts.
 */

/** One benchmark part: a name, one line saying what it measures, and the run that returns its figures. */
export interface BenchPart {
  readonly name: string;
  /** A group several parts share (`npm run bench -- matcher` runs every matcher part). */
  readonly group?: string;
  readonly description: string;
  /** Measures the built extension: `npm run bench` builds it before such parts run (see bench/build.ts). */
  readonly needsBuild?: boolean;
  /** Prints its figures as it goes and returns them (plain JSON) for bench/results/latest.json. */
  readonly run: () => Promise<unknown>;
}

const parts = new Map<string, BenchPart>();

/**
 * BENCH_TINY=1 shrinks every part to token sizes: the smoke test runs the whole benchmark that way
 * so its code cannot rot; figures from such a run mean nothing.
 */
export const TINY = typeof process !== 'undefined' && process.env.BENCH_TINY === '1';

/** Registers a part under its name (names are unique). */
export function definePart(part: BenchPart): void {
  if (parts.has(part.name)) throw new Error(`A benchmark part named "${part.name}" is already registered.`);
  parts.set(part.name, part);
}

/** The registered parts, in registration order. */
export function allParts(): BenchPart[] {
  return [...parts.values()];
}

/** Figures of one contender over several timed runs, in milliseconds. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** The median, minimum and maximum of a list of times. */
export function summarize(times: readonly number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/**
 * Times contenders interleaved (A B C, A B C, …) after `warmup` untimed rounds, so that a noisy
 * machine slows them all alike; returns each one's figures per run. Where one run is shorter than
 * `minSampleMs` (a browser's clock may tick every 0.1 ms), a sample times several runs in a row and
 * is divided by their number. A contender that exceeds `budgetMs` in one sample is dropped from later
 * rounds (its figures are then from fewer runs).
 */
export function race(
  contenders: Record<string, () => unknown>,
  options: { warmup?: number; rounds?: number; budgetMs?: number; minSampleMs?: number } = {},
): Record<string, Timing> {
  const { warmup = 3, rounds = 11, budgetMs = Infinity, minSampleMs = 5 } = options;
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const reps: Record<string, number> = Object.fromEntries(Object.keys(contenders).map((k) => [k, 1]));
  const dropped = new Set<string>();
  for (let r = 0; r < warmup + rounds; r++) {
    for (const [name, run] of Object.entries(contenders)) {
      if (dropped.has(name)) continue;
      const n = reps[name]!;
      const t0 = performance.now();
      for (let k = 0; k < n; k++) run();
      const t = performance.now() - t0;
      if (r >= warmup) times[name]!.push(t / n);
      else if (t < minSampleMs) reps[name] = Math.min(1000, Math.ceil((n * minSampleMs) / Math.max(t, 0.05)));
      if (t > budgetMs) dropped.add(name);
    }
  }
  return Object.fromEntries(Object.entries(times).filter(([, t]) => t.length).map(([k, t]) => [k, summarize(t)]));
}

/** A number with a fixed count of decimals, for tables. */
export const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');
