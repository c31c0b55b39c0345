import type { BundlePayload, Entity, Passage, PassageMention } from '../../../lib/corpus/schema';

const entity = (id: string, name: string): Entity => ({ id, name, type: 'person', description: `${name}, for tests.`, aliases: [{ text: name }] });

/**
 * A small corpus for store and reader tests. Entity "abadi" is mentioned 1× in old#0, 3× in old#1,
 * 2× in new#0, and 1× in new#1; "maliki" once in old#0 and once in new#0 (a tie broken by date).
 */
export function corpusFixture(version = 1, name = 'Fixture corpus'): BundlePayload {
  const passages: Passage[] = [
    { id: 'old#0', documentId: 'old', index: 0, text: 'Abadi and Maliki met.', length: 3 },
    { id: 'old#1', documentId: 'old', index: 1, text: 'Abadi, Abadi, Abadi.', length: 3 },
    { id: 'new#0', documentId: 'new', index: 0, text: 'Abadi and Abadi and Maliki.', length: 3 },
    { id: 'new#1', documentId: 'new', index: 1, text: 'Abadi spoke.', length: 2 },
  ];
  const at = (passageId: string, entityId: string, ...starts: number[]): PassageMention[] =>
    starts.map((start) => ({ entityId, passageId, start, end: start + entityId.length }));
  return {
    format: 1,
    corpus: { id: 'fixture', name, version, created: '2026-01-01T00:00:00.000Z' },
    documents: [
      { id: 'old', title: 'Old', published: '2015-10', sourceFile: 'old.txt' },
      { id: 'new', title: 'New', published: '2026-01', sourceFile: 'new.txt' },
    ],
    passages,
    entities: [entity('abadi', 'Abadi'), entity('maliki', 'Maliki'), entity('nobody', 'Nobody')],
    mentions: [
      ...at('old#0', 'abadi', 0),
      ...at('old#0', 'maliki', 10),
      ...at('old#1', 'abadi', 0, 7, 14),
      ...at('new#0', 'abadi', 0, 10),
      ...at('new#0', 'maliki', 20),
      ...at('new#1', 'abadi', 0),
    ],
    stats: { passages: 4, averageLength: 2.75, documentFrequency: { abadi: 4, maliki: 2 } },
  };
}
