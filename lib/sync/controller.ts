import type { CorpusStore } from '../corpus/store';
import type { FetchLike } from './download';
import { checkIsDue, DEFAULT_INTERVAL_MINUTES, jitteredDelayMinutes } from './schedule';
import { type SyncLimits, type SyncSource, type SyncStatus, syncOnce } from './sync';

/**
 * The background's sync loop, with the browser's parts passed in: settings and status storage,
 * the alarm, the corpus store. One sync runs at a time; a second request joins the running one.
 */

/** The reader's sync settings. */
export interface SyncSettings {
  /** null: no source (the extension runs on its bundled corpus). */
  source: SyncSource | null;
  intervalMinutes: number;
}

/** What the controller needs from the browser and the corpus service. */
export interface SyncControllerDeps {
  settings: () => Promise<SyncSettings>;
  lastStatus: () => Promise<SyncStatus | undefined>;
  saveStatus: (s: SyncStatus) => Promise<void>;
  /** The IndexedDB store, or a sentence saying why there is none. */
  store: () => Promise<CorpusStore | string>;
  /** Called after a new corpus was installed. */
  corpusChanged: () => Promise<void>;
  /**
   * Sets the one sync alarm to fire in `minutes`, replacing any earlier one unless `onlyIfMissing`
   * (a service worker that restarts must not keep pushing the check back); null clears it.
   */
  schedule: (minutes: number | null, onlyIfMissing?: boolean) => Promise<void>;
  fetch: FetchLike;
  now?: () => Date;
  random?: () => number;
  limits?: Partial<SyncLimits>;
}

/** Starts, runs on demand and on the alarm. */
export interface SyncController {
  /** Syncs now (joins a sync already running) and schedules the next check. */
  syncNow(): Promise<SyncStatus | undefined>;
  /** On background start: syncs when a check is due, and makes sure the alarm is set. */
  start(): Promise<void>;
  /** Re-schedules after the settings changed. */
  settingsChanged(): Promise<void>;
}

/** Creates the sync controller. */
export function createSyncController(deps: SyncControllerDeps): SyncController {
  const now = deps.now ?? (() => new Date());
  let running: Promise<SyncStatus | undefined> | undefined;

  const scheduleNext = async (onlyIfMissing = false): Promise<void> => {
    const { source, intervalMinutes } = await deps.settings();
    await deps.schedule(source ? jitteredDelayMinutes(intervalMinutes || DEFAULT_INTERVAL_MINUTES, deps.random) : null, onlyIfMissing);
  };

  const run = async (): Promise<SyncStatus | undefined> => {
    const { source } = await deps.settings();
    if (!source) return undefined;
    const store = await deps.store();
    const previous = await deps.lastStatus();
    let status: SyncStatus;
    if (typeof store === 'string') {
      status = { result: 'refused', message: store, at: now().toISOString(), source: source.manifestUrl, bytes: 0 };
    } else {
      const etag = previous?.source === source.manifestUrl ? previous.etag : undefined;
      status = await syncOnce(source, { fetch: deps.fetch, store, now, ...(deps.limits ? { limits: deps.limits } : {}), ...(etag ? { etag } : {}) });
      // Keep the ETag of the last trusted manifest through a refusal, so the next check can still be a 304.
      if (status.result === 'refused' && etag) status = { ...status, etag };
      if (status.result === 'updated') await deps.corpusChanged();
    }
    await deps.saveStatus(status);
    return status;
  };

  const syncNow = (): Promise<SyncStatus | undefined> => {
    running ??= run().finally(() => {
      running = undefined;
      void scheduleNext();
    });
    return running;
  };

  return {
    syncNow,
    async start() {
      const { source, intervalMinutes } = await deps.settings();
      if (!source) return deps.schedule(null);
      const last = await deps.lastStatus();
      const due = last?.source !== source.manifestUrl || checkIsDue(last?.at, intervalMinutes, now());
      if (due) await syncNow();
      else await scheduleNext(true);
    },
    settingsChanged: () => scheduleNext(),
  };
}
