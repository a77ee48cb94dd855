/** The npm package holds what its bins need and nothing of the repository besides. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { binPath, packageJson, packAndUnpack, type PackedPackage } from './npmPackage';

describe('npm package', () => {
  let pkg: PackedPackage;
  before(() => { pkg = packAndUnpack(); });
  after(() => rmSync(pkg.dir, { recursive: true, force: true }));

  it('is named <name>-<version>.tgz, as the release workflow and the Dockerfile expect', () => {
    assert.equal(path.basename(pkg.tarball), `${packageJson.name}-${packageJson.version}.tgz`);
  });

  it('holds the bundles and the legal and doc files only', () => {
    assert.deepEqual([...pkg.files].sort(), [
      'CHANGELOG.md', 'LICENSE', 'NOTICE', 'README.md',
      'dist/cli.js', 'dist/server.js', 'dist/validationWorker.js',
      // The rule docs and the editor set-ups the README and the bins point to.
      'docs/editors.md', 'docs/rules.md', 'package.json',
    ]);
  });

  it('builds dist/ when packed (pre-commit and the release run npm pack on a clean checkout)', () => {
    assert.match(packageJson.scripts.prepack ?? '', /npm run build/);
  });

  it('runs both bins from the unpacked package, without the repository', () => {
    for (const bin of Object.keys(packageJson.bin)) {
      assert.ok(statSync(binPath(pkg, bin)).mode & 0o111, `${bin} is executable`);
      const version = spawnSync(binPath(pkg, bin), ['--version'], { cwd: pkg.dir, encoding: 'utf8' });
      assert.equal(version.status, 0, version.stderr);
      assert.equal(version.stdout.trim(), packageJson.version);
    }
    const folder = path.join(pkg.dir, 'conf');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'nginx.conf'), 'events {}\nhttp {\n  server {\n    listen 8080;\n    no_such_directive on;\n  }\n}\n');
    const check = spawnSync(binPath(pkg, 'nginx-mtls'), ['check', folder, '--format', 'json'], { cwd: pkg.dir, encoding: 'utf8' });
    assert.equal(check.status, 1, check.stderr);
    assert.deepEqual((JSON.parse(check.stdout) as { code: string }[]).map((f) => f.code), ['nginx.unknown-directive']);
  });
});
