import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

describe('language server over stdio', () => {
  let dir: string;
  let client: LspTestClient;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-lsp-'));
    mkdirSync(path.join(dir, 'conf.d'));
    writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n');
    writeFileSync(path.join(dir, 'conf.d', 'site.conf'), 'server {\n    listen 80;\n}\n');
    client = new LspTestClient();
    const init = await client.initialize(dir);
    assert.ok((init.capabilities as Record<string, unknown>).textDocumentSync);
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes nginx-worded diagnostics for a broken file', async () => {
    const uri = 'file://' + path.join(dir, 'conf.d', 'site.conf');
    const text = 'server {\n    listen 80;\n    location / {\n        if ($http_x) {\n            proxy_set_header X $http_x;\n        }\n        proxy_ssl_verfy on;\n    }\n';
    const diagnostics = await client.openDocument(uri, text);
    const summary = diagnostics.map((d) => `${(d.range as { start: { line: number } }).start.line}:${d.code}`).sort();
    assert.deepEqual(summary, ['0:nginx.unclosed-block', '4:nginx.directive-not-allowed', '6:nginx.unknown-directive', '8:nginx.unexpected-eof']);
    const notAllowed = diagnostics.find((d) => d.code === 'nginx.directive-not-allowed')!;
    assert.match(notAllowed.message as string, /"proxy_set_header" directive is not allowed here/);
    assert.equal(notAllowed.severity, 1);
    assert.equal(notAllowed.source, 'nginx-mtls');
    const unknown = diagnostics.find((d) => d.code === 'nginx.unknown-directive')!;
    assert.match(unknown.message as string, /unknown directive "proxy_ssl_verfy".*proxy_ssl_verify/);
  });

  it('re-validates on change and clears fixed problems', async () => {
    const uri = 'file://' + path.join(dir, 'conf.d', 'site.conf');
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: 'server {\n    listen 80;\n}\n' }],
    });
    const diagnostics = await client.waitForDiagnostics(uri, 2);
    assert.deepEqual(diagnostics, []);
  });

  it('applies incremental edits', async () => {
    const uri = 'file://' + path.join(dir, 'conf.d', 'site.conf');
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 1, character: 4 }, end: { line: 1, character: 10 } }, text: 'listne' }],
    });
    const diagnostics = await client.waitForDiagnostics(uri, 3);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].code, 'nginx.unknown-directive');
    assert.deepEqual(diagnostics[0].range, { start: { line: 1, character: 4 }, end: { line: 1, character: 10 } });
  });
});
