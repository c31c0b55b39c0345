import { z } from 'zod';
import { BundleError, parsePayload } from '../corpus/bundle-file';
import { infoOf } from '../corpus/reader';
import { type BundlePayload, bundlePayloadSchema, documentSchema, entitySchema, passageMentionSchema, passageSchema } from '../corpus/schema';
import type { CorpusChanges } from '../corpus/store';
import { canonicalJson, canonicalPayloadText, contentDigest, mentionKey } from './canonical';
import { sha256Hex } from '../corpus/encoding';

/**
 * A patch turns one exact version of a corpus into the next: it holds only the documents,
 * passages, entities and mentions that were added, changed or removed, the terms whose passage
 * counts changed, and the digests of the corpus before and after, so it applies on nothing but its
 * base and its result can be checked.
 */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256 digest');
const changes = <T extends z.ZodType>(record: T) => z.strictObject({ put: z.array(record), remove: z.array(z.string().min(1)) });

/** The patch file's schema. */
export const patchSchema = z.strictObject({
  format: z.literal('backstory-patch'),
  version: z.literal(1),
  from: z.strictObject({ id: z.string().min(1), version: z.number().int().min(1), content: sha256 }),
  to: z.strictObject({ corpus: bundlePayloadSchema.shape.corpus, content: sha256 }),
  documents: changes(documentSchema),
  passages: changes(passageSchema),
  entities: changes(entitySchema),
  mentions: z.strictObject({
    put: z.array(passageMentionSchema),
    remove: z.array(z.tuple([z.string().min(1), z.string().min(1), z.number().int().min(0)])),
  }),
  stats: z.strictObject({
    passages: z.number().int().min(0),
    averageLength: z.number().min(0),
    documentFrequency: z.strictObject({ put: z.record(z.string(), z.number().int().min(1)), remove: z.array(z.string()) }),
  }),
});
export type CorpusPatch = z.infer<typeof patchSchema>;

function diffById<T extends { id: string }>(base: readonly T[], next: readonly T[]): { put: T[]; remove: string[] } {
  const old = new Map(base.map((r) => [r.id, canonicalJson(r)]));
  const ids = new Set(next.map((r) => r.id));
  return {
    put: next.filter((r) => old.get(r.id) !== canonicalJson(r)),
    remove: base.filter((r) => !ids.has(r.id)).map((r) => r.id),
  };
}

/** The patch that turns `base` into `next` (two versions of the same corpus). */
export async function diffPayloads(base: BundlePayload, next: BundlePayload): Promise<CorpusPatch> {
  if (base.corpus.id !== next.corpus.id) throw new BundleError(`A patch cannot turn corpus ${base.corpus.id} into corpus ${next.corpus.id}.`);
  const key = (m: BundlePayload['mentions'][number]): string => JSON.stringify(mentionKey(m));
  const oldMentions = new Map(base.mentions.map((m) => [key(m), m.end]));
  const newKeys = new Set(next.mentions.map(key));
  const oldDf = base.stats.documentFrequency;
  const newDf = next.stats.documentFrequency;
  return {
    format: 'backstory-patch',
    version: 1,
    from: { id: base.corpus.id, version: base.corpus.version, content: await contentDigest(base) },
    to: { corpus: next.corpus, content: await contentDigest(next) },
    documents: diffById(base.documents, next.documents),
    passages: diffById(base.passages, next.passages),
    entities: diffById(base.entities, next.entities),
    mentions: {
      put: next.mentions.filter((m) => oldMentions.get(key(m)) !== m.end),
      remove: base.mentions.filter((m) => !newKeys.has(key(m))).map(mentionKey),
    },
    stats: {
      passages: next.stats.passages,
      averageLength: next.stats.averageLength,
      documentFrequency: {
        put: Object.fromEntries(Object.entries(newDf).filter(([t, n]) => oldDf[t] !== n)),
        remove: Object.keys(oldDf).filter((t) => !(t in newDf)),
      },
    },
  };
}

/** The patch file's text. */
export function encodePatch(patch: CorpusPatch): string {
  return canonicalJson(patch);
}

/** Parses and validates a patch file's text; throws a BundleError naming what is wrong. */
export function parsePatch(text: string): CorpusPatch {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BundleError('The patch is not valid JSON.');
  }
  const result = patchSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new BundleError(`The patch is invalid at ${issue.path.join('.') || 'its top level'}: ${issue.message}.`);
  }
  return result.data;
}

function applyById<T extends { id: string }>(base: readonly T[], c: { put: T[]; remove: string[] }, what: string): T[] {
  const map = new Map(base.map((r) => [r.id, r]));
  for (const id of c.remove) if (!map.delete(id)) throw new BundleError(`The patch removes ${what} "${id}", which the installed corpus does not have.`);
  for (const r of c.put) map.set(r.id, r);
  return [...map.values()];
}

/**
 * Applies a patch to the corpus it was made from. Refuses (BundleError) a patch for another corpus,
 * another version or other content, and a result whose digest is not the one the patch promises;
 * the result is validated like any bundle. Returns the new corpus and the store changes that make it.
 */
export async function applyPatch(base: BundlePayload, patch: CorpusPatch): Promise<{ payload: BundlePayload; changes: CorpusChanges }> {
  const { from } = patch;
  if (from.id !== base.corpus.id || from.version !== base.corpus.version) {
    throw new BundleError(
      `The patch is for ${from.id} version ${from.version}, but version ${base.corpus.version} of ${base.corpus.id} is installed.`,
    );
  }
  if ((await contentDigest(base)) !== from.content) {
    throw new BundleError(`The patch is for other content than the installed version ${base.corpus.version}, so it was not applied.`);
  }
  const key = (k: readonly [string, string, number]): string => JSON.stringify(k);
  const mentions = new Map(base.mentions.map((m) => [key(mentionKey(m)), m]));
  for (const k of patch.mentions.remove) if (!mentions.delete(key(k))) throw new BundleError('The patch removes a mention the installed corpus does not have.');
  for (const m of patch.mentions.put) mentions.set(key(mentionKey(m)), m);
  const documentFrequency = { ...base.stats.documentFrequency };
  for (const t of patch.stats.documentFrequency.remove) delete documentFrequency[t];
  Object.assign(documentFrequency, patch.stats.documentFrequency.put);
  const candidate: BundlePayload = {
    format: base.format,
    corpus: patch.to.corpus,
    documents: applyById(base.documents, patch.documents, 'document'),
    passages: applyById(base.passages, patch.passages, 'passage'),
    entities: applyById(base.entities, patch.entities, 'entity'),
    mentions: [...mentions.values()],
    stats: { passages: patch.stats.passages, averageLength: patch.stats.averageLength, documentFrequency },
  };
  const text = canonicalPayloadText(candidate);
  if ((await sha256Hex(new TextEncoder().encode(text))) !== patch.to.content) {
    throw new BundleError('The patched corpus does not match the digest the patch promises, so it was not applied.');
  }
  const payload = parsePayload(text); // schema and references, as for any bundle
  return {
    payload,
    changes: {
      info: infoOf(payload),
      stats: payload.stats,
      documents: patch.documents,
      passages: patch.passages,
      entities: patch.entities,
      mentions: patch.mentions,
    },
  };
}
