import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, type ChromiumSession, haveBrowser, launchChromium, ROOT, serveStatic } from '../../cli/browsers';
import { missingBrowser, readHighlights } from './support';

const skip = missingBrowser('Chromium', CHROMIUM, haveBrowser(CHROMIUM));

/**
 * A profile whose IndexedDB folder is a plain file: Chromium cannot open any database there, as on
 * a broken or full disk. The extension must keep working from the bundle in memory, and say so.
 */
describe.skipIf(skip)('Chromium where IndexedDB cannot be opened', () => {
  let session: ChromiumSession;
  let server: Awaited<ReturnType<typeof serveStatic>>;

  beforeAll(async () => {
    server = await serveStatic({ '/demo/': join(ROOT, 'assets/demo') });
    session = await launchChromium({
      prepareProfile: async (dir) => {
        await mkdir(join(dir, 'Default'), { recursive: true });
        await writeFile(join(dir, 'Default/IndexedDB'), 'not a folder');
      },
    });
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('says in the popup that the corpus is served from memory', async () => {
    const page = await session.context.newPage();
    await page.goto(`chrome-extension://${session.extensionId}/popup.html`);
    const status = page.getByTestId('corpus-status');
    await expect.poll(() => status.getAttribute('data-storage'), { timeout: 20_000 }).toBe('memory');
    expect(await page.getByTestId('storage-problem').innerText()).toMatch(/^The corpus is served from memory because .+\.$/);
    await page.close();
  });

  it('still marks the corpus names on pages', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/demo/index.html`);
    await expect.poll(() => page.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
    expect((await page.evaluate(readHighlights))['backstory-person']).toContain('Haider al-Abadi');
    await page.close();
  });
});
