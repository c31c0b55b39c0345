import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../../cli/browsers';
import { main } from '../../cli/index';
import { encodeBundle } from '../../lib/corpus/bundle-file';
import type { BundlePayload } from '../../lib/corpus/schema';
import { defaultBundle } from './support';

/** The person only version 2 of the test corpus knows, and the passage that names them. */
export const NEW_NAME = 'Ottoline Vasquez-Marr';
export const NEW_TEXT = `${NEW_NAME}, the new envoy, met the Popular Mobilization Forces in Baghdad on Tuesday to discuss the ceasefire.`;

/** `base` at `version`, with one more document whose one passage names a new person. */
export function withNewEnvoy(base: BundlePayload, version: number): BundlePayload {
  const p = structuredClone(base);
  p.corpus = { ...p.corpus, version, created: new Date().toISOString() };
  p.documents.push({ id: 'sync-envoy', title: 'A new envoy', publisher: 'Sync Test Wire', published: '2026-03-01', sourceFile: 'sync-envoy.txt' });
  p.passages.push({ id: 'sync-envoy#0', documentId: 'sync-envoy', index: 0, text: NEW_TEXT, length: 12 });
  p.entities.push({ id: 'ottoline-vasquez-marr', name: NEW_NAME, type: 'person', description: 'An envoy who exists only in the sync test.', aliases: [{ text: NEW_NAME }] });
  p.mentions.push({ entityId: 'ottoline-vasquez-marr', passageId: 'sync-envoy#0', start: 0, end: NEW_NAME.length });
  p.stats = { ...p.stats, passages: p.passages.length, documentFrequency: { ...p.stats.documentFrequency, ottoline: 1, envoy: 1 } };
  return p;
}

/** Runs the CLI in-process, as `npm run cli --` would; throws on a non-zero exit. */
export async function cli(...argv: string[]): Promise<void> {
  const code = await main(argv);
  if (code !== 0) throw new Error(`cli ${argv.join(' ')} exited with ${code}`);
}

/**
 * A publisher's site in `dir/site`, signed by a new key `dir/publisher.key`: the bundled default
 * (re-signed) as version 1, then `withNewEnvoy` as version 2 with its patch from version 1.
 * Returns the publisher's public key as options takes it.
 */
export async function publishTwoVersions(dir: string): Promise<string> {
  await cli('keygen', '--out', join(dir, 'publisher.key'));
  await cli('publish', '--bundle', join(ROOT, 'generated/default-bundle.bsb'), '--key', join(dir, 'publisher.key'), '--out', join(dir, 'site'));
  await writeFile(join(dir, 'v2.bsb'), await encodeBundle(withNewEnvoy(defaultBundle(), 2)));
  await cli('publish', '--bundle', join(dir, 'v2.bsb'), '--key', join(dir, 'publisher.key'), '--out', join(dir, 'site'), '--previous', join(dir, 'site'));
  return (await readFile(join(dir, 'publisher.key.pub'), 'utf8')).trim();
}

/** What a hijacked server does: changes one byte of each file (lengths stay as the manifest says). */
export async function tamper(site: string, files: string[]): Promise<void> {
  for (const file of files) {
    const text = await readFile(join(site, file), 'utf8');
    const tampered = text.replace('Backstory seed corpus', 'Backstory sead corpus');
    if (tampered === text) throw new Error(`${file} does not name the corpus, so it cannot be tampered with here.`);
    await writeFile(join(site, file), tampered);
  }
}

/**
 * Throws unless the built background script embeds the current generated/default-bundle.bsb: the
 * tests publish that file as version 1, and a patch applies only to the exact version installed.
 * Every `npm run build` writes the file anew (with a new creation time), so a build made before
 * another one is stale.
 */
export async function expectBuildEmbedsDefaultBundle(backgroundScript: string): Promise<void> {
  const header = (await readFile(join(ROOT, 'generated/default-bundle.bsb'), 'utf8')).split('\n', 1)[0]!;
  const digest = (JSON.parse(header) as { sha256: string }).sha256;
  if (!(await readFile(backgroundScript, 'utf8')).includes(digest)) {
    throw new Error(`${backgroundScript} was built before the current generated/default-bundle.bsb: build it again (npm run build with its BACKSTORY_OUT).`);
  }
}
