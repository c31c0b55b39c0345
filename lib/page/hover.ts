import type { MentionHit } from './marker';

/**
 * When the hover card opens and closes. One delegated pointer listener on the document hit-tests
 * (at most once a frame) the mark under the pointer; the card opens after a short intent delay,
 * stays open while the pointer is on the mark or in the card, and closes a short delay after the
 * pointer leaves both, on Escape, on a click elsewhere, and when its mark scrolls out of view.
 */

/** What the controller drives. */
export interface HoverTarget {
  /** The marked mention at viewport point (x, y), if any. */
  hitTest(x: number, y: number): MentionHit | undefined;
  /** Whether an event target is the card (its host element). */
  isCard(target: EventTarget | null): boolean;
  /**
   * The pointer has rested on a mention for `PREPARE_MS` and may open its card: what the card
   * needs can be asked for now, so the card is drawn sooner once the intent delay is over.
   */
  prepare?(hit: MentionHit): void;
  /** Opens the card for a mention; (x, y) is where the pointer rests, if it was the pointer. */
  open(hit: MentionHit, at?: { x: number; y: number }): void;
  /** Moves the open card with its mark after a scroll; returns false when the mark is out of view. */
  follow(): boolean;
  close(): void;
}

/** The hover behaviour on one document. */
export interface HoverController {
  /** Opens the card for a mention now (the keyboard command). */
  openNow(hit: MentionHit): void;
  /** The mention whose card is open. */
  readonly current: MentionHit | undefined;
  destroy(): void;
}

/** Milliseconds the pointer rests on a mark before its card opens. */
export const INTENT_MS = 120;
/** Milliseconds after the pointer leaves the mark and the card before the card closes. */
export const LEAVE_MS = 300;
/** Milliseconds the pointer rests on a mark before its card is prepared (a pointer passing over asks nothing). */
export const PREPARE_MS = 40;

/** Starts the hover behaviour on `doc`. */
export function createHoverController(doc: Document, target: HoverTarget, options: { intentMs?: number; leaveMs?: number } = {}): HoverController {
  const win = doc.defaultView!;
  const intentMs = options.intentMs ?? INTENT_MS;
  const leaveMs = options.leaveMs ?? LEAVE_MS;
  let current: MentionHit | undefined;
  let pending: MentionHit | undefined;
  let intentTimer: number | undefined;
  let prepareTimer: number | undefined;
  let leaveTimer: number | undefined;
  let frame: number | undefined;
  let last: { x: number; y: number; target: EventTarget | null } | undefined;

  const same = (a: MentionHit | undefined, b: MentionHit | undefined): boolean =>
    !!a && !!b && a.block.element === b.block.element && a.mention.start === b.mention.start && a.mention.entityId === b.mention.entityId;

  const cancelIntent = (): void => {
    if (intentTimer !== undefined) win.clearTimeout(intentTimer);
    if (prepareTimer !== undefined) win.clearTimeout(prepareTimer);
    intentTimer = prepareTimer = undefined;
    pending = undefined;
  };
  const cancelLeave = (): void => {
    if (leaveTimer !== undefined) win.clearTimeout(leaveTimer);
    leaveTimer = undefined;
  };
  const close = (): void => {
    cancelIntent();
    cancelLeave();
    if (!current) return;
    current = undefined;
    target.close();
  };
  const open = (hit: MentionHit, at?: { x: number; y: number }): void => {
    cancelIntent();
    cancelLeave();
    current = hit;
    target.open(hit, at);
  };

  const check = (): void => {
    frame = undefined;
    if (!last) return;
    const { x, y } = last;
    if (target.isCard(last.target)) {
      cancelLeave();
      cancelIntent();
      return;
    }
    const hit = target.hitTest(x, y);
    if (hit && same(hit, current)) {
      cancelLeave();
      cancelIntent();
      return;
    }
    if (hit) {
      if (!same(hit, pending)) {
        cancelIntent();
        pending = hit;
        intentTimer = win.setTimeout(() => open(hit, { x, y }), intentMs);
        if (target.prepare && intentMs > PREPARE_MS) prepareTimer = win.setTimeout(() => target.prepare!(hit), PREPARE_MS);
      }
      return;
    }
    cancelIntent();
    if (current && leaveTimer === undefined) leaveTimer = win.setTimeout(close, leaveMs);
  };

  const onMove = (e: PointerEvent): void => {
    if (e.pointerType === 'touch') return;
    last = { x: e.clientX, y: e.clientY, target: e.target };
    frame ??= win.requestAnimationFrame(check);
  };
  const onOut = (e: PointerEvent): void => {
    if (e.relatedTarget === null) {
      // The pointer left the window.
      last = undefined;
      cancelIntent();
      if (current && leaveTimer === undefined) leaveTimer = win.setTimeout(close, leaveMs);
    }
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && current) close();
  };
  const onDown = (e: PointerEvent): void => {
    if (current && !target.isCard(e.target)) close();
  };
  let scrollFrame: number | undefined;
  const onScroll = (): void => {
    if (!current || scrollFrame !== undefined) return;
    scrollFrame = win.requestAnimationFrame(() => {
      scrollFrame = undefined;
      if (current && !target.follow()) close();
    });
  };

  const listen = { capture: true, passive: true } as const;
  doc.addEventListener('pointermove', onMove, listen);
  doc.addEventListener('pointerout', onOut, listen);
  doc.addEventListener('pointerdown', onDown, listen);
  doc.addEventListener('keydown', onKey, true);
  win.addEventListener('scroll', onScroll, listen);

  return {
    openNow: (hit) => open(hit),
    get current() {
      return current;
    },
    destroy() {
      close();
      if (frame !== undefined) win.cancelAnimationFrame(frame);
      if (scrollFrame !== undefined) win.cancelAnimationFrame(scrollFrame);
      doc.removeEventListener('pointermove', onMove, listen);
      doc.removeEventListener('pointerout', onOut, listen);
      doc.removeEventListener('pointerdown', onDown, listen);
      doc.removeEventListener('keydown', onKey, true);
      win.removeEventListener('scroll', onScroll, listen);
    },
  };
}
