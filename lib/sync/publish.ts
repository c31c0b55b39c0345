import { readBundle, signBundle } from '../corpus/bundle-file';
import { sha256Hex } from '../corpus/encoding';
import type { BundlePayload } from '../corpus/schema';
import { contentDigest } from './canonical';
import { encodeManifest, type ManifestSigned } from './manifest';
import { diffPayloads, encodePatch } from './patch';

/**
 * The publisher's side: from a new bundle and the bundles of earlier versions, the files of a
 * static update directory — `manifest.json`, `bundles/ID-VERSION.bsb` and
 * `patches/ID-FROM-to-VERSION.json` — with every length and digest in the signed manifest.
 */

/** What to publish. */
export interface PublishInput {
  /** The new bundle file (signed or not: it is signed again with `secretKey`). */
  bundle: string;
  secretKey: Uint8Array;
  /** Earlier bundle files of the same corpus, to make patches from (and to keep for the next time). */
  earlier?: readonly string[];
  /** How many of the newest earlier versions get a patch and are kept (default 3). */
  keep?: number;
  now: Date;
  /** Days until the manifest expires (default 14). */
  expiresInDays?: number;
  /** The version of the manifest being replaced; the new one must be higher. */
  previousVersion?: number;
}

/** The files to write (path relative to the directory → content), manifest.json last. */
export interface Publication {
  files: [path: string, content: string][];
  manifest: ManifestSigned;
}

const bundlePath = (p: BundlePayload): string => `bundles/${p.corpus.id}-${p.corpus.version}.bsb`;
const byteLength = (s: string): number => new TextEncoder().encode(s).byteLength;
const digest = (s: string): Promise<string> => sha256Hex(new TextEncoder().encode(s));

/** Builds a signed update directory's files; throws an Error with one sentence when the input cannot be published. */
export async function publish(input: PublishInput): Promise<Publication> {
  const file = await signBundle(input.bundle, input.secretKey);
  const payload = await readBundle(file);
  const { id, version } = payload.corpus;
  if (input.previousVersion !== undefined && version <= input.previousVersion) {
    throw new Error(`The bundle is version ${version}, but version ${input.previousVersion} is already published: build it with a higher --content-version.`);
  }
  const earlier: { file: string; payload: BundlePayload }[] = [];
  for (const text of input.earlier ?? []) {
    const p = await readBundle(text, { requireSignature: false });
    if (p.corpus.id === id && p.corpus.version < version && !earlier.some((e) => e.payload.corpus.version === p.corpus.version)) {
      earlier.push({ file: text, payload: p });
    }
  }
  earlier.sort((a, b) => b.payload.corpus.version - a.payload.corpus.version);
  const kept = earlier.slice(0, input.keep ?? 3);

  const files: [string, string][] = [[bundlePath(payload), file]];
  const patches: ManifestSigned['patches'] = [];
  for (const e of kept) {
    const patch = encodePatch(await diffPayloads(e.payload, payload));
    const path = `patches/${id}-${e.payload.corpus.version}-to-${version}.json`;
    files.push([bundlePath(e.payload), e.file], [path, patch]);
    patches.push({ from: e.payload.corpus.version, url: path, length: byteLength(patch), sha256: await digest(patch) });
  }
  const manifest: ManifestSigned = {
    corpus: { id, version },
    created: input.now.toISOString(),
    expires: new Date(input.now.getTime() + (input.expiresInDays ?? 14) * 86_400_000).toISOString(),
    content: await contentDigest(payload),
    bundle: { url: bundlePath(payload), length: byteLength(file), sha256: await digest(file) },
    patches,
  };
  files.push(['manifest.json', await encodeManifest(manifest, input.secretKey)]);
  return { files, manifest };
}
