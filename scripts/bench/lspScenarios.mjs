// The language server measured as an editor uses it: the built server (dist/server.js) over
// stdio, started with the VS Code client's Node.js flags and driven by the LSP test client
// (out/test/lsp/lspClient.js). validationDelayMs is 0, so what is timed is the server's work,
// not the configured debounce (150 ms by default).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { burstEdits, commentEdits, httpLevelEdits, lineEdits } from './editScripts.mjs';

const require = createRequire(import.meta.url);

/** A percentile by nearest rank, `p` in 0–100. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function vmRssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
export const NO_LIMIT_MS = 600000;

/**
 * A client of the built server, started with `args`, that answers workspace/configuration with
 * validationDelayMs 0 and, as an editor's client, keeps no history of what it received (see
 * LspTestClient's `history`).
 */
export function benchClient(root, args = ['--stdio']) {
  const { LspTestClient } = require(path.join(root, 'out/test/lsp/lspClient.js'));
  const client = new LspTestClient(args, {}, { history: false });
  client.onServerRequest = (method, params) => (method === 'workspace/configuration' ? (params?.items ?? [{}]).map(() => ({ validationDelayMs: 0 })) : null);
  return client;
}

/**
 * The diagnostics of `version` of the document as the client received them: published, or
 * marked `unchanged` when the server only said they are those it sent last (the client asked to
 * be told, see server/src/diagnosticPublication.ts).
 */
function diagnosticsOf(client, uri, version) {
  return client.waitFor((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri && n.params.version === version, NO_LIMIT_MS);
}

/**
 * With a validation worker, it warms up a moment after the first check (WARM_UP_DELAY_MS) and then
 * takes over: only after that is the server indexed for good, with both engines loaded.
 */
export function workerHandOver(client) {
  return client.waitFor((n) => n.method === 'window/logMessage' && /^validation handed over to the worker/.test(n.params?.message ?? ''), NO_LIMIT_MS);
}

/**
 * The RSS of `pid` once it has stopped growing: sampled every 100 ms until it has grown by
 * less than 2 MB over the last second (at most `limitMs`). Right after the first diagnostics the
 * server has not settled (the heap of the first check is still being collected; with a
 * validation worker, the worker starts a moment later and checks the file again, a second
 * engine): the figure read at the first diagnostics is not the steady state. lspSession waits
 * for a worker to take over before it calls this. Also how long settling took.
 */
export async function settledRssKb(pid, limitMs = 30000) {
  const started = performance.now();
  const samples = [{ at: started, kb: vmRssKb(pid) ?? 0 }];
  for (;;) {
    await sleep(100);
    const now = performance.now();
    samples.push({ at: now, kb: vmRssKb(pid) ?? 0 });
    const windowStart = samples.find((s) => s.at >= now - 1000 - 1);
    const secondOfSamples = now - samples[0].at >= 1000;
    if ((secondOfSamples && samples[samples.length - 1].kb - windowStart.kb < 2048) || now - started > limitMs) {
      return { kb: samples[samples.length - 1].kb, ms: now - started };
    }
  }
}

/**
 * How long the server is left alone after indexing and at the end of a session before its RSS is
 * read again: past the idle full collection (1.5 s idle) and the compaction of a fragmented heap
 * (5 s idle, server/src/node/idleCollector.ts).
 */
export const IDLE_MS = 7000;

/**
 * One server session on `file` (workspace folder `folder`):
 * 1. start → first diagnostics of the opened file (spawn, initialize, indexing);
 * 2. `edits` comment keystrokes, each sent after the previous one's diagnostics arrived;
 * 3. a burst of `edits` characters typed into a new add_header line, waiting likewise;
 * 4. `edits` keystrokes of whole new lines typed into server blocks (lineEdits), as VS Code
 *    types them (auto-indent, quotes closed), then as many typed a character at a time, waiting
 *    likewise;
 * 5. a second burst (another server block) sent every `intervalMs` without waiting, as a
 *    typist does: the time from the last keystroke to the diagnostics of the final version.
 * Stops typing in 2, 3 and 4 when `budgetMs` has passed since the start of that step.
 */
export async function lspSession({ root, folder, file, edits, budgetMs, intervalMs = 30 }) {
  const started = performance.now();
  const uri = 'file://' + file;
  const client = benchClient(root);
  const versionsSeen = new Set();
  /** Whether the server validates in a worker (NGINX_MTLS_VALIDATION_WORKER=1), as its "ready" line says. */
  let worker = false;
  const { DIAGNOSTICS_UNCHANGED } = require(path.join(root, 'out/server/src/diagnosticPublication.js'));
  client.onNotification = (n) => {
    // A version is diagnosed when its diagnostics are published or said to be those sent last.
    if ((n.method === 'textDocument/publishDiagnostics' || n.method === DIAGNOSTICS_UNCHANGED) && n.params?.uri === uri) versionsSeen.add(n.params.version);
    if (n.method === 'window/logMessage' && /language server ready \(validation in a worker/.test(n.params?.message ?? '')) worker = true;
  };
  try {
    await client.initialize(folder);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const opened = performance.now();
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: lines.join('\n') } });
    await client.waitForDiagnostics(uri, 1, () => true, NO_LIMIT_MS);
    const firstDiagnostics = performance.now();
    const result = { startMs: firstDiagnostics - started, indexMs: firstDiagnostics - opened, rssAtFirstDiagnostics: vmRssKb(client.process.pid) };
    if (worker) await workerHandOver(client);
    result.handOverMs = performance.now() - firstDiagnostics;
    const settled = await settledRssKb(client.process.pid);
    result.rssAfterIndex = settled.kb;
    result.settleMs = settled.ms + result.handOverMs;
    // Idle collections run a while after the last check (server/src/node/idleCollector.ts).
    await sleep(IDLE_MS);
    result.rssAfterIndexIdle = vmRssKb(client.process.pid);

    let version = 1;
    const send = (change) => {
      version++;
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      return version;
    };
    /**
     * Sends each change and waits for its diagnostics: the latencies in ms, and how many
     * versions the server did not send again (the same diagnostics as the last it sent).
     */
    const typeWaiting = async (changes) => {
      const latencies = [];
      let unchanged = 0;
      const end = performance.now() + budgetMs;
      for (const change of changes) {
        const sent = performance.now();
        const v = send(change);
        const published = await diagnosticsOf(client, uri, v);
        latencies.push(performance.now() - sent);
        if (published.unchanged) unchanged++;
        if (performance.now() > end) break;
      }
      return { latencies, unchanged };
    };
    const summary = ({ latencies, unchanged }) => ({ edits: latencies.length, unchanged, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) });

    result.comment = summary(await typeWaiting(commentEdits(lines, edits)));
    result.rssAfterEdits = vmRssKb(client.process.pid);

    const burst = burstEdits(lines, edits);
    await typeWaiting([burst.setup()]);
    result.burst = summary(await typeWaiting(burst.keystrokes()));
    result.lines = summary(await typeWaiting(lineEdits(lines, edits, { editor: true, nth: 2 })));
    result.plainLines = summary(await typeWaiting(lineEdits(lines, edits, { nth: 3 })));

    // The typist: one keystroke every intervalMs, whatever the server is doing.
    const typed = burstEdits(lines, edits, { header: 'X-Typed', nth: 1, seed: 13 });
    await typeWaiting([typed.setup()]);
    const firstTyped = version + 1;
    const burstStart = performance.now();
    let i = 0;
    let lastSent = burstStart;
    for (const change of typed.keystrokes()) {
      await sleep(burstStart + i * intervalMs - performance.now());
      send(change);
      lastSent = performance.now();
      i++;
    }
    await client.waitForDiagnostics(uri, version, () => true, NO_LIMIT_MS);
    const diagnosedVersions = new Set([...versionsSeen].filter((v) => v >= firstTyped));
    result.typist = {
      keystrokes: i, intervalMs, sendingMs: lastSent - burstStart,
      lastKeystrokeToFinalMs: performance.now() - lastSent, diagnosedVersions: diagnosedVersions.size,
    };
    result.rssAfterAll = vmRssKb(client.process.pid);
    await sleep(IDLE_MS);
    result.rssAfterIdle = vmRssKb(client.process.pid);
    return result;
  } finally {
    await client.shutdown();
  }
}

/**
 * `sessions` fresh servers on the same file: keystroke latency varies from one session to the
 * next on a shared machine (garbage collection, CPU steal), so each figure is the median
 * session's, with the range over all sessions.
 */
export async function lspSessions(label, options, sessions, log) {
  const runs = [];
  for (let i = 0; i < sessions; i++) {
    const r = await lspSession(options);
    log(`${label} session ${i + 1}: start → first diagnostics ${r.startMs.toFixed(0)} ms; comment edits p50 ${r.comment.p50.toFixed(1)} p95 ${r.comment.p95.toFixed(1)} ms `
      + `(${r.comment.unchanged} of ${r.comment.edits} not sent again); burst p50 ${r.burst.p50.toFixed(1)} p95 ${r.burst.p95.toFixed(1)} ms (${r.burst.unchanged} of ${r.burst.edits} not sent again); `
      + `new lines p50 ${r.lines.p50.toFixed(1)} p95 ${r.lines.p95.toFixed(1)} ms, a character at a time p50 ${r.plainLines.p50.toFixed(1)} p95 ${r.plainLines.p95.toFixed(1)} ms; typist: last keystroke → final diagnostics ${r.typist.lastKeystrokeToFinalMs.toFixed(0)} ms `
      + `(${r.typist.diagnosedVersions} of ${r.typist.keystrokes} versions diagnosed); RSS at first diagnostics ${(r.rssAtFirstDiagnostics / 1024).toFixed(0)} MB, `
      + `settled ${(r.rssAfterIndex / 1024).toFixed(0)} MB (${r.settleMs.toFixed(0)} ms later), ${(r.rssAfterIndexIdle / 1024).toFixed(0)} MB ${IDLE_MS / 1000} s after → ${(r.rssAfterEdits / 1024).toFixed(0)} → ${(r.rssAfterAll / 1024).toFixed(0)} → ${(r.rssAfterIdle / 1024).toFixed(0)} MB after ${IDLE_MS / 1000} s idle`);
    runs.push(r);
  }
  const pick = (get) => medianSession(runs, get);
  return {
    label, sessions: runs.length,
    startMs: pick((r) => r.startMs), indexMs: pick((r) => r.indexMs),
    comment: typed(runs, (r) => r.comment),
    burst: typed(runs, (r) => r.burst), lines: typed(runs, (r) => r.lines), plainLines: typed(runs, (r) => r.plainLines),
    typist: { keystrokes: runs[0].typist.keystrokes, intervalMs: runs[0].typist.intervalMs, lastToFinal: pick((r) => r.typist.lastKeystrokeToFinalMs), diagnosed: pick((r) => r.typist.diagnosedVersions) },
    rssAtFirstDiagnostics: pick((r) => r.rssAtFirstDiagnostics), rssAfterIndex: pick((r) => r.rssAfterIndex), settleMs: pick((r) => r.settleMs), rssAfterIndexIdle: pick((r) => r.rssAfterIndexIdle),
    rssAfterEdits: pick((r) => r.rssAfterEdits), rssAfterAll: pick((r) => r.rssAfterAll), rssAfterIdle: pick((r) => r.rssAfterIdle),
  };
}

/** One typing step of the sessions (`get` of each): its keystrokes, and the median session's figures with their ranges. */
function typed(runs, get) {
  const pick = (field) => medianSession(runs, (r) => get(r)[field]);
  return { edits: get(runs[0]).edits, unchanged: pick('unchanged'), p50: pick('p50'), p95: pick('p95'), max: pick('max') };
}

/** Of the sessions' values (`get` of each; undefined ones left out), the median session's, with the range. */
export function medianSession(runs, get) {
  const values = runs.map(get).filter((v) => v !== undefined);
  if (values.length === 0) return { value: undefined, min: undefined, max: undefined };
  return { value: [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)], min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Typing at the http level of a main config through the server, as an editor types: a fresh
 * server, `file` opened and its diagnostics received, then left alone for IDLE_MS (idle
 * collections run, as before lspSession's first keystroke), then httpLevelEdits' statement
 * `<name> <value>;` inserted as the first statement of http and `keystrokes` digits typed into its
 * value, each sent once the diagnostics of the one before arrived. Every diagnostic below that
 * line moves in the text at each keystroke. With `pull` the client asks for the diagnostics after
 * each change (textDocument/diagnostic with the id of those it holds), as the VS Code client
 * does, and the server answers "unchanged" when they are; otherwise the server publishes the
 * file's diagnostics after each change, as it does for editors that do not pull.
 */
export async function lspHttpLevelSession({ root, folder, file, name, value, keystrokes, pull = false }) {
  const uri = 'file://' + file;
  const client = benchClient(root);
  try {
    await client.initialize(folder, {}, pull ? { textDocument: { diagnostic: {} } } : {});
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let version = 1;
    let resultId;
    let unchanged = 0;
    /** Sends the change (none: opens the file) and waits for its diagnostics. */
    const sendAndWait = async (change) => {
      if (change) {
        version++;
        client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      } else {
        client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version, text: lines.join('\n') } });
      }
      if (!pull) {
        const published = await diagnosticsOf(client, uri, version);
        if (published.unchanged) unchanged++;
        return;
      }
      const report = await client.request('textDocument/diagnostic', { textDocument: { uri }, previousResultId: resultId });
      if (report.kind === 'unchanged') unchanged++;
      resultId = report.resultId;
    };
    await sendAndWait();
    await sleep(IDLE_MS);
    const edits = httpLevelEdits(lines, keystrokes, { name, value });
    await sendAndWait(edits.setup());
    unchanged = 0;
    const latencies = [];
    for (const change of edits.keystrokes()) {
      const sent = performance.now();
      await sendAndWait(change);
      latencies.push(performance.now() - sent);
    }
    return { keystrokes: latencies.length, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies), unchanged };
  } finally {
    await client.shutdown();
  }
}

/** Of runs that each time keystrokes (p50, p95, max), the median run's figures, with their ranges. */
export function medianLatencies(runs) {
  return { p50: medianSession(runs, (r) => r.p50), p95: medianSession(runs, (r) => r.p95), max: medianSession(runs, (r) => r.max) };
}

/** `sessions` of lspHttpLevelSession: each figure the median session's, with the range. */
export async function lspHttpLevelSessions(label, options, sessions, log) {
  const runs = [];
  for (let i = 0; i < sessions; i++) {
    const r = await lspHttpLevelSession(options);
    log(`${label}, ${options.name}${options.pull ? ', pulled' : ''}, session ${i + 1}: p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} max ${r.max.toFixed(1)} ms`
      + ` (${r.unchanged} of ${r.keystrokes} ${options.pull ? 'answered "unchanged"' : 'not sent again'})`);
    runs.push(r);
  }
  return { label, name: options.name, pull: options.pull === true, sessions: runs.length, keystrokes: runs[0].keystrokes,
    ...medianLatencies(runs), unchanged: medianSession(runs, (r) => r.unchanged) };
}
