/**
 * How much V8's optimising compiler (TurboFan) inlines into one function, for the processes
 * that run our checks: the command line and the language server (whose validation worker shares
 * the process's settings).
 *
 * Both run large functions (a rule family's `run`, the analyzer, the block rebuild) a few times
 * each: once over a whole configuration, or once per keystroke. V8 optimises such a function
 * after some runs, on a helper thread, while the check goes on in slower code; with its default
 * budget (920 bytes of bytecode inlined into one function) compiling the analyzer or a family
 * took 100-170 ms of a helper thread, during which the first dozen keystrokes at the http level
 * of the bench's 5k-line file ran unoptimised (35-90 ms each, against 10-20 ms after). With 200
 * bytes, each compiles sooner and smaller. Measured with the flag on the command line, five
 * rounds interleaved with the default on this project's 2-core bench machine (issue #15,
 * nineteenth pass): the cold check of the bench's tree 2.19 -> 1.79 s (median); 30 keystrokes into
 * `proxy_set_header` / `proxy_ssl_verify` at the http level of the 5k-line file 927 -> 725 ms /
 * 834 -> 632 ms in all (p95 56 -> 49 / 47 -> 39 ms). Small functions (the tokenizer's) are still
 * inlined: the parser alone, warm, stays within 5% (no inlining at all made it 40% slower).
 *
 * The flag is set at run time (a bin cannot pass Node.js flags portably, and editors start the
 * server their own way); V8 reads it whenever it compiles, so it applies from then on.
 * test/node/compilerTuning.test.ts checks that a flag set this way still takes effect.
 */
import * as v8 from 'node:v8';

/** The V8 settings applied by applyCompilerTuning(). */
export const COMPILER_FLAGS: readonly string[] = ['--max-inlined-bytecode-size-cumulative=200'];

/** Applies COMPILER_FLAGS to this process (every thread of it). Entry points call it first. */
export function applyCompilerTuning(): void {
  for (const flag of COMPILER_FLAGS) v8.setFlagsFromString(flag);
}
