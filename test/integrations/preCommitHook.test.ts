/**
 * The pre-commit hook (.pre-commit-hooks.yaml): its entry is a bin of the npm package, which
 * pre-commit installs and runs with the staged file names; its `files` pattern picks nginx
 * configuration files and nothing else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { binPath, packageJson, packAndUnpack, REPO, type PackedPackage } from '../release/npmPackage';
import { loadYamlFile } from './compositeAction';

interface Hook {
  id: string; name: string; entry: string; language: string; files: string; exclude?: string;
  pass_filenames?: boolean; require_serial?: boolean;
}

const hooks = loadYamlFile(path.join(REPO, '.pre-commit-hooks.yaml')) as Hook[];

/** pre-commit selects a file when `files` matches it (re.search) and `exclude` does not. */
function selects(hook: Hook, file: string): boolean {
  return new RegExp(hook.files).test(file) && !(hook.exclude !== undefined && new RegExp(hook.exclude).test(file));
}

describe('.pre-commit-hooks.yaml', () => {
  const [hook] = hooks;

  it('declares the nginx-mtls hook as a node package run with the file names', () => {
    assert.equal(hooks.length, 1);
    assert.equal(hook.id, 'nginx-mtls');
    assert.equal(hook.language, 'node');
    assert.equal(hook.pass_filenames, true);
    const [bin, command] = hook.entry.split(' ');
    assert.ok(bin in packageJson.bin, `entry ${hook.entry}: ${bin} is not a bin of package.json`);
    assert.equal(command, 'check');
  });

  it('selects nginx configuration files', () => {
    for (const file of [
      'nginx.conf', 'etc/nginx/nginx.conf', 'deploy/nginx/conf.d/app.conf', 'nginx/snippets/tls.conf',
      'etc/nginx/sites-available/example.com', 'etc/nginx/sites-enabled/default', 'conf.d/default.conf',
      'proxy.nginx', 'edge.nginxconf', 'nginx-ssl.conf', 'ansible/roles/web/files/nginx/sites-enabled/app',
    ]) assert.ok(selects(hook, file), `should check ${file}`);
  });

  it('leaves other files alone', () => {
    for (const file of [
      'README.md', 'etc/nginx/sites-available/README.md', 'etc/nginx/mime.types', 'docker-compose.yml',
      'etc/httpd/conf/httpd.conf', 'supervisor/app.conf', 'etc/nginx/nginx.conf.dpkg-dist',
      'etc/nginx/sites-enabled/default~', 'etc/nginx/ssl/server.crt', 'package.json', 'mynginx.conf.bak',
    ]) assert.ok(!selects(hook, file), `should not check ${file}`);
  });

  describe('entry, run as pre-commit runs it after installing the package', () => {
    let pkg: PackedPackage;
    let repo: string;
    before(() => {
      pkg = packAndUnpack();
      repo = path.join(pkg.dir, 'repo');
      mkdirSync(path.join(repo, 'nginx/conf.d'), { recursive: true });
      mkdirSync(path.join(repo, 'nginx/sites-enabled'), { recursive: true });
      writeFileSync(path.join(repo, 'nginx/nginx.conf'), 'events {}\nhttp {\n  include conf.d/*.conf;\n  include sites-enabled/*;\n}\n');
      writeFileSync(path.join(repo, 'nginx/conf.d/ok.conf'), 'server {\n  listen 8080;\n  location / { return 204; }\n}\n');
      writeFileSync(path.join(repo, 'nginx/sites-enabled/broken'), 'server {\n  listen 8081;\n  no_such_directive on;\n}\n');
    });
    after(() => rmSync(pkg.dir, { recursive: true, force: true }));

    const runHook = (files: string[]): ReturnType<typeof spawnSync> => {
      const [bin, ...args] = hook.entry.split(' ');
      return spawnSync(binPath(pkg, bin), [...args, ...files], { cwd: repo, encoding: 'utf8' });
    };

    it('passes when the staged files have no errors', () => {
      const result = runHook(['nginx/conf.d/ok.conf']);
      assert.equal(result.status, 0, String(result.stdout) + String(result.stderr));
    });

    it('fails the commit on an error, naming the file and line', () => {
      const result = runHook(['nginx/nginx.conf', 'nginx/conf.d/ok.conf', 'nginx/sites-enabled/broken']);
      assert.equal(result.status, 1);
      assert.match(String(result.stdout), /^nginx\/sites-enabled\/broken:3:3 error nginx\.unknown-directive /m);
    });

    it('selects exactly the nginx files of this tree', () => {
      for (const file of ['nginx/nginx.conf', 'nginx/conf.d/ok.conf', 'nginx/sites-enabled/broken']) assert.ok(selects(hook, file));
    });
  });
});
