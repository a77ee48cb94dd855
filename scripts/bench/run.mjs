#!/usr/bin/env node
// The performance benchmark: our CLI and language server against the peers (nginx -t,
// crossplane, nginx-conf, nginx-linter) on the same generated files, in the same run.
// Needs `npm run build` first (dist/ and out/). Prints a table and writes docs/benchmarks.md.
//
//   node scripts/bench/run.mjs [--runs 5] [--edits 200] [--lsp-runs 3] [--lsp-budget-s 120] [--keep] [--no-write]
//   CROSSPLANE_SRC=/tmp/crossplane node scripts/bench/run.mjs   (crossplane's source tree)
//
// Every time is a median over --runs runs. Cold times are wall clock of a fresh process
// minus the same tool's time on a tiny config (its start-up); peak memory is the maximum
// resident set size from /usr/bin/time -v (or the process's own maxRSS for node tools).
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkload, prng } from './generate.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const NGINX = '/usr/sbin/nginx';
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : fallback;
};
const RUNS = Math.max(1, option('--runs', 5));
const EDITS = Math.max(1, option('--edits', 200));
const LSP_BUDGET_MS = option('--lsp-budget-s', 120) * 1000;
const LSP_RUNS = Math.max(1, option('--lsp-runs', 3));
const KEEP = argv.includes('--keep');
const WRITE = !argv.includes('--no-write');

for (const built of [CLI, path.join(ROOT, 'dist/server.js'), path.join(ROOT, 'out/test/lsp/lspClient.js')]) {
  if (!fs.existsSync(built)) {
    console.error(`${path.relative(ROOT, built)} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

// --- one cold process: wall time and peak RSS --------------------------------------------

const MAXRSS_PRELOAD = path.join(os.tmpdir(), `nginx-mtls-bench-maxrss-${process.pid}.cjs`);
fs.writeFileSync(MAXRSS_PRELOAD, "process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_MAXRSS_FILE, String(process.resourceUsage().maxRSS)));\n");

/**
 * Runs a command once. Returns { ms, rssKb, code, stdout }. With /usr/bin/time the peak RSS
 * is the kernel's; without it, node commands report their own maxRSS through a preload.
 */
function runOnce(command, args, { env = {}, cwd = ROOT, input } = {}) {
  const timeFile = path.join(os.tmpdir(), `nginx-mtls-bench-time-${process.pid}.txt`);
  const rssFile = path.join(os.tmpdir(), `nginx-mtls-bench-rss-${process.pid}.txt`);
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

/** Median wall and peak RSS over RUNS runs, minus the median of the start-up command. */
function coldMeasure(label, command, args, startupArgs, options = {}) {
  const runs = [];
  const startups = [];
  for (let i = 0; i < RUNS; i++) {
    if (startupArgs) startups.push(runOnce(command, startupArgs, options));
    const r = runOnce(command, args, options);
    if (options.check) {
      const problem = options.check(r);
      if (problem) return { label, skipped: problem };
    }
    runs.push(r);
  }
  const wall = median(runs.map((r) => r.ms));
  const startup = startups.length > 0 ? median(startups.map((r) => r.ms)) : 0;
  const rss = runs.every((r) => r.rssKb !== undefined) ? Math.max(...runs.map((r) => r.rssKb)) : undefined;
  log(`${label}: ${wall.toFixed(0)} ms wall, ${startup.toFixed(0)} ms start-up, ${rss ? (rss / 1024).toFixed(0) + ' MB' : 'n/a'}`);
  return { label, ms: Math.max(0, wall - startup), wallMs: wall, startupMs: startup, rssKb: rss, runs };
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
  const m = coldMeasure(`ours ${wl.id}`, process.execPath, [CLI, 'check', wl.dir, '--format', 'json'], [CLI, 'check', path.dirname(w.tiny), '--format', 'json'], { check: cliJsonCheck });
  const findings = m.skipped ? undefined : JSON.parse(m.runs[0].stdout).length;
  rows.push({ workload: wl.id, tool: 'nginx-mtls check (full analysis, certificates inspected)', ours: true, ...m, note: findings !== undefined ? `${findings} findings` : undefined });
}

// --- peers ---------------------------------------------------------------------------------------

if (fs.existsSync(NGINX)) {
  // nginx writes its pid, logs and temp files under the prefix; the config names them there too.
  const nginxArgs = (conf) => ['-t', '-q', '-p', w.prefixDir + '/', '-e', path.join(w.prefixDir, 'error.log'), '-c', conf];
  const check = (r) => (r.code === 0 ? undefined : `nginx -t failed: ${r.stderr.trim().split('\n').pop()}`);
  const version = spawnSync(NGINX, ['-v']).stderr.toString().trim().replace('nginx version: ', '');
  for (const wl of WORKLOADS) {
    rows.push({ workload: wl.id, tool: `nginx -t (${version}: parse, load every certificate)`, ...coldMeasure(`nginx ${wl.id}`, NGINX, nginxArgs(wl.main), nginxArgs(w.empty), { check }) });
  }
} else {
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'nginx -t', skipped: `${NGINX} is not installed` });
}

const crossplaneSrc = process.env.CROSSPLANE_SRC;
if (crossplaneSrc && fs.existsSync(path.join(crossplaneSrc, 'crossplane'))) {
  const env = { PYTHONPATH: crossplaneSrc };
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
    rows.push({ workload: wl.id, tool: 'crossplane parse (parse only, follows includes)', ...coldMeasure(`crossplane ${wl.id}`, 'python3', args(wl.main), args(w.tiny), { env, check }) });
  }
} else {
  const reason = crossplaneSrc ? `CROSSPLANE_SRC=${crossplaneSrc} holds no crossplane/ package` : 'CROSSPLANE_SRC is not set (a checkout of nginxinc/crossplane)';
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'crossplane parse', skipped: reason });
}

const nginxConfRunner = path.join(ROOT, 'scripts/bench/peerNginxConf.cjs');
let nginxConfVersion;
try { nginxConfVersion = require('nginx-conf/package.json').version; } catch { /* not installed */ }
if (nginxConfVersion) {
  for (const wl of WORKLOADS) {
    const m = coldMeasure(`nginx-conf ${wl.id}`, process.execPath, [nginxConfRunner, ...wl.files], [nginxConfRunner, w.tiny], {
      check: (r) => (r.code === 0 ? undefined : `nginx-conf runner failed: ${r.stderr.trim().split('\n').pop()}`),
    });
    // The runner also reports the parse alone, timed inside the process.
    const parseMs = m.skipped ? undefined : median(m.runs.map((r) => JSON.parse(r.stdout).parseMs));
    rows.push({ workload: wl.id, tool: `nginx-conf ${nginxConfVersion} (parse only, every file, no includes)`, ...m, note: parseMs !== undefined ? `in-process parse ${parseMs.toFixed(0)} ms` : undefined });
  }
} else {
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'nginx-conf', skipped: 'not installed (npm install --save-dev nginx-conf)' });
}

let linterVersion;
try { linterVersion = require('nginx-linter/package.json').version; } catch { /* not installed */ }
if (linterVersion) {
  const bin = path.join(path.dirname(require.resolve('nginx-linter/package.json')), 'bin/nginx-linter.js');
  // Its default configuration file lives in $HOME; point it at an empty one.
  const config = path.join(workDir, 'nginx-linter.json');
  fs.writeFileSync(config, '{}\n');
  const args = (conf) => [bin, '--config', config, '--include', conf];
  for (const wl of WORKLOADS) {
    rows.push({ workload: wl.id, tool: `nginx-linter ${linterVersion} (parse + its lint rules, follows includes)`, ...coldMeasure(`nginx-linter ${wl.id}`, process.execPath, args(wl.main), args(w.tiny), {
      check: (r) => (r.code === 0 || r.code === 1 ? (/Failed to parse/.test(r.stdout + r.stderr) ? 'nginx-linter could not parse the files' : undefined) : `nginx-linter failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(0, 2).join(' ')}`),
    }) });
  }
} else {
  for (const wl of WORKLOADS) rows.push({ workload: wl.id, tool: 'nginx-linter', skipped: 'not installed (npm install --save-dev nginx-linter)' });
}

// --- ours: warm language server over stdio ---------------------------------------------------------

const { LspTestClient } = require(path.join(ROOT, 'out/test/lsp/lspClient.js'));

function vmRssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens `file` in a server whose workspace folder is `folder`, waits for its first
 * diagnostics (the index is built then), and times didChange → publishDiagnostics for
 * EDITS edits: a character typed at the end of a comment line, then deleted again.
 */
async function lspLatency(label, folder, file) {
  const client = new LspTestClient();
  // No debounce: the latency measured is the server's work, not the configured delay.
  client.onServerRequest = (method, params) => (method === 'workspace/configuration' ? (params?.items ?? [{}]).map(() => ({ validationDelayMs: 0 })) : null);
  try {
    await client.initialize(folder);
    const uri = 'file://' + file;
    let text = fs.readFileSync(file, 'utf8');
    const started = performance.now();
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text } });
    await client.waitForDiagnostics(uri, 1, () => true, 600000);
    const indexMs = performance.now() - started;
    const rssAfterIndex = vmRssKb(client.process.pid);
    const lines = text.split('\n');
    const commentLines = lines.map((l, i) => (l.trimStart().startsWith('#') ? i : -1)).filter((i) => i >= 0);
    const rng = prng(7);
    const latencies = [];
    const budgetEnd = performance.now() + LSP_BUDGET_MS;
    let version = 1;
    let line = 0;
    for (let i = 0; i < EDITS && performance.now() < budgetEnd; i++) {
      const typing = i % 2 === 0;
      if (typing) line = commentLines[rng.int(commentLines.length)];
      const character = lines[line].length;
      const change = typing
        ? { range: { start: { line, character }, end: { line, character } }, text: 'x' }
        : { range: { start: { line, character: character - 1 }, end: { line, character } }, text: '' };
      lines[line] = typing ? lines[line] + 'x' : lines[line].slice(0, -1);
      version++;
      const sent = performance.now();
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      await client.waitForDiagnostics(uri, version, () => true, 600000);
      latencies.push(performance.now() - sent);
    }
    text = lines.join('\n');
    const rssAfterEdits = vmRssKb(client.process.pid);
    const result = {
      label, edits: latencies.length, indexMs, rssAfterIndex, rssAfterEdits,
      p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies),
    };
    log(`${label}: index ${indexMs.toFixed(0)} ms, ${latencies.length} edits, p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, RSS ${(rssAfterIndex / 1024).toFixed(0)} MB`);
    return result;
  } finally {
    await client.shutdown();
  }
}

/**
 * Keystroke latency varies from one server session to the next on a shared 2-core machine
 * (garbage collection, CPU steal): each file gets LSP_RUNS fresh sessions, and the table
 * shows the median session's p50 and p95 with the range over all sessions.
 */
async function lspSessions(label, folder, file) {
  const sessions = [];
  for (let i = 0; i < LSP_RUNS; i++) sessions.push(await lspLatency(label, folder, file));
  const mid = (key) => [...sessions].sort((a, b) => a[key] - b[key])[Math.floor(sessions.length / 2)];
  const range = (key) => `${Math.min(...sessions.map((s) => s[key])).toFixed(0)}–${Math.max(...sessions.map((s) => s[key])).toFixed(0)}`;
  return { ...mid('p95'), p50: mid('p50').p50, p50Range: range('p50'), p95Range: range('p95'), sessions: sessions.length };
}

const lspSmall = await lspSessions('LSP 5k-line file', path.dirname(w.small), w.small);
const treeFile = treeConfFiles.find((f) => f.includes(`${path.sep}sites-enabled${path.sep}site-090`)) ?? treeConfFiles[0];
const lspTree = await lspSessions('LSP file in the 100k-line tree', w.tree, treeFile);

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

const fmtMs = (ms) => (ms === undefined ? 'n/a' : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
const fmtMb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const ratio = (peer, ours) => (peer === undefined || !ours ? 'n/a' : `${Number((peer / ours).toPrecision(2))}x`);

const tableLines = ['| workload | tool | time (median, minus start-up) | wall incl. start-up | peak RSS | time vs ours | RSS vs ours | note |', '|---|---|---:|---:|---:|---:|---:|---|'];
for (const wl of WORKLOADS) {
  const ours = rows.find((r) => r.workload === wl.id && r.ours);
  for (const r of rows.filter((x) => x.workload === wl.id)) {
    if (r.skipped) {
      tableLines.push(`| ${wl.title} | ${r.tool} | skipped | | | | | ${r.skipped} |`);
      continue;
    }
    tableLines.push(`| ${wl.title} | ${r.tool} | ${fmtMs(r.ms)} | ${fmtMs(r.wallMs)} | ${fmtMb(r.rssKb)} | ${r.ours ? '1x' : ratio(r.ms, ours?.ms)} | ${r.ours ? '1x' : ratio(r.rssKb, ours?.rssKb)} | ${r.note ?? ''} |`);
  }
}
const lspLines = ['| language server (warm, stdio, validationDelayMs 0) | sessions × edits | first diagnostics (indexing) | keystroke → diagnostics p50 (range) | p95 (range) | max | server RSS after indexing | after the edits |', '|---|---:|---:|---:|---:|---:|---:|---:|'];
for (const l of [lspSmall, lspTree]) {
  lspLines.push(`| ${l.label} | ${l.sessions} × ${l.edits} | ${fmtMs(l.indexMs)} | ${fmtMs(l.p50)} (${l.p50Range}) | ${fmtMs(l.p95)} (${l.p95Range}) | ${fmtMs(l.max)} | ${fmtMb(l.rssAfterIndex)} | ${fmtMb(l.rssAfterEdits)} |`);
}
const certLines = ['| certificate inspection, 200 files | cold (fresh cache) | cached |', '|---|---:|---:|'];
certLines.push(certs.skipped ? `| skipped: ${certs.skipped} | | |` : `| scripts/bench-certificates.mjs | ${fmtMs(certs.coldMs)} | ${fmtMs(certs.cachedMs)} |`);

const cpuModel = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
const nproc = (() => { try { return execFileSync('nproc', { encoding: 'utf8' }).trim(); } catch { return String(os.cpus().length); } })();
const freeH = (() => { try { return execFileSync('free', ['-h'], { encoding: 'utf8' }).trimEnd(); } catch { return `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total`; } })();
const machine = [
  `- date: ${new Date().toISOString()}`,
  `- CPU: ${cpuModel}, nproc ${nproc}, load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  `- node ${process.version}, ${os.type()} ${os.release()}`,
  `- runs per measurement: ${RUNS} (medians), LSP: ${LSP_RUNS} sessions of ${EDITS} edits per file (time budget ${LSP_BUDGET_MS / 1000} s per session)`,
  '- memory (`free -h`):',
  '',
  '```',
  freeH,
  '```',
];

const report = [...tableLines, '', ...lspLines, '', ...certLines].join('\n');
console.log('\n' + report + '\n\n' + machine.join('\n'));

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
    '## Machine',
    '',
    ...machine,
    '',
    '## Cold: command line',
    '',
    ...tableLines,
    '',
    '## Warm: language server',
    '',
    ...lspLines,
    '',
    '## Certificates',
    '',
    ...certLines,
    '',
    notes,
  ].join('\n');
  fs.writeFileSync(docPath, doc);
  log('wrote docs/benchmarks.md');
}

fs.rmSync(MAXRSS_PRELOAD, { force: true });
if (KEEP) log(`workload kept in ${workDir}`);
else fs.rmSync(workDir, { recursive: true, force: true });
