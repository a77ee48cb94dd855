/**
 * The standalone server in another LSP client: headless Neovim (Debian's `neovim`) starts
 * `dist/server.js --stdio`, receives diagnostics and answers a hover, and keeps showing the
 * diagnostics the server does not push again after an edit within a line. .ci/run installs
 * Neovim; without it the test is skipped and says so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generatePki } from '../../server/src/pki/testPkiGenerator';
import { documentedBlock } from './documentedBlock';

const REPO = path.resolve(__dirname, '../../..');
const NVIM = ['/usr/bin/nvim', '/usr/local/bin/nvim'].find((p) => spawnSync(p, ['--version']).status === 0);

/** A new temporary folder with server.crt (valid for api.example.com) and server.key. */
function folderWithCertificate(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const day = 86_400_000;
  const pki = generatePki({ notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 90 * day), serverSans: ['DNS:api.example.com'] });
  writeFileSync(path.join(dir, 'server.crt'), pki.server.pem);
  writeFileSync(path.join(dir, 'server.key'), pki.server.key.pem, { mode: 0o600 });
  return dir;
}

describe('Neovim as the LSP client', { skip: NVIM ? false : 'nvim is not installed (apt-get install neovim)' }, () => {
  let dir: string;

  before(() => {
    dir = folderWithCertificate('nginx-mtls-nvim-');
    writeFileSync(path.join(dir, 'nginx.conf'), [
      'events {}',
      'http {',
      '    server {',
      '        listen 443 ssl;',
      '        server_name api.example.com;',
      '        ssl_certificate server.crt;',
      '        ssl_certificate_key server.key;',
      '        location / {',
      '            if ($http_x_client) {',
      '                proxy_set_header X-Client $http_x_client;',
      '            }',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the diagnostics and the certificate hover', () => {
    const out = path.join(dir, 'result.json');
    const run = spawnSync(NVIM as string, ['--headless', '--clean', '-c', `luafile ${path.join(REPO, 'test/editors/neovim-lsp.lua')}`], {
      env: {
        ...process.env,
        NGINX_MTLS_SERVER: path.join(REPO, 'dist/server.js'),
        NGINX_MTLS_FILE: path.join(dir, 'nginx.conf'),
        NGINX_MTLS_OUT: out,
        NGINX_MTLS_HOVER_LINE: '5',
        NGINX_MTLS_HOVER_COL: '28',
        HOME: dir,
        XDG_STATE_HOME: dir,
        XDG_DATA_HOME: dir,
      },
      encoding: 'utf8',
      timeout: 90_000,
    });
    assert.equal(run.status, 0, `nvim failed: ${run.stderr}${run.stdout}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { got_diagnostics: boolean; diagnostics: { code: string; message: string; range: { start: { line: number } } }[]; hover: { contents: { value: string } }; shown: number };
    assert.ok(result.got_diagnostics, 'no publishDiagnostics within 30 s');
    const notAllowed = result.diagnostics.find((d) => d.code === 'nginx.directive-not-allowed');
    assert.ok(notAllowed, JSON.stringify(result.diagnostics));
    assert.equal(notAllowed.range.start.line, 9);
    assert.match(notAllowed.message, /"proxy_set_header" directive is not allowed here/);
    assert.ok(result.shown >= 1, 'Neovim did not show the diagnostics');
    assert.match(result.hover.contents.value, /api\.example\.com/);
    assert.match(result.hover.contents.value, /days left/);
  });

  it('keeps showing the diagnostics the server did not send again, and takes them when a line is added', () => {
    const file = path.join(dir, 'unchanged.conf');
    writeFileSync(file, readFileSync(path.join(dir, 'nginx.conf'), 'utf8') + '# end');
    const out = path.join(dir, 'unchanged.json');
    const run = spawnSync(NVIM as string, ['--headless', '--clean', '-c', `luafile ${path.join(REPO, 'test/editors/neovim-unchanged.lua')}`], {
      env: { ...process.env, NGINX_MTLS_SERVER: path.join(REPO, 'dist/server.js'), NGINX_MTLS_FILE: file, NGINX_MTLS_OUT: out, HOME: dir, XDG_STATE_HOME: dir, XDG_DATA_HOME: dir },
      encoding: 'utf8',
      timeout: 90_000,
    });
    assert.equal(run.status, 0, `nvim failed: ${run.stderr}${run.stdout}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { published: number[]; unchanged: number[]; published_after_typing: number; shown: { opened: number[]; typed: number[]; line_added: number[] } };
    // The proxy_set_header inside `if` (line 9, counted from 0) is among what Neovim shows.
    assert.ok(result.shown.opened.includes(9), JSON.stringify(result));
    // Typing at the end of the comment: checked, not published again, still shown where it was.
    assert.equal(result.unchanged.length, 1, JSON.stringify(result));
    assert.equal(result.published_after_typing, 1, JSON.stringify(result));
    assert.deepEqual(result.shown.typed, result.shown.opened);
    // A line added above: published again, one line further down.
    assert.equal(result.published.length, 2, JSON.stringify(result));
    assert.deepEqual(result.shown.line_added, result.shown.opened.map((line) => line + 1));
  });
});

describe('Neovim with the documented 0.7-0.10 set-up', { skip: NVIM ? false : 'nvim is not installed (apt-get install neovim)' }, () => {
  let dir: string;
  type Edit = { newText: string };
  let result: {
    filetype: string;
    attached: boolean;
    got_diagnostics: boolean;
    diagnostic_codes: unknown[];
    rename: { changes?: Record<string, Edit[]>; documentChanges?: { textDocument: { uri: string }; edits: Edit[] }[]; error?: unknown };
    definition: { uri?: string; targetUri?: string }[] | { uri?: string; targetUri?: string } | null;
    semantic_tokens_offered: boolean;
    semantic_tokens?: { data: number[] };
  };

  before(() => {
    dir = folderWithCertificate('nginx-mtls-nvim-doc-');
    writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    map $http_x_tenant $tenant {\n        default none;\n    }\n    include conf.d/*.conf;\n}\n');
    mkdirSync(path.join(dir, 'conf.d'));
    writeFileSync(path.join(dir, 'conf.d', 'site.conf'), [
      'server {',
      '    listen 443 ssl;',
      '    server_name api.example.com;',
      '    ssl_certificate server.crt;',
      '    ssl_certificate_key server.key;',
      '    location / {',
      '        if ($http_x_client) {',
      '            proxy_set_header X-Tenant $tenant;',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n'));
    // The documented command, on PATH as `npm link` would put it.
    mkdirSync(path.join(dir, 'bin'));
    const shim = path.join(dir, 'bin', 'nginx-mtls-language-server');
    writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${path.join(REPO, 'dist/server.js')}' "$@"\n`, { mode: 0o755 });
    writeFileSync(path.join(dir, 'init.lua'), documentedBlock('neovim-0.7-init'));

    const out = path.join(dir, 'result.json');
    const run = spawnSync(NVIM as string, ['--headless', '-u', path.join(dir, 'init.lua'), '-c', `luafile ${path.join(REPO, 'test/editors/neovim-features.lua')}`], {
      env: {
        ...process.env,
        PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}`,
        NGINX_MTLS_FILE: path.join(dir, 'conf.d', 'site.conf'),
        NGINX_MTLS_OUT: out,
        NGINX_MTLS_RENAME_AT: '7,40',
        NGINX_MTLS_DEFINITION_AT: '3,22',
        HOME: dir,
        XDG_CONFIG_HOME: dir,
        XDG_STATE_HOME: dir,
        XDG_DATA_HOME: dir,
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, `nvim failed: ${run.stderr}${run.stdout}`);
    result = JSON.parse(readFileSync(out, 'utf8')) as typeof result;
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('detects conf.d/*.conf as nginx, starts the server and shows its diagnostics', () => {
    assert.equal(result.filetype, 'nginx');
    assert.ok(result.attached, 'the documented autocommand did not start and attach the server');
    assert.ok(result.got_diagnostics, JSON.stringify(result));
    assert.ok(result.diagnostic_codes.includes('nginx.directive-not-allowed'), JSON.stringify(result.diagnostic_codes));
  });

  it('renames a variable across the files of the configuration', () => {
    const edits = new Map<string, Edit[]>(Object.entries(result.rename.changes ?? {}));
    for (const change of result.rename.documentChanges ?? []) edits.set(change.textDocument.uri, change.edits);
    assert.deepEqual([...edits.keys()].map((uri) => path.relative(dir, new URL(uri).pathname)).sort(), ['conf.d/site.conf', 'nginx.conf'], JSON.stringify(result.rename));
    for (const list of edits.values()) for (const edit of list) assert.match(edit.newText, /^\$?customer$/);
  });

  it('goes to the certificate file from its path', () => {
    const locations = Array.isArray(result.definition) ? result.definition : result.definition ? [result.definition] : [];
    assert.deepEqual(locations.map((l) => new URL(l.targetUri ?? l.uri ?? '').pathname), [path.join(dir, 'server.crt')]);
  });

  it('colours the file with semantic tokens', () => {
    assert.ok(result.semantic_tokens_offered, 'the server offers semanticTokensProvider');
    assert.ok(result.semantic_tokens && result.semantic_tokens.data.length > 0 && result.semantic_tokens.data.length % 5 === 0, JSON.stringify(result.semantic_tokens));
  });
});
