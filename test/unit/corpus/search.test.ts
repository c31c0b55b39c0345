import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRankingIndex, type RankingIndex } from '../../../lib/corpus/rank';
import type { BundlePayload } from '../../../lib/corpus/schema';
import { searchEntities, searchPassages } from '../../../lib/corpus/search';
import { seedBundle } from '../seed';

let bundle: BundlePayload;
let index: RankingIndex;

beforeAll(async () => {
  bundle = await seedBundle();
  index = createMemoryRankingIndex(bundle);
});

describe('searchEntities', () => {
  it.each([
    ['sudani', 'mohammed-shia-al-sudani'],
    ['Haidar', 'haider-al-abadi'],
    ['asaib', 'asaib-ahl-al-haq'],
    ['Asa’ib Ahl', 'asaib-ahl-al-haq'],
    ['hashd', 'popular-mobilization-forces'],
    ['soleiman', 'qassem-soleimani'],
  ])('"%s" finds %s first', (query, id) => {
    expect(searchEntities(bundle.entities, query)[0]?.entity.id).toBe(id);
  });

  it('finds nothing for one letter or an unknown name', () => {
    expect(searchEntities(bundle.entities, 'a')).toEqual([]);
    expect(searchEntities(bundle.entities, 'zzyzx')).toEqual([]);
  });
});

describe('searchPassages', () => {
  it('finds passages containing every word, best first', async () => {
    const hits = await searchPassages(index, 'Russian airstrikes');
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.passage.text.toLowerCase()).toMatch(/russian/);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
  });

  it('finds nothing when a word is absent from the corpus', async () => {
    expect(await searchPassages(index, 'Russian croissant')).toEqual([]);
  });

  it('folds case and apostrophes like the matcher', async () => {
    const a = await searchPassages(index, 'Asa’ib');
    const b = await searchPassages(index, 'ASAIB');
    expect(a.map((h) => h.passage.id)).toEqual(b.map((h) => h.passage.id));
    expect(a.length).toBeGreaterThan(0);
  });
});
