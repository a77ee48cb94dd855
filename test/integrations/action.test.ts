/**
 * The GitHub Action (action.yml) run as a runner would run it, against the built dist/cli.js
 * (`version: source` with dist/ present) and against a stub `npm` for the default, published
 * version: no network.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadYamlFile, runCompositeAction, type ActionManifest, type ActionRun } from './compositeAction';

const REPO = path.resolve(__dirname, '../../..');
const manifest = loadYamlFile(path.join(REPO, 'action.yml')) as ActionManifest;
const packageVersion = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

const CONFIGS: Record<string, string> = {
  clean: 'events {}\nhttp {\n  server {\n    listen 8080;\n    location / { return 204; }\n  }\n}\n',
  // $ssl_client_cert: a warning (tls.deprecated-ssl-client-cert), no error.
  warn: 'events {}\nhttp {\n  server {\n    listen 8080;\n    location / {\n      proxy_pass http://127.0.0.1:9000;\n      proxy_set_header X-Client-Cert $ssl_client_cert;\n    }\n  }\n}\n',
  bad: 'events {}\nhttp {\n  server {\n    listen 8080;\n    no_such_directive on;\n  }\n}\n',
};

describe('action.yml', () => {
  let workspace: string;
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-action-'));
    for (const [name, text] of Object.entries(CONFIGS)) {
      mkdirSync(path.join(workspace, name));
      writeFileSync(path.join(workspace, name, 'nginx.conf'), text);
    }
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));

  const run = (inputs: Record<string, string>, extraPath?: string[]): ActionRun =>
    runCompositeAction(manifest, { actionPath: REPO, workspace, inputs: { version: 'source', ...inputs }, extraPath });

  it('passes a clean configuration and reports zero findings', () => {
    const result = run({ paths: 'clean' });
    assert.equal(result.status, 0, result.steps.map((s) => s.stdout + s.stderr).join('\n'));
    assert.deepEqual({ ...result.outputs }, { errors: '0', warnings: '0', 'exit-code': '0', 'sarif-file': '' });
    assert.deepEqual(result.used, [], 'no SARIF upload unless asked for');
  });

  it('fails on an error with an annotation on its line, and with fail-on never does not', () => {
    const failing = run({ paths: 'bad' });
    assert.equal(failing.status, 1);
    assert.equal(failing.failedStep, 'Apply fail-on');
    assert.match(failing.log, /^::error file=bad\/nginx\.conf,line=5,col=5,.*title=nginx\.unknown-directive::/m);
    assert.equal(failing.outputs.errors, '1');
    assert.equal(failing.outputs['exit-code'], '1');
    const tolerated = run({ paths: 'bad', 'fail-on': 'never' });
    assert.equal(tolerated.status, 0);
    assert.equal(tolerated.outputs.errors, '1');
  });

  it('fails on a warning only with fail-on warning', () => {
    const lenient = run({ paths: 'warn' });
    assert.equal(lenient.status, 0);
    assert.equal(lenient.outputs.warnings, '1');
    assert.match(lenient.log, /^::warning file=warn\/nginx\.conf,line=7,.*title=tls\.deprecated-ssl-client-cert::/m);
    const strict = run({ paths: 'warn', 'fail-on': 'warning' });
    assert.equal(strict.status, 1);
    assert.equal(strict.failedStep, 'Apply fail-on');
  });

  it('checks several paths and passes args through', () => {
    const both = run({ paths: 'clean\nbad', args: '--rule nginx.unknown-directive=warning' });
    assert.equal(both.status, 0, 'the error turned into a warning does not fail the job');
    assert.deepEqual([both.outputs.errors, both.outputs.warnings], ['0', '1']);
  });

  it('writes SARIF where asked, with the tool version from package.json', () => {
    const result = run({ paths: 'bad', 'sarif-file': 'out.sarif', 'fail-on': 'never' });
    assert.equal(result.status, 0);
    const sarifPath = result.outputs['sarif-file'];
    assert.equal(sarifPath, path.join(workspace, 'out.sarif'));
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as { runs: { tool: { driver: { version: string } }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    assert.equal(sarif.runs[0].tool.driver.version, packageVersion);
    assert.deepEqual(sarif.runs[0].results.map((r) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri]), [['nginx.unknown-directive', 'bad/nginx.conf']]);
    assert.deepEqual(result.used, []);
  });

  it('uploads SARIF to code scanning when asked, before failing the job', () => {
    const result = run({ paths: 'bad', 'upload-sarif': 'true' });
    assert.equal(result.status, 1, 'the findings still fail the job');
    const sarifPath = path.join(workspace, 'nginx-mtls.sarif');
    assert.ok(existsSync(sarifPath), 'the default SARIF file is written');
    assert.deepEqual(result.used.map((u) => [u.uses.replace(/@.*/, ''), u.with.sarif_file]), [['github/codeql-action/upload-sarif', sarifPath]]);
  });

  it('checks the bundled examples from the repository root', () => {
    const result = runCompositeAction(manifest, { actionPath: REPO, workspace: REPO, inputs: { version: 'source', paths: 'examples' } });
    assert.equal(result.status, 1, 'the examples hold deliberate mistakes');
    assert.match(result.log, /^::error file=examples\/etc\/nginx\/sites-enabled\/server-b,line=\d+,.*title=tls\.upstream-unverified::/m);
    assert.ok(Number(result.outputs.errors) > 0);
  });

  it('fails on bad usage whatever fail-on says', () => {
    const unknownRule = run({ paths: 'clean', args: '--rule no.such-rule=off', 'fail-on': 'never' });
    assert.equal(unknownRule.status, 2);
    assert.equal(unknownRule.failedStep, 'Check nginx configuration');
    const typo = run({ paths: 'clean', 'fail-on': 'warnings' });
    assert.equal(typo.status, 2);
    assert.match(typo.log, /fail-on must be error, warning or never/);
    const version = run({ paths: 'clean', version: 'latest' });
    assert.equal(version.status, 2);
    assert.equal(version.failedStep, 'Install nginx-mtls');
  });

  it('by default installs the npm package of its own version', () => {
    // A stub npm records its arguments and "installs" the locally built package where npm would.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-npm-stub-'));
    try {
      const log = path.join(bin, 'npm-args');
      writeFileSync(path.join(bin, 'npm'), [
        '#!/usr/bin/env bash',
        `printf '%s\\n' "$*" >> '${log}'`,
        'while [ $# -gt 0 ]; do if [ "$1" = --prefix ]; then prefix=$2; fi; shift; done',
        'mkdir -p "$prefix/node_modules"',
        `ln -s '${REPO}' "$prefix/node_modules/nginx-mtls"`,
        '',
      ].join('\n'));
      chmodSync(path.join(bin, 'npm'), 0o755);
      const result = runCompositeAction(manifest, { actionPath: REPO, workspace, inputs: { paths: 'bad' }, extraPath: [bin] });
      assert.equal(result.status, 1);
      assert.equal(result.outputs.errors, '1');
      const args = readFileSync(log, 'utf8').trim();
      assert.match(args, new RegExp(`^install .*--omit=dev .*nginx-mtls@${packageVersion.replace(/\./g, '\\.')}$`));
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
