/** Semantic tokens, signature help and inlay hints over stdio (issue #14). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generatePki } from '../../server/src/pki/testPkiGenerator';
import { LspTestClient } from './lspClient';

type Json = Record<string, unknown>;

const DAY = 86_400_000;

describe('language server: semantic tokens, signature help, inlay hints', () => {
  let dir: string;
  let client: LspTestClient;
  let uri: string;
  let capabilities: Json;
  let settings: Json = {};
  const text = [
    'events {}',
    'http {',
    '  server {',
    '    listen 443 ssl;',
    '    ssl_certificate ssl/server.crt;',
    '    ssl_certificate_key ssl/server.key;',
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '    ssl_verify_clinet on;',
    '    location / {',
    '      proxy_set_header X-Client $ssl_client_s_dn;',
    '      proxy_pass https://backend.example.com;',
    '    }',
    '    location /typing/ {',
    '      proxy_ssl_verify ',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  const lines = text.split('\n');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-lspfeat-'));
    mkdirSync(path.join(dir, 'ssl'));
    // Generated now: the server's clock is the real one, so the certificate expires 12.5 days from now.
    const now = Date.now();
    const pki = generatePki({ keyType: 'ec', notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 12.5 * DAY), intermediate: false });
    writeFileSync(path.join(dir, 'ssl', 'server.crt'), pki.server.pem);
    writeFileSync(path.join(dir, 'ssl', 'server.key'), pki.server.key.pem);
    writeFileSync(path.join(dir, 'nginx.conf'), text);
    uri = 'file://' + path.join(dir, 'nginx.conf');
    client = new LspTestClient();
    client.onServerRequest = (method) => (method === 'workspace/configuration' ? [settings] : null);
    capabilities = (await client.initialize(dir)).capabilities as Json;
    await client.openDocument(uri, text);
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Decodes LSP's relative token integers into `word → type+modifiers` strings. */
  function decode(data: number[]): string[] {
    const legend = (capabilities.semanticTokensProvider as { legend: { tokenTypes: string[]; tokenModifiers: string[] } }).legend;
    const out: string[] = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
      const word = lines[line].slice(character, character + data[i + 2]);
      const modifiers = legend.tokenModifiers.filter((_, bit) => (data[i + 4] & (1 << bit)) !== 0);
      out.push(`${word} → ${[legend.tokenTypes[data[i + 3]], ...modifiers].join('+')}`);
    }
    return out;
  }

  it('announces the three features with a legend of standard token types', () => {
    const provider = capabilities.semanticTokensProvider as Json;
    assert.deepEqual(provider.full, { delta: true });
    assert.equal(provider.range, true);
    const legend = provider.legend as { tokenTypes: string[]; tokenModifiers: string[] };
    for (const type of ['function', 'keyword', 'variable', 'string', 'regexp', 'number', 'comment']) assert.ok(legend.tokenTypes.includes(type), type);
    assert.deepEqual((capabilities.signatureHelpProvider as Json).triggerCharacters, [' ']);
    assert.ok(capabilities.inlayHintProvider);
  });

  it('answers semanticTokens/full with directives, blocks, variables and refused names', async () => {
    const result = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const tokens = decode(result.data);
    for (const expected of ['http → keyword', 'location → keyword', 'proxy_pass → function', '$ssl_client_s_dn → variable+defaultLibrary', 'ssl_verify_clinet → function+invalid', '443 → number']) {
      assert.ok(tokens.includes(expected), `missing "${expected}" in:\n${tokens.join('\n')}`);
    }
  });

  it('answers semanticTokens/range with the tokens of those lines only', async () => {
    const result = await client.request<{ data: number[] }>('textDocument/semanticTokens/range', { textDocument: { uri }, range: { start: { line: 10, character: 0 }, end: { line: 11, character: 0 } } });
    // Positions in a range answer are still relative to the start of the document.
    assert.equal(result.data[0], 10);
    assert.deepEqual(decode(result.data), ['proxy_pass → function']);
  });

  it('answers semanticTokens/full/delta with the edit from the previous result', async () => {
    const other = uri.replace('nginx.conf', 'delta.conf');
    const before = 'http {\n  server {\n    listen 443 ssl;\n  }\n}\n';
    client.notify('textDocument/didOpen', { textDocument: { uri: other, languageId: 'nginx', version: 1, text: before } });
    const first = await client.request<{ resultId: string; data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: other } });
    assert.ok(first.resultId);
    // A directive typed on a new line (full-text change).
    const after = 'http {\n  server {\n    listen 443 ssl;\n    ssl_verify_client on;\n  }\n}\n';
    client.notify('textDocument/didChange', { textDocument: { uri: other, version: 2 }, contentChanges: [{ text: after }] });
    const delta = await client.request<{ resultId: string; edits: { start: number; deleteCount: number; data: number[] }[] }>(
      'textDocument/semanticTokens/full/delta', { textDocument: { uri: other }, previousResultId: first.resultId });
    assert.ok(delta.edits && delta.edits.length > 0 && delta.resultId !== first.resultId);
    const patched = [...first.data];
    for (const e of [...delta.edits].reverse()) patched.splice(e.start, e.deleteCount, ...e.data);
    const fresh = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: other } });
    assert.deepEqual(patched, fresh.data);
    assert.ok(patched.length > first.data.length);
    // An unknown previous result gets the whole tokens.
    const unknown = await client.request<Json>('textDocument/semanticTokens/full/delta', { textDocument: { uri: other }, previousResultId: 'nope' });
    assert.ok(Array.isArray(unknown.data));
  });

  it('answers signatureHelp with the directive syntax and the argument being typed', async () => {
    const help = await client.request<Json>('textDocument/signatureHelp', { textDocument: { uri }, position: { line: lines.indexOf('      proxy_ssl_verify '), character: 23 }, context: { triggerKind: 2, triggerCharacter: ' ', isRetrigger: false } });
    const signatures = help.signatures as { label: string; parameters: { label: [number, number] }[] }[];
    assert.equal(signatures[0].label, 'proxy_ssl_verify on | off');
    assert.equal(help.activeParameter, 0);
    const [start, end] = signatures[0].parameters[0].label;
    assert.equal(signatures[0].label.slice(start, end), 'on | off');
  });

  it('answers inlayHint with the certificate expiry and the TLS default a location relies on, and follows the settings', async () => {
    const range = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
    const hints = await client.request<{ label: string; position: { line: number; character: number } }[]>('textDocument/inlayHint', { textDocument: { uri }, range });
    const shown = hints.map((h) => `${h.label} @ ${h.position.line}:${h.position.character}`);
    assert.deepEqual(shown, [
      `expires in 12 days @ 4:${lines[4].indexOf(';')}`,
      `proxy_ssl_verify off (default) @ 10:${lines[10].indexOf(';') + 1}`,
    ]);
    settings = { inlayHints: { effectiveDefaults: false } };
    client.notify('workspace/didChangeConfiguration', { settings: {} });
    const after = await client.request<{ label: string }[]>('textDocument/inlayHint', { textDocument: { uri }, range });
    assert.deepEqual(after.map((h) => h.label), ['expires in 12 days']);
  });
});
