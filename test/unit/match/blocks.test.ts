import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../../lib/corpus/schema';
import { findMentionsInBlocks } from '../../../lib/match/blocks';
import { compileMatcher, type CompiledMatcher } from '../../../lib/match/compile';
import { findMentions } from '../../../lib/match/find';
import { seedCatalog } from '../seed';

let catalog: Catalog;
let seed: CompiledMatcher;

beforeAll(async () => {
  catalog = await seedCatalog();
  seed = compileMatcher(catalog.entities);
});

const named = (blocks: string[]): [string, string][][] =>
  findMentionsInBlocks(seed, blocks).map((list, b) => list.map((m) => [blocks[b]!.slice(m.start, m.end), catalog.entities[m.entity]!.id]));

describe('findMentionsInBlocks', () => {
  it('returns offsets into each block', () => {
    expect(named(['Baghdad said', '', 'In Mosul and Tikrit', 'nothing here'])).toEqual([
      [['Baghdad', 'baghdad']],
      [],
      [
        ['Mosul', 'mosul'],
        ['Tikrit', 'tikrit'],
      ],
      [],
    ]);
  });

  it('confirms a weak alias in one block by a strong alias in another', () => {
    expect(named(['Lloyd Austin arrived.', 'Austin said little.'])).toEqual([[['Lloyd Austin', 'lloyd-austin']], [['Austin', 'lloyd-austin']]]);
    expect(named(['Austin said little.'])).toEqual([[]]);
  });

  it('never lets a name run from one block into the next', () => {
    // Before the fix "\n\n" folded to a space: "Islamic State" + "Group…" matched "Islamic State group"
    // across the break, and the mention was then dropped from both blocks.
    expect(named(['They fought the Islamic State', 'Group leaders met.'])).toEqual([[['Islamic State', 'islamic-state']], []]);
    expect(named(['Haider', 'al-Abadi said'])).toEqual([[], [['al-Abadi', 'haider-al-abadi']]]);
  });

  it('returns one list per block, even with no blocks', () => {
    expect(findMentionsInBlocks(seed, [])).toEqual([]);
    expect(findMentionsInBlocks(seed, ['', ''])).toEqual([[], []]);
  });

  it('finds in each block what findMentions finds in it alone, when all aliases are strong', () => {
    const words = ['Iraq', 'Baghdad', 'al-Abadi', 'Pentagon', 'ISIS', 'Mosul', 'Islamic', 'State', 'group', 'Haider', 'x', ',', '.'];
    const block = fc.array(fc.constantFrom(...words), { maxLength: 8 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), (blocks) => {
        const found = findMentionsInBlocks(seed, blocks);
        expect(found).toHaveLength(blocks.length);
        found.forEach((list, b) => expect(list).toEqual(findMentions(seed, blocks[b]!)));
      }),
      { numRuns: 300 },
    );
  });
});
