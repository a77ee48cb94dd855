/**
 * Hover on certificate paths over stdio, and diagnostics that follow a certificate
 * replaced on disk without the config being touched.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificate, generatePki } from '../../server/src/pki/testPkiGenerator';
import { LspTestClient } from './lspClient';

const DAY = 86_400_000;

describe('language server: certificate hover and file watching', () => {
  let dir: string;
  let client: LspTestClient;
  let configUri: string;
  let configText: string;
  const pki = generatePki({ keyType: 'ec', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 200 * DAY), serverSans: ['DNS:serverA.example.com'] });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-hover-'));
    writeFileSync(path.join(dir, 'ca.crt'), pki.ca.pem);
    writeFileSync(path.join(dir, 'server.key'), pki.server.key.pem, { mode: 0o600 });
    const expired = createCertificate({ subject: 'CN=serverA.example.com', key: pki.server.key, issuer: pki.ca, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 10 * DAY), sans: ['DNS:serverA.example.com'] });
    writeFileSync(path.join(dir, 'server.crt'), expired.pem);
    configText = 'events {}\nhttp {\n  server {\n    listen 443 ssl;\n    server_name serverA.example.com;\n    ssl_certificate server.crt;\n    ssl_certificate_key server.key;\n    ssl_client_certificate ca.crt;\n    ssl_verify_client on;\n  }\n}\n';
    writeFileSync(path.join(dir, 'nginx.conf'), configText);
    configUri = 'file://' + path.join(dir, 'nginx.conf');
    client = new LspTestClient();
    await client.initialize(dir);
    client.notify('textDocument/didOpen', { textDocument: { uri: configUri, languageId: 'nginx', version: 1, text: configText } });
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the expired certificate, resolved relative to the main config', async () => {
    const diagnostics = await client.waitForDiagnostics(configUri, 1);
    const validity = diagnostics.find((d) => d.code === 'tls.cert-validity');
    assert.ok(validity, JSON.stringify(diagnostics));
    assert.match(validity.message as string, /expired/);
    assert.equal((validity.range as { start: { line: number } }).start.line, 5);
  });

  it('shows subject, issuer, SANs, validity, fingerprint and key on hover', async () => {
    const hover = await client.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', {
      textDocument: { uri: configUri },
      position: { line: 5, character: 24 },
    });
    assert.ok(hover);
    const text = hover.contents.value;
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(text, /serverA\.example\.com/);
    assert.match(text, /Example Test Root CA/);
    assert.match(text, /DNS:serverA\.example\.com/);
    assert.match(text, /expired/i);
    assert.match(text, /([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    assert.match(text, new RegExp(path.join(dir, 'server.crt').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.doesNotMatch(text, /BEGIN/);
  });

  it('describes the key without showing it, and says whether it matches', async () => {
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: configUri },
      position: { line: 6, character: 28 },
    });
    assert.ok(hover);
    assert.match(hover.contents.value, /EC|P-256|prime256v1/);
    assert.match(hover.contents.value, /match/i);
    const keyBody = pki.server.key.pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    for (const line of keyBody) assert.ok(!client.rawOutput.includes(line), 'key material leaked');
  });

  it('lists the subjects of a CA bundle', async () => {
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: configUri },
      position: { line: 7, character: 30 },
    });
    assert.match(hover?.contents.value ?? '', /Example Test Root CA/);
  });

  it('updates diagnostics when the certificate is replaced on disk', async () => {
    writeFileSync(path.join(dir, 'server.crt'), pki.server.pem);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file://' + path.join(dir, 'server.crt'), type: 2 }] });
    const diagnostics = await client.waitForDiagnostics(configUri, 1, (d) => !d.some((x) => x.code === 'tls.cert-validity'));
    assert.deepEqual(diagnostics.filter((d) => String(d.code).startsWith('tls.cert')), []);
  });
});
