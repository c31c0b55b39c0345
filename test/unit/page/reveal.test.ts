import { describe, expect, it } from 'vitest';
import { createRevealWatch, MAX_WATCHED } from '../../../lib/page/reveal';

/** A stand-in element: in the page or not, and whether it has a box (shown). */
interface El {
  id: number;
  isConnected: boolean;
  shown: boolean;
}

/** A window whose IntersectionObserver reports, at each `frame()`, the targets whose state changed (and new ones), as the browser does. */
function page() {
  const io = { cb: undefined as ((entries: unknown[]) => void) | undefined, targets: new Map<El, boolean | undefined>(), observers: 0 };
  const win = {
    IntersectionObserver: class {
      constructor(cb: (entries: unknown[]) => void) {
        io.cb = cb;
        io.targets = new Map();
        io.observers++;
      }
      observe(el: El) {
        if (!io.targets.has(el)) io.targets.set(el, undefined);
      }
      unobserve(el: El) {
        io.targets.delete(el);
      }
      disconnect() {
        io.targets.clear();
      }
    },
  } as unknown as Window;
  const frame = (): void => {
    const entries = [];
    for (const [target, was] of io.targets) {
      const now = target.isConnected && target.shown;
      if (was !== now) entries.push({ target, isIntersecting: now });
      io.targets.set(target, now);
    }
    if (entries.length) io.cb!(entries);
  };
  return { win, io, frame };
}

let ids = 0;
const el = (shown = false): El => ({ id: ids++, isConnected: true, shown });

describe('createRevealWatch', () => {
  it('tells of a watched element once it has a box, once, and then lets it go', () => {
    const { win, io, frame } = page();
    const told: El[] = [];
    const watch = createRevealWatch(win, (e) => told.push(e as unknown as El))!;
    const [a, b] = [el(), el()];
    watch.watch(a as unknown as Element);
    watch.watch(b as unknown as Element);
    watch.watch(a as unknown as Element);
    frame();
    expect(told).toEqual([]);
    expect(watch.size).toBe(2);
    a.shown = true;
    frame();
    frame();
    expect(told).toEqual([a]);
    expect(watch.size).toBe(1);
    expect(io.targets.has(a)).toBe(false);
  });

  it('forgets every element on reset, and watches none after destroy', () => {
    const { win, io, frame } = page();
    const told: unknown[] = [];
    const watch = createRevealWatch(win, (e) => told.push(e))!;
    const a = el();
    watch.watch(a as unknown as Element);
    watch.reset();
    expect(watch.size).toBe(0);
    a.shown = true;
    frame();
    expect(told).toEqual([]);
    watch.watch(el() as unknown as Element);
    watch.destroy();
    expect(watch.size).toBe(0);
    expect(io.targets.size).toBe(0);
  });

  it('watches at most MAX_WATCHED, and at the cap lets go of those the page took away', () => {
    const { win, io } = page();
    const watch = createRevealWatch(win, () => undefined)!;
    const els = Array.from({ length: MAX_WATCHED }, () => el());
    for (const e of els) watch.watch(e as unknown as Element);
    const late = el();
    watch.watch(late as unknown as Element);
    expect(watch.size).toBe(MAX_WATCHED);
    expect(io.targets.has(late)).toBe(false);
    // The page removes ten: within 64 calls they are let go, and ten new ones take their places.
    for (const e of els.slice(0, 10)) e.isConnected = false;
    const next = Array.from({ length: 64 + 10 }, () => el());
    for (const e of next) watch.watch(e as unknown as Element);
    expect(watch.size).toBe(MAX_WATCHED);
    expect(els.slice(0, 10).filter((e) => io.targets.has(e))).toEqual([]);
    expect(next.filter((e) => io.targets.has(e))).toHaveLength(10);
  });

  it('is undefined without IntersectionObserver', () => {
    expect(createRevealWatch({} as Window, () => undefined)).toBeUndefined();
  });
});
