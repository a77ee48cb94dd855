/**
 * Start-up of the language server (issue #15, open-to-first-diagnostic): it validates in its own
 * thread unless asked for the validation worker, which then starts after the first check, not
 * before it; and the server reports once, at info level, how long each step up to the first
 * diagnostics took (the code-server e2e prints it as a breakdown). Assertions are on order and
 * presence, never on durations.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { WorkerRunner } from '../../server/src/node/validationRunner';
import { STARTUP_STEPS } from '../../server/src/node/startupTimeline';
import { LspTestClient } from './lspClient';
import { NEEDS_WORKER_BUNDLE, WORKER_JS } from './workerRunnerFixture';

const MessageType = { Info: 3, Debug: 5 } as const;
const CONFIG = 'events {}\nhttp {\n  server {\n    listen 443 ssl;\n    ssl_protocols TLSv1;\n  }\n}\n';

type LogMessage = { type: number; message: string };

/** The steps of a "first diagnostics" line, as name -> ms. */
function stepsOf(line: string): Map<string, number> {
  const listed = /ms since then: ([^;]*)/.exec(line)?.[1] ?? '';
  return new Map(listed.split(', ').map((s) => { const at = s.lastIndexOf(' '); return [s.slice(0, at), Number(s.slice(at + 1))] as [string, number]; }));
}

describe('language server: start-up', { skip: NEEDS_WORKER_BUNDLE }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-startup-'));
  writeFileSync(path.join(dir, 'nginx.conf'), CONFIG);
  const uri = 'file://' + path.join(dir, 'nginx.conf');
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const mode of ['push', 'pull'] as const) {
    it(`reports the steps up to the first diagnostics once, at info level (${mode} diagnostics)`, async () => {
      const client = new LspTestClient();
      try {
        await client.initialize(dir, {}, mode === 'pull' ? { textDocument: { diagnostic: {} } } : {});
        client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: CONFIG } });
        const report = client.waitFor((n) => n.method === 'window/logMessage' && /^first diagnostics/.test((n.params as LogMessage).message));
        if (mode === 'pull') {
          const pulled = await client.request<{ items: unknown[] }>('textDocument/diagnostic', { textDocument: { uri } });
          assert.ok(pulled.items.length > 0, 'TLSv1 is reported');
        } else {
          assert.ok((await client.waitForDiagnostics(uri, 1)).length > 0, 'TLSv1 is reported');
        }
        const line = ((await report).params as LogMessage);
        assert.equal(line.type, MessageType.Info);
        assert.match(line.message, /^first diagnostics \(nginx\.conf\) \d+ ms after the server process started \(\d{4}-\d\d-\d\dT[\d:.]+Z\); ms since then: /);
        const steps = stepsOf(line.message);
        // Every step but the worker's start, which comes after the first check (see the next test),
        // and the warm-up, which the document opened right after `initialized` calls off.
        for (const step of STARTUP_STEPS.filter((s) => s !== 'worker' && s !== 'warmed')) assert.ok(steps.has(step), `${step} missing from: ${line.message}`);
        const inOrder = ['loaded', 'initialize', 'initialized', 'opened', 'checked', 'answered'].map((s) => steps.get(s) ?? NaN);
        assert.deepEqual([...inOrder].sort((a, b) => a - b), inOrder, line.message);
        assert.match(line.message, /first check: main configs \(1 found\) \d+ ms, check \d+ ms$/);
        // An edit checks again but reports nothing more.
        client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: CONFIG + '# edited\n' }] });
        if (mode === 'pull') await client.request('textDocument/diagnostic', { textDocument: { uri } });
        else await client.waitForDiagnostics(uri, 2);
        const reports = client.received.filter((n) => n.method === 'window/logMessage' && /first diagnostics/.test((n.params as LogMessage).message));
        assert.equal(reports.length, 1);
      } finally {
        await client.shutdown();
      }
    });
  }

  it('validates in its own thread by default, and says so when it is ready', async () => {
    const client = new LspTestClient();
    try {
      await client.initialize(dir);
      const ready = await client.waitFor((n) => n.method === 'window/logMessage' && /language server ready/.test((n.params as LogMessage).message));
      assert.match((ready.params as LogMessage).message, /language server ready \(validation in the server's thread\)$/);
      await client.openDocument(uri, CONFIG);
      const first = await client.waitForDiagnostics(uri, 1);
      client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: CONFIG + '# edited\n' }] });
      assert.deepEqual(await client.waitForDiagnostics(uri, 2), first);
    } finally {
      await client.shutdown();
    }
  });

  it('checks a made-up configuration while no document is open, before the first real check', async () => {
    const client = new LspTestClient();
    try {
      await client.initialize(dir);
      const warmed = await client.waitFor((n) => n.method === 'window/logMessage' && /^checked a made-up configuration/.test((n.params as LogMessage).message));
      assert.equal((warmed.params as LogMessage).type, MessageType.Debug);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: CONFIG } });
      const report = (await client.waitFor((n) => n.method === 'window/logMessage' && /^first diagnostics/.test((n.params as LogMessage).message))).params as LogMessage;
      const steps = stepsOf(report.message);
      assert.ok((steps.get('initialized') ?? NaN) <= (steps.get('warmed') ?? NaN), report.message);
      assert.ok((steps.get('warmed') ?? NaN) <= (steps.get('opened') ?? NaN), report.message);
      // Its findings (missing files under a made-up directory) are nobody's: only the document's are published.
      const published = client.received.filter((n) => n.method === 'textDocument/publishDiagnostics').map((n) => (n.params as { uri: string }).uri);
      assert.deepEqual([...new Set(published)], [uri]);
    } finally {
      await client.shutdown();
    }
  });

  it('does not warm up when told not to (--no-warm-up)', async () => {
    const client = new LspTestClient(['--stdio', '--no-warm-up']);
    try {
      await client.initialize(dir);
      await client.openDocument(uri, CONFIG);
      const report = (await client.waitFor((n) => n.method === 'window/logMessage' && /^first diagnostics/.test((n.params as LogMessage).message))).params as LogMessage;
      assert.ok(!stepsOf(report.message).has('warmed'), report.message);
      assert.ok(!client.received.some((n) => n.method === 'window/logMessage' && /made-up configuration/.test((n.params as LogMessage).message)));
    } finally {
      await client.shutdown();
    }
  });

  for (const [how, args, env] of [['--validation-worker', ['--stdio', '--validation-worker'], {}], ['NGINX_MTLS_VALIDATION_WORKER=1', ['--stdio'], { NGINX_MTLS_VALIDATION_WORKER: '1' }]] as const) {
    it(`with ${how}, checks the first document in its own thread, then starts the validation worker by itself`, async () => {
      const client = new LspTestClient([...args], env);
      try {
        await client.initialize(dir);
        const announced = await client.waitFor((n) => n.method === 'window/logMessage' && /language server ready/.test((n.params as LogMessage).message));
        assert.match((announced.params as LogMessage).message, /\(validation in a worker thread after the first check\)$/);
        await client.openDocument(uri, CONFIG);
        const report = (await client.waitFor((n) => n.method === 'window/logMessage' && /^first diagnostics/.test((n.params as LogMessage).message))).params as LogMessage;
        // The first check did not wait for the worker: the worker is no step of the start-up.
        assert.ok(!stepsOf(report.message).has('worker'), report.message);
        // Nothing more is asked, yet the worker loads, ready for the first edit.
        const ready = await client.waitFor((n) => n.method === 'window/logMessage' && /^validation worker ready/.test((n.params as LogMessage).message));
        assert.equal((ready.params as LogMessage).type, MessageType.Debug);
        // And the next check is the worker's (its outcome is the same as the first's).
        client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: CONFIG }] });
        const again = await client.waitForDiagnostics(uri, 2);
        assert.ok(again.length > 0);
      } finally {
        await client.shutdown();
      }
    });
  }
});

describe('the worker runner: warming up (dist/validationWorker.js)', { skip: NEEDS_WORKER_BUNDLE }, () => {
  it('loads the worker on warmUp(), before any validation, and says when it is ready', async () => {
    let readyCalls = 0;
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => { ready = resolve; });
    const runner = new WorkerRunner(WORKER_JS, () => undefined, () => { readyCalls++; ready(); });
    // The runner unrefs its worker; an interval keeps this test's process alive meanwhile.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      runner.warmUp();
      await isReady;
      assert.equal(readyCalls, 1);
      assert.deepEqual(runner.settled, { completed: 0, cancelled: 0, failed: 0 }, 'nothing was validated');
    } finally {
      clearInterval(keepAlive);
      await runner.dispose();
    }
  });

  it('with a file, checks it in the worker, so that the first edit finds the worker indexed', async () => {
    const runner = new WorkerRunner(WORKER_JS, () => undefined);
    const keepAlive = setInterval(() => undefined, 60_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-warmup-'));
    const file = path.join(dir, 'nginx.conf');
    try {
      runner.post({ kind: 'folders', folders: [dir] });
      runner.post({ kind: 'open', path: file, text: CONFIG });
      await runner.warmUp(file);
      assert.deepEqual(runner.settled, { completed: 1, cancelled: 0, failed: 0 }, 'the file was checked once, its result unused');
      const outcome = await runner.validate(file, 1);
      assert.ok(outcome && outcome.diagnostics.count > 0);
    } finally {
      clearInterval(keepAlive);
      await runner.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
