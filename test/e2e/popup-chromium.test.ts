import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, type ChromiumSession, haveBrowser, launchChromium, ROOT, serveStatic } from '../../cli/browsers';
import { cardState } from './page-support';
import { missingBrowser, readHighlights } from './support';

const skip = missingBrowser('Chromium', CHROMIUM, haveBrowser(CHROMIUM));

/** The popup opened in a tab of its own for the news page's tab (extension pages accept ?tabId=N). */
describe.skipIf(skip)('the popup for a news page, in real Chromium', () => {
  let session: ChromiumSession;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let news: Page;
  let popup: Page;

  beforeAll(async () => {
    server = await serveStatic({ '/demo/': join(ROOT, 'assets/demo') });
    session = await launchChromium();
    news = await session.context.newPage();
    await news.goto(`${server.origin}/demo/index.html`);
    await news.waitForFunction(() => CSS.highlights.has('backstory-person'), null, { timeout: 20_000 });
    await news.bringToFront();
    // Without the "tabs" permission the background still knows which tab is active.
    const tabId = await session.serviceWorker.evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id?: number }[]> } } }).chrome;
      return (await c.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id;
    });
    if (typeof tabId !== 'number') throw new Error('The background found no active tab.');
    popup = await session.context.newPage();
    await popup.goto(`chrome-extension://${session.extensionId}/popup.html?tabId=${tabId}`);
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('shows the corpus documents that cover the page, best first, with their best passage', async () => {
    const related = popup.getByTestId('related');
    await related.waitFor({ timeout: 20_000 });
    const ids = await related.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-document')));
    expect(ids.length).toBeGreaterThan(1);
    expect(ids).toContain('prism-us-pressures-iraq-2026');
    const first = related.locator('li').first();
    expect(await first.locator('.shared').innerText()).toMatch(/^Shares: /);
    expect((await first.locator('blockquote').innerText()).length).toBeGreaterThan(40);
  });

  it('lists the entities on the page with how often they are named', async () => {
    const list = popup.getByTestId('entities');
    await list.waitFor();
    const entities = await list.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-entity')));
    expect(entities).toEqual(expect.arrayContaining(['mohammed-shia-al-sudani', 'haider-al-abadi', 'qassem-soleimani', 'popular-mobilization-forces']));
    expect(await list.locator('[data-entity=qassem-soleimani] .count').innerText()).toBe('2');
    expect(await list.locator('[data-entity=qassem-soleimani] .name').innerText()).toBe('Qassem Soleimani');
  });

  it('searches the corpus as you type', async () => {
    await popup.getByLabel('Search the corpus').fill('Dunford');
    const results = popup.getByTestId('search-results');
    await results.locator('[data-entity=joseph-dunford]').waitFor({ timeout: 10_000 });
    expect(await results.locator('.passage-hits li').count()).toBeGreaterThan(0);
  });

  it('reveals an entity on the page: scrolls to it and opens its card', async () => {
    await popup.getByTestId('entities').locator('[data-entity=lloyd-austin] button').click();
    await expect.poll(() => news.evaluate(cardState), { timeout: 10_000 }).toMatchObject({ entity: 'lloyd-austin' });
  });

  it('turns Backstory off for the site (the page loses its marks) and on again', async () => {
    const toggle = popup.getByRole('switch');
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await popup.getByText('Backstory is off for this site.').waitFor();
    await expect.poll(() => news.evaluate(readHighlights), { timeout: 10_000 }).toEqual({});
    const stored = await session.serviceWorker.evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, { denySites?: string[] }>> } } } }).chrome;
      return (await c.storage.local.get('settings')).settings?.denySites;
    });
    expect(stored).toEqual(['127.0.0.1']);
    await toggle.click();
    await expect.poll(() => news.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
  });
});
