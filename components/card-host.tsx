import { render } from 'preact';
import type { PassageHit } from '../lib/corpus/reader';
import type { Entity } from '../lib/corpus/schema';
import { anchorRect } from '../lib/page/hit-test';
import { createHoverController, type HoverController } from '../lib/page/hover';
import type { MentionHit, PageMarker } from '../lib/page/marker';
import { CARD_CSS } from './card-style';
import { EntityCard, type EntityCardProps } from './EntityCard';

/** The tag of the card's host element: the one element the extension adds to a page. */
export const CARD_HOST_TAG = 'backstory-card';
/** Passages a card quotes. */
const CARD_PASSAGES = 5;
/** Entities and passage lists kept for cards opened again. */
const CACHE_SIZE = 50;
/** Gap in pixels between the mark and the card, and between the card and the viewport's edge. */
const GAP = 6;
const MARGIN = 8;
/** Milliseconds a card waits for its entity and passages before it is drawn as loading. */
export const LOADING_MS = 100;

/** Where the card gets what it shows (the content script asks the background). */
export interface CardSource {
  entity(id: string): Promise<Entity | null>;
  /** Passages about the entity, ranked for the paragraph around the mention and the entities in it. */
  passages(entityId: string, context: { text: string; entityIds: string[] }, limit: number): Promise<PassageHit[]>;
  readerHref(hit: PassageHit): string;
  openReader(hit: PassageHit): void;
}

/** The hover cards of one page. */
export interface EntityCards {
  /** Opens the card for the mention at or after the selection (or the top of the page); false if none. */
  openAtSelection(): boolean;
  /** Scrolls a mention into view and opens its card (the popup's entity list uses it). */
  reveal(hit: MentionHit): void;
  readonly hover: HoverController;
  destroy(): void;
}

/**
 * Creates the host element lazily (the first time a card opens), appended to <html> outside <body>,
 * with an open shadow root holding the card's styles and a Preact root.
 */
function createHost(doc: Document) {
  let host: HTMLElement | undefined;
  let root: HTMLElement | undefined;
  const ensure = (): HTMLElement => {
    if (root) return root;
    host = doc.createElement(CARD_HOST_TAG);
    // Inline and !important: page CSS that styles unknown elements must not hide or move the host.
    host.setAttribute('style', 'all: initial !important; position: fixed !important; top: 0 !important; left: 0 !important; z-index: 2147483647 !important; display: block !important; width: 0 !important; height: 0 !important;');
    const shadow = host.attachShadow({ mode: 'open' });
    const style = doc.createElement('style');
    style.textContent = CARD_CSS;
    root = doc.createElement('div');
    shadow.append(style, root);
    doc.documentElement.append(host);
    return root;
  };
  return {
    render(props: EntityCardProps | null): void {
      if (!props && !root) return;
      render(props ? <EntityCard {...props} /> : null, ensure());
    },
    card: (): HTMLElement | null => (root?.firstElementChild as HTMLElement | null) ?? null,
    isHost: (t: EventTarget | null): boolean => !!host && t === host,
    destroy(): void {
      if (root) render(null, root);
      host?.remove();
      host = root = undefined;
    },
  };
}

/** Places the card beside `anchor` (below it, or above when there is no room), inside the viewport. */
function place(doc: Document, card: HTMLElement, anchor: DOMRect): void {
  const vw = doc.documentElement.clientWidth || doc.defaultView!.innerWidth;
  const vh = doc.defaultView!.innerHeight;
  const w = card.offsetWidth;
  const h = card.offsetHeight;
  let top = anchor.bottom + GAP;
  if (top + h > vh - MARGIN) top = anchor.top - GAP - h >= MARGIN ? anchor.top - GAP - h : Math.max(MARGIN, vh - MARGIN - h);
  const left = Math.min(Math.max(MARGIN, anchor.left), Math.max(MARGIN, vw - MARGIN - w));
  card.style.top = `${Math.round(top)}px`;
  card.style.left = `${Math.round(left)}px`;
}

/** A small least-recently-used cache of promises. */
function cache<T>(size: number): (key: string, make: () => Promise<T>) => Promise<T> {
  const map = new Map<string, Promise<T>>();
  return (key, make) => {
    let v = map.get(key);
    if (v) map.delete(key);
    else v = make().catch((e: unknown) => {
      map.delete(key);
      throw e;
    });
    map.set(key, v);
    if (map.size > size) map.delete(map.keys().next().value!);
    return v;
  };
}

/**
 * Wires hover cards onto a marked page: the hover controller hit-tests the marker's mentions, and
 * the card (in its shadow root) shows the entity and its passages from `source`. Each open is timed
 * as a `backstory-card` performance measure (from the open to the frame after the passages painted).
 */
export function createEntityCards(doc: Document, marker: PageMarker, source: CardSource): EntityCards {
  const win = doc.defaultView!;
  const host = createHost(doc);
  const entities = cache<Entity | null>(CACHE_SIZE);
  const passageLists = cache<PassageHit[]>(CACHE_SIZE);
  let shown: MentionHit | undefined;
  let at: { x: number; y: number } | undefined;
  let openId = 0;
  let focusWhenReady = false;

  const anchor = (): DOMRect | undefined => (shown ? anchorRect(shown.range, at?.x, at?.y) : undefined);
  const draw = (props: Omit<EntityCardProps, 'readerHref' | 'onOpenReader'>): void => {
    host.render({ ...props, readerHref: source.readerHref, onOpenReader: source.openReader });
    const card = host.card();
    const a = anchor();
    if (card && a) place(doc, card, a);
  };

  /** Asks for a mention's entity and passages (or finds them asked for already: the caches hold the promises). */
  const ask = (hit: MentionHit): [Promise<Entity | null>, Promise<PassageHit[]>] => {
    const { entityId } = hit.mention;
    const context = { text: hit.block.text, entityIds: [...new Set(marker.mentionsIn(hit.block).map((m) => m.entityId))] };
    return [
      entities(entityId, () => source.entity(entityId)),
      passageLists(`${entityId}\u0000${context.text}`, () => source.passages(entityId, context, CARD_PASSAGES)),
    ];
  };

  const open = (hit: MentionHit, point?: { x: number; y: number }): void => {
    const started = win.performance.now();
    const id = ++openId;
    shown = hit;
    at = point;
    const [entityP, passagesP] = ask(hit);
    // The card is drawn once, when its answers are in; only if they take longer than LOADING_MS is it
    // drawn before, as loading. Each drawing costs the page a frame (on a page of 50,000 text nodes,
    // 30-45 ms a frame when this was measured, and an open drew three; 10-15 ms since the observer
    // parks far blocks and marks have no underline).
    let props: Omit<EntityCardProps, 'readerHref' | 'onOpenReader'> = {};
    let early: number | undefined = win.setTimeout(() => {
      early = undefined;
      if (id === openId) draw(props);
    }, LOADING_MS);
    /** Draws `next`: now if the card is final or already shown, else when the loading time is up. */
    const update = (next: typeof props, final: boolean): void => {
      if (id !== openId) return;
      props = next;
      if (!final && early !== undefined) return;
      if (early !== undefined) win.clearTimeout(early);
      early = undefined;
      draw(props);
    };
    void entityP.then(
      (entity) => {
        if (id !== openId) return;
        if (!entity) return update({ error: 'This name is no longer in the corpus.' }, true);
        update({ entity }, false);
        return passagesP.then(
          (passages) => {
            if (id !== openId) return;
            update({ entity, passages }, true);
            if (focusWhenReady) host.card()?.querySelector<HTMLElement>('a')?.focus();
            focusWhenReady = false;
            win.requestAnimationFrame(() =>
              win.setTimeout(() => {
                win.performance.clearMeasures('backstory-card');
                win.performance.measure('backstory-card', { start: started, end: win.performance.now() });
              }, 0),
            );
          },
          (e: unknown) => update({ entity, error: `The passages could not be read: ${e instanceof Error ? e.message : String(e)}` }, true),
        );
      },
      (e: unknown) => update({ error: `The card could not be read: ${e instanceof Error ? e.message : String(e)}` }, true),
    );
  };

  const hover = createHoverController(doc, {
    hitTest: (x, y) => marker.mentionAtPoint(x, y),
    isCard: (t) => host.isHost(t),
    // Asked for while the intent delay runs (an answer that fails is asked for again when the card opens).
    prepare: (hit) => void ask(hit).map((p) => p.catch(() => undefined)),
    open,
    follow() {
      const a = anchor();
      const card = host.card();
      if (!a || !card || a.bottom < 0 || a.top > win.innerHeight) return false;
      place(doc, card, a);
      return true;
    },
    close() {
      openId++;
      shown = undefined;
      host.render(null);
    },
  });

  return {
    hover,
    openAtSelection() {
      const sel = doc.getSelection();
      const hit = sel && sel.rangeCount ? marker.mentionFrom(sel.getRangeAt(0).startContainer, sel.getRangeAt(0).startOffset) : marker.mentionFrom(doc.body, 0);
      if (!hit) return false;
      focusWhenReady = true;
      hover.openNow(hit);
      return true;
    },
    reveal(hit) {
      const el = hit.range.startContainer.parentElement;
      el?.scrollIntoView({ block: 'center', behavior: win.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
      focusWhenReady = true;
      // Opened once the scroll has settled, so the card is placed beside the mention where it now is.
      win.setTimeout(() => hover.openNow(hit), 350);
    },
    destroy() {
      hover.destroy();
      host.destroy();
    },
  };
}
