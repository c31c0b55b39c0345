import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorpusSources } from '../lib/corpus/build';
import { type Catalog, catalogSchema, documentSourcesSchema } from '../lib/corpus/schema';
import { htmlToText } from './html';

/** The repository's default corpus directory. */
export const DEFAULT_ASSETS = new URL('../assets/', import.meta.url).pathname;

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`Cannot read ${path}.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')}).`);
  }
}

function describeIssue(path: string, issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const i = issues[0]!;
  const where = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return `${path} is invalid at ${where || 'its top level'}: ${i.message}.`;
}

/** Reads and validates an entity catalog (entities.json). */
export async function readCatalog(path: string): Promise<Catalog> {
  const r = catalogSchema.safeParse(await readJson(path));
  if (!r.success) throw new Error(describeIssue(path, r.error.issues));
  return r.data;
}

/**
 * Reads a corpus directory laid out like assets/: documents.json (corpus and document metadata),
 * entities.json (the catalog) and documents/ (each document's .txt, .md or .html source).
 */
export async function readCorpusSources(dir: string): Promise<CorpusSources> {
  const path = join(dir, 'documents.json');
  const r = documentSourcesSchema.safeParse(await readJson(path));
  if (!r.success) throw new Error(describeIssue(path, r.error.issues));
  const catalog = await readCatalog(join(dir, 'entities.json'));
  const documents = await Promise.all(
    r.data.documents.map(async (meta) => {
      const file = join(dir, 'documents', meta.sourceFile);
      let raw: string;
      try {
        raw = await readFile(file, 'utf8');
      } catch {
        throw new Error(`Cannot read ${file}, named by ${meta.id} in ${path}.`);
      }
      return { meta, text: /\.html?$/i.test(file) ? htmlToText(raw).text : raw };
    }),
  );
  return { corpus: r.data.corpus, documents, catalog };
}
