/**
 * How the VS Code client starts the language server's Node.js process.
 *
 * `--max-semi-space-size=2` caps the young generation of the server's own thread at about 6 MB
 * (V8's default lets it grow to 48 MB and keeps it resident once grown). That thread runs the
 * checks; a server started with --validation-worker hands them to a worker after the first,
 * which gets its own limit (WORKER_YOUNG_GENERATION_MB in server/src/node/validationRunner.ts).
 * Checking in the server's thread, bench sessions showed no clear difference between 2, 4 and 8
 * MB semi-spaces in RSS or keystroke latency (#15, ninth pass).
 * Node.js fixes the maximum size when the process starts; a server started without the flag
 * stops the space from growing instead (capYoungGeneration() in server/src/node/heapTuning.ts),
 * which keeps it at its initial size, half of this flag's (heapTuning.ts has the measurements).
 * Measured with the bench's LSP sessions (#15, docs/benchmarks.md): RSS after indexing 276–284 →
 * 244 MB for a file in the 100k-line tree, 146–159 → 137–140 MB for the 5k-line file, at the
 * first diagnostics of the 50k-line file 196 → 169–170 MB; the first check was not slower.
 *
 * Other editors start `nginx-mtls-language-server` themselves, without the flag (docs/editors.md).
 * The bin keeps a plain `#!/usr/bin/env node`: `env -S` is missing from BusyBox (Alpine) and
 * from the command shims of older npm versions on Windows.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** The client's setting, `nginxMtls.validationWorker`, that starts the server with VALIDATION_WORKER_FLAG. */
export const VALIDATION_WORKER_SETTING = 'validationWorker';

/** The server's flag for checks in a worker thread after the first (server/src/node/validationRunner.ts). */
export const VALIDATION_WORKER_FLAG = '--validation-worker';

/** The server's command-line arguments for the client's settings (anything but `true` leaves the default). */
export function serverArguments(settings: { validationWorker?: unknown }): string[] {
  return settings.validationWorker === true ? [VALIDATION_WORKER_FLAG] : [];
}
