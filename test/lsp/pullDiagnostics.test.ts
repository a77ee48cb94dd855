/**
 * Pull diagnostics (textDocument/diagnostic) over stdio: advertised only to clients that
 * support them, answered with result ids ("unchanged" when nothing changed), refreshed when a
 * certificate changes on disk, and never pushed as well.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificate, generatePki } from '../../server/src/pki/testPkiGenerator';
import { LspTestClient } from './lspClient';

const DAY = 86_400_000;

type Report = { kind: 'full'; resultId?: string; items: { code?: unknown; message: string }[] } | { kind: 'unchanged'; resultId: string };

/** A folder with a main config whose server certificate has expired. */
function expiredCertificateFolder(): { dir: string; configText: string; replaceWithValid: () => void } {
  const pki = generatePki({ keyType: 'ec', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 200 * DAY), serverSans: ['DNS:a.example.com'] });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-pull-'));
  writeFileSync(path.join(dir, 'server.key'), pki.server.key.pem, { mode: 0o600 });
  const expired = createCertificate({ subject: 'CN=a.example.com', key: pki.server.key, issuer: pki.ca, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 10 * DAY), sans: ['DNS:a.example.com'] });
  writeFileSync(path.join(dir, 'server.crt'), expired.pem);
  const configText = 'events {}\nhttp {\n  server {\n    listen 443 ssl;\n    server_name a.example.com;\n    ssl_certificate server.crt;\n    ssl_certificate_key server.key;\n  }\n}\n';
  writeFileSync(path.join(dir, 'nginx.conf'), configText);
  return { dir, configText, replaceWithValid: () => writeFileSync(path.join(dir, 'server.crt'), pki.server.pem) };
}

const hasValidityFinding = (report: Report): boolean => report.kind === 'full' && report.items.some((d) => d.code === 'tls.cert-validity');

describe('language server: pull diagnostics', () => {
  let folder: ReturnType<typeof expiredCertificateFolder>;
  let client: LspTestClient;
  let uri: string;
  let initializeResult: Record<string, unknown>;

  before(async () => {
    folder = expiredCertificateFolder();
    uri = 'file://' + path.join(folder.dir, 'nginx.conf');
    client = new LspTestClient();
    initializeResult = await client.initialize(folder.dir, {}, {
      textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } },
      workspace: { diagnostics: { refreshSupport: true } },
    });
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: folder.configText } });
  });

  after(async () => {
    await client.shutdown();
    rmSync(folder.dir, { recursive: true, force: true });
  });

  const pull = (previousResultId?: string): Promise<Report> => client.request<Report>('textDocument/diagnostic', { textDocument: { uri }, previousResultId });

  let firstId: string | undefined;

  it('advertises a diagnostic provider with inter-file dependencies', () => {
    const capabilities = initializeResult.capabilities as { diagnosticProvider?: Record<string, unknown> };
    assert.deepEqual(capabilities.diagnosticProvider, { identifier: 'nginxMtls', interFileDependencies: true, workspaceDiagnostics: false });
  });

  it('answers a pull with the full report and a result id', async () => {
    const report = await pull();
    assert.equal(report.kind, 'full');
    assert.ok(hasValidityFinding(report), JSON.stringify(report));
    assert.ok(report.resultId);
    firstId = report.resultId;
  });

  it('answers "unchanged" when the client already holds the current result', async () => {
    const report = await pull(firstId);
    assert.deepEqual(report, { kind: 'unchanged', resultId: firstId });
  });

  it('asks the client to pull again when a certificate changes on disk, and the new pull reflects it', async () => {
    folder.replaceWithValid();
    const refreshes = client.serverRequestCount('workspace/diagnostic/refresh');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file://' + path.join(folder.dir, 'server.crt'), type: 2 }] });
    await client.waitForServerRequest('workspace/diagnostic/refresh', refreshes + 1);
    const report = await pull(firstId);
    assert.equal(report.kind, 'full');
    assert.ok(!hasValidityFinding(report), JSON.stringify(report));
    assert.notEqual(report.resultId, firstId);
  });

  it('never pushes diagnostics to a client that pulls them', async () => {
    // Everything the server started has finished once it answered shutdown.
    await client.request('shutdown', null);
    assert.deepEqual(client.received.filter((n) => n.method === 'textDocument/publishDiagnostics'), []);
  });
});

describe('language server: push diagnostics for clients without pull support', () => {
  it('advertises no diagnostic provider and publishes', async () => {
    const folder = expiredCertificateFolder();
    const client = new LspTestClient();
    try {
      const result = await client.initialize(folder.dir);
      assert.equal((result.capabilities as Record<string, unknown>).diagnosticProvider, undefined);
      const diagnostics = await client.openDocument('file://' + path.join(folder.dir, 'nginx.conf'), folder.configText);
      assert.ok(diagnostics.some((d) => d.code === 'tls.cert-validity'), JSON.stringify(diagnostics));
    } finally {
      await client.shutdown();
      rmSync(folder.dir, { recursive: true, force: true });
    }
  });
});

describe('language server: typing into a statement that findings point at', () => {
  // Both locations write their own proxy_set_header, so each drops the http level's: each
  // finding points at the http-level statement as related information.
  const configText = 'events {}\nhttp {\n  proxy_set_header X-Forwarded-Proto https;\n  server {\n    listen 80;\n'
    + '    location /a { proxy_set_header X-A a; proxy_pass http://127.0.0.1:8080; }\n'
    + '    location /b { proxy_set_header X-B b; proxy_pass http://127.0.0.1:8081; }\n  }\n}\n';
  type Related = { location: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }; message: string };
  type Item = { code?: unknown; message: string; relatedInformation?: Related[] };
  let dir: string;
  let client: LspTestClient;
  let uri: string;
  let version = 1;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-pull-'));
    writeFileSync(path.join(dir, 'nginx.conf'), configText);
    uri = 'file://' + path.join(dir, 'nginx.conf');
    client = new LspTestClient();
    await client.initialize(dir, {}, { textDocument: { diagnostic: { dynamicRegistration: false } } });
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version, text: configText } });
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Inserts `text` on line 2 (the http-level statement) at `character`, then pulls with `previousResultId`. */
  const typeAndPull = (character: number, text: string, previousResultId?: string): Promise<Report> => {
    version++;
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: 2, character }, end: { line: 2, character } }, text }] });
    return client.request<Report>('textDocument/diagnostic', { textDocument: { uri }, previousResultId });
  };

  let held: string | undefined;

  it('points at the statement by its directive name', async () => {
    const report = await client.request<Report>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(report.kind, 'full');
    const drops = (report.items as Item[]).filter((d) => d.code === 'proxy.header-inheritance-drop');
    assert.equal(drops.length, 2, JSON.stringify(report.items));
    for (const d of drops) {
      const related = d.relatedInformation?.find((r) => r.message === 'no longer applied in that block');
      assert.deepEqual(related?.location.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 18 } }, JSON.stringify(d));
    }
    held = report.resultId;
  });

  it('answers "unchanged" while the statement\'s value is typed into', async () => {
    const valueEnd = '  proxy_set_header X-Forwarded-Proto https'.length;
    for (const [i, ch] of [...'ftp'].entries()) {
      const report = await typeAndPull(valueEnd + i, ch, held);
      assert.deepEqual(report, { kind: 'unchanged', resultId: held });
    }
  });

  it('answers in full when what the findings say changes (the header\'s name)', async () => {
    const nameEnd = '  proxy_set_header X-Forwarded-Proto'.length;
    const report = await typeAndPull(nameEnd, '-Old', held);
    assert.equal(report.kind, 'full');
    assert.ok((report.items as Item[]).some((d) => d.code === 'proxy.header-inheritance-drop' && d.message.includes('X-Forwarded-Proto-Old')), JSON.stringify(report));
  });
});
