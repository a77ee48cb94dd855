/**
 * Pushed diagnostics over stdio (clients that do not pull): the same diagnostics are not sent
 * again after edits that stayed within one line (server/src/diagnosticPublication.ts), and are
 * after any other edit, a whole new text or a reopening; a client that declared the
 * experimental capability is told which versions were checked and found unchanged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DIAGNOSTICS_UNCHANGED } from '../../server/src/diagnosticPublication';
import { LspTestClient } from './lspClient';

type Json = Record<string, unknown>;

// A TLS server without a certificate: one finding on line 3, and a comment on the last line.
const TEXT = 'events {}\nhttp {\n  server {\n    listen 443 ssl;\n  }\n}\n# end\n';
const LAST_LINE = 6;

const at = (line: number, character: number): Json => ({ start: { line, character }, end: { line, character } });

describe('language server: pushed diagnostics after edits', () => {
  let dir: string;
  let uri: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-push-'));
    writeFileSync(path.join(dir, 'nginx.conf'), TEXT);
    uri = 'file://' + path.join(dir, 'nginx.conf');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** What the server really sent for the document (not what the waits saw). */
  const sentFor = (client: LspTestClient, method: string): (number | undefined)[] => client.received
    .filter((n) => n.method === method && (n.params as { uri: string }).uri === uri)
    .map((n) => (n.params as { version?: number }).version);

  it('says "unchanged" for an edit within a line that changes no diagnostic, and publishes after others', async () => {
    const client = new LspTestClient();
    try {
      await client.initialize(dir);
      const first = await client.openDocument(uri, TEXT);
      assert.ok(first.length > 0, 'the fixture has a finding');
      let version = 1;
      const change = async (changes: Json[]): Promise<Json[]> => {
        version++;
        client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
        return client.waitForDiagnostics(uri, version);
      };
      // v2, v3: typed at the end of the comment (within one line): nothing moves.
      assert.deepEqual(await change([{ range: at(LAST_LINE, 5), text: 'x' }]), first);
      assert.deepEqual(await change([{ range: at(LAST_LINE, 6), text: 'y' }]), first);
      // v4: a line break at the end of the text: the same diagnostics, but lines were added.
      assert.deepEqual(await change([{ range: at(LAST_LINE + 1, 0), text: '\n' }]), first);
      // v5: the whole text again: an editor may have dropped every mark of the replaced text.
      assert.deepEqual(await change([{ text: TEXT }]), first);
      // v6: within one line again, after the publication of v5.
      assert.deepEqual(await change([{ range: at(LAST_LINE, 5), text: 'z' }]), first);
      // v7: an edit within a line that moves the finding's columns.
      const moved = await change([{ range: at(3, 0), text: ' ' }]);
      assert.notDeepEqual(moved, first);
      await client.request('shutdown', null);
      assert.deepEqual(sentFor(client, 'textDocument/publishDiagnostics'), [1, 4, 5, 7]);
      assert.deepEqual(sentFor(client, DIAGNOSTICS_UNCHANGED), [2, 3, 6]);
    } finally {
      await client.shutdown();
    }
  });

  it('publishes again when the document is reopened', async () => {
    const client = new LspTestClient();
    try {
      await client.initialize(dir);
      const first = await client.openDocument(uri, TEXT);
      client.notify('textDocument/didClose', { textDocument: { uri } });
      assert.deepEqual(await client.waitForDiagnostics(uri, undefined, (d) => d.length === 0), []);
      // Reopened as version 5 (a wait for version 1 would see the first publication again).
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 5, text: TEXT } });
      assert.deepEqual(await client.waitForDiagnostics(uri, 5), first);
      await client.request('shutdown', null);
      // The withdrawal on closing has no version.
      assert.deepEqual(sentFor(client, 'textDocument/publishDiagnostics'), [1, undefined, 5]);
      assert.deepEqual(sentFor(client, DIAGNOSTICS_UNCHANGED), []);
    } finally {
      await client.shutdown();
    }
  });

  it('sends nothing for an unchanged version to a client that did not ask to be told', async () => {
    const client = new LspTestClient(['--stdio'], {}, { unchangedNotices: false });
    try {
      await client.initialize(dir);
      await client.openDocument(uri, TEXT);
      client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: at(LAST_LINE, 5), text: 'x' }] });
      // The server's debug log says when version 2 was checked (nothing else does, for this client).
      await client.waitFor((n) => n.method === 'window/logMessage' && (n.params as { message: string }).message.startsWith(`validated ${uri} v2 `));
      client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ range: at(3, 0), text: ' ' }] });
      await client.waitForDiagnostics(uri, 3);
      await client.request('shutdown', null);
      assert.deepEqual(sentFor(client, 'textDocument/publishDiagnostics'), [1, 3]);
      assert.deepEqual(sentFor(client, DIAGNOSTICS_UNCHANGED), []);
    } finally {
      await client.shutdown();
    }
  });
});
