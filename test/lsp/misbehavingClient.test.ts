/**
 * The server against a client that misbehaves, over stdio against a fresh server each time:
 * a settings request never answered, changes that do not fit the document, a broken stream,
 * requests after shutdown, formatting that would blow up. Each test asserts that the server
 * answers at all (or ends the way the protocol says) and that its output is bounded; no test
 * measures time (the settings timeout is made small through the environment instead).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

type Json = Record<string, unknown>;
type Position = { line: number; character: number };

const UNKNOWN = 'nginx.unknown-directive';

function unknownLines(diagnostics: Json[]): number[] {
  return diagnostics.filter((d) => d.code === UNKNOWN).map((d) => (d.range as { start: Position }).start.line).sort((a, b) => a - b);
}

function exitCode(client: LspTestClient): Promise<number | null> {
  if (client.process.exitCode !== null) return Promise.resolve(client.process.exitCode);
  return new Promise((resolve) => client.process.once('exit', (code) => resolve(code)));
}

function insert(client: LspTestClient, uri: string, version: number, at: Position, text: string, end: Position = at): void {
  client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: at, end }, text }] });
}

describe('language server with a misbehaving client', () => {
  let dir: string;
  /** Every server started here: one a failed test left running is ended by its PID. */
  const started: LspTestClient[] = [];
  const fresh = (env: Record<string, string> = {}): LspTestClient => {
    const client = new LspTestClient(['--stdio'], env);
    started.push(client);
    return client;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-misbehaving-'));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n');
    fs.mkdirSync(path.join(dir, 'conf.d'));
  });

  after(() => {
    for (const client of started) if (client.process.exitCode === null && client.process.signalCode === null) client.process.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a settings request never answered does not freeze requests or diagnostics; the late answer is applied', { timeout: 60_000 }, async () => {
    const client = fresh({ NGINX_MTLS_SETTINGS_TIMEOUT_MS: '50' });
    let pulls = 0;
    let answerLate: ((settings: unknown) => void) | undefined;
    client.onServerRequest = (method) => {
      if (method !== 'workspace/configuration') return null;
      pulls++;
      // The first pull is answered; the one after didChangeConfiguration only when the test says.
      return pulls === 1 ? [{}] : new Promise((resolve) => { answerLate = resolve; });
    };
    try {
      await client.initialize(dir);
      const uri = 'file://' + path.join(dir, 'conf.d', 'settings.conf');
      assert.deepEqual(unknownLines(await client.openDocument(uri, 'server {\n    listen 80;\n    unknown_a on;\n}\n')), [2]);
      client.notify('workspace/didChangeConfiguration', { settings: null });
      const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 5 } });
      assert.match(JSON.stringify(hover), /listen/);
      const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.ok(symbols.length > 0);
      const completion = await client.request<unknown>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 4 } });
      assert.ok(completion !== null);
      insert(client, uri, 2, { line: 2, character: 0 }, '    unknown_b on;\n');
      assert.deepEqual(unknownLines(await client.waitForDiagnostics(uri, 2)), [2, 3]);
      const warned = await client.waitFor((n) => n.method === 'window/logMessage' && /did not answer workspace\/configuration/.test((n.params as { message: string }).message));
      assert.equal((warned.params as { type: number }).type, 2, 'logged as a warning');
      assert.equal(pulls, 2);
      assert.ok(answerLate, 'the second pull was sent');
      answerLate([{ rules: { [UNKNOWN]: 'off' } }]);
      // Applied when it comes: the document is checked again with the rule off.
      await client.waitForDiagnostics(uri, 2, (diagnostics) => unknownLines(diagnostics).length === 0);
    } finally {
      await client.shutdown();
    }
  });

  it('a change that does not fit the document pauses its checks and says how to recover; the full text resumes them', { timeout: 60_000 }, async () => {
    const client = fresh();
    try {
      await client.initialize(dir);
      const uri = 'file://' + path.join(dir, 'conf.d', 'desync.conf');
      await client.openDocument(uri, 'server {\n    listen 80;\n}\n');
      // A character past the end of its line means the end of the line (the spec says so).
      insert(client, uri, 2, { line: 1, character: 999 }, '\n    unknown_a on;');
      const clamped = await client.waitForDiagnostics(uri, 2);
      assert.deepEqual(unknownLines(clamped), [2]);
      assert.equal((clamped.find((d) => d.code === UNKNOWN)?.range as { start: Position }).start.character, 4);
      // Line 41 of a 5-line document cannot be placed.
      insert(client, uri, 3, { line: 40, character: 0 }, '    unknown_b on;\n');
      const shown = await client.waitFor((n) => n.method === 'window/showMessage');
      assert.match((shown.params as { message: string }).message, /lost track of the text of .*desync\.conf.*close and reopen it/);
      assert.deepEqual(await client.waitForDiagnostics(uri, undefined, (d) => d.length === 0), [], 'its diagnostics are withdrawn');
      // Edits on the unknown text are not applied, and nothing is computed on it.
      insert(client, uri, 4, { line: 0, character: 0 }, '# edited\n');
      assert.deepEqual(await client.request('textDocument/documentSymbol', { textDocument: { uri } }), []);
      assert.deepEqual(await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } }), []);
      // The whole text makes the document known again; incremental edits apply to it.
      client.notify('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text: 'server {\n    unknown_c on;\n}\n' }] });
      assert.deepEqual(unknownLines(await client.waitForDiagnostics(uri, 5)), [1]);
      insert(client, uri, 6, { line: 1, character: 0 }, '    unknown_d on;\n');
      assert.deepEqual(unknownLines(await client.waitForDiagnostics(uri, 6)), [1, 2]);
    } finally {
      await client.shutdown();
    }
  });

  it('formatting 100,000 nested blocks or with a tab size of 10^7 is answered, with bounded output, and the server lives on', { timeout: 120_000 }, async () => {
    const client = fresh();
    try {
      await client.initialize(dir);
      const deepUri = 'file://' + path.join(dir, 'conf.d', 'deep.conf');
      const depth = 100_000;
      const deep = 'location / {\n'.repeat(depth) + '}\n'.repeat(depth);
      client.notify('textDocument/didOpen', { textDocument: { uri: deepUri, languageId: 'nginx', version: 1, text: deep } });
      await assert.rejects(
        client.request('textDocument/formatting', { textDocument: { uri: deepUri }, options: { tabSize: 4, insertSpaces: true } }),
        (error: Error) => /nothing was changed/.test(error.message),
      );
      const wideUri = 'file://' + path.join(dir, 'conf.d', 'wide.conf');
      client.notify('textDocument/didOpen', { textDocument: { uri: wideUri, languageId: 'nginx', version: 1, text: 'server {\nlisten 80;\n}\n' } });
      const edits = await client.request<{ newText: string }[]>('textDocument/formatting', { textDocument: { uri: wideUri }, options: { tabSize: 1e7, insertSpaces: true } });
      assert.deepEqual(edits.map((e) => e.newText), ['\n' + ' '.repeat(16)]);
      assert.ok(Array.isArray(await client.request('textDocument/documentSymbol', { textDocument: { uri: wideUri } })), 'still answering');
    } finally {
      await client.shutdown();
    }
  });

  it('a wrong Content-Length: the server says so and exits with code 1, so that the client restarts it', { timeout: 60_000 }, async () => {
    const client = fresh();
    try {
      await client.initialize(dir);
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'textDocument/documentSymbol', params: { textDocument: { uri: 'file:///x.conf' } } }));
      client.process.stdin.write(`Content-Length: ${body.length - 5}\r\n\r\n`);
      client.process.stdin.write(body);
      assert.equal(await exitCode(client), 1);
      assert.match(client.stderr, /unreadable message from the client/);
    } finally {
      await client.shutdown();
    }
  });

  it('stdout closed by the client: the server ends with one line, not a ConnectionError stack trace', { timeout: 60_000 }, async () => {
    const client = fresh();
    try {
      await client.initialize(dir);
      client.process.stdout.destroy();
      // Its diagnostics are the next thing the server writes.
      client.notify('textDocument/didOpen', { textDocument: { uri: 'file://' + path.join(dir, 'conf.d', 'gone.conf'), languageId: 'nginx', version: 1, text: 'server {}\n' } });
      assert.equal(await exitCode(client), 1, 'no shutdown was asked for');
      assert.doesNotMatch(client.stderr, /ConnectionError|\n\s+at /);
      assert.match(client.stderr, /exiting/);
    } finally {
      await client.shutdown();
    }
  });

  it('requests after shutdown are refused with InvalidRequest; exit then ends the server with code 0', { timeout: 60_000 }, async () => {
    const client = fresh();
    try {
      await client.initialize(dir);
      await client.request('shutdown', null);
      await assert.rejects(
        client.request('textDocument/documentSymbol', { textDocument: { uri: 'file://' + path.join(dir, 'nginx.conf') } }),
        (error: Error) => (JSON.parse(error.message) as { code: number }).code === -32600,
      );
      client.notify('exit', null);
      assert.equal(await exitCode(client), 0);
    } finally {
      await client.shutdown();
    }
  });

  it('an untitled document is checked on its own: diagnostics, hover and completion; its relative paths are information, not errors', { timeout: 60_000 }, async () => {
    const client = fresh();
    try {
      await client.initialize(dir);
      const uri = 'untitled:Untitled-1';
      const text = 'server {\n    listen 443 ssl;\n    ssl_certificate certs/site.crt;\n    ssl_certificate_key /nonexistent-nginx-mtls/site.key;\n    unknown_a on;\n}\n';
      const diagnostics = await client.openDocument(uri, text);
      const byCode = (code: string) => diagnostics.filter((d) => d.code === code);
      assert.deepEqual(unknownLines(diagnostics), [4], JSON.stringify(diagnostics));
      // The relative certificate path cannot be checked (no folder); the absolute one can.
      const relative = byCode('tls.file-not-found').find((d) => (d.range as { start: Position }).start.line === 2);
      assert.equal(relative?.severity, 3, `information: ${JSON.stringify(relative)}`);
      assert.match(String(relative?.message), /Could not check "certs\/site\.crt".*not saved/);
      // An absolute path outside the workspace that no mapping covers may exist on the production host only.
      const absolute = byCode('tls.file-not-on-this-machine').find((d) => (d.range as { start: Position }).start.line === 3);
      assert.equal(absolute?.severity, 3, JSON.stringify(diagnostics));
      assert.ok(diagnostics.filter((d) => d.severity === 1).every((d) => !/certs\/site\.crt/.test(String(d.message))));
      const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 5 } });
      assert.match(JSON.stringify(hover), /listen/);
      const completion = await client.request<{ label: string }[] | { items: { label: string }[] }>('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 0 } });
      const labels = (Array.isArray(completion) ? completion : completion.items).map((item) => item.label);
      assert.ok(labels.includes('ssl_protocols'), labels.slice(0, 20).join(' '));
    } finally {
      await client.shutdown();
    }
  });
});
