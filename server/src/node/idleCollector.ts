/**
 * Gives memory back once typing stops. Each keystroke allocates a few megabytes that are
 * garbage a moment later; V8 grows the heap to make room for them, and a young-generation
 * collection frees the objects but keeps the pages, so a language server that went from
 * ~180 MB to ~390 MB over 200 edits stayed there however long the user paused (#15). A full
 * collection, run once when the thread has been idle for a while, compacts the heap and
 * returns the free pages to the system. It never runs while edits keep coming (each one
 * postpones it), so typing pays nothing for it; nor does it cap the heap, so a huge
 * configuration still gets all the memory it needs.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** How long a thread must have been idle before it collects (longer than the pause between two keystrokes). */
export const IDLE_COLLECT_MS = 1500;

/** Timers and clock, injectable so that tests do not wait. */
export interface IdleTimers {
  now(): number;
  /** Calls `callback` after `ms`; the timer must not keep the process alive. */
  set(callback: () => void, ms: number): unknown;
}

const realTimers: IdleTimers = {
  now: () => performance.now(),
  set: (callback, ms) => setTimeout(callback, ms).unref(),
};

/**
 * Calls `collect` once, `idleMs` after the last call to activity(); further activity arms it
 * again. One timer at most is pending: activity only records the time, so a burst of
 * keystrokes costs a clock read each.
 */
export class IdleCollector {
  private lastActivity = 0;
  private armed = false;
  private timerPending = false;
  /** How many collections ran (tests and the server's log). */
  collections = 0;

  constructor(private readonly collect: () => void, private readonly idleMs = IDLE_COLLECT_MS, private readonly timers: IdleTimers = realTimers) {}

  /** Work happened (an edit, a check): collect once the thread has been idle for idleMs after this. */
  activity(): void {
    this.lastActivity = this.timers.now();
    this.armed = true;
    if (!this.timerPending) this.wait(this.idleMs);
  }

  /**
   * Collects at once, and cancels the collection activity() armed: for a thread that knows it
   * has just finished work that left only garbage, and has nothing waiting.
   */
  collectNow(): void {
    this.armed = false;
    this.collections++;
    this.collect();
  }

  private wait(ms: number): void {
    this.timerPending = true;
    this.timers.set(() => this.expired(), ms);
  }

  private expired(): void {
    this.timerPending = false;
    if (!this.armed) return;
    const quietFor = this.timers.now() - this.lastActivity;
    if (quietFor < this.idleMs) {
      this.wait(this.idleMs - quietFor);
      return;
    }
    this.armed = false;
    this.collections++;
    this.collect();
  }
}

/**
 * A full garbage collection of the calling thread's heap, or undefined when this runtime does
 * not allow one. Node has no API for it without --expose-gc on the command line, which the
 * editor starts us without: the flag set at run time exposes gc() to contexts created after it,
 * so a fresh context hands it over. Works in worker threads too (each collects its own heap).
 */
export function fullGarbageCollection(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? () => (gc as () => void)() : undefined;
  } catch {
    return undefined;
  }
}

/** How long a thread must have been idle before it compacts a fragmented heap (see compactingGarbageCollection). */
export const IDLE_COMPACT_MS = 5000;

/** Free space in the committed heap, after a full collection, past which the heap is compacted (see fragmented()). */
const FRAGMENTED_BYTES = 16 * 1024 * 1024;

/**
 * True when much of what the heap holds committed is free space between live objects: more
 * than 16 MB, and more than half as much as is live.
 */
export function fragmented(stats: { total_heap_size: number; used_heap_size: number }): boolean {
  const free = stats.total_heap_size - stats.used_heap_size;
  return free > FRAGMENTED_BYTES && free > stats.used_heap_size / 2;
}

/**
 * A full collection that moves every live object together, or undefined when none is available.
 * A plain one compacts only the emptiest pages: the validation worker of a server on the
 * bench's tree kept 126 MB of heap committed for 82 MB of live objects after it, and 84 MB after
 * this one (issue #15). It costs more (300 against 70 ms on that heap), so it runs only after a
 * longer pause than the plain one, and only on a fragmented heap. The flag is V8's, for the whole
 * process: it is set for this one collection only.
 */
export function compactingGarbageCollection(gc = fullGarbageCollection()): (() => void) | undefined {
  if (!gc) return undefined;
  return () => {
    v8.setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
}

function collectorWith(gc: (() => void) | undefined): IdleCollector {
  return new IdleCollector(gc ?? (() => undefined));
}

/** A thread's two idle collections (see idleCollectionsForThisThread). */
export interface IdleCollections {
  collector: IdleCollector;
  compactor: IdleCollector;
  /** Work happened: both wait for the thread to be idle again. */
  activity(): void;
}

/**
 * This thread's two idle collections, sharing one full collection (fullGarbageCollection sets a
 * flag and makes a context each time it is asked): `collector` collects IDLE_COLLECT_MS after
 * the last activity, `compactor` compacts after IDLE_COMPACT_MS when the heap is fragmented then.
 * Both do nothing when a full collection is not available.
 */
export function idleCollectionsForThisThread(): IdleCollections {
  const gc = fullGarbageCollection();
  const compact = compactingGarbageCollection(gc);
  const collector = collectorWith(gc);
  const compactor = new IdleCollector(() => {
    if (compact && fragmented(v8.getHeapStatistics())) compact();
  }, IDLE_COMPACT_MS);
  return {
    collector,
    compactor,
    activity: () => {
      collector.activity();
      compactor.activity();
    },
  };
}
