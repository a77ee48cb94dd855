/**
 * Over stdio, a repository copy of a certbot site: the files under /etc/letsencrypt that only
 * the production host has are information with a quick fix that runs the client command
 * mapping the folder; once the workspace maps it onto a folder without them, they are errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, REPO_ROOT } from './lspClient';

type Json = Record<string, unknown>;

const SITE = path.join(REPO_ROOT, 'test/fixtures/server-only/certbot-site');
const FILE = path.join(SITE, 'etc/nginx/sites-enabled/example.com');

describe('language server: files only the production host has', () => {
  let client: LspTestClient;
  let empty: string;
  let settings: Json = {};
  let first: Json[];
  const uri = 'file://' + FILE;
  const text = readFileSync(FILE, 'utf8');

  before(async () => {
    empty = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-lsp-empty-'));
    client = new LspTestClient();
    client.onServerRequest = (method) => (method === 'workspace/configuration' ? [settings] : null);
    await client.initialize(SITE);
    first = await client.openDocument(uri, text);
  });

  after(async () => {
    await client.shutdown();
    rmSync(empty, { recursive: true, force: true });
  });

  it('publishes information, not errors, for the five certbot lines', () => {
    // LSP severities: 1 error, 2 warning, 3 information.
    assert.deepEqual(first.map((d) => `${(d.range as { start: { line: number } }).start.line + 1} ${d.severity} ${d.code}`), [
      '12 3 tls.file-not-on-this-machine',
      '13 3 tls.file-not-on-this-machine',
      '14 3 tls.file-not-on-this-machine',
      '15 3 nginx.include-not-on-this-machine',
      '16 3 tls.file-not-on-this-machine',
    ]);
  });

  it('offers a quick fix that runs nginxMtls.addPathMapping with the production folder', async () => {
    const line = 11;
    const actions = await client.request<Json[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 30 }, end: { line, character: 30 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    const map = actions.find((a) => (a.command as Json | undefined)?.command === 'nginxMtls.addPathMapping');
    assert.ok(map, JSON.stringify(actions));
    assert.equal(map.title, 'Map /etc/letsencrypt onto a local folder…');
    assert.deepEqual((map.command as Json).arguments, ['/etc/letsencrypt']);
    assert.equal(map.edit, undefined);
  });

  it('turns them into errors once the workspace maps /etc/letsencrypt onto a folder without them', async () => {
    settings = { pathMappings: { '/etc/letsencrypt': empty } };
    client.notify('workspace/didChangeConfiguration', { settings: {} });
    const diagnostics = await client.waitForDiagnostics(uri, undefined, (d) => d.length === 5 && d.every((x) => x.severity === 1));
    assert.deepEqual(diagnostics.map((d) => d.code), ['tls.file-not-found', 'tls.file-not-found', 'tls.file-not-found', 'nginx.include-not-found', 'tls.file-not-found']);
  });
});
