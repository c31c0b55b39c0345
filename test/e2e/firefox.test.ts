import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX, FIREFOX_BUILD, type FirefoxSession, haveBrowser, launchFirefox, ROOT, serveStatic } from '../../cli/browsers';
import { openExtensionPage } from './firefox-support';
import { countCorpusStores, defaultBundle, missingBrowser, readHighlights } from './support';

const skip = missingBrowser('Firefox ESR', FIREFOX, haveBrowser(FIREFOX));

describe.skipIf(skip)('the built extension in real Firefox ESR', () => {
  let session: FirefoxSession;
  let server: Awaited<ReturnType<typeof serveStatic>>;

  beforeAll(async () => {
    server = await serveStatic({ '/demo/': join(ROOT, 'assets/demo') });
    session = await launchFirefox();
  });
  afterAll(async () => {
    await session?.close();
    rmSync(session?.profile ?? '/nonexistent', { recursive: true, force: true });
    await server?.close();
  });

  it('runs its content script on a page served on 127.0.0.1 and marks the corpus names', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${server.origin}/demo/index.html`);
    await expect.poll(() => page.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
    const marks = await page.evaluate(readHighlights);
    expect(marks['backstory-person']).toEqual(expect.arrayContaining(['Mohammed Shia al-Sudani', 'Haider al-Abadi', 'Qassem Soleimani']));
    expect(marks['backstory-armed-group']).toEqual(expect.arrayContaining(['Asa’ib Ahl al-Haq', 'Popular Mobilization Forces']));
    expect(marks['backstory-event']).toEqual(expect.arrayContaining(['fall of Mosul']));
    await page.close();
  });

  it('has its stylesheet injected before the page is built, not with the script at document_idle', () => {
    // Firefox injects a content script's CSS at its run_at: a sheet added to a laid-out page made the
    // next style query restyle the whole page (80-140 ms on the saved Wikipedia page).
    type Entry = { css?: string[]; js?: string[]; run_at?: string };
    const entries = (JSON.parse(readFileSync(join(FIREFOX_BUILD, 'manifest.json'), 'utf8')) as { content_scripts: Entry[] }).content_scripts;
    const styled = entries.filter((e) => e.css?.length);
    expect(styled.length).toBeGreaterThan(0);
    for (const e of styled) expect(e.run_at, `the entry injecting ${e.css!.join()}`).toBe('document_start');
    expect(entries.find((e) => e.js?.length)?.run_at).toBe('document_idle');
  });

  it('holds the default corpus in its IndexedDB', async () => {
    const bundle = defaultBundle();
    // Read in an extension page, whose IndexedDB is the background's (the add-on's origin).
    const page = await openExtensionPage(session, 'options.html');
    await expect.poll(() => page.evaluate(countCorpusStores), { timeout: 20_000 }).toEqual({
      documents: bundle.documents.length,
      passages: bundle.passages.length,
      entities: bundle.entities.length,
      mentions: bundle.mentions.length,
      meta: 1,
    });
    await page.close();
  });
});
