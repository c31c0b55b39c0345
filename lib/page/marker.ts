import type { EntityType } from '../corpus/schema';
import { createMarkPainter, type MarkPainter, type PaintedBlock } from './highlights';
import { caretAt, rectsContain } from './hit-test';
import { createIdleQueue, type SliceStats } from './idle';
import { createNearViewport } from './near-viewport';
import { createRevealWatch } from './reveal';
import { blockElementOf, createBlockCollector, hiddenTest, insideSkipped, isInline, MARK_TAG, nodeAt, offsetInBlock, partEnd, rangeInBlock, shownLater, type TextBlock } from './text-blocks';

/** A mention in a block, as the matcher (in the background) reports it. */
export interface FoundMention {
  start: number;
  end: number;
  entityId: string;
  type: EntityType;
  /** Found by a weak alias (a surname alone, say), confirmed where it stands: it confirms nothing elsewhere. */
  weak?: true;
}

/**
 * Finds the mentions in each block of text; the content script sends them to the background.
 * `named`: the entities the page has named by a strong alias so far, which confirm weak aliases in
 * these blocks (so "Abadi" in a post added later counts where the page said "Haider al-Abadi" before).
 */
export type FindMentions = (blocks: string[], named: string[]) => Promise<FoundMention[][]>;

/** Which mentions get marks. */
export interface MarkSettings {
  /** `first`: the first mention of each entity in each block; `every`: all of them. */
  markMode: 'first' | 'every';
  disabledTypes: readonly EntityType[];
}

/** A marked mention found by hit-testing or by position. */
export interface MentionHit {
  mention: FoundMention;
  /** The block it is in (its text is the paragraph around the mention). */
  block: TextBlock;
  /** The mention's DOM range. */
  range: Range;
}

/** What the marker has done, for tests and the bench (times are `performance.now()` values). */
export interface MarkerStats extends SliceStats {
  painter: 'highlights' | 'wrap';
  blocks: number;
  /** Marks shown (the chosen mentions of every block); with many, only those near the viewport are drawn. */
  marks: number;
  /** Marks drawn now (ranges in the page's highlights, or wrapped). */
  drawn: number;
  /** True once the page has more marks than are kept drawn: only those near the viewport are. */
  windowed: boolean;
  /** Blocks the IntersectionObserver watches now, and those parked far from the viewport (see near-viewport.ts). */
  watched?: number;
  parked?: number;
  /** Hidden elements watched for being shown (see reveal.ts). */
  hiddenWatched?: number;
  /** Calls to the matcher so far. */
  finds: number;
  /** Whole-page rescans after a flood of changes. */
  rescans: number;
  startedAt: number;
  /** When the first marks were drawn. */
  firstMarksAt?: number;
  /** When the first scan's marks were all drawn, and the frame after (painted). */
  scanDoneAt?: number;
  paintedAt?: number;
}

/** The marks on one page, kept up to date as the page changes. */
export interface PageMarker {
  /**
   * Resolves once every queued scan, matcher call and drawing is done; with `changes` false it does
   * not wait for page changes still being gathered (a page that never stops changing never lets that happen).
   */
  idle(changes?: boolean): Promise<void>;
  /** Applies new settings to the marks already found (no new matching). */
  setSettings(settings: MarkSettings): void;
  /** The marked mention under the viewport point (x, y), if any. */
  mentionAtPoint(x: number, y: number): MentionHit | undefined;
  /** The first marked mention at or after a DOM position (a selection's start). */
  mentionFrom(node: Node, offset: number): MentionHit | undefined;
  /** Every mention the matcher found in a block (marked or not), for the card's context. */
  mentionsIn(block: TextBlock): readonly FoundMention[];
  /** The first marked mention of an entity, in document order. */
  firstMentionOf(entityId: string): MentionHit | undefined;
  /**
   * What the page is about, for the popup: each entity it names (every mention counted, marked or
   * not) and its text so far, at most `maxChars` characters.
   */
  summary(maxChars?: number): { entities: { id: string; type: EntityType; count: number }[]; text: string };
  stats(): MarkerStats;
  /** Removes every mark, stops observing and drops queued work. */
  destroy(): void;
}

/**
 * Characters of page text sent to the matcher in one call. The browser serialises a call in the
 * task that sends it: 256 K characters of text in Arabic and Latin script (two bytes a character)
 * took 25-30 ms of a slice in Chromium, 128 K about half (the slices of a 3 MB page, 8 loads of the
 * build with each: longest 28-39 ms and 19-24 ms; the 50,000-node page painted in the same time).
 */
const BATCH_CHARS = 128 * 1024;
/**
 * Characters in the first call: the top of the page (what a reader sees first) is matched and
 * drawn after a short read, not after the first full batch. On the bench's 50,000-node page
 * the first marks came a third sooner (193 → 129 ms, medians of 12 loads against the build before),
 * with the whole page's marks in the same time.
 */
const FIRST_BATCH_CHARS = 16 * 1024;
/**
 * A block longer than this is sent in parts of at most this many characters, cut at a sentence's
 * end (see `partEnd`), so one call never carries more than a batch: a page of one 3 MB block was
 * one 3 MB message, a task of about 100 ms. Its text nodes are looked up over several slices too.
 */
const PART_CHARS = 16 * 1024;
/** Changed nodes queued before the marker gives up on them one by one and rescans the page. */
const MAX_PENDING = 1000;
/**
 * Marks drawn at once before only those near the viewport are: Chromium re-validates every range of
 * every registered highlight in each frame that changes one (measured: ~6 µs a range, 65–95 ms for
 * 12,000), so a page with more keeps only the marks within a screen of the viewport drawn.
 */
const MAX_DRAWN = 500;
/** The least time between two whole-page rescans, so a page that rewrites itself does not keep us busy. */
const RESCAN_INTERVAL_MS = 2000;
/** Changes are gathered this long before they are read, so a ticking clock costs a read per interval, not per tick. */
const CHANGE_DELAY_MS = 200;

/** The mentions that get marks under `settings`: enabled types, and the first of each entity if so set. */
export function selectShown(mentions: readonly FoundMention[], settings: MarkSettings): FoundMention[] {
  // Called for every block with mentions (5,000 on the bench's big page): a block names a few
  // entities and at most six types are off, so a look through short arrays beats making two Sets.
  const off = settings.disabledTypes;
  const first = settings.markMode === 'first';
  const out: FoundMention[] = [];
  for (const m of mentions) {
    if (off.length && off.includes(m.type)) continue;
    if (first && out.some((o) => o.entityId === m.entityId)) continue;
    out.push(m);
  }
  return out;
}

interface BlockState {
  block: TextBlock;
  /** Every mention the matcher found. */
  mentions: FoundMention[];
  /** Shown mentions checked for text in a hidden inline element (once each, when first drawn), and those found so. */
  checked?: Set<FoundMention>;
  hidden?: Set<FoundMention>;
  /** Those that get marks under the settings. */
  shown: FoundMention[];
  painted?: PaintedBlock;
  /** Whether the block is near the viewport, as last reported (undefined until then). */
  near?: boolean;
}

/**
 * Marks the mentions in `doc`'s body: reads its text in idle-time slices, asks `find` (the matcher,
 * in the background) for mentions, and draws them with `painter` (CSS highlights where the browser
 * has them). One MutationObserver queues the nodes that change; they are read again in idle time,
 * and a block that goes away takes its marks with it.
 */
export function createPageMarker(
  doc: Document,
  options: {
    find: FindMentions;
    settings?: MarkSettings;
    painter?: 'highlights' | 'wrap';
    observe?: boolean;
    batchChars?: number;
    maxSliceMs?: number;
    /** Each slice runs inside a rendered frame, after its layout (Firefox: see `createIdleQueue`). */
    afterFrame?: boolean;
    /** Milliseconds changes are gathered before they are read (default 200). */
    changeDelayMs?: number;
  },
): PageMarker {
  const win = doc.defaultView!;
  const root = doc.body;
  const queue = createIdleQueue(win, { maxSliceMs: options.maxSliceMs, afterFrame: options.afterFrame });
  const painter: MarkPainter = createMarkPainter(doc, options.painter);
  const batchChars = options.batchChars ?? BATCH_CHARS;
  let settings: MarkSettings = options.settings ?? { markMode: 'first', disabledTypes: [] };
  const states = new Map<Element, BlockState>();
  const wrapperOf = new WeakMap<Element, { state: BlockState; k: number }>();
  /** The latest reading of each block element: an older one that comes back from the matcher is stale. */
  const latest = new WeakMap<Element, TextBlock>();
  let destroyed = false;
  let inflight = 0;
  let inflightDone: (() => void)[] = [];
  const stats: MarkerStats = Object.assign(queue.stats, {
    painter: painter.kind,
    blocks: 0,
    marks: 0,
    drawn: 0,
    windowed: false,
    finds: 0,
    rescans: 0,
    startedAt: win.performance.now(),
  });
  let firstScanPending = true;

  // --- Drawing -------------------------------------------------------------------------------

  /** Runs a DOM change of our own (the fallback wraps text) without it coming back as a page change. */
  const ourOwn = <T>(fn: () => T): T => {
    if (painter.kind !== 'wrap' || !observer) return fn();
    enqueue(observer.takeRecords());
    try {
      return fn();
    } finally {
      observer.takeRecords();
    }
  };

  /** Blocks with marks are watched for being near the viewport (highlights only: wrapping draws every mark). */
  const near =
    painter.kind === 'highlights'
      ? createNearViewport(win, (el, isNear) => {
          const state = states.get(el);
          if (!state || state.near === isNear) return;
          state.near = isNear;
          if (stats.windowed && isNear !== !!state.painted) draw(state);
        })
      : undefined;

  const erase = (state: BlockState): void => {
    if (!state.painted) return;
    const painted = state.painted;
    state.painted = undefined;
    stats.drawn -= painted.ranges.length;
    ourOwn(() => painter.erase(painted));
  };

  /** Draws a block's shown marks (again), or erases them when it is out of the drawn window. */
  const draw = (state: BlockState): void => {
    erase(state);
    if (!state.shown.length || (stats.windowed && !state.near) || !state.block.nodes.length) return;
    // Each shown mention is checked once for text in a hidden inline element; one that is gives way
    // to the next (only shown ones: a block of 20,000 mentions cost 20,000 style queries when all were).
    let hiddenFound = false;
    for (const m of state.shown) {
      if (state.checked?.has(m)) continue;
      (state.checked ??= new Set()).add(m);
      if (inView(state.block, m)) continue;
      (state.hidden ??= new Set()).add(m);
      hiddenFound = true;
    }
    if (hiddenFound) return choose(state);
    const painted = ourOwn(() => painter.paint(state.block, state.shown));
    state.painted = painted;
    stats.drawn += painted.ranges.length;
    stats.firstMarksAt ??= win.performance.now();
    if (painter.kind === 'wrap') {
      // Wrapping split the block's text nodes: read it again, and remember which wrapper is which mark.
      state.block = readOwnBlock(state.block) ?? state.block;
      painted.wrappers.forEach((els, k) => els.forEach((el) => wrapperOf.set(el, { state, k })));
    }
  };

  /** Chooses a block's shown marks under the settings, and draws them. */
  const choose = (state: BlockState): void => {
    stats.marks -= state.shown.length;
    const hidden = state.hidden;
    state.shown = selectShown(hidden ? state.mentions.filter((m) => !hidden.has(m)) : state.mentions, settings);
    stats.marks += state.shown.length;
    const el = state.block.element;
    if (!state.shown.length) near?.unobserve(el);
    else near?.observe(el);
    if (!stats.windowed && near && stats.marks > MAX_DRAWN) startWindow();
    draw(state);
  };

  /** From now on only blocks near the viewport keep their marks drawn (the others go once reported far). */
  const startWindow = (): void => {
    stats.windowed = true;
    for (const state of states.values()) if (state.near === false) erase(state);
  };

  /** Whether a mention's text is drawn by the page: not in an inline element that is hidden (or in one that is). */
  const isHidden = hiddenTest(doc);
  const inView = (block: TextBlock, m: FoundMention): boolean => {
    for (let e = nodeAt(block, m.start).parentElement; e && e !== block.element; e = e.parentElement) if (isHidden(e)) return false;
    return true;
  };

  /** Reads a block again after wrapping: an element it holds counts as hidden only if none of the block's text was in it. */
  const readOwnBlock = (before: TextBlock): TextBlock | undefined => {
    const element = before.element;
    const hidden = (el: Element): boolean => el.tagName.toLowerCase() !== MARK_TAG && !before.nodes.some((n) => el.contains(n));
    const c = createBlockCollector(element, doc, hidden);
    while (!c.done) for (const b of c.next(() => false)) if (b.element === element) return b;
    return undefined;
  };

  const drop = (element: Element): void => {
    const s = states.get(element);
    if (!s) return;
    erase(s);
    near?.unobserve(element);
    stats.marks -= s.shown.length;
    states.delete(element);
    stats.blocks--;
  };

  // --- Scanning and matching -----------------------------------------------------------------

  /** What waits to be sent: blocks, or what is left of a long one (`from`: where that starts in its text). */
  const waiting: { block: TextBlock; from: number }[] = [];
  let waitingChars = 0;
  /** Long blocks sent in parts: the mentions found in their parts so far, parts sent and back, and whether all are cut. */
  const parted = new Map<TextBlock, { sent: number; back: number; cut: boolean; found: FoundMention[] }>();
  /** Entities the page has named by a strong alias, as the matcher has reported them so far. */
  const named = new Set<string>();

  /**
   * The first call's blocks: it went before the page had named anything (and is small, see
   * FIRST_BATCH_CHARS), so it is matched again after the first scan if later calls named an entity
   * by a strong alias, which may confirm its weak aliases (a headline's "Sudani").
   */
  let firstBatch: TextBlock[] | undefined;
  let namedLater = false;

  const wait = (block: TextBlock): void => {
    waiting.push({ block, from: 0 });
    waitingChars += block.text.length;
    if (block.text.length > PART_CHARS) parted.set(block, { sent: 0, back: 0, cut: false, found: [] });
  };

  /**
   * Sends what waits, up to `limit` characters (at least one block or part), to the matcher; a long
   * block's parts are cut as they are sent.
   */
  const send = (limit = batchChars): void => {
    const batch: { block: TextBlock; from: number; to: number }[] = [];
    let chars = 0;
    while (waiting.length) {
      const head = waiting[0]!;
      const { block, from } = head;
      if (latest.get(block.element) !== block) {
        // Read again since (the page changed it): what is left of it is not sent.
        waiting.shift();
        waitingChars -= block.text.length - from;
        parted.delete(block);
        continue;
      }
      const parts = parted.get(block);
      const to = parts ? partEnd(block.text, from, PART_CHARS) : block.text.length;
      if (batch.length && chars + to - from > limit) break;
      batch.push({ block, from, to });
      chars += to - from;
      if (parts) {
        parts.sent++;
        parts.cut = to === block.text.length;
        head.from = to;
        if (!parts.cut) continue;
      }
      waiting.shift();
    }
    if (!batch.length) return;
    waitingChars -= chars;
    const first = stats.finds === 0;
    if (first) firstBatch = batch.filter((p) => !parted.has(p.block)).map((p) => p.block);
    inflight++;
    stats.finds++;
    options
      .find(
        batch.map((p) => (p.from === 0 && p.to === p.block.text.length ? p.block.text : p.block.text.slice(p.from, p.to))),
        [...named],
      )
      .then(
        (found) => {
          if (destroyed) return;
          for (const list of found) {
            for (const m of list) {
              if (m.weak || named.has(m.entityId)) continue;
              named.add(m.entityId);
              if (!first) namedLater = true;
            }
          }
          const blocks: TextBlock[] = [];
          const lists: FoundMention[][] = [];
          batch.forEach(({ block, from, to }, i) => {
            const list = found[i] ?? [];
            const parts = parted.get(block);
            if (!parts) {
              // (A part of a block whose other parts failed is dropped.)
              if (from === 0 && to === block.text.length) {
                blocks.push(block);
                lists.push(list);
              }
              return;
            }
            for (const m of list) parts.found.push(from ? { ...m, start: m.start + from, end: m.end + from } : m);
            if (++parts.back < parts.sent || !parts.cut) return;
            parted.delete(block);
            blocks.push(block);
            lists.push(parts.found.sort((a, b) => a.start - b.start));
          });
          if (blocks.length) queue.push(applyFound(blocks, lists), 'draw', true);
        },
        (e: unknown) => {
          stats.lastError = e instanceof Error ? e.message : String(e);
          // A long block with a part lost is not marked (its other parts are not sent).
          for (const { block } of batch) {
            if (!parted.delete(block)) continue;
            const k = waiting.findIndex((w) => w.block === block);
            if (k >= 0) waitingChars -= block.text.length - waiting.splice(k, 1)[0]!.from;
          }
        },
      )
      .finally(() => {
        inflight--;
        if (inflight === 0) for (const w of inflightDone.splice(0)) w();
      });
  };

  const accept = (blocks: TextBlock[]): void => {
    for (const b of blocks) {
      latest.set(b.element, b);
      const old = states.get(b.element);
      if (old && old.block.text === b.text) {
        // Same text (a re-render): keep the mentions, draw them on the new nodes.
        queue.push(applyFound([b], [old.mentions]), 'redraw', true);
        continue;
      }
      wait(b);
    }
  };

  const scan = (scanRoot: Element): void => {
    const collector = createBlockCollector(scanRoot, doc, isHidden, reveal && watchHidden);
    // Sending a batch (the browser serialises it) starts a slice, so it never lengthens a full one.
    queue.push((timeUp) => {
      const limit = stats.finds === 0 ? Math.min(batchChars, FIRST_BATCH_CHARS) : batchChars;
      // One send a slice at most: the browser serialises a batch in the task that sends it.
      const sent = waitingChars >= limit;
      if (sent) send(limit);
      // A slice reads at most a batch, so the next one's send serialises no more than that.
      const from = collector.chars - waitingChars;
      if (!collector.done && !timeUp()) accept(collector.next(() => timeUp() || collector.chars - from >= limit));
      if (!collector.done) return true;
      if (waiting.length && !sent && !timeUp()) send(limit);
      return waiting.length > 0;
    }, 'read');
  };

  const applyFound = (batch: TextBlock[], found: FoundMention[][]) => {
    let k = 0;
    return (timeUp: () => boolean): boolean => {
      for (; k < batch.length; k++) {
        if (timeUp()) return true;
        const block = batch[k]!;
        if (latest.get(block.element) !== block) continue; // read again since
        if (!block.element.isConnected) continue;
        const mentions = found[k] ?? [];
        // A long block's text nodes are looked up over slices (drawing needs them, perhaps from an observer's callback).
        if (mentions.length && block.text.length > PART_CHARS && block.loadNodes && !block.loadNodes(timeUp)) return true;
        const old = states.get(block.element);
        if (old) drop(block.element);
        if (!mentions.length) continue;
        const state: BlockState = { block, mentions, shown: [], near: old?.near };
        stats.blocks++;
        states.set(block.element, state);
        choose(state);
      }
      return false;
    };
  };

  // --- Watching for changes ------------------------------------------------------------------

  const pending = new Set<Node>();
  let sweepNeeded = false;
  let rescanAll = false;
  let lastRescan = -Infinity;
  let processScheduled = false;
  let changeTimer: number | undefined;
  let changeWaiters: (() => void)[] = [];
  const changeDelay = options.changeDelayMs ?? CHANGE_DELAY_MS;

  const enqueue = (records: MutationRecord[]): void => {
    for (const r of records) {
      if (r.type === 'characterData') pending.add(r.target);
      else {
        for (const n of r.addedNodes) pending.add(n);
        if (r.removedNodes.length) {
          sweepNeeded = true;
          pending.add(r.target);
        }
      }
    }
    if (pending.size > MAX_PENDING) {
      pending.clear();
      rescanAll = true;
    }
    gather();
  };

  /** Reads the changes gathered once `changeDelay` has passed. */
  const gather = (): void => {
    if ((pending.size || sweepNeeded || rescanAll) && !processScheduled) {
      processScheduled = true;
      processLater(changeDelay);
    }
  };

  /** Hidden elements the walk passed by: one the page shows is read as a change. */
  const reveal = createRevealWatch(win, (el) => {
    if (insideSkipped(el, root, isHidden)) {
      // Reported with a box, yet hidden still (its `hidden` attribute overruled by the page's CSS,
      // say): the observer cannot tell when this one is shown, so it is not watched again.
      unwatchable.add(el);
      return;
    }
    pending.add(el);
    gather();
  });
  const unwatchable = new WeakSet<Element>();
  /**
   * Watches a hidden element that has no box (`display: none`, or the `hidden` attribute): one that
   * keeps its box while hidden (`visibility: hidden`) would be reported at once, and is not watched.
   */
  const watchHidden = (el: Element): void => {
    if (unwatchable.has(el) || !(el.hasAttribute('hidden') || win.getComputedStyle(el).display === 'none')) return;
    reveal!.watch(el);
  };

  /** Queues `processChanges` after `ms`; `idle()` waits for it. */
  const processLater = (ms: number): void => {
    if (changeTimer !== undefined) win.clearTimeout(changeTimer);
    changeTimer = win.setTimeout(() => {
      changeTimer = undefined;
      queue.push(processChanges, 'changes');
      for (const w of changeWaiters.splice(0)) w();
    }, ms);
  };

  const processChanges = (): boolean => {
    processScheduled = false;
    if (rescanAll) {
      const wait = lastRescan + RESCAN_INTERVAL_MS - win.performance.now();
      if (wait > 0) {
        processScheduled = true;
        processLater(wait);
        return false;
      }
      rescanAll = false;
      sweepNeeded = false;
      pending.clear();
      lastRescan = win.performance.now();
      stats.rescans++;
      for (const el of [...states.keys()]) drop(el);
      reveal?.reset();
      named.clear(); // the page as it is now names them again (a single-page app's new article may not)
      scan(root);
      return false;
    }
    if (sweepNeeded) {
      sweepNeeded = false;
      const entries = [...states];
      let i = 0;
      queue.push((timeUp) => {
        for (; i < entries.length; i++) {
          if (timeUp()) return true;
          const [el, s] = entries[i]!;
          if (states.get(el) !== s) continue;
          // (A drawn block's text nodes are known; others' changes come as changes of their own.)
          if (!el.isConnected || (s.painted && !s.block.nodes.every((n) => n.isConnected))) {
            drop(el);
            if (el.isConnected) pending.add(el);
          }
        }
        if (pending.size && !processScheduled) {
          processScheduled = true;
          queue.push(processChanges, 'changes');
        }
        return false;
      }, 'sweep');
    }
    const roots = new Set<Element>();
    for (const n of pending) {
      if (!n.isConnected) continue;
      const el = n.nodeType === 1 ? (n as Element) : n.parentElement;
      if (!el || !root.contains(el)) continue;
      const scanRoot = isInline(el) || n.nodeType !== 1 ? blockElementOf(el, root) : el;
      if (scanRoot.tagName.toLowerCase() === MARK_TAG) continue;
      if (insideSkipped(scanRoot, root, isHidden)) {
        // Added hidden, or hidden since: read when shown.
        const hidden = reveal && shownLater(scanRoot, root, isHidden);
        if (hidden) watchHidden(hidden);
        continue;
      }
      roots.add(scanRoot);
    }
    pending.clear();
    for (const r of roots) {
      let covered = false;
      for (let a = r.parentElement; a && !covered; a = a.parentElement) covered = roots.has(a);
      if (!covered) scan(r);
    }
    return false;
  };

  const observer =
    options.observe === false ? undefined : new (win as Window & typeof globalThis).MutationObserver((records) => enqueue(records));
  observer?.observe(root, { childList: true, subtree: true, characterData: true });

  // --- Start ---------------------------------------------------------------------------------

  // The first read starts after the page's next frame (or 50 ms, where frames are paused: a tab
  // in the background), so styling a page still loading is the browser's work in its frame rather
  // than forced by the first visibility test inside a slice of ours.
  const started = new Promise<void>((ok) => {
    let begun = false;
    const begin = (): void => {
      if (begun) return;
      begun = true;
      if (!destroyed) scan(root);
      ok();
    };
    win.requestAnimationFrame(begin);
    win.setTimeout(begin, 50);
  });

  /** Resolves when queued work, matcher calls and drawing are done; `changes` also waits for gathered page changes. */
  const settled = async (changes: boolean): Promise<void> => {
    for (;;) {
      await queue.drained();
      if (destroyed) return;
      if (changes && changeTimer !== undefined) {
        await new Promise<void>((ok) => changeWaiters.push(ok));
        continue;
      }
      if (inflight) {
        await new Promise<void>((ok) => inflightDone.push(ok));
        continue;
      }
      if (waiting.length) {
        send();
        continue;
      }
      return;
    }
  };

  // The first scan is done when its work is (changes the page makes meanwhile do not hold it up).
  const firstScan = started.then(() => settled(false)).then(async () => {
    if (!firstScanPending || destroyed) return;
    const again = namedLater ? firstBatch?.filter((b) => latest.get(b.element) === b && b.element.isConnected) : undefined;
    firstBatch = undefined;
    if (again?.length) {
      for (const b of again) wait(b);
      send();
      await settled(false);
      if (destroyed) return;
    }
    firstScanPending = false;
    stats.scanDoneAt = win.performance.now();
    // With many marks, the first scan is painted once those near the viewport are drawn.
    // (A tab in the background renders no frames, so no reports: the wait ends after a second.)
    if (stats.windowed) await Promise.race([near!.settled(), new Promise((ok) => win.setTimeout(ok, 1000))]);
    win.requestAnimationFrame(() => win.setTimeout(() => (stats.paintedAt = win.performance.now()), 0));
  });
  const idle = async (changes = true): Promise<void> => {
    await firstScan;
    await settled(changes);
  };

  // --- Finding marks -------------------------------------------------------------------------

  /** A shown mention as a hit; its range is the drawn one, or made now where it is not drawn. */
  const hitIn = (state: BlockState, k: number): MentionHit => {
    const mention = state.shown[k]!;
    return { mention, block: state.block, range: state.painted?.ranges[k] ?? rangeInBlock(state.block, mention.start, mention.end, doc) };
  };

  return {
    idle,
    setSettings(next) {
      settings = next;
      const entries = [...states.values()];
      let i = 0;
      queue.push((timeUp) => {
        for (; i < entries.length; i++) {
          if (timeUp()) return true;
          if (states.get(entries[i]!.block.element) === entries[i]) choose(entries[i]!);
        }
        return false;
      }, 'settings');
    },
    mentionAtPoint(x, y) {
      if (painter.kind === 'wrap') {
        const el = doc.elementFromPoint(x, y)?.closest(MARK_TAG);
        const w = el && wrapperOf.get(el);
        return w && w.state.painted && states.get(w.state.block.element) === w.state ? hitIn(w.state, w.k) : undefined;
      }
      const pos = caretAt(doc, x, y);
      if (!pos || pos.node.nodeType !== 3 || !root.contains(pos.node)) return undefined;
      const state = states.get(blockElementOf(pos.node, root));
      if (!state?.painted) return undefined;
      const off = offsetInBlock(state.block, pos.node, pos.offset);
      if (off < 0) return undefined;
      // The last shown mention that starts at or before the caret; the caret may sit just past its end.
      const shown = state.shown;
      let lo = 0;
      let hi = shown.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (shown[mid]!.start <= off) lo = mid;
        else hi = mid - 1;
      }
      for (const k of [lo, lo - 1]) {
        const m = shown[k];
        if (m && m.start <= off && off <= m.end && rectsContain(state.painted.ranges[k]!, x, y)) return hitIn(state, k);
      }
      return undefined;
    },
    mentionFrom(node, offset) {
      // Blocks before the position are passed over by document order; in the others, the first
      // shown mark not ending before the position is compared with the best so far.
      let best: MentionHit | undefined;
      const point = doc.createRange();
      point.setStart(node, offset);
      for (const state of states.values()) {
        const el = state.block.element;
        if (!state.shown.length || !el.isConnected || !state.block.nodes.length) continue;
        const pos = node.compareDocumentPosition(el);
        if (pos & 2 /* PRECEDING */ && !(pos & 8) /* CONTAINS */) continue;
        for (let k = 0; k < state.shown.length; k++) {
          const hit = hitIn(state, k);
          // END_TO_START compares the point (this range's start) with the mark's end: keep it when the point is before.
          if (point.compareBoundaryPoints(point.END_TO_START, hit.range) >= 0) continue;
          if (!best || hit.range.compareBoundaryPoints(hit.range.START_TO_START, best.range) < 0) best = hit;
          break;
        }
      }
      return best;
    },
    mentionsIn: (block) => states.get(block.element)?.mentions ?? [],
    firstMentionOf(entityId) {
      let best: MentionHit | undefined;
      for (const state of states.values()) {
        const k = state.shown.findIndex((m) => m.entityId === entityId);
        if (k < 0 || !state.block.element.isConnected || !state.block.nodes.length) continue;
        const hit = hitIn(state, k);
        if (!best || hit.range.compareBoundaryPoints(hit.range.START_TO_START, best.range) < 0) best = hit;
      }
      return best;
    },
    summary(maxChars = 20_000) {
      const counts = new Map<string, { id: string; type: EntityType; count: number }>();
      let text = '';
      for (const state of states.values()) {
        for (const m of state.mentions) {
          const e = counts.get(m.entityId) ?? { id: m.entityId, type: m.type, count: 0 };
          e.count++;
          counts.set(m.entityId, e);
        }
        if (text.length < maxChars) text += `${state.block.text.slice(0, maxChars - text.length)}\n`;
      }
      return { entities: [...counts.values()], text };
    },
    stats: () => ({ ...stats, ...near?.counts(), hiddenWatched: reveal?.size }),
    destroy() {
      destroyed = true;
      observer?.disconnect();
      if (changeTimer !== undefined) win.clearTimeout(changeTimer);
      queue.destroy();
      near?.destroy();
      reveal?.destroy();
      painter.destroy();
      states.clear();
      inflightDone = [];
      for (const w of changeWaiters.splice(0)) w();
      changeWaiters = [];
    },
  };
}
