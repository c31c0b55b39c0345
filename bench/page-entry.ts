import type { Entity } from '../lib/corpus/schema';
import { findMentionsInBlocks } from '../lib/match/blocks';
import { compileMatcher } from '../lib/match/compile';
import { createPageMarker, type PageMarker } from '../lib/page/marker';

/**
 * Bundled by the `page` bench part and put on a page: the floor, Backstory's page marker with the
 * matcher running in the page, and hit-testing timed against `highlightsFromPoint`.
 */
export interface PageBench {
  /** The floor: a TreeWalker that reads every text node and joins the text. Returns ms and nodes. */
  floor(): { ms: number; nodes: number };
  /** Marks the page with Backstory (matcher in the page, compiled before the clock starts); ms to painted. */
  backstory(entities: Entity[]): Promise<{ ms: number; scanMs: number; marks: number; maxSliceMs: number; slices: number }>;
  /**
   * Times hit-testing a mark at `count` places down the page (each over `repeat` calls): µs per call,
   * Backstory and highlightsFromPoint; `registered` is the ranges in the registry (those near the viewport).
   */
  hitTest(count: number, repeat: number): Promise<{ backstoryUs: number[]; registryUs: number[]; misses: number; registered: number[] }>;
}

let marker: PageMarker | undefined;
const painted = (): Promise<void> => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));

const bench: PageBench = {
  floor() {
    const t0 = performance.now();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const parts: string[] = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.nodeValue!);
    const text = parts.join('');
    const ms = performance.now() - t0;
    if (text.length < 0) throw new Error('unreachable');
    return { ms, nodes: parts.length };
  },
  async backstory(entities) {
    const m = compileMatcher(entities);
    const index = new Map(entities.map((e, k) => [e.id, k]));
    const find = async (blocks: string[], named: string[]) =>
      findMentionsInBlocks(m, blocks, new Set(named.map((id) => index.get(id)!))).map((list) =>
        list.map((x) => ({ start: x.start, end: x.end, entityId: entities[x.entity]!.id, type: entities[x.entity]!.type, ...(x.weak ? { weak: true as const } : {}) })),
      );
    const t0 = performance.now();
    marker = createPageMarker(document, { find, observe: false });
    await marker.idle();
    await painted();
    const ms = performance.now() - t0;
    const s = marker.stats();
    return { ms, scanMs: (s.scanDoneAt ?? NaN) - t0, marks: s.marks, maxSliceMs: s.maxSliceMs, slices: s.slices };
  },
  async hitTest(count, repeat) {
    const registry = CSS.highlights as unknown as Map<string, Set<Range>> & { highlightsFromPoint?: (x: number, y: number) => unknown[] };
    const backstoryUs: number[] = [];
    const registryUs: number[] = [];
    const registered: number[] = [];
    let misses = 0;
    let registrySpent = 0;
    const span = document.documentElement.scrollHeight - innerHeight;
    for (let i = 0; i < count; i++) {
      // Somewhere down the page; the marks near the viewport are drawn a frame or two after a scroll.
      scrollTo(0, (((i * 7919) % 1000) / 1000) * span);
      await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(ok, 0))));
      const ranges = [...registry.entries()].filter(([k]) => k.startsWith('backstory-')).flatMap(([, h]) => [...h]);
      registered.push(ranges.length);
      const inView = ranges.map((r) => r.getClientRects()[0]).filter((rc): rc is DOMRect => !!rc && rc.top >= 0 && rc.bottom <= innerHeight && rc.width > 2);
      const rect = inView[i % Math.max(1, inView.length)];
      if (!rect) continue;
      const x = rect.left + Math.min(rect.width / 2, 3);
      const y = rect.top + rect.height / 2;
      if (!marker!.mentionAtPoint(x, y)) misses++;
      let t0 = performance.now();
      for (let k = 0; k < repeat; k++) marker!.mentionAtPoint(x, y);
      backstoryUs.push(((performance.now() - t0) * 1000) / repeat);
      if (registry.highlightsFromPoint && registrySpent < 3000) {
        // highlightsFromPoint grows with the number of ranges: time it within a budget of 3 s.
        t0 = performance.now();
        let k = 0;
        do registry.highlightsFromPoint(x, y);
        while (++k < repeat && performance.now() - t0 < 50);
        const spent = performance.now() - t0;
        registrySpent += spent;
        registryUs.push((spent * 1000) / k);
      }
    }
    return { backstoryUs, registryUs, misses, registered };
  },
};

(globalThis as unknown as { backstoryPageBench: PageBench }).backstoryPageBench = bench;
