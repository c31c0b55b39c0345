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
 * The most hidden elements watched at once, so a page that keeps adding hidden elements (and
 * removing them: the observer keeps what it watches) costs bounded memory.
 */
export const MAX_WATCHED = 2000;
/** How far from the viewport a shown element is reported: anywhere on the page, in practice. */
const MARGIN = '10000% 0px';

/** Watches hidden elements on `win`; `onShown(el)` is called once an element has a box. Undefined without IntersectionObserver. */
export function createRevealWatch(win: Window, onShown: (el: Element) => void): RevealWatch | undefined {
  const IO = (win as Window & typeof globalThis).IntersectionObserver as typeof IntersectionObserver | undefined;
  if (typeof IO !== 'function') return undefined;
  let watched = new WeakSet<Element>();
  let size = 0;
  const callback = (entries: IntersectionObserverEntry[]): void => {
    for (const e of entries) {
      if (!e.isIntersecting || !watched.has(e.target)) continue;
      observer.unobserve(e.target);
      watched.delete(e.target);
      size--;
      onShown(e.target);
    }
  };
  let observer = new IO(callback, { rootMargin: MARGIN });
  return {
    watch(el) {
      if (size >= MAX_WATCHED || watched.has(el)) return;
      watched.add(el);
      size++;
      observer.observe(el);
    },
    reset() {
      observer.disconnect();
      observer = new IO(callback, { rootMargin: MARGIN });
      watched = new WeakSet();
      size = 0;
    },
    get size() {
      return size;
    },
    destroy() {
      observer.disconnect();
      watched = new WeakSet();
      size = 0;
    },
  };
}
