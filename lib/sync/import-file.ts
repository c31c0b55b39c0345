import { BundleError, readBundle } from '../corpus/bundle-file';
import type { CorpusStore } from '../corpus/store';

/**
 * Imports a bundle file the reader picked in options: signed by one of `trustedKeys`, valid, and
 * newer than the installed version of the same corpus and than the version a sync last trusted.
 * Throws a BundleError (one sentence) and changes nothing otherwise. Returns the version installed.
 */
export async function importBundleFile(text: string, deps: { store: CorpusStore; trustedKeys: readonly Uint8Array[] }): Promise<number> {
  const payload = await readBundle(text, { trustedKeys: deps.trustedKeys });
  const { id, version } = payload.corpus;
  const installed = (await deps.store.isEmpty()) ? undefined : (await deps.store.info()).corpus;
  if (installed && installed.id === id && version <= installed.version) {
    throw new BundleError(`The file holds version ${version} of ${id}, not newer than the installed version ${installed.version}.`);
  }
  const trust = await deps.store.trust();
  if (trust && trust.corpusId === id && version < trust.version) {
    throw new BundleError(`The file holds version ${version} of ${id}, older than version ${trust.version} already trusted.`);
  }
  await deps.store.importBundle(payload);
  return version;
}
