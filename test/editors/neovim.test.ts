/**
 * The standalone server in another LSP client: headless Neovim (Debian's `neovim`) starts
 * `dist/server.js --stdio`, receives diagnostics and answers a hover. .ci/run installs Neovim;
 * without it the test is skipped and says so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generatePki } from '../../server/src/pki/testPkiGenerator';

const REPO = path.resolve(__dirname, '../../..');
const NVIM = ['/usr/bin/nvim', '/usr/local/bin/nvim'].find((p) => spawnSync(p, ['--version']).status === 0);

describe('Neovim as the LSP client', { skip: NVIM ? false : 'nvim is not installed (apt-get install neovim)' }, () => {
  let dir: string;
  const DAY = 86_400_000;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-nvim-'));
    const pki = generatePki({ notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 90 * DAY), serverSans: ['DNS:api.example.com'] });
    writeFileSync(path.join(dir, 'server.crt'), pki.server.pem);
    writeFileSync(path.join(dir, 'server.key'), pki.server.key.pem, { mode: 0o600 });
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
});
