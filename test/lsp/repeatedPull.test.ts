/**
 * A pull of a document nothing changed since its last check is answered from that check (VS
 * Code cancels its first pull of a newly opened file and asks again: a second check made the
 * first squiggle wait, issue #15). Any change (an edit, a file on disk) checks again. Counted
 * from the server's debug lines, never timed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

type Report = { kind: string; items: { message: string }[] };
const CONFIG = 'events {}\nhttp {\n  server {\n    listen 443 ssl;\n    ssl_protocols TLSv1;\n  }\n}\n';

describe('language server: a repeated pull with nothing changed', () => {
  let dir: string;
  let client: LspTestClient;
  let uri: string;
  const checks = (): number => client.received.filter((n) => n.method === 'window/logMessage'
    && /^validated .* \(pulled\)/.test((n.params as { message: string }).message)).length;
  const pull = (): Promise<Report> => client.request<Report>('textDocument/diagnostic', { textDocument: { uri } });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-repull-'));
    writeFileSync(path.join(dir, 'nginx.conf'), CONFIG);
    uri = 'file://' + path.join(dir, 'nginx.conf');
    client = new LspTestClient();
    await client.initialize(dir, {}, { textDocument: { diagnostic: {} }, workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: CONFIG } });
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits for the debug line of the pull just answered (it is sent before the answer, but read here after it). */
  const settle = (): Promise<unknown> => client.waitFor((n) => n.method === 'window/logMessage' && /\(pulled\) in/.test((n.params as { message: string }).message));

  it('is answered from the last check, with the same findings', async () => {
    const first = await pull();
    await settle();
    const second = await pull();
    await settle();
    assert.equal(checks(), 1, 'one check for two pulls');
    assert.ok(first.items.length > 0);
    assert.deepEqual(second.items.map((d) => d.message), first.items.map((d) => d.message));
  });

  it('checks again after an edit', async () => {
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: CONFIG.replace('TLSv1;', 'TLSv1.2;') }] });
    const report = await pull();
    await settle();
    assert.equal(checks(), 2);
    assert.ok(!report.items.some((d) => /TLSv1\b(?!\.)/.test(d.message)), JSON.stringify(report.items));
  });

  it('checks again after a file on disk changed', async () => {
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file://' + path.join(dir, 'other.conf'), type: 1 }] });
    await pull();
    await settle();
    assert.equal(checks(), 3);
  });
});
