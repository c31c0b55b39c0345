import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_ASSETS, readCatalog, readCorpusSources } from '../../cli/sources';
import { buildPayload } from '../../lib/corpus/build';
import type { BundlePayload, Catalog } from '../../lib/corpus/schema';

/** The seed catalog, assets/entities.json, validated as the CLI reads it. */
export function seedCatalog(): Promise<Catalog> {
  return readCatalog(join(DEFAULT_ASSETS, 'entities.json'));
}

/** The text of a seed document in assets/documents/, exactly as stored. */
export function seedDocument(file: string): Promise<string> {
  return readFile(join(DEFAULT_ASSETS, 'documents', file), 'utf8');
}

/** The default corpus built from assets/ (as `cli build` builds it, with a fixed date), for ranking tests. */
export async function seedBundle(): Promise<BundlePayload> {
  return buildPayload(await readCorpusSources(DEFAULT_ASSETS), 1, new Date(0));
}
