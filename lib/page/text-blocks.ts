import { BLOCK_SEPARATOR } from '../match/blocks';

/**
 * Reads a page's visible text into blocks (paragraphs, headings, list items, table cells), each
 * with the text nodes it is made of, so a name split across <a>, <em> or <span> is one text.
 * A block is keyed by its element: the nearest ancestor of its text that is not an inline element.
 */

/** One block of page text and where each of its text nodes starts in it. */
export interface TextBlock {
  readonly element: Element;
  readonly text: string;
  readonly nodes: readonly Text[];
  /** `starts[i]` is the offset of `nodes[i]` in `text`. */
  readonly starts: readonly number[];
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
 * True when an element's text is never read: code, forms, scripts, `hidden` or `aria-hidden`
 * content, editable areas, and the extension's own elements (its card), except its fallback marks.
 */
export function isSkipped(el: Element): boolean {
  const tag = el.tagName.toUpperCase();
  if (SKIP.has(tag)) return true;
  if (el.getAttribute('aria-hidden') === 'true' || el.hasAttribute('hidden')) return true;
  const editable = el.getAttribute('contenteditable');
  if (editable !== null && editable !== 'false') return true;
  if ((el as HTMLElement).isContentEditable === true) return true;
  return tag.startsWith('BACKSTORY-') && tag !== 'BACKSTORY-MARK';
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
  for (let e: Element | null = el; e && e !== stop; e = e.parentElement) if (isSkipped(e) || isHidden(e)) return true;
  return false;
}

/**
 * A hidden-element test on computed style (`display: none`, `visibility: hidden`). It keeps no cache:
 * a walk asks once per element, and a cache of tens of thousands of elements costs more in garbage
 * collection than it saves.
 */
export function hiddenTest(doc: Document): (el: Element) => boolean {
  const view = doc.defaultView;
  return (el) => {
    const style = view?.getComputedStyle?.(el);
    return !!style && (style.display === 'none' || style.visibility === 'hidden');
  };
}

interface Builder {
  element: Element;
  text: string;
  nodes: Text[];
  starts: number[];
  /** The last text node added: a gap after it (a nested block) becomes a separator. */
  last: Text | undefined;
}

/** Reads the blocks under a root a slice at a time, so the walk can be spread over idle callbacks. */
export interface BlockCollector {
  /** Walks until `stop()` says the slice is over (checked every few nodes); returns the blocks it completed. */
  next(stop: () => boolean): TextBlock[];
  /** True once the whole root has been read. */
  readonly done: boolean;
}

/**
 * Starts reading the text blocks under `root`. Text in nested blocks is its own block; the parts of
 * one element's own text that a nested block separates are joined with {@link BLOCK_SEPARATOR}, so
 * no name spans them.
 */
export function createBlockCollector(root: Element, doc: Document = root.ownerDocument, isHidden: (el: Element) => boolean = hiddenTest(doc)): BlockCollector {
  // A hand-written depth-first walk (firstChild / nextSibling / parentNode) rather than a TreeWalker
  // with a filter: the filter is a call from the browser into script for every node, which measured
  // as the largest cost of reading a 50,000-node page.
  const open = new Map<Element, Builder>();
  let done = false;
  let previous: Text | undefined;
  let node: Node | null = root.firstChild;
  if (isSkipped(root) || isHidden(root)) node = null;

  const flush = (current: Node | null, out: TextBlock[]): void => {
    for (const [el, b] of open) {
      if (current && el.contains(current)) continue;
      out.push({ element: b.element, text: b.text, nodes: b.nodes, starts: b.starts });
      open.delete(el);
    }
  };
  /** The node after `n` in document order, not descending into `n`; null past the root. */
  const after = (n: Node): Node | null => {
    for (let c: Node | null = n; c && c !== root; c = c.parentNode) if (c.nextSibling) return c.nextSibling;
    return null;
  };

  return {
    get done() {
      return done;
    },
    next(stop) {
      const out: TextBlock[] = [];
      if (done) return out;
      let n = 0;
      while (node) {
        const current: Node = node;
        if (current.nodeType === 1) {
          const el = current as Element;
          const first = el.firstChild;
          node = first && !isSkipped(el) && !isHidden(el) ? first : after(el);
          continue;
        }
        node = after(current);
        if (current.nodeType !== 3) continue;
        const text = current as Text;
        const value = text.data;
        if (!/\S/.test(value)) continue;
        const element = blockElementOf(text, root);
        let b = open.get(element);
        if (!b) {
          b = { element, text: '', nodes: [], starts: [], last: undefined };
          open.set(element, b);
        } else if (b.last !== previous) {
          b.text += BLOCK_SEPARATOR;
        }
        b.starts.push(b.text.length);
        b.nodes.push(text);
        b.text += value;
        b.last = text;
        previous = text;
        if ((++n & 15) === 0 && stop()) {
          flush(node, out);
          return out;
        }
      }
      done = true;
      flush(null, out);
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
