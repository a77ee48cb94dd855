#!/usr/bin/env node
// In-process measurements of the language service (the unminified out/ build, so profiles name
// our functions), one measurement per process so that each starts from a fresh heap. Started by
// run.mjs; prints one JSON object on stdout.
//
//   node --expose-gc inProcess.mjs memory <folder> <file> <edits>
//        heap used after a forced GC after indexing, after the comment edits and after the
//        typing burst; bytes allocated per keystroke in each (V8's sampling heap profiler,
//        counting objects that were already collected too)
//   node inProcess.mjs profile <folder> <file> <edits> <out.cpuprofile> [comment|burst]
//        a CPU profile of the keystrokes only (started after indexing)
//   node inProcess.mjs httpLevel <folder> <file> <keystrokes> <name> <value>
//        keystroke → diagnostics while typing into a setting at the http level of the main
//        config (see httpLevelEdits): p50, p95 and max of the keystrokes
//   node inProcess.mjs warmCheck <runs> <main>
//        the command line's check of <main> (JSON report, written nowhere) run again and again in
//        one process: the median of <runs> checks after WARM_CHECKS unmeasured ones, by which time
//        V8 has optimised the code the check runs. What is left is the check's own work, without
//        the cold process's compiling and tiering up. V8's own heap sizes, not the CLI's smaller
//        ones (node/heapTuning.ts): they cost a cold check no time, but a warm one half again
//        (the tree: 796 against 547 ms), so the figure is the check's work at its cheapest
//   node inProcess.mjs parse <runs> <files…>
//        our parser alone (text → syntax tree) over the files, texts already in memory, warm
//        (with V8's default settings; the other measurements apply the server's, see below):
//        the median of <runs> passes after two unmeasured ones (no forced GC between passes:
//        measured here, a collected and shrunk heap made the next pass 3-4x slower)
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { burstEdits, commentEdits, httpLevelEdits } from './editScripts.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'out/server/src');

const session = new inspector.Session();
session.connect();
const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * A language service with `file` open and indexed. `textsAfter(changes)` applies the keystrokes
 * to `lines` and returns the document's text after each one, made before anything is measured
 * so that neither a profile nor an allocation count includes the benchmark's own string joins;
 * `type(texts)` hands them to the service one by one, as an editor's document sync would.
 */
async function indexedService(folder, file) {
  const { NginxLanguageService } = require(path.join(OUT, 'service/languageService.js'));
  const service = new NginxLanguageService();
  service.setWorkspaceFolders([folder]);
  service.configure({ validationDelayMs: 0 });
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  service.openDocument(file, lines.join('\n'));
  await service.validate(file);
  const textsAfter = (changes) => Array.from(changes, () => lines.join('\n'));
  const type = async (texts) => {
    for (const text of texts) {
      // Each keystroke in a turn of the event loop of its own, as an editor's messages come: a
      // check that never waits for the disk (model/recentDiskReads.ts) runs in promise jobs
      // only, and in one unbroken chain of them V8 keeps every WeakRef target alive.
      await new Promise((resolve) => setImmediate(resolve));
      service.openDocument(file, text);
      // What the language server calls for each version (node/validationRunner.ts): the
      // diagnostics as the JSON it sends, an unmoved finding's bytes reused.
      await service.validateEncoded(file);
    }
    return texts.length;
  };
  return { lines, textsAfter, type };
}

function heapUsedAfterGc() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Bytes allocated while `work` runs, from the sampling heap profiler (collected objects included). */
async function allocatedBytes(work) {
  await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const count = await work();
  const { profile } = await post('HeapProfiler.stopSampling');
  let total = 0;
  const walk = (node) => {
    total += node.selfSize ?? 0;
    for (const child of node.children ?? []) walk(child);
  };
  walk(profile.head);
  return { total, count };
}

async function memory(folder, file, edits) {
  const { lines, textsAfter, type } = await indexedService(folder, file);
  const heapAfterIndex = heapUsedAfterGc();
  let texts = textsAfter(commentEdits(lines, edits));
  const comment = await allocatedBytes(() => type(texts));
  texts = undefined;
  const heapAfterComments = heapUsedAfterGc();
  const burst = burstEdits(lines, edits);
  await type(textsAfter([burst.setup()]));
  texts = textsAfter(burst.keystrokes());
  const typed = await allocatedBytes(() => type(texts));
  texts = undefined;
  const heapAfterBurst = heapUsedAfterGc();
  return {
    heapAfterIndex, heapAfterComments, heapAfterBurst,
    commentBytesPerEdit: comment.total / comment.count, burstBytesPerEdit: typed.total / typed.count,
    edits: comment.count, burstEdits: typed.count,
  };
}

async function profile(folder, file, edits, outFile, scenario = 'burst') {
  const { lines, textsAfter, type } = await indexedService(folder, file);
  let texts;
  if (scenario === 'comment') texts = textsAfter(commentEdits(lines, edits));
  else {
    const burst = burstEdits(lines, edits);
    await type(textsAfter([burst.setup()]));
    texts = textsAfter(burst.keystrokes());
  }
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  const started = performance.now();
  const count = await type(texts);
  const ms = performance.now() - started;
  const { profile: cpuProfile } = await post('Profiler.stop');
  fs.writeFileSync(outFile, JSON.stringify(cpuProfile));
  return { profile: outFile, edits: count, scenario, ms };
}

/**
 * Keystroke → diagnostics at the http level of a main config, in-process (validation delay 0,
 * each keystroke in its own turn of the event loop, as in type()): the times of each.
 */
async function httpLevel(folder, file, count, name, value) {
  const { lines, textsAfter, type } = await indexedService(folder, file);
  const edits = httpLevelEdits(lines, count, { name, value });
  await type(textsAfter([edits.setup()]));
  const texts = textsAfter(edits.keystrokes());
  const times = [];
  for (const text of texts) {
    const started = performance.now();
    await type([text]);
    times.push(performance.now() - started);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { name, keystrokes: times.length, p50: median(times), p95: at(0.95), max: sorted[sorted.length - 1] };
}

/**
 * Checks run before warmCheck measures. In one process, the tree took 1232, 797, 646 and 545 ms
 * for its first four checks and 488-603 ms for the next four; the 50k-line file 770, 586, 433 and
 * 335, then 272-325 ms (issue #15).
 */
const WARM_CHECKS = 4;

async function warmCheck(runs, main) {
  const { runCli } = require(path.join(OUT, 'cli/main.js'));
  let reportChars = 0;
  const check = async () => {
    reportChars = 0;
    const started = performance.now();
    const status = await runCli(['check', main, '--format', 'json'], (piece) => { reportChars += piece.length; }, () => {});
    if (status !== 0 && status !== 1) throw new Error(`the check of ${main} ended with status ${status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < WARM_CHECKS; i++) await check();
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await check());
  return { ms: median(times), min: Math.min(...times), max: Math.max(...times), runs, warmUps: WARM_CHECKS, reportChars };
}

async function parse(runs, files) {
  const { parseConfig } = require(path.join(OUT, 'parser/parser.js'));
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  const pass = () => {
    const started = performance.now();
    for (const text of texts) parseConfig(text);
    return performance.now() - started;
  };
  pass();
  pass();
  const times = [];
  for (let i = 0; i < runs; i++) times.push(pass());
  const lines = texts.reduce((n, t) => n + t.split('\n').length, 0);
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  return { ms: median(times), min: Math.min(...times), max: Math.max(...times), runs, files: files.length, lines, bytes };
}

const [command, ...args] = process.argv.slice(2);
// The language service with V8 tuned as the server and the CLI tune it at start-up
// (server/src/node/compilerTuning.ts); the parser alone is measured with V8's defaults, under
// which it is fastest, so the full check's ratio to it is not flattered.
if (command !== 'parse') require(path.join(OUT, 'node/compilerTuning.js')).applyCompilerTuning();
let result;
if (command === 'memory') result = await memory(args[0], args[1], Number(args[2]));
else if (command === 'profile') result = await profile(args[0], args[1], Number(args[2]), args[3], args[4]);
else if (command === 'parse') result = await parse(Number(args[0]), args.slice(1));
else if (command === 'warmCheck') result = await warmCheck(Number(args[0]), args[1]);
else if (command === 'httpLevel') result = await httpLevel(args[0], args[1], Number(args[2]), args[3], args[4]);
else {
  process.stderr.write(`usage: inProcess.mjs memory|profile|httpLevel|warmCheck|parse …\n`);
  process.exit(2);
}
session.disconnect();
process.stdout.write(JSON.stringify(result) + '\n');
