import { describe, expect, it } from 'vitest';
import { expandPattern } from '../../../lib/match/pattern';

describe('expandPattern', () => {
  it.each<[string, string[]]>([
    ['Haider al-Abadi', ['Haider al-Abadi']],
    ['2003 invasion [of Iraq]', ['2003 invasion of Iraq', '2003 invasion']],
    ['(Iran-backed|pro-Iran) militias', ['Iran-backed militias', 'pro-Iran militias']],
    [
      '[the] offensive to (retake|recapture) Tikrit',
      ['the offensive to retake Tikrit', 'the offensive to recapture Tikrit', 'offensive to retake Tikrit', 'offensive to recapture Tikrit'],
    ],
    ['war on [the] ISIS', ['war on the ISIS', 'war on ISIS']], // the space left by a missing word collapses
    ['(a|a) b', ['a b']], // duplicates are dropped
    ['[only]', ['only']], // an expansion to the empty string is dropped
  ])('%j', (pattern, expected) => {
    expect(expandPattern(pattern)).toEqual(expected);
  });

  it.each([
    ['Badr [Organization', /unclosed "\["/],
    ['(Iran-backed|pro-Iran militias', /unclosed "\("/],
    ['Badr] Organization', /stray "\]"/],
    ['Badr) Organization', /stray "\)"/],
    // a group in a group was once read as literal brackets, and matched nothing
    ['[(US-led|U.S.-led)] coalition', /nests a group in a group/],
    ['(transfer|[the] move) of detainees', /nests a group in a group/],
  ])('refuses %j', (pattern, message) => {
    expect(() => expandPattern(pattern)).toThrow(message);
  });

  it('refuses a pattern that expands past its limit', () => {
    expect(() => expandPattern('(a|b) (c|d) (e|f)', 4)).toThrow(/more than 4 strings/);
    expect(expandPattern('(a|b) (c|d)', 4)).toHaveLength(4);
  });
});
