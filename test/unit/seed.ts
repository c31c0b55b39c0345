import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_ASSETS, readCatalog } from '../../cli/sources';
import type { Catalog } from '../../lib/corpus/schema';

/** The seed catalog, assets/entities.json, validated as the CLI reads it. */
export function seedCatalog(): Promise<Catalog> {
  return readCatalog(join(DEFAULT_ASSETS, 'entities.json'));
}

/** The text of a seed document in assets/documents/, exactly as stored. */
export function seedDocument(file: string): Promise<string> {
  return readFile(join(DEFAULT_ASSETS, 'documents', file), 'utf8');
}
