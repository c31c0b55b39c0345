import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isElision, isPhraseDash, isWordUnit, normalize, normalizeKey, PHRASE_DASH } from '../../../lib/text/normalize';

/** Strings with everything the normaliser treats specially, mixed with arbitrary code units. */
const tricky = fc.oneof(
  fc.string({ unit: 'binary' }), // full unicode, astral pairs included
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), // lone surrogates too
  fc.string({
    unit: fc.constantFrom(...'aAsS \'’ʼʿ`´-\u2011\u2013\u00a0\u00ad\n\tḤīأإآٱةىؤئـَُِّیکۀ٢۲\u0301\u1fef\u1ffd\ud800\udc00İß'.split('')),
  }),
);

describe('normalize: folding rules', () => {
  it.each([
    // case
    ['Baghdad', 'baghdad'],
    ['ISIS', 'isis'],
    ['İstanbul', 'istanbul'],
    // apostrophes and their look-alikes are dropped
    ["Asa'ib", 'asaib'],
    ['Asa’ib', 'asaib'],
    ['Asaʼib', 'asaib'],
    ['Asaʿib', 'asaib'],
    ['Asa`ib', 'asaib'],
    ['Asaib', 'asaib'],
    ['Asa\u1fefib', 'asaib'], // Greek varia decomposes to a backtick
    ['Asa\u1ffdib', 'asaib'], // Greek oxia decomposes to an acute accent
    // a possessive goes with its apostrophe, only at a word's end
    ["Sudani's", 'sudani'],
    ['Sudani’s', 'sudani'],
    ["SUDANI'S", 'sudani'],
    ["Sudani's plan", 'sudani plan'],
    ["Sudani's.", 'sudani.'],
    ["Da'wa", 'dawa'],
    ["Asa'ib's", 'asaib'],
    ["x'sy", 'xsy'], // not at a word's end: the s stays
    ["'s", 's'], // no word before it: not a possessive
    ['Abadi\u00ad’s plan', 'abadi plan'], // invisible characters around a possessive change nothing
    ['Abadi’\u200bs plan', 'abadi plan'],
    // a French elided word is a word of its own: the apostrophe parts two words, as a space would
    ['l’Irak', 'l irak'],
    ["contre L'Etat islamique", 'contre l etat islamique'],
    ['qu’Israël', 'qu israel'],
    ['d\u00ad’Abadi', 'd abadi'],
    ['aujourd’hui', 'aujourdhui'], // (a longer word before it: dropped as any apostrophe)
    ["O'Brien", 'obrien'],
    ["l'", 'l'], // (nothing after it)
    ['Abadi’s\u0301 plan', 'abadi plan'],
    ['Abadi’sʼ', 'abadi'], // ʼ is a letter to Unicode, an apostrophe here
    ['Abadi’sx', 'abadisx'],
    // hyphens, dashes and runs of white space become one space
    ['al-Abadi', 'al abadi'],
    ['al\u2011Abadi', 'al abadi'],
    ['al\u2013Abadi', 'al abadi'],
    ['al\u2014Abadi', 'al abadi'],
    // a dash between spaces parts two phrases ("2011 – Withdrawal", "BAGHDAD (Reuters) - Iraq's"), as sites that type " - " for a dash mean it
    ['al - Abadi', 'al — abadi'],
    ['18 December 2011 – Withdrawal', '18 december 2011 — withdrawal'],
    ['Sudani -- who', 'sudani —— who'],
    ['al-\nAbadi', 'al abadi'], // (a hyphen at a line's end joins)
    [' - trailing - ', 'trailing '], // (a dash with nothing on one side parts nothing)
    ['al \u00a0 Abadi', 'al abadi'],
    ['al\u00a0Abadi', 'al abadi'],
    ['Haider\nal-Abadi', 'haider al abadi'],
    ['Haider\r\n\r\n\tal-Abadi', 'haider al abadi'],
    ['  leading', 'leading'],
    ['trailing  ', 'trailing '],
    // the soft hyphen and zero-width characters are dropped
    ['Ab\u00adadi', 'abadi'],
    ['Ab\u200badi', 'abadi'],
    // diacritics
    ['Ḥashd ash-Shaʿbī', 'hashd ash shabi'],
    ['Sayyid Ḥasan Naṣr Allāh', 'sayyid hasan nasr allah'],
    ['Amiri\u0301', 'amiri'], // a combining accent on its own
    // Arabic
    ['أحمد', 'احمد'],
    ['إيران', 'ايران'],
    ['آمل', 'امل'],
    ['ٱلله', 'الله'],
    ['مدينة', 'مدينه'],
    ['مصطفى', 'مصطفي'],
    ['مؤتمر', 'موتمر'],
    ['رئيس', 'رييس'],
    ['العـــبادي', 'العبادي'], // tatweel
    ['العَبَّادِيُّ', 'العبادي'], // harakat and shadda
    // Persian and Urdu letters (yeh, keheh, heh forms) and digits
    ['سلیمانی', 'سليماني'],
    ['کربلا', 'كربلا'],
    ['ۀ ہ ە ے', 'ه ه ه ي'],
    ['٣ يناير ٢٠٢٠', '3 يناير 2020'],
    ['۱۲ روز', '12 روز'],
  ])('%j → %j', (input, expected) => {
    expect(normalize(input).text).toBe(expected);
  });

  it('maps each output character to its origin', () => {
    const input = 'Ḥashd ash-Shaʿbī';
    const { text, map } = normalize(input);
    expect(text).toBe('hashd ash shabi');
    expect([...map]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16]);
  });

  it('maps a dropped possessive to nothing: the word ends where the name ends', () => {
    const { text, map } = normalize("Sudani's plan");
    expect(text).toBe('sudani plan');
    expect(map[5]).toBe(5); // the i
    expect(map[6]).toBe(8); // the space after "'s"
  });

  it('normalizeKey trims what normalize keeps', () => {
    expect(normalizeKey('  Haider   al-Abadi - ')).toBe('haider al abadi');
  });
});

describe('isWordUnit', () => {
  it.each([
    ['a', true],
    ['Z', true],
    ['7', true],
    ['ب', true],
    ['\u064e', true], // a haraka is a mark, part of its word
    ['\ud800', true], // a surrogate half: astral letters stay whole words
    [' ', false],
    ['-', false],
    ["'", false],
    ['.', false],
    ['\u00ad', false],
  ])('%j → %s', (ch, expected) => {
    expect(isWordUnit(ch.charCodeAt(0))).toBe(expected);
  });
});

describe('normalize: properties', () => {
  it('keeps a complete, ordered offset map for any string', () => {
    fc.assert(
      fc.property(tricky, (input) => {
        const { text, map } = normalize(input);
        expect(map.length).toBe(text.length + 1);
        expect(map[text.length]).toBe(input.length);
        for (let i = 0; i < text.length; i++) {
          expect(map[i]!).toBeLessThan(input.length);
          expect(map[i + 1]!).toBeGreaterThanOrEqual(map[i]!);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('maps every output character to an input character that produces it', () => {
    // The origin of a space is white space or a dash (it yields a space after a word); the origin of
    // anything else folds, on its own, to a string containing that character.
    fc.assert(
      fc.property(tricky, (input) => {
        const { text, map } = normalize(input);
        for (let i = 0; i < text.length; i++) {
          const origin = input[map[i]!]!;
          // (or the apostrophe after an elided word: "l’Irak")
          if (text[i] === ' ') expect(normalize(`a${origin}`).text === 'a ' || isElision(input, map[i]!)).toBe(true);
          // (a phrase dash comes from a dash between spaces: "2011 – Withdrawal")
          else if (text.charCodeAt(i) === PHRASE_DASH) expect(isPhraseDash(input, map[i]!)).toBe(true);
          else expect(normalize(origin).text).toContain(text[i]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent: normalising its own output changes nothing', () => {
    // The code does not trim (a trailing space stays, a leading one never appears), so the equality is exact.
    fc.assert(
      fc.property(tricky, (input) => {
        const once = normalize(input).text;
        expect(normalize(once).text).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent for every single BMP code unit between two letters', () => {
    const bad: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const once = normalize(`a${String.fromCharCode(c)}b`).text;
      if (normalize(once).text !== once) bad.push(`U+${c.toString(16).padStart(4, '0')}`);
    }
    expect(bad).toEqual([]);
  });

  it('never starts with a space, and never has two spaces in a row', () => {
    fc.assert(
      fc.property(tricky, (input) => {
        const { text } = normalize(input);
        expect(text.startsWith(' ')).toBe(false);
        expect(text.includes('  ')).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
