import { describe, expect, it } from 'vitest';
import { createIdleQueue } from '../../../lib/page/idle';

/**
 * A window whose clock, timers, frames and tasks the test drives by hand: `log` records what ran
 * and in which kind of task, so the order of slices and frames can be asserted.
 */
function scriptedWindow(options: { resizeObserver?: boolean } = {}) {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const frames = new Map<number, () => void>();
  const tasks: { priority: string; fn: () => void }[] = [];
  const log: string[] = [];
  /** ResizeObservers and the elements each observes now (reported once a frame has done its layout). */
  const observers: { cb: () => void; targets: Set<unknown> }[] = [];
  class FakeResizeObserver {
    entry: { cb: () => void; targets: Set<unknown> };
    constructor(cb: () => void) {
      this.entry = { cb, targets: new Set() };
      observers.push(this.entry);
    }
    observe(el: unknown) {
      this.entry.targets.add(el);
    }
    unobserve(el: unknown) {
      this.entry.targets.delete(el);
    }
    disconnect() {
      this.entry.targets.clear();
    }
  }
  const win = {
    document: { documentElement: {} },
    ...(options.resizeObserver ? { ResizeObserver: FakeResizeObserver } : {}),
    performance: { now: () => now },
    setTimeout: (fn: () => void, ms = 0) => {
      timers.set(nextId, { at: now + ms, fn });
      return nextId++;
    },
    clearTimeout: (id: number) => void timers.delete(id),
    requestAnimationFrame: (fn: () => void) => {
      frames.set(nextId, fn);
      return nextId++;
    },
    cancelAnimationFrame: (id: number) => void frames.delete(id),
    scheduler: {
      postTask: (fn: () => void, o: { priority: string }) => {
        tasks.push({ priority: o.priority, fn });
        return Promise.resolve();
      },
    },
  } as unknown as Window;
  return {
    win,
    log,
    /** Advances the clock (work "takes" time by calling this). */
    spend: (ms: number) => void (now += ms),
    /** Renders a frame: runs the frame callbacks queued so far. */
    frame(): void {
      log.push('frame');
      const due = [...frames.values()];
      frames.clear();
      for (const fn of due) fn();
      log.push('layout');
      // New observations are reported in the frame, after style and layout.
      for (const o of observers) if (o.targets.size) o.cb();
      log.push('paint');
    },
    /** Runs the tasks queued so far, in order. */
    runTasks(): void {
      for (const t of tasks.splice(0)) t.fn();
    },
    /** Advances the clock by `ms` and fires the timers due. */
    wait(ms: number): void {
      now += ms;
      for (const [id, t] of [...timers]) {
        if (t.at > now) continue;
        timers.delete(id);
        t.fn();
      }
    },
    pendingTasks: () => tasks.map((t) => t.priority),
    pendingTimers: () => timers.size,
    pendingFrames: () => frames.size,
  };
}

/** Work that needs `n` slices: each call spends the whole budget and records itself. */
function work(w: ReturnType<typeof scriptedWindow>, name: string, n: number) {
  let left = n;
  return (timeUp: () => boolean): boolean => {
    w.log.push(name);
    while (!timeUp()) w.spend(1);
    return --left > 0;
  };
}

describe('createIdleQueue', () => {
  it('runs slices as background tasks, each within its budget, until the work is done', async () => {
    const w = scriptedWindow();
    const q = createIdleQueue(w.win, { maxSliceMs: 10 });
    q.push(work(w, 'read', 3), 'read');
    q.push(work(w, 'draw', 1), 'draw');
    expect(w.pendingTasks()).toEqual(['background']);
    for (let i = 0; i < 4; i++) w.runTasks();
    await q.drained();
    expect(w.log).toEqual(['read', 'read', 'read', 'draw']);
    expect(q.stats.slices).toBe(4);
    expect(q.stats.maxSliceMs).toBe(10);
    expect(q.stats.maxSliceWork).toBe('read');
    // The time of each kind of work, by its label.
    expect(q.stats.workMs).toEqual({ read: 30, draw: 10 });
  });

  it('with afterFrame, starts each slice in the task right after a rendered frame, never before one', async () => {
    const w = scriptedWindow();
    const q = createIdleQueue(w.win, { maxSliceMs: 10, afterFrame: true });
    q.push(work(w, 'draw', 2), 'draw');
    // Nothing runs as a plain task: the slice waits for a frame.
    expect(w.pendingTasks()).toEqual([]);
    expect(w.pendingFrames()).toBe(1);
    w.frame();
    expect(w.log).toEqual(['frame', 'layout', 'paint']);
    // The frame queued the slice as the next task (ahead of what comes while the frame renders).
    expect(w.pendingTasks()).toEqual(['user-visible']);
    w.runTasks();
    expect(w.log).toEqual(['frame', 'layout', 'paint', 'draw']);
    // The second slice waits for the next frame too, even though the first left work.
    expect(w.pendingTasks()).toEqual([]);
    w.frame();
    w.runTasks();
    await q.drained();
    expect(w.log).toEqual(['frame', 'layout', 'paint', 'draw', 'frame', 'layout', 'paint', 'draw']);
    // No timer is left behind once a frame started the slice.
    expect(w.pendingTimers()).toBe(0);
  });

  it('with afterFrame and ResizeObserver, runs each slice inside a frame, after its layout and before its paint', async () => {
    const w = scriptedWindow({ resizeObserver: true });
    const q = createIdleQueue(w.win, { maxSliceMs: 10, afterFrame: true });
    q.push(work(w, 'draw', 2), 'draw');
    expect(w.pendingTasks()).toEqual([]);
    w.frame();
    // Nothing between the frame's layout and the slice: no task comes in between.
    expect(w.log).toEqual(['frame', 'layout', 'draw', 'paint']);
    expect(w.pendingTasks()).toEqual([]);
    w.frame();
    await q.drained();
    expect(w.log).toEqual(['frame', 'layout', 'draw', 'paint', 'frame', 'layout', 'draw', 'paint']);
    expect(w.pendingTimers()).toBe(0);
    // A third frame runs nothing: the work is done.
    w.frame();
    expect(w.log.filter((l) => l === 'draw')).toHaveLength(2);
  });

  it('with afterFrame, still runs where no frame comes (a tab in the background), after the timeout, once', async () => {
    const w = scriptedWindow();
    const q = createIdleQueue(w.win, { maxSliceMs: 10, timeoutMs: 300, afterFrame: true });
    q.push(work(w, 'read', 1), 'read');
    w.wait(299);
    expect(w.log).toEqual([]);
    w.wait(1);
    expect(w.log).toEqual(['read']);
    expect(w.pendingFrames()).toBe(0);
    // A frame and task after that start nothing more.
    w.frame();
    w.runTasks();
    await q.drained();
    expect(w.log).toEqual(['read', 'frame', 'layout', 'paint']);
    expect(q.stats.slices).toBe(1);
  });

  it('drops work that throws, records why, and goes on with the rest', async () => {
    const w = scriptedWindow();
    const q = createIdleQueue(w.win, { maxSliceMs: 10 });
    q.push(() => {
      throw new Error('broken page');
    }, 'read');
    q.push(work(w, 'draw', 1), 'draw');
    w.runTasks();
    w.runTasks();
    await q.drained();
    expect(q.stats.lastError).toBe('broken page');
    expect(w.log).toEqual(['draw']);
  });
});
