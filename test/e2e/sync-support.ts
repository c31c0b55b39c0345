import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../cli/index';
import { encodeBundle, readBundle } from '../../lib/corpus/bundle-file';
import type { BundlePayload } from '../../lib/corpus/schema';

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
 * The bundle file a built background script embeds (its raw import of generated/default-bundle.bsb),
 * checked against its own digest. Tests publish it as version 1, so it must be the very file the
 * extension under test installs (a patch applies only to that version), not the one in generated/,
 * which every `npm run build` writes anew with a new creation time.
 */
export async function embeddedBundle(backgroundScript: string): Promise<string> {
  const script = await readFile(backgroundScript, 'utf8');
  const start = script.indexOf('`{"format":"backstory-bundle"');
  if (start < 0) throw new Error(`${backgroundScript} embeds no bundle file as a template literal.`);
  let end = start + 1;
  while (end < script.length && script[end] !== '`') end += script[end] === '\\' ? 2 : 1;
  // A template literal's escapes are a backslash before the character itself (\\, \`, \$).
  const file = script.slice(start + 1, end).replace(/\\([\s\S])/g, '$1');
  await readBundle(file); // throws if the text read back is not the signed file
  return file;
}

/**
 * A publisher's site in `dir/site`, signed by `dir/publisher.key` (made unless there): the bundle
 * file `v1` (re-signed) as version 1, then `withNewEnvoy` of it as version 2 with its patch from
 * version 1. Returns the publisher's public key as options takes it, and version 1's payload.
 */
export async function publishTwoVersions(dir: string, v1: string): Promise<{ publicKey: string; v1: BundlePayload }> {
  const key = join(dir, 'publisher.key');
  await cli('keygen', '--out', key, '--if-missing');
  await writeFile(join(dir, 'v1.bsb'), v1);
  await cli('publish', '--bundle', join(dir, 'v1.bsb'), '--key', key, '--out', join(dir, 'site'));
  const payload = await readBundle(v1);
  await writeFile(join(dir, 'v2.bsb'), await encodeBundle(withNewEnvoy(payload, 2)));
  await cli('publish', '--bundle', join(dir, 'v2.bsb'), '--key', key, '--out', join(dir, 'site'), '--previous', join(dir, 'site'));
  return { publicKey: (await readFile(`${key}.pub`, 'utf8')).trim(), v1: payload };
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
