import { defineBackground } from 'wxt/utils/define-background';
import defaultBundle from '../generated/default-bundle.bsb?raw';
import publisherKey from '../generated/publisher.pub?raw';
import { readBundle } from '../lib/corpus/bundle-file';
import { fromBase64 } from '../lib/corpus/encoding';
import { createCoverageService } from '../lib/corpus/coverage';
import { openMatcherCache } from '../lib/corpus/matcher-cache';
import { createCorpusService } from '../lib/corpus/service';
import { openCorpusStore } from '../lib/corpus/store';
import { forwardCardCommand, openReaderTab } from '../lib/extension/card-command';
import { handleCalls } from '../lib/extension/messages';
import { extensionVersion, onInstalled } from '../lib/extension/lifecycle';
import { findMentionsInBlocks } from '../lib/match/blocks';
import {
  getSyncSettings,
  getSyncStatus,
  onSyncAlarm,
  scheduleSyncAlarm,
  setSyncSettings,
  setSyncStatus,
} from '../lib/extension/sync-state';
import { createSyncController, type SyncSettings } from '../lib/sync/controller';
import { importBundleFile } from '../lib/sync/import-file';
import { DEFAULT_INTERVAL_MINUTES } from '../lib/sync/schedule';
import { checkSource, type SyncSource } from '../lib/sync/sync';

export default defineBackground(() => {
  /** Entity names by id, per entity list the matcher serves (a new corpus brings a new list). */
  const entityNames = new WeakMap<readonly { id: string; name: string }[], Map<string, string>>();
  /** Each entity's index in the list the matcher was built from, by id (for `findMentions`' `named`). */
  const entityIndexes = new WeakMap<readonly { id: string }[], Map<string, number>>();
  const matcherCache = openMatcherCache(extensionVersion());
  const corpus = createCorpusService({
    // The bundle shipped inside the extension is checked like any other: digest, signature, schema.
    loadDefault: () => readBundle(defaultBundle, { trustedKeys: [fromBase64(publisherKey.trim())] }),
    openStore: () => openCorpusStore(),
    matcherCache,
  });

  const coverage = createCoverageService(() => corpus.reader());

  // Sync: a newsroom's build may bake a source in (WXT_BACKSTORY_SYNC_URL and _KEY at build time);
  // otherwise there is none until the reader adds one in options.
  const env = import.meta.env as Record<string, string | undefined>;
  const builtIn: SyncSource | null =
    env.WXT_BACKSTORY_SYNC_URL && env.WXT_BACKSTORY_SYNC_KEY ? { manifestUrl: env.WXT_BACKSTORY_SYNC_URL, publicKey: env.WXT_BACKSTORY_SYNC_KEY } : null;
  const syncDefaults: SyncSettings = { source: builtIn, intervalMinutes: Number(env.WXT_BACKSTORY_SYNC_MINUTES) || DEFAULT_INTERVAL_MINUTES };
  const sync = createSyncController({
    settings: () => getSyncSettings(syncDefaults),
    lastStatus: getSyncStatus,
    saveStatus: setSyncStatus,
    store: () => corpus.store(),
    corpusChanged: async () => void (await corpus.corpusChanged()),
    schedule: scheduleSyncAlarm,
    fetch: (url, init) => fetch(url, init),
  });
  const statusWithSync = async () => {
    const [status, last] = await Promise.all([corpus.status(), getSyncStatus()]);
    return last ? { ...status, sync: last } : status;
  };
  const syncView = async () => {
    const status = await getSyncStatus();
    return { ...(await getSyncSettings(syncDefaults)), builtIn, ...(status ? { status } : {}) };
  };
  onSyncAlarm(() => void sync.syncNow());
  void sync.start();

  handleCalls({
    getStatus: () => statusWithSync(),
    getEntity: async ({ id }) => (await (await corpus.reader()).getEntity(id)) ?? null,
    // From the entities the matcher was built from (in memory): no database read.
    getEntityNames: async ({ ids }) => {
      const { entities } = await corpus.matcher();
      let names = entityNames.get(entities);
      if (!names) entityNames.set(entities, (names = new Map(entities.map((e) => [e.id, e.name]))));
      return ids.map((id) => names.get(id) ?? null);
    },
    // Ranked for the paragraph around the mention (the card sends it), over the store's postings.
    getPassages: ({ entityId, limit, context }) => coverage.passages(entityId, context, limit),
    getDocument: async ({ id }) => (await (await corpus.reader()).getDocument(id)) ?? null,
    findMentions: async ({ blocks, named }) => {
      const { matcher, entities } = await corpus.matcher();
      let page: Set<number> | undefined;
      if (named?.length) {
        let index = entityIndexes.get(entities);
        if (!index) entityIndexes.set(entities, (index = new Map(entities.map((e, k) => [e.id, k]))));
        page = new Set(named.map((id) => index.get(id)).filter((k) => k !== undefined));
      }
      return findMentionsInBlocks(matcher, blocks, page).map((list) =>
        list.map((m) => {
          const e = entities[m.entity]!;
          return m.weak ? { start: m.start, end: m.end, entityId: e.id, type: e.type, weak: true } : { start: m.start, end: m.end, entityId: e.id, type: e.type };
        }),
      );
    },
    getRelated: ({ text, entityCounts }) => coverage.related({ text, entityCounts: new Map(entityCounts) }),
    search: ({ query }) => coverage.search(query),
    getDocumentPassages: async ({ documentId }) => (await corpus.reader()).getPassagesOfDocument(documentId),
    openReader: ({ documentId, passageId }) => openReaderTab(documentId, passageId),
    reimportDefaultCorpus: () => corpus.reimportDefault(),
    syncNow: async () => (await sync.syncNow()) ?? null,
    getSyncSettings: () => syncView(),
    setSyncSource: async ({ source, intervalMinutes }) => {
      const current = await getSyncSettings(syncDefaults);
      const interval = intervalMinutes ?? current.intervalMinutes;
      if (!(interval >= 1)) throw new Error('The time between checks must be at least one minute.');
      await setSyncSettings({ source: source ? checkSource(source) : null, intervalMinutes: interval });
      await sync.settingsChanged();
      return syncView();
    },
    importBundleFile: async ({ text }) => {
      const store = await corpus.store();
      if (typeof store === 'string') throw new Error(store);
      const { source } = await getSyncSettings(syncDefaults);
      const trustedKeys = [fromBase64(publisherKey.trim())];
      if (source) trustedKeys.push(fromBase64(checkSource(source).publicKey));
      await importBundleFile(text, { store, trustedKeys });
      await corpus.corpusChanged();
      return statusWithSync();
    },
  });

  // Alt+Shift+B: the content script of the active tab opens the card for the mention at the selection.
  forwardCardCommand();

  // Import on install; any later start finds the store ready (or fills it, if the install was cut short).
  onInstalled(() => {
    void matcherCache.clear(); // what an earlier build of the same version compiled
    void corpus.status();
  });
});
