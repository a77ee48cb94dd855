/**
 * Writing the command line's report to stdout without holding it in memory.
 *
 * Node.js queues what a pipe cannot take at once (a CI log, `| tee`, a test harness reading the
 * output): written in one go, the benchmark tree's 7.7 MB JSON report was queued almost whole
 * and raised the CLI's peak RSS by about 20 MB over writing it to a file (issue #15). Waiting
 * for the stream to drain after a write it could not take keeps one piece in flight.
 */
import type { Writable } from 'node:stream';

/**
 * Writes `text` and a newline to `stream`. Undefined when the stream took it; otherwise a promise
 * that settles once the stream has room again, or has closed or failed (its own error handler
 * decides about that: the promise never waits for a stream that is gone).
 */
export function writeLine(stream: Writable, text: string): Promise<void> | undefined {
  if (stream.destroyed || stream.write(`${text}\n`)) return undefined;
  return new Promise((resolve) => {
    const settle = (): void => {
      stream.off('drain', settle);
      stream.off('close', settle);
      stream.off('error', settle);
      resolve();
    };
    stream.on('drain', settle);
    stream.on('close', settle);
    stream.on('error', settle);
  });
}
