import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX, type FirefoxSession, haveBrowser, launchFirefox, ROOT, serveStatic } from '../../cli/browsers';
import { openPopupFor, reloadExtensionPage } from './firefox-support';
import { cardState } from './page-support';
import { missingBrowser, readHighlights } from './support';

const skip = missingBrowser('Firefox ESR', FIREFOX, haveBrowser(FIREFOX));

/** The popup opened in a tab of its own for the news page's tab, as in popup-chromium.test.ts. */
describe.skipIf(skip)('the popup for a news page, in real Firefox ESR', () => {
  let session: FirefoxSession;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let news: Page;
  let popup: Page;

  beforeAll(async () => {
    server = await serveStatic({ '/demo/': join(ROOT, 'assets/demo') });
    session = await launchFirefox();
    news = await session.browser.newPage();
    await news.goto(`${server.origin}/demo/index.html`);
    await news.waitForFunction(() => CSS.highlights.has('backstory-person'), { timeout: 20_000 });
    ({ popup } = await openPopupFor(session, news));
  });
  afterAll(async () => {
    await session?.close();
    if (session) rmSync(session.profile, { recursive: true, force: true });
    await server?.close();
  });

  it('shows the corpus documents that cover the page, best first, with their best passage', async () => {
    await popup.waitForSelector('[data-testid=related] li', { timeout: 20_000 });
    const ids = await popup.$$eval('[data-testid=related] li', (lis) => lis.map((li) => li.getAttribute('data-document')));
    expect(ids.length).toBeGreaterThan(1);
    expect(ids).toContain('prism-us-pressures-iraq-2026');
    expect(await popup.$eval('[data-testid=related] li .shared', (e) => (e as HTMLElement).innerText)).toMatch(/^Shares: /);
    expect((await popup.$eval('[data-testid=related] li blockquote', (e) => (e as HTMLElement).innerText)).length).toBeGreaterThan(40);
  });

  it('lists the entities on the page with how often they are named', async () => {
    await popup.waitForSelector('[data-testid=entities] li');
    const entities = await popup.$$eval('[data-testid=entities] li', (lis) => lis.map((li) => li.getAttribute('data-entity')));
    expect(entities).toEqual(expect.arrayContaining(['mohammed-shia-al-sudani', 'haider-al-abadi', 'qassem-soleimani', 'popular-mobilization-forces']));
    expect(await popup.$eval('[data-testid=entities] [data-entity=qassem-soleimani] .count', (e) => (e as HTMLElement).innerText)).toBe('2');
    expect(await popup.$eval('[data-testid=entities] [data-entity=qassem-soleimani] .name', (e) => (e as HTMLElement).innerText)).toBe('Qassem Soleimani');
  });

  it('searches the corpus as you type', async () => {
    await popup.type('input[aria-label="Search the corpus"]', 'Dunford');
    await popup.waitForSelector('[data-testid=search-results] [data-entity=joseph-dunford]', { timeout: 10_000 });
    expect((await popup.$$('[data-testid=search-results] .passage-hits li')).length).toBeGreaterThan(0);
  });

  it('reveals an entity on the page: scrolls to it and opens its card', async () => {
    await popup.click('[data-testid=entities] [data-entity=lloyd-austin] button');
    await expect.poll(() => news.evaluate(cardState), { timeout: 10_000 }).toMatchObject({ entity: 'lloyd-austin' });
  });

  it('turns Backstory off for the site (the page loses its marks) and on again', async () => {
    const checked = (): Promise<boolean> => popup.$eval('[role=switch]', (e) => (e as HTMLInputElement).checked);
    expect(await checked()).toBe(true);
    await popup.click('[role=switch]');
    await popup.waitForFunction(() => document.body.innerText.includes('Backstory is off for this site.'), { timeout: 10_000 });
    await expect.poll(() => news.evaluate(readHighlights), { timeout: 10_000 }).toEqual({});
    const stored = await popup.evaluate(async () => {
      const api = (globalThis as unknown as { browser: { storage: { local: { get(k: string): Promise<Record<string, { denySites?: string[] }>> } } } }).browser;
      return (await api.storage.local.get('settings')).settings?.denySites;
    });
    expect(stored).toEqual(['127.0.0.1']);
    // Remembered: the popup opened again for the tab shows the site off.
    await reloadExtensionPage(popup);
    await popup.waitForFunction(() => document.body.innerText.includes('Backstory is off for this site.'), { timeout: 10_000 });
    expect(await checked()).toBe(false);
    await popup.click('[role=switch]');
    expect(await checked()).toBe(true);
    await expect.poll(() => news.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
  });
});
