import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/index';
import { readSecretKey, writeKeyPair } from '../../../cli/keys';
import { serveDirectory, type StaticServer } from '../../../cli/serve';
import { fixtureVersion, signedBundle } from './helpers';
import { encodeBundle } from '../../../lib/corpus/bundle-file';

vi.setConfig({ testTimeout: 20_000 });

let dir: string;
let server: StaticServer;
const path = (...p: string[]): string => join(dir, ...p);

/** Runs the CLI in-process; returns the exit code and what it printed. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } catch (e) {
    return { code: 1, out: out.join('\n'), err: (e as Error).message };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backstory-publish-'));
  await writeKeyPair(path('k.key'));
  const key = await readSecretKey(path('k.key'));
  await writeFile(path('v1.bsb'), await encodeBundle(fixtureVersion(1)));
  await writeFile(path('v2.bsb'), await signedBundle(fixtureVersion(2), key));
  await writeFile(path('v3.bsb'), await encodeBundle(fixtureVersion(3)));
  expect((await run('publish', '--bundle', path('v1.bsb'), '--key', path('k.key'), '--out', path('site'))).code).toBe(0);
  expect((await run('publish', '--bundle', path('v2.bsb'), '--key', path('k.key'), '--out', path('site'), '--previous', path('site'))).code).toBe(0);
  server = await serveDirectory(path('site'));
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('publish', () => {
  it('writes a manifest that verify accepts, with the bundle and a patch from the earlier version', async () => {
    const verified = await run('verify', path('site', 'manifest.json'), '--key', path('k.key.pub'));
    expect(verified.code).toBe(0);
    expect(verified.out).toContain('is a manifest of fixture version 2');
    expect(verified.out).toContain('ok: bundles/fixture-2.bsb: length, digest, signature and content as the manifest states');
    expect(verified.out).toContain('ok: patches/fixture-1-to-2.json: length and digest as stated, applies on version 1');
  });

  it('verifies a patch and applies it to its base', async () => {
    const verified = await run('verify', path('site', 'patches', 'fixture-1-to-2.json'), '--base', path('v1.bsb'));
    expect(verified.out).toMatch(/patch of fixture from version 1 to 2: documents \+1\/-0, passages \+1\/-0, entities \+1\/-0, mentions \+2\/-0, applies on/);
    const wrongBase = await run('verify', path('site', 'patches', 'fixture-1-to-2.json'), '--base', path('v3.bsb'));
    expect(wrongBase.err).toBe('The patch is for fixture version 1, but version 3 of fixture is installed.');
  });

  it('refuses to publish a version that is not newer than the one published', async () => {
    const again = await run('publish', '--bundle', path('v2.bsb'), '--key', path('k.key'), '--out', path('site'), '--previous', path('site'));
    expect(again.err).toBe('The bundle is version 2, but version 2 is already published: build it with a higher --content-version.');
  });

  it('makes verify fail on a manifest file that was changed, naming why', async () => {
    const text = await readFile(path('site', 'manifest.json'), 'utf8');
    await writeFile(path('bad-manifest.json'), text.replace('"version":2', '"version":3'));
    expect((await run('verify', path('bad-manifest.json'))).err).toBe('The manifest signature does not verify, so it was forged or altered.');
  });

  it('makes verify fail when a file beside the manifest does not match it', async () => {
    const other = path('other');
    await run('publish', '--bundle', path('v1.bsb'), '--key', path('k.key'), '--out', other);
    await writeFile(path('other', 'bundles', 'fixture-1.bsb'), `${await readFile(path('other', 'bundles', 'fixture-1.bsb'), 'utf8')} `);
    expect((await run('verify', path('other', 'manifest.json'))).err).toMatch(/^bundles\/fixture-1\.bsb is \d+ bytes, not the \d+ the manifest states\.$/);
  });
});

describe('serve', () => {
  it('answers with a strong ETag, and 304 to If-None-Match', async () => {
    const first = await fetch(`${server.origin}/manifest.json`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(await first.text()).toBe(await readFile(path('site', 'manifest.json'), 'utf8'));
    const second = await fetch(`${server.origin}/manifest.json`, { headers: { 'if-none-match': etag } });
    expect(second.status).toBe(304);
  });

  it('serves byte ranges, and 416 outside the file', async () => {
    const whole = await readFile(path('site', 'bundles', 'fixture-2.bsb'));
    const part = await fetch(`${server.origin}/bundles/fixture-2.bsb`, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${whole.byteLength}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(whole.subarray(10, 20));
    const tail = await fetch(`${server.origin}/bundles/fixture-2.bsb`, { headers: { range: 'bytes=-5' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(whole.byteLength - 5));
    expect((await fetch(`${server.origin}/bundles/fixture-2.bsb`, { headers: { range: `bytes=${whole.byteLength}-` } })).status).toBe(416);
  });

  it('answers CORS preflights, and refuses paths outside the directory', async () => {
    const pre = await fetch(`${server.origin}/manifest.json`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('if-none-match');
    const traversal = await new Promise<number>((ok, fail) => {
      get(`${server.origin}/..%2Fk.key`, (res) => ok(res.statusCode ?? 0)).on('error', fail);
    });
    expect(traversal).toBe(403);
    expect((await fetch(`${server.origin}/nothing.json`)).status).toBe(404);
  });
});
