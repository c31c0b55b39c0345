import browser, { type Runtime } from 'webextension-polyfill';
import type { PageSummary } from '../corpus/views';
import { type Reply, settle } from './messages';

/**
 * Calls the extension's pages (the popup) make of the content script in one tab. The content script
 * answers only the extension itself: web pages and other extensions cannot reach these.
 */
export interface PageToContentCalls {
  /** The entities on the page and its text, for the popup's coverage and entity list. */
  getPageSummary(p: Record<string, never>): PageSummary;
  /** Scrolls to the first mention of the entity and opens its card; false if the page has none. */
  revealEntity(p: { entityId: string }): boolean;
}

type Name = keyof PageToContentCalls;

interface Envelope<K extends Name = Name> {
  backstoryTab: 1;
  type: K;
  payload: Parameters<PageToContentCalls[K]>[0];
}

/** Calls the content script in tab `tabId`; rejects when there is none (browser pages, the store). */
export async function callTab<K extends Name>(
  tabId: number,
  type: K,
  payload: Parameters<PageToContentCalls[K]>[0],
): Promise<ReturnType<PageToContentCalls[K]>> {
  const message: Envelope<K> = { backstoryTab: 1, type, payload };
  let reply: Reply<ReturnType<PageToContentCalls[K]>> | undefined;
  try {
    reply = (await browser.tabs.sendMessage(tabId, message)) as typeof reply;
  } catch {
    throw new Error('Backstory does not run on this page.');
  }
  if (!reply) throw new Error('Backstory does not run on this page.');
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

/** Handlers for every tab call. */
export type TabHandlers = { [K in Name]: (p: Parameters<PageToContentCalls[K]>[0]) => ReturnType<PageToContentCalls[K]> | Promise<ReturnType<PageToContentCalls[K]>> };

/** In the content script: answers tab calls from the extension itself. Returns `stop`. */
export function handleTabCalls(handlers: TabHandlers): () => void {
  const listener = (message: unknown, sender: Runtime.MessageSender): Promise<Reply<unknown>> | undefined => {
    const m = message as Envelope | null;
    if (typeof m !== 'object' || m === null || m.backstoryTab !== 1 || !(m.type in handlers)) return undefined;
    if (sender.id !== browser.runtime.id) return undefined;
    return settle(handlers[m.type] as (p: unknown) => unknown, m.payload);
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

/**
 * The tab an extension page is about: `?tabId=N` in its URL (so a test, or a person, can open the
 * popup for any tab in a tab of its own), else the active tab of the current window.
 */
export async function targetTabId(search: string): Promise<number | undefined> {
  const fromQuery = Number(new URLSearchParams(search).get('tabId'));
  if (Number.isInteger(fromQuery) && fromQuery >= 0 && new URLSearchParams(search).has('tabId')) return fromQuery;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

/** Opens the options page. */
export function openOptions(): Promise<void> {
  return browser.runtime.openOptionsPage();
}
