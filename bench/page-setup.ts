import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../cli/browsers';
import type { BundlePayload } from '../lib/corpus/schema';
import { expandPattern } from '../lib/match/pattern';
import { rng } from './generate';

/** What the `page` and `hover` parts share: the default corpus, the synthetic page, the in-page bench bundle. */

/** Where the saved real news pages are (read in place, never copied). */
export const FIXTURES = join(ROOT, '../shared/fixtures/pages');

/** The default bundle the build wrote (its payload). */
export function loadBundle(): BundlePayload {
  const file = join(ROOT, 'generated/default-bundle.bsb');
  if (!existsSync(file)) throw new Error('No generated/default-bundle.bsb: run npm run build first.');
  const text = readFileSync(file, 'utf8');
  return JSON.parse(text.slice(text.indexOf('\n') + 1)) as BundlePayload;
}

/** The names the catalog marks for sure: every strong alias, its grammar expanded. */
export function strongNames(bundle: BundlePayload): string[] {
  return [...new Set(bundle.entities.flatMap((e) => e.aliases.filter((a) => !a.weak).flatMap((a) => expandPattern(a.text))))];
}

/** A news-like page of about `textNodes` text nodes (10 per paragraph, split by inline elements), naming the catalog about every 200 characters. */
export function syntheticPage(textNodes: number, names: readonly string[]): string {
  const random = rng(50_000);
  const words = 'the of and a to in said officials government forces city week report security talks after before during against support minister militia province border attack strike ceasefire council'.split(' ');
  const phrase = (n: number): string => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
  const paragraphs: string[] = [];
  for (let p = 0; p < Math.ceil(textNodes / 10); p++) {
    const parts: string[] = [];
    for (let k = 0; k < 5; k++) {
      const name = random() < 0.5 ? ` ${names[Math.floor(random() * names.length)]} ` : ' ';
      parts.push(`${phrase(6)}${name}${phrase(4)} <${k % 2 ? 'em' : 'a href="#"'}>${phrase(3)}</${k % 2 ? 'em' : 'a'}>`);
    }
    paragraphs.push(`<p>${parts.join(' ')}.</p>`);
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Synthetic page</title></head><body><article>${paragraphs.join('\n')}</article></body></html>`;
}

/** The 95th percentile of a list of times. */
export const p95 = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? NaN;

/** bench/page-entry.ts bundled to put on a page (`globalThis.backstoryPageBench`). */
export async function pageBenchScript(): Promise<string> {
  const entry = await build({ entryPoints: [join(ROOT, 'bench/page-entry.ts')], bundle: true, format: 'iife', write: false, target: 'es2022', minify: true });
  return entry.outputFiles[0]!.text;
}
