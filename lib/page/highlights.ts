import type { EntityType } from '../corpus/schema';
import { MARK_TAG, rangeInBlock, segmentsInBlock, type TextBlock } from './text-blocks';

/** The highlight name for an entity type; the page's stylesheet styles `::highlight(name)`. */
export const highlightName = (type: EntityType): string => `backstory-${type}`;

/** One mark to draw: a span of a block's text and the entity it names. */
export interface MarkSpan {
  start: number;
  end: number;
  entityId: string;
  type: EntityType;
}

/** What a painter drew for one block, so it can be erased: one range per mark, in the order given. */
export interface PaintedBlock {
  readonly ranges: readonly Range[];
  /** The entity type of each mark. */
  readonly types: readonly EntityType[];
  /** The fallback's wrapper elements of each mark (empty with CSS highlights). */
  readonly wrappers: readonly (readonly Element[])[];
}

/**
 * Draws marks on a page. `highlights` uses the CSS Custom Highlight API and changes no node;
 * `wrap` (where that API is missing) wraps each mark's text in a `<backstory-mark>` element.
 */
export interface MarkPainter {
  readonly kind: 'highlights' | 'wrap';
  /** Draws a block's marks. With `wrap`, the block's text nodes are split: read the block again after. */
  paint(block: TextBlock, marks: readonly MarkSpan[]): PaintedBlock;
  /** Removes what `paint` drew. */
  erase(painted: PaintedBlock): void;
  /** Removes every mark this painter drew and anything it registered. */
  destroy(): void;
}

/** Whether the document's window has the CSS Custom Highlight API. */
export function hasHighlightApi(doc: Document): boolean {
  const w = doc.defaultView as (Window & { CSS?: { highlights?: HighlightRegistry }; Highlight?: unknown }) | null;
  return !!w?.CSS?.highlights && typeof w.Highlight === 'function';
}

/** The painter this document supports: CSS highlights, or wrapping where they are missing (or `force` says so). */
export function createMarkPainter(doc: Document, force?: 'highlights' | 'wrap'): MarkPainter {
  const kind = force ?? (hasHighlightApi(doc) ? 'highlights' : 'wrap');
  return kind === 'highlights' ? highlightPainter(doc) : wrapPainter(doc);
}

function highlightPainter(doc: Document): MarkPainter {
  const w = doc.defaultView as Window & { CSS: { highlights: HighlightRegistry }; Highlight: typeof Highlight };
  const registry = w.CSS.highlights;
  const mine = new Map<EntityType, Highlight>();
  const highlightOf = (type: EntityType): Highlight => {
    let h = mine.get(type);
    if (!h) {
      h = new w.Highlight();
      mine.set(type, h);
      registry.set(highlightName(type), h);
    }
    return h;
  };
  return {
    kind: 'highlights',
    paint(block, marks) {
      const ranges = marks.map((m) => {
        const r = rangeInBlock(block, m.start, m.end, doc);
        highlightOf(m.type).add(r);
        return r;
      });
      return { ranges, types: marks.map((m) => m.type), wrappers: [] };
    },
    erase(painted) {
      painted.ranges.forEach((r, i) => mine.get(painted.types[i]!)?.delete(r));
    },
    destroy() {
      for (const [type, h] of mine) if (registry.get(highlightName(type)) === h) registry.delete(highlightName(type));
      mine.clear();
    },
  };
}

function wrapPainter(doc: Document): MarkPainter {
  const all = new Set<Element>();
  const unwrap = (el: Element): void => {
    const parent = el.parentNode;
    if (parent) {
      while (el.firstChild) parent.insertBefore(el.firstChild, el);
      parent.removeChild(el);
    }
    all.delete(el);
  };
  return {
    kind: 'wrap',
    paint(block, marks) {
      const wrappers: Element[][] = marks.map(() => []);
      // Last mark first: splitting a text node leaves the offsets before the split as they were.
      const order = marks.map((_, i) => i).sort((a, b) => marks[b]!.start - marks[a]!.start);
      for (const i of order) {
        const m = marks[i]!;
        for (const seg of segmentsInBlock(block, m.start, m.end).reverse()) {
          let node = seg.node;
          if (seg.end < node.length) node.splitText(seg.end);
          if (seg.start > 0) node = node.splitText(seg.start);
          const el = doc.createElement(MARK_TAG);
          el.setAttribute('data-type', m.type);
          el.setAttribute('data-entity', m.entityId);
          node.parentNode!.insertBefore(el, node);
          el.appendChild(node);
          wrappers[i]!.unshift(el);
          all.add(el);
        }
      }
      const ranges = wrappers.map((els) => {
        const r = doc.createRange();
        if (els.length) {
          r.setStartBefore(els[0]!);
          r.setEndAfter(els[els.length - 1]!);
        }
        return r;
      });
      return { ranges, types: marks.map((m) => m.type), wrappers };
    },
    erase(painted) {
      for (const els of painted.wrappers) for (const el of els) unwrap(el);
    },
    destroy() {
      for (const el of [...all]) unwrap(el);
    },
  };
}
