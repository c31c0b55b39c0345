import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ASSETS, readCorpusSources } from '../../../cli/sources';
import { buildPayload, type CorpusSources, splitPassages } from '../../../lib/corpus/build';
import { parsePayload } from '../../../lib/corpus/bundle-file';
import type { BundlePayload, Entity } from '../../../lib/corpus/schema';
import { expandPattern } from '../../../lib/match/pattern';
import { normalizeKey } from '../../../lib/text/normalize';
import { tokenize } from '../../../lib/text/tokenize';

const LONG = 'This paragraph is long enough to be a passage of the corpus and it ends with a period.';

describe('splitPassages', () => {
  it.each<[string, string, string[], string[]]>([
    ['paragraphs are split on blank lines', `${LONG}\n\n${LONG}`, [], [LONG, LONG]],
    ['lines of a paragraph are joined', 'One line of a paragraph\nthat goes on on the next line.', [], ['One line of a paragraph that goes on on the next line.']],
    ['the title is dropped', `The Title\n\n${LONG}`, [], [LONG]],
    ['a boilerplate block is dropped', `${LONG}\n\nSUPPORT TRUTHDIG\n\n${LONG}`, ['SUPPORT TRUTHDIG'], [LONG, LONG]],
    ['a boilerplate line inside a block is dropped', `Related Articles\n${LONG}`, ['Related Articles'], [LONG]],
    ['boilerplate is matched after trimming', `  SUPPORT TRUTHDIG  \n\n${LONG}`, ['SUPPORT TRUTHDIG '], [LONG]],
    ['a short heading is dropped', `Militias and Moscow\n\n${LONG}`, [], [LONG]],
    ['a byline is dropped', `By Juan Cole\n\n${LONG}`, [], [LONG]],
    ['a short sentence is kept', 'He said no.', [], ['He said no.']],
    ['a short quotation is kept', '“We will not.”', [], ['“We will not.”']],
    ['a long line without a full stop is kept', 'one two three four five six seven eight', [], ['one two three four five six seven eight']],
    ['Windows line ends are read', `${LONG}\r\n\r\n${LONG}`, [], [LONG, LONG]],
    ['blank lines of spaces separate paragraphs', `${LONG}\n   \n${LONG}`, [], [LONG, LONG]],
    ['runs of spaces are collapsed', 'Too    many   spaces   in   this sentence here.', [], ['Too many spaces in this sentence here.']],
    ['an empty text has no passages', '', [], []],
  ])('%s', (_, text, boilerplate, expected) => {
    expect(splitPassages(text, 'The Title', boilerplate)).toEqual(expected);
  });
});

const entities: Entity[] = [
  {
    id: 'haider-al-abadi',
    name: 'Haider al-Abadi',
    type: 'person',
    description: 'Prime Minister of Iraq.',
    aliases: [{ text: 'Haider al-Abadi' }, { text: 'al-Abadi' }, { text: 'Abadi', weak: true }],
  },
  { id: 'iraq', name: 'Iraq', type: 'country', description: 'A country.', aliases: [{ text: 'Iraq' }] },
  { id: 'islamic-state', name: 'Islamic State', type: 'armed-group', description: 'A group.', aliases: [{ text: 'ISIS', acronym: true }] },
];

const sources: CorpusSources = {
  corpus: { id: 'tiny', name: 'Tiny corpus' },
  catalog: { entities },
  documents: [
    {
      meta: { id: 'doc-one', sourceFile: 'one.txt', title: 'Abadi visits', boilerplate: ['Subscribe now'] },
      text: 'Abadi visits\n\nHaider al-Abadi flew to Iraq’s north on Monday, meeting ISIS survivors.\n\nSubscribe now\n\nLater Abadi said Iraq would win. Abadi left.',
    },
    {
      meta: { id: 'doc-two', sourceFile: 'two.txt', title: 'Another', published: '2015-10' },
      text: 'Abadi was not named here by any strong alias at all, said the writer.\n\nIraq and Iraq again.',
    },
  ],
};

/** Whether `slice` is, as the matcher reads it, one of the entity's aliases. */
function names(entity: Entity, slice: string): boolean {
  const key = normalizeKey(slice);
  return entity.aliases.some((a) => expandPattern(a.text).some((l) => normalizeKey(l) === key));
}

function checkMentions(payload: BundlePayload): void {
  const passages = new Map(payload.passages.map((p) => [p.id, p]));
  const byId = new Map(payload.entities.map((e) => [e.id, e]));
  for (const m of payload.mentions) {
    const slice = passages.get(m.passageId)!.text.slice(m.start, m.end);
    expect(names(byId.get(m.entityId)!, slice), `${JSON.stringify(slice)} for ${m.entityId}`).toBe(true);
  }
}

describe('buildPayload', () => {
  const payload = buildPayload(sources, 3, new Date('2026-01-02T03:04:05Z'));

  it('makes passages without title or boilerplate, numbered per document', () => {
    expect(payload.passages.map((p) => [p.id, p.documentId, p.index, p.text])).toEqual([
      ['doc-one#0', 'doc-one', 0, 'Haider al-Abadi flew to Iraq’s north on Monday, meeting ISIS survivors.'],
      ['doc-one#1', 'doc-one', 1, 'Later Abadi said Iraq would win. Abadi left.'],
      ['doc-two#0', 'doc-two', 0, 'Abadi was not named here by any strong alias at all, said the writer.'],
      ['doc-two#1', 'doc-two', 1, 'Iraq and Iraq again.'],
    ]);
  });

  it('records mentions whose offsets slice the passage to a name of the entity', () => {
    checkMentions(payload);
    expect(payload.mentions.map((m) => `${m.passageId} ${m.entityId}`)).toEqual([
      'doc-one#0 haider-al-abadi',
      'doc-one#0 iraq',
      'doc-one#0 islamic-state',
      'doc-one#1 haider-al-abadi', // a weak alias, confirmed by the article's strong one
      'doc-one#1 iraq',
      'doc-one#1 haider-al-abadi',
      // doc-two names Abadi only weakly: not a mention
      'doc-two#1 iraq',
      'doc-two#1 iraq',
    ]);
  });

  it('keeps corpus identity, version and creation time, and document metadata', () => {
    expect(payload.corpus).toEqual({ id: 'tiny', name: 'Tiny corpus', version: 3, created: '2026-01-02T03:04:05.000Z' });
    expect(payload.documents).toEqual([
      { id: 'doc-one', title: 'Abadi visits', sourceFile: 'one.txt' },
      { id: 'doc-two', title: 'Another', published: '2015-10', sourceFile: 'two.txt' },
    ]);
    expect(payload.entities).toBe(entities);
  });

  it('computes lengths, document frequencies and the average length from tokenize', () => {
    const lengths = payload.passages.map((p) => tokenize(p.text).length);
    expect(payload.passages.map((p) => p.length)).toEqual(lengths);
    expect(payload.stats.passages).toBe(payload.passages.length);
    expect(payload.stats.averageLength).toBeCloseTo(lengths.reduce((a, b) => a + b, 0) / lengths.length, 10);
    const df: Record<string, number> = {};
    for (const p of payload.passages) for (const t of new Set(tokenize(p.text))) df[t] = (df[t] ?? 0) + 1;
    expect(payload.stats.documentFrequency).toEqual(df);
    expect(df['iraq']).toBe(3);
  });

  it('passes its own schema', () => {
    expect(parsePayload(JSON.stringify(payload))).toEqual(payload);
  });

  it('handles a corpus without passages', () => {
    const empty = buildPayload({ ...sources, documents: [] }, 1, new Date(0));
    expect(empty.stats).toEqual({ passages: 0, averageLength: 0, documentFrequency: {} });
  });
});

describe('building the assets/ corpus', () => {
  let real: BundlePayload;
  beforeAll(async () => {
    real = buildPayload(await readCorpusSources(DEFAULT_ASSETS), 1, new Date());
  });

  it.each(['SUPPORT TRUTHDIG', 'Related Articles', 'top of page', 'This content is AI-generated', 'Trending on HotAir', 'Join the conversation'])(
    'has no passage containing %j',
    (boilerplate) => {
      expect(real.passages.filter((p) => p.text.toLowerCase().includes(boilerplate.toLowerCase())).map((p) => p.id)).toEqual([]);
    },
  );

  it('yields passages from every document and valid mentions', () => {
    expect(new Set(real.passages.map((p) => p.documentId)).size).toBe(real.documents.length);
    expect(real.documents).toHaveLength(5);
    expect(real.mentions.length).toBeGreaterThan(100);
    checkMentions(real);
    expect(() => parsePayload(JSON.stringify(real))).not.toThrow();
  });
});
