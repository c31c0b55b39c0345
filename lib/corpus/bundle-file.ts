import * as ed from '@noble/ed25519';
import { fromBase64, sha256Hex, toBase64 } from './encoding';
import { type BundlePayload, bundlePayloadSchema } from './schema';

/**
 * The bundle file: one header line, then the payload's JSON.
 *
 *     {"format":"backstory-bundle","version":1,"sha256":"…","publicKey":"…","signature":"…"}\n
 *     {"format":1,"corpus":{…},…}
 *
 * The digest covers the payload's bytes; the Ed25519 signature covers "backstory-bundle/1:" + digest.
 * The header must be byte-for-byte in the canonical form written here, so no byte of the file can
 * change without the file being refused.
 */

/** A bundle, manifest or key that cannot be trusted or read; the message is one sentence. */
export class BundleError extends Error {
  override name = 'BundleError';
}

interface Header {
  format: 'backstory-bundle';
  version: 1;
  sha256: string;
  publicKey: string | null;
  signature: string | null;
}

const encoder = new TextEncoder();

function headerLine(h: Header): string {
  return JSON.stringify({ format: h.format, version: h.version, sha256: h.sha256, publicKey: h.publicKey, signature: h.signature });
}

function signedMessage(sha256: string): Uint8Array {
  return encoder.encode(`backstory-bundle/1:${sha256}`);
}

/** Serialises a payload into an unsigned bundle file. */
export async function encodeBundle(payload: BundlePayload): Promise<string> {
  const body = JSON.stringify(payload);
  const sha256 = await sha256Hex(encoder.encode(body));
  return `${headerLine({ format: 'backstory-bundle', version: 1, sha256, publicKey: null, signature: null })}\n${body}`;
}

/** Signs a bundle file (signed or not) with an Ed25519 secret key, after checking its digest. */
export async function signBundle(file: string, secretKey: Uint8Array): Promise<string> {
  const { header, body } = await splitAndCheckDigest(file);
  const publicKey = await ed.getPublicKeyAsync(secretKey);
  const signature = await ed.signAsync(signedMessage(header.sha256), secretKey);
  return `${headerLine({ ...header, publicKey: toBase64(publicKey), signature: toBase64(signature) })}\n${body}`;
}

async function splitAndCheckDigest(file: string): Promise<{ header: Header; body: string }> {
  const nl = file.indexOf('\n');
  if (nl < 0) throw new BundleError('This is not a Backstory bundle: it has no header line.');
  const line = file.slice(0, nl);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new BundleError('This is not a Backstory bundle: its header line is not JSON.');
  }
  const h = parsed as Partial<Header> | null;
  if (!h || typeof h !== 'object' || h.format !== 'backstory-bundle') {
    throw new BundleError('This is not a Backstory bundle: its header does not say "backstory-bundle".');
  }
  if (h.version !== 1) throw new BundleError(`The bundle's file version ${String(h.version)} is not supported (expected 1).`);
  if (typeof h.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(h.sha256)) {
    throw new BundleError('The bundle header has no valid sha256 digest.');
  }
  const header = h as Header;
  if (headerLine(header) !== line) throw new BundleError('The bundle header is not in canonical form, so it was altered.');
  const body = file.slice(nl + 1);
  const actual = await sha256Hex(encoder.encode(body));
  if (actual !== header.sha256) {
    throw new BundleError('The bundle content does not match its sha256 digest, so it was altered or truncated.');
  }
  return { header, body };
}

/** How `readBundle` decides whom to trust. */
export interface TrustOptions {
  /** Public keys (32 bytes) allowed to have signed it; omitted: any valid signature is accepted. */
  trustedKeys?: readonly Uint8Array[];
  /** Refuse unsigned bundles (the default). */
  requireSignature?: boolean;
}

/** The outcome of checking a file's digest and signature. */
export interface BundleCheck {
  sha256: string;
  /** The signer's public key in base64, or null for an unsigned bundle. */
  publicKey: string | null;
  body: string;
}

/** Checks digest and signature of a bundle file without parsing its payload. */
export async function checkBundle(file: string, trust: TrustOptions = {}): Promise<BundleCheck> {
  const { header, body } = await splitAndCheckDigest(file);
  const requireSignature = trust.requireSignature ?? true;
  if (header.signature === null || header.publicKey === null) {
    if (header.signature !== header.publicKey) throw new BundleError('The bundle header has a signature without a key, or a key without a signature.');
    if (requireSignature) throw new BundleError('The bundle is not signed.');
    return { sha256: header.sha256, publicKey: null, body };
  }
  let key: Uint8Array;
  let sig: Uint8Array;
  try {
    key = fromBase64(header.publicKey);
    sig = fromBase64(header.signature);
  } catch {
    throw new BundleError('The bundle header holds a key or signature that is not base64.');
  }
  if (key.length !== 32 || sig.length !== 64) throw new BundleError('The bundle header holds a key or signature of the wrong length.');
  if (trust.trustedKeys && !trust.trustedKeys.some((k) => sameBytes(k, key))) {
    throw new BundleError(`The bundle is signed by key ${header.publicKey}, which is not a trusted key.`);
  }
  let ok = false;
  try {
    ok = await ed.verifyAsync(sig, signedMessage(header.sha256), key);
  } catch {
    ok = false;
  }
  if (!ok) throw new BundleError('The bundle signature does not verify, so it was forged or altered.');
  return { sha256: header.sha256, publicKey: header.publicKey, body };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Checks a bundle file (digest, signature, schema, references) and returns its payload. */
export async function readBundle(file: string, trust: TrustOptions = {}): Promise<BundlePayload> {
  const { body } = await checkBundle(file, trust);
  return parsePayload(body);
}

/** Parses and validates a payload's JSON text; throws a BundleError naming what is wrong. */
export function parsePayload(body: string): BundlePayload {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new BundleError(`The bundle payload is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')}).`);
  }
  const result = bundlePayloadSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new BundleError(`The bundle is invalid at ${where || 'its top level'}: ${issue.message}.`);
  }
  checkReferences(result.data);
  return result.data;
}

function checkReferences(b: BundlePayload): void {
  const unique = (what: string, ids: readonly string[]): Set<string> => {
    const set = new Set<string>();
    for (const i of ids) {
      if (set.has(i)) throw new BundleError(`The bundle is invalid: ${what} id "${i}" appears twice.`);
      set.add(i);
    }
    return set;
  };
  const docs = unique('document', b.documents.map((d) => d.id));
  const entities = unique('entity', b.entities.map((e) => e.id));
  const passages = new Map(b.passages.map((p) => [p.id, p]));
  unique('passage', b.passages.map((p) => p.id));
  b.passages.forEach((p, i) => {
    if (!docs.has(p.documentId)) throw new BundleError(`The bundle is invalid at passages[${i}].documentId: no document "${p.documentId}".`);
  });
  b.mentions.forEach((m, i) => {
    const p = passages.get(m.passageId);
    if (!p) throw new BundleError(`The bundle is invalid at mentions[${i}].passageId: no passage "${m.passageId}".`);
    if (!entities.has(m.entityId)) throw new BundleError(`The bundle is invalid at mentions[${i}].entityId: no entity "${m.entityId}".`);
    if (m.end <= m.start || m.end > p.text.length) throw new BundleError(`The bundle is invalid at mentions[${i}]: its offsets fall outside the passage.`);
  });
}
