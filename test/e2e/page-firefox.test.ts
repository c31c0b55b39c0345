import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX, type FirefoxSession, haveBrowser, launchFirefox, serveStatic } from '../../cli/browsers';
import { type ExtensionView, extensionView, openExtensionPage } from './firefox-support';
import { cardState, centreOf, expectedMarks, expectHugePage, expectReveal, flatMarks, hugePages, PAGE_MOUNTS, passagesOf, requestStats, revealParts } from './page-support';
import { defaultBundle, missingBrowser, readHighlights } from './support';

const skip = missingBrowser('Firefox ESR', FIREFOX, haveBrowser(FIREFOX));

/**
 * The same page behaviour in Firefox ESR. The tab the background opens for the reader is no WebDriver
 * target (the remote agent skips extension contexts it did not open), so it is read from an extension
 * page of the test's own, as one of the extension's views.
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
  /** Moves the pointer into the open card and clicks its `index`th reader link, as a person would. */
  const followLink = async (page: Page, index: number): Promise<void> => {
    const link = await page.evaluate((i) => {
      const a = document.querySelector('backstory-card')!.shadowRoot!.querySelectorAll('a[data-testid="reader-link"]')[i]!;
      a.scrollIntoView({ block: 'nearest' });
      const r = a.getBoundingClientRect();
      return { x: r.left + 5, y: r.top + r.height / 2 };
    }, index);
    await page.mouse.move(link.x, link.y, { steps: 3 });
    await new Promise((r) => setTimeout(r, 200));
    await page.mouse.click(link.x, link.y);
  };
  /** What the extension's tab at `url` shows, read from an extension page of the test's own. */
  let probe: Page | undefined;
  const viewOf = async (url: string): Promise<ExtensionView | null> => {
    probe ??= await openExtensionPage(session, 'options.html');
    return probe.evaluate(extensionView, url);
  };

  const huge = mkdtempSync(join(tmpdir(), 'backstory-huge-'));

  beforeAll(async () => {
    for (const [name, html] of Object.entries(hugePages())) writeFileSync(join(huge, `${name}.html`), html);
    server = await serveStatic({ ...PAGE_MOUNTS, '/huge/': huge });
    session = await launchFirefox();
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close().catch(() => undefined);
    await probe?.close().catch(() => undefined);
    probe = undefined;
    errors = [];
  });
  afterAll(async () => {
    await session?.close();
    rmSync(session?.profile ?? '/nonexistent', { recursive: true, force: true });
    rmSync(huge, { recursive: true, force: true });
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
    // Open again and follow the first link: the background opens the reader in a new tab, whose
    // title is the document's once the reader page has rendered it.
    await page.mouse.move(at.x + 1, at.y);
    await expect.poll(() => page.evaluate(cardState), { timeout: 5_000 }).toMatchObject({ state: 'ready' });
    await followLink(page, 0);
    const title = defaultBundle().documents.find((d) => d.id === new URL(card.links[0]!).searchParams.get('doc'))!.title;
    await expect.poll(() => viewOf(card.links[0]!), { timeout: 15_000 }).toMatchObject({ title: `${title} · Backstory`, linked: card.passages[0] });
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
    const last = card.passages.length - 1;
    await followLink(page, last);
    const passageId = card.passages[last]!;
    expect(await passagesOf('qassem-soleimani')).toContain(passageId);
    await expect.poll(() => viewOf(card.links[last]!), { timeout: 15_000 }).toMatchObject({ linked: passageId, linkedInView: true });
    await expect.poll(async () => (await viewOf(card.links[last]!))?.highlights, { timeout: 10_000 }).toContain('backstory-person');
  });

  it('marks paragraphs appended after load', async () => {
    const page = await open('/page/append.html');
    const names = ['Haider al-Abadi', 'Badr Organization', 'Qassem Soleimani', 'Popular Mobilization Forces', 'Lloyd Austin'];
    await expect.poll(async () => (await marksOf(page)).map((m) => m.split(':')[1]), { timeout: 20_000 }).toEqual(expect.arrayContaining(names));
    expect(Number((await page.evaluate(requestStats))!.maxSliceMs)).toBeLessThan(50);
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

  it('on a page with more marks than are kept drawn, watches and draws only blocks near the viewport, and those a scroll or a layout change brings near', async () => {
    const page = await open('/page/long.html');
    await expect.poll(async () => Number((await page.evaluate(requestStats))?.parked ?? 0), { timeout: 10_000 }).toBeGreaterThan(600);
    const stats = (await page.evaluate(requestStats))!;
    expect(stats).toMatchObject({ marks: 800, windowed: true });
    expect(Number(stats.watched)).toBeLessThan(200);
    const drawnIn = () =>
      page.evaluate(() => [...((CSS.highlights.get('backstory-person') as unknown as Set<Range> | undefined) ?? [])].map((r) => (r.startContainer.parentElement as Element).id));
    expect(await drawnIn()).toContain('p0');
    expect(await drawnIn()).not.toContain('p650');
    await page.evaluate(() => document.getElementById('p650')!.scrollIntoView());
    await expect.poll(drawnIn, { timeout: 5_000 }).toContain('p650');
    expect(await drawnIn()).not.toContain('p0');
    await page.evaluate(() => scrollTo(0, 0));
    await expect.poll(drawnIn, { timeout: 5_000 }).toContain('p0');
    // The first 700 paragraphs are hidden (no node added or removed), so p700 is at the top.
    await page.evaluate(() => void (document.getElementById('top')!.style.display = 'none'));
    await expect.poll(drawnIn, { timeout: 5_000 }).toContain('p700');
    expect(errors).toEqual([]);
  });

  it.each(Object.keys(hugePages()))('runs no task over 50 ms on a 3 MB page (%s), and marks it', async (name) => {
    const page = await open(`/huge/${name}.html`);
    await expectHugePage({ stats: () => page.evaluate(requestStats), marks: () => marksOf(page) });
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
