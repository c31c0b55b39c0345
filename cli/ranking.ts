import { readFile } from 'node:fs/promises';
import { buildPayload } from '../lib/corpus/build';
import { readBundle } from '../lib/corpus/bundle-file';
import { createMemoryRankingIndex, generalEntities, rankDocumentsForPage, rankPassagesForMention } from '../lib/corpus/rank';
import type { BundlePayload, Entity } from '../lib/corpus/schema';
import { compileMatcher } from '../lib/match/compile';
import { findMentions } from '../lib/match/find';
import { normalizeKey } from '../lib/text/normalize';
import { htmlToText } from './html';
import { DEFAULT_ASSETS, readCorpusSources } from './sources';

/** The bundle a ranking command reads: --bundle FILE, or the default corpus built from assets/ in memory. */
export async function loadBundle(bundle: string | undefined): Promise<BundlePayload> {
  if (bundle) {
    const text = await readFile(bundle, 'utf8').catch(() => {
      throw new Error(`Cannot read ${bundle}.`);
    });
    return readBundle(text, { requireSignature: false });
  }
  const sources = await readCorpusSources(DEFAULT_ASSETS);
  return buildPayload(sources, sources.corpus.version ?? 1, new Date(0));
}

/** A .txt file's text as read, or an .html file's article text. */
export async function readPageText(file: string): Promise<string> {
  const raw = await readFile(file, 'utf8').catch(() => {
    throw new Error(`Cannot read ${file}.`);
  });
  return /\.html?$/i.test(file) ? htmlToText(raw).text : raw;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** `related FILE`: the corpus documents that cover what the file is about, best first. */
export async function related(bundle: BundlePayload, file: string): Promise<object> {
  const text = await readPageText(file);
  const entityCounts = new Map<string, number>();
  for (const m of findMentions(compileMatcher(bundle.entities), text)) {
    const id = bundle.entities[m.entity]!.id;
    entityCounts.set(id, (entityCounts.get(id) ?? 0) + 1);
  }
  const ranked = await rankDocumentsForPage(createMemoryRankingIndex(bundle), { text, entityCounts, general: generalEntities(bundle.entities) });
  return {
    file,
    documents: ranked.map((r) => ({
      id: r.document.id,
      title: r.document.title,
      sourceFile: r.document.sourceFile,
      score: round(r.score),
      entities: r.entities,
    })),
  };
}

/** Finds an entity by id, canonical name or alias (compared after normalisation). */
export function findEntity(entities: readonly Entity[], nameOrId: string): Entity {
  const byId = entities.find((e) => e.id === nameOrId);
  if (byId) return byId;
  const key = normalizeKey(nameOrId);
  const found =
    entities.find((e) => normalizeKey(e.name) === key) ?? entities.find((e) => e.aliases.some((a) => !a.weak && normalizeKey(a.text) === key)) ??
    entities.find((e) => e.aliases.some((a) => normalizeKey(a.text) === key));
  if (!found) throw new Error(`No entity in the corpus is called "${nameOrId}".`);
  return found;
}

/** `passages --entity NAME_OR_ID --context-file FILE`: the entity's passages, best fit to the context first. */
export async function passages(bundle: BundlePayload, nameOrId: string, contextFile: string | undefined): Promise<object> {
  const entity = findEntity(bundle.entities, nameOrId);
  const text = contextFile ? await readPageText(contextFile) : '';
  const entityIds = findMentions(compileMatcher(bundle.entities), text).map((m) => bundle.entities[m.entity]!.id);
  const ranked = await rankPassagesForMention(createMemoryRankingIndex(bundle), entity.id, { text, entityIds }, 50);
  return {
    entity: { id: entity.id, name: entity.name, type: entity.type },
    passages: ranked.map((r) => ({
      documentId: r.document.id,
      sourceFile: r.document.sourceFile,
      passageId: r.passage.id,
      text: r.passage.text,
      score: round(r.score),
    })),
  };
}
