import * as ed from '@noble/ed25519';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readBundle } from '../lib/corpus/bundle-file';
import { sha256Hex } from '../lib/corpus/encoding';
import { contentDigest } from '../lib/sync/canonical';
import { checkExpiry, readManifest } from '../lib/sync/manifest';
import { applyPatch, parsePatch } from '../lib/sync/patch';
import { publish } from '../lib/sync/publish';
import { readPublicKey, readSecretKey } from './keys';

/** `publish` and the manifest and patch half of `verify`: the publisher's side of sync. */

async function readIfThere(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/** The bundle files in DIR/bundles, if any. */
async function bundlesIn(dir: string): Promise<string[]> {
  const names = await readdir(join(dir, 'bundles')).catch(() => [] as string[]);
  return Promise.all(names.filter((n) => n.endsWith('.bsb')).sort().map((n) => readFile(join(dir, 'bundles', n), 'utf8')));
}

/**
 * publish --bundle FILE --key KEY --out DIR [--previous DIR] [--expires DAYS] [--keep N]: writes a signed
 * update directory. Files are written first and manifest.json last (by rename), so a server never
 * serves a manifest naming a file that is not there yet.
 */
export async function publishCommand(opts: { bundle?: string; key?: string; out?: string; previous?: string; expires?: string; keep?: string }): Promise<void> {
  if (!opts.bundle || !opts.key || !opts.out) throw new Error('publish needs --bundle FILE, --key SECRET_KEY and --out DIR.');
  const secretKey = await readSecretKey(opts.key);
  const bundle = await readIfThere(opts.bundle);
  if (bundle === undefined) throw new Error(`Cannot read ${opts.bundle}.`);
  const expiresInDays = opts.expires === undefined ? 14 : Number(opts.expires);
  if (!(expiresInDays > 0)) throw new Error(`--expires must be a number of days above 0, not "${opts.expires}".`);
  const keep = opts.keep === undefined ? 3 : Number(opts.keep);
  if (!Number.isInteger(keep) || keep < 0) throw new Error(`--keep must be a whole number from 0, not "${opts.keep}".`);
  let previousVersion: number | undefined;
  let earlier: string[] = [];
  if (opts.previous) {
    const text = await readIfThere(join(opts.previous, 'manifest.json'));
    if (text === undefined) throw new Error(`${opts.previous} holds no manifest.json to continue from.`);
    const previous = await readManifest(text, await ed.getPublicKeyAsync(secretKey));
    previousVersion = previous.signed.corpus.version;
    earlier = await bundlesIn(opts.previous);
  }
  const { files, manifest } = await publish({
    bundle,
    secretKey,
    earlier,
    keep,
    now: new Date(),
    expiresInDays,
    ...(previousVersion !== undefined ? { previousVersion } : {}),
  });
  for (const [path, content] of files) {
    const target = join(opts.out, path);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.tmp-${process.pid}`;
    await writeFile(temp, content);
    await rename(temp, target);
  }
  const patches = manifest.patches.map((p) => `${p.from}→${manifest.corpus.version} ${p.length.toLocaleString('en')} bytes`).join(', ');
  console.error(
    `published ${manifest.corpus.id} version ${manifest.corpus.version} to ${resolve(opts.out)}: bundle ${manifest.bundle.length.toLocaleString('en')} bytes` +
      `${patches ? `, patches ${patches}` : ', no patches'}, expires ${manifest.expires}`,
  );
}

/** What kind of file verify was given: a manifest or a patch (JSON saying so), else a bundle. */
export function syncFileKind(text: string): 'manifest' | 'patch' | 'bundle' {
  let format: unknown;
  try {
    format = (JSON.parse(text) as { format?: unknown } | null)?.format;
  } catch {
    return 'bundle'; // a bundle is a header line and a payload: not one JSON value
  }
  return format === 'backstory-manifest' ? 'manifest' : format === 'backstory-patch' ? 'patch' : 'bundle';
}

/**
 * Verifies a manifest (canonical form, signature, expiry, and every file it names that lies beside
 * it: length, digest, the bundle's own signature and content, each patch applied to its base) or a
 * patch (schema; applied to --base when given). Prints one line per check; throws on the first failure.
 */
export async function verifySyncFile(file: string, text: string, opts: { key?: string; base?: string }): Promise<void> {
  if (syncFileKind(text) === 'patch') {
    const patch = parsePatch(text);
    let applied = '';
    if (opts.base) {
      const baseText = await readFile(opts.base, 'utf8').catch(() => {
        throw new Error(`Cannot read ${opts.base}.`);
      });
      const base = await readBundle(baseText, { requireSignature: false });
      const { payload } = await applyPatch(base, patch);
      applied = `, applies on ${opts.base} and gives content ${await contentDigest(payload)}`;
    }
    const n = (c: { put: unknown[]; remove: unknown[] }): string => `+${c.put.length}/-${c.remove.length}`;
    console.log(
      `ok: ${file} is a patch of ${patch.from.id} from version ${patch.from.version} to ${patch.to.corpus.version}: documents ${n(patch.documents)}, ` +
        `passages ${n(patch.passages)}, entities ${n(patch.entities)}, mentions ${n(patch.mentions)}${applied}` +
        (opts.base ? '' : ' (pass --base BUNDLE to apply it)'),
    );
    return;
  }
  const key = opts.key ? await readPublicKey(opts.key) : undefined;
  const m = await readManifest(text, key);
  checkExpiry(m.signed, new Date());
  const { signed } = m;
  const dir = dirname(file);
  const lines = [`ok: ${file} is a manifest of ${signed.corpus.id} version ${signed.corpus.version}, signed by ${m.publicKey}, expires ${signed.expires}`];
  const bundleBytes = await readFile(join(dir, signed.bundle.url)).catch(() => undefined);
  const verifyFile = async (url: string, ref: { length: number; sha256: string }, bytes: Uint8Array): Promise<void> => {
    if (bytes.byteLength !== ref.length) throw new Error(`${url} is ${bytes.byteLength} bytes, not the ${ref.length} the manifest states.`);
    if ((await sha256Hex(bytes)) !== ref.sha256) throw new Error(`${url} does not match the digest the manifest names.`);
  };
  const bundleKey = key ?? (await readPublicKey(m.publicKey));
  if (bundleBytes) {
    await verifyFile(signed.bundle.url, signed.bundle, bundleBytes);
    const payload = await readBundle(new TextDecoder().decode(bundleBytes), { trustedKeys: [bundleKey] });
    if ((await contentDigest(payload)) !== signed.content) throw new Error(`${signed.bundle.url} holds other content than the manifest names.`);
    lines.push(`ok: ${signed.bundle.url}: length, digest, signature and content as the manifest states`);
  } else {
    lines.push(`not checked: ${signed.bundle.url} is not beside the manifest`);
  }
  for (const p of signed.patches) {
    const bytes = await readFile(join(dir, p.url)).catch(() => undefined);
    if (!bytes) {
      lines.push(`not checked: ${p.url} is not beside the manifest`);
      continue;
    }
    await verifyFile(p.url, p, bytes);
    const patch = parsePatch(new TextDecoder().decode(bytes));
    if (patch.to.content !== signed.content || patch.from.version !== p.from) throw new Error(`${p.url} does not lead from version ${p.from} to the content the manifest names.`);
    const base = (await bundlesIn(dir)).map((t) => readBundle(t, { trustedKeys: [bundleKey] }));
    let baseChecked = false;
    for (const b of await Promise.all(base)) {
      if (b.corpus.version !== p.from || b.corpus.id !== signed.corpus.id) continue;
      await applyPatch(b, patch);
      baseChecked = true;
    }
    lines.push(`ok: ${p.url}: length and digest as stated${baseChecked ? `, applies on version ${p.from}` : ` (version ${p.from}'s bundle is not here to apply it to)`}`);
  }
  if (!key) lines.push(`(pass --key to check that ${m.publicKey} is the key you expect)`);
  console.log(lines.join('\n'));
}
