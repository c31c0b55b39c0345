// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHoverController, type HoverController, INTENT_MS, LEAVE_MS, PREPARE_MS } from '../../../lib/page/hover';
import type { MentionHit } from '../../../lib/page/marker';

/** A page with one mark at x in [0, 100) and a card at x in [200, 300); the rest is plain text. */
function setup() {
  document.body.innerHTML = '<p>text</p><div id="card"></div>';
  const card = document.getElementById('card')!;
  const hit: MentionHit = {
    mention: { start: 0, end: 4, entityId: 'iraq', type: 'country' },
    block: { element: document.querySelector('p')!, text: 'text', nodes: [], starts: [] },
    range: document.createRange(),
  };
  let inView = true;
  const calls: string[] = [];
  const prepared: string[] = [];
  const controller = createHoverController(document, {
    hitTest: (x) => (x < 100 ? hit : undefined),
    isCard: (t) => t === card,
    prepare: (h) => prepared.push(h.mention.entityId),
    open: (h) => calls.push(`open ${h.mention.entityId}`),
    follow: () => inView,
    close: () => calls.push('close'),
  });
  const move = (x: number, target: EventTarget = document.body) => {
    const e = new PointerEvent('pointermove', { clientX: x, clientY: 5, bubbles: true, pointerType: 'mouse' });
    target.dispatchEvent(e);
    vi.advanceTimersByTime(20); // one frame
  };
  return { card, calls, prepared, controller, move, scrollAway: () => (inView = false) };
}

let controller: HoverController | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
});
afterEach(() => {
  controller?.destroy();
  controller = undefined;
  vi.useRealTimers();
});

describe('createHoverController', () => {
  it('opens only after the pointer rests on a mark for the intent delay', () => {
    const s = setup();
    controller = s.controller;
    s.move(50);
    vi.advanceTimersByTime(INTENT_MS - 40);
    expect(s.calls).toEqual([]);
    vi.advanceTimersByTime(40);
    expect(s.calls).toEqual(['open iraq']);
  });

  it('prepares the card once the pointer has rested on a mark for PREPARE_MS, before the intent delay is over', () => {
    const s = setup();
    controller = s.controller;
    s.move(50); // hit-tested in the frame after the pointer arrived (16 ms), and 4 ms more
    vi.advanceTimersByTime(PREPARE_MS - 10);
    expect(s.prepared).toEqual([]);
    vi.advanceTimersByTime(10);
    expect(s.prepared).toEqual(['iraq']);
    expect(s.calls).toEqual([]);
    s.move(60); // resting on the same mark: not prepared again
    vi.advanceTimersByTime(INTENT_MS);
    expect(s.prepared).toEqual(['iraq']);
    expect(s.calls).toEqual(['open iraq']);
  });

  it('does not open when the pointer passes over a mark', () => {
    const s = setup();
    controller = s.controller;
    s.move(50);
    s.move(150);
    vi.advanceTimersByTime(INTENT_MS * 2);
    expect(s.calls).toEqual([]);
    expect(s.prepared).toEqual([]); // nor asks for anything
  });

  it('stays open while the pointer is in the card, and closes a short delay after it leaves both', () => {
    const s = setup();
    controller = s.controller;
    s.move(50);
    vi.advanceTimersByTime(INTENT_MS);
    s.move(150); // between mark and card
    s.move(250, s.card);
    vi.advanceTimersByTime(LEAVE_MS * 3);
    expect(s.calls).toEqual(['open iraq']);
    s.move(400);
    vi.advanceTimersByTime(LEAVE_MS - 40);
    expect(s.calls).toEqual(['open iraq']);
    vi.advanceTimersByTime(40);
    expect(s.calls).toEqual(['open iraq', 'close']);
  });

  it('closes on Escape', () => {
    const s = setup();
    controller = s.controller;
    s.move(50);
    vi.advanceTimersByTime(INTENT_MS);
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(s.calls).toEqual(['open iraq', 'close']);
    expect(controller.current).toBeUndefined();
  });

  it('closes when its mark scrolls out of view', () => {
    const s = setup();
    controller = s.controller;
    controller.openNow(controller.current ?? ({ mention: { start: 0, end: 4, entityId: 'iraq', type: 'country' } } as MentionHit));
    window.dispatchEvent(new Event('scroll'));
    vi.advanceTimersByTime(20);
    expect(s.calls).toEqual(['open iraq']);
    s.scrollAway();
    window.dispatchEvent(new Event('scroll'));
    vi.advanceTimersByTime(20);
    expect(s.calls).toEqual(['open iraq', 'close']);
  });
});
