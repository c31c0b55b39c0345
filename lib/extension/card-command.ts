import browser from 'webextension-polyfill';

/**
 * The keyboard command that opens the hover card for the mention at or after the selection, and
 * links to the reader page. The command reaches the background; it forwards it to the active tab.
 */

/** The command's name in the manifest (`commands`). */
export const OPEN_CARD_COMMAND = 'open-card';

/** The message the background sends the tab's content script when the command fires. */
interface OpenCardMessage {
  backstory: 1;
  type: 'openCardAtSelection';
}

const isOpenCard = (m: unknown): m is OpenCardMessage =>
  typeof m === 'object' && m !== null && (m as OpenCardMessage).backstory === 1 && (m as OpenCardMessage).type === 'openCardAtSelection';

/** The reader page's URL at a document and (optionally) one of its passages. */
export function readerUrl(documentId: string, passageId?: string): string {
  const q = new URLSearchParams({ doc: documentId });
  if (passageId) q.set('passage', passageId);
  return `${browser.runtime.getURL('/reader.html')}?${q}`;
}

/** Opens the reader page in a new tab, next to the tab that asked (background only). */
export async function openReaderTab(documentId: string, passageId: string | undefined, openerTabId?: number): Promise<void> {
  await browser.tabs.create({ url: readerUrl(documentId, passageId), ...(openerTabId !== undefined ? { openerTabId } : {}) });
}

/** In the background: forwards the open-card command to the tab it was pressed in. Returns `stop`. */
export function forwardCardCommand(): () => void {
  const listener = async (command: string, tab?: { id?: number }): Promise<void> => {
    if (command !== OPEN_CARD_COMMAND) return;
    const id = tab?.id ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;
    const message: OpenCardMessage = { backstory: 1, type: 'openCardAtSelection' };
    // A tab without the content script (a browser page) has nobody to answer: nothing to open there.
    if (id !== undefined) await browser.tabs.sendMessage(id, message).catch(() => undefined);
  };
  browser.commands.onCommand.addListener(listener);
  return () => browser.commands.onCommand.removeListener(listener);
}

/** In a content script: calls `fn` when the open-card command is forwarded to this tab. Returns `stop`. */
export function onCardCommand(fn: () => void): () => void {
  const listener = (message: unknown): undefined => {
    if (isOpenCard(message)) fn();
    return undefined;
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}
