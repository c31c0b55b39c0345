import type { EntityType } from '../corpus/schema';

/** The highlight name for an entity type; the page's stylesheet styles `::highlight(name)`. */
export const highlightName = (type: EntityType): string => `backstory-${type}`;

/**
 * Draws ranges with the CSS Custom Highlight API, one highlight per entity type, so the page's DOM
 * is untouched. Returns a function that removes them.
 */
export function drawHighlights(doc: Document, ranges: ReadonlyMap<EntityType, readonly Range[]>): () => void {
  const registry = doc.defaultView?.CSS?.highlights;
  if (!registry) return () => {};
  const names: string[] = [];
  for (const [type, list] of ranges) {
    const name = highlightName(type);
    const existing = registry.get(name);
    if (existing) for (const r of list) existing.add(r);
    else registry.set(name, new Highlight(...list));
    names.push(name);
  }
  return () => {
    for (const n of names) registry.delete(n);
  };
}
