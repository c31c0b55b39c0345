import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, type ChromiumSession, haveBrowser, launchChromium, ROOT } from '../../cli/browsers';
import { serveDirectory, type StaticServer } from '../../cli/serve';
import { encodeBundle } from '../../lib/corpus/bundle-file';
import { defaultBundle, missingBrowser, readHighlights } from './support';
import { cli, NEW_NAME, NEW_TEXT, withNewEnvoy } from './sync-support';

const skip = missingBrowser('Chromium', CHROMIUM, haveBrowser(CHROMIUM));




describe.skipIf(skip)('sync in real Chromium: publish, serve, Sync now, refuse a tampered file', () => {
  let dir: string;
  let site: StaticServer;
  let pages: StaticServer;
  let session: ChromiumSession;
  const path = (...p: string[]): string => join(dir, ...p);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backstory-sync-e2e-'));
    await cli('keygen', '--out', path('publisher.key'));
    // Version 1 is the bundled default (re-signed by this publisher); version 2 adds a document.
    await cli('publish', '--bundle', join(ROOT, 'generated/default-bundle.bsb'), '--key', path('publisher.key'), '--out', path('site'));
    await writeFile(path('v2.bsb'), await encodeBundle(withNewEnvoy(defaultBundle(), 2)));
    await cli('publish', '--bundle', path('v2.bsb'), '--key', path('publisher.key'), '--out', path('site'), '--previous', path('site'));
    await mkdir(path('page'));
    await writeFile(path('page', 'index.html'), `<!doctype html><html><body><article><p>${NEW_TEXT}</p></article></body></html>`);
    site = await serveDirectory(path('site'));
    pages = await serveDirectory(path('page'));
    session = await launchChromium();
  });

  afterAll(async () => {
    await session?.close();
    await site?.close();
    await pages?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const optionsPage = async () => {
    const page = await session.context.newPage();
    await page.goto(`chrome-extension://${session.extensionId}/options.html`);
    await page.getByTestId('sync-section').waitFor();
    return page;
  };

  it('is pointed at the source in the options page, and "Sync now" brings version 2 in through the patch', async () => {
    const page = await optionsPage();
    await expect.poll(() => page.getByTestId('corpus-status').innerText(), { timeout: 20_000 }).toContain('Version 1');
    await page.fill('input[name=manifestUrl]', `${site.origin}/manifest.json`);
    await page.fill('input[name=publicKey]', (await readFile(path('publisher.key.pub'), 'utf8')).trim());
    await page.getByRole('button', { name: 'Save source' }).click();
    // The source is saved at once; the host-permission prompt it opens cannot be answered in headless
    // Chromium, so the fetches rely on the CORS headers `serve` sends.
    await expect.poll(() => page.getByTestId('sync-now').isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.getByTestId('sync-now').click();
    const status = page.getByTestId('sync-section').getByTestId('sync-status');
    await expect.poll(() => status.getAttribute('data-result'), { timeout: 30_000 }).toBe('updated');
    expect(await status.innerText()).toMatch(/Updated to version 2 with a \d+ KB patch\./);
    const bundle = defaultBundle();
    const summary = await page.getByTestId('corpus-status').first().innerText();
    expect(summary).toContain('Version 2');
    expect(summary).toContain(`${bundle.documents.length + 1} documents`);
    await page.close();
  });

  it('marks the new entity on a page, and the popup shows version 2 and the last sync', async () => {
    const page = await session.context.newPage();
    await page.goto(`${pages.origin}/index.html`);
    await expect.poll(() => page.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
    expect((await page.evaluate(readHighlights))['backstory-person']).toContain(NEW_NAME);
    await page.close();
    const popup = await session.context.newPage();
    await popup.goto(`chrome-extension://${session.extensionId}/popup.html`);
    const line = popup.getByTestId('corpus-status');
    await expect.poll(() => line.innerText(), { timeout: 20_000 }).toContain('Version 2');
    expect(await popup.getByTestId('sync-status').innerText()).toContain('Updated to version 2');
    await popup.close();
  });

  it('refuses a tampered version 3 with the reason shown, and the old corpus still answers', async () => {
    await writeFile(path('v3.bsb'), await encodeBundle(withNewEnvoy(defaultBundle(), 3)));
    await cli('publish', '--bundle', path('v3.bsb'), '--key', path('publisher.key'), '--out', path('site'), '--previous', path('site'));
    // A hijacked server swaps one byte of the bundle and of the patch (same lengths).
    for (const file of ['bundles/backstory-default-3.bsb', 'patches/backstory-default-2-to-3.json']) {
      const text = await readFile(path('site', file), 'utf8');
      const tampered = text.replace('Backstory seed corpus', 'Backstory sead corpus');
      expect(tampered).not.toBe(text);
      await writeFile(path('site', file), tampered);
    }
    const page = await optionsPage();
    await page.getByTestId('sync-now').click();
    const status = page.getByTestId('sync-section').getByTestId('sync-status');
    await expect.poll(() => status.getAttribute('data-result'), { timeout: 30_000 }).toBe('refused');
    expect(await status.innerText()).toContain('The bundle does not match the digest the manifest names, so it was altered.');
    expect(await page.getByTestId('corpus-status').first().innerText()).toContain('Version 2');
    await page.close();

    const news = await session.context.newPage();
    await news.goto(`${pages.origin}/index.html`);
    await expect.poll(() => news.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
    expect((await news.evaluate(readHighlights))['backstory-person']).toContain(NEW_NAME);
    await news.close();
    const popup = await session.context.newPage();
    await popup.goto(`chrome-extension://${session.extensionId}/popup.html`);
    await expect.poll(() => popup.getByTestId('sync-status').innerText(), { timeout: 20_000 }).toContain('does not match the digest');
    expect(await popup.getByTestId('corpus-status').innerText()).toContain('Version 2');
    await popup.close();
  });
});
