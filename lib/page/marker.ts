import type { EntityType } from '../corpus/schema';
import { drawHighlights } from './highlights';
import { collectTextBlocks, rangeInBlock, type TextBlock } from './text-blocks';

/** A mention in a block, as the matcher (in the background) reports it. */
export interface FoundMention {
  start: number;
  end: number;
  entityId: string;
  type: EntityType;
}

/** Finds the mentions in each block of text; the content script sends them to the background. */
export type FindMentions = (blocks: string[]) => Promise<FoundMention[][]>;

/** Characters of page text sent to the matcher in one call. */
const BATCH_CHARS = 256 * 1024;

/**
 * Scans `doc`'s body once the page is idle, and marks the first mention of each entity in each
 * block. Returns `destroy`, which removes every mark and cancels pending work.
 */
export function createPageMarker(doc: Document, find: FindMentions): { destroy: () => void; done: Promise<number> } {
  let destroyed = false;
  const clears: (() => void)[] = [];
  const run = async (): Promise<number> => {
    await idle(doc);
    if (destroyed || !doc.body) return 0;
    const blocks = collectTextBlocks(doc.body, doc);
    let marked = 0;
    for (let i = 0; i < blocks.length && !destroyed; ) {
      const batch: TextBlock[] = [];
      let chars = 0;
      while (i < blocks.length && (batch.length === 0 || chars + blocks[i]!.text.length <= BATCH_CHARS)) {
        chars += blocks[i]!.text.length;
        batch.push(blocks[i++]!);
      }
      const found = await find(batch.map((b) => b.text));
      if (destroyed) break;
      const ranges = new Map<EntityType, Range[]>();
      found.forEach((mentions, k) => {
        const seen = new Set<string>();
        for (const m of mentions) {
          if (seen.has(m.entityId)) continue;
          seen.add(m.entityId);
          const list = ranges.get(m.type) ?? [];
          list.push(rangeInBlock(batch[k]!, m.start, m.end, doc));
          ranges.set(m.type, list);
          marked++;
        }
      });
      clears.push(drawHighlights(doc, ranges));
    }
    return marked;
  };
  const done = run();
  return {
    done,
    destroy() {
      destroyed = true;
      for (const c of clears) c();
    },
  };
}

function idle(doc: Document): Promise<void> {
  const w = doc.defaultView;
  return new Promise((resolve) => {
    if (w && 'requestIdleCallback' in w) w.requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 0);
  });
}
