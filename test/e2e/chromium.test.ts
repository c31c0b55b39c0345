import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_BUILD, CHROMIUM, type ChromiumSession, haveBrowser, launchChromium, ROOT, serveStatic } from '../../cli/browsers';
import { countCorpusStores, defaultBundle, missingBrowser, readHighlights } from './support';

const skip = missingBrowser('Chromium', CHROMIUM, haveBrowser(CHROMIUM));

describe.skipIf(skip)('the built extension in real Chromium', () => {
  let session: ChromiumSession;
  let server: Awaited<ReturnType<typeof serveStatic>>;

  beforeAll(async () => {
    server = await serveStatic({ '/demo/': join(ROOT, 'assets/demo') });
    session = await launchChromium();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('installs, with the manifest it was built with', async () => {
    expect(session.extensionId).toMatch(/^[a-p]{32}$/);
    const manifest = await session.serviceWorker.evaluate(() =>
      (globalThis as unknown as { chrome: { runtime: { getManifest(): { name: string; permissions?: string[] } } } }).chrome.runtime.getManifest(),
    );
    expect(manifest.name).toBe('Backstory');
    expect(manifest.permissions).toEqual(['storage', 'alarms']);
  });

  it('sends its messages by structured clone, not JSON (a page of text crosses to the matcher in one copy)', async () => {
    // The manifest's message_serialization (Chromium 148+): a Map arrives as a Map, where JSON makes it {}.
    const page = await session.context.newPage();
    await page.goto(`chrome-extension://${session.extensionId}/popup.html`);
    type Chrome = { runtime: { sendMessage(m: unknown): Promise<unknown>; onMessage: { addListener(f: (m: unknown, s: unknown, reply: (r: unknown) => void) => void): void } } };
    await page.evaluate(() =>
      (globalThis as unknown as { chrome: Chrome }).chrome.runtime.onMessage.addListener((m, _s, reply) => {
        const value = (m as { probe?: unknown }).probe;
        if (value !== undefined) reply({ isMap: value instanceof Map, size: (value as Map<string, number>).size });
      }),
    );
    const echo = await session.serviceWorker.evaluate(() =>
      (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ probe: new Map([['Sudani', 1]]) }),
    );
    expect(echo).toEqual({ isMap: true, size: 1 });
    await page.close();
  });

  it('holds the default corpus in IndexedDB', async () => {
    const bundle = defaultBundle();
    const expected = {
      documents: bundle.documents.length,
      passages: bundle.passages.length,
      entities: bundle.entities.length,
      mentions: bundle.mentions.length,
      meta: 1,
    };
    await expect.poll(() => session.serviceWorker.evaluate(countCorpusStores), { timeout: 20_000 }).toEqual(expected);
  });

  it('runs its content script on a page served on 127.0.0.1 and marks the corpus names', async () => {
    const page = await session.context.newPage();
    const before = await (await fetch(`${server.origin}/demo/index.html`)).text();
    await page.goto(`${server.origin}/demo/index.html`);
    await expect.poll(() => page.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
    const marks = await page.evaluate(readHighlights);
    expect(marks['backstory-person']).toEqual(expect.arrayContaining(['Mohammed Shia al-Sudani', 'Marco Rubio', 'Haider al-Abadi', 'Lloyd Austin']));
    expect(marks['backstory-armed-group']).toEqual(expect.arrayContaining(['Asa’ib Ahl al-Haq', 'Popular Mobilization Forces', 'Quds Force']));
    expect(marks['backstory-event']).toEqual(expect.arrayContaining(['fall of Mosul', 'Tikrit offensive']));
    // The page's DOM is the page's: highlights change no node.
    const html = await page.evaluate(() => document.body.outerHTML.replace(/\s+/g, ' '));
    const served = before.slice(before.indexOf('<body>'), before.indexOf('</body>') + 7).replace(/\s+/g, ' ');
    expect(html).toBe(served);
    await page.close();
  });

  it('keeps the compiled matcher it marked with, for its next start', async () => {
    const version = defaultBundle().corpus.version;
    const keys = await session.serviceWorker.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('backstory-matcher-cache');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('matchers').objectStore('matchers').getAllKeys();
            get.onsuccess = () => resolve(get.result.map(String));
            get.onerror = () => reject(get.error);
          };
        }),
    );
    expect(keys).toEqual([expect.stringMatching(new RegExp(`^\\d+\\.\\d+\\.\\d+/backstory-default@${version}@`))]);
  });

  it('shows the corpus in the popup', async () => {
    const page = await session.context.newPage();
    await page.goto(`chrome-extension://${session.extensionId}/popup.html`);
    const status = page.getByTestId('corpus-status');
    await expect.poll(() => status.getAttribute('data-storage'), { timeout: 20_000 }).toBe('indexeddb');
    const text = await status.innerText();
    const bundle = defaultBundle();
    expect(text).toContain(bundle.corpus.name);
    expect(text).toContain(`${bundle.documents.length} documents`);
    await page.close();
  });

  it('ships the icons the manifest names', async () => {
    const manifest = JSON.parse(await readFile(join(CHROME_BUILD, 'manifest.json'), 'utf8')) as { icons: Record<string, string> };
    expect(Object.keys(manifest.icons)).toEqual(['16', '32', '48', '96', '128']);
    for (const [size, path] of Object.entries(manifest.icons)) {
      const png = await readFile(join(CHROME_BUILD, path));
      expect(png.readUInt32BE(16), `icon ${path} width`).toBe(Number(size));
    }
  });
});
