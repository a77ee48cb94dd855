/**
 * The young generation of the command line's and the language server's process: V8 keeps it
 * at the size it has when this is applied, unless the process was started with a size of its own.
 *
 * V8 allocates every new object in the young generation and doubles its size (up to 16 MB per
 * half on a 64-bit machine) while many objects survive its collections, and the space stays
 * resident once grown. A check survives almost everything it allocates (the syntax trees, the
 * model, the findings live to its end), so the larger space adds megabytes of resident memory,
 * not speed. Node.js fixes the maximum size when the process starts (`--max-semi-space-size`,
 * which the VS Code client passes to the server: common/serverLaunch.ts); a bin cannot pass
 * Node.js flags portably (`env -S` is missing from BusyBox and from older npm shims), and other
 * editors start the server their own way. What V8 reads each time it would grow the space is the
 * growth factor: set to 1 at run time, growing leaves the size as it is. Applied at start-up,
 * the space keeps its initial size: 2 MB for both halves (v8.getHeapSpaceStatistics() after a
 * check of the bench tree, and after indexing the 5k-line file in the language service), where
 * `--max-semi-space-size=2` gives 4 MB. In-process, 60 edits typing a line into a server of the
 * 5k-line file and deleting it again collected the young generation 631 times (573 ms) at this
 * size, 279 times (353-399 ms) with the flag at 2 and 70 times (200-213 ms) at 8, for median
 * edits of 20-24, 20-23 and 16 ms; over the bench's language-server sessions 2 and 8 MB typed at the same speed
 * within the sessions' spread, and 8 MB held more RSS (issue #15, twenty-eighth pass).
 *
 * Measured on the benchmark's workload, eight cold runs of the command line interleaved with the
 * commit before (issue #15, twentieth pass): peak RSS of the tree's check 209-231 -> 171-173 MB,
 * with the same times (median 1.68 -> 1.72 s, within the runs' spread); of the 50k-line file
 * 158 -> 126 MB, of the 5k-line file 81 -> 73 MB (five runs each).
 * test/node/heapTuning.test.ts checks that a process tuned this way keeps the space small.
 */
import * as v8 from 'node:v8';

/** The V8 settings capYoungGeneration() applies. Never a factor of 0: V8 would shrink the space to nothing. */
export const YOUNG_GENERATION_FLAGS: readonly string[] = ['--semi-space-growth-factor=1'];

/** A Node.js option that sizes the young generation, in either of V8's spellings (`-` or `_`). */
const SIZING_OPTION = /^--(?:(?:max|min)[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor)(?:=|$)/;

/** True when one of the process's Node.js options, on its command line or in NODE_OPTIONS, matches `option`. */
function optionGiven(option: RegExp, execArgv: readonly string[], nodeOptions: string): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((given) => option.test(given));
}

/** True when the process was started with a young-generation size of its own, on its command line or in NODE_OPTIONS. */
export function youngGenerationSizeGiven(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): boolean {
  return optionGiven(SIZING_OPTION, execArgv, nodeOptions);
}

/** Applies YOUNG_GENERATION_FLAGS to this process, unless it was given a size of its own. The entry points call it first. */
export function capYoungGeneration(): void {
  if (youngGenerationSizeGiven()) return;
  for (const flag of YOUNG_GENERATION_FLAGS) v8.setFlagsFromString(flag);
}

/**
 * How far V8 lets the old generation grow past what its last full collection kept, for the
 * command line: 50% instead of V8's own factor, which on a machine with gigabytes to spare is
 * up to 4x. The command line's peak comes at the end of its check, when everything it made is
 * still live; with V8's factor the last full collection came anywhere from 67 to 84 MB of the
 * bench tree's heap, depending on how much of the parse happened to be live at the first one,
 * and the garbage left after it set the peak: 128-137 MB over ten runs. At 50%, V8 collects
 * three or four times instead of twice: 128-131 MB over twelve runs, for about 10% more CPU
 * time (issue #15). Not for the language server, whose heap grows and shrinks with each edit.
 */
export const OLD_GENERATION_FLAGS: readonly string[] = ['--heap-growing-percent=50'];

/** True when the process was started with a heap growing percent of its own, on its command line or in NODE_OPTIONS. */
export function oldGenerationGrowthGiven(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): boolean {
  return optionGiven(/^--heap[-_]growing[-_]percent(?:=|$)/, execArgv, nodeOptions);
}

/** Applies OLD_GENERATION_FLAGS to this process, unless it was started with a growing percent of its own. The CLI's entry point calls it first. */
export function limitOldGenerationGrowth(): void {
  if (oldGenerationGrowthGiven()) return;
  for (const flag of OLD_GENERATION_FLAGS) v8.setFlagsFromString(flag);
}
