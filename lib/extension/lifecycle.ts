import browser from 'webextension-polyfill';

/** Calls `fn` when the extension is installed or updated. Returns a function that stops listening. */
export function onInstalled(fn: () => void): () => void {
  const listener = (): void => fn();
  browser.runtime.onInstalled.addListener(listener);
  return () => browser.runtime.onInstalled.removeListener(listener);
}

/** The extension's version, from its manifest. */
export const extensionVersion = (): string => browser.runtime.getManifest().version;
