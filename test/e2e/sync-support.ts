import { main } from '../../cli/index';
import type { BundlePayload } from '../../lib/corpus/schema';

/** The person only version 2 of the test corpus knows, and the passage that names them. */
export const NEW_NAME = 'Ottoline Vasquez-Marr';
export const NEW_TEXT = `${NEW_NAME}, the new envoy, met the Popular Mobilization Forces in Baghdad on Tuesday to discuss the ceasefire.`;

/** `base` at `version`, with one more document whose one passage names a new person. */
export function withNewEnvoy(base: BundlePayload, version: number): BundlePayload {
  const p = structuredClone(base);
  p.corpus = { ...p.corpus, version, created: new Date().toISOString() };
  p.documents.push({ id: 'sync-envoy', title: 'A new envoy', publisher: 'Sync Test Wire', published: '2026-03-01', sourceFile: 'sync-envoy.txt' });
  p.passages.push({ id: 'sync-envoy#0', documentId: 'sync-envoy', index: 0, text: NEW_TEXT, length: 12 });
  p.entities.push({ id: 'ottoline-vasquez-marr', name: NEW_NAME, type: 'person', description: 'An envoy who exists only in the sync test.', aliases: [{ text: NEW_NAME }] });
  p.mentions.push({ entityId: 'ottoline-vasquez-marr', passageId: 'sync-envoy#0', start: 0, end: NEW_NAME.length });
  p.stats = { ...p.stats, passages: p.passages.length, documentFrequency: { ...p.stats.documentFrequency, ottoline: 1, envoy: 1 } };
  return p;
}

/** Runs the CLI in-process, as `npm run cli --` would; throws on a non-zero exit. */
export async function cli(...argv: string[]): Promise<void> {
  const code = await main(argv);
  if (code !== 0) throw new Error(`cli ${argv.join(' ')} exited with ${code}`);
}
