/** Insert actions and the "Generate test PKI" server command over stdio. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../server/src/parser/parser';
import { startWithConfig, type LspTestClient } from './lspClient';

type Json = Record<string, unknown>;

describe('language server: insert actions and test PKI', () => {
  let dir: string;
  let client: LspTestClient;
  let uri: string;
  const text = 'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        server_name a.example.com;\n        ssl_certificate a.crt;\n        ssl_certificate_key a.key;\n    }\n\n}\n';

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-authoring-'));
    ({ client, uri } = await startWithConfig(dir, text));
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers the mTLS blocks in http and client verification on a TLS server', async () => {
    const inHttp = await client.request<Json[]>('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } }, context: { diagnostics: [], only: ['refactor'] },
    });
    const titles = inHttp.map((a) => String(a.title));
    assert.ok(titles.some((t) => /mTLS proxy block/i.test(t)), titles.join(' | '));
    assert.ok(titles.some((t) => /mTLS server block/i.test(t)), titles.join(' | '));
    const proxy = inHttp.find((a) => /mTLS proxy block/i.test(String(a.title))) as { edit: { changes: Record<string, { newText: string }[]> } };
    const inserted = proxy.edit.changes[uri].map((e) => e.newText).join('');
    assert.match(inserted, /proxy_ssl_verify on;/);
    assert.deepEqual(parseConfig(inserted).problems, []);
    const inServer = await client.request<Json[]>('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 4, character: 8 }, end: { line: 4, character: 8 } }, context: { diagnostics: [], only: ['refactor'] },
    });
    assert.ok(inServer.some((a) => /client certificates/i.test(String(a.title))), inServer.map((a) => a.title).join(' | '));
  });

  it('writes a test PKI with private keys at 0600 and refuses to overwrite it', async () => {
    const folder = path.join(dir, 'pki');
    const request = { folder, caName: 'Test CA', serverHost: 'a.example.com', clientName: 'client1' };
    const result = await client.request<{ written: string[]; insertion: { serverBlock: string; proxyBlock: string } }>('workspace/executeCommand', { command: 'nginxMtls.server.generateTestPki', arguments: [request, uri] });
    assert.ok(result.written.length >= 6);
    for (const file of result.written.filter((f) => f.endsWith('.key'))) assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(parseConfig(result.insertion.serverBlock).problems, []);
    assert.match(result.insertion.proxyBlock, /proxy_ssl_certificate /);
    const again = await client.request<{ error?: string }>('workspace/executeCommand', { command: 'nginxMtls.server.generateTestPki', arguments: [request, uri] });
    assert.match(again.error ?? '', /exist/i, 'a second run must not write over the first');
  });
});
