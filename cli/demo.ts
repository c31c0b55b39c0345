import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CHROME_BUILD, CHROMIUM, FIREFOX_BUILD, haveBrowser, launchChromium, OUTPUT, ROOT, serveStatic } from './browsers';

/**
 * Opens Chromium with the built extension on the bundled demo page. With a display it stays open
 * until the window is closed; without one it writes a screenshot and says where everything is.
 */
export async function demo(options: { headless?: boolean; screenshot?: string } = {}): Promise<void> {
  if (!haveBrowser(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (bash .ci/setup installs it).`);
  const headless = options.headless ?? !process.env.DISPLAY;
  const server = await serveStatic({ '/': join(ROOT, 'assets/demo') });
  const session = await launchChromium({ headless });
  try {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => [...(CSS.highlights as unknown as Map<string, unknown>).keys()].some((k) => k.startsWith('backstory-')), null, {
      timeout: 30_000,
    });
    console.log(`Built extension: ${CHROME_BUILD} (Chrome) and ${FIREFOX_BUILD} (Firefox); load either by hand as the README says.`);
    if (headless) {
      const shot = options.screenshot ?? join(OUTPUT, 'demo.png');
      await mkdir(join(shot, '..'), { recursive: true });
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`No display: the demo page with Backstory's marks is in ${shot}.`);
    } else {
      console.log(`Chromium is showing ${server.origin}/index.html with Backstory; close the window to stop.`);
      await new Promise<void>((resolve) => session.context.on('close', () => resolve()));
    }
  } finally {
    await session.close().catch(() => {});
    await server.close();
  }
}
