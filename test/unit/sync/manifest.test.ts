import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../../lib/corpus/encoding';
import { checkExpiry, encodeManifest, type ManifestSigned, readManifest } from '../../../lib/sync/manifest';
import { keyPair } from './helpers';

const signed: ManifestSigned = {
  corpus: { id: 'fixture', version: 2 },
  created: '2026-03-01T00:00:00.000Z',
  expires: '2026-03-15T00:00:00.000Z',
  content: 'a'.repeat(64),
  bundle: { url: 'bundles/fixture-2.bsb', length: 10, sha256: 'b'.repeat(64) },
  patches: [{ from: 1, url: 'patches/fixture-1-to-2.json', length: 5, sha256: 'c'.repeat(64) }],
};

describe('manifests', () => {
  it('read back what was signed, with the digest of the file', async () => {
    const { secretKey, publicKey } = await keyPair();
    const text = await encodeManifest(signed, secretKey);
    const read = await readManifest(text, fromBase64(publicKey));
    expect(read.signed).toEqual(signed);
    expect(read.publicKey).toBe(publicKey);
    expect(read.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, (t: string) => string, RegExp]>([
    ['a space added', (t) => t.replace('{"format"', '{ "format"'), /not in canonical form/],
    ['a trailing newline removed', (t) => t.trimEnd(), /not in canonical form/],
    ['a length changed', (t) => t.replace('"length":10', '"length":11'), /signature does not verify/],
    ['an expiry pushed back', (t) => t.replace('2026-03-15', '2027-03-15'), /signature does not verify/],
    ['not JSON', (t) => t.slice(0, 40), /not valid JSON/],
    ['another format', (t) => t.replace('backstory-manifest', 'other-manifest'), /not a Backstory manifest/],
    ['a field of the wrong type', (t) => t.replace('"length":10', '"length":"10"'), /invalid at signed\.bundle\.length/],
  ])('refuse a file with %s', async (_, spoil, reason) => {
    const { secretKey, publicKey } = await keyPair();
    const text = spoil(await encodeManifest(signed, secretKey));
    await expect(readManifest(text, fromBase64(publicKey))).rejects.toThrow(reason);
  });

  it('refuse a manifest signed by another key', async () => {
    const mine = await keyPair();
    const theirs = await keyPair();
    await expect(readManifest(await encodeManifest(signed, theirs.secretKey), fromBase64(mine.publicKey))).rejects.toThrow(
      `The manifest is signed by key ${theirs.publicKey}, not by the source's key ${mine.publicKey}.`,
    );
  });

  it('expire at their expiry, not before', () => {
    expect(() => checkExpiry(signed, new Date('2026-03-14T23:59:59.000Z'))).not.toThrow();
    expect(() => checkExpiry(signed, new Date('2026-03-15T00:00:00.000Z'))).toThrow(
      'The manifest expired on 2026-03-15, so the source may be a mirror that stopped updating.',
    );
  });
});
