/**
 * Quick fixes over stdio on the scenario configs: lifting `proxy_set_header` out of `if`,
 * fix-all, and "Convert to PEM" (a server command that writes a new file, never over an
 * existing one, and rewrites the directive through workspace/applyEdit).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateScenarioPki } from '../../server/src/pki/examplePki';
import { applyLspEdits, LspTestClient, REPO_ROOT, type LspTextEdit } from './lspClient';

type Json = Record<string, unknown>;
type Edit = LspTextEdit;

describe('language server: code actions', () => {
  let dir: string;
  let client: LspTestClient;
  let uri: string;
  let text: string;
  const applied: Json[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-actions-'));
    cpSync(path.join(REPO_ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true, filter: (src) => !src.includes(`${path.sep}ssl${path.sep}`) || src.endsWith('README.md') });
    generateScenarioPki(path.join(dir, 'examples/etc/nginx/ssl'), new Date());
    const file = path.join(dir, 'examples/etc/nginx/sites-enabled/server-b');
    text = readFileSync(file, 'utf8');
    uri = 'file://' + file;
    client = new LspTestClient();
    client.onServerRequest = (method, params) => {
      if (method === 'workspace/applyEdit') {
        applied.push(params as Json);
        return { applied: true };
      }
      return method === 'workspace/configuration' ? [{}] : null;
    };
    await client.initialize(path.join(dir, 'examples'));
    await client.openDocument(uri, text);
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lifts proxy_set_header out of the if block', async () => {
    const line = text.split('\n').findIndex((l) => l.includes('proxy_set_header X-SSL-CERT'));
    const actions = await client.request<Json[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 12 }, end: { line, character: 12 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    const lift = actions.find((a) => /if/i.test(String(a.title)) && a.edit);
    assert.ok(lift, JSON.stringify(actions.map((a) => a.title)));
    const edits = ((lift.edit as { changes: Record<string, Edit[]> }).changes[uri]);
    const fixed = applyLspEdits(text, edits);
    assert.doesNotMatch(fixed, /if \(\$http_x_ssl_cert\)/);
    assert.match(fixed, /proxy_set_header X-SSL-CERT \$http_x_ssl_cert;/);
  });

  it('offers fix-all with only safe fixes', async () => {
    const actions = await client.request<Json[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.ok(actions.every((a) => String(a.kind).startsWith('source.fixAll')));
  });

  it('converts the DER certificate to a new PEM file and points the directive at it', async () => {
    const line = text.split('\n').findIndex((l) => l.includes('proxy_ssl_certificate /etc/nginx/ssl/client.der.crt'));
    const actions = await client.request<Json[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 40 }, end: { line, character: 40 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    const convert = actions.find((a) => /Convert/.test(String(a.title)));
    assert.ok(convert?.command, JSON.stringify(actions.map((a) => a.title)));
    const ssl = path.join(dir, 'examples/etc/nginx/ssl');
    // A file with the first choice of name already exists: it must be left alone.
    writeFileSync(path.join(ssl, 'client.der.pem'), 'keep me\n');
    const command = convert.command as { command: string; arguments: unknown[] };
    const result = await client.request<{ written: string }>('workspace/executeCommand', { command: command.command, arguments: command.arguments });
    assert.equal(result.written, path.join(ssl, 'client.der-2.pem'));
    assert.equal(readFileSync(path.join(ssl, 'client.der.pem'), 'utf8'), 'keep me\n');
    assert.match(readFileSync(result.written, 'utf8'), /^-----BEGIN CERTIFICATE-----/);
    assert.equal(statSync(result.written).mode & 0o777, 0o644);
    assert.ok(!readFileSync(result.written, 'utf8').includes('PRIVATE'));
    const edit = applied.at(-1) as { edit: { changes: Record<string, Edit[]> } };
    assert.equal(edit.edit.changes[uri][0].newText, '/etc/nginx/ssl/client.der-2.pem');
    assert.ok(existsSync(path.join(ssl, 'client.der.crt')), 'the original stays');
  });
});
