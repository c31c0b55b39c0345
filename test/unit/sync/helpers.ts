import * as ed from '@noble/ed25519';
import { encodeBundle, signBundle } from '../../../lib/corpus/bundle-file';
import { sha256Hex, toBase64 } from '../../../lib/corpus/encoding';
import type { BundlePayload } from '../../../lib/corpus/schema';
import type { FetchLike } from '../../../lib/sync/download';
import { corpusFixture } from '../corpus/corpus-fixture';

/** A publisher's key pair, the public half in base64 as a source names it. */
export async function keyPair(): Promise<{ secretKey: Uint8Array; publicKey: string }> {
  const { secretKey, publicKey } = await ed.keygenAsync();
  return { secretKey, publicKey: toBase64(publicKey) };
}

/** Version `version` of the fixture corpus; from version 2 on it has one more document, passage, entity and mentions. */
export function fixtureVersion(version: number): BundlePayload {
  const p = corpusFixture(version);
  p.corpus.created = `2026-01-0${Math.min(version, 9)}T00:00:00.000Z`;
  if (version >= 2) {
    p.documents.push({ id: 'later', title: 'Later', published: '2026-02', sourceFile: 'later.txt' });
    p.passages.push({ id: 'later#0', documentId: 'later', index: 0, text: 'Sadr spoke with Abadi.', length: 4 });
    p.entities.push({ id: 'sadr', name: 'Sadr', type: 'person', description: 'Sadr, for tests.', aliases: [{ text: 'Sadr' }] });
    p.mentions.push({ entityId: 'sadr', passageId: 'later#0', start: 0, end: 4 }, { entityId: 'abadi', passageId: 'later#0', start: 16, end: 21 });
    p.stats = { passages: 5, averageLength: 3, documentFrequency: { ...p.stats.documentFrequency, abadi: 5, sadr: 1, spoke: 2 } };
  }
  if (version >= 3) p.documents[0]!.title = 'Old, retitled';
  return p;
}

/** A bundle file of `payload` signed with `secretKey`. */
export async function signedBundle(payload: BundlePayload, secretKey: Uint8Array): Promise<string> {
  return signBundle(await encodeBundle(payload), secretKey);
}

/** A fake static server: files by path under ORIGIN, ETags, and a log of requests. */
export const ORIGIN = 'https://updates.example/';

export interface FakeServer {
  fetch: FetchLike;
  files: Map<string, Uint8Array | ((init: { signal: AbortSignal }) => Response | Promise<Response>)>;
  requests: { url: string; ifNoneMatch?: string }[];
}

/** Serves `files` (path → text) as a static host with ETags would. */
export function fakeServer(files: Iterable<[string, string]>): FakeServer {
  const map: FakeServer['files'] = new Map([...files].map(([k, v]) => [k, new TextEncoder().encode(v)]));
  const requests: FakeServer['requests'] = [];
  const fetch: FetchLike = async (url, init) => {
    const ifNoneMatch = init.headers['if-none-match'];
    requests.push({ url, ...(ifNoneMatch ? { ifNoneMatch } : {}) });
    const path = url.startsWith(ORIGIN) ? url.slice(ORIGIN.length) : url;
    const body = map.get(path);
    if (!body) return new Response('not found', { status: 404 });
    if (typeof body === 'function') return body(init);
    const etag = `"${(await sha256Hex(body)).slice(0, 16)}"`;
    if (ifNoneMatch === etag) return new Response(null, { status: 304, headers: { etag } });
    return new Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers: { etag, 'content-length': String(body.byteLength) } });
  };
  return { fetch, files: map, requests };
}
