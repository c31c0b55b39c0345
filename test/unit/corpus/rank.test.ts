import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRankingIndex, generalEntities, rankDocumentsForPage, rankPassagesForMention, type RankingIndex } from '../../../lib/corpus/rank';
import type { BundlePayload } from '../../../lib/corpus/schema';
import { compileMatcher } from '../../../lib/match/compile';
import { findMentions } from '../../../lib/match/find';
import { seedBundle } from '../seed';

let bundle: BundlePayload;
let index: RankingIndex;

beforeAll(async () => {
  bundle = await seedBundle();
  index = createMemoryRankingIndex(bundle);
});

function entitiesIn(text: string): string[] {
  return findMentions(compileMatcher(bundle.entities), text).map((m) => bundle.entities[m.entity]!.id);
}

const russianAirstrikes =
  "Iraq's prime minister Haider al-Abadi said he would welcome Russian airstrikes against Islamic State targets inside Iraq, as Moscow's air campaign in Syria entered its second week.";
const tikritPlanning =
  "Abadi's government leaned on Iranian advisers and Shiite militias to plan the offensive on Tikrit, Saddam Hussein's hometown, before asking for American air strikes.";

describe('passages for a mention', () => {
  // Each row: the entity hovered, the paragraph around it, the passage that must come first, and
  // one that must rank below it.
  it.each([
    ['haider-al-abadi', russianAirstrikes, 'cole-russian-airstrikes-2015#0', 'daily-beast-iran-backed-militias-2015#9'],
    ['haider-al-abadi', tikritPlanning, 'daily-beast-iran-backed-militias-2015#9', 'cole-russian-airstrikes-2015#0'],
    [
      'lloyd-austin',
      'Austin told senators he would never coordinate with Shia militias, even as the Pentagon weighed air support near Ramadi.',
      'daily-beast-iran-backed-militias-2015#10',
      undefined,
    ],
  ])('%s in context ranks %s first', async (entity, text, first, below) => {
    const ranked = await rankPassagesForMention(index, entity, { text, entityIds: entitiesIn(text) });
    expect(ranked[0]?.passage.id).toBe(first);
    if (below) {
      const ids = ranked.map((r) => r.passage.id);
      expect(ids.indexOf(below)).toBeGreaterThan(0);
    }
  });

  it('says why: the shared entities and words', async () => {
    const context = entitiesIn(russianAirstrikes);
    const [top] = await rankPassagesForMention(index, 'haider-al-abadi', { text: russianAirstrikes, entityIds: context });
    expect(top?.sharedEntities.length).toBeGreaterThan(0);
    const inPassage = new Set(bundle.mentions.filter((m) => m.passageId === top?.passage.id).map((m) => m.entityId));
    for (const e of top!.sharedEntities) {
      expect(context).toContain(e);
      expect(inPassage.has(e)).toBe(true);
    }
    expect(top?.sharedEntities).not.toContain('haider-al-abadi');
    expect(top?.sharedTerms).toEqual(expect.arrayContaining(['russian', 'airstrikes']));
  });

  it('only returns passages that mention the entity', async () => {
    const ranked = await rankPassagesForMention(index, 'joseph-dunford', { text: tikritPlanning, entityIds: entitiesIn(tikritPlanning) });
    const withDunford = new Set(bundle.mentions.filter((m) => m.entityId === 'joseph-dunford').map((m) => m.passageId));
    expect(ranked.length).toBe(withDunford.size);
    for (const r of ranked) expect(withDunford.has(r.passage.id)).toBe(true);
  });

  it('without context, ranks by mention count', async () => {
    const ranked = await rankPassagesForMention(index, 'haider-al-abadi', { text: '', entityIds: [] });
    const count = (id: string) => bundle.mentions.filter((m) => m.entityId === 'haider-al-abadi' && m.passageId === id).length;
    const counts = ranked.map((r) => count(r.passage.id));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(ranked.every((r) => r.score === 0)).toBe(true);
  });

  it('returns nothing for an entity the corpus does not mention', async () => {
    expect(await rankPassagesForMention(index, 'no-such-entity', { text: tikritPlanning, entityIds: [] })).toEqual([]);
  });
});

describe('related coverage for a page', () => {
  it.each([
    ['a page about Russian airstrikes and al-Abadi', russianAirstrikes + ' General Joseph Dunford warned against it.', 'cole-russian-airstrikes-2015'],
    [
      'a page about the ISIS detainee transfer',
      'Secretary of State Marco Rubio called Mohammed Shia al-Sudani to praise the transfer of ISIS detainees from Syria to Iraq, and warned against the return of Nouri al-Maliki.',
      'prism-us-pressures-iraq-2026',
    ],
    [
      'a page about the attack in Jordan',
      'After the drone attack on US troops in Jordan, the Biden administration weighed strikes on Iraqi militias, and Baghdad was caught between Washington and Tehran.',
      'cornered-in-iraq-2024',
    ],
    ['a page about the Tikrit offensive', tikritPlanning + ' The Daily Beast reported that US airstrikes in Tikrit began.', 'hotair-covert-us-support-tikrit-2015'],
  ])('%s ranks %s first', async (_what, text, first) => {
    const counts = new Map<string, number>();
    for (const e of entitiesIn(text)) counts.set(e, (counts.get(e) ?? 0) + 1);
    const ranked = await rankDocumentsForPage(index, { text, entityCounts: counts, general: generalEntities(bundle.entities) });
    expect(ranked[0]?.document.id).toBe(first);
    expect(ranked[0]?.bestPassage.passage.documentId).toBe(first);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i]!.score).toBeLessThanOrEqual(ranked[i - 1]!.score);
  });

  /** The documents ranked for `text` as the extension ranks them (its entities counted by the seed catalog, countries general). */
  const relatedTo = async (text: string): Promise<string[]> => {
    const entityCounts = new Map<string, number>();
    for (const e of entitiesIn(text)) entityCounts.set(e, (entityCounts.get(e) ?? 0) + 1);
    return (await rankDocumentsForPage(index, { text, entityCounts, general: generalEntities(bundle.entities) })).map((r) => r.document.id);
  };
  const filler = (words: number): string => Array.from({ length: words }, (_, i) => ['the', 'launch', 'rocket', 'company', 'engineers', 'said'][i % 6]).join(' ') + '. ';

  it('covers a page only with documents that dwell with it on an actor or event, not on a country', async () => {
    // every seed document is about the US, Iraq and Iran: a page that names them is not covered for that
    expect(await relatedTo('NASA picked two US firms for the moon lander; the US space agency said the US budget and Iran and Iraq had no part in it.')).toEqual([]);
    // Donald Trump, named throughout a page, is in one passage of one seed document only: it does not cover the page
    expect(await relatedTo(`${filler(300)}Donald Trump said. ${filler(100)}Trump added. ${filler(100)}Trump left.`)).toEqual([]);
    // a name dropped once in a long page is not what it is about; named there three times, it is
    const long = (times: number): string => Array.from({ length: 3 }, (_, k) => `${filler(150)}${k < times ? 'Haider al-Abadi spoke. ' : ''}`).join('');
    expect(await relatedTo(long(1))).toEqual([]);
    expect(await relatedTo(long(3))).toContain('cole-russian-airstrikes-2015');
    // one paragraph that names him once is about him
    expect(await relatedTo('Haider al-Abadi spoke in Baghdad.')).toContain('cole-russian-airstrikes-2015');
  });

  it('returns no documents for a page that shares no actor or event with the corpus', async () => {
    const text = 'The quarterly earnings of the bakery chain beat expectations as croissant sales rose in the war of prices.';
    expect(await rankDocumentsForPage(index, { text, entityCounts: new Map() })).toEqual([]);
  });

  it('ignores words such as "constructor" that are object keys, not terms', async () => {
    const ranked = await rankDocumentsForPage(index, { text: 'constructor prototype toString', entityCounts: new Map() });
    expect(ranked).toEqual([]);
  });
});
