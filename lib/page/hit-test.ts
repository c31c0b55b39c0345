/**
 * Hit-testing marks under the pointer without asking the highlight registry: the caret position
 * at the point gives a text node and offset (a binary search over the block's mentions finds the
 * candidate), and the candidate's client rects confirm the point is on it.
 */

/** A caret position: a node and an offset in it. */
export interface CaretPosition {
  node: Node;
  offset: number;
}

type CaretDocument = Document & {
  caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null;
  caretRangeFromPoint?: (x: number, y: number) => Range | null;
};

/** The caret position at viewport point (x, y): `caretPositionFromPoint` (standard) or `caretRangeFromPoint` (older Chrome). */
export function caretAt(doc: Document, x: number, y: number): CaretPosition | undefined {
  const d = doc as CaretDocument;
  if (typeof d.caretPositionFromPoint === 'function') {
    const p = d.caretPositionFromPoint(x, y);
    return p ? { node: p.offsetNode, offset: p.offset } : undefined;
  }
  if (typeof d.caretRangeFromPoint === 'function') {
    const r = d.caretRangeFromPoint(x, y);
    return r ? { node: r.startContainer, offset: r.startOffset } : undefined;
  }
  return undefined;
}

/** Whether (x, y) falls in one of the range's client rects (with `slop` pixels to spare). */
export function rectsContain(range: Range, x: number, y: number, slop = 1): boolean {
  for (const r of range.getClientRects()) {
    if (x >= r.left - slop && x <= r.right + slop && y >= r.top - slop && y <= r.bottom + slop) return true;
  }
  return false;
}

/** The viewport rectangle to place a card beside: the client rect of the range that holds (x, y), or its first. */
export function anchorRect(range: Range, x?: number, y?: number): DOMRect | undefined {
  const rects = [...range.getClientRects()];
  if (x !== undefined && y !== undefined) {
    const hit = rects.find((r) => x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1);
    if (hit) return hit;
  }
  return rects[0] ?? range.getBoundingClientRect();
}
