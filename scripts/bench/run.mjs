#!/usr/bin/env node
// The performance benchmark: our CLI and language server against the peers (nginx -t,
// crossplane, nginx-conf, nginx-linter) on the same generated files, in the same run, and every
// target of issue #15 measured and judged in one table. Needs `npm run build` first (dist/ and
// out/). Prints the tables and writes docs/benchmarks.md (hand-written notes below the marker
// survive).
//
//   node scripts/bench/run.mjs [--quick] [--runs 5] [--edits 200] [--lsp-runs 3] [--lsp-budget-s 120]
//                              [--parse-runs 11] [--warm-check-runs 5] [--profile-edits burst|comment] [--keep]
//                              [--no-write|--write]
//   --quick: 1 run, 50 edits, 1 language-server session, 2 warm checks, no slow peers (nginx -t, nginx-linter),
//            docs/benchmarks.md not written unless --write: for iterating on the code.
//
// crossplane (a Python package) is found in CROSSPLANE_SRC (a checkout of nginxinc/crossplane),
// else in /tmp/crossplane, else wherever `python3 -c 'import crossplane'` finds it.
//
// Cold times are a median over --runs runs of a fresh process, minus the same tool's time on a
// tiny config (its start-up); peak memory is the maximum resident set size from /usr/bin/time -v
// (or the process's own maxRSS for node tools). CPU profiles are left in a temporary folder
// whose path is printed; they are summarized in the report.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selfTimeTable, topSelfTime } from './cpuProfileSummary.mjs';
import { fmtBytesMb, fmtMb, fmtMs, fmtPicked, times } from './format.mjs';
import { generateWorkload } from './generate.mjs';
import { IDLE_MS, lspHttpLevelSessions, lspSessions, medianLatencies } from './lspScenarios.mjs';
import { requestsWhileChecking } from './requestsWhileChecking.mjs';
import { issueTargets, targetsTable } from './targets.mjs';

const benchStarted = performance.now();
const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
/** The unminified CLI: a CPU profile of it names our functions and files. */
const CLI_OUT = path.join(ROOT, 'out/server/src/cli/bin.js');
const IN_PROCESS = path.join(ROOT, 'scripts/bench/inProcess.mjs');
const COLD_PARSE = path.join(ROOT, 'scripts/bench/coldParse.mjs');
const NGINX = '/usr/sbin/nginx';
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : fallback;
};
const RUNS = Math.max(1, option('--runs', QUICK ? 1 : 5));
const EDITS = Math.max(2, option('--edits', QUICK ? 50 : 200));
const LSP_BUDGET_MS = option('--lsp-budget-s', 120) * 1000;
const LSP_RUNS = Math.max(1, option('--lsp-runs', QUICK ? 1 : 3));
const PARSE_RUNS = Math.max(1, option('--parse-runs', QUICK ? 3 : 11));
const WARM_CHECK_RUNS = Math.max(1, option('--warm-check-runs', QUICK ? 2 : 5));
const PROFILE_EDITS = argv.includes('--profile-edits') ? argv[argv.indexOf('--profile-edits') + 1] : 'burst';
const KEEP = argv.includes('--keep');
const WRITE = argv.includes('--write') || (!QUICK && !argv.includes('--no-write'));
/** Peers that take seconds per run on the tree: left out of --quick. */
const SLOW_PEERS = QUICK;

for (const built of [CLI, CLI_OUT, path.join(ROOT, 'dist/server.js'), path.join(ROOT, 'out/test/lsp/lspClient.js')]) {
  if (!fs.existsSync(built)) {
    console.error(`${path.relative(ROOT, built)} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
}
/** The flags the VS Code client starts the server with; the LSP test client uses the same. */
const { SERVER_NODE_FLAGS } = require(path.join(ROOT, 'out/common/serverLaunch.js'));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const log = (message) => process.stderr.write(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

// --- one cold process: wall time and peak RSS --------------------------------------------

const MAXRSS_PRELOAD = path.join(os.tmpdir(), `nginx-mtls-bench-maxrss-${process.pid}.cjs`);
fs.writeFileSync(MAXRSS_PRELOAD, "process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_MAXRSS_FILE, String(process.resourceUsage().maxRSS)));\n");

const timeFile = path.join(os.tmpdir(), `nginx-mtls-bench-time-${process.pid}.txt`);
const rssFile = path.join(os.tmpdir(), `nginx-mtls-bench-rss-${process.pid}.txt`);

/**
 * Runs a command once. Returns { ms, rssKb, code, stdout }. With /usr/bin/time the peak RSS
 * is the kernel's; without it, node commands report their own maxRSS through a preload.
 */
function runOnce(command, args, { env = {}, cwd = ROOT, input } = {}) {
  fs.rmSync(rssFile, { force: true });
  const isNode = command === process.execPath;
  const fullEnv = { ...process.env, ...env };
  let cmd = command;
  let cmdArgs = args;
  if (TIME) {
    cmd = TIME;
    cmdArgs = ['-v', '-o', timeFile, command, ...args];
  } else if (isNode) {
    cmdArgs = ['--require', MAXRSS_PRELOAD, ...args];
    fullEnv.BENCH_MAXRSS_FILE = rssFile;
  }
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, cmdArgs, { cwd, env: fullEnv, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  let rssKb;
  if (TIME && fs.existsSync(timeFile)) {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(fs.readFileSync(timeFile, 'utf8'));
    if (m) rssKb = Number(m[1]);
  } else if (fs.existsSync(rssFile)) {
    rssKb = Number(fs.readFileSync(rssFile, 'utf8'));
  }
  return { ms, rssKb, code: result.status, stdout: result.stdout?.toString() ?? '', stderr: result.stderr?.toString() ?? '' };
}

/**
 * The cold measurements, taken in rounds: each round runs every tool on every workload once (its
 * start-up command, then the measured one), so that a slow minute of a shared machine lands on
 * all of them alike instead of on whichever tool was being measured then (a run of issue #15's
 * twenty-first pass had every cold row slower: ours by 27%, nginx -t and nginx-linter by 8-9%). coldMeasure()
 * registers a measurement and the row it fills; runColdRounds() takes them all.
 */
const coldMeasurements = [];

/** Registers `row` to get the median wall and peak RSS over RUNS runs, minus the median of the start-up command; `then(m)` adds what it derives from the runs. */
function coldMeasure(row, label, command, args, startupArgs, options = {}, then = () => ({})) {
  rows.push(row);
  coldMeasurements.push({ row, label, command, args, startupArgs, options, then, runs: [], startups: [] });
}

function runColdRounds() {
  for (let round = 0; round < RUNS; round++) {
    for (const m of coldMeasurements) {
      if (m.skipped) continue;
      if (m.startupArgs) m.startups.push(runOnce(m.command, m.startupArgs, m.options));
      const r = runOnce(m.command, m.args, m.options);
      const problem = m.options.check?.(r);
      if (problem) m.skipped = problem;
      else m.runs.push(r);
    }
    log(`cold round ${round + 1} of ${RUNS} done`);
  }
  for (const m of coldMeasurements) {
    if (m.skipped) {
      Object.assign(m.row, { label: m.label, skipped: m.skipped });
      continue;
    }
    const wall = median(m.runs.map((r) => r.ms));
    const startup = m.startups.length > 0 ? median(m.startups.map((r) => r.ms)) : 0;
    const rss = m.runs.every((r) => r.rssKb !== undefined) ? Math.max(...m.runs.map((r) => r.rssKb)) : undefined;
    log(`${m.label}: ${wall.toFixed(0)} ms wall, ${startup.toFixed(0)} ms start-up, ${rss ? (rss / 1024).toFixed(0) + ' MB' : 'n/a'}`);
    const measured = { label: m.label, ms: Math.max(0, wall - startup), wallMs: wall, startupMs: startup, rssKb: rss, runs: m.runs };
    Object.assign(m.row, measured, m.then(measured));
  }
}

// --- the workload ----------------------------------------------------------------------------

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-bench-'));
log(`generating the workload in ${workDir}`);
const w = generateWorkload(workDir);
log(`tree: ${w.treeLines} lines in ${w.treeFiles} files, ${w.treeServers} TLS servers, ${w.certFiles} certificate/key files; single: ${w.singleLines} lines; small: ${w.smallLines} lines`);
const treeConfFiles = fs.readdirSync(w.tree, { recursive: true }).filter((f) => f.endsWith('.conf')).map((f) => path.join(w.tree, f)).sort();

const WORKLOADS = [
  { id: 'tree', title: `${Math.round(w.treeLines / 1000)}k-line tree (${w.treeFiles} files, ${w.treeServers} TLS servers)`, main: w.treeMain, dir: w.tree, files: treeConfFiles },
  { id: 'single', title: `single ${Math.round(w.singleLines / 1000)}k-line file`, main: w.single, dir: path.dirname(w.single), files: [w.single] },
  { id: 'small', title: `single ${(w.smallLines / 1000).toFixed(1)}k-line file`, main: w.small, dir: path.dirname(w.small), files: [w.small] },
];

const rows = [];

// --- ours: cold CLI ----------------------------------------------------------------------------

const cliJsonCheck = (r) => {
  if (r.code !== 0 && r.code !== 1) return `exit ${r.code}: ${r.stderr.split('\n')[0]}`;
  try { JSON.parse(r.stdout); } catch { return 'output is not JSON'; }
  return undefined;
};
for (const wl of WORKLOADS) {
  coldMeasure({ workload: wl.id, tool: 'nginx-mtls check (full analysis, certificates inspected)', ours: true }, `ours ${wl.id}`, process.execPath,
    [CLI, 'check', wl.dir, '--format', 'json'], [CLI, 'check', path.dirname(w.tiny), '--format', 'json'], { check: cliJsonCheck },
    (m) => ({ note: `${JSON.parse(m.runs[0].stdout).length} findings` }));
}
// Our parser alone in a cold process: what the full check's cold time holds before it assembles,
// inspects or judges anything (the target's denominator is the warm parse).
for (const wl of WORKLOADS) {
  coldMeasure({ workload: wl.id, tool: 'nginx-mtls parser alone (reads and parses every file once, cold process)', coldParse: true }, `our cold parse ${wl.id}`,
    process.execPath, [COLD_PARSE, ...wl.files], [COLD_PARSE, w.tiny], {
      check: (r) => (r.code === 0 ? undefined : `coldParse.mjs failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop()}`),
    });
}

// --- peers ---------------------------------------------------------------------------------------

if (SLOW_PEERS) {
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'nginx -t', skipped: 'left out of --quick (slow)' });
} else if (fs.existsSync(NGINX)) {
  // nginx writes its pid, logs and temp files under the prefix; the config names them there too.
  const nginxArgs = (conf) => ['-t', '-q', '-p', w.prefixDir + '/', '-e', path.join(w.prefixDir, 'error.log'), '-c', conf];
  const check = (r) => (r.code === 0 ? undefined : `nginx -t failed: ${r.stderr.trim().split('\n').pop()}`);
  const version = spawnSync(NGINX, ['-v']).stderr.toString().trim().replace('nginx version: ', '');
  for (const wl of WORKLOADS) {
    coldMeasure({ workload: wl.id, tool: `nginx -t (${version}: parse, load every certificate)` }, `nginx ${wl.id}`, NGINX, nginxArgs(wl.main), nginxArgs(w.empty), { check });
  }
} else {
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'nginx -t', skipped: `${NGINX} is not installed` });
}

/**
 * Where crossplane comes from: { env } for python3, or { skipped } saying why not. PyPI may be
 * out of reach, so a checkout of its source (CROSSPLANE_SRC, or /tmp/crossplane) comes first.
 */
function findCrossplane() {
  const checkout = process.env.CROSSPLANE_SRC ?? (fs.existsSync('/tmp/crossplane/crossplane') ? '/tmp/crossplane' : undefined);
  if (checkout) {
    return fs.existsSync(path.join(checkout, 'crossplane'))
      ? { env: { PYTHONPATH: checkout }, from: checkout }
      : { skipped: `CROSSPLANE_SRC=${checkout} holds no crossplane/ package` };
  }
  const installed = spawnSync('python3', ['-c', 'import crossplane, os; print(os.path.dirname(crossplane.__file__))'], { encoding: 'utf8' });
  if (installed.status === 0) return { env: {}, from: installed.stdout.trim() };
  return { skipped: 'not found: set CROSSPLANE_SRC to a checkout of nginxinc/crossplane, or install it for python3' };
}

const crossplane = findCrossplane();
if (crossplane.env) {
  const env = crossplane.env;
  log(`crossplane from ${crossplane.from}`);
  const args = (conf) => ['-m', 'crossplane', 'parse', conf];
  const check = (r) => {
    if (r.code !== 0) return `crossplane failed: ${r.stderr.trim().split('\n').pop()}`;
    try {
      const payload = JSON.parse(r.stdout);
      return payload.status === 'ok' ? undefined : `crossplane reported ${payload.errors?.length ?? '?'} errors`;
    } catch {
      return 'crossplane output is not JSON';
    }
  };
  for (const wl of WORKLOADS) {
    coldMeasure({ workload: wl.id, tool: 'crossplane parse (parse only, follows includes)' }, `crossplane ${wl.id}`, 'python3', args(wl.main), args(w.tiny), { env, check });
  }
} else {
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'crossplane parse', skipped: crossplane.skipped });
}

const nginxConfRunner = path.join(ROOT, 'scripts/bench/peerNginxConf.cjs');
let nginxConfVersion;
try { nginxConfVersion = require('nginx-conf/package.json').version; } catch { /* not installed */ }
if (nginxConfVersion) {
  for (const wl of WORKLOADS) {
    coldMeasure({ workload: wl.id, tool: `nginx-conf ${nginxConfVersion} (parse only, every file, no includes)` }, `nginx-conf ${wl.id}`, process.execPath,
      [nginxConfRunner, ...wl.files], [nginxConfRunner, w.tiny], {
        check: (r) => (r.code === 0 ? undefined : `nginx-conf runner failed: ${r.stderr.trim().split('\n').pop()}`),
      },
      // The runner also reports the parse alone, timed inside the process.
      (m) => ({ note: `in-process parse ${median(m.runs.map((r) => JSON.parse(r.stdout).parseMs)).toFixed(0)} ms` }));
  }
} else {
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'nginx-conf', skipped: 'not installed (npm install --save-dev nginx-conf)' });
}

let linterVersion;
try { linterVersion = require('nginx-linter/package.json').version; } catch { /* not installed */ }
if (SLOW_PEERS) {
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'nginx-linter', skipped: 'left out of --quick (slow)' });
} else if (linterVersion) {
  const bin = path.join(path.dirname(require.resolve('nginx-linter/package.json')), 'bin/nginx-linter.js');
  // Its default configuration file lives in $HOME; point it at an empty one.
  const config = path.join(workDir, 'nginx-linter.json');
  fs.writeFileSync(config, '{}\n');
  const args = (conf) => [bin, '--config', config, '--include', conf];
  for (const wl of WORKLOADS) {
    coldMeasure({ workload: wl.id, tool: `nginx-linter ${linterVersion} (parse + its lint rules, follows includes)` }, `nginx-linter ${wl.id}`, process.execPath, args(wl.main), args(w.tiny), {
      check: (r) => (r.code === 0 || r.code === 1 ? (/Failed to parse/.test(r.stdout + r.stderr) ? 'nginx-linter could not parse the files' : undefined) : `nginx-linter failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(0, 2).join(' ')}`),
    });
  }
} else {
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'nginx-linter', skipped: 'not installed (npm install --save-dev nginx-linter)' });
}

runColdRounds();

// --- ours: our own parse, in-process and warm -------------------------------------------------------

/** Runs scripts/bench/inProcess.mjs in a fresh node process and resolves with its JSON answer. */
function inProcess(nodeFlags, args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeFlags, IN_PROCESS, ...args.map(String)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`inProcess.mjs ${args[0]} failed (${error.code ?? error.signal}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

const parses = {};
for (const wl of WORKLOADS) {
  parses[wl.id] = await inProcess([], ['parse', PARSE_RUNS, ...wl.files]);
  log(`our parse, ${wl.id}: median ${parses[wl.id].ms.toFixed(1)} ms over ${PARSE_RUNS} warm passes (${parses[wl.id].min.toFixed(1)}–${parses[wl.id].max.toFixed(1)})`);
}

// The full check once V8 has optimised it: what the check itself costs, without a cold process's
// compiling and tiering up (inProcess.mjs warmCheck).
const warmChecks = {};
for (const wl of WORKLOADS) {
  warmChecks[wl.id] = await inProcess([], ['warmCheck', WARM_CHECK_RUNS, wl.main]);
  log(`our full check warm in-process, ${wl.id}: median ${warmChecks[wl.id].ms.toFixed(1)} ms over ${WARM_CHECK_RUNS} checks after ${warmChecks[wl.id].warmUps} (${warmChecks[wl.id].min.toFixed(1)}–${warmChecks[wl.id].max.toFixed(1)})`);
}

// --- ours: warm language server over stdio ---------------------------------------------------------

const treeFile = treeConfFiles.find((f) => f.includes(`${path.sep}sites-enabled${path.sep}site-090`)) ?? treeConfFiles[0];
const lspOptions = { root: ROOT, edits: EDITS, budgetMs: LSP_BUDGET_MS };
const lspSmall = await lspSessions('LSP 5k-line file', { ...lspOptions, folder: path.dirname(w.small), file: w.small }, LSP_RUNS, log);
const lspTree = await lspSessions('LSP file in the 100k-line tree', { ...lspOptions, folder: w.tree, file: treeFile }, LSP_RUNS, log);

// --- ours: requests while checking, in the server's thread and in the worker ------------------------

const REQUEST_KEYSTROKES = QUICK ? 10 : 20;
const requestRuns = [];
for (const [label, folder, file] of [['5k-line file', path.dirname(w.small), w.small], ['file in the 100k-line tree', w.tree, treeFile], ['50k-line file', path.dirname(w.single), w.single]]) {
  for (const worker of [false, true]) {
    const r = await requestsWhileChecking({ root: ROOT, folder, file, worker, keystrokes: REQUEST_KEYSTROKES });
    requestRuns.push({ label, worker, ...r });
    log(`requests while checking, ${label}, ${worker ? 'worker' : "server's thread"}: hovers during indexing p50 ${r.indexing.p50.toFixed(0)} max ${r.indexing.max.toFixed(0)} ms, while typing p50 ${r.typing.p50.toFixed(0)} max ${r.typing.max.toFixed(0)} ms; RSS after indexing ${(r.rssAfterIndex / 1024).toFixed(0)} MB`);
  }
}

// --- ours: allocation and heap, in-process ---------------------------------------------------------

// Nothing here is timed, so the two files are measured side by side (one core each).
const memoryCases = [['small', path.dirname(w.small), w.small], ['tree', w.tree, treeFile]];
const memory = Object.fromEntries(await Promise.all(memoryCases.map(async ([id, folder, file]) => [id, await inProcess(['--expose-gc'], ['memory', folder, file, EDITS])])));
for (const [id] of memoryCases) {
  const m = memory[id];
  log(`memory, ${id}: heap after GC ${fmtBytesMb(m.heapAfterIndex)} indexed, ${fmtBytesMb(m.heapAfterComments)} after ${m.edits} comment edits, ${fmtBytesMb(m.heapAfterBurst)} after the burst; `
    + `allocated per keystroke ${fmtBytesMb(m.commentBytesPerEdit)} (comment), ${fmtBytesMb(m.burstBytesPerEdit)} (burst)`);
}

// --- ours: keystrokes at the http level of the main config, in-process --------------------------------

// Timed, so one after the other. A setting no TLS family reads, two that one family reads (the
// others declare them unread: analysis/unreadArguments.ts), one that every certificate family
// reads, and three that operators commonly write at the http level and that every server or
// request path inherits unless it sets its own (proxy_ssl_verify: half the request paths of the
// tree take it from there).
const HTTP_LEVEL_KEYSTROKES = QUICK ? 8 : 30;
const HTTP_LEVEL_SETTINGS = [['client_max_body_size', '1m'], ['ssl_verify_depth', '1'], ['ssl_protocols', 'TLSv1.2'], ['ssl_trusted_certificate', '/etc/nginx/ssl/ca.pem'],
  ['ssl_ciphers', 'HIGH:!aNULL'], ['proxy_set_header', 'X-Forwarded-Proto https'], ['proxy_ssl_verify', 'on']];
// Each row is run as many times as the language server's sessions, in fresh processes: the p95 of
// 30 keystrokes is their second slowest, and one run's read up to twice another's on this
// machine; the figures are the median run's, with the range.
const httpLevel = [];
for (const [label, folder, file, limit] of [["the tree's nginx.conf", w.tree, w.treeMain, 40], ['5k-line main config', path.dirname(w.small), w.small, 30]]) {
  for (const [name, value] of HTTP_LEVEL_SETTINGS) {
    const runs = [];
    for (let i = 0; i < LSP_RUNS; i++) {
      const r = await inProcess([], ['httpLevel', folder, file, HTTP_LEVEL_KEYSTROKES, name, value]);
      log(`http level, ${label}, ${name}, run ${i + 1}: p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} max ${r.max.toFixed(1)} ms`);
      runs.push(r);
    }
    httpLevel.push({ label, limit, name, keystrokes: runs[0].keystrokes, runs: runs.length, ...medianLatencies(runs) });
  }
}

// The same typing through the language server as an editor starts it (the in-process figures
// leave out the protocol: the diagnostics sent as JSON and read by the client; and the server's
// small young generation). The cheapest setting and the dearest of the 5k-line main config, the
// dearest of the tree's; diagnostics pushed by the server after each change (editors that do not
// pull), and pulled by the client, as the VS Code client does.
const PROXY_HEADER = ['proxy_set_header', 'X-Forwarded-Proto https'];
const SMALL_MAIN = ['5k-line main config', path.dirname(w.small), w.small, 30];
const LSP_HTTP_LEVEL = [
  [...SMALL_MAIN, ['client_max_body_size', '1m'], false],
  [...SMALL_MAIN, ['client_max_body_size', '1m'], true],
  [...SMALL_MAIN, PROXY_HEADER, false],
  [...SMALL_MAIN, PROXY_HEADER, true],
  ["the tree's nginx.conf", w.tree, w.treeMain, 40, PROXY_HEADER, false],
];
const lspHttpLevel = [];
for (const [label, folder, file, limit, [name, value], pull] of LSP_HTTP_LEVEL) {
  const r = await lspHttpLevelSessions(`LSP http level, ${label}`, { root: ROOT, folder, file, name, value, keystrokes: HTTP_LEVEL_KEYSTROKES, pull }, LSP_RUNS, log);
  lspHttpLevel.push({ ...r, label, limit });
}

// --- ours: CPU profiles (unminified out/ build) ------------------------------------------------------

const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-bench-profiles-'));
const profiles = [];
{
  const file = path.join(profileDir, 'cli-tree.cpuprofile');
  const r = runOnce(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '500', '--cpu-prof-dir', profileDir, '--cpu-prof-name', path.basename(file), CLI_OUT, 'check', w.tree, '--format', 'json']);
  if (cliJsonCheck(r)) profiles.push({ title: 'CLI full check of the tree (out/ build)', skipped: cliJsonCheck(r) });
  else profiles.push({ title: `CLI full check of the tree (out/ build, ${fmtMs(r.ms)} wall)`, file });
}
{
  const file = path.join(profileDir, `keystrokes-small-${PROFILE_EDITS}.cpuprofile`);
  const r = await inProcess([], ['profile', path.dirname(w.small), w.small, EDITS, file, PROFILE_EDITS]);
  const what = PROFILE_EDITS === 'comment' ? 'comment edits' : 'characters of a typing burst';
  profiles.push({ title: `${r.edits} keystrokes (${what}) in the 5k-line file, in-process, after indexing (${fmtMs(r.ms)})`, file });
}
for (const p of profiles) {
  if (p.skipped) continue;
  p.summary = topSelfTime(p.file, { top: 12, root: ROOT });
  log(`profile: ${p.file} (${p.summary.totalMs.toFixed(0)} ms sampled)`);
}

// --- certificates -----------------------------------------------------------------------------------

let certs;
{
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/bench-certificates.mjs'), '--files', '200'], { cwd: ROOT, encoding: 'utf8' });
  const cold = /cold, median of \d+:\s+([\d.]+) ms/.exec(r.stdout);
  const cached = /cached, median of \d+:\s+([\d.]+) ms/.exec(r.stdout);
  certs = cold && cached ? { coldMs: Number(cold[1]), cachedMs: Number(cached[1]) } : { skipped: `bench-certificates.mjs failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
  log(certs.skipped ?? `certificates: cold ${certs.coldMs} ms, cached ${certs.cachedMs} ms`);
}

// --- report -----------------------------------------------------------------------------------------

/** The measured (not skipped) cold row of a workload: ours, crossplane's, our parser alone. */
const crossplaneRow = (id) => rows.find((r) => r.workload === id && r.tool.startsWith('crossplane') && !r.skipped);
const coldParseRow = (id) => rows.find((r) => r.workload === id && r.coldParse && !r.skipped);
const oursRow = (id) => rows.find((r) => r.workload === id && r.ours && !r.skipped);

const tableLines = ['| workload | tool | time (median, minus start-up) | wall incl. start-up | peak RSS | time vs ours | RSS vs ours | note |', '|---|---|---:|---:|---:|---:|---:|---|'];
for (const wl of WORKLOADS) {
  const ours = oursRow(wl.id);
  for (const r of rows.filter((x) => x.workload === wl.id)) {
    if (r.skipped) {
      tableLines.push(`| ${wl.title} | ${r.tool} | skipped | | | | | ${r.skipped} |`);
      continue;
    }
    tableLines.push(`| ${wl.title} | ${r.tool} | ${fmtMs(r.ms)} | ${fmtMs(r.wallMs)} | ${fmtMb(r.rssKb)} | ${r.ours ? '1x' : times(r.ms, ours?.ms)} | ${r.ours ? '1x' : times(r.rssKb, ours?.rssKb)} | ${r.note ?? ''} |`);
  }
}

const parseLines = [
  `| workload | our parse (in-process, warm, median of ${PARSE_RUNS}) | our parse, cold process (minus start-up) | cold / warm parse | our full check (cold CLI minus start-up) | full check / parse | our full check, warm (in-process, median of ${WARM_CHECK_RUNS} after ${warmChecks.tree?.warmUps ?? '?'}) | warm check / parse | crossplane parse (minus start-up) | crossplane / our parse | crossplane / our full check |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const wl of WORKLOADS) {
  const parse = parses[wl.id];
  const cold = coldParseRow(wl.id);
  const ours = oursRow(wl.id);
  const peer = crossplaneRow(wl.id);
  const warm = warmChecks[wl.id];
  parseLines.push(`| ${wl.title} | ${fmtMs(parse.ms)} (${parse.min.toFixed(0)}–${parse.max.toFixed(0)}) | ${fmtMs(cold?.ms)} | ${times(cold?.ms, parse.ms)} | ${fmtMs(ours?.ms)} | ${times(ours?.ms, parse.ms)} | ${fmtMs(warm.ms)} (${warm.min.toFixed(0)}–${warm.max.toFixed(0)}) | ${times(warm.ms, parse.ms)} | ${fmtMs(peer?.ms)} | ${times(peer?.ms, parse.ms)} | ${times(peer?.ms, ours?.ms)} |`);
}

const lspLines = [
  '| language server (stdio, validationDelayMs 0) | sessions | start → first diagnostics | open → first diagnostics (indexing) | scenario | keystrokes | keystroke → diagnostics p50 | p95 | max |',
  '|---|---:|---:|---:|---|---:|---:|---:|---:|',
];
const lspRssLines = [`| language server | RSS at the first diagnostics | after indexing (settled: RSS still for 1 s) | ${IDLE_MS / 1000} s after that | after the comment edits | after the bursts too | after ${IDLE_MS / 1000} s idle |`, '|---|---:|---:|---:|---:|---:|---:|'];
for (const l of [lspSmall, lspTree]) {
  lspLines.push(`| ${l.label} | ${l.sessions} | ${fmtPicked(l.startMs)} | ${fmtPicked(l.indexMs)} | comment edits (a character typed or deleted at the end of a comment line; not sent again: ${fmtPicked(l.comment.unchanged, String)}) | ${l.comment.edits} | ${fmtPicked(l.comment.p50)} | ${fmtPicked(l.comment.p95)} | ${fmtPicked(l.comment.max)} |`);
  lspLines.push(`| | | | | typing burst into a new add_header line, waiting for each keystroke's diagnostics (not sent again: ${fmtPicked(l.burst.unchanged, String)}) | ${l.burst.edits} | ${fmtPicked(l.burst.p50)} | ${fmtPicked(l.burst.p95)} | ${fmtPicked(l.burst.max)} |`);
  lspLines.push(`| | | | | new lines typed into server blocks as VS Code types them (Enter with the indentation, quotes closed), waiting likewise (not sent again: ${fmtPicked(l.lines.unchanged, String)}) | ${l.lines.edits} | ${fmtPicked(l.lines.p50)} | ${fmtPicked(l.lines.p95)} | ${fmtPicked(l.lines.max)} |`);
  lspLines.push(`| | | | | the same lines typed a character at a time (line break, each blank, each quote), waiting likewise (not sent again: ${fmtPicked(l.plainLines.unchanged, String)}) | ${l.plainLines.edits} | ${fmtPicked(l.plainLines.p50)} | ${fmtPicked(l.plainLines.p95)} | ${fmtPicked(l.plainLines.max)} |`);
  lspLines.push(`| | | | | typist: a burst sent every ${l.typist.intervalMs} ms without waiting; last keystroke → diagnostics of the final version | ${l.typist.keystrokes} | ${fmtPicked(l.typist.lastToFinal)} | | versions diagnosed: ${fmtPicked(l.typist.diagnosed, String)} |`);
  lspRssLines.push(`| ${l.label} | ${fmtPicked(l.rssAtFirstDiagnostics, fmtMb, 1024)} | ${fmtPicked(l.rssAfterIndex, fmtMb, 1024)} (${fmtPicked(l.settleMs)} later) | ${fmtPicked(l.rssAfterIndexIdle, fmtMb, 1024)} | ${fmtPicked(l.rssAfterEdits, fmtMb, 1024)} | ${fmtPicked(l.rssAfterAll, fmtMb, 1024)} | ${fmtPicked(l.rssAfterIdle, fmtMb, 1024)} |`);
}

const requestLines = [
  '| file | validation | open → first diagnostics | RSS after indexing (settled) | hovers during indexing | p50 | p95 | max | hovers while typing | p50 | p95 | max |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const r of requestRuns) {
  requestLines.push(`| ${r.label} | ${r.worker ? 'worker (--validation-worker)' : "server's thread (default)"} | ${fmtMs(r.indexMs)} | ${fmtMb(r.rssAfterIndex)} | ${r.indexing.requests} | ${fmtMs(r.indexing.p50)} | ${fmtMs(r.indexing.p95)} | ${fmtMs(r.indexing.max)} | ${r.typing.requests} (${r.typing.keystrokes} keystrokes) | ${fmtMs(r.typing.p50)} | ${fmtMs(r.typing.p95)} | ${fmtMs(r.typing.max)} |`);
}

const memoryLines = [
  '| in-process language service | heap after GC: indexed | after the comment edits | after the burst | allocated per keystroke: comment edits | typing burst |',
  '|---|---:|---:|---:|---:|---:|',
];
for (const [id, label] of [['small', '5k-line file'], ['tree', 'file in the 100k-line tree']]) {
  const m = memory[id];
  memoryLines.push(`| ${label} (${m.edits} + ${m.burstEdits} keystrokes) | ${fmtBytesMb(m.heapAfterIndex)} | ${fmtBytesMb(m.heapAfterComments)} | ${fmtBytesMb(m.heapAfterBurst)} | ${fmtBytesMb(m.commentBytesPerEdit)} | ${fmtBytesMb(m.burstBytesPerEdit)} |`);
}

const httpLevelLines = [
  `In-process language service (validation delay 0), the main config open: \`<name> <value>;\` inserted as the first`,
  `statement of \`http\`, then ${HTTP_LEVEL_KEYSTROKES} digits typed into its value, each keystroke waiting for its diagnostics. In the`,
  'tree\'s nginx.conf the http block holds every included site: what a keystroke costs depends on which rule families',
  'may read the setting (those that do are run again over every server and request path it reaches; the others declare',
  'it unread, analysis/unreadArguments.ts): `client_max_body_size` no TLS family reads, `ssl_verify_depth` one (client-chains',
  'compares it with client certificate chains), `ssl_protocols` one (the protocol checks), `ssl_trusted_certificate`',
  'the certificate families, client verification and the OpenSSL checks, `ssl_ciphers` the protocol and OpenSSL checks (every',
  'server of the tree sets its own), `proxy_set_header` the identity-header families, header inheritance and upstream-tls,',
  '`proxy_ssl_verify` upstream-tls, session reuse, the certificate-file checks and the proxy-TLS checks of plain and stream',
  'passes (the 2,000 of the tree\'s 4,000 request paths that do not set their own take it from the http level: each of them',
  'is made again at every keystroke).',
  'The digits make `TLSv1.2` an unknown protocol (the values family reports it at each keystroke), the CA path a file',
  'that is not there (each keystroke; the one that completes a real CA file\'s path runs the families that read its',
  'certificates again), the cipher string one that selects nothing and `on` a value nginx refuses.',
  '',
  `Each row ${LSP_RUNS === 1 ? 'is one run' : `is the median of ${LSP_RUNS} runs, each in a fresh process, with the range`}.`,
  '',
  '| main config | setting typed into | runs | keystrokes | keystroke → diagnostics p50 | p95 | max |',
  '|---|---|---:|---:|---:|---:|---:|',
  ...httpLevel.map((r) => `| ${r.label} | \`${r.name}\` | ${r.runs} | ${r.keystrokes} | ${fmtPicked(r.p50)} | ${fmtPicked(r.p95)} | ${fmtPicked(r.max)} |`),
  '',
  `The same typing through the language server (stdio, started as the VS Code extension starts it, validationDelayMs 0), ${LSP_RUNS} session(s)`,
  `per row (the median session's figure, with the range): each server opens and indexes the file and is left alone for ${IDLE_MS / 1000} s`,
  'before the statement is inserted. Every diagnostic below the line moves in the text at each keystroke, but its line and',
  'column stay the same. Pushed: the server sends the file\'s diagnostics (JSON) after each change and the client reads them,',
  'as editors that do not pull diagnostics have it, except when they are those it sent last and the edits since stayed within',
  'one line (server/src/diagnosticPublication.ts): then it sends nothing, and this client, which asked to be told, gets a',
  'short notice instead ("not sent again"). Pulled: the client asks for them after each change with the id of those it holds,',
  'as the VS Code client does, and the server answers "unchanged" when they are. The in-process figures above leave the protocol out.',
  '',
  '| main config | setting typed into | diagnostics | sessions | keystrokes | keystroke → diagnostics p50 | p95 | max |',
  '|---|---|---|---:|---:|---:|---:|---:|',
  ...lspHttpLevel.map((r) => `| ${r.label} | \`${r.name}\` | ${r.pull ? `pulled (${fmtPicked(r.unchanged, String)} "unchanged")` : `pushed (${fmtPicked(r.unchanged, String)} not sent again)`} | ${r.sessions} | ${r.keystrokes} | ${fmtPicked(r.p50)} | ${fmtPicked(r.p95)} | ${fmtPicked(r.max)} |`),
];

const profileLines = [];
for (const p of profiles) {
  profileLines.push(`### ${p.title}`, '');
  if (p.skipped) profileLines.push(`skipped: ${p.skipped}`, '');
  else profileLines.push(`${p.summary.totalMs.toFixed(0)} ms sampled; the ${p.summary.rows.length} functions with the most self time:`, '', ...selfTimeTable(p.summary), '');
}

const certLines = ['| certificate inspection, 200 files | cold (fresh cache) | cached |', '|---|---:|---:|'];
certLines.push(certs.skipped ? `| skipped: ${certs.skipped} | | |` : `| scripts/bench-certificates.mjs | ${fmtMs(certs.coldMs)} | ${fmtMs(certs.cachedMs)} |`);

const targetLines = targetsTable(issueTargets({
  fullCheck: oursRow('tree'),
  parse: parses.tree,
  coldParse: coldParseRow('tree'),
  warmCheck: warmChecks.tree,
  fullCheckSingle: oursRow('single'),
  parseSingle: parses.single,
  coldParseSingle: coldParseRow('single'),
  warmCheckSingle: warmChecks.single,
  crossplane: crossplaneRow('tree') ?? rows.find((r) => r.workload === 'tree' && r.tool.startsWith('crossplane')),
  lspSmall, lspTree, httpLevel, lspHttpLevel,
}));

const totalMs = performance.now() - benchStarted;
const cpuModel = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
const nproc = (() => { try { return execFileSync('nproc', { encoding: 'utf8' }).trim(); } catch { return String(os.cpus().length); } })();
const freeH = (() => { try { return execFileSync('free', ['-h'], { encoding: 'utf8' }).trimEnd(); } catch { return `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total`; } })();
const machine = [
  `- date: ${new Date().toISOString()}`,
  `- CPU: ${cpuModel}, nproc ${nproc}, load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  `- node ${process.version}, ${os.type()} ${os.release()}`,
  `- mode: ${QUICK ? '--quick' : 'full'}; runs per cold measurement: ${RUNS} (medians); our parse: median of ${PARSE_RUNS} warm passes; `
    + `language server: ${LSP_RUNS} session(s) per file, ${EDITS} keystrokes per scenario (time budget ${LSP_BUDGET_MS / 1000} s per scenario)`,
  `- the whole benchmark took ${(totalMs / 60000).toFixed(1)} min (workload generation included)`,
  '- memory (`free -h`):',
  '',
  '```',
  freeH,
  '```',
];

const sections = [
  ['Targets of issue #15', targetLines],
  ['Cold: command line', tableLines],
  ['Our parse and the full check', parseLines],
  ['Warm: language server', [...lspLines, '', ...lspRssLines]],
  ['Requests while checking: the server\'s thread or the validation worker', [
    'One session per row. Hovers on a small document, sent one after the other, while the file is opened and',
    `indexed, then while ${REQUEST_KEYSTROKES} comment edits and a burst of ${REQUEST_KEYSTROKES} characters are typed into it (each keystroke`,
    'waiting for its diagnostics): how long an editor\'s request waits for the check under way (scripts/bench/requestsWhileChecking.mjs).',
    '',
    ...requestLines,
  ]],
  ['Keystrokes at the http level of the main config', httpLevelLines],
  ['Allocation and heap (in-process)', memoryLines],
  ['CPU profiles: self time', profileLines],
  ['Certificates', certLines],
];
console.log('\n' + sections.map(([title, lines]) => `## ${title}\n\n${lines.join('\n')}`).join('\n\n') + '\n\n' + machine.join('\n'));
log(`CPU profiles kept in ${profileDir}`);

// Hand-written notes below this marker in docs/benchmarks.md survive a new run.
const NOTES_MARKER = '<!-- notes below are kept by scripts/bench/run.mjs -->';

if (WRITE) {
  const docPath = path.join(ROOT, 'docs/benchmarks.md');
  const previous = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '';
  const notes = previous.includes(NOTES_MARKER) ? previous.slice(previous.indexOf(NOTES_MARKER)) : NOTES_MARKER + '\n';
  const doc = [
    '# Benchmarks',
    '',
    'Measured by `npm run bench` (scripts/bench/run.mjs) on a generated workload (scripts/bench/generate.mjs,',
    'fixed seed): a tree of nginx.conf + 200 included files with 2,000 TLS servers, locations, upstream TLS',
    'settings, maps, upstreams, comments and quoted strings, whose servers name real certificate and key files',
    '(a small PKI made with openssl); one 50k-line file; one 5k-line file. Every tool reads the same files in',
    'the same run. Cold times are a fresh process, minus that tool\'s start-up on a tiny config. Ratios are',
    'the peer\'s value divided by ours (above 1x: the peer is slower or bigger). The peers do less than we do:',
    'nginx -t parses and loads every certificate; crossplane and nginx-conf only parse; nginx-linter parses and',
    'runs a few style rules. We parse, assemble includes, inspect every certificate and run every rule.',
    '',
    'The keystrokes (scripts/bench/editScripts.mjs) are the same for the language server and the in-process',
    'figures: comment edits (a character typed at the end of a comment line, then deleted), and a typing',
    'burst (a new `add_header X-Burst "";` line in a server block in the middle of the file, then one',
    'character at a time typed between the quotes, so every keystroke changes a directive). Through the',
    'language server, whole new lines are typed into server blocks too (`add_header`, `proxy_set_header`, three',
    'plain settings, in turn): as VS Code types them with this extension\'s language configuration (Enter',
    'brings the indentation, a `"` brings its closing pair, which is then typed over), and a character at',
    'a time; until its `;` is typed a new statement takes the next line\'s words as its arguments. The typist',
    'sends a second burst every 30 ms without waiting for diagnostics, as a person types; the server may',
    'skip the versions it has not started on. The language server is started as the VS Code extension',
    `starts it: \`node ${SERVER_NODE_FLAGS.join(' ')} dist/server.js --stdio\` (common/serverLaunch.ts); an editor that`,
    'starts it without the flag gets a larger young generation on its main thread (docs/editors.md). Its',
    'client pushes diagnostics unless a row says "pulled"; a version whose diagnostics are those the server',
    'sent last, after edits within one line, is not sent again and the client, which asked to be told, gets',
    'a short notice instead (server/src/diagnosticPublication.ts): the rows count those as "not sent again". CPU',
    'profiles are of the unminified out/ build; "(garbage collector)" is the time V8 spent collecting what was',
    'allocated.',
    '',
    '## Machine',
    '',
    ...machine,
    '',
    ...sections.flatMap(([title, lines]) => [`## ${title}`, '', ...lines, '']),
    notes,
  ].join('\n');
  const temporary = `${docPath}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, doc);
  fs.renameSync(temporary, docPath);
  log('wrote docs/benchmarks.md');
}

for (const scratch of [MAXRSS_PRELOAD, timeFile, rssFile]) fs.rmSync(scratch, { force: true });
if (KEEP) log(`workload kept in ${workDir}`);
else fs.rmSync(workDir, { recursive: true, force: true });
log(`total ${(totalMs / 1000).toFixed(0)} s`);
