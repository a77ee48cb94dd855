/**
 * Server resilience over stdio: a crash in one rule family is isolated and logged, a storm
 * of edits ends with diagnostics for the last version only, and requests are answered
 * while validation runs. No sleeps: every wait is on a message, with a deadline as a guard.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, REPO_ROOT } from './lspClient';
import { THROWING_FAMILY_NAME } from './crashingServerMain';

type Json = Record<string, unknown>;

/** A client for another server entry: LspTestClient always spawns dist/server.js, so its spawn is redirected once. */
function clientFor(script: string): LspTestClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const childProcess = require('node:child_process') as typeof import('node:child_process');
  const realSpawn = childProcess.spawn;
  (childProcess as { spawn: unknown }).spawn = (command: string, args: string[], options: object) => realSpawn(command, [script, ...args.slice(1)], options);
  try {
    return new LspTestClient();
  } finally {
    (childProcess as { spawn: unknown }).spawn = realSpawn;
  }
}

/** Every JSON-RPC message the server wrote to stdout, in order (the client's own list drops matched ones). */
function recordMessages(client: LspTestClient): Json[] {
  const messages: Json[] = [];
  let buffer = Buffer.alloc(0);
  client.process.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      messages.push(JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as Json);
      buffer = buffer.subarray(headerEnd + 4 + length);
    }
  });
  return messages;
}

function publishes(messages: Json[], uri: string): { version?: number; diagnostics: Json[] }[] {
  return messages
    .filter((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri)
    .map((m) => m.params as { version?: number; diagnostics: Json[] });
}

describe('language server resilience', () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-resilience-'));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n');
    fs.mkdirSync(path.join(dir, 'conf.d'));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a rule family that throws is isolated: the other rules still report, the failure is logged with its name', { timeout: 60_000 }, async () => {
    const script = path.join(REPO_ROOT, 'out/test/lsp/crashingServerMain.js');
    assert.ok(fs.existsSync(script), `${script} is missing: run tsc first`);
    const client = clientFor(script);
    try {
      await client.initialize(dir);
      const uri = 'file://' + path.join(dir, 'conf.d', 'crash.conf');
      const text = 'server {\n    listen 80;\n    proxy_ssl_verfy on;\n}\n';
      const diagnostics = await client.openDocument(uri, text);
      assert.ok(diagnostics.some((d) => d.code === 'nginx.unknown-directive'), JSON.stringify(diagnostics));
      const logged = await client.waitFor((n) => n.method === 'window/logMessage' && String((n.params as { message: string }).message).includes(THROWING_FAMILY_NAME));
      const message = (logged.params as { message: string; type: number }).message;
      assert.match(message, /deliberate failure in the test rule family/);
      assert.match(message, new RegExp(`rule family "${THROWING_FAMILY_NAME}" failed for ${uri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.equal((logged.params as { type: number }).type, 1, 'logged as an error');
      // Still alive and answering.
      const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.ok(Array.isArray(symbols));
    } finally {
      await client.shutdown();
    }
  });

  it('1,000 rapid edits: responsive throughout, one publish, for the last version', { timeout: 90_000 }, async () => {
    const client = new LspTestClient();
    // A pause of a second inside the burst is implausible, so intermediate versions are never due.
    client.onServerRequest = (method) => (method === 'workspace/configuration' ? [{ validationDelayMs: 1000 }] : null);
    const messages = recordMessages(client);
    try {
      await client.initialize(dir);
      const uri = 'file://' + path.join(dir, 'conf.d', 'storm.conf');
      let text = 'server {\n    listen 80;\n}\n';
      await client.openDocument(uri, text);
      const hovers: Promise<unknown>[] = [];
      let version = 1;
      for (let i = 0; i < 1000; i++) {
        version++;
        // Alternately add an unknown directive line and replace it: every version differs.
        const line = i % 2 === 0 ? `    unknown_${i};\n` : `    listen ${8000 + i};\n`;
        const insertAt = { line: 2, character: 0 };
        client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: insertAt, end: insertAt }, text: line }] });
        const lines = text.split('\n');
        lines.splice(2, 0, line.slice(0, -1));
        text = lines.join('\n');
        if (i % 100 === 50) hovers.push(client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 6 } }));
      }
      // Requests sent during the storm are answered (the hover on `listen` has its docs).
      const answers = await Promise.all(hovers);
      assert.equal(answers.length, 10);
      for (const answer of answers) assert.match(JSON.stringify(answer), /listen/);
      const last = await client.waitForDiagnostics(uri, version);
      const unknown = last.filter((d) => d.code === 'nginx.unknown-directive');
      assert.equal(unknown.length, 500, 'the diagnostics are those of the last text');
      // Let anything still queued run: two round trips after the last publish.
      await client.request('textDocument/documentSymbol', { textDocument: { uri } });
      await client.request('textDocument/foldingRange', { textDocument: { uri } });
      const afterOpen = publishes(messages, uri).slice(1);
      assert.deepEqual(afterOpen.map((p) => p.version), [version], 'only the last version was published');
    } finally {
      await client.shutdown();
    }
  });

  it('answers requests while a large configuration is validated', { timeout: 60_000 }, async () => {
    const client = new LspTestClient();
    const messages = recordMessages(client);
    try {
      await client.initialize(dir);
      const uri = 'file://' + path.join(dir, 'conf.d', 'large.conf');
      const text = Array.from({ length: 2000 }, (_, i) => `server {\n    listen 443 ssl;\n    server_name s${i}.example.com;\n    ssl_certificate /nonexistent/s${i}.crt;\n    ssl_certificate_key /nonexistent/s${i}.key;\n}\n`).join('');
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text } });
      const answered: number[] = [];
      const requests = Array.from({ length: 5 }, (_, i) =>
        client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1 + 6 * i, character: 5 } }).then((r) => {
          answered.push(messages.length);
          return r;
        }));
      const results = await Promise.all(requests);
      for (const r of results) assert.match(JSON.stringify(r), /listen/);
      const diagnostics = await client.waitForDiagnostics(uri, 1);
      assert.ok(diagnostics.length >= 2000, `${diagnostics.length} diagnostics`);
      const publishIndex = messages.findIndex((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri);
      assert.ok(answered.every((count) => count <= publishIndex), 'hovers were answered before the validation finished');
    } finally {
      await client.shutdown();
    }
  });
});
