import { defineBackground } from 'wxt/utils/define-background';
import defaultBundle from '../generated/default-bundle.bsb?raw';
import publisherKey from '../generated/publisher.pub?raw';
import { readBundle } from '../lib/corpus/bundle-file';
import { fromBase64 } from '../lib/corpus/encoding';
import { createCoverageService } from '../lib/corpus/coverage';
import { createCorpusService } from '../lib/corpus/service';
import { openCorpusStore } from '../lib/corpus/store';
import { forwardCardCommand, openReaderTab } from '../lib/extension/card-command';
import { handleCalls } from '../lib/extension/messages';
import { onInstalled } from '../lib/extension/lifecycle';
import { findMentionsInBlocks } from '../lib/match/blocks';

export default defineBackground(() => {
  const corpus = createCorpusService({
    // The bundle shipped inside the extension is checked like any other: digest, signature, schema.
    loadDefault: () => readBundle(defaultBundle, { trustedKeys: [fromBase64(publisherKey.trim())] }),
    openStore: () => openCorpusStore(),
  });

  const coverage = createCoverageService(() => corpus.reader());

  handleCalls({
    getStatus: () => corpus.status(),
    getEntity: async ({ id }) => (await (await corpus.reader()).getEntity(id)) ?? null,
    getPassages: async ({ entityId, limit }) => (await corpus.reader()).getPassagesOfEntity(entityId, limit),
    getDocument: async ({ id }) => (await (await corpus.reader()).getDocument(id)) ?? null,
    findMentions: async ({ blocks }) => {
      const { matcher, entities } = await corpus.matcher();
      return findMentionsInBlocks(matcher, blocks).map((list) =>
        list.map((m) => ({ start: m.start, end: m.end, entityId: entities[m.entity]!.id, type: entities[m.entity]!.type })),
      );
    },
    getRelated: ({ text, entityCounts }) => coverage.related({ text, entityCounts: new Map(entityCounts) }),
    search: ({ query }) => coverage.search(query),
    getDocumentPassages: async ({ documentId }) => (await corpus.reader()).getPassagesOfDocument(documentId),
    openReader: ({ documentId, passageId }) => openReaderTab(documentId, passageId),
    reimportDefaultCorpus: () => corpus.reimportDefault(),
  });

  // Alt+Shift+B: the content script of the active tab opens the card for the mention at the selection.
  forwardCardCommand();

  // Import on install; any later start finds the store ready (or fills it, if the install was cut short).
  onInstalled(() => void corpus.status());
});
