// The bench's keystrokes (editScripts.mjs: comment edits, then a typing burst) sent straight to the
// validation worker bundle (dist/validationWorker.js) as the server sends them, one at a time: the
// worker's time per keystroke without the protocol, the server's own thread or a client. Over LSP
// a keystroke also pays for the text's way in and the diagnostics' way out; this isolates the
// check, with the server's young-generation limit, so a profile (node --cpu-prof) shows the
// worker's own thread.
//
//   node scripts/bench/workerReplay.mjs <file> [--folder <dir>] [--edits N]
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { burstEdits, commentEdits } from './editScripts.mjs';
import { percentile } from './lspScenarios.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Opens `file` in a fresh worker (workspace folder `folder`), checks it once, waits `settleMs`
 * (the worker rehearses the first keystrokes meanwhile), then sends `edits` comment keystrokes and
 * `edits` burst keystrokes, each after the last one's answer. The milliseconds from each text sent
 * to its answer, per scenario.
 */
export async function replayWorker({ root = ROOT, file, folder = path.dirname(file), edits = 200, settleMs = 2500 }) {
  const { WORKER_YOUNG_GENERATION_MB } = require(path.join(root, 'out/server/src/node/validationRunner.js'));
  // V8's settings are the process's: tuned as the server's process tunes them before its worker starts.
  require(path.join(root, 'out/server/src/node/compilerTuning.js')).applyCompilerTuning();
  const worker = new Worker(path.join(root, 'dist/validationWorker.js'), { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  try {
    const waiting = new Map();
    let ready;
    let failed;
    let stopped;
    const started = new Promise((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    // A worker that fails or ends answers nothing more: whoever waits hears why.
    const fail = (error) => {
      stopped ??= error;
      failed(error);
      for (const answer of waiting.values()) answer({ error: String(error) });
      waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the worker exited (${code})`)));
    worker.on('message', (message) => {
      if (message.ready) return ready();
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    });
    let id = 0;
    const validate = () => new Promise((resolve, reject) => {
      const request = ++id;
      if (stopped) return reject(stopped);
      waiting.set(request, (answer) => (answer.error ? reject(new Error(answer.error)) : resolve(answer)));
      worker.postMessage({ kind: 'validate', id: request, path: file });
    });
    await started;
    worker.postMessage({ kind: 'configure', raw: { validationDelayMs: 0 } });
    worker.postMessage({ kind: 'folders', folders: [folder] });
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    worker.postMessage({ kind: 'open', path: file, text: lines.join('\n') });
    await validate();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    // The scripts change `lines` before they yield each change: the text is read after that.
    const type = async (changes) => {
      const ms = [];
      for (const _ of changes) {
        const sent = performance.now();
        worker.postMessage({ kind: 'open', path: file, text: lines.join('\n') });
        await validate();
        ms.push(performance.now() - sent);
      }
      return ms;
    };
    const comment = await type(commentEdits(lines, edits));
    const burst = burstEdits(lines, edits);
    await type([burst.setup()]);
    return { comment, burst: await type(burst.keystrokes()) };
  } finally {
    await worker.terminate();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name) => {
    const at = args.indexOf(name);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const folder = option('--folder');
  const edits = Number(option('--edits') ?? 200);
  const file = args[0] && path.resolve(args[0]);
  if (!file) {
    console.error('usage: node scripts/bench/workerReplay.mjs <file> [--folder <dir>] [--edits N]');
    process.exit(2);
  }
  const result = await replayWorker({ file, folder: folder && path.resolve(folder), edits });
  const line = (name, ms) => `${name}: ${ms.length} keystrokes, p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms`;
  console.log(line('comment edits', result.comment));
  console.log(line('typing burst', result.burst));
}
