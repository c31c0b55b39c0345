/**
 * Hidden parts of a page that it may show later: a tab's panel, an accordion, a menu, the rest of an
 * article behind "Read more", a live blog's older posts. The walk passes hidden elements by (their
 * text is not on screen); each is watched here by one IntersectionObserver, which reports it in the
 * frame where it gets a box within the margin (the browser computes that off the script's clock),
 * and the marker then reads it as a change of the page. Attribute changes are not observed: pages
 * change classes and styles all the time, and a change of one of them shows something only rarely.
 *
 * Only elements without a box are worth watching (`display: none`): one that keeps its box while
 * hidden (`visibility: hidden`, `content-visibility: hidden`) is reported at once, hidden still, and
 * showing it later is missed (the marker does not watch those).
 */

/** Hidden elements watched for being shown. */
export interface RevealWatch {
  /** Watches an element (once; past the cap, none). */
  watch(el: Element): void;
  /** Forgets every watched element (before the whole page is read again). */
  reset(): void;
  /** Elements watched now. */
  readonly size: number;
  destroy(): void;
}

/**
 * The most hidden elements watched at once, so a page that keeps adding hidden elements costs
 * bounded memory (the observer keeps what it watches, in the page or not): at the cap, those the
 * page has taken away are let go first.
 */
export const MAX_WATCHED = 2000;
/** How far from the viewport a shown element is reported: anywhere on the page, in practice. */
const MARGIN = '10000% 0px';

/** Watches hidden elements on `win`; `onShown(el)` is called once an element has a box. Undefined without IntersectionObserver. */
export function createRevealWatch(win: Window, onShown: (el: Element) => void): RevealWatch | undefined {
  const IO = (win as Window & typeof globalThis).IntersectionObserver as typeof IntersectionObserver | undefined;
  if (typeof IO !== 'function') return undefined;
  const watched = new Set<Element>();
  let atCap = 0;
  const callback = (entries: IntersectionObserverEntry[]): void => {
    for (const e of entries) {
      if (!e.isIntersecting || !watched.delete(e.target)) continue;
      observer.unobserve(e.target);
      onShown(e.target);
    }
  };
  let observer = new IO(callback, { rootMargin: MARGIN });
  return {
    watch(el) {
      if (watched.has(el)) return;
      // At the cap, one call in 64 looks for elements to let go (so a page that keeps adding hidden
      // elements pays a look over the cap's worth only now and then).
      if (watched.size >= MAX_WATCHED) {
        if (atCap++ % 64 !== 0) return;
        for (const w of watched) {
          if (w.isConnected) continue;
          watched.delete(w);
          observer.unobserve(w);
        }
        if (watched.size >= MAX_WATCHED) return;
      }
      watched.add(el);
      observer.observe(el);
    },
    reset() {
      observer.disconnect();
      observer = new IO(callback, { rootMargin: MARGIN });
      watched.clear();
      atCap = 0;
    },
    get size() {
      return watched.size;
    },
    destroy() {
      observer.disconnect();
      watched.clear();
    },
  };
}
