import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, haveBrowser, ROOT } from '../../cli/browsers';
import { missingBrowser } from './support';

const skip = missingBrowser('Chromium', CHROMIUM, haveBrowser(CHROMIUM));

/**
 * The whole benchmark at token sizes (BENCH_TINY=1), so its code cannot rot unnoticed. Its figures
 * go to a temporary file and mean nothing; `npm run bench` is where speed is measured.
 */
describe.skipIf(skip)('npm run bench at tiny sizes', () => {
  it('runs every part and records figures for each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'backstory-bench-'));
    const results = join(dir, 'results.json');
    try {
      const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'bench/index.ts'],
          { cwd: ROOT, env: { ...process.env, BENCH_TINY: '1', BENCH_RESULTS: results, BENCH_NO_BUILD: '1' }, timeout: 400_000, maxBuffer: 64 * 1024 * 1024 },
          (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
        );
      });
      expect(code, stderr).toBe(0);
      const recorded = JSON.parse(await readFile(results, 'utf8')) as Record<string, { figures: unknown; date: string }>;
      expect(Object.keys(recorded).sort()).toEqual(
        ['ahocorasick', 'compile', 'hover', 'match-chromium', 'match-node', 'page', 'popup', 'regexp-equivalence', 'size', 'size-load', 'store', 'sync'].sort(),
      );
      for (const [name, r] of Object.entries(recorded)) expect(r.figures, name).toBeTruthy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 420_000);
});
