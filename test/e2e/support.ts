import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../cli/browsers';
import type { BundlePayload } from '../../lib/corpus/schema';

/**
 * True when a browser the e2e tests need is missing: in CI that is a failure (the CI script
 * installs both browsers); elsewhere the tests are skipped and say so loudly.
 */
export function missingBrowser(name: string, path: string, present: boolean): boolean {
  if (present) return false;
  const message = `${name} is not installed at ${path}: its end-to-end tests cannot run (bash .ci/setup installs it).`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n${'!'.repeat(100)}\nSKIPPED: ${message}\n${'!'.repeat(100)}\n`);
  return true;
}

/** The payload of the default bundle the build embedded (generated/default-bundle.bsb). */
export function defaultBundle(): BundlePayload {
  const file = readFileSync(join(ROOT, 'generated/default-bundle.bsb'), 'utf8');
  return JSON.parse(file.slice(file.indexOf('\n') + 1)) as BundlePayload;
}

/** Counts the records of each store of the extension's corpus database; runs inside the extension. */
export async function countCorpusStores(): Promise<Record<string, number> | null> {
  const db = await new Promise<IDBDatabase | null>((resolve) => {
    const req = indexedDB.open('backstory-corpus');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onupgradeneeded = () => {
      req.transaction?.abort();
      resolve(null);
    };
  });
  if (!db) return null;
  const names = ['documents', 'passages', 'entities', 'mentions', 'meta'];
  if (!names.every((n) => db.objectStoreNames.contains(n))) return null;
  const tx = db.transaction(names);
  const counts: Record<string, number> = {};
  await Promise.all(
    names.map(
      (n) =>
        new Promise<void>((resolve) => {
          const r = tx.objectStore(n).count();
          r.onsuccess = () => {
            counts[n] = r.result;
            resolve();
          };
        }),
    ),
  );
  db.close();
  return counts;
}

/** Reads the Backstory highlights from the page's main world: each highlight's name and marked texts. */
export function readHighlights(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- HighlightRegistry's iterator is missing from some lib.dom versions
  for (const [name, h] of (CSS.highlights as any).entries() as Iterable<[string, Highlight]>) {
    if (name.startsWith('backstory-')) out[name] = [...h].map((r) => (r as Range).toString());
  }
  return out;
}

/** Where the saved real news pages are (read from ../shared, never copied into the project). */
export const FIXTURES = join(ROOT, '../shared/fixtures/pages');

/**
 * The saved news pages' file names, sorted; [] when ../shared is absent — which fails in CI and,
 * elsewhere, skips the real-page tests loudly.
 */
export function savedPages(): string[] {
  if (existsSync(FIXTURES)) return readdirSync(FIXTURES).filter((f) => f.endsWith('.html')).sort();
  const message = `The shared page fixtures are not at ${FIXTURES}: the real-page tests cannot run.`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n${'!'.repeat(100)}\nSKIPPED: ${message}\n${'!'.repeat(100)}\n`);
  return [];
}
