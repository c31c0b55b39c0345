import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize as normalizePath, resolve } from 'node:path';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';
import type { Browser } from 'puppeteer-core';

/**
 * Real browsers with the built extension: Debian's Chromium (driven by playwright-core) and
 * Firefox ESR (driven by puppeteer-core over WebDriver BiDi). Shared by the demo and the e2e tests.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const ROOT = resolve(new URL('..', import.meta.url).pathname);
/** Where `npm run build` puts the extension (BACKSTORY_OUT moves it, for builds side by side). */
export const OUTPUT = resolve(ROOT, process.env.BACKSTORY_OUT ?? '.output');
export const CHROME_BUILD = join(OUTPUT, 'chrome-mv3');
export const FIREFOX_BUILD = join(OUTPUT, 'firefox-mv2');
/** The add-on id in the Firefox manifest, and the fixed internal UUID tests give it. */
export const FIREFOX_ADDON_ID = 'backstory@backstory.invalid';
export const FIREFOX_UUID = 'b0c5a1e2-3d4f-4a5b-8c6d-7e8f9a0b1c2d';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/** A static file server on 127.0.0.1 (an ephemeral port) over the given folders, by URL prefix. */
export async function serveStatic(mounts: Record<string, string>): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalizePath(join(dir, path.slice(prefix.length) || 'index.html'));
      if (!file.startsWith(resolve(dir))) break;
      readFile(file).then(
        (body) => {
          res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
          res.end(body);
        },
        () => {
          res.writeHead(404).end('not found');
        },
      );
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Chromium with the built extension loaded, and the extension's id. */
export interface ChromiumSession {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  close: () => Promise<void>;
}

/** Launches Debian's Chromium with the built extension; only 127.0.0.1 and the extension are reachable. */
export async function launchChromium(
  options: { headless?: boolean; extensionDir?: string; prepareProfile?: (dir: string) => Promise<void> } = {},
): Promise<ChromiumSession> {
  const dir = options.extensionDir ?? CHROME_BUILD;
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`No built extension in ${dir}: run npm run build first.`);
  const profile = await mkdtemp(join(tmpdir(), 'backstory-chromium-'));
  await options.prepareProfile?.(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    args: [
      `--disable-extensions-except=${dir}`,
      `--load-extension=${dir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  // The saved news pages still reference their sites' scripts and trackers: only loopback loads.
  await context.route(/^https?:\/\//, (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient');
  });
  const serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(serviceWorker.url()).host;
  return {
    context,
    extensionId,
    serviceWorker,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Says whether a browser binary is present. */
export const haveBrowser = (path: string): boolean => existsSync(path);

/** Firefox ESR with the built extension installed as a temporary add-on. */
export interface FirefoxSession {
  browser: Browser;
  /** The add-on's internal UUID: pages are at moz-extension://UUID/. */
  uuid: string;
  /** The profile folder (removed by `close`). */
  profile: string;
  close: () => Promise<void>;
}

/** Launches Debian's Firefox ESR with the built extension; every host but 127.0.0.1 goes to a dead proxy. */
export async function launchFirefox(options: { extensionDir?: string; prefs?: Record<string, unknown> } = {}): Promise<FirefoxSession> {
  const dir = options.extensionDir ?? FIREFOX_BUILD;
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`No built extension in ${dir}: run npm run build first.`);
  const { default: puppeteer } = await import('puppeteer-core');
  const profile = await mkdtemp(join(tmpdir(), 'backstory-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    // Without it Firefox's remote agent refuses to navigate to moz-extension:// ("Navigation to … is not
    // allowed in this context": isWebdriverSafeNavigationURL admits only http(s), file, blob, about:blank),
    // so the tests could not open the popup or the options page. Test browsers only: a temporary profile.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: FIREFOX_UUID }),
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 9,
      'network.proxy.share_proxy_settings': true,
      'network.proxy.no_proxies_on': '127.0.0.1',
      'network.dns.disableIPv6': true,
      ...options.prefs,
    },
  });
  await browser.installExtension(dir);
  let closed = false;
  return {
    browser,
    uuid: FIREFOX_UUID,
    profile,
    close: async () => {
      if (!closed) await browser.close();
      closed = true;
    },
  };
}
