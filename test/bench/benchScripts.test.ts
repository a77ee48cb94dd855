/**
 * The benchmark's pure parts (scripts/bench): the keystrokes it types, the CPU profile summary
 * and the verdicts of the issue's targets. Timings themselves are never asserted here: they
 * belong to `npm run bench`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { applyLspEdits, REPO_ROOT, type LspTextEdit } from '../lsp/lspClient';
import { NEEDS_WORKER_BUNDLE } from '../lsp/workerRunnerFixture';

// The scripts are plain JavaScript modules: what they export is untyped here.
const load = (name: string): Promise<any> => import(pathToFileURL(path.join(REPO_ROOT, 'scripts/bench', name)).href);

interface Change { range: LspTextEdit['range']; text: string }

/** A config of `servers` TLS servers in http, each after a comment line. */
function sampleConfig(servers: number): string {
  const lines = ['# sample', 'events {}', 'http {'];
  for (let i = 0; i < servers; i++) {
    lines.push(`    # server ${i}`, '    server {', '        listen 443 ssl;', `        server_name s${i}.example.test;`, '        location / { return 200; }', '    }');
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** Applies each change as a client would send it, and checks it leaves the text the script's `lines` hold. */
function replay(initial: string, lines: string[], changes: Iterable<Change>): { text: string; steps: string[] } {
  let text = initial;
  const steps: string[] = [];
  for (const change of changes) {
    text = applyLspEdits(text, [{ range: change.range, newText: change.text }]);
    assert.equal(text, lines.join('\n'), 'the LSP change and the in-process text agree');
    steps.push(text);
  }
  return { text, steps };
}

describe('benchmark keystrokes (scripts/bench/editScripts.mjs)', () => {
  let edits: any;
  before(async () => { edits = await load('editScripts.mjs'); });

  it('comment edits type and delete one character at the end of comment lines only', () => {
    const initial = sampleConfig(6);
    const lines = initial.split('\n');
    const { text, steps } = replay(initial, lines, edits.commentEdits(lines, 40));
    assert.equal(steps.length, 40);
    assert.equal(text, initial, 'an even number of edits types and deletes every character it added');
    for (let i = 0; i < steps.length; i += 2) {
      const changed = steps[i].split('\n').filter((l, n) => l !== initial.split('\n')[n]);
      assert.equal(changed.length, 1);
      assert.match(changed[0], /^\s*#.*x$/);
    }
  });

  it('a burst inserts an add_header line in the middle server block and types into its quotes, one character per change', () => {
    const initial = sampleConfig(9);
    const lines = initial.split('\n');
    const burst = edits.burstEdits(lines, 60);
    // Lazily, as run.mjs sends them: each change is made when it is sent.
    const { steps } = replay(initial, lines, (function* () { yield burst.setup(); yield* burst.keystrokes(); })());
    assert.equal(steps.length, 61);
    const typed = edits.burstText(60);
    assert.equal(typed.length, 60);
    assert.doesNotMatch(typed, /["'$\\;{}]/, 'no character that would end the string or the directive');
    for (let i = 0; i < steps.length; i++) {
      const line = steps[i].split('\n')[burst.line];
      assert.equal(line, `        add_header X-Burst "${typed.slice(0, i)}";`, `step ${i}: a complete directive with the characters typed so far`);
    }
    // Inside the fifth of nine servers, right after its server_name.
    const finalLines = steps.at(-1)!.split('\n');
    assert.match(finalLines[burst.line - 1], /server_name s4\.example\.test;/);
  });

  it('http-level edits insert a setting first in http and type digits into its value, one per change', () => {
    const initial = sampleConfig(3);
    const lines = initial.split('\n');
    const typing = edits.httpLevelEdits(lines, 5, { name: 'client_max_body_size', value: '1m' });
    const { steps } = replay(initial, lines, (function* () { yield typing.setup(); yield* typing.keystrokes(); })());
    assert.equal(steps.length, 6);
    for (let i = 0; i < steps.length; i++) {
      const stepLines = steps[i].split('\n');
      assert.equal(stepLines[typing.line - 1], 'http {', 'the first statement of http');
      assert.equal(stepLines[typing.line], `    client_max_body_size ${'1'.repeat(i + 1)}m;`, `step ${i}: a complete directive`);
    }
  });

  it('new lines are typed into server blocks after their server_name, as VS Code types them and a character at a time', () => {
    const initial = sampleConfig(9);
    for (const editor of [true, false]) {
      const lines = initial.split('\n');
      const changes: Change[] = [];
      // Lazily, as the bench sends them: each change is made when it is sent.
      const { text } = replay(initial, lines, (function* () { for (const change of edits.lineEdits(lines, 120, { editor, nth: 2 })) { changes.push(change); yield change; } })());
      assert.equal(changes.length, 120);
      const finalLines = text.split('\n');
      const added = finalLines.filter((l) => !initial.split('\n').includes(l));
      // Whole statements, each on a new line at the server's indentation after its server_name, in
      // the servers from the third after the middle one, and the last one begun.
      const whole = edits.TYPED_STATEMENTS.map((s: string) => `        ${s}`);
      const complete = editor ? 3 : 2;
      assert.equal(added.length, complete + 1);
      for (let i = 0; i <= complete; i++) {
        const line = finalLines.findIndex((l) => l.includes(`server_name s${(6 + i) % 9}.`)) + 1;
        if (i < complete) assert.equal(finalLines[line], whole[i]);
        else assert.ok(whole[i].startsWith(finalLines[line]) && finalLines[line].length > 8, finalLines[line]);
      }
      const texts = changes.map((c) => c.text);
      if (editor) {
        assert.equal(texts[0], '\n        ', 'Enter brings the indentation');
        assert.ok(texts.includes('""') && !texts.includes('"'), 'a quote brings its pair, which is typed over');
      } else {
        assert.deepEqual(texts.slice(0, 9), ['\n', ...' '.repeat(8)], 'the line break, then each blank');
        assert.equal(texts.filter((t: string) => t === '"').length, 4, 'each quote typed');
      }
    }
  });

  it('a second burst (nth 1) goes into another server block', () => {
    const lines = sampleConfig(9).split('\n');
    const first = edits.burstSite(lines, 0);
    const second = edits.burstSite(lines, 1);
    assert.notEqual(first.line, second.line);
    assert.match(lines[second.line - 1], /server_name s5\.example\.test;/);
  });
});

describe('CPU profile summary (scripts/bench/cpuProfileSummary.mjs)', () => {
  let summary: any;
  let dir: string;
  before(async () => {
    summary = await load('cpuProfileSummary.mjs');
    dir = mkdtempSync(path.join(os.tmpdir(), 'bench-profile-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sums self time per function over every stack it appears in, V8 entries included, largest first', () => {
    const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, scriptId: '0', columnNumber: 0 });
    const parse = pathToFileURL(path.join(REPO_ROOT, 'out/server/src/parser/parser.js')).href;
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3, 5] },
        { id: 2, callFrame: frame('(garbage collector)') },
        { id: 3, callFrame: frame('check', 'node:internal/x', 3), children: [4] },
        { id: 4, callFrame: frame('parseStatements', parse, 46) },
        { id: 5, callFrame: frame('', parse, 9), children: [6] },
        { id: 6, callFrame: frame('parseStatements', parse, 46) },
      ],
      startTime: 0, endTime: 10000,
      samples: [2, 4, 6, 4, 2, 2, 2, 5, 3],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 2000, 1000],
    };
    const file = path.join(dir, 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const result = summary.topSelfTime(file, { top: 3, root: REPO_ROOT });
    assert.equal(result.totalMs, 10);
    assert.deepEqual(result.rows.map((r: any) => [r.name, r.where, r.ms, r.share]), [
      ['(garbage collector)', '', 4, 0.4],
      ['parseStatements', 'out/server/src/parser/parser.js:47', 3, 0.3],
      ['(anonymous)', 'out/server/src/parser/parser.js:10', 2, 0.2],
    ]);
    const table = summary.selfTimeTable(result);
    assert.equal(table.length, 5);
    assert.match(table[3], /^\| `parseStatements` \| `out\/server\/src\/parser\/parser\.js:47` \| 3 ms \| 30\.0% \|$/);
  });
});

describe('targets of issue #15 (scripts/bench/targets.mjs)', () => {
  let targets: any;
  before(async () => { targets = await load('targets.mjs'); });

  const picked = (value: number) => ({ value, min: value, max: value });
  const lsp = (p95: number, burstP95: number, rssKb: number) => ({
    sessions: 1, startMs: picked(900), indexMs: picked(500),
    comment: { edits: 200, p95: picked(p95) }, burst: { edits: 200, p95: picked(burstP95) },
    lines: { edits: 200, p95: picked(burstP95) }, plainLines: { edits: 200, p95: picked(burstP95) },
    rssAfterIndex: picked(rssKb), rssAfterEdits: picked(rssKb),
  });
  const verdicts = (m: unknown) => targets.issueTargets(m).map((r: any) => r.verdict);

  it('passes each target at its limit and fails past it', () => {
    const passing = verdicts({ fullCheck: { ms: 300, rssKb: 130 * 1024 }, parse: { ms: 100 }, fullCheckSingle: { ms: 150 }, parseSingle: { ms: 50 }, crossplane: { rssKb: 67 * 1024 }, lspSmall: lsp(29.9, 29.9, 149 * 1024), lspTree: lsp(39.9, 39.9, 149 * 1024) });
    assert.deepEqual(passing.slice(0, -1), Array(15).fill('pass'));
    const failing = verdicts({ fullCheck: { ms: 301, rssKb: 134 * 1024 }, parse: { ms: 100 }, fullCheckSingle: { ms: 151 }, parseSingle: { ms: 50 }, crossplane: { rssKb: 67 * 1024 }, lspSmall: lsp(30, 30, 150 * 1024), lspTree: lsp(40, 40, 150 * 1024) });
    assert.deepEqual(failing.slice(0, -1), Array(15).fill('**FAIL**'));
  });

  it('notes how long a cold process takes only to read and parse the tree, when that was measured', () => {
    const [withCold] = targets.issueTargets({ fullCheck: { ms: 900 }, parse: { ms: 40 }, coldParse: { ms: 120 } });
    assert.match(withCold.note, /a cold process that only reads and parses the tree: 120 ms = 3x$/);
    assert.equal(withCold.verdict, '**FAIL**', 'the verdict is still the full check against the warm parse');
    const [without] = targets.issueTargets({ fullCheck: { ms: 900 }, parse: { ms: 40 } });
    assert.doesNotMatch(without.note, /cold process/);
  });

  it('notes the full check warm in-process beside the cold one, when that was measured; the verdict stays the cold one\'s', () => {
    const [tree, single] = targets.issueTargets({ fullCheck: { ms: 900 }, parse: { ms: 30 }, warmCheck: { ms: 450 }, fullCheckSingle: { ms: 600 }, parseSingle: { ms: 30 } });
    assert.match(tree.note, /; the same check warm, in-process, its code optimised: 450 ms = 15x$/);
    assert.equal(tree.verdict, '**FAIL**');
    assert.doesNotMatch(single.note, /warm, in-process/);
    const [, warmSingle] = targets.issueTargets({ fullCheck: { ms: 900 }, parse: { ms: 30 }, fullCheckSingle: { ms: 80 }, parseSingle: { ms: 30 }, warmCheckSingle: { ms: 60 } });
    assert.match(warmSingle.note, /its code optimised: 60 ms = 2x$/);
    assert.equal(warmSingle.verdict, 'pass');
  });

  it('sets the full check of the 50k-line file the same target as the tree, in a row of its own', () => {
    const [tree, single] = targets.issueTargets({ fullCheck: { ms: 300 }, parse: { ms: 100 }, fullCheckSingle: { ms: 700 }, parseSingle: { ms: 35 }, coldParseSingle: { ms: 85 } });
    assert.match(tree.target, /^Full check of the tree,/);
    assert.equal(tree.verdict, 'pass');
    assert.match(single.target, /^Full check of the 50k-line file, start-up removed, at most 3x our own parse$/);
    assert.equal(single.measured, '700 ms = 20x our parse (35 ms)');
    assert.equal(single.verdict, '**FAIL**');
    assert.match(single.note, /a cold process that only reads and parses the file: 85 ms = 2.4x$/);
    const [, unmeasured] = targets.issueTargets({ fullCheck: { ms: 300 }, parse: { ms: 100 } });
    assert.equal(unmeasured.verdict, 'not measured');
  });

  it('judges each http-level typing run against its own limit', () => {
    const run = (limit: number, p95: number | undefined, runs = 3) => ({ label: 'main', limit, name: 'x', keystrokes: 30, runs, p50: picked(1), p95: { value: p95, min: p95, max: p95 }, max: picked(50) });
    const rows = targets.issueTargets({ httpLevel: [run(40, 39.9), run(40, 40), run(30, 29.9), run(30, 30), run(30, undefined), run(30, 10, 1)] }).filter((r: any) => /http level/.test(r.target));
    assert.deepEqual(rows.map((r: any) => r.verdict), ['pass', '**FAIL**', 'pass', '**FAIL**', 'not measured', 'pass']);
    assert.match(rows[0].target, /p95 < 40 ms, main, typing into `x` at the http level$/);
    assert.match(rows[0].note, /median of 3 runs/);
    assert.doesNotMatch(rows[5].note, /median/);
  });

  it('judges the http-level typing through the language server by its median session, against its own limit', () => {
    const session = (limit: number, p95: number | undefined) => ({ label: 'main', limit, name: 'x', sessions: 3, keystrokes: 30, p50: picked(1), p95: { value: p95, min: p95, max: p95 }, max: picked(50) });
    const rows = targets.issueTargets({ lspHttpLevel: [session(30, 29.9), session(30, 30), session(40, undefined)] }).filter((r: any) => /language server over stdio/.test(r.target));
    assert.deepEqual(rows.map((r: any) => r.verdict), ['pass', '**FAIL**', 'not measured']);
    assert.match(rows[0].target, /p95 < 30 ms, main, typing into `x` at the http level, language server over stdio, diagnostics pushed/);
    const [pulled] = targets.issueTargets({ lspHttpLevel: [{ ...session(30, 10), pull: true }] }).filter((r: any) => /language server over stdio/.test(r.target));
    assert.match(pulled.target, /diagnostics pulled \(as VS Code\)$/);
    assert.match(rows[0].note, /median of 3 sessions/);
  });

  it('says "not measured" for what this run did not measure, never pass or fail', () => {
    const rows = targets.issueTargets({ fullCheck: { ms: 300, rssKb: 100 * 1024 }, parse: { ms: 100 }, crossplane: { skipped: 'not found' } });
    const byTarget = new Map(rows.map((r: any) => [r.target, r]));
    const rss = [...byTarget.values()].find((r: any) => /crossplane/.test(r.target)) as any;
    assert.equal(rss.verdict, 'not measured');
    assert.match(rss.note, /not found/);
    for (const r of rows.filter((x: any) => /Keystroke|RSS < 150/.test(x.target))) assert.equal(r.verdict, 'not measured');
    assert.equal(rows.at(-1).verdict, 'not measured', 'the e2e target is measured by the e2e run');
    assert.ok(targets.targetsTable(rows).length === rows.length + 2);
  });
});

describe('warm full check (scripts/bench/inProcess.mjs warmCheck)', () => {
  it('runs the command line\'s check of a config again and again in one process and reports the measured ones', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'warm-check-'));
    try {
      const main = path.join(dir, 'nginx.conf');
      // One finding at least: a TLS server without its certificate.
      writeFileSync(main, sampleConfig(2).replace('listen 443 ssl;', 'listen 443 ssl; ssl_certificate_key missing.key;'));
      const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/bench/inProcess.mjs'), 'warmCheck', '3', main], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
      assert.equal(result.runs, 3);
      assert.ok(result.warmUps >= 1);
      assert.ok(result.min <= result.ms && result.ms <= result.max, JSON.stringify(result));
      // The JSON report of the check: an array with the finding's file in it.
      assert.ok(result.reportChars > 2, JSON.stringify(result));
      const failed = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/bench/inProcess.mjs'), 'warmCheck', '1', path.join(dir, 'absent.conf')], { encoding: 'utf8' });
      assert.notEqual(failed.status, 0, 'a check that cannot run is not timed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cold parse (scripts/bench/coldParse.mjs)', () => {
  it('reads and parses every file it is given, once, and says how many statements it found', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cold-parse-'));
    try {
      const first = path.join(dir, 'a.conf');
      const second = path.join(dir, 'b.conf');
      writeFileSync(first, sampleConfig(3));
      writeFileSync(second, 'worker_processes 1;\n');
      const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/bench/coldParse.mjs'), first, second], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      // sampleConfig: events and http at the top level; the second file: one statement.
      assert.deepEqual(JSON.parse(run.stdout), { files: 2, statements: 3 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('worker replay (scripts/bench/workerReplay.mjs)', { skip: NEEDS_WORKER_BUNDLE }, () => {
  it('sends the bench\'s keystrokes to the worker bundle and gets an answer to each', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'worker-replay-'));
    try {
      const file = path.join(dir, 'nginx.conf');
      writeFileSync(file, sampleConfig(6));
      const { replayWorker } = await load('workerReplay.mjs');
      const result = await replayWorker({ file, edits: 3, settleMs: 0 });
      assert.equal(result.comment.length, 3);
      assert.equal(result.burst.length, 3);
      for (const ms of [...result.comment, ...result.burst]) assert.ok(Number.isFinite(ms) && ms >= 0, String(ms));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('requests while checking (scripts/bench/requestsWhileChecking.mjs)', { skip: NEEDS_WORKER_BUNDLE }, () => {
  for (const worker of [false, true]) {
    it(`hovers while a file is indexed and typed into, with validation in ${worker ? 'the worker' : "the server's thread"}`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'requests-'));
      try {
        const file = path.join(dir, 'nginx.conf');
        writeFileSync(file, sampleConfig(6));
        const { requestsWhileChecking } = await load('requestsWhileChecking.mjs');
        const result = await requestsWhileChecking({ root: REPO_ROOT, folder: dir, file, worker, keystrokes: 2 });
        // Two comment edits, the burst's new line and two characters, each waited for.
        assert.equal(result.typing.keystrokes, 5);
        assert.ok(result.rssAfterIndex > 0);
        // Each phase sends at least one hover (it is sent before its end is known).
        for (const phase of [result.indexing, result.typing]) {
          assert.ok(phase.requests >= 1, JSON.stringify(phase));
          assert.ok(Number.isFinite(phase.max) && phase.max >= phase.p50 && phase.p50 >= 0, JSON.stringify(phase));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
