/**
 * `nginx-mtls check` with a project file: found from the checked paths, overridden by
 * options, named with --config, ignored with --no-config, refused when broken.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../server/src/cli/main';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, (s) => { out += s + '\n'; }, (s) => { err += s + '\n'; });
  return { code, out, err };
}

describe('nginx-mtls check with .nginx-mtls.json', () => {
  let repo: string;
  const conf = (): string => path.join(repo, 'nginx');
  const project = (text: string): void => writeFileSync(path.join(repo, '.nginx-mtls.json'), text);

  before(() => {
    repo = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-project-'));
    // The repository root: the search for the project file stops here.
    mkdirSync(path.join(repo, '.git'));
    mkdirSync(path.join(repo, 'nginx/legacy'), { recursive: true });
    writeFileSync(path.join(repo, 'nginx/nginx.conf'), 'events {}\nhttp {\n    server {\n        listen 80;\n        proxy_ssl_verfy on;\n    }\n    include legacy/*.conf;\n}\n');
    writeFileSync(path.join(repo, 'nginx/legacy/old.conf'), 'server {\n    listen 81;\n    old_module_directive on;\n}\n');
  });

  after(() => rmSync(repo, { recursive: true, force: true }));

  it('without a project file, reports both unknown directives and exits 1', async () => {
    rmSync(path.join(repo, '.nginx-mtls.json'), { force: true });
    const { code, out } = await run(['check', conf()]);
    assert.equal(code, 1);
    assert.equal(out.match(/nginx\.unknown-directive/g)?.length, 2, out);
  });

  it('a rule turned off in the project file is gone and the exit status is 0', async () => {
    project('// shared by CI and the editor\n{\n  "rules": { "nginx.unknown-directive": "off", },\n}\n');
    const { code, out, err } = await run(['check', conf()]);
    assert.equal(out, '');
    assert.equal(code, 0);
    assert.match(err, /settings from .*\.nginx-mtls\.json/);
  });

  it('is found from a checked file below it, up to the repository root', async () => {
    project('{ "rules": { "nginx.unknown-directive": "off" } }');
    const { code } = await run(['check', path.join(repo, 'nginx/legacy/old.conf')]);
    assert.equal(code, 0);
  });

  it('a --rule option overrides the file for that rule', async () => {
    project('{ "rules": { "nginx.unknown-directive": "off" } }');
    const { code, out } = await run(['check', conf(), '--rule', 'nginx.unknown-directive=warning']);
    assert.equal(code, 0);
    assert.equal(out.match(/ warning nginx\.unknown-directive/g)?.length, 2, out);
  });

  it('an ignore glob drops the files it matches, also when a checked file includes them', async () => {
    project('{ "ignore": ["legacy/"] }');
    const { code, out } = await run(['check', conf(), '--format', 'json']);
    assert.equal(code, 1);
    const files = (JSON.parse(out) as { file: string }[]).map((f) => path.basename(f.file));
    assert.deepEqual(files, ['nginx.conf']);
  });

  it('--ignore adds to the file\'s globs, relative to the working directory', async () => {
    project('{ "ignore": ["legacy/"] }');
    const { code, err } = await run(['check', conf(), '--ignore', path.join(repo, 'nginx/nginx.conf')]);
    assert.equal(code, 2);
    assert.match(err, /nothing left to check: every file matches an ignore glob/);
  });

  it('--no-config reads no project file', async () => {
    project('{ "rules": { "nginx.unknown-directive": "off" } }');
    const { code } = await run(['check', conf(), '--no-config']);
    assert.equal(code, 1);
  });

  it('--config names another file; its relative paths start from its own folder', async () => {
    project('{}');
    mkdirSync(path.join(repo, 'ci'), { recursive: true });
    writeFileSync(path.join(repo, 'ci/strict.json'), '{ "mainConfig": "../nginx/nginx.conf", "rules": { "nginx.unknown-directive": "off" } }');
    // No path on the command line: the project file's mainConfig says what to check.
    const { code, err } = await run(['check', '--config', path.join(repo, 'ci/strict.json')]);
    assert.equal(code, 0, err);
    assert.match(err, /2 files checked: 0 errors/);
  });

  it('--config with a missing file exits 2 and says so', async () => {
    const { code, err } = await run(['check', conf(), '--config', path.join(repo, 'missing.json')]);
    assert.equal(code, 2);
    assert.match(err, /--config .*missing\.json: no such file/);
  });

  it('a syntax error exits 2 with file:line:col', async () => {
    project('{\n  "rules": {\n    "nginx.unknown-directive": "off"\n  \n');
    const { code, out, err } = await run(['check', conf()]);
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.match(err, /\.nginx-mtls\.json:5:1: error: not valid JSON/);
    assert.match(err, /run with --no-config/);
  });

  it('an unknown rule code is refused as --rule refuses it', async () => {
    project('{ "rules": { "upstream-unverified": "off" } }');
    const fromFile = await run(['check', conf()]);
    const fromFlag = await run(['check', conf(), '--no-config', '--rule', 'upstream-unverified=off']);
    assert.equal(fromFile.code, 2);
    assert.equal(fromFlag.code, 2);
    assert.match(fromFile.err, /\.nginx-mtls\.json:1:14: error: "rules": unknown rule "upstream-unverified" \(did you mean "tls\.upstream-unverified"\?\)/);
    assert.match(fromFlag.err, /--rule: unknown rule "upstream-unverified" \(did you mean "tls\.upstream-unverified"\?\)/);
  });

  it('an unknown key is a warning and the rest applies', async () => {
    project('{ "rule": {}, "rules": { "nginx.unknown-directive": "off" } }');
    const { code, err } = await run(['check', conf()]);
    assert.equal(code, 0);
    assert.match(err, /\.nginx-mtls\.json:1:3: warning: unknown key "rule" \(did you mean "rules"\?\)/);
  });

  it('stops at the repository root: a project file above it is not read', async () => {
    rmSync(path.join(repo, '.nginx-mtls.json'), { force: true });
    const inner = path.join(repo, 'inner');
    mkdirSync(path.join(inner, '.git'), { recursive: true });
    writeFileSync(path.join(inner, 'nginx.conf'), 'events {}\nhttp {\n    proxy_ssl_verfy on;\n}\n');
    project('{ "rules": { "nginx.unknown-directive": "off" } }');
    assert.equal((await run(['check', inner])).code, 1);
  });

  it('--fix leaves an ignored file alone', async () => {
    const fixRepo = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-project-fix-'));
    try {
      mkdirSync(path.join(fixRepo, '.git'));
      mkdirSync(path.join(fixRepo, 'legacy'));
      // A repeated ssl_protocols: a finding with a safe fix (removing the overridden line).
      const legacy = 'server {\n    listen 80;\n    ssl_protocols TLSv1.2;\n    ssl_protocols TLSv1.3;\n}\n';
      writeFileSync(path.join(fixRepo, 'legacy/site.conf'), legacy);
      writeFileSync(path.join(fixRepo, 'nginx.conf'), 'events {}\nhttp {\n    include legacy/*.conf;\n}\n');
      const unignored = await run(['check', fixRepo, '--fix', '--dry-run']);
      assert.match(unignored.out, /legacy\/site\.conf/, 'without the ignore glob the file has a fix');
      writeFileSync(path.join(fixRepo, '.nginx-mtls.json'), '{ "ignore": ["legacy/"] }');
      const { err } = await run(['check', fixRepo, '--fix']);
      assert.match(err, /no safe fixes to apply/);
      assert.equal(readFileSync(path.join(fixRepo, 'legacy/site.conf'), 'utf8'), legacy);
    } finally {
      rmSync(fixRepo, { recursive: true, force: true });
    }
  });

  it('a missing mainConfig is named as the project file\'s', async () => {
    writeFileSync(path.join(repo, 'ci-missing.json'), '{ "mainConfig": "nowhere/nginx.conf" }');
    const { code, err } = await run(['check', '--config', path.join(repo, 'ci-missing.json')]);
    assert.equal(code, 2);
    assert.match(err, /nowhere\/nginx\.conf \(mainConfig of \.nginx-mtls\.json\): no such file/);
  });

  it('--expiry-warning-days takes a whole number of days', async () => {
    const { code, err } = await run(['check', conf(), '--expiry-warning-days', 'soon']);
    assert.equal(code, 2);
    assert.match(err, /--expiry-warning-days needs a whole number of days from 0 to 3650/);
  });
});
