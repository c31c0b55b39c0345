import * as ed from '@noble/ed25519';
import { z } from 'zod';
import { BundleError } from '../corpus/bundle-file';
import { fromBase64, sha256Hex, toBase64 } from '../corpus/encoding';
import { canonicalJson } from './canonical';

/**
 * The signed manifest a publisher serves as `manifest.json`: which corpus and version is newest,
 * until when that statement holds, and the length and digest of the full bundle and of each patch
 * from an earlier version. The file is the canonical JSON of
 * `{format, version, signed, publicKey, signature}` plus one newline; the Ed25519 signature covers
 * "backstory-manifest/1:" + the SHA-256 of the canonical JSON of `signed`. Any other spelling of the
 * same JSON is refused, so no byte of the file can change unnoticed.
 */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256 digest');
const fileRef = { url: z.string().min(1), length: z.number().int().min(1), sha256 };

export const manifestSignedSchema = z.strictObject({
  corpus: z.strictObject({ id: z.string().min(1), version: z.number().int().min(1) }),
  created: z.iso.datetime(),
  expires: z.iso.datetime(),
  /** The content digest (lib/sync/canonical.ts) of the corpus this version holds. */
  content: sha256,
  bundle: z.strictObject(fileRef),
  patches: z.array(z.strictObject({ from: z.number().int().min(1), ...fileRef })),
});
/** What a manifest states, under its signature. */
export type ManifestSigned = z.infer<typeof manifestSignedSchema>;

const fileSchema = z.strictObject({
  format: z.literal('backstory-manifest'),
  version: z.literal(1),
  signed: z.unknown(),
  publicKey: z.string(),
  signature: z.string(),
});

const encoder = new TextEncoder();

async function signedMessage(signed: ManifestSigned): Promise<Uint8Array> {
  return encoder.encode(`backstory-manifest/1:${await sha256Hex(encoder.encode(canonicalJson(signed)))}`);
}

/** Writes a manifest file signed with an Ed25519 secret key. */
export async function encodeManifest(signed: ManifestSigned, secretKey: Uint8Array): Promise<string> {
  const checked = manifestSignedSchema.parse(signed);
  const publicKey = toBase64(await ed.getPublicKeyAsync(secretKey));
  const signature = toBase64(await ed.signAsync(await signedMessage(checked), secretKey));
  return `${canonicalJson({ format: 'backstory-manifest', version: 1, signed: checked, publicKey, signature })}\n`;
}

/** A manifest whose signature held, and the digest of its file (what the extension records as trusted). */
export interface VerifiedManifest {
  signed: ManifestSigned;
  /** The signer's public key, base64. */
  publicKey: string;
  /** SHA-256 (hex) of the manifest file's bytes. */
  sha256: string;
}

/**
 * Checks a manifest file: canonical form, schema, and an Ed25519 signature by `trustedKey` (any
 * valid signer when omitted). Does not look at expiry (see `checkExpiry`). Throws a BundleError.
 */
export async function readManifest(text: string, trustedKey?: Uint8Array): Promise<VerifiedManifest> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BundleError('The manifest is not valid JSON.');
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) throw new BundleError('This is not a Backstory manifest (format "backstory-manifest", version 1).');
  const signed = manifestSignedSchema.safeParse(file.data.signed);
  if (!signed.success) {
    const issue = signed.error.issues[0]!;
    throw new BundleError(`The manifest is invalid at signed.${issue.path.join('.')}: ${issue.message}.`);
  }
  if (`${canonicalJson(json)}\n` !== text) throw new BundleError('The manifest is not in canonical form, so it was altered.');
  let key: Uint8Array;
  let sig: Uint8Array;
  try {
    key = fromBase64(file.data.publicKey);
    sig = fromBase64(file.data.signature);
  } catch {
    throw new BundleError('The manifest holds a key or signature that is not base64.');
  }
  if (key.length !== 32 || sig.length !== 64) throw new BundleError('The manifest holds a key or signature of the wrong length.');
  if (trustedKey && toBase64(trustedKey) !== file.data.publicKey) {
    throw new BundleError(`The manifest is signed by key ${file.data.publicKey}, not by the source's key ${toBase64(trustedKey)}.`);
  }
  let ok = false;
  try {
    ok = await ed.verifyAsync(sig, await signedMessage(signed.data), key);
  } catch {
    ok = false;
  }
  if (!ok) throw new BundleError('The manifest signature does not verify, so it was forged or altered.');
  return { signed: signed.data, publicKey: file.data.publicKey, sha256: await sha256Hex(encoder.encode(text)) };
}

/** Throws a BundleError when the manifest has expired at `now`: a mirror that stopped updating is noticed. */
export function checkExpiry(signed: ManifestSigned, now: Date): void {
  if (Date.parse(signed.expires) <= now.getTime()) {
    throw new BundleError(`The manifest expired on ${signed.expires.slice(0, 10)}, so the source may be a mirror that stopped updating.`);
  }
}
