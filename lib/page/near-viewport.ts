/**
 * Which elements are near the viewport: one IntersectionObserver (the browser computes the
 * geometry off the script's clock) with a margin of a viewport above and below, so what scrolls
 * into view was already reported a screen earlier.
 */

/** Elements watched for being near the viewport. */
export interface NearViewport {
  /** Starts watching an element; its first report comes with the next frame. */
  observe(el: Element): void;
  unobserve(el: Element): void;
  /**
   * Whether an element is near the viewport now, by its box (the same margin), for an element not
   * watched: a layout read, cheap while the page's layout is clean.
   */
  nearNow(el: Element): boolean;
  /** Resolves once every watched element has been reported at least once. */
  settled(): Promise<void>;
  destroy(): void;
}

/** The margin around the viewport that counts as near: a viewport's height above and below. */
const MARGIN = '100% 0px 100% 0px';
/** The same margin, in viewport heights (for `nearNow`). */
const MARGIN_HEIGHTS = 1;

/**
 * Watches elements on `win`; `onChange(el, near)` is called when an element comes near the viewport
 * or leaves it (and once for each element when first reported). Undefined where the browser has no
 * IntersectionObserver.
 */
export function createNearViewport(win: Window, onChange: (el: Element, near: boolean) => void): NearViewport | undefined {
  const IO = (win as Window & { IntersectionObserver?: typeof IntersectionObserver }).IntersectionObserver;
  if (typeof IO !== 'function') return undefined;
  const unreported = new Set<Element>();
  let waiters: (() => void)[] = [];
  const observer = new IO(
    (entries) => {
      for (const e of entries) {
        unreported.delete(e.target);
        onChange(e.target, e.isIntersecting);
      }
      if (!unreported.size) for (const w of waiters.splice(0)) w();
    },
    { rootMargin: MARGIN },
  );
  return {
    observe(el) {
      unreported.add(el);
      observer.observe(el);
    },
    unobserve(el) {
      unreported.delete(el);
      observer.unobserve(el);
      if (!unreported.size) for (const w of waiters.splice(0)) w();
    },
    nearNow(el) {
      const r = el.getBoundingClientRect();
      const h = win.innerHeight;
      return r.bottom >= -MARGIN_HEIGHTS * h && r.top <= h + MARGIN_HEIGHTS * h && r.right >= 0 && r.left <= win.innerWidth;
    },
    settled: () => (unreported.size ? new Promise<void>((ok) => waiters.push(ok)) : Promise.resolve()),
    destroy() {
      observer.disconnect();
      unreported.clear();
      for (const w of waiters.splice(0)) w();
      waiters = [];
    },
  };
}
