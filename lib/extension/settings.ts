import browser, { type Storage } from 'webextension-polyfill';
import type { EntityType } from '../corpus/schema';

/** How many mentions of one entity a block shows: the first in each paragraph, or every one. */
export type MarkMode = 'first' | 'every';

/** What the reader chose in options; kept in `browser.storage.local` under {@link SETTINGS_KEY}. */
export interface Settings {
  markMode: MarkMode;
  /** Entity types that get no marks (and so no card). */
  disabledTypes: EntityType[];
  /** Host names the per-site switch lists as allowed (its owner defines how they combine with `denySites`). */
  allowSites: string[];
  /** Host names where the per-site switch has turned the extension off. */
  denySites: string[];
}

/**
 * The entity types, listed here rather than imported from the schema so the content script does not
 * carry zod (a unit test checks the two lists agree).
 */
export const ENTITY_TYPES: readonly EntityType[] = ['person', 'armed-group', 'party', 'institution', 'country', 'place', 'event'];

/** The storage key that holds the settings object. */
export const SETTINGS_KEY = 'settings';

/** The settings of a fresh install. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  markMode: 'first',
  disabledTypes: [],
  allowSites: [],
  denySites: [],
});

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/**
 * Reads a stored value into complete settings: missing or malformed fields take their defaults, so
 * a value written by an older or newer version never breaks the page.
 */
export function parseSettings(raw: unknown): Settings {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const types = new Set<string>(ENTITY_TYPES);
  return {
    markMode: o.markMode === 'every' || o.markMode === 'first' ? o.markMode : DEFAULT_SETTINGS.markMode,
    disabledTypes: strings(o.disabledTypes).filter((t): t is EntityType => types.has(t)),
    allowSites: strings(o.allowSites),
    denySites: strings(o.denySites),
  };
}

/** The current settings, with defaults for anything not stored. */
export async function getSettings(): Promise<Settings> {
  const stored = await browser.storage.local.get(SETTINGS_KEY);
  return parseSettings(stored[SETTINGS_KEY]);
}

/** Changes some settings, keeps the rest, and returns the settings as stored. */
export async function updateSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = parseSettings({ ...(await getSettings()), ...patch });
  await browser.storage.local.set({ [SETTINGS_KEY]: next });
  return next;
}

/** Calls `fn` with the new settings whenever they change in any extension context; returns `stop`. */
export function watchSettings(fn: (settings: Settings) => void): () => void {
  const listener = (changes: Record<string, Storage.StorageChange>, area: string): void => {
    if (area !== 'local' || !(SETTINGS_KEY in changes)) return;
    fn(parseSettings(changes[SETTINGS_KEY]!.newValue));
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}
