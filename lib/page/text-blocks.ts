import { BLOCK_SEPARATOR } from '../match/separator';
import { isLowerAt, isUpperAt } from '../text/case';

/**
 * Reads a page's visible text into blocks (paragraphs, headings, list items, table cells), each
 * with the text nodes it is made of, so a name split across <a>, <em> or <span> is one text.
 * A block is keyed by its element: the nearest ancestor of its text that is not an inline element.
 */

/** One block of page text and where each of its text nodes starts in it. */
export interface TextBlock {
  readonly element: Element;
  readonly text: string;
  /** Its text nodes (looked up when first asked for where the block was read whole; none if the page changed them since). */
  readonly nodes: readonly Text[];
  /** `starts[i]` is the offset of `nodes[i]` in `text`. */
  readonly starts: readonly number[];
  /**
   * Looks its text nodes up a part at a time, until `stop()` says the slice is over; true once they
   * are known. (Where the block was read node by node they are, and this is absent.)
   */
  readonly loadNodes?: (stop: () => boolean) => boolean;
}

/** Elements whose text is never read: code, forms, scripts, media, and the document head. */
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION', 'BUTTON', 'CODE', 'PRE', 'KBD', 'SAMP', 'SVG', 'MATH', 'IFRAME', 'OBJECT', 'CANVAS', 'VIDEO', 'AUDIO', 'HEAD', 'TITLE']);

/** Inline elements: their text belongs to the enclosing block. */
const INLINE = new Set(['A', 'ABBR', 'B', 'BDI', 'BDO', 'CITE', 'DATA', 'DFN', 'EM', 'FONT', 'I', 'LABEL', 'MARK', 'Q', 'S', 'SMALL', 'SPAN', 'STRONG', 'SUB', 'SUP', 'TIME', 'U', 'VAR', 'WBR', 'INS', 'DEL', 'BACKSTORY-MARK']);

/** The element the fallback wraps marks in where the CSS Custom Highlight API is missing. */
export const MARK_TAG = 'backstory-mark';

/** True for an element whose text belongs to its parent's block. */
export const isInline = (el: Element): boolean => INLINE.has(el.tagName.toUpperCase());

/**
 * Elements that keep a block from being read whole with `textContent`: any that is not inline (a
 * nested block, or a skipped element such as a script), save text-free `br` and `img`, and inline
 * elements whose text is skipped.
 */
const NOT_WHOLE = `${[...INLINE, 'BR', 'IMG'].map((t) => `:not(${t.toLowerCase()})`).join('')},[hidden],[aria-hidden="true"],[contenteditable]:not([contenteditable="false"])`;

/**
 * A block read whole: its text nodes are looked up (every text node under its element) when first
 * asked for, or a part at a time by `loadNodes` (a block of tens of thousands of nodes takes a
 * content script tens of milliseconds to walk: the marker spreads that over its slices).
 */
function wholeBlock(element: Element, text: string): TextBlock {
  // Made for every block of every page, most never drawn: nothing is allocated until asked.
  let nodes: Text[] | undefined;
  let found: Text[] | undefined;
  let starts: number[] | undefined;
  let walker: TreeWalker | undefined;
  let at = 0;
  const load = (stop: () => boolean): boolean => {
    if (nodes) return true;
    found ??= [];
    starts ??= [];
    walker ??= element.ownerDocument.createTreeWalker(element, 4 /* SHOW_TEXT */);
    for (let k = 1, n = walker.nextNode() as Text | null; n; k++, n = walker.nextNode() as Text | null) {
      found.push(n);
      starts.push(at);
      at += n.length;
      if ((k & 255) === 0 && stop()) return false;
    }
    walker = undefined;
    nodes = found;
    // The page changed the text since it was read: no node is trusted until it is read again.
    if (at !== text.length) nodes.length = starts.length = 0;
    return true;
  };
  return {
    element,
    text,
    get nodes() {
      load(never);
      return nodes!;
    },
    get starts() {
      load(never);
      return starts!;
    },
    loadNodes: load,
  };
}

/** A stop test that never stops: the whole walk at once. */
const never = (): boolean => false;

/** Characters `partEnd` looks back through for a place to cut (every page pays it cold, in the interpreter). */
const CUT_SEARCH = 512;

/**
 * Where to end a part of `text` that starts at `from` and holds at most `max` characters: after the
 * last line break or sentence end in its last 512 characters or its second half, whichever is
 * shorter (a full stop, "!" or "?" after four lower-case letters, so not "Gen." or "Capt.", then
 * white space and a capital), else after its last white space there, so that no name is cut in two.
 */
export function partEnd(text: string, from: number, max: number): number {
  const limit = from + max;
  if (limit >= text.length) return text.length;
  let space = -1;
  for (let k = limit, stop = from + Math.max(max >> 1, max - CUT_SEARCH); k > stop; k--) {
    const c = text.charCodeAt(k - 1);
    if (c === 0x0a) return k;
    if (c !== 0x20 && c !== 0xa0) continue;
    if (space < 0) space = k;
    const end = text.charCodeAt(k - 2);
    if ((end === 0x2e || end === 0x21 || end === 0x3f) && k >= 6 && isUpperAt(text, k) && [3, 4, 5, 6].every((d) => isLowerAt(text, k - d))) return k;
  }
  if (space > 0) return space;
  // No white space where it looked: cut at the limit, but not inside a surrogate pair.
  const c = text.charCodeAt(limit - 1);
  return c >= 0xd800 && c <= 0xdbff ? limit - 1 : limit;
}

/**
 * True when an element's text is never read: code, forms, scripts, `hidden` or `aria-hidden`
 * content, editable areas, and the extension's own elements (its card), except its fallback marks.
 * (An element inside an editable area is caught by the area's own `contenteditable`: the walk
 * tests every ancestor.)
 */
export const isSkipped = (el: Element): boolean => skipReason(el) !== Skip.No;

/** Why an element's text is never read: not at all, only its `hidden` attribute (which the page may take away), or anything else. */
const enum Skip {
  No,
  HiddenAttribute,
  Always,
}

function skipReason(el: Element): Skip {
  const tag = el.tagName.toUpperCase();
  if (SKIP.has(tag) || (tag.startsWith('BACKSTORY-') && tag !== 'BACKSTORY-MARK')) return Skip.Always;
  if (!el.hasAttributes()) return Skip.No;
  if (el.getAttribute('aria-hidden') === 'true') return Skip.Always;
  const editable = el.getAttribute('contenteditable');
  if (editable !== null && editable !== 'false') return Skip.Always;
  return el.hasAttribute('hidden') ? Skip.HiddenAttribute : Skip.No;
}

/** The block element of a node: its nearest ancestor (or itself) that is not inline, `root` at most. */
export function blockElementOf(node: Node, root: Node): Element {
  let el = node.nodeType === 1 ? (node as Element) : node.parentElement!;
  while (el !== root && el.parentElement && isInline(el)) el = el.parentElement;
  return el;
}

/**
 * True when `el` or an ancestor up to (not including) `stop` is skipped or hidden, so text under it
 * must not be read. Used before rescanning a part of the page that changed.
 */
export function insideSkipped(el: Element, stop: Node, isHidden: (el: Element) => boolean = () => false): boolean {
  if ((el as HTMLElement).isContentEditable === true) return true;
  for (let e: Element | null = el; e && e !== stop; e = e.parentElement) if (isSkipped(e) || isHidden(e)) return true;
  return false;
}

/**
 * The outermost element from `el` up to (not including) `stop` that is hidden in a way the page may
 * undo (by its style or the `hidden` attribute), where nothing else keeps the text from being read
 * (code, `aria-hidden`, an editable area); else undefined.
 */
export function shownLater(el: Element, stop: Node, isHidden: (el: Element) => boolean): Element | undefined {
  if ((el as HTMLElement).isContentEditable === true) return undefined;
  let found: Element | undefined;
  for (let e: Element | null = el; e && e !== stop; e = e.parentElement) {
    const reason = skipReason(e);
    if (reason === Skip.Always) return undefined;
    if (reason === Skip.HiddenAttribute || isHidden(e)) found = e;
  }
  return found;
}

/**
 * A hidden-element test: true when the element is `display: none`, `visibility: hidden` or hides
 * its contents (`content-visibility: hidden`). It reads the computed style, which needs only the
 * page's style to be up to date; `checkVisibility` also needs its boxes built, and in Firefox that
 * made the first query after the page had changed (a broken image shown as its alt text, a late
 * stylesheet) rebuild them for the whole page inside our task: measured on the saved Wikipedia page,
 * queries of 29-54 ms, against at most 13 ms with the computed style. An ancestor's `display: none`
 * is not seen here: callers test every element from their root down (the walk does not enter a
 * hidden element). An element with `display: contents` has no box of its own but shows its children,
 * so it is not hidden.
 */
export function hiddenTest(doc: Document): (el: Element) => boolean {
  const view = doc.defaultView;
  return (el) => {
    const style = view?.getComputedStyle?.(el);
    return !!style && (style.display === 'none' || style.visibility === 'hidden' || style.contentVisibility === 'hidden');
  };
}

/** A block being read: its text nodes and their lengths; their text is read when the block is complete. */
interface Builder {
  element: Element;
  nodes: Text[];
  lens: number[];
  total: number;
  /** Indexes of the nodes a nested block's text comes before (a separator goes there). */
  gaps: number[] | undefined;
  /** True when a nested block holds text, so the element's textContent is not the block's text. */
  nested: boolean;
  /** The last text node added: a gap after it (a nested block's text) becomes a separator. */
  last: Text | undefined;
}

/** Reads the blocks under a root a slice at a time, so the walk can be spread over idle callbacks. */
export interface BlockCollector {
  /** Walks until `stop()` says the slice is over (checked every few nodes); returns the blocks it completed. */
  next(stop: () => boolean): TextBlock[];
  /** True once the whole root has been read. */
  readonly done: boolean;
  /** Characters in the blocks completed so far. */
  readonly chars: number;
}

/**
 * Children (elements, or text nodes) past which a block is read node by node rather than with one
 * `textContent`: measured in a content script, the `textContent` of a <div> of 20,000 spans (2.75 MB)
 * took 51-56 ms in one call, reading its nodes one by one 6-8 ms (and the walk is spread over slices).
 */
const MAX_WHOLE_CHILDREN = 1000;

/** True when a text node's value is only white space (as `\s` has it; the first characters settle most). */
const blank = (value: string): boolean => {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 160) continue;
    return c < 0x1680 ? false : !/\S/.test(value.slice(i));
  }
  return true;
};

/**
 * Starts reading the text blocks under `root`. Text in nested blocks is its own block; the parts of
 * one element's own text that a nested block separates are joined with {@link BLOCK_SEPARATOR}, so
 * no name spans them. `isHidden` is asked for block elements (and for the inline elements around a
 * block nested in one); an inline element's hidden text, rare, is read, and the marker does not
 * draw a mark in it. An element with no child is passed by without asking. `onHidden` hears of each
 * element with children that the walk passes by because it is hidden (by its style or its `hidden`
 * attribute), so a page that shows it later can have it read then.
 */
export function createBlockCollector(
  root: Element,
  doc: Document = root.ownerDocument,
  isHidden: (el: Element) => boolean = hiddenTest(doc),
  onHidden?: (el: Element) => void,
): BlockCollector {
  // A TreeWalker without a filter steps through the tree natively (a filter is a call into script
  // for every node); the stack of open elements says which block a text node belongs to, and a
  // block is complete when the walk leaves its element. Text is read a block at a time: the first
  // read of a text node's `data` makes a string for it (measured: most of the cost of reading a
  // page node by node), while one `textContent` per block makes one string for all of them.
  const walker = doc.createTreeWalker(root, 1 /* SHOW_ELEMENT */ | 4 /* SHOW_TEXT */);
  const builder = (element: Element): Builder => ({ element, nodes: [], lens: [], total: 0, gaps: undefined, nested: false, last: undefined });
  /** Open elements, root first, and the builder each one's own text goes to (an inline element's is its block's). */
  const nodes: Node[] = [];
  const builders: Builder[] = [];
  let previous: Text | undefined;
  let done = isSkipped(root) || isHidden(root);
  let started = false;
  let chars = 0;
  /** The node the next slice starts at, where the last one stopped after stepping past a subtree. */
  let carried: Node | null | undefined;

  /** The block's text: its element's textContent when that holds exactly its nodes (and not many), else read node by node. */
  const finish = (b: Builder): TextBlock | undefined => {
    if (!b.gaps && !b.nested && b.nodes.length <= MAX_WHOLE_CHILDREN) {
      const whole = b.element.textContent ?? '';
      // Equal lengths: no text under the element but these nodes (none skipped, hidden or nested).
      if (whole.length === b.total) {
        if (blank(whole)) return undefined;
        const starts: number[] = [];
        let at = 0;
        for (const len of b.lens) {
          starts.push(at);
          at += len;
        }
        return { element: b.element, text: whole, nodes: b.nodes, starts };
      }
    }
    let text = '';
    const kept: Text[] = [];
    const starts: number[] = [];
    let gap = false;
    let g = 0;
    b.nodes.forEach((node, i) => {
      if (b.gaps?.[g] === i) {
        gap = true;
        g++;
      }
      const value = node.data;
      if (blank(value)) return;
      if (kept.length && gap) text += BLOCK_SEPARATOR;
      gap = false;
      starts.push(text.length);
      kept.push(node);
      text += value;
    });
    return kept.length ? { element: b.element, text, nodes: kept, starts } : undefined;
  };
  /** Leaves the innermost open element: a block is complete when the walk leaves its element. */
  const close = (out: TextBlock[]): void => {
    const node = nodes.pop();
    const b = builders.pop()!;
    if (b.element !== node || !b.nodes.length) return;
    const block = finish(b);
    if (block) {
      out.push(block);
      chars += block.text.length;
    }
    const outer = builders[builders.length - 1];
    if (outer) outer.nested = true;
  };
  /**
   * True when an open inline element (a block inside an `<a>`, say) is hidden: the walk asks only
   * block elements, and the computed style of one says nothing of its ancestors'.
   */
  const hiddenInlineAbove = (): boolean => {
    for (let i = nodes.length - 1; i > 0 && isInline(nodes[i] as Element); i--) if (isHidden(nodes[i] as Element)) return true;
    return false;
  };
  /** The node after the walker's current node and its subtree; null past the root. */
  const past = (): Node | null => {
    for (;;) {
      const s = walker.nextSibling();
      if (s) return s;
      if (!walker.parentNode()) return null;
    }
  };

  return {
    get done() {
      return done;
    },
    get chars() {
      return chars;
    },
    next(stop) {
      const out: TextBlock[] = [];
      if (done) return out;
      if (!started || !root.contains(walker.currentNode)) {
        // First slice, or the page took away the node the walk stood on: (re)start at the root.
        started = true;
        walker.currentNode = root;
        nodes.length = builders.length = 0;
        nodes.push(root);
        builders.push(builder(root));
        previous = carried = undefined;
      }
      let n = 0;
      let node = carried === undefined ? walker.nextNode() : carried;
      carried = undefined;
      while (node) {
        const parent = node.parentNode;
        while (nodes.length > 1 && nodes[nodes.length - 1] !== parent) close(out);
        const b = builders[builders.length - 1]!;
        if (node.nodeType === 1) {
          const el = node as Element;
          const inline = isInline(el);
          const skipped = skipReason(el);
          // An element with no child holds no text: passed by without a style query.
          const hidden = skipped === Skip.No && !inline && !!el.firstChild && isHidden(el);
          if (skipped || hidden || (!inline && (!el.firstChild || hiddenInlineAbove()))) {
            if (onHidden && (hidden || (skipped === Skip.HiddenAttribute && el.firstChild))) onHidden(el);
            node = past();
            continue;
          }
          if (!inline && el.childElementCount <= MAX_WHOLE_CHILDREN && !el.querySelector(NOT_WHOLE)) {
            // Nothing under it but inline elements and text: one string for the whole block, and
            // its text nodes are not touched now (a content script's every touch of a node costs).
            const text = el.textContent ?? '';
            if (text) {
              if (!blank(text)) {
                out.push(wholeBlock(el, text));
                chars += text.length;
              }
              b.nested = true;
              previous = undefined;
            }
            node = past();
            // A whole block (a selector match and a textContent) is worth a look at the clock.
            if (stop()) {
              carried = node;
              return out;
            }
            continue;
          }
          nodes.push(el);
          builders.push(inline ? b : builder(el));
          if ((++n & 15) === 0 && stop()) return out;
        } else {
          const text = node as Text;
          if (b.nodes.length && b.last !== previous) (b.gaps ??= []).push(b.nodes.length);
          const len = text.length;
          b.nodes.push(text);
          b.lens.push(len);
          b.total += len;
          b.last = previous = text;
          if ((++n & 15) === 0 && stop()) return out;
        }
        node = walker.nextNode();
      }
      done = true;
      while (nodes.length) close(out);
      return out;
    },
  };
}

/** Collects every text block under `root` (the body, usually) at once. */
export function collectTextBlocks(root: Element, doc: Document = root.ownerDocument): TextBlock[] {
  const c = createBlockCollector(root, doc);
  const out: TextBlock[] = [];
  while (!c.done) out.push(...c.next(() => false));
  return out;
}

/** Index of the last node whose start satisfies `before(start)`: binary search over `starts`. */
function lastNode(starts: readonly number[], before: (start: number) => boolean): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (before(starts[mid]!)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The text node that holds offset `offset` of a block's text. */
export const nodeAt = (block: TextBlock, offset: number): Text => block.nodes[lastNode(block.starts, (x) => x <= offset)]!;

/** The DOM range of [start, end) in a block's text. */
export function rangeInBlock(block: TextBlock, start: number, end: number, doc: Document): Range {
  const s = lastNode(block.starts, (x) => x <= start);
  const e = lastNode(block.starts, (x) => x < end);
  const range = doc.createRange();
  range.setStart(block.nodes[s]!, Math.min(start - block.starts[s]!, block.nodes[s]!.length));
  range.setEnd(block.nodes[e]!, Math.min(end - block.starts[e]!, block.nodes[e]!.length));
  return range;
}

/** The parts of [start, end) of a block's text in each of its text nodes: node, start, end. */
export function segmentsInBlock(block: TextBlock, start: number, end: number): { node: Text; start: number; end: number }[] {
  const out: { node: Text; start: number; end: number }[] = [];
  for (let i = lastNode(block.starts, (x) => x <= start); i < block.nodes.length && block.starts[i]! < end; i++) {
    const node = block.nodes[i]!;
    const s = Math.max(0, start - block.starts[i]!);
    const e = Math.min(node.length, end - block.starts[i]!);
    if (e > s) out.push({ node, start: s, end: e });
  }
  return out;
}

/** The offset in the block's text of a caret at `offset` in `node`, or -1 when the node is not the block's. */
export function offsetInBlock(block: TextBlock, node: Node, offset: number): number {
  const i = block.nodes.indexOf(node as Text);
  return i < 0 ? -1 : block.starts[i]! + offset;
}
