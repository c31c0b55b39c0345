/**
 * Runs work in slices at the lowest priority, so no task the extension runs on the main thread is
 * long: each slice gets a budget (at most `maxSliceMs`) and the work checks `timeUp()` often.
 * Slices are background-priority tasks (`scheduler.postTask`), which run whenever the page has
 * nothing more urgent to do; where that API is missing, idle callbacks. (Idle callbacks alone wait
 * for a frame's idle period between slices: measured, that made marking a 50,000-node page take
 * 1.6 s, most of it waiting.)
 *
 * With `afterFrame`, each slice runs inside a frame the browser renders, once it has brought the
 * page's style and layout up to date (see `runAfterFrame`). Firefox needs it: it learns whether
 * each link was visited from its parent process, after load and all at once, and restyles every
 * link the next time style is read. Profiled on a saved Wikipedia page (2,370 links): one
 * `getComputedStyle` of a link in a slice of ours paid that restyle, 54-137 ms, where the browser's
 * own next frame would have. A slice in the task right after a frame still paid it where the
 * message came between the two (a saved CBS page: 50 ms); inside the frame nothing comes between.
 */

/** One piece of work: does a slice and says whether there is more to do. */
export type SliceWork = (timeUp: () => boolean) => boolean;

/** Timings of the slices run so far, for tests and the bench. */
export interface SliceStats {
  slices: number;
  /** The longest slice, in milliseconds (the whole task the extension ran). */
  maxSliceMs: number;
  /** The label of the work that ran in the longest slice. */
  maxSliceWork?: string;
  /** Total time spent in slices, in milliseconds. */
  totalMs: number;
  /** Time spent in slices by the label of the work, in milliseconds. */
  workMs: Record<string, number>;
  /** The message of the last piece of work that threw (it was dropped). */
  lastError?: string;
}

/** A queue of sliced work run in idle callbacks. */
export interface IdleQueue {
  /**
   * Adds work (named by `label` in the stats); it runs after the work already queued, or with
   * `first`, before it (the work under way resumes after).
   */
  push(work: SliceWork, label?: string, first?: boolean): void;
  /** Resolves when the queue is empty. */
  drained(): Promise<void>;
  readonly stats: SliceStats;
  /** Drops queued work and stops. */
  destroy(): void;
}

/**
 * Creates an idle queue on `win`. A slice runs while the idle deadline allows, between `minSliceMs`
 * and `maxSliceMs`; where requestIdleCallback is missing (or the page is never idle for `timeoutMs`)
 * slices still run, from a timer.
 */
export function createIdleQueue(
  win: Window,
  options: { maxSliceMs?: number; minSliceMs?: number; timeoutMs?: number; afterFrame?: boolean } = {},
): IdleQueue {
  const maxSlice = options.maxSliceMs ?? 12;
  const minSlice = options.minSliceMs ?? 5;
  const timeout = options.timeoutMs ?? 300;
  const afterFrame = options.afterFrame ?? false;
  const queue: SliceWork[] = [];
  const labels: (string | undefined)[] = [];
  const waiters: (() => void)[] = [];
  const stats: SliceStats = { slices: 0, maxSliceMs: 0, totalMs: 0, workMs: {} };
  let scheduled = false;
  let destroyed = false;
  const now = (): number => win.performance.now();
  const ric = (win as Window & { requestIdleCallback?: Window['requestIdleCallback'] }).requestIdleCallback?.bind(win);
  const scheduler = (win as Window & { scheduler?: { postTask?: (fn: () => void, o: { priority: string }) => Promise<unknown> } }).scheduler;
  const postTask = typeof scheduler?.postTask === 'function' ? scheduler.postTask.bind(scheduler) : undefined;

  const run = (deadline?: IdleDeadline): void => {
    scheduled = false;
    if (destroyed) return;
    const start = now();
    const budget = Math.max(minSlice, Math.min(maxSlice, deadline?.timeRemaining() ?? maxSlice));
    const end = start + budget;
    const timeUp = (): boolean => now() >= end;
    let label: string | undefined;
    try {
      while (queue.length && !timeUp()) {
        let more = false;
        const work = queue[0]!;
        label = labels[0];
        const began = now();
        try {
          more = work(timeUp);
        } catch (e) {
          // A failing piece of work is dropped, never retried, and never thrown into the page.
          stats.lastError = e instanceof Error ? e.message : String(e);
        }
        const key = label ?? 'work';
        stats.workMs[key] = (stats.workMs[key] ?? 0) + (now() - began);
        if (!more) {
          // Work it queued first now stands before it.
          const k = queue.indexOf(work);
          queue.splice(k, 1);
          labels.splice(k, 1);
        }
      }
    } finally {
      const took = now() - start;
      stats.slices++;
      stats.totalMs += took;
      if (took > stats.maxSliceMs) {
        stats.maxSliceMs = took;
        stats.maxSliceWork = label;
      }
      if (queue.length) schedule();
      else for (const w of waiters.splice(0)) w();
    }
  };

  /**
   * Runs a slice inside the browser's next frame, once it has brought style and layout up to date:
   * a ResizeObserver's callback (an element's first observation is reported in the next frame, after
   * layout), observed from an animation-frame callback so it is reported in that same frame. Where
   * ResizeObserver is missing, in the task after the frame. Where no frame comes (a tab in the
   * background), after `timeout`.
   */
  const RO = (win as Window & { ResizeObserver?: typeof ResizeObserver }).ResizeObserver;
  const target = win.document?.documentElement;
  let pending: (() => void) | undefined;
  const observer = afterFrame && typeof RO === 'function' && target ? new RO(() => pending?.()) : undefined;
  const runAfterFrame = (): void => {
    const go = (): void => {
      if (pending !== go) return;
      pending = undefined;
      win.clearTimeout(timer);
      win.cancelAnimationFrame(frame);
      if (observer) observer.unobserve(target!);
      run();
    };
    pending = go;
    const timer = win.setTimeout(go, timeout);
    const frame = win.requestAnimationFrame(() => {
      if (observer) observer.observe(target!);
      else if (postTask) void postTask(go, { priority: 'user-visible' }).catch(() => undefined);
      else win.setTimeout(go, 0);
    });
  };

  const schedule = (): void => {
    if (scheduled || destroyed) return;
    scheduled = true;
    if (afterFrame) runAfterFrame();
    else if (postTask) void postTask(() => run(), { priority: 'background' }).catch(() => undefined);
    else if (ric) ric(run, { timeout });
    else win.setTimeout(() => run(), 0);
  };

  return {
    push(work, label, first = false) {
      if (destroyed) return;
      if (first) {
        queue.unshift(work);
        labels.unshift(label);
      } else {
        queue.push(work);
        labels.push(label);
      }
      schedule();
    },
    drained: () => (queue.length === 0 && !scheduled ? Promise.resolve() : new Promise<void>((ok) => waiters.push(ok))),
    stats,
    destroy() {
      destroyed = true;
      pending = undefined;
      observer?.disconnect();
      queue.length = 0;
      labels.length = 0;
      for (const w of waiters.splice(0)) w();
    },
  };
}
