/** Completion over stdio (issue #14): names gathered across included files, certificate files by content. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pki } from '../certificates/fixtures';
import { startWithConfig, type LspTestClient } from './lspClient';

type Json = Record<string, unknown>;

describe('language server: completion across the configuration', () => {
  let dir: string;
  let client: LspTestClient;
  let uri: string;
  const text = [
    'events {}',
    'http {',
    '  upstream web { server 127.0.0.1:8080; }',
    '  include sites/*.conf;',
    '  server {',
    '    location / {',
    '      try_files $uri @;',
    '      proxy_ssl_certificate_key ssl/;',
    '    }',
    '  }',
    '}',
    'stream {',
    '  include streams/*.conf;',
    '  server {',
    '    listen 5432;',
    '    proxy_pass ;',
    '  }',
    '}',
    '',
  ].join('\n');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-completion-'));
    for (const sub of ['sites', 'streams', 'ssl']) mkdirSync(path.join(dir, sub));
    writeFileSync(path.join(dir, 'sites', 'app.conf'), 'server {\n  listen 8443;\n  location @shared_fallback { return 503; }\n}\n');
    writeFileSync(path.join(dir, 'streams', 'db.conf'), 'upstream db_pool { server 10.0.0.5:5432; }\n');
    const generated = pki('ec');
    // Both named .pem: only their PEM labels tell the certificate from the key.
    writeFileSync(path.join(dir, 'ssl', 'client.pem'), generated.client.pem);
    writeFileSync(path.join(dir, 'ssl', 'client-key.pem'), generated.client.key.pem);
    ({ client, uri } = await startWithConfig(dir, text));
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const labelsAt = async (line: number, character: number): Promise<string[]> =>
    (await client.request<Json[]>('textDocument/completion', { textDocument: { uri }, position: { line, character } })).map((i) => String(i.label));

  it('offers a named location defined in an included file after @ in try_files', async () => {
    assert.deepEqual(await labelsAt(6, 22), ['@shared_fallback']);
  });

  it('offers only stream upstreams (from an included file) in stream proxy_pass', async () => {
    assert.deepEqual(await labelsAt(15, 15), ['db_pool']);
  });

  it('offers the key, not the certificate, for proxy_ssl_certificate_key', async () => {
    assert.deepEqual(await labelsAt(7, 36), ['client-key.pem']);
  });
});
