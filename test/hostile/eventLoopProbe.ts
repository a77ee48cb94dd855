/**
 * Measures how long the event loop was blocked while `work` ran: a 5 ms interval timer
 * records the largest gap between its ticks. A synchronous chunk of work of 300 ms shows
 * as a gap of about 300 ms; awaiting I/O does not.
 */
import { performance } from 'node:perf_hooks';

export const MAX_BLOCK_MS = 100;

export async function measureBlocking<T>(work: () => Promise<T>): Promise<{ result: T; maxGapMs: number }> {
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 5);
  try {
    const result = await work();
    // The gap that ends with the work's last synchronous chunk is seen at the next tick.
    await new Promise((resolve) => setTimeout(resolve, 6));
    maxGapMs = Math.max(maxGapMs, performance.now() - last);
    return { result, maxGapMs };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The work's blocking time, measured up to twice: a real block recurs on the second run,
 * a pause of the machine (another process, a GC of the test runner) does not.
 */
export async function blockingOf<T>(work: () => Promise<T>): Promise<{ result: T; maxGapMs: number }> {
  const first = await measureBlocking(work);
  if (first.maxGapMs < MAX_BLOCK_MS) return first;
  return measureBlocking(work);
}
