import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX, FIREFOX_BUILD, type FirefoxSession, haveBrowser, launchFirefox, ROOT } from '../../cli/browsers';
import { serveDirectory, type StaticServer } from '../../cli/serve';
import { encodeBundle } from '../../lib/corpus/bundle-file';
import type { BundlePayload } from '../../lib/corpus/schema';
import { openExtensionPage } from './firefox-support';
import { cardState, centreOf } from './page-support';
import { countCorpusStores, missingBrowser, readHighlights } from './support';
import { cli, embeddedBundle, NEW_NAME, NEW_TEXT, publishTwoVersions, tamper, withNewEnvoy } from './sync-support';

/**
 * Sync in real Firefox ESR, as sync-chromium.test.ts proves it in Chromium: the options page's
 * "Sync now" and the refusal read from the screen; then a build with a source baked in (as a
 * newsroom's would), which syncs as it starts.
 */

const skip = missingBrowser('Firefox ESR', FIREFOX, haveBrowser(FIREFOX));

/** The rendered text of the first element `selector` finds. */
const shown = (page: Page, selector: string): Promise<string> => page.$eval(selector, (e) => (e as HTMLElement).innerText);

/** The options page, in front, once its sync section is on screen. */
async function optionsPage(session: FirefoxSession): Promise<Page> {
  const page = await openExtensionPage(session, 'options.html');
  await page.bringToFront();
  await page.waitForSelector('[data-testid=sync-section]');
  return page;
}

/** The popup page in a tab, its corpus line loaded; the caller closes it. */
async function popupPage(session: FirefoxSession): Promise<Page> {
  const page = await openExtensionPage(session, 'popup.html');
  await page.bringToFront();
  await page.waitForSelector('[data-testid=corpus-status] .counts', { timeout: 20_000 });
  return page;
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

const SYNC_STATUS = '[data-testid=sync-section] [data-testid=sync-status]';
const DIGEST_REFUSAL = 'The bundle does not match the digest the manifest names, so it was altered.';

describe.skipIf(skip)('sync in real Firefox ESR: publish, serve, Sync now, refuse a tampered file', () => {
  let dir: string;
  let site: StaticServer;
  let pages: StaticServer;
  let session: FirefoxSession;
  let publicKey: string;
  let v1: BundlePayload;
  const path = (...p: string[]): string => join(dir, ...p);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backstory-sync-e2e-'));
    ({ publicKey, v1 } = await publishTwoVersions(dir, await embeddedBundle(join(FIREFOX_BUILD, 'background.js'))));
    await mkdir(path('page'));
    await writeFile(path('page', 'index.html'), `<!doctype html><html><body><article><p>${NEW_TEXT}</p></article></body></html>`);
    site = await serveDirectory(path('site'));
    pages = await serveDirectory(path('page'));
    session = await launchFirefox();
  });

  afterAll(async () => {
    await session?.close();
    if (session) rmSync(session.profile, { recursive: true, force: true });
    await site?.close();
    await pages?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is pointed at the source in the options page, and "Sync now" brings version 2 in through the patch', async () => {
    const page = await optionsPage(session);
    await expect.poll(() => shown(page, '[data-testid=corpus-status]'), { timeout: 20_000 }).toContain('Version 1');
    await page.type('input[name=manifestUrl]', `${site.origin}/manifest.json`);
    await page.type('input[name=publicKey]', publicKey);
    await page.click('[data-testid=sync-section] button[type=submit]');
    // The source is saved at once; the host-permission prompt it opens is never answered here, so the
    // fetches rely on the CORS headers `serve` sends.
    await page.waitForSelector('[data-testid=sync-now]:not([disabled])', { timeout: 20_000 });
    await page.click('[data-testid=sync-now]');
    await page.waitForSelector(`${SYNC_STATUS}[data-result=updated]`, { timeout: 30_000 });
    expect(await shown(page, SYNC_STATUS)).toMatch(/Updated to version 2 with a \d+ KB patch\./);
    const summary = await shown(page, '[data-testid=corpus-status]');
    expect(summary).toContain('Version 2');
    expect(summary).toContain(`${v1.documents.length + 1} documents`);
    await page.close();
  });

  it('marks the new entity on a page, its card quotes the new passage, and the popup shows version 2 and the last sync', async () => {
    const marks = await marksWhen(session, `${pages.origin}/index.html`, (m) => (m['backstory-person'] ?? []).includes(NEW_NAME));
    expect(marks['backstory-person']).toContain(NEW_NAME);
    const page = await session.browser.newPage();
    await page.goto(`${pages.origin}/index.html`);
    await expect.poll(() => page.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
    const at = (await page.evaluate(centreOf, ['article', NEW_NAME]))!;
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.evaluate(cardState), { timeout: 10_000 }).toMatchObject({ state: 'ready', entity: 'ottoline-vasquez-marr', passages: ['sync-envoy#0'] });
    await page.close();
    const popup = await popupPage(session);
    expect(await shown(popup, '[data-testid=corpus-status]')).toContain('Version 2');
    expect(await shown(popup, '[data-testid=sync-status]')).toContain('Updated to version 2');
    await popup.close();
  });

  it('refuses a tampered version 3 with the reason shown, and the old corpus still answers', async () => {
    await writeFile(path('v3.bsb'), await encodeBundle(withNewEnvoy(v1, 3)));
    await cli('publish', '--bundle', path('v3.bsb'), '--key', path('publisher.key'), '--out', path('site'), '--previous', path('site'));
    await tamper(path('site'), ['bundles/backstory-default-3.bsb', 'patches/backstory-default-2-to-3.json']);
    const page = await optionsPage(session);
    await page.click('[data-testid=sync-now]');
    await page.waitForSelector(`${SYNC_STATUS}[data-result=refused]`, { timeout: 30_000 });
    expect(await shown(page, SYNC_STATUS)).toContain(DIGEST_REFUSAL);
    expect(await shown(page, '[data-testid=corpus-status]')).toContain('Version 2');
    await page.close();

    const marks = await marksWhen(session, `${pages.origin}/index.html`, (m) => (m['backstory-person'] ?? []).includes(NEW_NAME));
    expect(marks['backstory-person']).toContain(NEW_NAME);
    const popup = await popupPage(session);
    expect(await shown(popup, '[data-testid=sync-status]')).toContain(DIGEST_REFUSAL);
    expect(await shown(popup, '[data-testid=corpus-status]')).toContain('Version 2');
    await popup.close();
  });
});

/** The port the built-in source is baked in with; the test serves the update directory there. */
const PORT = 47613;
const MANIFEST_URL = `http://127.0.0.1:${PORT}/manifest.json`;

const OLD_TEXT = 'Haider al-Abadi said the Popular Mobilization Forces would stay under the command of the prime minister.';

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

/** The options page's corpus line, its sync line, and the records in the corpus database, read in the extension. */
async function extensionState(
  session: FirefoxSession,
): Promise<{ corpus: string; sync: string; result: string | null; records: Record<string, number> | null }> {
  const page = await optionsPage(session);
  try {
    await page.waitForSelector(SYNC_STATUS, { timeout: 20_000 });
    return {
      corpus: await shown(page, '[data-testid=corpus-status]'),
      sync: await shown(page, SYNC_STATUS),
      result: await page.$eval(SYNC_STATUS, (e) => e.getAttribute('data-result')),
      records: await page.evaluate(countCorpusStores),
    };
  } finally {
    await page.close();
  }
}

describe.skipIf(skip)('sync in real Firefox ESR: a built-in source synced at start-up, and a tampered one refused', () => {
  let dir: string;
  let build: string;
  let pages: StaticServer;
  let v1: BundlePayload;
  const sessions: FirefoxSession[] = [];
  const path = (...p: string[]): string => join(dir, ...p);
  const launch = async (): Promise<FirefoxSession> => {
    const session = await launchFirefox({ extensionDir: join(build, 'firefox-mv2') });
    sessions.push(session);
    return session;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backstory-sync-firefox-'));
    // A newsroom's build: the source is baked in at build time, so the background syncs as it starts.
    await cli('keygen', '--out', path('publisher.key'));
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
    const background = join(build, 'firefox-mv2/background.js');
    expect(await readFile(background, 'utf8')).toContain(MANIFEST_URL);
    // Version 1 is the corpus this build embeds; version 2 adds a document.
    ({ v1 } = await publishTwoVersions(dir, await embeddedBundle(background)));
    expect(v1.corpus.version).toBe(1);
    // A hijacked server serves version 2 with one byte of the bundle and of the patch changed.
    await cp(path('site'), path('tampered'), { recursive: true });
    await tamper(path('tampered'), ['bundles/backstory-default-2.bsb', 'patches/backstory-default-1-to-2.json']);

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

  it('brings version 2 in at start-up through the patch: the new person is marked on a page, and the options page shows it', async () => {
    const site = await serveOnFixedPort(path('site'));
    try {
      const session = await launch();
      const marks = await marksWhen(session, `${pages.origin}/index.html`, (m) => (m['backstory-person'] ?? []).includes(NEW_NAME));
      expect(marks['backstory-person']).toEqual(expect.arrayContaining([NEW_NAME, 'Haider al-Abadi']));
      expect(marks['backstory-armed-group']).toContain('Popular Mobilization Forces');
      // The patch, not the bundle: a 1-document change costs a patch's bytes.
      expect(site.paths).toEqual(expect.arrayContaining(['GET /manifest.json', 'GET /patches/backstory-default-1-to-2.json']));
      expect(site.paths.some((p) => p.includes('/bundles/'))).toBe(false);

      const state = await extensionState(session);
      expect(state.result).toBe('updated');
      expect(state.sync).toMatch(/Updated to version 2 with a \d+ KB patch\./);
      expect(state.corpus).toContain('Version 2');
      expect(state.records).toEqual({
        documents: v1.documents.length + 1,
        passages: v1.passages.length + 1,
        entities: v1.entities.length + 1,
        mentions: v1.mentions.length + 1,
        meta: 1,
      });
    } finally {
      await site.close();
    }
  });

  it('refuses a tampered version 2 at start-up with the reason on screen, and the old corpus still answers', async () => {
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

      const state = await extensionState(session);
      expect(state.result).toBe('refused');
      expect(state.sync).toContain(DIGEST_REFUSAL);
      expect(state.corpus).toContain('Version 1');
      expect(state.records).toEqual({
        documents: v1.documents.length,
        passages: v1.passages.length,
        entities: v1.entities.length,
        mentions: v1.mentions.length,
        meta: 1,
      });
    } finally {
      await site.close();
    }
  });
});
