/**
 * Which elements are near the viewport: one IntersectionObserver (the browser computes the geometry
 * off the script's clock) with a margin of two viewport heights above and below, so what scrolls
 * into view was reported near two screens earlier.
 *
 * The observer recomputes every element it watches in each frame that scrolls or changes layout
 * (Chromium: 8-21 ms a frame with 5,000 blocks on the 50,000-node page, in every card open and every
 * scroll frame). So an element reported above or below the margin is parked: no longer watched, its
 * page position (from that report) kept. It is watched again when the viewport comes within the margin of that position
 * (compared on scroll, every half screen, so a parked element is at least a screen and a half away),
 * when a scroll container holding it has scrolled half a screen, and, since layout changes make kept
 * positions stale, when `<html>` or `<body>` changes size or the window is resized (at most every
 * `REPROBE_MS`). The observer then watches only the few elements within the margin.
 */

/** Elements watched for being near the viewport. */
export interface NearViewport {
  /** Starts watching an element (one watched or parked already is left as it is); its first report comes with the next frame. */
  observe(el: Element): void;
  unobserve(el: Element): void;
  /** Resolves once every watched element has been reported at least once. */
  settled(): Promise<void>;
  /** Elements the observer watches now, and those parked far away. */
  counts(): { watched: number; parked: number };
  destroy(): void;
}

/** The margin around the viewport that counts as near, in viewport heights above and below. */
const MARGIN_HEIGHTS = 2;
const MARGIN = `${MARGIN_HEIGHTS * 100}% 0px ${MARGIN_HEIGHTS * 100}% 0px`;
/** The least time between two re-watchings of every parked element after the page's layout changed. */
const REPROBE_MS = 500;

/**
 * Watches elements on `win`; `onChange(el, near)` is called when an element comes near the viewport
 * or leaves it (and once for each element when first reported, and again when watched again after
 * being parked). Undefined where the browser has no IntersectionObserver.
 */
export function createNearViewport(win: Window, onChange: (el: Element, near: boolean) => void): NearViewport | undefined {
  const w = win as Window & typeof globalThis;
  const IO = w.IntersectionObserver as typeof IntersectionObserver | undefined;
  if (typeof IO !== 'function') return undefined;
  const doc = win.document;
  const watched = new Set<Element>();
  /** Parked elements and their page position (top and bottom, in CSS pixels from the top of the page) when last reported. */
  const parked = new Map<Element, { top: number; bottom: number }>();
  const unreported = new Set<Element>();
  let waiters: (() => void)[] = [];
  const wake = (): void => {
    if (!unreported.size) for (const ok of waiters.splice(0)) ok();
  };

  const observer = new IO(
    (entries) => {
      const y = win.scrollY;
      const h = win.innerHeight;
      // The margin's edges are the same for every entry of one report: read once (each read of an
      // entry's rectangle makes an object, and a first scan reports thousands of entries).
      const bounds = entries[0]?.rootBounds;
      const top = bounds?.top ?? -MARGIN_HEIGHTS * h;
      const bottom = bounds?.bottom ?? (1 + MARGIN_HEIGHTS) * h;
      for (const e of entries) {
        const el = e.target;
        if (!watched.has(el)) continue; // unwatched since the browser computed it
        unreported.delete(el);
        onChange(el, e.isIntersecting);
        if (e.isIntersecting) continue;
        // Parked only when above or below the margin: one beside the viewport (a carousel's next
        // slide) or clipped by a container may come into view without a scroll, so it stays watched.
        const r = e.boundingClientRect;
        if (r.top < bottom - 1 && r.bottom > top + 1) continue;
        observer.unobserve(el);
        watched.delete(el);
        parked.set(el, { top: r.top + y, bottom: r.bottom + y });
      }
      wake();
    },
    { rootMargin: MARGIN },
  );

  const watch = (el: Element): void => {
    parked.delete(el);
    watched.add(el);
    observer.observe(el);
  };

  // --- Watching parked elements again ------------------------------------------------------------

  /** The scroll position of the page, and of each scroll container, when parked elements were last compared with it. */
  let checkedY = win.scrollY;
  const checkedTop = new WeakMap<Element, number>();

  const onScroll = (ev: Event): void => {
    if (!parked.size) return;
    const h = win.innerHeight;
    const t = ev.target as Node | null;
    if (!t || t === doc || t === doc.documentElement || t === doc.scrollingElement) {
      const y = win.scrollY;
      if (Math.abs(y - checkedY) < h / 2) return;
      checkedY = y;
      const lo = y - MARGIN_HEIGHTS * h;
      const hi = y + h + MARGIN_HEIGHTS * h;
      for (const [el, p] of parked) if (p.bottom >= lo && p.top <= hi) watch(el);
    } else if (t.nodeType === 1) {
      // A scroll container in the page: its elements' kept positions no longer hold; every half
      // screen it scrolls, those parked in it are watched again (and parked again if still far).
      const s = t as Element;
      const top = s.scrollTop;
      if (Math.abs(top - (checkedTop.get(s) ?? 0)) < h / 2) return;
      checkedTop.set(s, top);
      for (const el of parked.keys()) if (s.contains(el)) watch(el);
    }
  };

  let lastReprobe = -Infinity;
  let reprobeTimer: number | undefined;
  /** The page's layout changed: kept positions may be wrong, so every parked element is watched again. */
  const reprobe = (): void => {
    if (!parked.size || reprobeTimer !== undefined) return;
    const wait = lastReprobe + REPROBE_MS - win.performance.now();
    reprobeTimer = win.setTimeout(() => {
      reprobeTimer = undefined;
      lastReprobe = win.performance.now();
      checkedY = win.scrollY;
      for (const el of [...parked.keys()]) watch(el);
    }, Math.max(0, wait));
  };

  win.addEventListener('scroll', onScroll, { capture: true, passive: true });
  win.addEventListener('resize', reprobe, { passive: true });
  const RO = w.ResizeObserver as typeof ResizeObserver | undefined;
  const sizes = typeof RO === 'function' ? new RO(reprobe) : undefined;
  sizes?.observe(doc.documentElement);
  if (doc.body) sizes?.observe(doc.body);

  return {
    observe(el) {
      if (watched.has(el) || parked.has(el)) return;
      unreported.add(el);
      watch(el);
    },
    unobserve(el) {
      unreported.delete(el);
      parked.delete(el);
      watched.delete(el);
      observer.unobserve(el);
      wake();
    },
    settled: () => (unreported.size ? new Promise<void>((ok) => waiters.push(ok)) : Promise.resolve()),
    counts: () => ({ watched: watched.size, parked: parked.size }),
    destroy() {
      observer.disconnect();
      sizes?.disconnect();
      win.removeEventListener('scroll', onScroll, { capture: true });
      win.removeEventListener('resize', reprobe);
      if (reprobeTimer !== undefined) win.clearTimeout(reprobeTimer);
      watched.clear();
      parked.clear();
      unreported.clear();
      for (const ok of waiters.splice(0)) ok();
      waiters = [];
    },
  };
}
