import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { ensureBuild } from './build';
import { allParts } from './registry';
import './parts/matcher';
import './parts/page';
import './parts/hover';
import './parts/store';
import './parts/sync';
import './parts/popup';
import './parts/size';

/**
 * `npm run bench` runs every registered part; `npm run bench -- NAME [NAME…]` runs the named ones;
 * `npm run bench -- --list` lists them. Figures are printed and merged into bench/results/latest.json
 * (each part's latest figures, with the date, machine and Node version of its run).
 */

const args = process.argv.slice(2);
const parts = allParts();
if (args.includes('--list')) {
  for (const p of parts) console.log(`${(p.group ? `${p.group}/${p.name}` : p.name).padEnd(28)} ${p.description}`);
  process.exit(0);
}
const unknown = args.filter((a) => !parts.some((p) => p.name === a || p.group === a));
if (unknown.length) {
  console.error(`No benchmark part named ${unknown.map((u) => `"${u}"`).join(', ')}; run with --list to see them.`);
  process.exit(1);
}
const chosen = args.length ? parts.filter((p) => args.includes(p.name) || (p.group !== undefined && args.includes(p.group))) : parts;

// BENCH_RESULTS sends the figures elsewhere (the smoke test's tiny runs must not replace real ones).
const resultsFile = process.env.BENCH_RESULTS ? new URL(`file://${resolve(process.env.BENCH_RESULTS)}`) : new URL('./results/latest.json', import.meta.url);
await mkdir(new URL('.', resultsFile), { recursive: true });
let results: Record<string, unknown> = {};
try {
  results = JSON.parse(await readFile(resultsFile, 'utf8')) as Record<string, unknown>;
} catch {
  // no earlier results
}
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
const started = performance.now();
try {
  if (chosen.some((p) => p.needsBuild)) ensureBuild((line) => console.log(line));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
for (const part of chosen) {
  console.log(`\n== ${part.name}: ${part.description}`);
  const t0 = performance.now();
  const figures = await part.run();
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  console.log(`(${part.name} took ${seconds} s)`);
  results[part.name] = { date: new Date().toISOString(), machine, loadAverage: loadavg()[0], seconds, figures };
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
}
const total = (performance.now() - started) / 1000;
console.log(`\n${chosen.length} part${chosen.length === 1 ? '' : 's'} in ${(total / 60).toFixed(1)} min (${Math.round(total)} s). Figures written to ${process.env.BENCH_RESULTS ?? 'bench/results/latest.json'}.`);
