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
