import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CorpusStore, openCorpusStore } from '../../../lib/corpus/store';
import { createSyncController, type SyncControllerDeps, type SyncSettings } from '../../../lib/sync/controller';
import { publish } from '../../../lib/sync/publish';
import type { SyncStatus } from '../../../lib/sync/sync';
import { fakeServer, type FakeServer, fixtureVersion, keyPair, ORIGIN, signedBundle } from './helpers';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const MANIFEST = `${ORIGIN}manifest.json`;
let publisher: Awaited<ReturnType<typeof keyPair>>;
let store: CorpusStore;

/** The published directory of `version`, with a patch from each of `earlier`. */
async function published(version: number, earlier: number[] = []): Promise<Map<string, string>> {
  const { files } = await publish({
    bundle: await signedBundle(fixtureVersion(version), publisher.secretKey),
    earlier: await Promise.all(earlier.map((v) => signedBundle(fixtureVersion(v), publisher.secretKey))),
    secretKey: publisher.secretKey,
    now: NOW,
  });
  return new Map(files);
}

/** The browser's parts as plain data a test can look at: settings, the stored status, the alarm. */
interface Harness {
  deps: SyncControllerDeps;
  settings: SyncSettings;
  saved: SyncStatus[];
  alarms: { minutes: number | null; onlyIfMissing: boolean }[];
  changed: number;
  server: FakeServer;
}

function harness(server: FakeServer, options: { settings?: SyncSettings; last?: SyncStatus; store?: CorpusStore | string; now?: Date } = {}): Harness {
  const h: Harness = {
    settings: options.settings ?? { source: { manifestUrl: MANIFEST, publicKey: publisher.publicKey }, intervalMinutes: 60 },
    saved: options.last ? [options.last] : [],
    alarms: [],
    changed: 0,
    server,
    deps: undefined as unknown as SyncControllerDeps,
  };
  h.deps = {
    settings: async () => h.settings,
    lastStatus: async () => h.saved.at(-1),
    saveStatus: async (s) => void h.saved.push(s),
    store: async () => options.store ?? store,
    corpusChanged: async () => void h.changed++,
    schedule: async (minutes, onlyIfMissing = false) => void h.alarms.push({ minutes, onlyIfMissing }),
    fetch: server.fetch,
    now: () => options.now ?? NOW,
    random: () => 0,
  };
  return h;
}

/** Lets the controller's after-sync scheduling (not awaited by syncNow's caller) run. */
const settle = () => new Promise((ok) => setTimeout(ok, 0));

beforeEach(async () => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  publisher = await keyPair();
  store = await openCorpusStore('controller-test');
  await store.importBundle(fixtureVersion(1));
});

afterEach(() => {
  store.close();
  vi.unstubAllGlobals();
});

describe('createSyncController: start', () => {
  it('clears the alarm and fetches nothing when there is no source', async () => {
    const h = harness(fakeServer(await published(2, [1])), { settings: { source: null, intervalMinutes: 60 } });
    await createSyncController(h.deps).start();
    expect(h.server.requests).toEqual([]);
    expect(h.alarms).toEqual([{ minutes: null, onlyIfMissing: false }]);
    expect(h.saved).toEqual([]);
  });

  it('syncs at once when the source was never checked, then sets the alarm a jittered interval ahead', async () => {
    const h = harness(fakeServer(await published(2, [1])));
    await createSyncController(h.deps).start();
    await settle();
    expect(h.saved).toEqual([expect.objectContaining({ result: 'updated', via: 'patch', version: 2, source: MANIFEST })]);
    expect(h.changed).toBe(1);
    expect((await store.info()).corpus.version).toBe(2);
    // random() = 0: three quarters of the interval.
    expect(h.alarms).toEqual([{ minutes: 45, onlyIfMissing: false }]);
  });

  it('does not sync when the last check of this source is recent, and keeps an alarm already set', async () => {
    const last: SyncStatus = { result: 'unchanged', message: 'Version 1 is current.', at: '2026-03-01T11:30:00.000Z', source: MANIFEST, bytes: 10 };
    const h = harness(fakeServer(await published(2, [1])), { last });
    await createSyncController(h.deps).start();
    expect(h.server.requests).toEqual([]);
    expect(h.alarms).toEqual([{ minutes: 45, onlyIfMissing: true }]);
    expect((await store.info()).corpus.version).toBe(1);
  });

  it.each([
    ['the last check is an interval old', { at: '2026-03-01T11:00:00.000Z', source: MANIFEST }],
    ['the last check was of another source', { at: '2026-03-01T11:59:00.000Z', source: 'https://other.example/manifest.json' }],
    ['the last check is dated in the future (a clock that was wrong)', { at: '2026-03-02T12:00:00.000Z', source: MANIFEST }],
  ])('syncs when %s', async (_, when) => {
    const last: SyncStatus = { result: 'unchanged', message: 'Version 1 is current.', bytes: 10, ...when };
    const h = harness(fakeServer(await published(2, [1])), { last });
    await createSyncController(h.deps).start();
    expect(h.server.requests.map((r) => r.url)).toContain(MANIFEST);
    expect(h.saved.at(-1)).toMatchObject({ result: 'updated', version: 2 });
  });
});

describe('createSyncController: syncNow', () => {
  it('runs one sync for requests that come while one is running, and they all get its status', async () => {
    const h = harness(fakeServer(await published(2, [1])));
    const controller = createSyncController(h.deps);
    const [a, b, c] = await Promise.all([controller.syncNow(), controller.syncNow(), controller.syncNow()]);
    expect(a).toMatchObject({ result: 'updated', version: 2 });
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(h.server.requests.filter((r) => r.url === MANIFEST)).toHaveLength(1);
    expect(h.saved).toHaveLength(1);
    expect(h.changed).toBe(1);
  });

  it('runs again once the earlier sync has finished', async () => {
    const h = harness(fakeServer(await published(2, [1])));
    const controller = createSyncController(h.deps);
    await controller.syncNow();
    const second = await controller.syncNow();
    expect(second).toMatchObject({ result: 'unchanged' });
    expect(h.server.requests.filter((r) => r.url === MANIFEST)).toHaveLength(2);
    expect(h.changed).toBe(1);
  });

  it('does nothing and answers undefined without a source', async () => {
    const h = harness(fakeServer(await published(2, [1])), { settings: { source: null, intervalMinutes: 60 } });
    expect(await createSyncController(h.deps).syncNow()).toBeUndefined();
    await settle();
    expect(h.server.requests).toEqual([]);
    expect(h.saved).toEqual([]);
    expect(h.alarms).toEqual([{ minutes: null, onlyIfMissing: false }]);
  });

  it('says why, and fetches nothing, when there is no corpus database', async () => {
    const why = 'Sync needs the corpus database, which cannot be used here, so the bundled corpus stays in use.';
    const h = harness(fakeServer(await published(2, [1])), { store: why });
    const status = await createSyncController(h.deps).syncNow();
    expect(status).toEqual({ result: 'refused', message: why, at: NOW.toISOString(), source: MANIFEST, bytes: 0 });
    expect(h.saved).toEqual([status]);
    expect(h.server.requests).toEqual([]);
    expect(h.changed).toBe(0);
  });

  it('does not announce a new corpus after a refusal, and still schedules the next check', async () => {
    const files = await published(2, [1]);
    files.set('manifest.json', files.get('manifest.json')!.replace('"version":2', '"version":3'));
    const h = harness(fakeServer(files));
    const status = await createSyncController(h.deps).syncNow();
    await settle();
    expect(status?.result).toBe('refused');
    expect(h.changed).toBe(0);
    expect((await store.info()).corpus.version).toBe(1);
    expect(h.alarms).toEqual([{ minutes: 45, onlyIfMissing: false }]);
  });

  it("asks with the last trusted manifest's ETag, and keeps it through a refusal", async () => {
    const server = fakeServer(await published(2, [1]));
    const h = harness(server);
    const controller = createSyncController(h.deps);
    const first = await controller.syncNow();
    expect(first?.etag).toMatch(/^".+"$/);
    expect(await controller.syncNow()).toMatchObject({ result: 'unchanged', etag: first?.etag });
    expect(server.requests.at(-1)).toEqual({ url: MANIFEST, ifNoneMatch: first?.etag });

    // The server now serves a manifest that fails its signature: refused, and the ETag of the trusted one kept.
    server.files.set('manifest.json', new TextEncoder().encode((await published(3, [2])).get('manifest.json')!.replace('"version":3', '"version":4')));
    const refused = await controller.syncNow();
    expect(refused).toMatchObject({ result: 'refused', etag: first?.etag });
    await controller.syncNow();
    expect(server.requests.at(-1)).toEqual({ url: MANIFEST, ifNoneMatch: first?.etag });
  });

  it("does not send another source's ETag", async () => {
    const last: SyncStatus = { result: 'unchanged', message: 'Version 1 is current.', at: '2026-01-01T00:00:00.000Z', source: 'https://other.example/manifest.json', bytes: 10, etag: '"other"' };
    const h = harness(fakeServer(await published(2, [1])), { last });
    await createSyncController(h.deps).syncNow();
    expect(h.server.requests[0]).toEqual({ url: MANIFEST });
  });
});

describe('createSyncController: settingsChanged', () => {
  it('re-schedules from the new interval, and clears the alarm when the source is removed', async () => {
    const h = harness(fakeServer(await published(2, [1])));
    const controller = createSyncController(h.deps);
    h.settings = { ...h.settings, intervalMinutes: 600 };
    await controller.settingsChanged();
    h.settings = { source: null, intervalMinutes: 600 };
    await controller.settingsChanged();
    expect(h.alarms).toEqual([
      { minutes: 450, onlyIfMissing: false },
      { minutes: null, onlyIfMissing: false },
    ]);
    expect(h.server.requests).toEqual([]);
  });
});
