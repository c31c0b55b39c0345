import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ASSETS, readCorpusSources } from '../../../cli/sources';
import { buildPayload } from '../../../lib/corpus/build';
import { createCoverageService } from '../../../lib/corpus/coverage';
import { createMemoryCorpus, type CorpusReader } from '../../../lib/corpus/reader';
import type { BundlePayload } from '../../../lib/corpus/schema';

let bundle: BundlePayload;
beforeAll(async () => {
  bundle = buildPayload(await readCorpusSources(DEFAULT_ASSETS), 1, new Date(0));
});

describe('createCoverageService', () => {
  it('returns related documents as views with entity names and the best passage', async () => {
    const coverage = createCoverageService(async () => createMemoryCorpus(bundle));
    const related = await coverage.related({
      text: 'Marco Rubio called Mohammed Shia al-Sudani about the ISIS detainees.',
      entityCounts: new Map([
        ['marco-rubio', 1],
        ['mohammed-shia-al-sudani', 1],
      ]),
    });
    expect(related[0]?.id).toBe('prism-us-pressures-iraq-2026');
    expect(related[0]?.entities).toEqual(expect.arrayContaining(['Marco Rubio']));
    expect(related[0]?.bestPassage.documentId).toBe('prism-us-pressures-iraq-2026');
    expect(bundle.passages.find((p) => p.id === related[0]?.bestPassage.id)?.text).toBe(related[0]?.bestPassage.text);
  });

  it('searches entities and passages', async () => {
    const coverage = createCoverageService(async () => createMemoryCorpus(bundle));
    const r = await coverage.search('Dunford');
    expect(r.entities[0]?.id).toBe('joseph-dunford');
    expect(r.passages.length).toBeGreaterThan(0);
    for (const p of r.passages) expect(p.text).toMatch(/Dunford/);
  });

  it('indexes the corpus once per version, and again when it changes', async () => {
    let current = createMemoryCorpus(bundle);
    const spy = vi.spyOn(current, 'readPayload');
    const coverage = createCoverageService(async () => current);
    await coverage.search('Tikrit');
    await coverage.search('Ramadi');
    expect(spy).toHaveBeenCalledTimes(1);
    const next = { ...bundle, corpus: { ...bundle.corpus, version: 2 }, documents: bundle.documents.slice(0, 1) };
    current = createMemoryCorpus(next) as CorpusReader & ReturnType<typeof createMemoryCorpus>;
    const r = await coverage.search('Dunford');
    for (const p of r.passages) expect(p.documentId).toBe(bundle.documents[0]!.id);
  });
});

describe('createCoverageService over the IndexedDB store', () => {
  it('past the memory threshold, ranks with the store’s own index (never reading the whole corpus) and answers as the memory corpus does', async () => {
    const { IDBFactory } = await import('fake-indexeddb');
    vi.stubGlobal('indexedDB', new IDBFactory());
    const { openCorpusStore } = await import('../../../lib/corpus/store');
    const store = await openCorpusStore('coverage-test');
    try {
      await store.importBundle(bundle);
      const readWhole = vi.spyOn(store, 'readPayload');
      const stored = createCoverageService(async () => store, { memoryIndexMaxPassages: 10 });
      const memory = createCoverageService(async () => createMemoryCorpus(bundle));
      const page = {
        text: 'Marco Rubio called Mohammed Shia al-Sudani about the ISIS detainees.',
        entityCounts: new Map([
          ['marco-rubio', 1],
          ['mohammed-shia-al-sudani', 1],
        ]),
      };
      expect(await stored.related(page)).toEqual(await memory.related(page));
      expect(await stored.search('Tikrit')).toEqual(await memory.search('Tikrit'));
      const context = {
        text: "Iraq's prime minister Haider al-Abadi said he would welcome Russian airstrikes against Islamic State targets inside Iraq.",
        entityIds: ['haider-al-abadi'],
      };
      const passages = await stored.passages('haider-al-abadi', context, 5);
      expect(passages.map((p) => p.passage.id)).toEqual((await memory.passages('haider-al-abadi', context, 5)).map((p) => p.passage.id));
      expect(passages[0]?.passage.id).toBe('cole-russian-airstrikes-2015#0');
      expect(passages[0]?.mentions).toBe(bundle.mentions.filter((m) => m.entityId === 'haider-al-abadi' && m.passageId === passages[0]?.passage.id).length);
      expect(readWhole).not.toHaveBeenCalled();
    } finally {
      store.close();
      vi.unstubAllGlobals();
    }
  });

  it('under the threshold, ranks a stored corpus in memory, reading it once per version', async () => {
    const { IDBFactory } = await import('fake-indexeddb');
    vi.stubGlobal('indexedDB', new IDBFactory());
    const { openCorpusStore } = await import('../../../lib/corpus/store');
    const store = await openCorpusStore('coverage-small');
    try {
      await store.importBundle(bundle);
      const readWhole = vi.spyOn(store, 'readPayload');
      const index = vi.spyOn(store, 'rankingIndex');
      const coverage = createCoverageService(async () => store);
      await coverage.search('Tikrit');
      await coverage.passages('haider-al-abadi', undefined, 5);
      expect(readWhole).toHaveBeenCalledTimes(1);
      expect(index).not.toHaveBeenCalled();
    } finally {
      store.close();
      vi.unstubAllGlobals();
    }
  });

  it('without context, gives the passages with the most mentions first', async () => {
    const memory = createCoverageService(async () => createMemoryCorpus(bundle));
    const list = await memory.passages('haider-al-abadi', undefined, 50);
    expect(list.length).toBeGreaterThan(1);
    expect(list.map((p) => p.mentions)).toEqual([...list.map((p) => p.mentions)].sort((a, b) => b - a));
  });
});
