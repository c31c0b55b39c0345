import { sha256Hex } from '../corpus/encoding';
import type { BundlePayload, PassageMention } from '../corpus/schema';

/**
 * One text for one value: the JSON that manifests are signed over and that corpus digests are
 * taken of, whatever order a record's keys or a corpus's records arrived in.
 */

/** JSON with object keys sorted at every depth and no white space; array order is kept. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('A number that JSON cannot hold has no canonical form.');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The key a mention is stored under: entity id, passage id, start. */
export function mentionKey(m: PassageMention): [string, string, number] {
  return [m.entityId, m.passageId, m.start];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byId = <T extends { id: string }>(list: readonly T[]): T[] => [...list].sort((a, b) => byText(a.id, b.id));

/** The payload with every collection sorted by its key, so two orders of one corpus are the same value. */
export function sortedPayload(p: BundlePayload): BundlePayload {
  return {
    ...p,
    documents: byId(p.documents),
    passages: byId(p.passages),
    entities: byId(p.entities),
    mentions: [...p.mentions].sort(
      (a, b) => byText(a.entityId, b.entityId) || byText(a.passageId, b.passageId) || a.start - b.start,
    ),
  };
}

/** The canonical text of a corpus: sorted collections, sorted keys. */
export function canonicalPayloadText(p: BundlePayload): string {
  return canonicalJson(sortedPayload(p));
}

/**
 * SHA-256 (hex) of a corpus's canonical text: equal for equal corpora, whichever order the bundle,
 * a patch or the store gave the records in. Manifests name it so a patched corpus can be checked.
 */
export function contentDigest(p: BundlePayload): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalPayloadText(p)));
}
