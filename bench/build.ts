import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHROME_BUILD, OUTPUT, ROOT } from '../cli/browsers';

/**
 * The parts that measure the built extension (page, hover, popup, size) must measure the code as it
 * is: `npm run bench` builds it first. With BENCH_NO_BUILD=1 (the smoke test, right after
 * `npm test` built it) it only checks that the build is newer than every source it comes from.
 */

const SOURCES = ['entrypoints', 'lib', 'components', 'assets', 'public', 'wxt.config.ts', 'package-lock.json'];

/** The newest modification time (ms) of the files under `path`, and which file it is. */
function newest(path: string): { at: number; file: string } {
  let best = { at: 0, file: path };
  let s;
  try {
    s = statSync(path);
  } catch {
    return best;
  }
  if (!s.isDirectory()) return { at: s.mtimeMs, file: path };
  for (const name of readdirSync(path)) {
    const n = newest(join(path, name));
    if (n.at > best.at) best = n;
  }
  return best;
}

/** Builds the extension (both browsers, as `npm run build` does) or, with BENCH_NO_BUILD=1, checks that the build is current. */
export function ensureBuild(log: (line: string) => void): void {
  if (process.env.BENCH_NO_BUILD === '1') {
    const built = newest(join(CHROME_BUILD, 'manifest.json')).at;
    const source = SOURCES.map((s) => newest(join(ROOT, s))).reduce((a, b) => (b.at > a.at ? b : a));
    if (built === 0) throw new Error(`No built extension in ${CHROME_BUILD}: run npm run build first (or drop BENCH_NO_BUILD).`);
    if (source.at > built) throw new Error(`The built extension in ${OUTPUT} is older than ${source.file}: run npm run build first (or drop BENCH_NO_BUILD).`);
    return;
  }
  const t0 = performance.now();
  const run = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8', env: process.env, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`npm run build failed, so the parts that measure the built extension cannot run:\n${run.stdout}\n${run.stderr}`);
  log(`(built the extension into ${OUTPUT} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
