/**
 * File watching in any client over stdio: a client that allows dynamic registration is asked
 * to watch configs and TLS files by glob and the exact files the checks read; a certificate
 * replaced on disk and reported through didChangeWatchedFiles changes the diagnostics.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificate, generatePki } from '../../server/src/pki/testPkiGenerator';
import { LspTestClient } from './lspClient';

const DAY = 86_400_000;

interface Watcher { globPattern: string | { baseUri: string; pattern: string }; kind?: number }
interface Registration { id: string; method: string; registerOptions?: { watchers?: Watcher[] } }

/** The watchers of every didChangeWatchedFiles registration the server sent, newest last. */
function watcherRegistrations(client: LspTestClient): Watcher[][] {
  return client.serverRequests
    .filter((r) => r.method === 'client/registerCapability')
    .flatMap((r) => (r.params as { registrations: Registration[] }).registrations)
    .filter((r) => r.method === 'workspace/didChangeWatchedFiles')
    .map((r) => r.registerOptions?.watchers ?? []);
}

describe('language server: file watchers registered in the client', () => {
  let dir: string;
  let client: LspTestClient;
  let uri: string;
  let certificatePath: string;
  let validPem: string;

  before(async () => {
    const pki = generatePki({ keyType: 'ec', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 200 * DAY), serverSans: ['DNS:a.example.com'] });
    validPem = pki.server.pem;
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-watch-'));
    mkdirSync(path.join(dir, 'tls'));
    // Named so that no glob covers it: only the exact watcher does.
    certificatePath = path.join(dir, 'tls', 'fullchain');
    const expired = createCertificate({ subject: 'CN=a.example.com', key: pki.server.key, issuer: pki.ca, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 10 * DAY), sans: ['DNS:a.example.com'] });
    writeFileSync(certificatePath, expired.pem);
    writeFileSync(path.join(dir, 'tls', 'privkey'), pki.server.key.pem, { mode: 0o600 });
    const text = 'events {}\nhttp {\n  server {\n    listen 443 ssl;\n    server_name a.example.com;\n    ssl_certificate tls/fullchain;\n    ssl_certificate_key tls/privkey;\n  }\n}\n';
    writeFileSync(path.join(dir, 'nginx.conf'), text);
    uri = 'file://' + path.join(dir, 'nginx.conf');
    client = new LspTestClient();
    await client.initialize(dir, {}, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } });
    const diagnostics = await client.openDocument(uri, text);
    assert.ok(diagnostics.some((d) => d.code === 'tls.cert-validity'), JSON.stringify(diagnostics));
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers glob watchers for configs and TLS files', async () => {
    await client.waitForServerRequest('client/registerCapability', 1);
    const first = watcherRegistrations(client)[0];
    assert.ok(first, 'a didChangeWatchedFiles registration');
    const globs = first.map((w) => w.globPattern);
    assert.ok(globs.some((g) => typeof g === 'string' && g.startsWith('**/*.{') && g.includes('crt') && g.includes('conf')), JSON.stringify(globs));
    assert.ok(globs.includes('**/{sites-available,sites-enabled}/*'), JSON.stringify(globs));
  });

  it('adds the exact certificate file the check read, as folder plus name', async () => {
    const exact = { baseUri: 'file://' + path.join(dir, 'tls'), pattern: 'fullchain' };
    let count = 1;
    while (!watcherRegistrations(client).some((ws) => ws.some((w) => JSON.stringify(w.globPattern) === JSON.stringify(exact)))) {
      await client.waitForServerRequest('client/registerCapability', ++count);
    }
  });

  it('checks again when the watched certificate is replaced on disk', async () => {
    writeFileSync(certificatePath, validPem);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file://' + certificatePath, type: 2 }] });
    const diagnostics = await client.waitForDiagnostics(uri, 1, (d) => !d.some((x) => x.code === 'tls.cert-validity'));
    assert.deepEqual(diagnostics.filter((d) => String(d.code).startsWith('tls.cert')), []);
  });
});

describe('language server: an included file changed on disk', () => {
  it('is read again at once when the client reports it, though the server read it less than a second before', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-changed-'));
    const client = new LspTestClient();
    try {
      mkdirSync(path.join(dir, 'snippets'));
      const snippet = path.join(dir, 'snippets', 'tls.conf');
      writeFileSync(snippet, '# nothing yet\n');
      const text = 'events {}\nhttp {\n  server {\n    listen 443 ssl;\n    server_name a.example.com;\n    include snippets/tls.conf;\n  }\n}\n';
      writeFileSync(path.join(dir, 'nginx.conf'), text);
      const uri = 'file://' + path.join(dir, 'nginx.conf');
      await client.initialize(dir, {}, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
      const before = await client.openDocument(uri, text);
      assert.ok(before.some((d) => d.code === 'tls.listen-ssl-no-cert'), JSON.stringify(before));
      // Right after the check that read it: only the report makes the server read it again now.
      writeFileSync(snippet, 'ssl_reject_handshake on;\n');
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file://' + snippet, type: 2 }] });
      const after = await client.waitForDiagnostics(uri, 1, (d) => !d.some((x) => x.code === 'tls.listen-ssl-no-cert'));
      assert.deepEqual(after.filter((d) => d.severity === 1), []);
    } finally {
      await client.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('language server: no file watchers without dynamic registration', () => {
  it('does not ask a client that cannot register them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-nowatch-'));
    const client = new LspTestClient();
    try {
      const text = 'events {}\n';
      writeFileSync(path.join(dir, 'nginx.conf'), text);
      await client.initialize(dir);
      await client.openDocument('file://' + path.join(dir, 'nginx.conf'), text);
      await client.request('shutdown', null);
      assert.deepEqual(watcherRegistrations(client), []);
    } finally {
      await client.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
