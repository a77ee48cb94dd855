/**
 * .ci/run as a user who is not root (a GitHub-hosted runner, a laptop): every apt command and
 * the policy-rc.d write go through sudo. Run with stub commands on a PATH of their own: the
 * stubs only record what they were asked, so nothing is installed or written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './npmPackage';

/** Where a real command lives, for the few the script needs besides the stubs. */
function which(command: string): string {
  const found = spawnSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${command} not found`);
  return found;
}

describe('.ci/run', () => {
  it('runs apt-get and writes policy-rc.d through sudo when not root', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-ci-run-'));
    try {
      // A redirection into a system folder would write it for real (the tests may run as root):
      // refuse to run such a script at all.
      const script = readFileSync(path.join(REPO, '.ci/run'), 'utf8');
      assert.doesNotMatch(script, />\s*\/(usr|etc)\//, '.ci/run writes a system file without sudo');
      mkdirSync(path.join(dir, '.ci'));
      copyFileSync(path.join(REPO, '.ci/run'), path.join(dir, '.ci/run'));
      const bin = path.join(dir, 'bin');
      mkdirSync(bin);
      const log = path.join(dir, 'calls');
      const stub = (name: string, body: string): void => {
        writeFileSync(path.join(bin, name), `#!${which('bash')}\n${body}\n`);
        chmodSync(path.join(bin, name), 0o755);
      };
      stub('id', 'echo 1000');
      // sudo reads what is piped to it (tee), so the writer never sees a closed pipe.
      stub('sudo', `echo "sudo $*" >> '${log}'; case "$1" in tee) cat > /dev/null ;; esac`);
      for (const name of ['apt-get', 'npm', 'tee', 'chmod', 'rm']) stub(name, `echo "${name} $*" >> '${log}'`);
      for (const name of ['dirname', 'date', 'cat']) symlinkSync(which(name), path.join(bin, name));
      // No nginx, openssl, nvim or chromium on this PATH: the script installs all of them.
      const result = spawnSync(which('bash'), [path.join(dir, '.ci/run')], {
        cwd: dir, encoding: 'utf8', env: { PATH: bin, HOME: dir, NGINX_MTLS_SKIP_E2E: '1' },
      });
      assert.equal(result.status, 0, result.stdout + result.stderr);
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      const packages = ['openssl', 'neovim', ...(existsSync('/usr/sbin/nginx') ? [] : ['nginx-full'])];
      assert.equal(calls[0], 'sudo apt-get update -qq');
      assert.equal(calls[1], 'sudo tee /usr/sbin/policy-rc.d');
      assert.equal(calls[2], 'sudo chmod +x /usr/sbin/policy-rc.d');
      assert.match(calls[3], /^sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /);
      for (const name of packages) assert.ok(calls[3].split(' ').includes(name), `${name} in ${calls[3]}`);
      assert.equal(calls[4], 'sudo rm -f /usr/sbin/policy-rc.d');
      assert.deepEqual(calls.slice(5), ['npm ci --no-audit --no-fund', 'npm test']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
