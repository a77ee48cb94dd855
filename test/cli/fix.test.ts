import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { runCli } from '../../server/src/cli/main';
import { unifiedDiff } from '../../server/src/cli/unifiedDiff';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, (s) => { out += s + '\n'; }, (s) => { err += s + '\n'; });
  return { code, out, err };
}

function hasTool(name: string): boolean {
  return spawnSync(name, ['--version'], { encoding: 'utf8' }).status === 0;
}

// Two findings with safe, preferred fixes: $ssl_client_cert in a header, and a repeated ssl_protocols.
const SITE = `# nginx-mtls-context: http
server {
    listen 80;
    ssl_protocols TLSv1.2;
    ssl_protocols TLSv1.3;
    location / {
        proxy_pass http://127.0.0.1:8000;
        proxy_set_header X-Client-Cert $ssl_client_cert;
    }
}
`;

describe('nginx-mtls check --fix', () => {
  let dir: string;
  let project: string;
  let site: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-fix-'));
    project = path.join(dir, 'project');
    mkdirSync(path.join(project, 'conf.d'), { recursive: true });
    site = path.join(project, 'conf.d/site.conf');
    writeFileSync(site, SITE);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--dry-run prints a diff that patch applies, and changes nothing', async () => {
    const before = readFileSync(site);
    const mtime = statSync(site).mtimeMs;
    const { code, out, err } = await run(['check', project, '--fix', '--dry-run']);
    assert.equal(code, 0, err);
    assert.ok(readFileSync(site).equals(before));
    assert.equal(statSync(site).mtimeMs, mtime);
    assert.match(out, /^--- a\/.*conf\.d\/site\.conf\n\+\+\+ b\/.*conf\.d\/site\.conf\n@@ /);
    assert.match(out, /^-        proxy_set_header X-Client-Cert \$ssl_client_cert;$/m);
    assert.match(out, /^\+        proxy_set_header X-Client-Cert \$ssl_client_escaped_cert;$/m);
    assert.match(out, /^\+    ssl_protocols TLSv1\.2 TLSv1\.3;$/m);
    // The remaining findings go to stderr, so stdout is the diff alone.
    assert.doesNotMatch(out, /tls\./);
    assert.match(err, /would remain/);
    if (!hasTool('patch')) return;
    // The header path is relative to the working directory (or absolute without its leading slash).
    const base = path.isAbsolute(path.relative(process.cwd(), site)) || path.relative(process.cwd(), site).startsWith('..') ? '/' : process.cwd();
    const patched = spawnSync('patch', ['-p1', '--dry-run'], { cwd: base, input: out, encoding: 'utf8' });
    assert.equal(patched.status, 0, patched.stdout + patched.stderr);
  });

  it('writes the fixed file atomically, keeping its mode and leaving no temporary file', async () => {
    chmodSync(site, 0o640);
    const { code, err } = await run(['check', project, '--fix', '--format', 'json']);
    assert.equal(code, 0, err);
    const fixed = readFileSync(site, 'utf8');
    assert.match(fixed, /proxy_set_header X-Client-Cert \$ssl_client_escaped_cert;/);
    assert.match(fixed, /^    ssl_protocols TLSv1\.2 TLSv1\.3;$/m);
    assert.equal(statSync(site).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(path.dirname(site)), ['site.conf']);
    // Checked again, the fixed findings are gone and nothing new appears.
    const again = await run(['check', project, '--format', 'json']);
    const codes = (JSON.parse(again.out) as { code: string }[]).map((f) => f.code);
    assert.deepEqual(codes, []);
  });

  it('reports the findings that remain after fixing, with the exit status they give', async () => {
    writeFileSync(site, SITE.replace('listen 80;', 'listen 443 ssl;'));
    const { code, out } = await run(['check', project, '--fix', '--format', 'json']);
    assert.equal(code, 1);
    const codes = (JSON.parse(out) as { code: string }[]).map((f) => f.code);
    assert.deepEqual(codes, ['tls.listen-ssl-no-cert']);
  });

  it('does not write a file outside the paths named on the command line', async () => {
    const shared = path.join(dir, 'shared/site.inc');
    mkdirSync(path.dirname(shared));
    writeFileSync(shared, SITE.replace('# nginx-mtls-context: http\n', ''));
    rmSync(site);
    // A main config that includes a file from another folder: that file is checked, not written.
    writeFileSync(path.join(project, 'nginx.conf'), `events {}\nhttp {\n    include ${shared};\n}\n`);
    const before = readFileSync(shared);
    const { err } = await run(['check', project, '--fix']);
    assert.ok(readFileSync(shared).equals(before));
    assert.match(err, /site\.inc: 2 safe fixes not applied, the file is outside the files and folders named on the command line/);
  });

  it('refuses to write through a symbolic link', async () => {
    const target = path.join(dir, 'real.conf');
    writeFileSync(target, SITE);
    rmSync(site);
    symlinkSync(target, site);
    const { code, err } = await run(['check', site, '--fix']);
    assert.equal(code, 1);
    assert.match(err, /not fixed, is a symbolic link/);
    assert.equal(readFileSync(target, 'utf8'), SITE);
  });

  it('keeps the braces of ${ssl_client_cert} followed by text, so nginx still reads the same variable', async () => {
    writeFileSync(site, SITE.replace('$ssl_client_cert;', 'x${ssl_client_cert}x;'));
    await run(['check', project, '--fix']);
    assert.match(readFileSync(site, 'utf8'), /proxy_set_header X-Client-Cert x\$\{ssl_client_escaped_cert\}x;/);
  });

  it('rejects --dry-run without --fix', async () => {
    const { code, err } = await run(['check', project, '--dry-run']);
    assert.equal(code, 2);
    assert.match(err, /--dry-run goes with --fix/);
  });
});

describe('unifiedDiff', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}\n`);
  const cases: [string, string, string][] = [
    ['one change', lines.join(''), lines.map((l, i) => (i === 14 ? 'changed\n' : l)).join('')],
    ['changes far apart make two hunks', lines.join(''), lines.map((l, i) => (i === 2 || i === 25 ? 'x\n' : l)).join('')],
    ['changes six lines apart share a hunk', lines.join(''), lines.map((l, i) => (i === 5 || i === 12 ? 'x\n' : l)).join('')],
    ['insertion at the start and deletion at the end', lines.join(''), ['new\n', ...lines.slice(0, 29)].join('')],
    ['no newline at the end', 'a\nb\nc', 'a\nB\nc'],
    ['newline added at the end', 'a\nb', 'a\nb\n'],
    ['from empty', '', 'a\n'],
  ];
  for (const [name, before, after] of cases) {
    it(`matches diff -u: ${name}`, (t) => {
      if (!hasTool('diff')) { t.skip('diff is not installed'); return; }
      const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-diff-'));
      try {
        writeFileSync(path.join(dir, 'before'), before);
        writeFileSync(path.join(dir, 'after'), after);
        const expected = spawnSync('diff', ['-u', 'before', 'after'], { cwd: dir, encoding: 'utf8' }).stdout;
        const body = (text: string): string => text.split('\n').slice(2).join('\n');
        const ours = unifiedDiff(before, after, 'f.conf');
        assert.match(ours, /^--- a\/f\.conf\n\+\+\+ b\/f\.conf\n/);
        assert.equal(body(ours), body(expected));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  it('is empty for equal texts', () => assert.equal(unifiedDiff('a\n', 'a\n', 'f'), ''));
});
