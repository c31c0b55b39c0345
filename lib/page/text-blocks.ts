/**
 * Reads a page's visible text into blocks (paragraphs, headings, list items, table cells), each
 * with the text nodes it is made of, so a name split across <a>, <em> or <span> is one text.
 */

/** One block of page text and where each of its text nodes starts in it. */
export interface TextBlock {
  readonly element: Element;
  readonly text: string;
  readonly nodes: readonly Text[];
  /** `starts[i]` is the offset of `nodes[i]` in `text`. */
  readonly starts: readonly number[];
}

/** Elements whose text is never read: code, forms, scripts, and anything the page hides. */
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION', 'CODE', 'PRE', 'KBD', 'SAMP', 'SVG', 'MATH', 'IFRAME', 'OBJECT', 'CANVAS', 'VIDEO', 'AUDIO', 'HEAD', 'TITLE']);

/** Inline elements: their text belongs to the enclosing block. */
const INLINE = new Set(['A', 'ABBR', 'B', 'BDI', 'BDO', 'CITE', 'DATA', 'DFN', 'EM', 'FONT', 'I', 'LABEL', 'MARK', 'Q', 'S', 'SMALL', 'SPAN', 'STRONG', 'SUB', 'SUP', 'TIME', 'U', 'VAR', 'WBR', 'INS', 'DEL']);

function skipped(el: Element): boolean {
  if (SKIP.has(el.tagName.toUpperCase())) return true;
  if (el.getAttribute('aria-hidden') === 'true' || el.hasAttribute('hidden')) return true;
  if ((el as HTMLElement).isContentEditable) return true;
  return el.tagName.toLowerCase().startsWith('backstory-');
}

function blockOf(node: Node, root: Node): Element {
  let el = node.parentElement!;
  while (el !== root && el.parentElement && INLINE.has(el.tagName.toUpperCase())) el = el.parentElement;
  return el;
}

/** Collects the text blocks under `root` (the body, usually), in document order. */
export function collectTextBlocks(root: Element, doc: Document = root.ownerDocument): TextBlock[] {
  const hiddenCache = new Map<Element, boolean>();
  const view = doc.defaultView;
  const isHidden = (el: Element): boolean => {
    let v = hiddenCache.get(el);
    if (v === undefined) {
      const style = view?.getComputedStyle(el);
      v = !!style && (style.display === 'none' || style.visibility === 'hidden');
      hiddenCache.set(el, v);
    }
    return v;
  };
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      if (node.nodeType === Node.TEXT_NODE) return node.nodeValue && /\S/.test(node.nodeValue) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      const el = node as Element;
      return skipped(el) || isHidden(el) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
    },
  });
  const blocks: TextBlock[] = [];
  let current: { element: Element; text: string; nodes: Text[]; starts: number[] } | undefined;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n as Text;
    const element = blockOf(text, root);
    if (!current || current.element !== element) {
      if (current) blocks.push(current);
      current = { element, text: '', nodes: [], starts: [] };
    }
    current.starts.push(current.text.length);
    current.nodes.push(text);
    current.text += text.nodeValue!;
  }
  if (current) blocks.push(current);
  return blocks;
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
  range.setStart(block.nodes[s]!, start - block.starts[s]!);
  range.setEnd(block.nodes[e]!, end - block.starts[e]!);
  return range;
}
