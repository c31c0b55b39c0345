import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeBundle } from '../../../lib/corpus/bundle-file';
import { sha256Hex } from '../../../lib/corpus/encoding';
import type { BundlePayload } from '../../../lib/corpus/schema';
import { type CorpusStore, openCorpusStore } from '../../../lib/corpus/store';
import { contentDigest } from '../../../lib/sync/canonical';
import { encodeManifest, type ManifestSigned } from '../../../lib/sync/manifest';
import { publish } from '../../../lib/sync/publish';
import { type SyncStatus, syncOnce } from '../../../lib/sync/sync';
import { fakeServer, type FakeServer, fixtureVersion, keyPair, ORIGIN, signedBundle } from './helpers';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const MANIFEST = `${ORIGIN}manifest.json`;
let stores: CorpusStore[] = [];
let publisher: Awaited<ReturnType<typeof keyPair>>;

async function openStore(): Promise<CorpusStore> {
  const s = await openCorpusStore('sync-test');
  stores.push(s);
  return s;
}

/** A store holding `version` of the fixture, as the bundled default would have put it there. */
async function installed(version = 1): Promise<CorpusStore> {
  const store = await openStore();
  await store.importBundle(fixtureVersion(version));
  return store;
}

/** The published directory of `version`, with patches from `earlier` versions. */
async function published(version: number, earlier: number[] = [], now = NOW): Promise<Map<string, string>> {
  const { files } = await publish({
    bundle: await signedBundle(fixtureVersion(version), publisher.secretKey),
    earlier: await Promise.all(earlier.map((v) => signedBundle(fixtureVersion(v), publisher.secretKey))),
    secretKey: publisher.secretKey,
    now,
  });
  return new Map(files);
}

/** Everything the store holds, to compare before and after a refusal. */
async function snapshot(store: CorpusStore): Promise<unknown> {
  return { payload: await store.readPayload(), info: await store.info(), trust: await store.trust() };
}

const sync = (store: CorpusStore, server: FakeServer, extra: Partial<Parameters<typeof syncOnce>[1]> = {}, publicKey = publisher.publicKey) =>
  syncOnce({ manifestUrl: MANIFEST, publicKey }, { fetch: server.fetch, store, now: () => NOW, ...extra });

const expectOneSentence = (s: string): void => {
  expect(s).toMatch(/^[A-Z"][^\n]*[.]$/);
};

beforeEach(async () => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  publisher = await keyPair();
});

afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
  vi.unstubAllGlobals();
});

describe('syncOnce, when all is well', () => {
  it('installs a newer version from the full bundle when no patch fits, and records what it trusted', async () => {
    const store = await installed(1);
    const server = fakeServer(await published(2));
    const status = await sync(store, server);
    expect(status).toMatchObject({ result: 'updated', via: 'bundle', version: 2 });
    expectOneSentence(status.message);
    expect(await contentDigest(await store.readPayload())).toBe(await contentDigest(fixtureVersion(2)));
    expect(await store.getEntity('sadr')).toMatchObject({ name: 'Sadr' });
    const manifestBytes = server.files.get('manifest.json') as Uint8Array;
    expect(await store.trust()).toEqual({
      source: MANIFEST,
      corpusId: 'fixture',
      version: 2,
      manifestSha256: await sha256Hex(manifestBytes),
      expires: '2026-03-15T12:00:00.000Z',
      trustedAt: NOW.toISOString(),
    });
  });

  it('installs from the full bundle into an empty store', async () => {
    const store = await openStore();
    const status = await sync(store, fakeServer(await published(2, [1])));
    expect(status).toMatchObject({ result: 'updated', via: 'bundle', version: 2 });
    expect((await store.info()).counts.documents).toBe(3);
  });

  it('uses the patch from the installed version, fetching fewer bytes than the bundle', async () => {
    const store = await installed(1);
    const files = await published(3, [1, 2]);
    const server = fakeServer(files);
    const status = await sync(store, server);
    expect(status).toMatchObject({ result: 'updated', via: 'patch', version: 3 });
    expect(server.requests.map((r) => r.url)).toEqual([MANIFEST, `${ORIGIN}patches/fixture-1-to-3.json`]);
    expect(status.bytes).toBeLessThan(files.get('manifest.json')!.length + files.get('bundles/fixture-3.bsb')!.length);
    expect(await contentDigest(await store.readPayload())).toBe(await contentDigest(fixtureVersion(3)));
    expect((await store.info()).counts).toEqual({ documents: 3, passages: 5, entities: 4, mentions: 11 });
    expect((await store.getDocument('old'))?.title).toBe('Old, retitled');
    expect((await store.trust())?.version).toBe(3);
  });

  it('asks with If-None-Match and takes a 304 as "nothing new", fetching nothing else', async () => {
    const store = await installed(1);
    const server = fakeServer(await published(2, [1]));
    const first = await sync(store, server);
    expect(first.etag).toBeDefined();
    const second = await sync(store, server, { etag: first.etag! });
    expect(second).toMatchObject({ result: 'unchanged', version: 2, bytes: 0 });
    expectOneSentence(second.message);
    expect(server.requests.at(-1)).toEqual({ url: MANIFEST, ifNoneMatch: first.etag });
    expect(server.requests).toHaveLength(3); // manifest, patch, manifest (304)
  });

  it('takes the very manifest it trusted, served again without an ETag, as "nothing new"', async () => {
    const store = await installed(1);
    const server = fakeServer(await published(2, [1]));
    await sync(store, server);
    const before = await snapshot(store);
    const again = await sync(store, server);
    expect(again.result).toBe('unchanged');
    expect(await snapshot(store)).toEqual(before);
  });
});

/** Each refusal: the status says why in one sentence, and the store is exactly as it was. */
describe('syncOnce refuses, and leaves the store exactly as it was', () => {
  async function expectRefused(store: CorpusStore, run: () => Promise<SyncStatus>, reason: RegExp): Promise<SyncStatus> {
    const before = await snapshot(store);
    const status = await run();
    expect(status.result).toBe('refused');
    expect(status.message).toMatch(reason);
    expectOneSentence(status.message);
    expect(await snapshot(store)).toEqual(before);
    return status;
  }

  it('a manifest whose signature does not verify', async () => {
    const store = await installed(1);
    const files = await published(2, [1]);
    const m = JSON.parse(files.get('manifest.json')!) as { signature: string };
    const sig = m.signature;
    const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    files.set('manifest.json', files.get('manifest.json')!.replace(sig, flipped));
    await expectRefused(store, () => sync(store, fakeServer(files)), /signature does not verify/);
  });

  it('a manifest whose signed part was changed after signing', async () => {
    const store = await installed(1);
    const files = await published(2, [1]);
    files.set('manifest.json', files.get('manifest.json')!.replace('"version":2}', '"version":9}'));
    await expectRefused(store, () => sync(store, fakeServer(files)), /signature does not verify/);
  });

  it('a manifest signed by another key than the source names', async () => {
    const store = await installed(1);
    const other = await keyPair();
    const files = await published(2, [1]);
    await expectRefused(store, () => sync(store, fakeServer(files), {}, other.publicKey), /not by the source's key/);
  });

  it('a manifest offering an older version than the installed one (rollback)', async () => {
    const store = await installed(3);
    await expectRefused(store, async () => sync(store, fakeServer(await published(2, [1]))), /older than the installed version 3.*rollback/);
  });

  it('a manifest offering an older version than the one last trusted, even after the default was reimported', async () => {
    const store = await installed(1);
    await sync(store, fakeServer(await published(3, [1])));
    await store.importBundle(fixtureVersion(1)); // the reader reimported the bundled default
    await expectRefused(store, async () => sync(store, fakeServer(await published(2, [1]))), /older than version 3 already trusted/);
  });

  it('the installed version again, under a different manifest (replay)', async () => {
    const store = await installed(1);
    await sync(store, fakeServer(await published(2, [1])));
    const resigned = await published(2, [1], new Date(NOW.getTime() - 86_400_000));
    await expectRefused(store, () => sync(store, fakeServer(resigned)), /again with a different manifest.*replay/);
  });

  it('an expired manifest', async () => {
    const store = await installed(1);
    const server = fakeServer(await published(2, [1]));
    const later = () => new Date(NOW.getTime() + 15 * 86_400_000);
    await expectRefused(store, () => sync(store, server, { now: later }), /expired on 2026-03-15.*stopped updating/);
  });

  it('an unchanged (304) manifest that has expired since it was trusted', async () => {
    const store = await installed(1);
    const server = fakeServer(await published(2, [1]));
    const { etag } = await sync(store, server);
    const later = () => new Date(NOW.getTime() + 15 * 86_400_000);
    await expectRefused(store, () => sync(store, server, { etag: etag!, now: later }), /expired/);
  });

  it('a bundle longer than the limit, before fetching it', async () => {
    const store = await installed(1);
    const server = fakeServer(await published(2));
    await expectRefused(store, () => sync(store, server, { limits: { bundleBytes: 100 } }), /over the limit/);
    expect(server.requests.map((r) => r.url)).toEqual([MANIFEST]);
  });

  it('a server that sends more than the manifest states (endless data)', async () => {
    const store = await installed(1);
    const files = await published(2);
    const server = fakeServer(files);
    const endless = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(65536).fill(32)) });
    server.files.set('bundles/fixture-2.bsb', () => new Response(endless, { status: 200 }));
    await expectRefused(store, () => sync(store, server), /sent more than/);
  });

  it('a manifest larger than the manifest limit', async () => {
    const store = await installed(1);
    const server = fakeServer([['manifest.json', `${' '.repeat(2 << 20)}{}`]]);
    await expectRefused(store, () => sync(store, server), /more than the 1,024 KB expected/);
  });

  it('a bundle whose bytes do not match the digest the manifest names', async () => {
    const store = await installed(1);
    const files = await published(2);
    const bundle = files.get('bundles/fixture-2.bsb')!;
    files.set('bundles/fixture-2.bsb', bundle.replace('Sadr spoke', 'Sadr spake'));
    await expectRefused(store, () => sync(store, fakeServer(files)), /bundle does not match the digest/);
  });

  it('a truncated download', async () => {
    const store = await installed(1);
    const files = await published(2);
    files.set('bundles/fixture-2.bsb', files.get('bundles/fixture-2.bsb')!.slice(0, 200));
    await expectRefused(store, () => sync(store, fakeServer(files)), /ended after 200 of .* bytes, so it was cut short/);
  });

  it('a download that does not arrive in time', async () => {
    const store = await installed(1);
    const server = fakeServer(await published(2));
    server.files.set('bundles/fixture-2.bsb', ({ signal }) => new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))));
    await expectRefused(store, () => sync(store, server, { limits: { timeoutMs: 30 } }), /did not finish within 1 second\./);
  });

  it('a signed bundle whose payload fails the schema', async () => {
    const store = await installed(1);
    const bad = fixtureVersion(2) as BundlePayload;
    bad.mentions.push({ entityId: 'sadr', passageId: 'no-such-passage', start: 0, end: 4 });
    const bundle = await signedBundle(bad, publisher.secretKey);
    const bytes = new TextEncoder().encode(bundle);
    const signed: ManifestSigned = {
      corpus: { id: 'fixture', version: 2 },
      created: NOW.toISOString(),
      expires: '2026-04-01T00:00:00.000Z',
      content: await contentDigest(bad),
      bundle: { url: 'b.bsb', length: bytes.byteLength, sha256: await sha256Hex(bytes) },
      patches: [],
    };
    const server = fakeServer([['manifest.json', await encodeManifest(signed, publisher.secretKey)], ['b.bsb', bundle]]);
    await expectRefused(store, () => sync(store, server), /invalid at mentions\[\d+\]\.passageId/);
  });

  it('an unsigned bundle, even when the manifest names its digest', async () => {
    const store = await installed(1);
    const bundle = await encodeBundle(fixtureVersion(2));
    const bytes = new TextEncoder().encode(bundle);
    const signed: ManifestSigned = {
      corpus: { id: 'fixture', version: 2 },
      created: NOW.toISOString(),
      expires: '2026-04-01T00:00:00.000Z',
      content: await contentDigest(fixtureVersion(2)),
      bundle: { url: 'b.bsb', length: bytes.byteLength, sha256: await sha256Hex(bytes) },
      patches: [],
    };
    const server = fakeServer([['manifest.json', await encodeManifest(signed, publisher.secretKey)], ['b.bsb', bundle]]);
    await expectRefused(store, () => sync(store, server), /not signed/);
  });

  it('a patch for another base, when the full bundle is missing too', async () => {
    const store = await installed(1);
    const files = await published(3, [2]);
    // The publisher lists the 2→3 patch as if it applied on version 1.
    const signed = (JSON.parse(files.get('manifest.json')!) as { signed: ManifestSigned }).signed;
    signed.patches = signed.patches.map((p) => ({ ...p, from: 1 }));
    files.set('manifest.json', await encodeManifest(signed, publisher.secretKey));
    files.delete('bundles/fixture-3.bsb');
    const status = await expectRefused(store, () => sync(store, fakeServer(files)), /HTTP 404/);
    expect(status.message).not.toContain('the patch was not used'); // the refusal names the last failure
  });

  it('a source key that is not a key', async () => {
    const store = await installed(1);
    await expectRefused(store, async () => sync(store, fakeServer(await published(2)), {}, 'not-a-key'), /not a base64 Ed25519 public key/);
  });
});

describe('syncOnce falls back to the full bundle', () => {
  it('when the patch is for another base', async () => {
    const store = await installed(1);
    const files = await published(3, [2]);
    const signed = (JSON.parse(files.get('manifest.json')!) as { signed: ManifestSigned }).signed;
    signed.patches = signed.patches.map((p) => ({ ...p, from: 1 }));
    files.set('manifest.json', await encodeManifest(signed, publisher.secretKey));
    const status = await sync(store, fakeServer(files));
    expect(status).toMatchObject({ result: 'updated', via: 'bundle', version: 3 });
    expect(status.message).toMatch(/the patch was not used: the patch is for fixture version 2, but version 1 of fixture is installed/);
    expect(await contentDigest(await store.readPayload())).toBe(await contentDigest(fixtureVersion(3)));
  });

  it('when the patch is missing', async () => {
    const store = await installed(1);
    const files = await published(2, [1]);
    files.delete('patches/fixture-1-to-2.json');
    const status = await sync(store, fakeServer(files));
    expect(status).toMatchObject({ result: 'updated', via: 'bundle', version: 2 });
    expect(status.message).toContain('HTTP 404');
  });

  it('when the patch was altered', async () => {
    const store = await installed(1);
    const files = await published(2, [1]);
    files.set('patches/fixture-1-to-2.json', files.get('patches/fixture-1-to-2.json')!.replace('Sadr', 'Sadx'));
    const status = await sync(store, fakeServer(files));
    expect(status).toMatchObject({ result: 'updated', via: 'bundle' });
    expect(status.message).toContain('patch does not match the digest');
  });

  it('when the installed records are not what the installed version should hold', async () => {
    const store = await installed(1);
    const drifted = fixtureVersion(1);
    drifted.entities[2]!.description = 'Changed locally.';
    await store.importBundle(drifted);
    const status = await sync(store, fakeServer(await published(2, [1])));
    expect(status).toMatchObject({ result: 'updated', via: 'bundle' });
    expect(status.message).toContain('other content than the installed version 1');
    expect(await contentDigest(await store.readPayload())).toBe(await contentDigest(fixtureVersion(2)));
  });
});

describe('a sync interrupted at every step of the import', () => {
  it('leaves the old corpus whole and readable, and the next sync starts over cleanly', async () => {
    const files = await published(2); // no patch: the full import, with its many steps
    let steps = 0;
    {
      const store = await installed(1);
      await sync(store, fakeServer(files), { onImportStep: () => void steps++ });
      store.close();
      vi.stubGlobal('indexedDB', new IDBFactory());
    }
    expect(steps).toBeGreaterThanOrEqual(4);
    const v1 = await contentDigest(fixtureVersion(1));
    const v2 = await contentDigest(fixtureVersion(2));
    for (let crashAt = 0; crashAt < steps; crashAt++) {
      vi.stubGlobal('indexedDB', new IDBFactory());
      const store = await installed(1);
      let n = 0;
      const status = await sync(store, fakeServer(files), {
        onImportStep: (step) => {
          if (n++ === crashAt) throw new Error(`crashed after ${step}`);
        },
      });
      store.close();
      // The service worker is gone; a new one opens the database.
      const reopened = await openStore();
      const flipped = status.message.includes('crashed after flipped') || status.message.includes('crashed after old-generation-deleted');
      // Before the flip the old corpus is whole; from the flip on, the new one is.
      expect(await contentDigest(await reopened.readPayload()), `crash at step ${crashAt}: ${status.message}`).toBe(flipped ? v2 : v1);
      expect((await reopened.getPassagesOfEntity('abadi')).length).toBeGreaterThan(0);
      if (!flipped) {
        expect(await reopened.trust()).toBeUndefined();
        const again = await sync(reopened, fakeServer(files));
        expect(again).toMatchObject({ result: 'updated', version: 2 });
        expect(await contentDigest(await reopened.readPayload())).toBe(v2);
      }
    }
  });
});
