import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, type ChromiumSession, haveBrowser, launchChromium, serveStatic } from '../../cli/browsers';
import { cardState, centreOf, expectedMarks, expectHugePage, expectReveal, flatMarks, hugePages, PAGE_MOUNTS, passagesOf, requestStats, revealParts } from './page-support';
import { missingBrowser, readHighlights } from './support';

const skip = missingBrowser('Chromium', CHROMIUM, haveBrowser(CHROMIUM));

describe.skipIf(skip)('on the page, in real Chromium: marks, the hover card, the reader', () => {
  let session: ChromiumSession;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let errors: string[] = [];
  const pages: Page[] = [];

  const open = async (path: string): Promise<Page> => {
    const page = await session.context.newPage();
    pages.push(page);
    page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} @ ${m.location().url}`));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.origin}${path}`);
    return page;
  };
  const marksOf = async (page: Page): Promise<string[]> => flatMarks(await page.evaluate(readHighlights));
  const setSettings = (value: unknown) =>
    session.serviceWorker.evaluate(
      (v) => (globalThis as unknown as { chrome: { storage: { local: { set(x: unknown): Promise<void> } } } }).chrome.storage.local.set({ settings: v }),
      value,
    );

  const huge = mkdtempSync(join(tmpdir(), 'backstory-huge-'));

  beforeAll(async () => {
    for (const [name, html] of Object.entries(hugePages())) writeFileSync(join(huge, `${name}.html`), html);
    server = await serveStatic({ ...PAGE_MOUNTS, '/huge/': huge });
    session = await launchChromium();
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
    errors = [];
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
    rmSync(huge, { recursive: true, force: true });
  });

  it('marks exactly what the matcher finds in the visible blocks, first mention per paragraph, and changes no node', async () => {
    const served = await (await fetch(`${server.origin}/page/article.html`)).text();
    const page = await open('/page/article.html');
    await expect.poll(() => page.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
    await page.evaluate(requestStats);
    const blocks = await page.evaluate(() => ['h1', '#p1', '#p2', '#p3', '#p4'].map((s) => document.querySelector(s)!.textContent!));
    const marks = await marksOf(page);
    expect(marks).toEqual(expectedMarks(blocks));
    expect(marks).toEqual(expect.arrayContaining(['person:Haider al-Abadi', 'armed-group:Badr Organization', 'event:Tikrit offensive', 'person:Lloyd Austin']));
    expect(marks.filter((m) => m === 'person:Haider al-Abadi')).toHaveLength(1); // twice in #p1, marked once
    expect(marks.filter((m) => m === 'country:Iraq')).toHaveLength(1);
    expect(marks.join()).not.toContain('Maliki'); // only in code, aria-hidden, hidden, editable and form text
    const body = await page.evaluate(() => document.body.outerHTML);
    expect(body.replace(/\s+/g, ' ')).toBe(served.slice(served.indexOf('<body>'), served.indexOf('</body>') + 7).replace(/\s+/g, ' '));
    expect(errors).toEqual([]);
  });

  it('follows the settings: every mention, and a type switched off', async () => {
    const page = await open('/page/article.html');
    await expect.poll(() => marksOf(page), { timeout: 20_000 }).toContain('country:Iraq');
    try {
      await setSettings({ markMode: 'every', disabledTypes: ['country'] });
      await expect.poll(() => marksOf(page)).not.toContain('country:Iraq');
      const marks = await marksOf(page);
      expect(marks.filter((m) => m === 'person:Haider al-Abadi')).toHaveLength(2);
    } finally {
      await setSettings({});
    }
    await expect.poll(() => marksOf(page)).toContain('country:Iraq');
  });

  it('opens the card on hover, with passages that speak of the entity, keeps it while the pointer is in it, and closes it', async () => {
    const page = await open('/page/article.html');
    await expect.poll(() => marksOf(page), { timeout: 20_000 }).toContain('armed-group:Badr Organization');
    // Not on a mark: no card.
    const plain = (await page.evaluate(centreOf, ['#p2', 'fought']))!;
    await page.mouse.move(plain.x, plain.y);
    await page.waitForTimeout(500);
    expect(await page.evaluate(cardState)).toBeNull();
    // On a mark: the card, with the entity and its passages.
    const at = (await page.evaluate(centreOf, ['#p2', 'Badr Organization']))!;
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.evaluate(cardState), { timeout: 5_000 }).toMatchObject({ state: 'ready', entity: 'badr-organization' });
    const card = (await page.evaluate(cardState))!;
    expect(card.name).toBe('Badr Organization');
    const known = await passagesOf('badr-organization');
    expect(card.passages.length).toBe(Math.min(5, known.size));
    for (const p of card.passages) expect(known).toContain(p);
    expect(card.links[0]).toMatch(new RegExp(`^chrome-extension://${session.extensionId}/reader\\.html\\?doc=[^&]+&passage=`));
    // Into the card: it stays.
    const box = (await page.locator('backstory-card [data-testid="backstory-card"]').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(page.viewportSize()!.height);
    await page.mouse.move(box.x + 20, box.y + 10, { steps: 5 });
    await page.waitForTimeout(600);
    expect(await page.evaluate(cardState)).not.toBeNull();
    // Escape closes it.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(cardState)).toBeNull();
    // Reopen, then leave both: it closes after a short delay.
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.evaluate(cardState), { timeout: 5_000 }).not.toBeNull();
    await page.mouse.move(5, 5);
    await expect.poll(() => page.evaluate(cardState), { timeout: 3_000 }).toBeNull();
    // The page's body never changed: the card's host sits outside it.
    expect(await page.evaluate(() => document.body.querySelector('backstory-card'))).toBeNull();
    expect(errors).toEqual([]);
  });

  it("follows the reader's colour scheme and reduced motion in the card", async () => {
    const page = await open('/page/article.html');
    await expect.poll(() => marksOf(page), { timeout: 20_000 }).toContain('person:Lloyd Austin');
    const at = (await page.evaluate(centreOf, ['#p3', 'Lloyd Austin']))!;
    const look = () =>
      page.evaluate(() => {
        const card = document.querySelector('backstory-card')?.shadowRoot?.querySelector('.card');
        if (!card) return null;
        const style = getComputedStyle(card);
        return { background: style.backgroundColor, animation: style.animationName };
      });
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    await page.mouse.move(at.x, at.y);
    await expect.poll(look, { timeout: 5_000 }).toEqual({ background: 'rgb(255, 255, 255)', animation: 'backstory-in' });
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expect.poll(look).toEqual({ background: 'rgb(31, 41, 55)', animation: 'none' });
  });

  it('opens the reader page at the linked passage, highlighted, in view, with its names marked', async () => {
    const page = await open('/page/article.html');
    await expect.poll(() => marksOf(page), { timeout: 20_000 }).toContain('person:Qassem Soleimani');
    const at = (await page.evaluate(centreOf, ['#p2', 'Qassem Soleimani']))!;
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.evaluate(cardState), { timeout: 5_000 }).toMatchObject({ state: 'ready' });
    const card = (await page.evaluate(cardState))!;
    const last = card.passages.length - 1;
    const opened = session.context.waitForEvent('page');
    await page.locator('backstory-card a[data-testid="reader-link"]').nth(last).click();
    const reader = await opened;
    pages.push(reader);
    await reader.waitForLoadState();
    expect(reader.url()).toBe(card.links[last]);
    const passageId = new URL(reader.url()).searchParams.get('passage')!;
    const linked = reader.locator(`[data-passage="${passageId}"]`);
    await expect.poll(() => linked.getAttribute('class'), { timeout: 10_000 }).toBe('linked');
    await expect.poll(() => linked.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.top < innerHeight;
    })).toBe(true);
    expect(await passagesOf('qassem-soleimani')).toContain(passageId);
    await expect.poll(() => reader.evaluate(readHighlights), { timeout: 10_000 }).toHaveProperty('backstory-person');
  });

  it('opens the card from the keyboard command for the mention at the selection', async () => {
    const manifest = await session.serviceWorker.evaluate(() =>
      (globalThis as unknown as { chrome: { runtime: { getManifest(): { commands?: Record<string, { suggested_key?: { default?: string } }> } } } }).chrome.runtime.getManifest(),
    );
    expect(manifest.commands?.['open-card']?.suggested_key?.default).toBe('Alt+Shift+B');
    const page = await open('/page/article.html');
    await expect.poll(() => marksOf(page), { timeout: 20_000 }).toContain('person:Lloyd Austin');
    await page.evaluate(() => {
      const p = document.getElementById('p3')!.firstChild!;
      getSelection()!.setBaseAndExtent(p, 0, p, 5);
    });
    // Headless Chromium does not deliver global shortcuts: send what the background sends on the command.
    await page.bringToFront();
    await session.serviceWorker.evaluate(async () => {
      const chrome = (globalThis as unknown as { chrome: { tabs: { query(q: unknown): Promise<{ id: number }[]>; sendMessage(id: number, m: unknown): Promise<unknown> } } }).chrome;
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      await chrome.tabs.sendMessage(tab!.id, { backstory: 1, type: 'openCardAtSelection' });
    });
    await expect.poll(() => page.evaluate(cardState), { timeout: 5_000 }).toMatchObject({ state: 'ready', entity: 'lloyd-austin' });
  });

  it('marks paragraphs appended after load, and a page that never stops changing does not keep it busy', async () => {
    const page = await open('/page/append.html');
    const names = ['Haider al-Abadi', 'Badr Organization', 'Qassem Soleimani', 'Popular Mobilization Forces', 'Lloyd Austin'];
    await expect.poll(async () => (await marksOf(page)).map((m) => m.split(':')[1]), { timeout: 20_000 }).toEqual(expect.arrayContaining(names));
    const first = (await page.evaluate(requestStats))!;
    await page.waitForTimeout(2000); // the ticker rewrites itself 40 more times
    const later = (await page.evaluate(requestStats))!;
    expect(later.marks).toBe(first.marks);
    expect(later.blocks).toBe(first.blocks);
    // Changes are gathered for 200 ms: at most ~10 reads of the ticker in 2 s, not 40.
    expect(Number(later.finds) - Number(first.finds)).toBeLessThanOrEqual(14);
    expect(Number(later.maxSliceMs)).toBeLessThan(50);
    expect(errors).toEqual([]);
  });

  it('marks the parts of a page it shows after load: a class, the hidden attribute, far down, added hidden', async () => {
    const page = await open('/page/reveal.html');
    await expectReveal({
      names: async () => (await marksOf(page)).map((m) => m.split(':')[1]!),
      stats: () => page.evaluate(requestStats),
      reveal: () => page.evaluate(revealParts),
    });
    expect(errors).toEqual([]);
  });

  it('on a page with more marks than are kept drawn, draws those near the viewport and the rest as they scroll near', async () => {
    const body = Array.from({ length: 800 }, (_, i) => `<p id="p${i}">Paragraph ${i}: Haider al-Abadi spoke.</p>`).join('');
    await session.context.route('**/gen/long.html', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><html><body>${body}</body></html>` }));
    const page = await open('/gen/long.html');
    const stats = (await page.evaluate(requestStats))!;
    expect(stats).toMatchObject({ marks: 800, windowed: true });
    const drawnIn = () =>
      page.evaluate(() => [...(CSS.highlights.get('backstory-person') as unknown as Set<Range>)].map((r) => (r.startContainer.parentElement as Element).id));
    const first = await drawnIn();
    expect(first).toContain('p0');
    expect(first).not.toContain('p799');
    expect(first.length).toBeLessThan(800);
    await page.evaluate(() => document.getElementById('p799')!.scrollIntoView());
    await expect.poll(drawnIn, { timeout: 5_000 }).toContain('p799');
    expect(await drawnIn()).not.toContain('p0');
    const at = (await page.evaluate(centreOf, ['#p799', 'Haider al-Abadi']))!;
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.evaluate(cardState), { timeout: 5_000 }).toMatchObject({ entity: 'haider-al-abadi' });
    expect(errors).toEqual([]);
  });

  it('watches only the blocks near the viewport, and draws those a layout change brings near without a scroll', async () => {
    const page = await open('/page/long.html');
    await expect.poll(async () => Number((await page.evaluate(requestStats))!.parked), { timeout: 5_000 }).toBeGreaterThan(600);
    const stats = (await page.evaluate(requestStats))!;
    // The IntersectionObserver watches the blocks within its margin, not all 800.
    expect(Number(stats.watched)).toBeLessThan(200);
    const drawnIn = () =>
      page.evaluate(() => [...(CSS.highlights.get('backstory-person') as unknown as Set<Range>)].map((r) => (r.startContainer.parentElement as Element).id));
    expect(await drawnIn()).not.toContain('p700');
    // The first 700 paragraphs are hidden (a style change: no node is added or removed), so p700 is at the top.
    await page.evaluate(() => void (document.getElementById('top')!.style.display = 'none'));
    await expect.poll(drawnIn, { timeout: 5_000 }).toContain('p700');
    expect(errors).toEqual([]);
  });

  it.each(Object.keys(hugePages()))('runs no task over 50 ms on a 3 MB page (%s), and marks it', async (name) => {
    const page = await open(`/huge/${name}.html`);
    await expectHugePage({ stats: () => page.evaluate(requestStats), marks: () => marksOf(page) });
    expect(errors).toEqual([]);
  });

  it('runs no task over 50 ms on a 3 MB page of one text node with every mention marked (about 25,000 marks in one block)', async () => {
    try {
      await setSettings({ markMode: 'every', disabledTypes: [] });
      const page = await open('/huge/one-text-node.html');
      await expectHugePage({ stats: () => page.evaluate(requestStats), marks: () => marksOf(page) });
      expect(Number((await page.evaluate(requestStats))!.marks)).toBeGreaterThan(20_000);
      expect(errors).toEqual([]);
    } finally {
      await setSettings({});
    }
  });

  it('leaves a React-like page that hydrates after the content script ran able to hydrate and re-render', async () => {
    const page = await open('/page/hydrate.html');
    await expect.poll(() => page.evaluate(() => (window as unknown as { hydrated?: string }).hydrated), { timeout: 20_000 }).toBe('same');
    expect(await page.evaluate(() => (window as unknown as { markedBeforeHydration: boolean }).markedBeforeHydration)).toBe(true);
    await page.getByRole('button').click();
    await expect.poll(() => page.getByRole('button').textContent()).toBe('Clicked 1 times');
    await expect.poll(() => marksOf(page), { timeout: 10_000 }).toContain('person:Lloyd Austin');
    expect(await marksOf(page)).toEqual(expect.arrayContaining(['person:Mohammed Shia al-Sudani', 'person:Marco Rubio']));
    expect(errors).toEqual([]);
  });
});
