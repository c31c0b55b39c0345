import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX, type FirefoxSession, haveBrowser, launchFirefox, serveStatic } from '../../cli/browsers';
import { openExtensionPage } from './firefox-support';
import { cardState, centreOf, expectedMarks, flatMarks, PAGE_MOUNTS, passagesOf, requestStats } from './page-support';
import { defaultBundle, missingBrowser, readHighlights } from './support';

/** Decodes Firefox's mozLz4 files: an 8-byte magic, the decoded length, then one LZ4 block. */
function mozLz4(file: Buffer): string {
  if (file.subarray(0, 8).toString('latin1') !== 'mozLz40\0') throw new Error('Not a mozLz4 file.');
  const src = file.subarray(12);
  const out = Buffer.alloc(file.readUInt32LE(8));
  let i = 0;
  let o = 0;
  const more = (n: number): number => {
    for (let b = 255; b === 255; ) n += b = src[i++]!;
    return n;
  };
  while (i < src.length) {
    const token = src[i++]!;
    const literals = (token >> 4) === 15 ? more(15) : token >> 4;
    src.copy(out, o, i, i + literals);
    i += literals;
    o += literals;
    if (i >= src.length) break;
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    const length = ((token & 15) === 15 ? more(15) : token & 15) + 4;
    for (let k = 0; k < length; k++, o++) out[o] = out[o - offset]!;
  }
  return out.subarray(0, o).toString('utf8');
}

/** The open tabs (address and title of each one's current entry) in the profile's session store. */
function sessionTabs(profile: string): { url: string; title: string }[] {
  const file = join(profile, 'sessionstore-backups/recovery.jsonlz4');
  if (!existsSync(file)) return [];
  const session = JSON.parse(mozLz4(readFileSync(file))) as { windows: { tabs: { entries: { url: string; title?: string }[]; index: number }[] }[] };
  return session.windows.flatMap((w) => w.tabs.map((t) => t.entries[t.index - 1]).filter((e) => !!e).map((e) => ({ url: e!.url, title: e!.title ?? '' })));
}

const skip = missingBrowser('Firefox ESR', FIREFOX, haveBrowser(FIREFOX));

/**
 * The same page behaviour in Firefox ESR. The tab the background opens for the reader is invisible
 * to WebDriver (the remote agent skips extension contexts it did not navigate itself), so that tab is
 * seen through the session store (its address and the title it sets); the reader page itself is
 * driven in a tab the test opens at the card's link.
 */
describe.skipIf(skip)('on the page, in real Firefox ESR: marks, the hover card, the reader link', () => {
  let session: FirefoxSession;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let errors: string[] = [];
  const pages: Page[] = [];

  const open = async (path: string): Promise<Page> => {
    const page = await session.browser.newPage();
    pages.push(page);
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warn') && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.origin}${path}`);
    return page;
  };
  const marksOf = async (page: Page): Promise<string[]> => flatMarks(await page.evaluate(readHighlights));

  beforeAll(async () => {
    server = await serveStatic(PAGE_MOUNTS);
    session = await launchFirefox({ prefs: { 'browser.sessionstore.interval': 500 } });
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close().catch(() => undefined);
    errors = [];
  });
  afterAll(async () => {
    await session?.close();
    rmSync(session?.profile ?? '/nonexistent', { recursive: true, force: true });
    await server?.close();
  });

  it('marks exactly what the matcher finds, first mention per paragraph, and changes no node', async () => {
    const served = await (await fetch(`${server.origin}/page/article.html`)).text();
    const page = await open('/page/article.html');
    await expect.poll(() => page.evaluate(readHighlights), { timeout: 20_000 }).toHaveProperty('backstory-person');
    const stats = (await page.evaluate(requestStats))!;
    expect(stats.painter).toBe('highlights');
    expect(Number(stats.maxSliceMs)).toBeLessThan(50);
    const blocks = await page.evaluate(() => ['h1', '#p1', '#p2', '#p3', '#p4'].map((s) => document.querySelector(s)!.textContent!));
    expect(await marksOf(page)).toEqual(expectedMarks(blocks));
    const body = await page.evaluate(() => document.body.outerHTML);
    expect(body.replace(/\s+/g, ' ')).toBe(served.slice(served.indexOf('<body>'), served.indexOf('</body>') + 7).replace(/\s+/g, ' '));
    expect(errors).toEqual([]);
  });

  it('opens the card on hover with passages, links each to the reader page, and opens it on click', async () => {
    const page = await open('/page/article.html');
    await expect.poll(() => marksOf(page), { timeout: 20_000 }).toContain('armed-group:Badr Organization');
    const at = (await page.evaluate(centreOf, ['#p2', 'Badr Organization']))!;
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.evaluate(cardState), { timeout: 5_000 }).toMatchObject({ state: 'ready', entity: 'badr-organization' });
    const card = (await page.evaluate(cardState))!;
    const known = await passagesOf('badr-organization');
    expect(card.passages.length).toBe(Math.min(5, known.size));
    for (const p of card.passages) expect(known).toContain(p);
    expect(card.links[0]).toBe(`moz-extension://${session.uuid}/reader.html?doc=${encodeURIComponent(new URL(card.links[0]!).searchParams.get('doc')!)}&passage=${encodeURIComponent(card.passages[0]!)}`);
    // Escape closes it.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(cardState)).toBeNull();
    // Open again and follow the first link: the background opens the reader in a new tab.
    await page.mouse.move(at.x + 1, at.y);
    await expect.poll(() => page.evaluate(cardState), { timeout: 5_000 }).toMatchObject({ state: 'ready' });
    const link = (await page.evaluate(() => {
      const r = document.querySelector('backstory-card')!.shadowRoot!.querySelector('a[data-testid="reader-link"]')!.getBoundingClientRect();
      return { x: r.left + 5, y: r.top + r.height / 2 };
    }))!;
    await page.mouse.move(link.x, link.y, { steps: 3 });
    await new Promise((r) => setTimeout(r, 200));
    await page.mouse.click(link.x, link.y);
    // The background opens the reader in a new tab. WebDriver cannot look at moz-extension pages (BiDi
    // does not even list them), so the tab is read from Firefox's session store: its address is the
    // link's, and its title is the document's, which the reader page sets once it has rendered it.
    const title = defaultBundle().documents.find((d) => d.id === new URL(card.links[0]!).searchParams.get('doc'))!.title;
    await expect.poll(() => sessionTabs(session.profile), { timeout: 15_000 }).toContainEqual({ url: card.links[0], title: `${title} · Backstory` });
    expect(page.url()).toBe(`${server.origin}/page/article.html`); // the article stays where it was
    expect(errors).toEqual([]);
  });

  it('opens the reader page at the linked passage, highlighted, in view, with its names marked', async () => {
    const page = await open('/page/article.html');
    await expect.poll(() => marksOf(page), { timeout: 20_000 }).toContain('person:Qassem Soleimani');
    const at = (await page.evaluate(centreOf, ['#p2', 'Qassem Soleimani']))!;
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.evaluate(cardState), { timeout: 5_000 }).toMatchObject({ state: 'ready' });
    const card = (await page.evaluate(cardState))!;
    const link = card.links[card.passages.length - 1]!;
    // The card's own link, opened in a tab the test can drive (the tab the background opens is not one).
    const reader = await openExtensionPage(session, link.slice(`moz-extension://${session.uuid}/`.length));
    pages.push(reader);
    await reader.bringToFront();
    const passageId = new URL(link).searchParams.get('passage')!;
    const linked = `[data-passage="${passageId}"]`;
    await reader.waitForSelector(`${linked}.linked`, { timeout: 10_000 });
    await expect
      .poll(() => reader.$eval(linked, (el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight;
      }))
      .toBe(true);
    expect(await passagesOf('qassem-soleimani')).toContain(passageId);
    await expect.poll(() => reader.evaluate(readHighlights), { timeout: 10_000 }).toHaveProperty('backstory-person');
  });

  it('marks paragraphs appended after load', async () => {
    const page = await open('/page/append.html');
    const names = ['Haider al-Abadi', 'Badr Organization', 'Qassem Soleimani', 'Popular Mobilization Forces', 'Lloyd Austin'];
    await expect.poll(async () => (await marksOf(page)).map((m) => m.split(':')[1]), { timeout: 20_000 }).toEqual(expect.arrayContaining(names));
    expect(Number((await page.evaluate(requestStats))!.maxSliceMs)).toBeLessThan(50);
    expect(errors).toEqual([]);
  });

  it('leaves a React-like page that hydrates after the content script ran able to hydrate and re-render', async () => {
    const page = await open('/page/hydrate.html');
    await expect.poll(() => page.evaluate(() => (window as unknown as { hydrated?: string }).hydrated), { timeout: 20_000 }).toBe('same');
    expect(await page.evaluate(() => (window as unknown as { markedBeforeHydration: boolean }).markedBeforeHydration)).toBe(true);
    await page.click('button');
    await expect.poll(() => page.evaluate(() => document.querySelector('button')!.textContent)).toBe('Clicked 1 times');
    await expect.poll(() => marksOf(page), { timeout: 10_000 }).toContain('person:Lloyd Austin');
    expect(errors).toEqual([]);
  });
});
