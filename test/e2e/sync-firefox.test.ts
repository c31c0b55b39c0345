import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX, type FirefoxSession, haveBrowser, launchFirefox, ROOT } from '../../cli/browsers';
import { serveDirectory, type StaticServer } from '../../cli/serve';
import { encodeBundle } from '../../lib/corpus/bundle-file';
import type { BundlePayload } from '../../lib/corpus/schema';
import { missingBrowser, readHighlights } from './support';
import { cli, NEW_NAME, NEW_TEXT, withNewEnvoy } from './sync-support';

/**
 * Sync in real Firefox ESR. WebDriver may not open moz-extension:// pages, so nobody can press
 * "Sync now" here: the test builds a Firefox variant with a source baked in (as a newsroom's build
 * would), on a fixed 127.0.0.1 port, and lets the start-up sync run. What it did is read from a page
 * on 127.0.0.1 (its marks) and, once the browser has closed, from the profile on disk (the corpus
 * database's rows, and the sync status the background kept in storage.local).
 */

const SQLITE = '/usr/bin/sqlite3';
const skip = missingBrowser('Firefox ESR', FIREFOX, haveBrowser(FIREFOX)) || missingBrowser('sqlite3', SQLITE, existsSync(SQLITE));

/** The port the built-in source is baked in with; the test serves the update directory there. */
const PORT = 47613;
const MANIFEST_URL = `http://127.0.0.1:${PORT}/manifest.json`;

const OLD_TEXT = 'Haider al-Abadi said the Popular Mobilization Forces would stay under the command of the prime minister.';



/** Copies a profile's IndexedDB folder (the browser has closed) and runs `sql` on each database in it. */
function queryDatabases(profile: string, origin: string, sql: string): string[] {
  const dir = join(profile, 'storage/default', origin, 'idb');
  if (!existsSync(dir)) throw new Error(`No IndexedDB folder at ${dir}.`);
  const copy = mkdtempSync(join(tmpdir(), 'backstory-idb-'));
  try {
    cpSync(dir, copy, { recursive: true });
    const dbs = readdirSync(copy).filter((f) => f.endsWith('.sqlite'));
    if (!dbs.length) throw new Error(`No IndexedDB database in ${dir}.`);
    return dbs.map((db) => execFileSync(SQLITE, [join(copy, db), sql]).toString());
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The records in each store of the add-on's corpus database (the tests check the stores sync writes; others may hold derived indexes). */
function countStoredRecords(session: FirefoxSession): Record<string, number> {
  const [rows = ''] = queryDatabases(
    session.profile,
    `moz-extension+++${session.uuid}`,
    'select s.name, count(d.key) from object_store s left join object_data d on d.object_store_id = s.id group by s.name;',
  );
  return Object.fromEntries(rows.trim().split('\n').map((r) => [r.split('|')[0]!, Number(r.split('|')[1])]));
}

/** Decompresses raw snappy (the format Firefox's IndexedDB keeps values in). */
function unsnappy(src: Buffer): Buffer {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const b = src[pos++]!;
    length |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  const out = Buffer.alloc(length);
  let o = 0;
  while (pos < src.length) {
    const tag = src[pos++]!;
    if ((tag & 3) === 0) {
      let n = tag >> 2;
      if (n >= 60) {
        const width = n - 59;
        n = 0;
        for (let i = 0; i < width; i++) n |= src[pos++]! << (8 * i);
      }
      o += src.copy(out, o, pos, pos + n + 1);
      pos += n + 1;
      continue;
    }
    let len: number;
    let offset: number;
    if ((tag & 3) === 1) {
      len = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | src[pos++]!;
    } else if ((tag & 3) === 2) {
      len = (tag >> 2) + 1;
      offset = src.readUInt16LE(pos);
      pos += 2;
    } else {
      len = (tag >> 2) + 1;
      offset = src.readUInt32LE(pos);
      pos += 4;
    }
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!;
  }
  return out;
}

/**
 * The sync status the background kept in storage.local, as the text of its stored value (Firefox keeps
 * storage.local in an IndexedDB of the add-on's private origin: keys are IndexedDB-encoded strings, values
 * snappy-compressed structured clones, whose ASCII strings read as Latin-1).
 */
function storedSyncStatus(session: FirefoxSession): string {
  const origin = `moz-extension+++${session.uuid}^userContextId=4294967295`;
  // An IndexedDB string key: 0x30, then each character plus one.
  const key = `30${Buffer.from([...'syncStatus'].map((c) => c.charCodeAt(0) + 1)).toString('hex')}`;
  const [hex = ''] = queryDatabases(session.profile, origin, `select hex(data) from object_data where hex(key) = '${key.toUpperCase()}';`);
  if (!hex.trim()) throw new Error('storage.local holds no sync status.');
  return unsnappy(Buffer.from(hex.trim(), 'hex')).toString('latin1');
}

/**
 * The update directory served on the fixed port: `serve`'s own server behind a logging pass-through,
 * so the test knows which files the extension asked for.
 */
async function serveOnFixedPort(dir: string): Promise<{ paths: string[]; close: () => Promise<void> }> {
  const inner: StaticServer = await serveDirectory(dir);
  const innerPort = Number(new URL(inner.origin).port);
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`);
    const upstream = request({ host: '127.0.0.1', port: innerPort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e) => fail(new Error(`Port ${PORT} on 127.0.0.1 is taken, and the test's build expects its source there (${e.message}).`)));
    server.listen(PORT, '127.0.0.1', ok);
  });
  return {
    paths,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await inner.close();
    },
  };
}

/** Opens the page and reloads it until its marks satisfy `ready` (the content script scans a page once). */
async function marksWhen(session: FirefoxSession, url: string, ready: (marks: Record<string, string[]>) => boolean): Promise<Record<string, string[]>> {
  const page: Page = await session.browser.newPage();
  try {
    let marks: Record<string, string[]> = {};
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await page.goto(url);
      for (let i = 0; i < 10 && !ready(marks); i++) {
        await new Promise((ok) => setTimeout(ok, 300));
        marks = await page.evaluate(readHighlights);
      }
      if (ready(marks)) return marks;
    }
    return marks;
  } finally {
    await page.close();
  }
}

describe.skipIf(skip)('sync in real Firefox ESR: a built-in source synced at start-up, and a tampered one refused', () => {
  let dir: string;
  let build: string;
  let v1: BundlePayload;
  let pages: StaticServer;
  const sessions: FirefoxSession[] = [];
  const path = (...p: string[]): string => join(dir, ...p);
  const launch = async (): Promise<FirefoxSession> => {
    const session = await launchFirefox({ extensionDir: join(build, 'firefox-mv2') });
    sessions.push(session);
    return session;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backstory-sync-firefox-'));
    // The default bundle as it is now: the build below embeds the same file as version 1.
    const defaultFile = await readFile(join(ROOT, 'generated/default-bundle.bsb'), 'utf8');
    await writeFile(path('v1.bsb'), defaultFile);
    v1 = JSON.parse(defaultFile.slice(defaultFile.indexOf('\n') + 1)) as BundlePayload;
    expect(v1.corpus.version).toBe(1);

    await cli('keygen', '--out', path('publisher.key'));
    await cli('publish', '--bundle', path('v1.bsb'), '--key', path('publisher.key'), '--out', path('site'));
    await writeFile(path('v2.bsb'), await encodeBundle(withNewEnvoy(v1, 2)));
    await cli('publish', '--bundle', path('v2.bsb'), '--key', path('publisher.key'), '--out', path('site'), '--previous', path('site'));
    // A hijacked server serves version 2 with one byte of the bundle and of the patch changed (same lengths).
    await cp(path('site'), path('tampered'), { recursive: true });
    for (const file of ['bundles/backstory-default-2.bsb', 'patches/backstory-default-1-to-2.json']) {
      const text = await readFile(path('tampered', file), 'utf8');
      const tampered = text.replace('Backstory seed corpus', 'Backstory sead corpus');
      expect(tampered).not.toBe(text);
      expect(tampered.length).toBe(text.length);
      await writeFile(path('tampered', file), tampered);
    }

    // A newsroom's build: the source is baked in at build time, so the background syncs as it starts.
    build = path('build');
    await promisify(execFile)(join(ROOT, 'node_modules/.bin/wxt'), ['build', '-b', 'firefox'], {
      cwd: ROOT,
      env: {
        ...process.env,
        BACKSTORY_OUT: build,
        WXT_BACKSTORY_SYNC_URL: MANIFEST_URL,
        WXT_BACKSTORY_SYNC_KEY: (await readFile(path('publisher.key.pub'), 'utf8')).trim(),
      },
    });
    expect(await readFile(join(build, 'firefox-mv2/background.js'), 'utf8')).toContain(MANIFEST_URL);

    await mkdir(path('page'));
    await writeFile(path('page', 'index.html'), `<!doctype html><html><body><article><p>${OLD_TEXT}</p><p>${NEW_TEXT}</p></article></body></html>`);
    pages = await serveDirectory(path('page'));
  });

  afterAll(async () => {
    for (const s of sessions) {
      await s.close().catch(() => undefined);
      rmSync(s.profile, { recursive: true, force: true });
    }
    await pages?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('brings version 2 in at start-up through the patch: the new person is marked on a page, and the new records are on disk', async () => {
    const site = await serveOnFixedPort(path('site'));
    try {
      const session = await launch();
      const marks = await marksWhen(session, `${pages.origin}/index.html`, (m) => (m['backstory-person'] ?? []).includes(NEW_NAME));
      expect(marks['backstory-person']).toEqual(expect.arrayContaining([NEW_NAME, 'Haider al-Abadi']));
      expect(marks['backstory-armed-group']).toContain('Popular Mobilization Forces');
      // The patch, not the bundle: a 1-document change costs a patch's bytes.
      expect(site.paths).toEqual(expect.arrayContaining(['GET /manifest.json', 'GET /patches/backstory-default-1-to-2.json']));
      expect(site.paths.some((p) => p.includes('/bundles/'))).toBe(false);

      await session.close(); // flushes the databases to disk
      expect(countStoredRecords(session)).toMatchObject({
        documents: v1.documents.length + 1,
        passages: v1.passages.length + 1,
        entities: v1.entities.length + 1,
        mentions: v1.mentions.length + 1,
        meta: 1,
        stats: 1,
      });
      expect(storedSyncStatus(session)).toMatch(/Updated to version 2 with a \d+ KB patch\./);
    } finally {
      await site.close();
    }
  });

  it('refuses a tampered version 2 at start-up, and the old corpus still answers', async () => {
    const site = await serveOnFixedPort(path('tampered'));
    try {
      const session = await launch();
      // The patch fails its digest, so the sync falls back to the bundle, which fails it too.
      await expect.poll(() => site.paths, { timeout: 30_000 }).toContain('GET /bundles/backstory-default-2.bsb');
      expect(site.paths).toContain('GET /patches/backstory-default-1-to-2.json');
      const marks = await marksWhen(session, `${pages.origin}/index.html`, (m) => (m['backstory-person'] ?? []).includes('Haider al-Abadi'));
      expect(marks['backstory-person']).toContain('Haider al-Abadi');
      expect(marks['backstory-armed-group']).toContain('Popular Mobilization Forces');
      expect(marks['backstory-person']).not.toContain(NEW_NAME);

      await session.close();
      expect(countStoredRecords(session)).toMatchObject({
        documents: v1.documents.length,
        passages: v1.passages.length,
        entities: v1.entities.length,
        mentions: v1.mentions.length,
        meta: 1,
        stats: 1,
      });
      const status = storedSyncStatus(session);
      expect(status).toContain('The bundle does not match the digest the manifest names, so it was altered.');
      expect(status).toContain('refused');
      expect(status).not.toContain('Updated to version 2');
    } finally {
      await site.close();
    }
  });
});
