/**
 * The version is written once, in package.json: the CLI, the language server (--version and
 * serverInfo) and SARIF output all show that one (changelog.test.ts checks the CHANGELOG).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TOOL_VERSION } from '../../server/src/toolVersion.generated';
import { LspTestClient } from '../lsp/lspClient';
import { packageJson, REPO } from './npmPackage';

const CLI = path.join(REPO, 'dist/cli.js');
const SERVER = path.join(REPO, 'dist/server.js');

/** The .ts files under a folder, recursively. */
function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return typeScriptFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

describe('one version, from package.json', () => {
  it('is what the build generated', () => {
    assert.equal(TOOL_VERSION, packageJson.version);
  });

  it('is shown by nginx-mtls --version and nginx-mtls-language-server --version', () => {
    for (const bin of [CLI, SERVER]) {
      const result = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
      assert.equal(result.stdout.trim(), packageJson.version, path.basename(bin));
    }
  });

  it('is the SARIF tool version', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-version-'));
    try {
      writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {}\n');
      const result = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'sarif'], { encoding: 'utf8' });
      const sarif = JSON.parse(result.stdout) as { runs: { tool: { driver: { version: string } } }[] };
      assert.equal(sarif.runs[0].tool.driver.version, packageJson.version);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is the language server's serverInfo.version", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-version-'));
    const client = new LspTestClient();
    try {
      const result = await client.initialize(dir) as { serverInfo?: { name: string; version: string } };
      assert.deepEqual(result.serverInfo, { name: 'nginx-mtls-language-server', version: packageJson.version });
    } finally {
      await client.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is written nowhere else in the sources', () => {
    const quoted = new RegExp(`['"\`]${packageJson.version.replace(/\./g, '\\.')}['"\`]`);
    const offenders = ['server/src', 'client/src', 'common']
      .flatMap((dir) => typeScriptFiles(path.join(REPO, dir)))
      .filter((file) => !file.endsWith('.generated.ts') && quoted.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(REPO, file));
    assert.deepEqual(offenders, []);
  });
});
