import { fakeBrowser } from 'wxt/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { entityTypes } from '../../../lib/corpus/schema';
import { DEFAULT_SETTINGS, ENTITY_TYPES, getSettings, parseSettings, SETTINGS_KEY, type Settings, updateSettings, watchSettings } from '../../../lib/extension/settings';

// webextension-polyfill refuses to load outside an extension; WXT's fakeBrowser stands in for it.
vi.mock('webextension-polyfill', async () => ({ default: (await import('wxt/testing')).fakeBrowser }));

beforeEach(() => {
  fakeBrowser.reset();
});

describe('parseSettings', () => {
  it("knows the schema's entity types", () => {
    expect(ENTITY_TYPES).toEqual(entityTypes);
  });

  it.each<[string, unknown, Partial<Settings>]>([
    ['nothing stored', undefined, {}],
    ['not an object', 'every', {}],
    ['every mention', { markMode: 'every' }, { markMode: 'every' }],
    ['an unknown mode', { markMode: 'some' }, { markMode: 'first' }],
    ['known and unknown types', { disabledTypes: ['place', 'planet', 3, 'event'] }, { disabledTypes: ['place', 'event'] }],
    ['site lists', { allowSites: ['a.example', 7], denySites: ['b.example'] }, { allowSites: ['a.example'], denySites: ['b.example'] }],
    ['a list that is not one', { denySites: 'b.example' }, { denySites: [] }],
  ])('%s', (_name, raw, expected) => {
    expect(parseSettings(raw)).toEqual({ ...DEFAULT_SETTINGS, ...expected });
  });
});

describe('settings in storage.local', () => {
  it('reads the defaults on a fresh install', async () => {
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.markMode).toBe('first');
  });

  it('keeps the fields a change does not name', async () => {
    await updateSettings({ disabledTypes: ['country'] });
    await updateSettings({ markMode: 'every' });
    expect(await getSettings()).toEqual({ ...DEFAULT_SETTINGS, markMode: 'every', disabledTypes: ['country'] });
    expect((await fakeBrowser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]).toMatchObject({ markMode: 'every' });
  });

  it('tells a watcher about each change, and stops when asked', async () => {
    const seen: Settings[] = [];
    const stop = watchSettings((s) => seen.push(s));
    await updateSettings({ markMode: 'every' });
    await fakeBrowser.storage.local.set({ unrelated: 1 });
    stop();
    await updateSettings({ markMode: 'first' });
    expect(seen).toEqual([{ ...DEFAULT_SETTINGS, markMode: 'every' }]);
  });
});
