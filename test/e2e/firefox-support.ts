import type { Page } from 'puppeteer-core';
import type { FirefoxSession } from '../../cli/browsers';

/**
 * Driving the extension's own pages in Firefox ESR. launchFirefox starts Firefox with
 * --remote-allow-system-access, so WebDriver BiDi may navigate a tab to moz-extension://; but the
 * remote agent sends no navigation or load events for extension documents (it skips extension
 * contexts, Bug 1755014), so puppeteer's page.goto() would wait for them until it times out. The
 * navigation is therefore started without waiting, and its end is read from the page itself.
 */

/** What puppeteer's BiDi frame holds (not in its public types): the browsing context, which can navigate. */
interface BidiFrameInternals {
  browsingContext?: { navigate(url: string, wait: 'none'): Promise<void> };
}

/** Resolves once `page` shows a document whose address satisfies `ready` and that has loaded. */
export async function waitForDocument(page: Page, ready: (href: string) => boolean, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    // While the tab changes process, evaluating fails for a moment: that is not an answer yet.
    const state = await page.evaluate(() => [location.href, document.readyState]).catch(() => null);
    if (state) last = `${state[0]} (${state[1]})`;
    if (state && ready(state[0]!) && state[1] === 'complete') return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`The tab did not load the expected page within ${timeout} ms; it shows ${last || 'nothing'}.`);
}

/**
 * Opens `path` (e.g. `options.html`) of the installed add-on in a new tab, loaded; with `behind`, the
 * new tab opens behind that page, which stays the active tab.
 */
export async function openExtensionPage(session: FirefoxSession, path: string, options: { behind?: Page } = {}): Promise<Page> {
  const page = await session.browser.newPage();
  await options.behind?.bringToFront();
  const url = `moz-extension://${session.uuid}/${path}`;
  const context = (page.mainFrame() as unknown as BidiFrameInternals).browsingContext;
  if (!context) throw new Error('This puppeteer-core no longer exposes the BiDi browsing context, so extension pages cannot be opened.');
  await context.navigate(url, 'none');
  await waitForDocument(page, (href) => href === url);
  return page;
}

/** Reloads an extension page (page.reload() would wait for events that never come), and waits for the new document. */
export async function reloadExtensionPage(page: Page): Promise<void> {
  const before = await page.evaluate(() => performance.timeOrigin);
  await page.evaluate(() => location.reload());
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const state = await page.evaluate(() => [performance.timeOrigin, document.readyState] as const).catch(() => null);
    if (state && state[0] !== before && state[1] === 'complete') return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error('The extension page did not load again within 20 s.');
}

/**
 * Opens the popup in a tab of its own for the tab that shows `news` (extension pages accept ?tabId=N):
 * the popup page, opened behind the news tab, asks the extension which tab is active, then reloads
 * itself for that tab.
 */
export async function openPopupFor(session: FirefoxSession, news: Page): Promise<{ popup: Page; tabId: number }> {
  const popup = await openExtensionPage(session, 'popup.html', { behind: news });
  const tabId = await popup.evaluate(async () => {
    const api = (globalThis as unknown as { browser: { tabs: { query(q: object): Promise<{ id?: number }[]> } } }).browser;
    return (await api.tabs.query({ active: true, currentWindow: true }))[0]?.id;
  });
  if (typeof tabId !== 'number') throw new Error('The extension found no active tab.');
  await popup.evaluate((id) => location.replace(`popup.html?tabId=${id}`), tabId);
  await waitForDocument(popup, (href) => href.endsWith(`popup.html?tabId=${tabId}`));
  // In front, as a popup is: a background tab's animation frames and observers are throttled.
  await popup.bringToFront();
  return { popup, tabId };
}

/** What an extension tab shows: its title, the passage marked as linked and whether it is in view, the highlights' names. */
export interface ExtensionView {
  title: string;
  linked: string | null;
  linkedInView: boolean;
  highlights: string[];
}

/**
 * Runs in an extension page: what the extension's tab at `url` shows, or null while no tab does. Tabs
 * the extension opens itself (the reader a card's link opens) are not WebDriver targets, but they are
 * the extension's views, which its other pages can read.
 */
export function extensionView(url: string): ExtensionView | null {
  const api = (globalThis as unknown as { browser: { extension: { getViews(q: { type: string }): (Window & typeof globalThis)[] } } }).browser;
  const view = api.extension.getViews({ type: 'tab' }).find((w) => w.location.href === url);
  if (!view || view.document.readyState !== 'complete') return null;
  const linked = view.document.querySelector('.linked');
  const box = linked?.getBoundingClientRect();
  return {
    title: view.document.title,
    linked: linked?.getAttribute('data-passage') ?? null,
    linkedInView: !!box && box.top >= 0 && box.top < view.innerHeight,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- HighlightRegistry's iterator is missing from some lib.dom versions
    highlights: [...(view.CSS.highlights as any).keys()] as string[],
  };
}
