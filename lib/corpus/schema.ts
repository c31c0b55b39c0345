import { z } from 'zod';

/**
 * The corpus's data model as schemas: the sources a maintainer edits (catalog, document metadata)
 * and the bundle payload the CLI builds and the extension loads. Validated on every load.
 */

const id = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a kebab-case id');
const isoDate = z.string().regex(/^\d{4}(?:-\d{2}(?:-\d{2})?)?$/, 'must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)');

/** The kinds of entity: actors, places as actors, and events. */
export const entityTypes = ['person', 'armed-group', 'party', 'institution', 'country', 'place', 'event'] as const;
export type EntityType = (typeof entityTypes)[number];

export const aliasSchema = z.strictObject({
  text: z.string().min(1),
  weak: z.boolean().optional(),
  acronym: z.boolean().optional(),
  /** A capital or seat of power standing for its state ("Washington", "the Kremlin"): not where it is only the scene. */
  place: z.boolean().optional(),
});

export const entitySchema = z.strictObject({
  id,
  name: z.string().min(1),
  type: z.enum(entityTypes),
  description: z.string().min(1),
  dates: z.strictObject({ start: isoDate.optional(), end: isoDate.optional() }).optional(),
  aliases: z.array(aliasSchema).min(1),
  context: z.array(z.string().min(1)).optional(),
  against: z.array(z.string().min(1)).optional(),
  blockers: z.array(z.string().min(1)).optional(),
});
export type Entity = z.infer<typeof entitySchema>;

export const catalogSchema = z.strictObject({ $comment: z.string().optional(), entities: z.array(entitySchema) });
export type Catalog = z.infer<typeof catalogSchema>;

const corpusInfo = {
  id,
  name: z.string().min(1),
  description: z.string().optional(),
};

/** assets/documents.json: the corpus's identity and each document's metadata. */
export const documentSourcesSchema = z.strictObject({
  $comment: z.string().optional(),
  corpus: z.strictObject({ ...corpusInfo, version: z.number().int().min(1).optional() }),
  documents: z.array(
    z.strictObject({
      id,
      sourceFile: z.string().min(1),
      title: z.string().min(1),
      titleNote: z.string().optional(),
      kicker: z.string().optional(),
      publisher: z.string().min(1).optional(),
      publisherNote: z.string().optional(),
      author: z.string().optional(),
      published: isoDate.optional(),
      publishedNote: z.string().optional(),
      boilerplateNote: z.string().optional(),
      url: z.url().optional(),
      boilerplate: z.array(z.string()).optional(),
    }),
  ),
});
export type DocumentSources = z.infer<typeof documentSourcesSchema>;

export const documentSchema = z.strictObject({
  id,
  title: z.string().min(1),
  publisher: z.string().min(1).optional(),
  author: z.string().optional(),
  published: isoDate.optional(),
  url: z.url().optional(),
  sourceFile: z.string().min(1),
});
export type CorpusDocument = z.infer<typeof documentSchema>;

export const passageSchema = z.strictObject({
  id: z.string().min(1),
  documentId: id,
  /** Position of the passage in its document, from 0. */
  index: z.number().int().min(0),
  text: z.string().min(1),
  /** Number of index terms, for length normalisation in ranking. */
  length: z.number().int().min(0),
});
export type Passage = z.infer<typeof passageSchema>;

/** One mention of an entity in a passage (UTF-16 offsets into the passage's text). */
export const passageMentionSchema = z.strictObject({
  entityId: id,
  passageId: z.string().min(1),
  start: z.number().int().min(0),
  end: z.number().int().min(1),
});
export type PassageMention = z.infer<typeof passageMentionSchema>;

export const BUNDLE_FORMAT = 1;

export const bundlePayloadSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  corpus: z.strictObject({
    ...corpusInfo,
    /** Content version: strictly increasing from one published bundle to the next. */
    version: z.number().int().min(1),
    created: z.iso.datetime(),
  }),
  documents: z.array(documentSchema),
  passages: z.array(passageSchema),
  entities: z.array(entitySchema),
  mentions: z.array(passageMentionSchema),
  /** What ranking needs: passage count, mean passage length, and each term's document frequency. */
  stats: z.strictObject({
    passages: z.number().int().min(0),
    averageLength: z.number().min(0),
    documentFrequency: z.record(z.string(), z.number().int().min(1)),
  }),
});
export type BundlePayload = z.infer<typeof bundlePayloadSchema>;
