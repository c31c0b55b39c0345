import { BundleError, readBundle } from '../corpus/bundle-file';
import { fromBase64, sha256Hex } from '../corpus/encoding';
import type { BundlePayload } from '../corpus/schema';
import type { CorpusStore, ImportOptions, TrustRecord } from '../corpus/store';
import { contentDigest } from './canonical';
import { download, type FetchLike } from './download';
import { checkExpiry, type ManifestSigned, readManifest, type VerifiedManifest } from './manifest';
import { applyPatch, parsePatch } from './patch';

/**
 * One sync: fetch the source's manifest (a 304 when unchanged), verify it, and bring the stored
 * corpus to the version it names through a patch where one fits, else the full bundle. Nothing is
 * written until every check has passed; the store swaps the corpus in one step.
 */

/** Where updates come from: a manifest URL and the publisher's Ed25519 public key (base64). */
export interface SyncSource {
  manifestUrl: string;
  publicKey: string;
}

/** Hard limits on what a sync reads. */
export interface SyncLimits {
  manifestBytes: number;
  bundleBytes: number;
  /** Milliseconds for each download. */
  timeoutMs: number;
}

/** The limits used unless a caller sets others. */
export const DEFAULT_LIMITS: SyncLimits = { manifestBytes: 1 << 20, bundleBytes: 256 << 20, timeoutMs: 120_000 };

/** What the last sync did, for the popup and the options page. */
export interface SyncStatus {
  /** updated: a new version is installed; unchanged: nothing newer; refused: something failed a check or could not be fetched. */
  result: 'updated' | 'unchanged' | 'refused';
  /** One sentence for people. */
  message: string;
  /** When it ran (ISO date-time). */
  at: string;
  source: string;
  /** The version installed after it ran. */
  version?: number;
  /** How the new version came. */
  via?: 'patch' | 'bundle';
  /** Bytes fetched (manifest, patch, bundle). */
  bytes: number;
  /** The manifest's ETag, for If-None-Match next time (only once the manifest was trusted). */
  etag?: string;
}

/** What a sync needs from its surroundings. */
export interface SyncDeps {
  fetch: FetchLike;
  store: CorpusStore;
  now?: () => Date;
  limits?: Partial<SyncLimits>;
  /** The manifest ETag the last trusted sync of this source recorded. */
  etag?: string;
  /** Passed to the store's import, for tests that interrupt it. */
  onImportStep?: ImportOptions['onStep'];
}

const kb = (n: number): string => `${Math.max(1, Math.round(n / 1024)).toLocaleString('en')} KB`;

function resolveUrl(ref: string, base: string): string {
  const url = new URL(ref, base);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BundleError(`The manifest names ${ref}, which is not an http(s) address.`);
  return url.href;
}

/** Refuses a manifest that is not newer than what is installed or was last trusted; says whether it is simply current. */
function checkVersion(m: VerifiedManifest, installed: BundlePayload['corpus'] | undefined, trust: TrustRecord | undefined): 'newer' | 'current' {
  const { id, version } = m.signed.corpus;
  if (trust && trust.corpusId === id) {
    if (version < trust.version) {
      throw new BundleError(`The source offers version ${version} of ${id}, older than version ${trust.version} already trusted, so it was refused as a rollback.`);
    }
    if (version === trust.version && m.sha256 !== trust.manifestSha256) {
      throw new BundleError(`The source offers version ${version} of ${id} again with a different manifest, so it was refused as a replay.`);
    }
  }
  if (installed && installed.id === id) {
    if (version < installed.version) {
      throw new BundleError(`The source offers version ${version} of ${id}, older than the installed version ${installed.version}, so it was refused as a rollback.`);
    }
    if (version === installed.version) return 'current';
  }
  return 'newer';
}

/** Runs one sync of `source` into the store; never throws: every outcome is a status with one sentence. */
export async function syncOnce(source: SyncSource, deps: SyncDeps): Promise<SyncStatus> {
  const now = deps.now ?? (() => new Date());
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const at = now().toISOString();
  let bytes = 0;
  const base = { at, source: source.manifestUrl };
  let installedVersion: number | undefined;
  try {
    let key: Uint8Array;
    try {
      key = fromBase64(source.publicKey.trim());
    } catch {
      key = new Uint8Array();
    }
    if (key.length !== 32) throw new BundleError("The source's public key is not a base64 Ed25519 public key.");
    const manifestUrl = resolveUrl(source.manifestUrl, 'http://invalid/');
    const installed = (await deps.store.isEmpty()) ? undefined : (await deps.store.info()).corpus;
    installedVersion = installed?.version;
    const trust = await deps.store.trust();
    const sameSource = trust?.source === manifestUrl;

    const got = await download(deps.fetch, manifestUrl, {
      maxBytes: limits.manifestBytes,
      timeoutMs: limits.timeoutMs,
      ...(sameSource && deps.etag ? { etag: deps.etag } : {}),
    });
    if (got.status === 304) {
      // Unchanged since it was trusted; it may still have expired since.
      if (trust && Date.parse(trust.expires) <= now().getTime()) {
        throw new BundleError(`The manifest expired on ${trust.expires.slice(0, 10)}, so the source may be a mirror that stopped updating.`);
      }
      return { ...base, result: 'unchanged', message: `Version ${installed?.version ?? '?'} is current: the manifest has not changed.`, bytes, ...(installedVersion ? { version: installedVersion } : {}), ...(deps.etag ? { etag: deps.etag } : {}) };
    }
    bytes += got.bytes.byteLength;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(got.bytes);
    } catch {
      throw new BundleError('The manifest is not UTF-8 text.');
    }
    const manifest = await readManifest(text, key);
    checkExpiry(manifest.signed, now());
    const etag = got.etag ? { etag: got.etag } : {};
    if (checkVersion(manifest, installed, trust) === 'current') {
      return { ...base, result: 'unchanged', message: `Version ${manifest.signed.corpus.version} is current.`, bytes, version: manifest.signed.corpus.version, ...etag };
    }
    const newTrust: TrustRecord = {
      source: manifestUrl,
      corpusId: manifest.signed.corpus.id,
      version: manifest.signed.corpus.version,
      manifestSha256: manifest.sha256,
      expires: manifest.signed.expires,
      trustedAt: now().toISOString(),
    };
    const signed = manifest.signed;
    const version = signed.corpus.version;

    // A patch from exactly the installed version, if the publisher made one.
    let patchProblem = '';
    const patch = installed && installed.id === signed.corpus.id ? signed.patches.find((p) => p.from === installed.version) : undefined;
    if (patch && installed) {
      try {
        const fetched = await fetchVerified(deps.fetch, resolveUrl(patch.url, manifestUrl), patch, limits, 'patch');
        bytes += fetched.byteLength;
        const parsed = parsePatch(new TextDecoder().decode(fetched));
        if (parsed.to.content !== signed.content || parsed.to.corpus.version !== version || parsed.to.corpus.id !== signed.corpus.id) {
          throw new BundleError('The patch leads to other content than the manifest names.');
        }
        const { changes } = await applyPatch(await deps.store.readPayload(), parsed);
        await deps.store.applyChanges(changes, { id: installed.id, version: installed.version }, { trust: newTrust });
        return { ...base, result: 'updated', via: 'patch', version, bytes, ...etag, message: `Updated to version ${version} with a ${kb(fetched.byteLength)} patch.` };
      } catch (e) {
        patchProblem = e instanceof Error ? e.message : String(e);
      }
    }

    const file = await fetchVerified(deps.fetch, resolveUrl(signed.bundle.url, manifestUrl), signed.bundle, limits, 'bundle');
    bytes += file.byteLength;
    const payload = await readBundle(new TextDecoder().decode(file), { trustedKeys: [key] });
    if (payload.corpus.id !== signed.corpus.id || payload.corpus.version !== version) {
      throw new BundleError(`The bundle holds ${payload.corpus.id} version ${payload.corpus.version}, not the ${signed.corpus.id} version ${version} the manifest names.`);
    }
    if ((await contentDigest(payload)) !== signed.content) throw new BundleError('The bundle holds other content than the manifest names.');
    await deps.store.importBundle(payload, { trust: newTrust, ...(deps.onImportStep ? { onStep: deps.onImportStep } : {}) });
    const fallback = patchProblem ? ` (the patch was not used: ${patchProblem.charAt(0).toLowerCase()}${patchProblem.slice(1).replace(/\.$/, '')})` : '';
    return { ...base, result: 'updated', via: 'bundle', version, bytes, ...etag, message: `Updated to version ${version} with the full ${kb(file.byteLength)} bundle${fallback}.` };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ...base, result: 'refused', message: /[.!?]$/.test(message) ? message : `${message}.`, bytes, ...(installedVersion ? { version: installedVersion } : {}) };
  }
}

/** Downloads a file the manifest names, refusing any length or digest other than the manifest's. */
async function fetchVerified(
  fetchFn: FetchLike,
  url: string,
  ref: ManifestSigned['bundle'],
  limits: SyncLimits,
  what: 'patch' | 'bundle',
): Promise<Uint8Array> {
  const got = await download(fetchFn, url, { maxBytes: limits.bundleBytes, expectedLength: ref.length, timeoutMs: limits.timeoutMs });
  if (got.status !== 200) throw new BundleError(`The ${what} could not be fetched.`);
  if ((await sha256Hex(got.bytes)) !== ref.sha256) throw new BundleError(`The ${what} does not match the digest the manifest names, so it was altered.`);
  return got.bytes;
}

/** Checks a source the reader typed in: an http(s) manifest URL and a base64 Ed25519 public key. Throws one sentence. */
export function checkSource(source: SyncSource): SyncSource {
  const manifestUrl = source.manifestUrl.trim();
  let url: URL;
  try {
    url = new URL(manifestUrl);
  } catch {
    throw new BundleError(`"${manifestUrl}" is not a web address.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BundleError('The manifest address must start with https:// (or http://).');
  const publicKey = source.publicKey.trim();
  let key: Uint8Array | undefined;
  try {
    key = fromBase64(publicKey);
  } catch {
    key = undefined;
  }
  if (key?.length !== 32) throw new BundleError("The publisher's key must be a base64 Ed25519 public key (44 characters, as in the .pub file keygen writes).");
  return { manifestUrl: url.href, publicKey };
}
