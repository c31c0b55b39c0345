import { rmSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX, type FirefoxSession, haveBrowser, launchFirefox, serveStatic } from '../../cli/browsers';
import { requestStats } from './page-support';
import { FIXTURES, missingBrowser, readHighlights, savedPages } from './support';

/**
 * Every saved news page in ../shared/fixtures/pages in one Firefox ESR session, one after another:
 * the extension's work fails nowhere, runs no task over 50 ms, adds nothing to <body>, and marks the
 * pages that speak of Iraq. (The hover card on every page is checked in Chromium.)
 */
const files = savedPages();
const skip = missingBrowser('Firefox ESR', FIREFOX, haveBrowser(FIREFOX)) || files.length === 0;

/** `p`, or null after `ms` (a page that navigates itself away can leave a WebDriver call hanging). */
const within = <T>(p: Promise<T>, ms = 10_000): Promise<T | null> => Promise.race([p, new Promise<null>((ok) => setTimeout(() => ok(null), ms))]);

describe.skipIf(skip)('every saved news page, in real Firefox ESR', () => {
  let session: FirefoxSession;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let page: Page;
  let errors: string[] = [];
  const left: string[] = [];
  const notLoaded: string[] = [];
  let longest = 0;
  let longestPage = '';

  beforeAll(async () => {
    server = await serveStatic({ '/pages/': FIXTURES });
    session = await launchFirefox();
    page = await session.browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && /backstory|moz-extension:/i.test(`${m.text()} ${m.location()?.url ?? ''}`)) errors.push(m.text());
    });
  });
  afterAll(async () => {
    await session?.close();
    rmSync(session?.profile ?? '/nonexistent', { recursive: true, force: true });
    await server?.close();
    console.log(`Firefox: ${files.length - notLoaded.length - left.length} pages checked; longest extension task ${longest.toFixed(1)} ms (${longestPage}); navigated away by their own script: ${left.join(', ') || 'none'}; load never reported, so not checked: ${notLoaded.join(', ') || 'none'}.`);
  });

  /** True once the page at `url` is complete (polled for 15 s). */
  const loadedAfterAll = async (url: string): Promise<boolean> => {
    for (let i = 0; i < 30; i++) {
      const state = await within(page.evaluate(() => [location.href, document.readyState]).catch(() => null), 2_000);
      if (state?.[0] === url && state[1] === 'complete') return true;
      await new Promise((ok) => setTimeout(ok, 500));
    }
    return false;
  };

  it.each(files)('%s', { timeout: 60_000 }, async (file) => {
    errors = [];
    const url = `${server.origin}/pages/${file}`;
    const loaded = await page.goto(url, { waitUntil: 'load', timeout: 20_000 }).then(
      () => true,
      // WebDriver BiDi fails some navigations at once ("unknown error") though the page goes on to
      // load: such a page is checked once it is complete.
      () => loadedAfterAll(url),
    );
    if (!loaded) {
      // WebDriver never reported its load (a request to a blocked host hanging): nothing is asserted.
      notLoaded.push(file);
      return;
    }
    await within(page.evaluate(() => window.stop()).catch(() => undefined));
    const stats = await within(page.evaluate(requestStats).catch(() => null));
    if (page.url() !== url) {
      left.push(file); // the page's own script (or <meta refresh>) took it to its blocked site
      return;
    }
    expect(stats, 'the content script reports its timings').not.toBeNull();
    expect(stats!.lastError, 'no work of the extension failed').toBeUndefined();
    expect(Number(stats!.maxSliceMs), `longest extension task (ms), in ${stats!.maxSliceWork}`).toBeLessThan(50);
    if (Number(stats!.maxSliceMs) > longest) [longest, longestPage] = [Number(stats!.maxSliceMs), file];
    const seen = await within(
      page.evaluate(() => ({
        aboutIraq: [...document.querySelectorAll('p, h1, h2, h3, li')].some((e) => /\bIraq\b/.test((e as HTMLElement).innerText)),
        ours: document.documentElement.outerHTML.includes('<backstory-'),
      })),
    ).catch(() => null);
    const highlights = await within(page.evaluate(readHighlights)).catch(() => null);
    if (!seen || !highlights) {
      expect(page.url(), 'only a page that went away may leave a question unanswered').not.toBe(url);
      left.push(file);
      return;
    }
    const marks = Object.values(highlights).reduce((n, list) => n + list.length, 0);
    if (seen.aboutIraq) expect(marks, 'a page about Iraq gets marks').toBeGreaterThan(0);
    expect(seen.ours, 'no extension element in the page').toBe(false);
    expect(errors).toEqual([]);
  });
});
