import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
vi.setConfig({ testTimeout: 30_000 });

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backstory-ranking-'));
  await writeFile(
    join(dir, 'tikrit.txt'),
    "Abadi's government leaned on Iranian advisers and Shiite militias to plan the offensive on Tikrit, Saddam Hussein's hometown, before asking for American air strikes.",
  );
  await writeFile(
    join(dir, 'russia.html'),
    '<html><head><title>Airstrikes</title></head><body><article><h1>Baghdad weighs Moscow</h1><p>Iraq\'s prime minister Haider al-Abadi said he would welcome Russian airstrikes against Islamic State targets, while General Joseph Dunford warned against it.</p></article></body></html>',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.concurrent('cli related and passages', () => {
  it('related prints the covering documents, best first, with source files and shared entities', async () => {
    const run = await cli('related', join(dir, 'tikrit.txt'));
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { file: string; documents: { id: string; title: string; sourceFile: string; score: number; entities: string[] }[] };
    expect(out.file).toBe(join(dir, 'tikrit.txt'));
    expect(out.documents[0]?.sourceFile).toBe('004_56e8d8d0fbbedbd6.txt');
    expect(out.documents[0]?.entities).toContain('tikrit-offensive-2015');
    for (let i = 1; i < out.documents.length; i++) expect(out.documents[i]!.score).toBeLessThanOrEqual(out.documents[i - 1]!.score);
  });

  it('related reads .html through the readability step', async () => {
    const run = await cli('related', join(dir, 'russia.html'));
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { documents: { sourceFile: string }[] }).documents[0]?.sourceFile).toBe('000_4845b11b511c344f.txt');
  });

  it('passages ranks the passage that fits the context first, by name or alias', async () => {
    const run = await cli('passages', '--entity', 'Haydar al-Abadi', '--context-file', join(dir, 'tikrit.txt'));
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      entity: { id: string };
      passages: { documentId: string; sourceFile: string; passageId: string; text: string; score: number }[];
    };
    expect(out.entity.id).toBe('haider-al-abadi');
    expect(out.passages[0]?.passageId).toBe('daily-beast-iran-backed-militias-2015#9');
    expect(out.passages[0]?.sourceFile).toBe('002_6aa501e77e6fa078.txt');
    expect(out.passages[0]?.text).toMatch(/Tikrit/);
  });

  it('passages refuses an unknown entity in one sentence', async () => {
    const run = await cli('passages', '--entity', 'Nobody Atall');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('error: No entity in the corpus is called "Nobody Atall".');
  });
});
