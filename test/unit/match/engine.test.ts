import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../../lib/corpus/schema';
import { compileMatcher, type CompiledMatcher, type MatchableEntity } from '../../../lib/match/compile';
import { findMentions } from '../../../lib/match/find';
import { loadMatcher, serializeMatcher, storedSize } from '../../../lib/match/store';
import { normalizeKey } from '../../../lib/text/normalize';
import { seedCatalog } from '../seed';
import { naiveMentions } from './oracle';

let catalog: Catalog;
let seed: CompiledMatcher;

beforeAll(async () => {
  catalog = await seedCatalog();
  seed = compileMatcher(catalog.entities);
});

/** A small catalog that exercises every kind of pattern, with overlapping prefixes. */
const HAND: MatchableEntity[] = [
  // (a blocker holding another entity's name: Tikrit is still named there)
  { aliases: [{ text: 'Popular Mobilization Forces' }, { text: 'Popular Mobilization' }, { text: 'PMF', acronym: true }, { text: 'PMUs', acronym: true }], blockers: ['Battle of Tikrit'] },
  { aliases: [{ text: 'Badr Organization' }, { text: 'Badr', weak: true }], context: ['militia', 'US'], against: ['Prophet', 'sons'], blockers: ['Battle of Badr'] },
  { aliases: [{ text: "Asa'ib Ahl al-Haq" }, { text: 'Ahl al-Haq' }, { text: 'AAH', acronym: true }] },
  { aliases: [{ text: 'Haider al-Abadi' }, { text: 'al-Abadi' }, { text: 'Abadi', weak: true }, { text: 'حيدر العبادي' }], context: ['Iraq'] },
  { aliases: [{ text: 'U.S.', acronym: true }, { text: 'United States' }] },
  { aliases: [{ text: 'Ḥashd al-Shaʿbī' }, { text: 'Straße' }] },
  { aliases: [{ text: '[the] offensive to (retake|recapture) Tikrit' }, { text: 'Tikrit' }] },
  { aliases: [{ text: 'العراق' }] },
  // (places standing for their states: weak, and strong)
  { aliases: [{ text: 'Kabul', weak: true, place: true }, { text: 'كابل', weak: true, place: true }, { text: 'Afghanistan' }], context: ['Afghan'] },
  { aliases: [{ text: 'Bagram Airbase', place: true }] },
];
/** Given names for the property tests (the default list is 500 names: too slow for the naive matcher). */
const GIVEN = ['Eric', 'Hunter', 'Haider', 'Ali', 'Badr'];
/** For the seed catalog: names of nobody, and names that are words of its aliases (Haider al-Abadi, Mohammed al-Sudani). */
const SEED_GIVEN = ['Hunter', 'Eric', 'Tariq', 'Haider', 'Mohammed'];
const WORDS = [
  'PMUs', 'PMUS', 'pmus', 'PmUs', 'Eric', 'eric', 'Hunter', 'Ali', 'Tariq', 'Mohammed', 'Biden', 'Trump', 'Sudani', 'al-Hashimi', 'Eric Abadi', 'Hunter Badr', 'Haider Abadi', 'Ali Badr',
  'ERIC ABADI', 'eric Abadi', 'Tariq al-Hashimi', 'Hunter Biden', 'Mohammed Sudani',
  'Popular', 'Mobilization', 'Forces', 'PMF', 'pmf', 'Badr', 'Organization', 'Battle', 'of', 'Battle of Tikrit', 'militia', 'US', 'us', "Asa'ib", 'Asa’ib',
  'Asaʿib', 'Asaib', 'Ahl', 'al-Haq', 'al‑Haq', 'AAH', 'Aah', 'Haider', 'al-Abadi', 'Abadi', 'Abadi’s', "Abadi's", 'Iraq', 'حيدر', 'العبادي',
  'الْعَبَّادِي', 'U.S.', 'U.S.A', 'United', 'States', 'Ḥashd', 'Hashd', 'al-Shaabi', 'al-Shaʿbī', 'Straße', 'STRASSE', 'strasse', 'the',
  'offensive', 'to', 'retake', 'recapture', 'Tikrit', 'TIKRIT', 'WHAT', 'IS', 'NEXT',
  // surnames after a weak alias, initials after a given name, words that are no surname
  'Tice', 'Times', 'B.', 'J.', 'B', 'Monday', 'The', 'Covid', 'Ḥusayn', 'Tice’s', 'Statesman', 'jones', 'Released', 'Abadi Tice',
  // titles that confirm a weak alias ("Mr. Abadi"), not after "Vice"; a weak alias in capitals, confirmed by a strong one
  'Mr.', 'Mr', 'President', 'president', 'Vice', 'Gen.', 'BADR', 'HAIDER AL-ABADI',
  // words against an entity, close to its weak alias
  'Prophet', 'sons', 'PROPHET',
  // a photo caption's name and position, not a dateline
  '(center)', '(left)', '(Reuters)', 'ABADI (left)',
  // datelines
  'ABADI', '(Reuters)', '(AP)', 'ABADI (AP)', 'ABADI —', 'Abadi (AP)', '(CNN)',
  // a weak alias after another entity's possessive
  "Iran's", 'Baghdad’s', 'Maliki', 'parliament', 's', 'S',
  // places as the scene, as a destination, as part of a dateline or a byline, and as their states
  'Kabul', 'KABUL', 'Afghan', 'Bagram Airbase', 'in', 'In', 'at', 'officials', 'allies', 'policy-makers', 'Dec. 5', 'flew', 'to', 'east', 'of', 'CNN', 'Kabul’s', '/', 'في', 'كابل', 'بكابل', 'وبكابل', '|',
  // Arabic letters joined to the front of a word
  'وحيدر', 'بالعبادي', 'وَالعبادي', 'فبالعبادي', 'فو', 'و', 'ب', 'وب', 'ك', 'ؤ', 'ؤب', 'للعبادي', 'وللعبادي', 'بلعبادي', 'لل', 'لـلعبادي', 'للعراق', 'وللعراق', 'لعراق', 'فللعراق',
];
const GLUE = [' ', ' ', ' ', '  ', '\n', '\u00a0', '-', '\u2011', ', ', '. ', "'", '’', '\u00ad', '', 'ـ', '\u0301', ' — '];

/** The hand catalog's words, variants and look-alikes, each with any glue after it. */
const parts = fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...GLUE)), { maxLength: 16 });
/** Texts made of them. */
const texts = parts.map((list) => list.map(([w, g]) => w + g).join(''));

describe('the compiled matcher finds exactly what the naive matcher finds', () => {
  it('on the hand-made catalog', () => {
    const m = compileMatcher(HAND, GIVEN);
    fc.assert(
      fc.property(texts, (text) => {
        expect(findMentions(m, text)).toEqual(naiveMentions(HAND, text, undefined, GIVEN));
      }),
      { numRuns: 2000 },
    );
  });

  it('on the hand-made catalog, with entities the rest of the page names', () => {
    const m = compileMatcher(HAND, GIVEN);
    const named = fc.uniqueArray(fc.nat({ max: HAND.length - 1 }), { maxLength: HAND.length }).map((ids) => new Set(ids));
    fc.assert(
      fc.property(texts, named, (text, ids) => {
        expect(findMentions(m, text, ids)).toEqual(naiveMentions(HAND, text, ids, GIVEN));
      }),
      { numRuns: 1000 },
    );
  });

  it('on weak aliases with names inside them, confirmed or not', () => {
    // an unconfirmed weak alias leaves its words to the shorter names in it, themselves weak or strong
    const nested: MatchableEntity[] = [
      { aliases: [{ text: 'U.S.', acronym: true }, { text: 'Tikrit' }] },
      { aliases: [{ text: 'U.S.-led offensive on Tikrit', weak: true }, { text: 'Tikrit offensive' }], context: ['Iraq'] },
      { aliases: [{ text: 'Haider al-Abadi' }, { text: 'Abadi', weak: true }], context: ['visit'] },
      { aliases: [{ text: 'Abadi Tikrit visit', weak: true }, { text: 'Tikrit visit', weak: true }], context: ['offensive'] },
    ];
    const given = ['Haider', 'Hunter'];
    const words = ['U.S.', 'U.S.-led', 'led', 'offensive', 'on', 'Tikrit', 'Iraq', 'Abadi', 'visit', 'Haider', 'al-Abadi', 'Hunter', 'Iran’s'];
    const nestedTexts = fc
      .array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(' ', ' ', '-', ', ', '\n')), { maxLength: 12 })
      .map((list) => list.map(([w, g]) => w + g).join(''));
    const m = compileMatcher(nested, given);
    fc.assert(
      fc.property(nestedTexts, (text) => {
        expect(findMentions(m, text)).toEqual(naiveMentions(nested, text, undefined, given));
      }),
      { numRuns: 2000 },
    );
  });

  it('on the seed catalog, with arbitrary code units mixed in', () => {
    const any = fc.oneof(
      texts,
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 3, unit: 'binary' })), { maxLength: 12 }).map((w) => w.join(' ')),
    );
    const seedGiven = compileMatcher(catalog.entities, SEED_GIVEN);
    fc.assert(
      fc.property(any, (text) => {
        expect(findMentions(seedGiven, text)).toEqual(naiveMentions(catalog.entities, text, undefined, SEED_GIVEN));
      }),
      { numRuns: 200 },
    );
  }, 60_000); // the naive matcher tries each of ~1,000 patterns at each word start
});

describe('matching is invariant under the normalisations it claims', () => {
  /**
   * Rewrites `text` with look-alikes the normaliser folds: other apostrophes, dashes, spaces, invisible
   * marks; a dash in a name may become a space ("al Abadi"), one between words (`glue`) may not: the
   * name-pair rules read it ("Trump-Putin talks" pairs no given name or surname with Trump).
   */
  const variant = (text: string, choice: number[], glue = false): string => {
    let k = 0;
    const pick = <T>(list: readonly T[]): T => list[(choice[k++ % choice.length] ?? 0) % list.length]!;
    return [...text]
      .map((ch) => {
        if ("'’ʼʿ`".includes(ch)) return pick(["'", '’', 'ʼ', 'ʿ', '`']);
        if (ch === '-') return pick(['-', '\u2011', '\u2010', '\u2013', '\u2014', ...(glue ? [] : [' '])]);
        // (not a line break: the all-capitals rule looks at the line a name is on)
        if (ch === ' ') return pick([' ', '  ', '\u00a0', '\u2009', ' \t ']);
        // Arabic yeh as Persian writes it
        if (ch === 'ي') return pick(['ي', 'ی']);
        if (/\p{L}/u.test(ch)) return ch + pick(['', '', '', '\u00ad', '\u200b', '\u0301']);
        return ch;
      })
      .join('');
  };

  it('finds the same entities, each span normalising to the same words', () => {
    const m = compileMatcher(HAND);
    fc.assert(
      fc.property(parts, fc.array(fc.nat(50), { minLength: 1, maxLength: 10 }), (list, choice) => {
        const text = list.map(([w, g]) => w + g).join('');
        const other = list.map(([w, g]) => variant(w, choice) + variant(g, choice, true)).join('');
        const a = findMentions(m, text);
        const b = findMentions(m, other);
        expect(b.map((x) => x.entity)).toEqual(a.map((x) => x.entity));
        a.forEach((x, k) => expect(normalizeKey(other.slice(b[k]!.start, b[k]!.end))).toBe(normalizeKey(text.slice(x.start, x.end))));
      }),
      { numRuns: 1000 },
    );
  });

  it('every mention starts and ends on a character the name is made of', () => {
    const m = compileMatcher(HAND);
    fc.assert(
      fc.property(texts, (text) => {
        for (const x of findMentions(m, text)) {
          expect(/[\p{L}\p{N}.]/u.test(text[x.start]!)).toBe(true);
          // (or a combining mark on its last letter)
          expect(/[\p{L}\p{N}.\p{Mn}]/u.test(text[x.end - 1]!)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('serializeMatcher and loadMatcher', () => {
  const text = 'Lloyd Austin met al-Abadi in Baghdad; Austin said the PMF and Asa’ib Ahl al-Haq would stay. حيدر العبادي';

  it('round-trips: the loaded matcher finds what the compiled one finds', () => {
    const bytes = serializeMatcher(seed);
    expect(bytes.byteLength).toBe(storedSize(seed));
    const loaded = loadMatcher(bytes);
    expect(findMentions(loaded, text)).toEqual(findMentions(seed, text));
    expect(findMentions(loaded, text).length).toBeGreaterThanOrEqual(7);
  });

  it('sizes the first-word set by distinct first words, not by aliases', () => {
    // 5,000 aliases that share 10 first words: a set of 2^12 bits (the least), 512 bytes.
    const many: MatchableEntity[] = Array.from({ length: 5000 }, (_, i) => ({ aliases: [{ text: `Brigade${i % 10} of the Number ${i}` }] }));
    const m = compileMatcher(many, []);
    expect(m.firstWords.byteLength).toBe(512);
    expect(findMentions(m, 'the Brigade7 of the Number 4327 said').map((x) => x.entity)).toEqual([4327]);
  });

  it('loads from bytes that are not 4-byte aligned (a slice of a larger buffer)', () => {
    const bytes = serializeMatcher(seed);
    const padded = new Uint8Array(bytes.byteLength + 3);
    padded.set(bytes, 3);
    expect(findMentions(loadMatcher(padded.subarray(3)), text)).toEqual(findMentions(seed, text));
  });

  it.each<[string, (b: Uint8Array) => Uint8Array, RegExp]>([
    ['empty bytes', () => new Uint8Array(0), /too short/],
    ['another file', (b) => Object.assign(b.slice(), { 0: 0x7b }), /"BSM1" mark is missing/],
    ['a later format', (b) => Object.assign(b.slice(), { 4: 9 }), /format 9/],
    ['cut short', (b) => b.slice(0, b.byteLength - 40), /cut short/],
    // (the pair set's length, the last header word, made 3: no bit set has that size)
    ['a damaged pair set', (b) => Object.assign(b.slice(), { 40: 3, 41: 0, 42: 0, 43: 0 }), /pair set has an impossible size/],
  ])('refuses %s with one clear sentence', (_, damage, message) => {
    expect(() => loadMatcher(damage(serializeMatcher(seed)))).toThrow(message);
  });
});

describe('rules, with the seed catalog', () => {
  const named = (text: string): [string, string][] =>
    findMentions(seed, text).map((m) => [text.slice(m.start, m.end), catalog.entities[m.entity]!.id]);

  it.each<[string, [string, string][]]>([
    // a capitalised phrase is not matched in a line of capitals unless it is an acronym
    ['WHAT IS NEXT', []],
    ['WHAT IS NEXT FOR ISIS', [['ISIS', 'islamic-state']]],
    ['THE PMF AND BADR', [['PMF', 'popular-mobilization-forces']]],
    // a mixed-case word next to a headline is not in capitals itself
    ['Badr militia WHAT IS NEXT', [['Badr', 'badr-organization']]],
    // Arabic script, with its usual variants
    ['قال حيدر العبادي', [['حيدر العبادي', 'haider-al-abadi']]],
    ['قال حيدر العَبادي', [['حيدر العَبادي', 'haider-al-abadi']]],
    ['قال حيدر العبـــادي', [['حيدر العبـــادي', 'haider-al-abadi']]],
    ['إيران', [['إيران', 'iran']]],
    ['ايران', [['ايران', 'iran']]],
    // context words in capitals are acronyms: "us" is not the United States
    ['Austin told us', []],
    // blockers: phrases that contain a weak alias but name someone or something else
    ['Elizabeth Warren said the Pentagon was wrong.', [['Pentagon', 'pentagon']]],
    ['He flew to Austin, Texas, to meet Lloyd Austin.', [['Lloyd Austin', 'lloyd-austin']]],
    ['the Battle of Badr and the Badr militia', [['Badr', 'badr-organization']]],
    ['Al-Quds is Jerusalem; the Quds Force commander', [['Quds Force', 'quds-force']]],
    ['the Maliki school of law in Iraq', [['Iraq', 'iraq']]],
    ['the Washington Post reported that Washington and the Pentagon', [['Washington', 'united-states'], ['Pentagon', 'pentagon']]],
    // found on the saved real pages: places, shows and firms named after America or Washington
    ['US officials said drug routes from Latin America and South America feed North America.', [['US', 'united-states']]],
    ['Captain America, Good Morning America and the Bank of America; American voters and America First', [['America', 'united-states']]],
    ['The US told USA Today and the Voice of America that America would act.', [['US', 'united-states'], ['America', 'united-states']]],
    ['disponible en 11 países de América Latina, dijo el gobierno de EE.UU. y el Pentagon', [['Pentagon', 'pentagon']]],
    ['The State of Washington, Olympia, Washington, and the Washington Supreme Court, said a US judge in eastern Washington.', [['US', 'united-states']]],
    ['ABOUT US | CONTACT US | US POLITICS', [['US', 'united-states']]],
    ['CONNECT WITH US | TELL US WHAT YOU THINK | IRAQ IN TALKS WITH US OVER TROOPS', [['IRAQ', 'iraq'], ['US', 'united-states']]],
    ['She talked about US troops and asked readers to contact us.', [['US', 'united-states']]],
    // emphasis in capitals is not the Islamic State (a saved Daily Mail page), where IS still is
    ['ISIS fighters: critics are silenced and there IS more space. So what IS essential?', [['ISIS', 'islamic-state']]],
    ['Turkey vows to follow up IS strikes on ISIS; here IS not welcome', [['IS', 'islamic-state'], ['ISIS', 'islamic-state']]],
    ['Donald Trump Jr. said', []],
    ['the European Parliament and the Iraqi parliament', [['Iraqi parliament', 'iraqi-parliament']]],
    // events are phrases
    ['the January 2020 strike that killed Soleimani', [['January 2020 strike that killed Soleimani', 'soleimani-strike-2020']]],
    ['the offensive to retake Tikrit', [['offensive to retake Tikrit', 'tikrit-offensive-2015']]],
    ['the 12-day war with Iran', [['12-day war with Iran', 'twelve-day-war']]],
    ['after the fall of Ramadi', [['fall of Ramadi', 'fall-of-ramadi-2015']]],
    ['the Tikrit offensive', [['Tikrit offensive', 'tikrit-offensive-2015']]],
    // a title before a weak alias confirms it (NYT style), but not "Vice President": the Iraqi vice president al-Hashimi is another man
    ['The next day Mr. Trump announced a cease-fire.', [['Trump', 'donald-trump']]],
    ['a strike ordered by President Trump', [['Trump', 'donald-trump']]],
    ['Gen. Dunford flew in.', [['Dunford', 'joseph-dunford']]],
    ['Vice President Hashimi fled.', []],
    ['Trump said so.', []],
    // in a headline in capitals a weak alias counts only where a strong alias names its entity
    ['TRUMP’S ARMADA\n\nDonald Trump sent warships to the Gulf.', [['TRUMP', 'donald-trump'], ['Donald Trump', 'donald-trump']]],
    ['SUDANI SAYS NO\n\nThe prime minister spoke in Baghdad.', [['Baghdad', 'baghdad']]],
    // names as the red-team articles wrote them (2026-12-06): every one was missed or split before
    ['claimed by the Islamic Resistance in Iraq', [['Islamic Resistance in Iraq', 'iran-backed-militias']]],
    ['the U.S.-led coalition against the Islamic State', [['U.S.-led coalition against the Islamic State', 'anti-isis-coalition']]],
    ['after the 2011 US withdrawal', [['2011 US withdrawal', 'us-withdrawal-from-iraq-2011']]],
    ['US-led airstrikes on Tikrit began', [['US-led airstrikes on Tikrit', 'us-airstrikes-tikrit-2015']]],
    ['the campaign to retake Ramadi', [['campaign to retake Ramadi', 'ramadi-counteroffensive-2015']]],
    ['Abadi ordered the Popular Mobilization into Anbar', [['Popular Mobilization', 'popular-mobilization-forces'], ['Anbar', 'anbar']]],
    ['the PMF (al-Ḥashd ash-Shaʿbī)', [['PMF', 'popular-mobilization-forces'], ['al-Ḥashd ash-Shaʿbī', 'popular-mobilization-forces']]],
    ['the US strikes on Iranian nuclear sites', [['US strikes on Iranian nuclear sites', 'us-strikes-iran-nuclear-sites-2025']]],
    ['an operation the Pentagon called Midnight Hammer', [['Pentagon', 'pentagon'], ['Midnight Hammer', 'us-strikes-iran-nuclear-sites-2025']]],
    ['SCORES | US EDITION | UK EDITION', []],
    ['Hisham al-Hashimi was shot. Hashemi, 47, had advised the government.', [['Hisham al-Hashimi', 'hisham-al-hashimi'], ['Hashemi', 'hisham-al-hashimi']]],
    ['مقاتلون يتجمعون قرب قاعدة الحبانية', [['قاعدة الحبانية', 'habbaniyah']]],
    ['من حرب الـ١٢ يوماً', [['حرب الـ١٢ يوماً', 'twelve-day-war']]],
    ['وقال المتحدث باسم الخارجية الإيرانية إسماعيل بقائي', [['الخارجية الإيرانية', 'iranian-foreign-ministry'], ['إسماعيل بقائي', 'esmail-baghaei']]],
    ['وفي واشنطن، قال المتحدث باسم البنتاغون الكولونيل ستيف وارن', [['البنتاغون', 'pentagon'], ['ستيف وارن', 'steve-warren']]],
    ['لم يعد مقبولا اللعب في الهامش الرمادي', []],
    // an address names the city: a place, a comma, its own state or district
    ['4. Amman, Jordan\nAmman, Jordan’s hilly capital, and Cairo, Egypt, near the Kingdom of Saudi Arabia', [['Jordan', 'jordan'], ['Jordan', 'jordan'], ['Egypt', 'egypt'], ['Kingdom of Saudi Arabia', 'saudi-arabia']]],
    ['Washington, D.C., is quiet; the United States says Washington will act', [['United States', 'united-states'], ['Washington', 'united-states']]],
    ['Washington, Moscow and Tehran traded threats while the US and Russia and Iran met', [['Washington', 'united-states'], ['Moscow', 'russia'], ['Tehran', 'iran'], ['US', 'united-states'], ['Russia', 'russia'], ['Iran', 'iran']]],
    // German, French and Spanish names; a French elided article is a word of its own
    ['Im Irak wächst die Sorge; die USA und Russland streiten', [['Irak', 'iraq'], ['USA', 'united-states'], ['Russland', 'russia']]],
    ['les frappes contre l’Etat islamique en Syrie, selon Téhéran. L’Iran a une délégation en Téhéran', [['Etat islamique', 'islamic-state'], ['Syrie', 'syria'], ['Téhéran', 'iran'], ['Iran', 'iran']]],
    // ("à" folds to "a", the English article, so it is no scene word: "A Washington icon")
    ['A Washington icon, the US says', [['Washington', 'united-states'], ['US', 'united-states']]],
    ['la guerra de los 12 días entre Israel e Irán', [['guerra de los 12 días', 'twelve-day-war'], ['Israel', 'israel'], ['Irán', 'iran']]],
    // an Arabic given name before a weak alias names someone else; على ("on") is no name
    ['قال النائب أحمد العبيدي إن وزير الدفاع العراقي خالد العبيدي', [['خالد العبيدي', 'khaled-al-obeidi']]],
    ['ضغوط على الحشد الشعبي وعلى الحشد', [['الحشد الشعبي', 'popular-mobilization-forces'], ['الحشد', 'popular-mobilization-forces']]],
    // a broadcaster's name, and an address with its country's part
    ['By: FRANCE 24 with AFP. 2. London, England. The UK said', [['UK', 'united-kingdom']]],
    // a dash between spaces parts two phrases: no name runs across it (a timeline's "2011 – Withdrawal")
    ['18 December 2011 – Withdrawal of U.S. troops from Iraq is completed.', [['Withdrawal of U.S. troops from Iraq', 'us-withdrawal-from-iraq-2011']]],
    ['the Combined Joint Task Force – Operation Inherent Resolve and Combined Joint Task Force-Operation Inherent Resolve', [['Operation Inherent Resolve', 'anti-isis-coalition'], ['Combined Joint Task Force-Operation Inherent Resolve', 'anti-isis-coalition']]],
    // from the held-out sets: a senator "in Austin" is in the city; a visit's destination is the scene; the Pentagon's new name
    ['Sen. Ted Cruz, speaking in Austin, met Defense Secretary Lloyd Austin', [['Lloyd Austin', 'lloyd-austin']]],
    ['Britain’s foreign secretary said during a visit to Riyadh that Saudi Arabia agreed', [['Britain', 'united-kingdom'], ['Saudi Arabia', 'saudi-arabia']]],
    ['The Pentagon, which now calls itself the Department of War', [['Pentagon', 'pentagon'], ['Department of War', 'pentagon']]],
    // words against an entity, a few words from its weak alias, refuse it whatever the page names
    ['ISIS fighters fled. The goddess Isis was worshipped along the Nile for three thousand years. In Syria, Isis destroyed shrines', [['ISIS', 'islamic-state'], ['Syria', 'syria'], ['Isis', 'islamic-state']]],
    ['Col. Steve Warren briefed. Later Senator Elizabeth Warren spoke, and Warren said Massachusetts', [['Steve Warren', 'steve-warren']]],
    ['بعد أن درس الفقه الحنفي والمالكي في شبابه، عاد نوري المالكي', [['نوري المالكي', 'nouri-al-maliki']]],
    // a photo caption's name before its position is no dateline's place
    ['Mohammed Shia al-Sudani met them.\nالسوداني (وسط) خلال اجتماع في بغداد', [['Mohammed Shia al-Sudani', 'mohammed-shia-al-sudani'], ['السوداني', 'mohammed-shia-al-sudani'], ['بغداد', 'baghdad']]],
    ['Haider al-Abadi spoke.\nAbadi (left) and the US envoy\nLONDON (Reuters) - Abadi (AP) said', [['Haider al-Abadi', 'haider-al-abadi'], ['Abadi', 'haider-al-abadi'], ['US', 'united-states'], ['Abadi', 'haider-al-abadi']]],
    // a blog's title, and a staff sergeant whose given name is on the list
    ['Joel Wing writes Musings on Iraq. Staff Sgt. Dana Austin came home from the Pentagon', [['Joel Wing', 'joel-wing'], ['Pentagon', 'pentagon']]],
    // a combining mark on the last letter is the mention's
    ['«العِراقُ لن يكون ساحةً»', [['العِراقُ', 'iraq']]],
  ])('%j', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  it('counts a weak alias where the rest of the page names its entity, within the other rules', () => {
    const ids = new Set([catalog.entities.findIndex((e) => e.id === 'haider-al-abadi'), catalog.entities.findIndex((e) => e.id === 'badr-organization')]);
    const found = (text: string, page?: ReadonlySet<number>) => findMentions(seed, text, page).map((m) => [text.slice(m.start, m.end), m.weak ?? false]);
    expect(found('Later, Abadi said the Sudani plan would fail.')).toEqual([]);
    expect(found('Later, Abadi said the Sudani plan would fail.', ids)).toEqual([['Abadi', true]]);
    // In a line of capitals only a strong alias confirms it: the page's, or the text's own; not against case, not through a blocker.
    expect(found('ABADI SAYS NO', ids)).toEqual([['ABADI', true]]);
    expect(found('ABADI SAYS NO\nIraq votes.')).toEqual([['Iraq', false]]);
    expect(found('later, abadi said', ids)).toEqual([]);
    expect(found('the Battle of Badr', ids)).toEqual([]);
    // A strong alias is no weak mention.
    expect(found('Haider al-Abadi and Abadi')).toEqual([
      ['Haider al-Abadi', false],
      ['Abadi', true],
    ]);
  });
});
