import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX, type FirefoxSession, haveBrowser, launchFirefox, ROOT, serveStatic } from '../../cli/browsers';
import { defaultBundle, missingBrowser, readHighlights } from './support';

const SQLITE = '/usr/bin/sqlite3';
const skip = missingBrowser('Firefox ESR', FIREFOX, haveBrowser(FIREFOX)) || missingBrowser('sqlite3', SQLITE, existsSync(SQLITE));

/**
 * Firefox refuses to let WebDriver open moz-extension:// pages, so the corpus database is read
 * from the profile on disk (with sqlite3) once the browser has closed.
 */
function countStoredRecords(profile: string, uuid: string): Record<string, number> {
  const dir = join(profile, 'storage/default', `moz-extension+++${uuid}`, 'idb');
  const copy = mkdtempSync(join(tmpdir(), 'backstory-idb-'));
  try {
    cpSync(dir, copy, { recursive: true });
    const db = readdirSync(copy).find((f) => f.endsWith('.sqlite'));
    if (!db) throw new Error(`No IndexedDB database in ${dir}.`);
    const rows = execFileSync(SQLITE, [
      join(copy, db),
      'select s.name, count(d.key) from object_store s left join object_data d on d.object_store_id = s.id group by s.name;',
    ]).toString();
    return Object.fromEntries(rows.trim().split('\n').map((r) => [r.split('|')[0]!, Number(r.split('|')[1])]));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

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

  it('holds the default corpus in its IndexedDB', async () => {
    await session.close(); // flushes the database to disk
    const bundle = defaultBundle();
    const counts = countStoredRecords(session.profile, session.uuid);
    // The corpus's own records; the store also keeps ranking tables (postings, facts) beside them.
    const corpus = Object.fromEntries(['documents', 'passages', 'entities', 'mentions', 'meta', 'stats'].map((k) => [k, counts[k]]));
    expect(corpus).toEqual({
      documents: bundle.documents.length,
      passages: bundle.passages.length,
      entities: bundle.entities.length,
      mentions: bundle.mentions.length,
      meta: 1,
      stats: 1,
    });
    expect(counts.postings).toBeGreaterThan(0);
  });
});
