import { fakeBrowser } from 'wxt/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  getSyncSettings,
  getSyncStatus,
  onSyncAlarm,
  requestSourcePermission,
  scheduleSyncAlarm,
  setSyncSettings,
  setSyncStatus,
} from '../../../lib/extension/sync-state';
import type { SyncSettings } from '../../../lib/sync/controller';
import { DEFAULT_INTERVAL_MINUTES } from '../../../lib/sync/schedule';
import type { SyncStatus } from '../../../lib/sync/sync';

// webextension-polyfill throws on import outside an extension, so under Node it is WXT's fakeBrowser.
vi.mock('webextension-polyfill', async () => ({ default: (await import('wxt/testing')).fakeBrowser }));

const KEY = 'jL2IhpcIwcU5ICMdzPTb+d3dLYV7qpLrVry8zTEac9E=';
const builtIn: SyncSettings = { source: { manifestUrl: 'https://news.example/backstory/manifest.json', publicKey: KEY }, intervalMinutes: 720 };
const none: SyncSettings = { source: null, intervalMinutes: DEFAULT_INTERVAL_MINUTES };

beforeEach(() => {
  fakeBrowser.reset();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('sync settings in storage.local', () => {
  it('gives the build-time default until the reader sets a source', async () => {
    expect(await getSyncSettings(builtIn)).toEqual(builtIn);
    expect(await getSyncSettings(none)).toEqual(none);
  });

  it('gives back what was set, over the default', async () => {
    const mine: SyncSettings = { source: { manifestUrl: 'http://127.0.0.1:8080/manifest.json', publicKey: KEY }, intervalMinutes: 90 };
    await setSyncSettings(mine);
    expect(await getSyncSettings(builtIn)).toEqual(mine);
  });

  it('keeps "no source" when the reader removed the built-in one', async () => {
    await setSyncSettings({ source: null, intervalMinutes: 60 });
    expect(await getSyncSettings(builtIn)).toEqual({ source: null, intervalMinutes: 60 });
  });

  it.each([
    ['a source without a key', { source: { manifestUrl: 'https://a.example/m.json' }, intervalMinutes: 60 }, { source: null, intervalMinutes: 60 }],
    ['a source that is a string', { source: 'https://a.example/m.json', intervalMinutes: 60 }, { source: null, intervalMinutes: 60 }],
    ['an interval under a minute', { source: null, intervalMinutes: 0.1 }, { source: null, intervalMinutes: DEFAULT_INTERVAL_MINUTES }],
    ['an interval that is not a number', { source: null, intervalMinutes: 'soon' }, { source: null, intervalMinutes: DEFAULT_INTERVAL_MINUTES }],
    ['no interval', { source: null }, { source: null, intervalMinutes: DEFAULT_INTERVAL_MINUTES }],
  ])('reads %s as safe settings', async (_, stored, expected) => {
    await fakeBrowser.storage.local.set({ syncSource: stored });
    expect(await getSyncSettings(builtIn)).toEqual(expected);
  });

  it('falls back to the default when what is stored is not an object', async () => {
    await fakeBrowser.storage.local.set({ syncSource: 42 });
    expect(await getSyncSettings(builtIn)).toEqual(builtIn);
  });

  it('keeps its keys apart from the reader\'s other settings', async () => {
    await fakeBrowser.storage.local.set({ settings: { marks: 'first' } });
    await setSyncSettings(builtIn);
    expect(await fakeBrowser.storage.local.get('settings')).toEqual({ settings: { marks: 'first' } });
  });
});

describe('the last sync status', () => {
  it('is undefined until one is stored, then reads back as stored', async () => {
    expect(await getSyncStatus()).toBeUndefined();
    const status: SyncStatus = { result: 'refused', message: 'The manifest is not UTF-8 text.', at: '2026-03-01T12:00:00.000Z', source: 'https://a.example/m.json', bytes: 12 };
    await setSyncStatus(status);
    expect(await getSyncStatus()).toEqual(status);
    await setSyncStatus({ ...status, result: 'updated', message: 'Updated.', version: 2, via: 'patch' });
    expect(await getSyncStatus()).toMatchObject({ result: 'updated', version: 2, via: 'patch' });
  });
});

describe('the sync alarm', () => {
  it('is set to fire in the given minutes, and replaced by a later call', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-01T12:00:00.000Z'), toFake: ['Date'] });
    await scheduleSyncAlarm(90);
    expect(await fakeBrowser.alarms.getAll()).toEqual([expect.objectContaining({ name: 'backstory-sync', scheduledTime: Date.now() + 90 * 60_000 })]);
    await scheduleSyncAlarm(30);
    expect(await fakeBrowser.alarms.getAll()).toEqual([expect.objectContaining({ scheduledTime: Date.now() + 30 * 60_000 })]);
  });

  it('is left as it is when only a missing one is to be set', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-01T12:00:00.000Z'), toFake: ['Date'] });
    await scheduleSyncAlarm(30);
    vi.setSystemTime(new Date('2026-03-01T12:10:00.000Z'));
    await scheduleSyncAlarm(600, true);
    expect((await fakeBrowser.alarms.get('backstory-sync'))?.scheduledTime).toBe(Date.parse('2026-03-01T12:30:00.000Z'));
    await fakeBrowser.alarms.clear('backstory-sync');
    await scheduleSyncAlarm(600, true);
    expect((await fakeBrowser.alarms.get('backstory-sync'))?.scheduledTime).toBe(Date.parse('2026-03-01T22:10:00.000Z'));
  });

  it('is cleared by null, and other alarms stay', async () => {
    fakeBrowser.alarms.create('someone-else', { delayInMinutes: 5 });
    await scheduleSyncAlarm(30);
    await scheduleSyncAlarm(null);
    expect((await fakeBrowser.alarms.getAll()).map((a) => a.name)).toEqual(['someone-else']);
  });

  it('calls back for its own alarm only, until it stops listening', async () => {
    const fn = vi.fn();
    const stop = onSyncAlarm(fn);
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'someone-else', scheduledTime: 0 });
    expect(fn).not.toHaveBeenCalled();
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'backstory-sync', scheduledTime: 0 });
    expect(fn).toHaveBeenCalledTimes(1);
    stop();
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'backstory-sync', scheduledTime: 0 });
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('the host permission for a source', () => {
  it('asks for the origin of the manifest address, and says whether it was granted', async () => {
    const request = vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValueOnce(true).mockResolvedValueOnce(false);
    expect(await requestSourcePermission('https://news.example:8443/backstory/manifest.json?x=1')).toBe(true);
    expect(request).toHaveBeenLastCalledWith({ origins: ['https://news.example:8443/*'] });
    expect(await requestSourcePermission('http://127.0.0.1:8080/manifest.json')).toBe(false);
    expect(request).toHaveBeenLastCalledWith({ origins: ['http://127.0.0.1:8080/*'] });
  });

  it('is not asked for an address that does not parse, and a failing prompt counts as refused', async () => {
    const request = vi.spyOn(fakeBrowser.permissions, 'request').mockRejectedValue(new Error('permissions.request may only be called from a user input handler'));
    expect(await requestSourcePermission('not a url')).toBe(false);
    expect(request).not.toHaveBeenCalled();
    expect(await requestSourcePermission('https://news.example/manifest.json')).toBe(false);
    expect(request).toHaveBeenCalledTimes(1);
  });
});
