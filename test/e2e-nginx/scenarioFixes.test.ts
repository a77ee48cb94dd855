/**
 * The scenario's configs repaired the way a user would with our actions (fix-all, the quick
 * fixes, "Verify this upstream", "Convert to PEM"), then checked by real `nginx -t`: the
 * result must load, and our own checks must report no error left. Before the fixes, nginx
 * must refuse the scenario for the reason our first error names.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction } from 'vscode-languageserver-types';
import { generateScenarioPki } from '../../server/src/pki/examplePki';
import { convertToPem, rewrittenArgument } from '../../server/src/service/convertToPem';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { NGINX, nginxAvailable, runNginxTest } from '../differential/nginxHarness';
import { applyLspEdits } from '../lsp/lspClient';

const REPO = path.resolve(__dirname, '../../..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('scenario repaired with our fixes, then real nginx -t', { skip: nginxAvailable() ? false : `${NGINX} is not installed` }, () => {
  let dir: string;
  let etc: string;
  let service: NginxLanguageService;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-scenario-fix-'));
    cpSync(path.join(REPO, 'examples'), path.join(dir, 'examples'), { recursive: true, filter: (src) => !src.includes(`${path.sep}ssl${path.sep}`) || src.endsWith('README.md') });
    etc = path.join(dir, 'examples/etc/nginx');
    generateScenarioPki(path.join(etc, 'ssl'), new Date());
    service = new NginxLanguageService();
    service.setWorkspaceFolders([path.join(dir, 'examples')]);
    service.configure({ targetVersion: '1.22.1' });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy nginx can load here: the tree under the temp prefix, no DNS, no system paths. */
  function nginxCopy(tag: string): string {
    const prefix = path.join(dir, tag);
    cpSync(etc, path.join(prefix, 'conf'), { recursive: true });
    for (const file of walk(path.join(prefix, 'conf'))) {
      if (/\.(crt|key|pem|der)$/.test(file)) continue;
      let text = readFileSync(file, 'utf8');
      text = text.split('/etc/nginx/').join(path.join(prefix, 'conf') + '/')
        .replace(/^user .*$/m, '')
        .replace(/^pid .*$/m, `pid ${prefix}/nginx.pid;`)
        .replace(/\/var\/log\/nginx\//g, `${prefix}/`)
        // No DNS in tests: the upstream name becomes an address, the name checked stays.
        .replace(/proxy_pass https:\/\/serverA\.example\.com/g, 'proxy_pass https://127.0.0.1');
      writeFileSync(file, text);
    }
    return path.join(prefix, 'conf/nginx.conf');
  }

  async function errors(file: string): Promise<string[]> {
    const analysis = await service.analyzeFile(file);
    return (analysis?.findings ?? []).filter((f) => f.severity === 'error').map((f) => `${f.code}: ${f.message}`);
  }

  async function actionsAt(file: string, needle: string, only: string[]): Promise<CodeAction[]> {
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(needle) && !l.trim().startsWith('#'));
    assert.ok(line >= 0, needle);
    const character = lines[line].indexOf(needle) + 1;
    return service.codeActions(file, { start: { line, character }, end: { line, character } }, only);
  }

  /** Writes a file and tells the service, as the editor reports a file written on disk (workspace/didChangeWatchedFiles). */
  function write(target: string, text: string): void {
    writeFileSync(target, text);
    service.diskChanged(target);
    service.analysis.parses.delete(target);
  }

  function apply(file: string, action: CodeAction | undefined): void {
    assert.ok(action?.edit?.changes, 'no edit to apply');
    for (const [uri, edits] of Object.entries(action.edit.changes)) {
      const target = uri.replace(/^file:\/\//, '');
      write(target, applyLspEdits(readFileSync(target, 'utf8'), edits));
    }
    void file;
  }

  it('nginx refuses the scenario as written, for the reason we report first', async () => {
    const serverB = path.join(etc, 'sites-enabled/server-b');
    assert.ok((await errors(serverB)).some((e) => e.includes('"proxy_set_header" directive is not allowed here')));
    const conf = nginxCopy('before');
    const run = await runNginxTest(path.dirname(path.dirname(conf)), conf);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /"proxy_set_header" directive is not allowed here/);
  });

  it('after fix-all, the quick fixes and the authoring actions, nginx -t passes and no error is left', async () => {
    const serverA = path.join(etc, 'conf.d/server-a.conf');
    const serverB = path.join(etc, 'sites-enabled/server-b');
    // 1. Fix-all in each file ($ssl_client_cert → $ssl_client_escaped_cert, …).
    for (const file of [serverA, serverB]) {
      const [fixAll] = await service.codeActions(file, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['source.fixAll']);
      if (fixAll) apply(file, fixAll);
    }
    assert.match(readFileSync(serverA, 'utf8'), /\$ssl_client_escaped_cert/);
    // 2. The quick fix that lifts proxy_set_header out of `if` (fix-all applies it when it is safe).
    if (readFileSync(serverB, 'utf8').includes('if ($http_x_ssl_cert)')) {
      const lift = (await actionsAt(serverB, 'proxy_set_header X-SSL-CERT', ['quickfix'])).find((a) => /unconditionally|if/i.test(a.title) && a.edit);
      apply(serverB, lift);
    }
    assert.doesNotMatch(readFileSync(serverB, 'utf8'), /if \(\$http_x_ssl_cert\)/);
    // 3. "Convert to PEM" for the DER client certificate (what the server command does).
    const convert = (await actionsAt(serverB, 'client.der.crt', ['quickfix'])).find((a) => a.command);
    const [source] = convert?.command?.arguments as [string];
    const converted = await convertToPem(source);
    write(serverB, readFileSync(serverB, 'utf8').replace('/etc/nginx/ssl/client.der.crt', rewrittenArgument('/etc/nginx/ssl/client.der.crt', converted.written)));
    // 4. "Verify this upstream" where the scenario never verified it.
    const verify = (await actionsAt(serverB, 'location /passthrough', ['refactor'])).find((a) => /Verify this upstream/.test(a.title));
    apply(serverB, verify);
    // 5. Client-supplied identity headers: take the quick fix that stops forwarding them.
    for (const header of ['$http_x_ssl_cert;', '$http_x_client_cert;']) {
      const stop = (await actionsAt(serverB, header, ['quickfix'])).find((a) => /Stop forwarding/.test(a.title));
      apply(serverB, stop);
    }
    // 6. The mismatched key has no automatic fix: the user points it at the client's key.
    write(serverB, readFileSync(serverB, 'utf8').replace('/etc/nginx/ssl/other.key', '/etc/nginx/ssl/client.key'));

    assert.deepEqual(await errors(serverB), []);
    assert.deepEqual(await errors(serverA), []);
    const conf = nginxCopy('after');
    const run = await runNginxTest(path.dirname(path.dirname(conf)), conf, false);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /test is successful/);
  });
});
