import type { CompiledMatcher } from './compile';
import { findMentions, type Mention } from './find';
import { BLOCK_SEPARATOR } from './separator';

/**
 * Finds mentions in several blocks of one page or article at once, so that a strong alias in one
 * block confirms a weak alias in another; returns each block's mentions with offsets into it.
 * `named`: entities the rest of the page names by a strong alias (see findMentions).
 */
export function findMentionsInBlocks(m: CompiledMatcher, blocks: readonly string[], named?: ReadonlySet<number>): Mention[][] {
  const found = findMentions(m, blocks.join(BLOCK_SEPARATOR), named);
  const out: Mention[][] = blocks.map(() => []);
  let block = 0;
  let offset = 0;
  for (const mention of found) {
    while (mention.start >= offset + blocks[block]!.length + BLOCK_SEPARATOR.length) {
      offset += blocks[block]!.length + BLOCK_SEPARATOR.length;
      block++;
    }
    if (mention.end <= offset + blocks[block]!.length) {
      const start = mention.start - offset;
      const end = mention.end - offset;
      out[block]!.push(mention.weak ? { start, end, entity: mention.entity, weak: true } : { start, end, entity: mention.entity });
    }
  }
  return out;
}
