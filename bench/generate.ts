import type { MatchableEntity } from '../lib/match/compile';

/**
 * Generated benchmark inputs: entity catalogs that look like the real one (people, armed groups,
 * parties, events; Latin and Arabic script) and news-like text with a mention every ~200 characters.
 * Seeded, so every run and every contender sees the same data.
 */

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same sequence. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = (
  'Haider Mohammed Nouri Qassem Ali Hassan Hussein Omar Khaled Ahmed Mahmoud Mustafa Abbas Jafar Kadhim Adel Hamid Saleh Karim Faleh Hadi ' +
  'Ibrahim Yusuf Tariq Ammar Muqtada Hamza Bilal Rashid Salim Walid Ziad Nabil Samir Faisal Fuad Jamal Kamal Latif Majid Nasser Qais Raad ' +
  'Sabah Talal Wael Yasser Lloyd Steve Joseph Marco Nancy Juan Joel Barack Donald James Robert John Michael William David Richard Thomas ' +
  'Charles Daniel Matthew Anthony Mark Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Jason Edward Jeffrey Ryan Jacob Gary ' +
  'Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry ' +
  'Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Betty Margaret Sandra Ashley Kimberly Emily Donna ' +
  'Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma'
).split(' ');
const LAST = (
  'Abadi Sudani Maliki Soleimani Muhandis Amiri Khazali Hashimi Obeidi Jubouri Dulaimi Tamimi Rubaie Zubaidi Husseini Kadhimi Halbousi ' +
  'Barzani Talabani Allawi Jaafari Hakim Sadr Mutlaq Nujaifi Issawi Hashemi Samarrai Karbalai Basri Mosuli Tikriti Anbari Fallujawi ' +
  'Austin Warren Dunford Rubio Youssef Cole Wing Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez ' +
  'Lopez Gonzalez Wilson Anderson Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson ' +
  'Walker Young Allen King Wright Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans ' +
  'Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey'
).split(' ');
const GROUP_HEAD = 'Brigades Battalions Army Front Movement Organization League Forces Council Party Coalition Alliance Union Guard Corps Network'.split(' ');
const GROUP_TAIL = (
  'Liberation Resistance Martyrs Righteous Reform Unity Justice Victory Salvation Reconstruction Development Dignity Renewal Faith ' +
  'Hope Loyalty Freedom Solidarity Progress Independence Homeland Peace Security Defense Future'
).split(' ');
const PLACES = (
  'Baghdad Mosul Tikrit Ramadi Fallujah Basra Kirkuk Najaf Karbala Samarra Erbil Sulaymaniyah Hit Haditha Baiji Sinjar Tal Afar ' +
  'Amerli Jurf Diyala Anbar Nineveh Raqqa Deir Aleppo Homs Hama Idlib Damascus Daraa Palmyra Kobani Hasakah Qamishli Manbij Tabqa ' +
  'Tehran Isfahan Natanz Fordow Qom Shiraz Tabriz Ahvaz Beirut Sidon Tyre Gaza Rafah Sanaa Aden Hodeidah Amman Riyadh Doha Dubai Cairo'
).split(' ');
const EVENT_FORM = [
  'battle of {p}',
  'fall of {p}',
  '{p} offensive',
  'offensive to retake {p}',
  'siege of {p}',
  'liberation of {p}',
  '{p} massacre',
  '{y} strike on {p}',
  '{m} {y} attack on {p}',
  'capture of {p}',
  '{p} counteroffensive',
  'bombing of {p}',
];
const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const AR_FIRST = 'حيدر محمد نوري قاسم علي حسن حسين عمر خالد أحمد محمود مصطفى عباس جعفر كاظم عادل حامد صالح كريم هادي إبراهيم يوسف طارق عمار'.split(' ');
const AR_LAST = 'العبادي السوداني المالكي سليماني المهندس العامري الخزعلي الهاشمي العبيدي الجبوري الدليمي التميمي الربيعي الزبيدي الحسيني'.split(' ');
const AR_GROUP = 'كتائب سرايا جيش جبهة حركة منظمة عصائب فيلق لواء حزب'.split(' ');
const AR_TAIL = 'الحق النصر الشهداء العدل الإصلاح التحرير المقاومة الوعد السلام البناء الكرامة'.split(' ');

/** One generated alias and the script it is in. */
export interface GeneratedCatalog {
  entities: MatchableEntity[];
  /** Every alias text, in entity order. */
  aliases: string[];
  /** Total UTF-16 length of the aliases. */
  aliasChars: number;
}

/**
 * A catalog of `count` distinct aliases (three or four per entity), a mix of person names, armed
 * groups and events, in Latin script or (about one in five, with `arabic`) in Arabic script.
 */
export function generateCatalog(count: number, options: { seed?: number; arabic?: boolean } = {}): GeneratedCatalog {
  const r = rng(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const seen = new Set<string>();
  const entities: MatchableEntity[] = [];
  const aliases: string[] = [];
  let serial = 0;
  const unique = (s: string): string | undefined => {
    const key = s.toLowerCase();
    if (seen.has(key)) return undefined;
    seen.add(key);
    return s;
  };
  while (aliases.length < count) {
    const kind = r();
    const arabic = options.arabic && r() < 0.2;
    const list: string[] = [];
    if (arabic) {
      if (kind < 0.6) {
        const f = pick(AR_FIRST);
        const l = pick(AR_LAST);
        const m = pick(AR_FIRST);
        list.push(`${f} ${m} ${l}`, `${f} ${l}`);
      } else {
        const g = `${pick(AR_GROUP)} ${pick(AR_TAIL)}`;
        list.push(`${g} ${pick(AR_TAIL)}`, g);
      }
    } else if (kind < 0.5) {
      const f = pick(FIRST);
      const l = pick(LAST);
      const m = pick(FIRST);
      const al = r() < 0.4 ? 'al-' : '';
      list.push(`${f} ${m} ${al}${l}`, `${f} ${al}${l}`, `${f.slice(0, 1)}. ${m} ${al}${l}`);
    } else if (kind < 0.8) {
      const head = pick(GROUP_HEAD);
      const tail = pick(GROUP_TAIL);
      const tail2 = pick(GROUP_TAIL);
      list.push(`${head} of ${tail} and ${tail2}`, `${tail} ${head}`, `${head} of ${tail}`);
    } else {
      const p = pick(PLACES);
      const y = String(2003 + Math.floor(r() * 23));
      const form = pick(EVENT_FORM);
      const text = form.replace('{p}', p).replace('{y}', y).replace('{m}', pick(MONTHS));
      const alt = pick(EVENT_FORM).replace('{p}', p).replace('{y}', y).replace('{m}', pick(MONTHS));
      list.push(`the ${text}`, text, alt);
    }
    // A serial keeps names distinct once the combinations run out, as real catalogs' full names are.
    const out: { text: string }[] = [];
    for (const a of list) {
      const u = unique(a) ?? unique(`${a} ${romanOrNumber(serial++)}`);
      if (u && aliases.length < count) {
        out.push({ text: u });
        aliases.push(u);
      }
    }
    if (out.length) entities.push({ aliases: out });
  }
  return { entities, aliases, aliasChars: aliases.reduce((s, a) => s + a.length, 0) };
}

function romanOrNumber(n: number): string {
  return String(n + 2);
}

const FILLER = (
  'the of and to in a that for on with as was said by it from at his is an were which be this have has had not but ' +
  'are they their its after over more been who would also government officials forces minister security city province ' +
  'military attack week year people told statement spokesman local president killed fighters troops police members ' +
  'political group leaders country since region border control international report according state war meeting ' +
  'during against between under where while however support operation including several could about them into'
).split(' ');

/**
 * News-like text of about `bytes` UTF-16 units: sentences of common words with one alias of the
 * catalog every ~200 characters, written exactly as the catalog spells it.
 */
export function generateText(catalog: GeneratedCatalog, bytes: number, seed = 2): string {
  const r = rng(seed);
  const parts: string[] = [];
  let len = 0;
  let sinceMention = 0;
  let sentence = 0;
  while (len < bytes) {
    let w: string;
    if (sinceMention >= 190) {
      w = catalog.aliases[Math.floor(r() * catalog.aliases.length)]!;
      sinceMention = 0;
    } else {
      w = FILLER[Math.floor(r() * FILLER.length)]!;
      if (sentence === 0) w = w[0]!.toUpperCase() + w.slice(1);
    }
    sentence++;
    let sep = ' ';
    if (sentence > 12 && r() < 0.15) {
      sep = r() < 0.1 ? '.\n\n' : '. ';
      sentence = 0;
    } else if (r() < 0.05) sep = ', ';
    parts.push(w, sep);
    len += w.length + sep.length;
    sinceMention += w.length + sep.length;
  }
  return parts.join('').slice(0, bytes);
}
