import type { Runtime } from 'webextension-polyfill';
import { fakeBrowser } from 'wxt/testing';
import { beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { CorpusStatus, PassageHit } from '../../../lib/corpus/reader';
import type { CorpusDocument, Entity } from '../../../lib/corpus/schema';
import { type BlockMention, callBackground, handleCalls, type Handlers } from '../../../lib/extension/messages';

// webextension-polyfill throws on import outside an extension ("This script should only be loaded in a
// browser extension": it looks for chrome.runtime.id), so under Node it is replaced by WXT's fakeBrowser.
vi.mock('webextension-polyfill', async () => ({ default: (await import('wxt/testing')).fakeBrowser }));

const entity: Entity = { id: 'iraq', name: 'Iraq', type: 'country', description: 'A country.', aliases: [{ text: 'Iraq' }] };
const status: CorpusStatus = {
  info: { corpus: { id: 'c', name: 'C', version: 1, created: '2026-01-01T00:00:00.000Z' }, counts: { documents: 0, passages: 0, entities: 1, mentions: 0 } },
  storage: 'indexeddb',
};

function handlers(): Handlers & { reimportDefaultCorpus: ReturnType<typeof vi.fn> } {
  return {
    getStatus: () => status,
    getEntity: ({ id }) => (id === 'iraq' ? entity : null),
    getEntityNames: ({ ids }) => ids.map((id) => (id === 'iraq' ? entity.name : null)),
    getPassages: () => [],
    getDocument: async () => null,
    findMentions: ({ blocks }) => blocks.map(() => []),
    getDocumentPassages: () => [],
    openReader: () => undefined,
    getRelated: () => [],
    search: () => ({ entities: [], passages: [] }),
    reimportDefaultCorpus: vi.fn(async () => status),
    syncNow: () => null,
    getSyncSettings: () => ({ source: null, intervalMinutes: 1440, builtIn: null }),
    setSyncSource: () => ({ source: null, intervalMinutes: 1440, builtIn: null }),
    importBundleFile: async () => status,
  };
}

const contentScript = (): Runtime.MessageSender => ({ id: fakeBrowser.runtime.id, url: 'https://news.example/', tab: { index: 0, highlighted: false, active: true, pinned: false, incognito: false } });
const extensionPage = (): Runtime.MessageSender => ({ id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') });
const otherExtension = (): Runtime.MessageSender => ({ id: 'another-extension', url: 'chrome-extension://another-extension/popup.html' });

/** Delivers `message` from `sender` to the listeners, as the browser would, and returns the answer. */
async function deliver(message: unknown, sender: Runtime.MessageSender): Promise<unknown> {
  const answers = await fakeBrowser.runtime.onMessage.trigger(message, sender);
  return answers.find((a: unknown) => a !== undefined);
}

const call = (type: string, payload: unknown = {}) => ({ backstory: 1, type, payload });

beforeEach(() => {
  fakeBrowser.reset();
});

describe('handleCalls', () => {
  it('answers a read call from a content script', async () => {
    handleCalls(handlers());
    expect(await deliver(call('getEntity', { id: 'iraq' }), contentScript())).toEqual({ ok: true, value: entity });
    expect(await deliver(call('getEntity', { id: 'nope' }), contentScript())).toEqual({ ok: true, value: null });
    expect(await deliver(call('getEntityNames', { ids: ['nope', 'iraq'] }), contentScript())).toEqual({ ok: true, value: [null, 'Iraq'] });
    expect(await deliver(call('findMentions', { blocks: ['a', 'b'] }), contentScript())).toEqual({ ok: true, value: [[], []] });
  });

  it('refuses reimportDefaultCorpus from a content script, without calling the handler', async () => {
    const h = handlers();
    handleCalls(h);
    expect(await deliver(call('reimportDefaultCorpus'), contentScript())).toEqual({
      ok: false,
      error: "reimportDefaultCorpus may only be called from the extension's own pages.",
    });
    expect(h.reimportDefaultCorpus).not.toHaveBeenCalled();
  });

  it('refuses reimportDefaultCorpus from a page that only claims the extension id', async () => {
    const h = handlers();
    handleCalls(h);
    const spoofed = { id: fakeBrowser.runtime.id, url: `https://news.example/${fakeBrowser.runtime.getURL('/popup.html')}` };
    expect(await deliver(call('reimportDefaultCorpus'), spoofed)).toMatchObject({ ok: false });
    expect(await deliver(call('reimportDefaultCorpus'), { id: fakeBrowser.runtime.id })).toMatchObject({ ok: false });
    expect(h.reimportDefaultCorpus).not.toHaveBeenCalled();
  });

  it('accepts reimportDefaultCorpus from an extension page', async () => {
    const h = handlers();
    handleCalls(h);
    expect(await deliver(call('reimportDefaultCorpus'), extensionPage())).toEqual({ ok: true, value: status });
    expect(h.reimportDefaultCorpus).toHaveBeenCalledTimes(1);
  });

  it.each(['getEntity', 'reimportDefaultCorpus'])('refuses %s from another extension', async (type) => {
    const h = handlers();
    handleCalls(h);
    expect(await deliver(call(type, { id: 'iraq' }), otherExtension())).toEqual({ ok: false, error: 'Calls from other extensions are refused.' });
    expect(h.reimportDefaultCorpus).not.toHaveBeenCalled();
  });

  it("turns a handler's error into an answer", async () => {
    handleCalls({
      ...handlers(),
      getDocument: () => {
        throw new Error('The corpus is not ready.');
      },
      getPassages: () => Promise.reject('no'),
    });
    expect(await deliver(call('getDocument', { id: 'x' }), contentScript())).toEqual({ ok: false, error: 'The corpus is not ready.' });
    expect(await deliver(call('getPassages', { entityId: 'x' }), contentScript())).toEqual({ ok: false, error: 'no' });
  });

  it.each([
    ['a foreign message', { type: 'getEntity', payload: { id: 'iraq' } }],
    ['an unknown call', call('wipeEverything')],
    ['a string', 'getEntity'],
    ['null', null],
  ])('leaves %s to other listeners', async (_, message) => {
    handleCalls(handlers());
    expect(await deliver(message, extensionPage())).toBeUndefined();
  });

  it('stops answering once removed', async () => {
    const stop = handleCalls(handlers());
    expect(await deliver(call('getStatus'), contentScript())).toEqual({ ok: true, value: status });
    stop();
    expect(await deliver(call('getStatus'), contentScript())).toBeUndefined();
  });
});

describe('callBackground', () => {
  /** Routes sendMessage to the listeners as if a content script sent it (fakeBrowser sends an empty sender). */
  const sendFromContentScript = () =>
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((message: unknown) => deliver(message, contentScript()));

  it('returns the value the background answers', async () => {
    sendFromContentScript();
    handleCalls(handlers());
    expect(await callBackground('getEntity', { id: 'iraq' })).toEqual(entity);
    expect(await callBackground('getStatus', {})).toEqual(status);
  });

  it("rejects with the background's error", async () => {
    sendFromContentScript();
    handleCalls(handlers());
    await expect(callBackground('reimportDefaultCorpus', {})).rejects.toThrow("reimportDefaultCorpus may only be called from the extension's own pages.");
  });

  it('rejects when nobody answers', async () => {
    sendFromContentScript();
    fakeBrowser.runtime.onMessage.addListener(() => undefined);
    await expect(callBackground('getEntity', { id: 'iraq' })).rejects.toThrow('The background did not answer getEntity.');
  });

  it('has typed payloads and answers', () => {
    expectTypeOf(callBackground<'getEntity'>).returns.toEqualTypeOf<Promise<Entity | null>>();
    expectTypeOf(callBackground<'getEntity'>).parameter(1).toEqualTypeOf<{ id: string }>();
    expectTypeOf(callBackground<'getEntityNames'>).returns.toEqualTypeOf<Promise<(string | null)[]>>();
    expectTypeOf(callBackground<'getPassages'>).returns.toEqualTypeOf<Promise<PassageHit[]>>();
    expectTypeOf(callBackground<'getDocument'>).returns.toEqualTypeOf<Promise<CorpusDocument | null>>();
    expectTypeOf(callBackground<'findMentions'>).returns.toEqualTypeOf<Promise<BlockMention[][]>>();
    expectTypeOf(callBackground<'reimportDefaultCorpus'>).returns.toEqualTypeOf<Promise<CorpusStatus>>();
    expectTypeOf<Parameters<typeof callBackground>[0]>().toEqualTypeOf<
      'getStatus' | 'getEntity' | 'getEntityNames' | 'getPassages' | 'getDocument' | 'findMentions' | 'getDocumentPassages' | 'openReader' | 'getRelated' | 'search' | 'reimportDefaultCorpus'
      | 'syncNow' | 'getSyncSettings' | 'setSyncSource' | 'importBundleFile'
    >();
    // Wrong payloads and unknown names do not compile (checked by tsc, never run).
    const neverRun = (): void => {
      // @ts-expect-error: getEntity takes { id }
      void callBackground('getEntity', { entityId: 'iraq' });
      // @ts-expect-error: no such call
      void callBackground('wipeEverything', {});
    };
    void neverRun;
  });
});
