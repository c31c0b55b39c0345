import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BundleError, encodeBundle } from '../../../lib/corpus/bundle-file';
import { fromBase64 } from '../../../lib/corpus/encoding';
import { type CorpusStore, openCorpusStore, type TrustRecord } from '../../../lib/corpus/store';
import { contentDigest } from '../../../lib/sync/canonical';
import { importBundleFile } from '../../../lib/sync/import-file';
import { fixtureVersion, keyPair, signedBundle } from './helpers';

let publisher: Awaited<ReturnType<typeof keyPair>>;
let store: CorpusStore;
let trustedKeys: Uint8Array[];

const trustAt = (version: number): TrustRecord => ({
  source: 'https://updates.example/manifest.json',
  corpusId: 'fixture',
  version,
  manifestSha256: 'a'.repeat(64),
  expires: '2026-04-01T00:00:00.000Z',
  trustedAt: '2026-03-01T00:00:00.000Z',
});

/** Everything the store holds, to compare before and after a refusal. */
async function snapshot(): Promise<unknown> {
  return { payload: await store.readPayload(), info: await store.info(), trust: await store.trust() };
}

/** Expects the import of `text` to be refused with one sentence matching `message`, the store unchanged. */
async function expectRefused(text: string, message: RegExp): Promise<void> {
  const before = await snapshot();
  const error = await importBundleFile(text, { store, trustedKeys }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BundleError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).toMatch(/^[A-Z][^\n]*\.$/);
  expect(await snapshot()).toEqual(before);
}

beforeEach(async () => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  publisher = await keyPair();
  trustedKeys = [fromBase64(publisher.publicKey)];
  store = await openCorpusStore('import-file-test');
});

afterEach(() => {
  store.close();
  vi.unstubAllGlobals();
});

describe('importBundleFile', () => {
  it('imports a newer signed version over the installed one, and answers its version', async () => {
    await store.importBundle(fixtureVersion(1));
    expect(await importBundleFile(await signedBundle(fixtureVersion(2), publisher.secretKey), { store, trustedKeys })).toBe(2);
    expect(await contentDigest(await store.readPayload())).toBe(await contentDigest(fixtureVersion(2)));
    expect(await store.getEntity('sadr')).toMatchObject({ name: 'Sadr' });
  });

  it('imports into an empty store', async () => {
    expect(await importBundleFile(await signedBundle(fixtureVersion(1), publisher.secretKey), { store, trustedKeys })).toBe(1);
    expect((await store.info()).corpus).toMatchObject({ id: 'fixture', version: 1 });
  });

  it('accepts a file signed by any one of the trusted keys', async () => {
    await store.importBundle(fixtureVersion(1));
    const other = await keyPair();
    trustedKeys = [fromBase64(other.publicKey), fromBase64(publisher.publicKey)];
    expect(await importBundleFile(await signedBundle(fixtureVersion(2), publisher.secretKey), { store, trustedKeys })).toBe(2);
  });

  it('keeps what a sync last trusted', async () => {
    await store.importBundle(fixtureVersion(1), { trust: trustAt(2) });
    await importBundleFile(await signedBundle(fixtureVersion(3), publisher.secretKey), { store, trustedKeys });
    expect(await store.trust()).toEqual(trustAt(2));
  });

  it('replaces a corpus of another id whatever its version', async () => {
    await store.importBundle({ ...fixtureVersion(1), corpus: { ...fixtureVersion(1).corpus, id: 'another', version: 9 } });
    expect(await importBundleFile(await signedBundle(fixtureVersion(1), publisher.secretKey), { store, trustedKeys })).toBe(1);
    expect((await store.info()).corpus.id).toBe('fixture');
  });

  it.each([
    ['the version installed', 2, 2, /holds version 2 of fixture, not newer than the installed version 2/],
    ['a version older than the one installed', 3, 2, /holds version 2 of fixture, not newer than the installed version 3/],
  ])('refuses %s, changing nothing', async (_, installed, offered, message) => {
    await store.importBundle(fixtureVersion(installed));
    await expectRefused(await signedBundle(fixtureVersion(offered), publisher.secretKey), message);
  });

  it('refuses a version older than a sync already trusted, even when the installed one is older still', async () => {
    // A default corpus re-imported after a sync had trusted version 3.
    await store.importBundle(fixtureVersion(1), { trust: trustAt(3) });
    await expectRefused(await signedBundle(fixtureVersion(2), publisher.secretKey), /version 2 of fixture, older than version 3 already trusted/);
  });

  it('refuses a file signed by a key it does not trust', async () => {
    await store.importBundle(fixtureVersion(1));
    const stranger = await keyPair();
    await expectRefused(await signedBundle(fixtureVersion(2), stranger.secretKey), new RegExp(`signed by key ${stranger.publicKey.replace(/[+/]/g, '\\$&')}, which is not a trusted key`));
  });

  it('refuses an unsigned file', async () => {
    await store.importBundle(fixtureVersion(1));
    await expectRefused(await encodeBundle(fixtureVersion(2)), /^The bundle is not signed\.$/);
  });

  it('refuses a file altered after signing', async () => {
    await store.importBundle(fixtureVersion(1));
    const file = await signedBundle(fixtureVersion(2), publisher.secretKey);
    const altered = file.replace('Sadr spoke with Abadi.', 'Sadr spoke with Abadx.');
    expect(altered).not.toBe(file);
    await expectRefused(altered, /does not match its sha256 digest/);
  });

  it('refuses what is not a bundle file', async () => {
    await store.importBundle(fixtureVersion(1));
    await expectRefused('{"format":"backstory-manifest"}', /not a Backstory bundle/);
    await expectRefused('', /not a Backstory bundle/);
  });
});
