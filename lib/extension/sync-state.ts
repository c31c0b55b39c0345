import browser from 'webextension-polyfill';
import type { SyncSettings } from '../sync/controller';
import { DEFAULT_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES } from '../sync/schedule';
import type { SyncStatus } from '../sync/sync';

/**
 * Sync's browser parts: its settings and last status in `storage.local` (keys of their own, apart
 * from the reader's other settings), the one alarm, and the host permission for a source.
 */

const SOURCE_KEY = 'syncSource';
const STATUS_KEY = 'syncStatus';
const ALARM = 'backstory-sync';

/** Reads the sync settings; `fallback` (a source baked in at build time) applies until the reader sets one or removes it. */
export async function getSyncSettings(fallback: SyncSettings): Promise<SyncSettings> {
  const stored = (await browser.storage.local.get(SOURCE_KEY))[SOURCE_KEY] as Partial<SyncSettings> | undefined;
  if (!stored || typeof stored !== 'object') return fallback;
  const source =
    stored.source && typeof stored.source.manifestUrl === 'string' && typeof stored.source.publicKey === 'string'
      ? { manifestUrl: stored.source.manifestUrl, publicKey: stored.source.publicKey }
      : null;
  const interval = Number(stored.intervalMinutes);
  return { source, intervalMinutes: Number.isFinite(interval) && interval >= MIN_INTERVAL_MINUTES ? interval : DEFAULT_INTERVAL_MINUTES };
}

/** Stores the sync settings (a null source means "none", even when the build has a default). */
export async function setSyncSettings(settings: SyncSettings): Promise<void> {
  await browser.storage.local.set({ [SOURCE_KEY]: settings });
}

/** The last sync's status, if any. */
export async function getSyncStatus(): Promise<SyncStatus | undefined> {
  return (await browser.storage.local.get(STATUS_KEY))[STATUS_KEY] as SyncStatus | undefined;
}

/** Stores the last sync's status. */
export async function setSyncStatus(status: SyncStatus): Promise<void> {
  await browser.storage.local.set({ [STATUS_KEY]: status });
}

/** Sets the sync alarm to fire in `minutes` (kept as it is when `onlyIfMissing` and one is set); null clears it. */
export async function scheduleSyncAlarm(minutes: number | null, onlyIfMissing = false): Promise<void> {
  if (minutes === null) {
    await browser.alarms.clear(ALARM);
    return;
  }
  if (onlyIfMissing && (await browser.alarms.get(ALARM))) return;
  browser.alarms.create(ALARM, { when: Date.now() + minutes * 60_000 });
}

/** Calls `fn` when the sync alarm fires; returns a function that stops listening. */
export function onSyncAlarm(fn: () => void): () => void {
  const listener = (alarm: { name: string }): void => {
    if (alarm.name === ALARM) fn();
  };
  browser.alarms.onAlarm.addListener(listener);
  return () => browser.alarms.onAlarm.removeListener(listener);
}

/**
 * Asks the reader for permission to fetch from the source's origin (an optional host permission):
 * called from the click that adds the source, as browsers require. Resolves to whether it was granted;
 * without it the source must send CORS headers (as `serve` and most CDNs can).
 */
export async function requestSourcePermission(manifestUrl: string): Promise<boolean> {
  let origin: string;
  try {
    origin = new URL(manifestUrl).origin;
  } catch {
    return false;
  }
  try {
    return await browser.permissions.request({ origins: [`${origin}/*`] });
  } catch {
    return false;
  }
}
