import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../../lib/corpus/schema';
import { compileMatcher, type CompiledMatcher, type MatchableEntity } from '../../../lib/match/compile';
import { CONTEXT_WINDOW, findMentions } from '../../../lib/match/find';
import { expandPattern } from '../../../lib/match/pattern';
import { seedCatalog } from '../seed';

let catalog: Catalog;
let seed: CompiledMatcher;

beforeAll(async () => {
  catalog = await seedCatalog();
  seed = compileMatcher(catalog.entities);
});

/** The mentions of `text` under the seed catalog, as [covered text, entity id] pairs. */
function named(text: string): [string, string][] {
  return findMentions(seed, text).map((m) => [text.slice(m.start, m.end), catalog.entities[m.entity]!.id]);
}

/** A matcher over a hand-made catalog, and the same helper for it. */
function handMade(entities: (MatchableEntity & { id: string })[]): (text: string) => [string, string][] {
  const m = compileMatcher(entities);
  return (text) => findMentions(m, text).map((x) => [text.slice(x.start, x.end), entities[x.entity]!.id]);
}

describe('findMentions with the seed catalog', () => {
  it.each<[string, [string, string][]]>([
    // the longest alias wins, and is one mention
    ["Asa'ib Ahl al-Haq fighters", [["Asa'ib Ahl al-Haq", 'asaib-ahl-al-haq']]],
    ['the Popular Mobilization Forces said', [['Popular Mobilization Forces', 'popular-mobilization-forces']]],
    ['the Badr Organization', [['Badr Organization', 'badr-organization']]],
    ['Haider Jawad Kadhim al-Abadi', [['Haider Jawad Kadhim al-Abadi', 'haider-al-abadi']]],
    // word boundaries
    ['a crisis of trust', []],
    ['Badran spoke', []],
    ['Iraqis', []],
    ['al-Abadis', []],
    // variants of apostrophes, hyphens, spaces and case
    ['Asa’ib Ahl al-Haq', [['Asa’ib Ahl al-Haq', 'asaib-ahl-al-haq']]],
    ['Asaib Ahl al-Haq', [['Asaib Ahl al-Haq', 'asaib-ahl-al-haq']]],
    ['Asaʿib Ahl al‑Haq', [['Asaʿib Ahl al‑Haq', 'asaib-ahl-al-haq']]],
    ["ASA'IB AHL AL-HAQ", [["ASA'IB AHL AL-HAQ", 'asaib-ahl-al-haq']]],
    ['asa’ib ahl al-haq', []], // the alias's capital must be a capital in the text
    ['al\u2011Abadi said', [['al\u2011Abadi', 'haider-al-abadi']]],
    ['al Abadi said', [['al Abadi', 'haider-al-abadi']]],
    ['Al-Abadi said', [['Al-Abadi', 'haider-al-abadi']]],
    ['al-Abadi\u00a0said', [['al-Abadi', 'haider-al-abadi']]],
    ["al-Sudani's plan", [['al-Sudani', 'mohammed-shia-al-sudani']]],
    ['al-Sudani’s plan', [['al-Sudani', 'mohammed-shia-al-sudani']]],
    ['Haider\nal-Abadi', [['Haider\nal-Abadi', 'haider-al-abadi']]],
    ['Haider al-\nAbadi', [['Haider al-\nAbadi', 'haider-al-abadi']]],
    ['Haider  al-Ab\u00adadi', [['Haider  al-Ab\u00adadi', 'haider-al-abadi']]], // a soft hyphen inside the name
    ['Ḥashd al-Shaʿbi', [['Ḥashd al-Shaʿbi', 'popular-mobilization-forces']]],
    ['حيدر العبادي', [['حيدر العبادي', 'haider-al-abadi']]],
    ['the Muhammad Shiya al-Sudani government', [['Muhammad Shiya al-Sudani', 'mohammed-shia-al-sudani']]],
    // acronyms only in capitals
    ['aah', []],
    ['Aah, well', []],
    ['AAH', [['AAH', 'asaib-ahl-al-haq']]],
    ['isis', []],
    ['ISIS', [['ISIS', 'islamic-state']]],
    // an acronym with lower-case letters asks for its capitals only
    ['the DoD and the DOD', [['DoD', 'pentagon'], ['DOD', 'pentagon']]],
    ['the Dod and the dod', []],
    ['the PMUs and the PMUS', [['PMUs', 'popular-mobilization-forces'], ['PMUS', 'popular-mobilization-forces']]],
    ['the Pmus and the pmus', []],
    // weak aliases alone are not marked
    ['Austin, Texas', []],
    ['Elizabeth Warren said', []],
    ['Badr', []],
    ['Battle of Badr', []],
    // ...but are where a strong alias names the entity, or a context word stands near
    [
      'Lloyd Austin spoke. Later Austin said',
      [
        ['Lloyd Austin', 'lloyd-austin'],
        ['Austin', 'lloyd-austin'],
      ],
    ],
    [
      'Austin said at the Pentagon',
      [
        ['Austin', 'lloyd-austin'],
        ['Pentagon', 'pentagon'],
      ],
    ],
    [
      'Badr Organization and Badr',
      [
        ['Badr Organization', 'badr-organization'],
        ['Badr', 'badr-organization'],
      ],
    ],
    ['the Islamic State in Iraq and Syria lost Mosul', [['Islamic State in Iraq and Syria', 'islamic-state'], ['Mosul', 'mosul']]],
    // events: phrases, with the catalog's small grammar
    ['Iraqi forces retook Ramadi, then recaptured Mosul', [['Iraqi forces', 'iraqi-security-forces'], ['retook Ramadi', 'ramadi-counteroffensive-2015'], ['recaptured Mosul', 'battle-of-mosul-2016-2017']]],
    ["the US struck Iran's key nuclear sites", [['US', 'united-states'], ["struck Iran's key nuclear sites", 'us-strikes-iran-nuclear-sites-2025']]],
    ['strikes on three Iranian nuclear facilities', [['strikes on three Iranian nuclear facilities', 'us-strikes-iran-nuclear-sites-2025']]],
    ['the US followed with strikes on Fordo; the bombing of Fordow', [['US', 'united-states'], ['strikes on Fordo', 'us-strikes-iran-nuclear-sites-2025'], ['bombing of Fordow', 'us-strikes-iran-nuclear-sites-2025']]],
    // Israel's strikes on the nuclear sites are not the US strikes, but Israel and Iran in them are still named
    ['Israeli jets struck Iranian nuclear facilities; Israeli strikes on Iran’s nuclear sites', [['Iran', 'iran']]],
    ['Israel struck Iranian nuclear sites in June', [['Israel', 'israel']]],
    ['the battle to retake Mosul, the fight to take back Ramadi', [['battle to retake Mosul', 'battle-of-mosul-2016-2017'], ['fight to take back Ramadi', 'ramadi-counteroffensive-2015']]],
    ['the U.S. Department of Defense and U.S. Central Command', [['U.S. Department of Defense', 'pentagon'], ['U.S. Central Command', 'us-central-command']]],
    ['the killing of Iranian General Qasem Soleimani', [['killing of Iranian General Qasem Soleimani', 'soleimani-strike-2020']]],
    ['Iraq and its Iran-aligned militias, Tehran-backed armed factions', [['Iraq', 'iraq'], ['Iran-aligned militias', 'iran-backed-militias'], ['Tehran-backed armed factions', 'iran-backed-militias']]],
    // ISIS-K, the Afghan affiliate, is not the Islamic State of the corpus
    ['ISIS-K claimed it; so did Islamic State Khorasan Province', []],
    // Arabic surnames alone: weak, confirmed near a context word
    ['المالكي يلتقي السوداني في بغداد', [['المالكي', 'nouri-al-maliki'], ['السوداني', 'mohammed-shia-al-sudani'], ['بغداد', 'baghdad']]],
    ['المالكي', []],
    ['Prime Minister Haider al-Abbadi; Haidar Abbadi; the group captured Ramadi in May 2015', [['Haider al-Abbadi', 'haider-al-abadi'], ['Haidar Abbadi', 'haider-al-abadi'], ['captured Ramadi in May 2015', 'fall-of-ramadi-2015']]],
    // a single militia or faction: weak (Hezbollah and the Houthis are Iran-backed too), confirmed near Iraq
    ['In Iraq, an Iran-backed militia and pro-Iranian factions', [['Iraq', 'iraq'], ['Iran-backed militia', 'iran-backed-militias'], ['pro-Iranian factions', 'iran-backed-militias']]],
    // (not confirmed, it leaves its words to shorter names)
    ['In Lebanon, an Iran-backed militia', [['Iran', 'iran']]],
    ['since the US-led invasion, Saddam Hussein; the American invasion of 2003; when ISIS overran Mosul', [['US-led invasion', '2003-invasion-of-iraq'], ['Saddam Hussein', 'saddam-hussein'], ['American invasion of 2003', '2003-invasion-of-iraq'], ['ISIS', 'islamic-state'], ['overran Mosul', 'fall-of-mosul-2014']]],
    ['in Afghanistan, the US-led invasion', [['US', 'united-states']]],
    ['after the Soleimani assassination; the January 3, 2020, strike; the 3 January 2020 drone strike', [['Soleimani assassination', 'soleimani-strike-2020'], ['January 3, 2020, strike', 'soleimani-strike-2020'], ['3 January 2020 drone strike', 'soleimani-strike-2020']]],
    // names of organisations and titles "of America" are not the country
    ['US officials: the Motion Picture Association of America, Boy Scouts of America, Miss America', [['US', 'united-states']]],
    // a news agency, airlines, a newspaper and a broadcaster named after a country are not its actors
    ['France said, Agence France-Presse reported; the Air France crash; Keystone-France', [['France', 'france']]],
    ['Israel denied it, the Times of Israel said', [['Israel', 'israel']]],
    ['Iran International reported that Iran Air flights to Iran resumed', [['Iran', 'iran']]],
    ['At US Airways Express, US officials said', [['US', 'united-states']]],
    // a capital's name as a dateline's place is where the story was filed, not who acted (with context near: British, Egyptian)
    ['LONDON (Reuters) - A British healthcare worker', []],
    ['CAIRO — Gunmen opened fire, Egyptian police said', []],
    ['Nov. 20, 2019 5:52 AM EST\nWASHINGTON (AP) — American officials said', []],
    ['Updated 12:00\nMOSCOW, Dec. 5 — Russian officials', []],
    // at a line's start a place then "(" is a dateline in any case (CNN writes "London (CNN) —")
    ['London (CNN) — British officials said', []],
    ['Source: CNN\n Washington (CNN) — American officials', []],
    // (the same names elsewhere still name their country; a city of the catalog is named at a dateline too)
    ['British officials in LONDON, and London said', [['LONDON', 'united-kingdom'], ['London', 'united-kingdom']]],
    ['British officials said London (and Paris) agreed', [['London', 'united-kingdom']]],
    ['British officials\nLondon, the capital, and London — the city', [['London', 'united-kingdom'], ['London', 'united-kingdom']]],
    ['BAGHDAD (Reuters) - Iraqi officials', [['BAGHDAD', 'baghdad']]],
    // nor as a place: "Washington, D.C.", "a London-based firm", "north London"
    ['US officials in Washington, D.C., and a Washington-based analyst; Washington said', [['US', 'united-states'], ['Washington', 'united-states']]],
    ['British officials: a London-based firm in north London, and London said', [['London', 'united-kingdom']]],
    // a capital as the scene is a place, not its state acting: after "in", "at", "visited" (and "the"), ...
    ['British officials said London agreed. She was treated in London, at the London clinic, and visited London', [['London', 'united-kingdom']]],
    ['US troops; In Washington, officials met; a base near Washington; in WASHINGTON; Washington said', [['US', 'united-states'], ['Washington', 'united-states']]],
    ['Russian jets; talks at the Kremlin, 3,600 km east of Moscow; the Kremlin denied it', [['Kremlin', 'russia']]],
    // ... as a destination or an origin after a word of motion, and in Arabic after في or a joined ب
    ['US officials flew to Washington; a trip to Washington; he returned from Washington; a message to Washington', [['US', 'united-states'], ['Washington', 'united-states']]],
    ['قالت الولايات المتحدة إن المحادثات في واشنطن والسفارة بواشنطن، وواشنطن ترفض', [['الولايات المتحدة', 'united-states'], ['واشنطن', 'united-states']]],
    ['بريف دمشق قال السوري إن دمشق ترفض', [['دمشق', 'syria']]],
    // ... but the government seated there after a ruler, and the state again before a possessive
    ['Iranian officials in Tehran said; the regime in Damascus, Syrian forces; in Washington’s view, American', [['Tehran', 'iran'], ['Damascus', 'syria'], ['Washington', 'united-states']]],
    // (and a later "in" of the same sentence reads the same way: the seed's "for officials in Tehran as it is in Washington")
    ['a problem for Iranian officials in Tehran as it is in Washington. American troops met in Washington', [['Tehran', 'iran'], ['Washington', 'united-states']]],
    ['the US and its Sunni allies in Cairo and Riyadh; Egyptian and Saudi talks in Cairo', [['US', 'united-states'], ['Cairo', 'egypt'], ['Riyadh', 'saudi-arabia']]],
    // ... and a dateline's or a byline's place in any case: "Washington CNN —", "BBC News, Washington"
    ['Source: CNN\nWashington CNN — American officials\nWashington/ New Delhi: US\nJon Sopel, BBC News, Washington\nUS', [['US', 'united-states'], ['US', 'united-states']]],
    ['British firms\nCapital Economics – London\nLondon\nand London — the capital — said', [['London', 'united-kingdom']]],
    ['Updated\nMoscow, Dec. 5 (Reuters) - Russian officials said Moscow, Paris (and Rome) agreed', [['Moscow', 'russia']]],
    // (what the normaliser drops changes none of it: a soft hyphen in the agency or the date, a dash after one)
    ['Source: C\u00adNN\nWashington C\u00adN\u0301N — American officials\nMoscow, D\u00ade\u00adc\u00ad.\u00ad  5 (Reuters) - Russian', []],
    ['Russian policy\u00ad\u2013makers in Moscow; Russian policy-makers in Moscow', [['Moscow', 'russia'], ['Moscow', 'russia']]],
    // (a name that is a country's own, not a place standing for it, is the country there too)
    ['refugees crossed into Jordan; in Jordan, Syria said', [['Jordan', 'jordan'], ['Jordan', 'jordan'], ['Syria', 'syria']]],
    // the Guardian's and the BBC's spellings: "Isis", "Isil" (weak: also a goddess), titles in lower case
    ['Isis fighters left Mosul; Isil, the US called it', [['Isis', 'islamic-state'], ['Mosul', 'mosul'], ['Isil', 'islamic-state'], ['US', 'united-states']]],
    ['Isis, the Egyptian goddess, and Osiris', []],
    ['the chairman of the joint chiefs of staff', [['joint chiefs of staff', 'joint-chiefs-of-staff']]],
    // Arabic names of the corpus's actors, with adjectives that are not the name ("جهات سورية": Syrian parties)
    ['وفي الولايات المتحدة، قال البنتاغون إن فصائل مسلحة مرتبطة بإيران هاجمت القوات العراقية', [['الولايات المتحدة', 'united-states'], ['البنتاغون', 'pentagon'], ['فصائل مسلحة مرتبطة بإيران', 'iran-backed-militias'], ['القوات العراقية', 'iraqi-security-forces']]],
    ['بعد معركة تحرير الموصل وسقوط الرمادي، قالت جهات سورية معارضة', [['معركة تحرير الموصل', 'battle-of-mosul-2016-2017'], ['سقوط الرمادي', 'fall-of-ramadi-2015']]],
    // a conjunction (و ف) and a preposition (ب ل ك) written joined to the name
    ['قال السوداني لإيران وبالعراق وَالعراق فبغداد وبغداد كالعراق', [['السوداني', 'mohammed-shia-al-sudani'], ['إيران', 'iran'], ['العراق', 'iraq'], ['العراق', 'iraq'], ['بغداد', 'baghdad'], ['بغداد', 'baghdad'], ['العراق', 'iraq']]],
    // Persian letters (yeh, keheh) and digits in Arabic text fold to the catalog's Arabic spelling
    ['قال قائد فيلق القدس قاسم سلیمانی في ایران', [['فيلق القدس', 'quds-force'], ['قاسم سلیمانی', 'qassem-soleimani'], ['ایران', 'iran']]],
    ['اغتيال قاسم سلیمانی', [['اغتيال قاسم سلیمانی', 'soleimani-strike-2020']]],
    // ل before the article ال is written لل ("للعراق" is ل + العراق): the mention starts at the article's lam
    ['قال السوداني للعراق وللموصل', [['السوداني', 'mohammed-shia-al-sudani'], ['لعراق', 'iraq'], ['لموصل', 'mosul']]],
    // (not after ب or ك, which keep the alef: "بالعراق")
    ['بلعراق كلعراق', []],
    // not two conjunctions, not a preposition before a conjunction, not before Latin letters
    ['ووالعراق بوالعراق وIraq', []],
    ['صوّت البرلمان الإيراني، وفي بغداد انعقد البرلمان', [['بغداد', 'baghdad'], ['البرلمان', 'iraqi-parliament']]],
    // a weak alias in a line of capitals is not trusted, even with context near
    ['ISIS WAR IN IRAQ: AUSTIN SPEAKS', [['ISIS WAR', 'war-against-isis'], ['IRAQ', 'iraq']]],
  ])('%j', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  // A weak alias right after a given name names someone else (the default list, given-names.json),
  // unless the name is one of the entity's own; case, punctuation and line breaks still count.
  it.each<[string, [string, string][]]>([
    ['Joe Biden met Beau Biden.', [['Joe Biden', 'joe-biden']]],
    ['Joe Biden met Ashley  Biden.', [['Joe Biden', 'joe-biden']]],
    ['Joe Biden met Ashley\u00ad Biden.', [['Joe Biden', 'joe-biden']]],
    ['Joe Biden met Ashley\nBiden.', [['Joe Biden', 'joe-biden']]],
    ['Donald Trump and Mary Trump', [['Donald Trump', 'donald-trump']]],
    ['Nancy Youssef wrote that Bassem Youssef joked', [['Nancy Youssef', 'nancy-youssef']]],
    ['Hisham al-Hashimi and Omar al-Hashimi', [['Hisham al-Hashimi', 'hisham-al-hashimi']]],
    ['Iraq: Ali Abadi, not the prime minister', [['Iraq', 'iraq']]],
    // the entity's own given names ("Haider" is in "Haider al-Abadi") make one weak alias with its own
    ['Iraq: Haider Abadi spoke', [['Iraq', 'iraq'], ['Haider Abadi', 'haider-al-abadi']]],
    ['Iraq: Mohammed Sudani spoke', [['Iraq', 'iraq'], ['Mohammed Sudani', 'mohammed-shia-al-sudani']]],
    ['Haider Abadi spoke', []],
    // not right after a name: punctuation between, a name in lower case, a title
    ['Donald Trump thanked Eric, Trump said', [['Donald Trump', 'donald-trump'], ['Trump', 'donald-trump']]],
    ['Donald Trump: the move drew Trump praise', [['Donald Trump', 'donald-trump'], ['Trump', 'donald-trump']]],
    ['Donald Trump. President Trump said', [['Donald Trump', 'donald-trump'], ['Trump', 'donald-trump']]],
    // common words that are also names are not on the list
    ['Donald Trump. Will Trump sign it?', [['Donald Trump', 'donald-trump'], ['Trump', 'donald-trump']]],
    // initials between the given name and the surname
    ['Iraq and Syria: Michael B. Jordan and Jordan', [['Iraq', 'iraq'], ['Syria', 'syria'], ['Jordan', 'jordan']]],
    ['Joe Biden with Hunter S. Biden and Ashley J. R. Biden', [['Joe Biden', 'joe-biden']]],
    ['Joe Biden with Hunter S.Biden', [['Joe Biden', 'joe-biden'], ['Biden', 'joe-biden']]],
    ['Joe Biden with Hunter s. Biden', [['Joe Biden', 'joe-biden'], ['Biden', 'joe-biden']]],
  ])('given name: %j', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  // A capitalised word right after a weak alias is read as a surname (or a title's next word: "Times"),
  // unless it names something itself, is a day, a month or a word that is no surname, is joined on
  // by a dash to anything but another capitalised part, or every word around is capitalised (a title says nothing).
  it.each<[string, [string, string][]]>([
    ['At the Pentagon, Austin Tice was not mentioned; Austin Tice’s family', [['Pentagon', 'pentagon']]],
    ['Syria and Iraq: Jordan Bardella, the French politician', [['Syria', 'syria'], ['Iraq', 'iraq']]],
    ['In Iran, the Tehran Times said Tehran would act', [['Iran', 'iran'], ['Tehran', 'iran']]],
    ['The Washington Post said the US and Washington disagree', [['US', 'united-states'], ['Washington', 'united-states']]],
    ['Iraq: Sudani Monday said, and Sudani Government officials', [['Iraq', 'iraq'], ['Sudani', 'mohammed-shia-al-sudani'], ['Sudani', 'mohammed-shia-al-sudani']]],
    ['Donald Trump. Trump Iran policy', [['Donald Trump', 'donald-trump'], ['Trump', 'donald-trump'], ['Iran', 'iran']]],
    ['Joe Biden: the Biden Covid-19 rules', [['Joe Biden', 'joe-biden'], ['Biden', 'joe-biden']]],
    ['Joe Biden: the Biden Anti-terror plan', [['Joe Biden', 'joe-biden'], ['Biden', 'joe-biden']]],
    ['Iraq and the Pentagon: the Austin American-Statesman said; Austin Jean-Pierre', [['Iraq', 'iraq'], ['Pentagon', 'pentagon']]],
    // (a soft hyphen inside the part after the dash changes nothing)
    ['Iraq and the Pentagon: the Austin American-S\u00adtatesman said', [['Iraq', 'iraq'], ['Pentagon', 'pentagon']]],
    ['At the Pentagon, Austin Smith-jones and Austin Iraq-Syria policy', [['Pentagon', 'pentagon'], ['Austin', 'lloyd-austin'], ['Austin', 'lloyd-austin'], ['Iraq', 'iraq'], ['Syria', 'syria']]],
    ['US officials, Washington The year began', [['US', 'united-states'], ['Washington', 'united-states']]],
    ['Donald Trump. Trump White House', [['Donald Trump', 'donald-trump'], ['Trump', 'donald-trump']]],
    ['Donald Trump. Trump-Putin talks; Trump Jr. spoke', [['Donald Trump', 'donald-trump'], ['Trump', 'donald-trump']]],
    ['Donald Trump. Trump tice', [['Donald Trump', 'donald-trump'], ['Trump', 'donald-trump']]],
    // in a title, a pair the text also writes in running text is that name ("Austin Tice"), others are left to the weak rule
    ['Austin Tice Released From Syria. Austin Tice was freed, the Pentagon said', [['Syria', 'syria'], ['Pentagon', 'pentagon']]],
    ['Austin Tice’s Family Speaks. The family of Austin Tice’s, at the Pentagon', [['Pentagon', 'pentagon']]],
    ['Austin Visits Baghdad. Lloyd Austin met Iraqi officials', [['Austin', 'lloyd-austin'], ['Baghdad', 'baghdad'], ['Lloyd Austin', 'lloyd-austin']]],
  ])('surname after a weak alias: %j', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  // After another entity's possessive a weak alias names that entity's own, unless the owner is one
  // of its context words.
  it.each<[string, [string, string][]]>([
    ['In Iraq, Iran’s parliament and Egypt\'s security forces; the UK\'s Parliament', [['Iraq', 'iraq'], ['Iran', 'iran'], ['Egypt', 'egypt'], ['UK', 'united-kingdom']]],
    ['In Iraq, Baghdad’s parliament and Iraq\'s security forces', [['Iraq', 'iraq'], ['Baghdad', 'baghdad'], ['parliament', 'iraqi-parliament'], ['Iraq', 'iraq'], ['security forces', 'iraqi-security-forces']]],
    ['In Iraq, Iran parliament; Iran’ parliament; Iran’s-parliament', [['Iraq', 'iraq'], ['Iran', 'iran'], ['parliament', 'iraqi-parliament'], ['Iran', 'iran'], ['Iran', 'iran'], ['parliament', 'iraqi-parliament']]],
    ['Donald Trump said Iraq’s Maliki and Iran’s Maliki met; Trump’s Maliki', [['Donald Trump', 'donald-trump'], ['Iraq', 'iraq'], ['Maliki', 'nouri-al-maliki'], ['Iran', 'iran'], ['Trump', 'donald-trump']]],
    ['In Iraq, Ira\u0301n\u00ad’\u200bs parliament', [['Iraq', 'iraq'], ['Ira\u0301n', 'iran']]],
  ])('a weak alias after a possessive: %j', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  it('finds a weak alias only within CONTEXT_WINDOW of a context word', () => {
    const near = `Austin said ${'x '.repeat(CONTEXT_WINDOW / 2 - 20)}at the Pentagon`;
    const far = `Austin said ${'x '.repeat(CONTEXT_WINDOW)}at the Pentagon`;
    expect(named(near).map(([, id]) => id)).toContain('lloyd-austin');
    expect(named(far).map(([, id]) => id)).not.toContain('lloyd-austin');
  });

  it('finds nothing in an empty text or in white space', () => {
    expect(findMentions(seed, '')).toEqual([]);
    expect(findMentions(seed, ' \n\t\u00a0')).toEqual([]);
  });
});

describe('findMentions with hand-made catalogs', () => {
  const find = handMade([
    { id: 'pmf', aliases: [{ text: 'Popular Mobilization Forces' }, { text: 'Popular Mobilization' }, { text: 'PMF', acronym: true }] },
    { id: 'badr', aliases: [{ text: 'Badr Organization' }, { text: 'Badr', weak: true }], context: ['militia'], blockers: ['Battle of Badr'] },
    { id: 'forces', aliases: [{ text: 'Forces' }] },
    { id: 'us', aliases: [{ text: 'US', acronym: true }], blockers: ['ABOUT US'] },
  ]);

  it.each<[string, [string, string][]]>([
    ['Popular Mobilization Forces', [['Popular Mobilization Forces', 'pmf']]],
    ['Popular Mobilization rally', [['Popular Mobilization', 'pmf']]],
    ['Popular Mobilization, Forces', [['Popular Mobilization', 'pmf'], ['Forces', 'forces']]],
    ['the PMF and the pmf', [['PMF', 'pmf']]],
    ['the Badr militia', [['Badr', 'badr']]],
    ['the Battle of Badr', []],
    ['the Battle of Badr, and the Badr Organization', [['Badr Organization', 'badr']]],
    ['Badr', []],
    // a blocker in capitals blocks only in capitals
    ['ABOUT US', []],
    ['They talked about US troops.', [['US', 'us']]],
    ['About US troops', [['US', 'us']]],
  ])('%j', (text, expected) => {
    expect(find(text)).toEqual(expected);
  });

  it('walks from a word that only starts names of two words or more when the next word makes a pair with it', () => {
    // "Popular" and "Battle" start no name on their own; "Forces" does; "Tikrit" is a name and the second word of one
    const f = handMade([
      { id: 'pmf', aliases: [{ text: 'Popular Mobilization Forces' }, { text: 'Popular Mobilization' }] },
      { id: 'battle', aliases: [{ text: 'Battle of Tikrit' }, { text: 'Battle for Tikrit' }] },
      { id: 'tikrit', aliases: [{ text: 'Tikrit' }, { text: 'Forces' }] },
    ]);
    expect(f('Popular Popular Mobilization; Battle Battle of Tikrit')).toEqual([['Popular Mobilization', 'pmf'], ['Battle of Tikrit', 'battle']]);
    expect(f('Popular Forces, Battle Tikrit, Battle  of Tikrit, Battle\nfor Tikrit')).toEqual([
      ['Forces', 'tikrit'],
      ['Tikrit', 'tikrit'],
      ['Battle  of Tikrit', 'battle'],
      ['Battle\nfor Tikrit', 'battle'],
    ]);
    // (at the end of the text, and with the second word cut short or run on)
    expect(f('the Popular Mobilization')).toEqual([['Popular Mobilization', 'pmf']]);
    expect(f('Popular Mobil; Popular Mobilizations; Popular')).toEqual([]);
    // (a second word with a character that folds to two code units: U+FA6C is U+242EE)
    expect(handMade([{ id: 'x', aliases: [{ text: 'Big \u{242ee}' }] }])('the Big \ufa6c')).toEqual([['Big \ufa6c', 'x']]);
  });

  it('prefers a strong reading of a span to a weak one of another entity', () => {
    const f = handMade([
      { id: 'weak-first', aliases: [{ text: 'Warren', weak: true }], context: ['Senate'] },
      { id: 'strong', aliases: [{ text: 'Warren' }] },
    ]);
    expect(f('Warren spoke in the Senate')).toEqual([['Warren', 'strong']]);
  });

  it('a blocker hides its own entity there, not the names of others within it', () => {
    const f = handMade([
      { id: 'badr', aliases: [{ text: 'Badr Organization' }, { text: 'Badr', weak: true }], context: ['militia'], blockers: ['Battle of Badr'] },
      { id: 'strikes', aliases: [{ text: 'US strikes on Fordow' }], blockers: ['Israeli strikes on (Fordow|Natanz)'] },
      { id: 'fordow', aliases: [{ text: 'Fordow' }] },
      { id: 'israel', aliases: [{ text: 'Israel' }, { text: 'Israeli', weak: true }], context: ['jets'] },
    ]);
    expect(f('US strikes on Fordow')).toEqual([['US strikes on Fordow', 'strikes']]);
    expect(f('Israeli strikes on Fordow')).toEqual([['Fordow', 'fordow']]);
    // a weak alias inside a blocker is confirmed as anywhere else
    expect(f('Israeli jets, Israeli strikes on Fordow')).toEqual([['Israeli', 'israel'], ['Israeli', 'israel'], ['Fordow', 'fordow']]);
    expect(f('the Badr militia and the Battle of Badr')).toEqual([['Badr', 'badr']]);
  });

  it('reads the line around a weak alias as the normaliser does: soft hyphens and doubled spaces do not make it a line of capitals', () => {
    const f = handMade([{ id: 'abadi', aliases: [{ text: 'Haider al-Abadi' }, { text: 'Abadi', weak: true }], context: ['Iraq'] }]);
    // lower case 21 characters before the weak alias: not a headline, so case still tells
    const plain = 'Iraq votes: WHO LEADS IT NOW? ABADI';
    // the same line with a soft hyphen after each capital and its spaces doubled: 43 code units away
    const padded = plain.replace(/(?<=[A-Z])(?=.*ABADI)/g, '\u00ad').replace(/ (?=.*ABADI)/g, '  ');
    expect(padded.indexOf('ABADI') - padded.indexOf('s:')).toBeGreaterThan(30);
    expect(f(plain)).toEqual([['ABADI', 'abadi']]);
    expect(f(padded)).toEqual([['ABADI', 'abadi']]);
    // with no lower-case letter within 30 characters, soft hyphens or not, it is a headline: not trusted
    expect(f('Iraq votes.\nWHO LEADS IT NOW? ABADI')).toEqual([]);
    expect(f('Iraq votes.\nW\u00adH\u00adO  LEADS IT NOW? ABADI')).toEqual([]);
  });
});

describe('findMentions where a few names share a start (kept as one bucket of the trie)', () => {
  // Fewer than 9 keys go on from "Ali ": their rests are one bucket, in code order, some starting others.
  const find = handMade([
    { id: 'ali-hassan', aliases: [{ text: 'Ali Hassan' }, { text: 'Ali Hassan al-Sudani' }] },
    { id: 'ali-hassan-jr', aliases: [{ text: 'Ali Hassan al-Sudani Jr' }] },
    { id: 'ali-hadi', aliases: [{ text: 'Ali Hadi' }, { text: 'Ali Hadi Amiri', weak: true }], context: ['Badr'] },
    { id: 'ali-h', aliases: [{ text: 'Ali H.' }] },
    { id: 'ali-hadi-also', aliases: [{ text: 'Ali Hadi Amiri' }] },
  ]);

  it.each<[string, [string, string][]]>([
    ['Ali Hassan al-Sudani Jr spoke', [['Ali Hassan al-Sudani Jr', 'ali-hassan-jr']]],
    ['Ali Hassan al-Sudani spoke', [['Ali Hassan al-Sudani', 'ali-hassan']]],
    ['Ali Hassan al-Sudanis', [['Ali Hassan', 'ali-hassan']]],
    ['Ali Hassan al spoke', [['Ali Hassan', 'ali-hassan']]],
    ['Ali Hass spoke', []],
    ['Ali Hadi Amiri spoke', [['Ali Hadi Amiri', 'ali-hadi-also']]],
    ['Ali Hadi Amir spoke', [['Ali Hadi', 'ali-hadi']]],
    ['Ali H. spoke', [['Ali H.', 'ali-h']]],
    ['Ali Haa', []],
    ['ALI HASSAN AL-SUDANI JR', [['ALI HASSAN AL-SUDANI JR', 'ali-hassan-jr']]],
    ['Ali  Hassan\nal‑Sudani’s', [['Ali  Hassan\nal‑Sudani', 'ali-hassan']]],
  ])('%j', (text, expected) => {
    expect(find(text)).toEqual(expected);
  });
});

describe('findMentions: offsets slice back to the inserted alias', () => {
  /** Filler words that no seed alias or context word starts, continues or ends. */
  const FILLER = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'tempor', 'incididunt'];
  const APOSTROPHES = ["'", '’', 'ʼ', 'ʿ', '`'];
  const HYPHENS = ['-', '\u2011', '\u2013', ' ', '\n'];

  /** Every strong, non-acronym alias literal of the seed catalog, with its entity's id. */
  const strongLiterals = (): { literal: string; id: string }[] =>
    catalog.entities.flatMap((e) =>
      e.aliases.filter((a) => !a.weak && !a.acronym).flatMap((a) => expandPattern(a.text).map((literal) => ({ literal, id: e.id }))),
    );

  /** A variant of `literal` with other apostrophes and hyphens (an apostrophe before an s is kept: "'s" means something). */
  const variant = (literal: string, choices: number[], upper: boolean): string => {
    let k = 0;
    const pick = <T>(list: readonly T[]): T => list[(choices[k++ % choices.length] ?? 0) % list.length]!;
    let out = '';
    for (let i = 0; i < literal.length; i++) {
      const ch = literal[i]!;
      if (APOSTROPHES.includes(ch)) {
        const s = /[sS]/.test(literal[i + 1] ?? '');
        const options = s ? APOSTROPHES : [...APOSTROPHES, ''];
        out += pick(options);
      } else if (ch === '-') out += pick(HYPHENS);
      else out += ch;
    }
    return upper ? out.toUpperCase() : out;
  };

  it('the filler alone names nothing', () => {
    expect(named(FILLER.join(' '))).toEqual([]);
  });

  it('finds exactly the inserted alias, whatever its variant', () => {
    const literals = strongLiterals();
    expect(literals.length).toBeGreaterThan(300);
    fc.assert(
      fc.property(
        fc.nat(literals.length - 1),
        fc.array(fc.nat(20), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.constantFrom(...FILLER, ',', '.', '\n'), { maxLength: 6 }),
        fc.array(fc.constantFrom(...FILLER, ',', '.', '\n'), { maxLength: 6 }),
        (index, choices, upper, before, after) => {
          const { literal, id } = literals[index]!;
          const inserted = variant(literal, choices, upper);
          const head = before.length ? `${before.join(' ')} ` : '';
          const text = `${head}${inserted}${after.length ? ` ${after.join(' ')}` : ''}`;
          const mentions = findMentions(seed, text);
          const hit = mentions.find((m) => m.start === head.length);
          expect(hit, `${JSON.stringify(inserted)} in ${JSON.stringify(text)}`).toBeDefined();
          expect(text.slice(hit!.start, hit!.end)).toBe(inserted);
          expect(catalog.entities[hit!.entity]!.id).toBe(id);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('every mention of any text is a span of it, in order and without overlap', () => {
    const words = ['Iraq', 'Iraqi', 'al-Abadi', 'Austin', 'Pentagon', 'ISIS', 'isis', 'Badr', "Asa'ib", 'Ahl', 'al-Haq', 'Popular', 'Mobilization', 'Forces'];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 3 })), { maxLength: 30 }), (parts) => {
        const text = parts.join(' ');
        let last = 0;
        for (const m of findMentions(seed, text)) {
          expect(m.start).toBeGreaterThanOrEqual(last);
          expect(m.end).toBeGreaterThan(m.start);
          expect(m.end).toBeLessThanOrEqual(text.length);
          last = m.end;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('compileMatcher', () => {
  it('is plain data: a structured clone (as sent in a message or stored) finds the same mentions', () => {
    const text = 'Lloyd Austin met al-Abadi in Baghdad; Austin said the PMF and Asa’ib Ahl al-Haq would stay.';
    const clone = structuredClone(seed);
    expect(findMentions(clone, text)).toEqual(findMentions(seed, text));
    expect(findMentions(clone, text)).toHaveLength(6);
  });

  it('counts its entities and skips aliases that normalise to nothing', () => {
    const m = compileMatcher([{ aliases: [{ text: '’' }, { text: 'Iraq' }] }, { aliases: [{ text: '--' }] }], []);
    expect(m.entityCount).toBe(2);
    expect(m.patterns.length).toBe(2); // one pattern: Iraq
    expect(m.patterns[0]).toBe(0); // of entity 0
  });

  it('refuses a catalog with a broken alias pattern', () => {
    expect(() => compileMatcher([{ aliases: [{ text: 'Badr [Organization' }] }])).toThrow(/unclosed/);
  });

  it('refuses a name with a dash between spaces, which the matcher never walks across', () => {
    expect(() => compileMatcher([{ aliases: [{ text: 'Combined Joint Task Force – Operation Inherent Resolve' }] }])).toThrow(
      /"Combined Joint Task Force – Operation Inherent Resolve" holds a dash between spaces/,
    );
    expect(compileMatcher([{ aliases: [{ text: 'Task Force-Operation' }, { text: 'Iran–Israel war' }] }]).entityCount).toBe(1);
  });
});
