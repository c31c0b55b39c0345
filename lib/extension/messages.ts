import browser, { type Runtime } from 'webextension-polyfill';
import type { CorpusStatus, PassageHit } from '../corpus/reader';
import type { CorpusDocument, Entity, EntityType, Passage } from '../corpus/schema';
import type { RelatedDocumentView, SearchResults } from '../corpus/views';
import type { SyncSettings } from '../sync/controller';
import type { SyncSource, SyncStatus } from '../sync/sync';

/** The corpus status with what the last sync did: the popup's corpus line and the options page show both. */
export type StatusWithSync = CorpusStatus & { sync?: SyncStatus };

/** The sync settings as the options page shows them. */
export interface SyncSettingsView extends SyncSettings {
  /** The source this build was made with, if any (used until the reader sets or removes one). */
  builtIn: SyncSource | null;
  status?: SyncStatus;
}

/** A mention found in one block of page text, with what the page needs to draw it. */
export interface BlockMention {
  start: number;
  end: number;
  entityId: string;
  type: EntityType;
  /** Found by a weak alias (confirmed): it confirms nothing elsewhere on the page. */
  weak?: true;
}

/**
 * Calls any extension context may make of the background. They only read: the content script
 * (running in pages the reader opens) may make these and no others.
 */
export interface ContentToBackgroundCalls {
  getStatus(p: Record<string, never>): StatusWithSync;
  getEntity(p: { id: string }): Entity | null;
  /** Entities' names in the order asked (null where unknown): a page's whole list in one call. */
  getEntityNames(p: { ids: string[] }): (string | null)[];
  /**
   * Passages that mention the entity. `context` is the paragraph around the mention on the page and
   * the entities found in it, for ranking by fit (until that ranking is wired, most mentions first).
   */
  getPassages(p: { entityId: string; limit?: number; context?: { text: string; entityIds: string[] } }): PassageHit[];
  getDocument(p: { id: string }): CorpusDocument | null;
  /**
   * Mentions in each of the page's text blocks, in the order given. `named`: entities the rest of
   * the page names by a strong alias (from earlier calls), which confirm weak aliases in these blocks.
   */
  findMentions(p: { blocks: string[]; named?: string[] }): BlockMention[][];
  /** A document's passages in reading order, for the reader page. */
  getDocumentPassages(p: { documentId: string }): Passage[];
  /** Opens the reader page at a passage in a new tab (web pages cannot link to extension pages); stores nothing. */
  openReader(p: { documentId: string; passageId?: string }): void;
  /** The corpus documents that cover a page, best first (`entityCounts`: entity id and times named). */
  getRelated(p: { text: string; entityCounts: [string, number][] }): RelatedDocumentView[];
  /** Entities by name or alias and passages by words, for the popup's search box. */
  search(p: { query: string }): SearchResults;
}

/** Calls only the extension's own pages (popup, options, reader) may make: they change things. */
export interface PageToBackgroundCalls extends ContentToBackgroundCalls {
  /** Re-imports the bundled default corpus into IndexedDB. */
  reimportDefaultCorpus(p: Record<string, never>): CorpusStatus;
  /** Checks the sync source now (null: no source is set). */
  syncNow(p: Record<string, never>): SyncStatus | null;
  /** The sync settings and the last sync's status. */
  getSyncSettings(p: Record<string, never>): SyncSettingsView;
  /** Sets the sync source (null: none) and, optionally, the minutes between checks. */
  setSyncSource(p: { source: SyncSource | null; intervalMinutes?: number }): SyncSettingsView;
  /** Verifies a bundle file's text (signature by a trusted key, newer version) and imports it. */
  importBundleFile(p: { text: string }): StatusWithSync;
}

type Calls = PageToBackgroundCalls;
type Name = keyof Calls;

/** The names content scripts may call; everything else is refused when it comes from a page. */
const READ_ONLY: ReadonlySet<Name> = new Set<keyof ContentToBackgroundCalls>([
  'getStatus',
  'getEntity',
  'getEntityNames',
  'getPassages',
  'getDocument',
  'findMentions',
  'getDocumentPassages',
  'openReader',
  'getRelated',
  'search',
]);

interface Envelope<K extends Name = Name> {
  backstory: 1;
  type: K;
  payload: Parameters<Calls[K]>[0];
}

/** A call's answer as it travels: the value, or one sentence saying what went wrong. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

/** Sends a typed call to the background and returns its answer; rejects with the background's error. */
export async function callBackground<K extends Name>(type: K, payload: Parameters<Calls[K]>[0]): Promise<ReturnType<Calls[K]>> {
  const message: Envelope<K> = { backstory: 1, type, payload };
  const reply = (await browser.runtime.sendMessage(message)) as Reply<ReturnType<Calls[K]>> | undefined;
  if (!reply) throw new Error(`The background did not answer ${type}.`);
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

/** Handlers for every call, each returning its answer (or a promise of it). */
export type Handlers = { [K in Name]: (payload: Parameters<Calls[K]>[0]) => Promise<ReturnType<Calls[K]>> | ReturnType<Calls[K]> };

function isEnvelope(m: unknown): m is Envelope {
  return typeof m === 'object' && m !== null && (m as Envelope).backstory === 1 && typeof (m as Envelope).type === 'string';
}

/** Whether a message comes from one of the extension's own pages rather than a content script. */
function fromExtensionPage(sender: Runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(browser.runtime.getURL(''));
}

/** Runs a handler and wraps its answer, or its error's message, as a reply (the shape both channels send). */
export function settle(handler: (payload: unknown) => unknown, payload: unknown): Promise<Reply<unknown>> {
  return Promise.resolve()
    .then(() => handler(payload))
    .then(
      (value) => ({ ok: true as const, value }),
      (e: unknown) => ({ ok: false as const, error: e instanceof Error ? e.message : String(e) }),
    );
}

/**
 * Answers typed calls in the background. A call that changes state is refused unless it comes
 * from an extension page (uBlock Origin decides privilege from the sender the same way).
 * Returns a function that stops listening.
 */
export function handleCalls(handlers: Handlers): () => void {
  const listener = (message: unknown, sender: Runtime.MessageSender): Promise<Reply<unknown>> | undefined => {
    if (!isEnvelope(message) || !(message.type in handlers)) return undefined;
    if (sender.id !== browser.runtime.id) return Promise.resolve({ ok: false, error: 'Calls from other extensions are refused.' });
    if (!READ_ONLY.has(message.type) && !fromExtensionPage(sender)) {
      return Promise.resolve({ ok: false, error: `${message.type} may only be called from the extension's own pages.` });
    }
    return settle(handlers[message.type] as (p: unknown) => unknown, message.payload);
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}
