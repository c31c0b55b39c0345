import { BundleError } from '../corpus/bundle-file';

/** The subset of `fetch` sync uses; tests pass a fake. */
export type FetchLike = (url: string, init: { headers: Record<string, string>; signal: AbortSignal; cache: RequestCache }) => Promise<Response>;

/** How much may be read and for how long. */
export interface DownloadLimits {
  /** The most bytes read; one more and the download is refused. */
  maxBytes: number;
  /** The exact length expected, when known (a manifest states it). */
  expectedLength?: number;
  /** Milliseconds for the whole download, answer and body. */
  timeoutMs: number;
  /** The ETag of the copy already held: the server may answer 304. */
  etag?: string;
}

/** What a download brought: nothing new (304), or the bytes and their ETag. */
export type Downloaded = { status: 304 } | { status: 200; bytes: Uint8Array; etag?: string };

const seconds = (ms: number): string => {
  const n = Math.max(1, Math.round(ms / 1000));
  return `${n} second${n === 1 ? '' : 's'}`;
};
const kib = (n: number): string => `${Math.ceil(n / 1024).toLocaleString('en')} KB`;

/**
 * Fetches `url`, reading at most `maxBytes` (and, with `expectedLength`, exactly that many) within
 * `timeoutMs`; endless, short and slow answers are refused with a BundleError naming what happened.
 */
export async function download(fetchFn: FetchLike, url: string, limits: DownloadLimits): Promise<Downloaded> {
  const cap = Math.min(limits.maxBytes, limits.expectedLength ?? Infinity);
  if (limits.expectedLength !== undefined && limits.expectedLength > limits.maxBytes) {
    throw new BundleError(`The file at ${url} is stated to be ${kib(limits.expectedLength)}, over the limit of ${kib(limits.maxBytes)}.`);
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  try {
    const headers: Record<string, string> = limits.etag ? { 'if-none-match': limits.etag } : {};
    // no-cache: the HTTP cache may keep a copy, but must revalidate it, so a 304 comes from the server.
    const response = await fetchFn(url, { headers, signal: controller.signal, cache: 'no-cache' });
    if (response.status === 304 && limits.etag) return { status: 304 };
    if (response.status !== 200) throw new BundleError(`The server answered HTTP ${response.status} for ${url}.`);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > cap && !response.headers.get('content-encoding')) {
      throw new BundleError(`The server announced ${kib(declared)} for ${url}, more than the ${kib(cap)} expected.`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > cap) {
          void reader.cancel().catch(() => undefined);
          throw new BundleError(`The server sent more than the ${kib(cap)} expected for ${url}, so the download was stopped.`);
        }
        chunks.push(value);
      }
    }
    if (limits.expectedLength !== undefined && total !== limits.expectedLength) {
      throw new BundleError(`The download of ${url} ended after ${total.toLocaleString('en')} of ${limits.expectedLength.toLocaleString('en')} bytes, so it was cut short.`);
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
    const etag = response.headers.get('etag') ?? undefined;
    return { status: 200, bytes, ...(etag ? { etag } : {}) };
  } catch (e) {
    if (timedOut) throw new BundleError(`The download of ${url} did not finish within ${seconds(limits.timeoutMs)}.`);
    if (e instanceof BundleError) throw e;
    throw new BundleError(`The download of ${url} failed (${(e instanceof Error ? e.message : String(e)).replace(/\.$/, '')}).`);
  } finally {
    clearTimeout(timer);
  }
}
