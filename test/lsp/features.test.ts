/** Authoring features over stdio: completion, outline, folding, navigation, links, formatting. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startWithConfig, type LspTestClient } from './lspClient';

type Json = Record<string, unknown>;

describe('language server: authoring features', () => {
  let dir: string;
  let client: LspTestClient;
  let uri: string;
  const text = [
    'events {}',
    'http {',
    '  upstream backend {',
    '    server 127.0.0.1:8443;',
    '  }',
    '  include conf.d/*.conf;',
    '  server {',
    '      listen 443 ssl;',
    '    server_name a.example.com;',
    '    ssl_certificate ssl/a.crt;',
    '    location / {',
    '      proxy_pass https://backend;',
    '      ',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-features-'));
    mkdirSync(path.join(dir, 'conf.d'));
    mkdirSync(path.join(dir, 'ssl'));
    writeFileSync(path.join(dir, 'ssl', 'a.crt'), '');
    writeFileSync(path.join(dir, 'ssl', 'ca.pem'), '');
    ({ client, uri } = await startWithConfig(dir, text));
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes directives valid in a location, with argument snippets', async () => {
    const items = await client.request<Json[]>('textDocument/completion', { textDocument: { uri }, position: { line: 12, character: 6 } });
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('proxy_ssl_verify'));
    assert.ok(labels.includes('proxy_set_header'));
    assert.ok(!labels.includes('ssl_verify_client'), 'server-level directive offered in a location');
    assert.ok(!labels.includes('worker_processes'));
  });

  it('completes upstream names and certificate paths', async () => {
    const upstream = await client.request<Json[]>('textDocument/completion', { textDocument: { uri }, position: { line: 11, character: 26 } });
    assert.ok(upstream.some((i) => i.label === 'backend'), JSON.stringify(upstream.map((i) => i.label)));
    const paths = await client.request<Json[]>('textDocument/completion', { textDocument: { uri }, position: { line: 9, character: 24 } });
    assert.ok(paths.some((i) => i.label === 'a.crt'), JSON.stringify(paths.map((i) => i.label)));
  });

  it('returns an outline and folding ranges', async () => {
    const symbols = await client.request<Json[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const http = symbols.find((s) => String(s.name).startsWith('http'));
    assert.ok(http);
    const names = JSON.stringify(symbols);
    assert.match(names, /a\.example\.com/);
    assert.match(names, /backend/);
    const folds = await client.request<Json[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.ok(folds.length >= 4);
  });

  it('goes to the upstream definition and links the certificate file', async () => {
    const locations = await client.request<Json[]>('textDocument/definition', { textDocument: { uri }, position: { line: 11, character: 28 } });
    assert.equal(locations.length, 1);
    assert.equal((locations[0].range as { start: { line: number } }).start.line, 2);
    const links = await client.request<Json[]>('textDocument/documentLink', { textDocument: { uri } });
    assert.ok(links.some((l) => String(l.target).endsWith('/ssl/a.crt')), JSON.stringify(links));
  });

  it('re-indents without touching tokens', async () => {
    const edits = await client.request<{ range: Json; newText: string }[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.ok(edits.length > 0);
    assert.ok(edits.every((e) => e.newText.trim() === ''), 'formatting changed a token');
  });
});
