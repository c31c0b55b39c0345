import { describe, expect, it } from 'vitest';
import { createNearViewport } from '../../../lib/page/near-viewport';

/** A stand-in element: a page position (top, 20 px high) and, for a scroll container, what it holds. */
interface Box {
  id: number;
  nodeType: 1;
  top: number;
  scrollTop: number;
  contains(other: unknown): boolean;
}
const box = (id: number, top: number, holds: Box[] = []): Box => ({ id, nodeType: 1, top, scrollTop: 0, contains: (o) => holds.includes(o as Box) });

/**
 * A window 1,000 px high whose scrolling, frames, timers and size changes the test drives: its
 * IntersectionObserver reports, at each `frame()`, the targets observed since the last frame and those
 * whose nearness changed (two viewport heights of margin above and below), as the browser does.
 */
function page() {
  const H = 1000;
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const listeners = new Map<string, Set<(e: { target: unknown }) => void>>();
  const io = { cb: undefined as ((entries: unknown[]) => void) | undefined, targets: new Map<Box, boolean | undefined>(), observeCalls: 0 };
  let resized: (() => void) | undefined;
  const documentElement = box(-1, 0);
  const document = { documentElement, body: box(-2, 0), scrollingElement: documentElement };
  const win = {
    document,
    innerHeight: H,
    innerWidth: 800,
    scrollY: 0,
    performance: { now: () => now },
    setTimeout: (fn: () => void, ms = 0) => {
      timers.set(nextId, { at: now + ms, fn });
      return nextId++;
    },
    clearTimeout: (id: number) => void timers.delete(id),
    addEventListener: (type: string, fn: (e: { target: unknown }) => void) => void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(fn),
    removeEventListener: (type: string, fn: (e: { target: unknown }) => void) => void listeners.get(type)?.delete(fn),
    IntersectionObserver: class {
      constructor(cb: (entries: unknown[]) => void) {
        io.cb = cb;
      }
      observe(el: Box) {
        io.observeCalls++;
        io.targets.set(el, undefined);
      }
      unobserve(el: Box) {
        io.targets.delete(el);
      }
      disconnect() {
        io.targets.clear();
      }
    },
    ResizeObserver: class {
      constructor(cb: () => void) {
        resized = cb;
      }
      observe() {}
      disconnect() {}
    },
  };
  const rect = (b: Box) => {
    const top = b.top - win.scrollY;
    return { top, bottom: top + 20, left: 0, right: 300, width: 300, height: 20 };
  };
  return {
    win: win as unknown as Window,
    H,
    io,
    frame(): void {
      const entries = [];
      for (const [el, was] of io.targets) {
        const r = rect(el);
        const near = r.bottom >= -2 * H && r.top <= 3 * H;
        if (near === was) continue;
        io.targets.set(el, near);
        entries.push({ target: el, isIntersecting: near, boundingClientRect: r, rootBounds: { top: -2 * H, bottom: 3 * H } });
      }
      if (entries.length) io.cb!(entries);
    },
    scroll(y: number, target: unknown = document): void {
      win.scrollY = y;
      for (const fn of listeners.get('scroll') ?? []) fn({ target });
    },
    scrollIn(scroller: Box, top: number): void {
      scroller.scrollTop = top;
      for (const fn of listeners.get('scroll') ?? []) fn({ target: scroller });
    },
    layoutChanged: () => resized!(),
    advance(ms: number): void {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at > now) continue;
        timers.delete(id);
        t.fn();
      }
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

/** 100 elements 200 px apart (five a screen): element i at page position i * 200. */
function setUp() {
  const p = page();
  const els = Array.from({ length: 100 }, (_, i) => box(i, i * 200));
  const near = new Map<number, boolean>();
  const nv = createNearViewport(p.win, (el, isNear) => near.set((el as unknown as Box).id, isNear))!;
  for (const el of els) nv.observe(el as unknown as Element);
  p.frame();
  const nearIds = () => [...near].filter(([, v]) => v).map(([k]) => k).sort((a, b) => a - b);
  const watchedIds = () => [...p.io.targets.keys()].map((b) => b.id).sort((a, b) => a - b);
  return { p, els, nv, near, nearIds, watchedIds };
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('createNearViewport', () => {
  it('reports which elements are near, and stops watching those above or below the margin', async () => {
    const { p, nv, near, nearIds, watchedIds } = setUp();
    expect(near.size).toBe(100); // every element reported once
    expect(nearIds()).toEqual(range(0, 15)); // within two screens of the 1,000 px viewport: up to 3,000 px
    expect(watchedIds()).toEqual(range(0, 15)); // the others are parked
    expect(nv.counts()).toEqual({ watched: 16, parked: 84 });
    await expect(nv.settled()).resolves.toBeUndefined();
    p.frame(); // nothing changed: no reports, nothing watched again
    expect(nv.counts()).toEqual({ watched: 16, parked: 84 });
  });

  it('watches parked elements again as the viewport comes within the margin of them, and parks those left behind', () => {
    const { p, nv, nearIds, watchedIds } = setUp();
    const calls = p.io.observeCalls;
    p.scroll(400); // less than half a screen: parked elements are not even compared
    expect(p.io.observeCalls).toBe(calls);
    p.scroll(3000);
    // The viewport is 3,000-4,000 px; with the margin 1,000-6,000, so elements 16-30 come back.
    expect(watchedIds()).toEqual(range(0, 30));
    p.frame();
    expect(nearIds()).toEqual(range(5, 30));
    expect(watchedIds()).toEqual(range(5, 30)); // 0-4 were reported far, above the margin: parked
    p.scroll(9000); // a jump far down (an anchor, End): no element in between had to be passed
    expect(watchedIds()).toEqual([...range(5, 30), ...range(35, 60)]);
    p.frame();
    expect(nearIds()).toEqual(range(35, 60)); // 7,000-12,000
    expect(watchedIds()).toEqual(range(35, 60));
    expect(nv.counts()).toEqual({ watched: 26, parked: 74 });
  });

  it('keeps watching an element beside the viewport or clipped (it may come into view without a scroll)', () => {
    const p = page();
    const beside = box(1, 500);
    const nv = createNearViewport(p.win, () => {})!;
    nv.observe(beside as unknown as Element);
    // Reported not near while its box is level with the viewport (a carousel's next slide).
    p.io.cb!([{ target: beside, isIntersecting: false, boundingClientRect: { top: 500, bottom: 520, left: 900, right: 1200 }, rootBounds: { top: -2000, bottom: 3000 } }]);
    expect(nv.counts()).toEqual({ watched: 1, parked: 0 });
  });

  it('watches again the parked elements of a scroll container that scrolls half a screen', () => {
    const p = page();
    const inner = Array.from({ length: 50 }, (_, i) => box(i, i * 200));
    const outer = Array.from({ length: 50 }, (_, i) => box(100 + i, i * 200));
    const scroller = box(-3, 0, inner);
    const nv = createNearViewport(p.win, () => {})!;
    for (const el of [...inner, ...outer]) nv.observe(el as unknown as Element);
    p.frame();
    expect(nv.counts()).toEqual({ watched: 32, parked: 68 });
    const calls = p.io.observeCalls;
    p.scrollIn(scroller, 300);
    expect(p.io.observeCalls).toBe(calls);
    p.scrollIn(scroller, 600);
    // Its 34 parked elements are watched again (the browser reports where they are now); the page's are not.
    expect(p.io.observeCalls - calls).toBe(34);
    expect([...p.io.targets.keys()].filter((b) => b.id >= 100)).toHaveLength(16);
  });

  it('watches every parked element again when the layout changes, at most every 500 ms', () => {
    const { p, els, nv, nearIds } = setUp();
    // The page's layout changes: everything moves up 12,000 px without a scroll.
    for (const el of els) el.top -= 12_000;
    p.layoutChanged();
    expect(nv.counts().parked).toBe(84); // on the next timer task, not inside the observer's callback
    p.advance(0);
    expect(nv.counts()).toEqual({ watched: 100, parked: 0 });
    p.frame();
    expect(nearIds()).toEqual(range(50, 75)); // -2,000 to 3,000 px now
    expect(nv.counts()).toEqual({ watched: 26, parked: 74 });
    // Another change soon after waits until 500 ms after the last re-watching.
    p.layoutChanged();
    p.advance(499);
    expect(nv.counts().parked).toBe(74);
    p.advance(1);
    expect(nv.counts()).toEqual({ watched: 100, parked: 0 });
  });

  it('forgets an unobserved element, parked or watched, and removes its listeners when destroyed', () => {
    const { p, els, nv, watchedIds } = setUp();
    nv.unobserve(els[50] as unknown as Element);
    nv.unobserve(els[0] as unknown as Element);
    expect(nv.counts()).toEqual({ watched: 15, parked: 83 });
    p.scroll(9000);
    expect(watchedIds()).not.toContain(50);
    expect(watchedIds()).toContain(51);
    nv.destroy();
    expect(nv.counts()).toEqual({ watched: 0, parked: 0 });
    expect(p.listenerCount()).toBe(0);
  });
});
