import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { allRules } from '../../server/src/analysis/ruleRegistry';
import { runCli } from '../../server/src/cli/main';
import { formatGithub, githubData, githubProperty, type CliFinding } from '../../server/src/cli/outputFormats';
import { ruleDoc } from '../../server/src/cli/ruleDocs';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, (s) => { out += s + '\n'; }, (s) => { err += s + '\n'; });
  return { code, out, err };
}

describe('nginx-mtls check', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-cli-'));
    mkdirSync(path.join(dir, 'etc/nginx/conf.d'), { recursive: true });
    mkdirSync(path.join(dir, 'etc/nginx/snippets'), { recursive: true });
    writeFileSync(path.join(dir, 'etc/nginx/nginx.conf'), 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n');
    writeFileSync(path.join(dir, 'etc/nginx/conf.d/site.conf'), 'server {\n    listen 80;\n    include snippets/extra.inc;\n}\n');
    // Not matched by the name patterns: found only because site.conf includes it.
    writeFileSync(path.join(dir, 'etc/nginx/snippets/extra.inc'), 'location / {\n    proxy_ssl_verfy on;\n}\n');
    mkdirSync(path.join(dir, 'clean/nginx'), { recursive: true });
    writeFileSync(path.join(dir, 'clean/nginx/nginx.conf'), 'events {}\nhttp {\n    server {\n        listen 80;\n    }\n}\n');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints file:line:col severity code message and exits 1 on errors, following includes', async () => {
    const { code, out, err } = await run(['check', path.join(dir, 'etc')]);
    assert.equal(code, 1);
    const line = out.trim().split('\n').find((l) => l.includes('extra.inc'));
    assert.ok(line, out);
    assert.match(line, /extra\.inc:2:5 error nginx\.unknown-directive nginx rejects this: unknown directive "proxy_ssl_verfy"\. Did you mean "proxy_ssl_verify"\?$/);
    assert.match(err, /3 files checked: 1 error, 0 warnings/);
  });

  it('exits 0 for a clean configuration', async () => {
    const { code, out } = await run(['check', path.join(dir, 'clean')]);
    assert.equal(out, '');
    assert.equal(code, 0);
  });

  it('writes JSON findings with 1-based positions', async () => {
    const { code, out } = await run(['check', path.join(dir, 'etc'), '--format', 'json']);
    assert.equal(code, 1);
    const findings = JSON.parse(out) as Record<string, unknown>[];
    assert.equal(findings.length, 1);
    assert.deepEqual(Object.keys(findings[0]).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
    assert.deepEqual([findings[0].line, findings[0].column, findings[0].endLine, findings[0].endColumn, findings[0].severity], [2, 5, 2, 20, 'error']);
  });

  it('writes SARIF 2.1.0 with rule metadata', async () => {
    const { out } = await run(['check', path.join(dir, 'etc'), '--format=sarif']);
    const sarif = JSON.parse(out) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(sarif.runs[0].tool.driver.rules.map((r) => r.id), ['nginx.unknown-directive']);
    assert.equal(sarif.runs[0].results[0].level, 'error');
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine, 2);
  });

  it('turns a rule off with --rule', async () => {
    const { code, out } = await run(['check', path.join(dir, 'etc'), '--rule', 'nginx.unknown-directive=off']);
    assert.equal(out, '');
    assert.equal(code, 0);
  });

  it('maps a production prefix with --map', async () => {
    writeFileSync(path.join(dir, 'flat.conf'), 'events {}\nhttp {\n    include /srv/prod/conf.d/*.conf;\n    include /srv/prod/missing.conf;\n}\n');
    const { out } = await run(['check', '--main', path.join(dir, 'flat.conf'), '--map', `/srv/prod=${path.join(dir, 'etc/nginx')}`, '--format', 'json']);
    const findings = JSON.parse(out) as { file: string; code: string; message: string }[];
    // site.conf is found through the mapped glob; its relative include resolves against the
    // main config's directory (nginx's conf prefix), where there is no snippets/ folder.
    const relative = findings.find((f) => f.file.endsWith('site.conf') && f.code === 'nginx.include-not-found');
    assert.match(relative?.message ?? '', new RegExp(`"${path.join(dir, 'snippets/extra.inc')}"`));
    const missing = findings.find((f) => f.file.endsWith('flat.conf') && f.code === 'nginx.include-not-found');
    assert.match(missing?.message ?? '', new RegExp(`open\\(\\) "${path.join(dir, 'etc/nginx/missing.conf')}" failed`));
  });

  /**
   * The live configuration of this machine as Debian's nginx packages install it. Checked only
   * when /etc/nginx is the stock one (dpkg reports no modified file of nginx-common), so that an
   * operator's own edits cannot fail this test.
   */
  const stockDebian = (() => {
    const owner = spawnSync('dpkg', ['-S', '/etc/nginx/nginx.conf'], { encoding: 'utf8' });
    if (owner.status !== 0) return false;
    const verify = spawnSync('dpkg', ['-V', owner.stdout.split(':')[0]], { encoding: 'utf8' });
    return verify.status === 0 && verify.stdout.trim() === '';
  })();

  it('the stock Debian /etc/nginx of this machine: exit 0, no error', { skip: stockDebian ? false : 'no unmodified Debian /etc/nginx on this machine' }, async () => {
    const { code, out } = await run(['check', '/etc/nginx', '--format', 'json']);
    const errors = (JSON.parse(out) as { file: string; line: number; code: string; severity: string }[]).filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => `${f.file}:${f.line} ${f.code}`), []);
    assert.equal(code, 0);
  });

  describe('files only the production host has', () => {
    const site = path.join(REPO, 'test/fixtures/server-only/certbot-site');

    it('a repository copy of a certbot site: exit 0, what was not checked as information', async () => {
      const { code, out, err } = await run(['check', site, '--format', 'json']);
      const findings = JSON.parse(out) as { code: string; severity: string; line: number; message: string }[];
      assert.equal(code, 0, out);
      // The command line names its flag, not the editor setting.
      for (const f of findings) assert.match(f.message, /with --map \/etc\/letsencrypt=<local folder>\.$/);
      assert.deepEqual(findings.map((f) => `${f.line} ${f.severity} ${f.code}`), [
        '12 information tls.file-not-on-this-machine',
        '13 information tls.file-not-on-this-machine',
        '14 information tls.file-not-on-this-machine',
        '15 information nginx.include-not-on-this-machine',
        '16 information tls.file-not-on-this-machine',
      ]);
      assert.equal(err, '');
    });

    it('the same site with --map onto a folder that lacks the files: exit 1, errors', async () => {
      const empty = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-cli-empty-'));
      try {
        const { code, err } = await run(['check', site, '--map', `/etc/letsencrypt=${empty}`]);
        assert.equal(code, 1);
        assert.match(err, /2 files checked: 5 errors, 0 warnings, 0 other/);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });

    it('a configuration at its own production path (it includes itself absolutely): exit 1', async () => {
      const live = path.join(dir, 'live-nginx');
      mkdirSync(path.join(live, 'sites'), { recursive: true });
      writeFileSync(path.join(live, 'nginx.conf'), `events {}\nhttp {\n    include ${live}/sites/*;\n}\n`);
      writeFileSync(path.join(live, 'sites/example.com'), 'server {\n    listen 443 ssl;\n    ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;\n}\n');
      const { code, err } = await run(['check', live]);
      assert.equal(code, 1);
      assert.match(err, /2 files checked: 2 errors/);
    });

    it('an absolute path inside the checked folder that is missing: exit 1', async () => {
      const project = path.join(dir, 'project');
      mkdirSync(path.join(project, 'nginx'), { recursive: true });
      writeFileSync(path.join(project, 'nginx/nginx.conf'), `events {}\nhttp {\n    server {\n        listen 443 ssl;\n        ssl_certificate ${project}/certs/a.crt;\n        ssl_certificate_key ${project}/certs/a.key;\n    }\n}\n`);
      const { code, err } = await run(['check', project]);
      assert.equal(code, 1);
      assert.match(err, /1 file checked: 2 errors/);
    });
  });

  it('exits 2 on bad usage, with the usage text', async () => {
    for (const args of [[], ['lint'], ['check'], ['check', 'x', '--format', 'xml'], ['check', 'x', '--bogus'], ['check', '/definitely/not/here']]) {
      const { code, err } = await run(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(err, /nginx-mtls: /);
    }
  });

  /**
   * The built CLI checking 3,000 unknown directives (3,000 findings: JSON that outgrows a pipe's
   * buffer), with its stdout a pipe; `status` resolves with its exit code and what it wrote to stderr.
   */
  function checkManyFindings(): { stdout: Readable; status: Promise<{ code: number | null; stderr: string }> } {
    const many = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-cli-pipe-'));
    writeFileSync(path.join(many, 'nginx.conf'), `events {}\nhttp {\n${Array.from({ length: 3000 }, (_, i) => `  not_a_directive_${i} on;`).join('\n')}\n}\n`);
    const child = spawn(process.execPath, [CLI, 'check', many, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const status = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => {
      rmSync(many, { recursive: true, force: true });
      resolve({ code, stderr });
    }));
    return { stdout: child.stdout, status };
  }

  it('stops writing quietly when its reader goes away (| head), keeping the exit status', async () => {
    const { stdout, status } = checkManyFindings();
    stdout.once('data', () => stdout.destroy());
    const { code, stderr } = await status;
    assert.equal(code, 1, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
  });

  it('writes a report larger than the pipe holds, whole and in order, to a reader that takes its time', async () => {
    const { stdout, status } = checkManyFindings();
    // The reader starts only after the CLI has filled the pipe and waits for it.
    stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const chunks: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    stdout.resume();
    const { code, stderr } = await status;
    assert.equal(code, 1, stderr);
    const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ line: number }>;
    assert.deepEqual(report.map((f) => f.line), Array.from({ length: 3000 }, (_, i) => i + 3));
  });

  it('runs as the bundled bin with the same exit codes', () => {
    const ok = spawnSync(process.execPath, [CLI, 'check', path.join(dir, 'clean')], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const bad = spawnSync(process.execPath, [CLI, 'check', path.join(dir, 'etc')], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    const usage = spawnSync(process.execPath, [CLI], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: nginx-mtls check/);
  });
});

describe('nginx-mtls check on bad input', () => {
  let dir: string;
  const threeErrors = 'server {\n    listen 80;\n    proxy_ssl_verfy on;\n    ssl_verfy_client on;\n    not_a_directive x;\n}\n';

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-cli-bad-'));
    // A site file under a name discovery does not claim.
    mkdirSync(path.join(dir, 'deploy'));
    writeFileSync(path.join(dir, 'deploy/site.conf'), threeErrors);
    mkdirSync(path.join(dir, 'empty'));
    // A folder discovery does search, with an image next to the config.
    mkdirSync(path.join(dir, 'mixed/sites-enabled'), { recursive: true });
    writeFileSync(path.join(dir, 'mixed/sites-enabled/default'), 'server {\n    listen 80;\n}\n');
    writeFileSync(path.join(dir, 'mixed/sites-enabled/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says which named file it could not read (over the read limit) and exits 2 when nothing is left', async () => {
    const huge = path.join(dir, 'huge.conf');
    writeFileSync(huge, 'ssl_protocols TLSv1.2;\n'.repeat(Math.ceil((17 * 1024 * 1024) / 23)));
    const alone = await run(['check', huge]);
    assert.equal(alone.code, 2);
    assert.match(alone.err, /huge\.conf: not checked, larger than the 16 MiB read limit/);
    const withSite = await run(['check', huge, path.join(dir, 'deploy/site.conf')]);
    assert.equal(withSite.code, 1, 'the readable file is still checked');
    assert.match(withSite.err, /huge\.conf: not checked/);
    rmSync(huge);
  });

  it('exits 2 for a folder with no file it recognises, naming the folder and how to pass files', async () => {
    const { code, out, err } = await run(['check', path.join(dir, 'deploy')]);
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.match(err, new RegExp(`nginx-mtls: ${path.join(dir, 'deploy')}: no nginx configuration found \\(looked for nginx\\.conf, `));
    assert.match(err, new RegExp(`name the files to check, e\\.g\\. nginx-mtls check ${path.join(dir, 'deploy/site.conf')}`));
    const empty = await run(['check', path.join(dir, 'empty')]);
    assert.equal(empty.code, 2);
    assert.match(empty.err, /no nginx configuration found/);
  });

  it('checks a file named explicitly whatever its name', async () => {
    const { code, out } = await run(['check', path.join(dir, 'deploy/site.conf')]);
    assert.equal(code, 1);
    assert.equal(out.trim().split('\n').filter((l) => / error /.test(l)).length, 3, out);
  });

  it('refuses unknown rule codes, unknown severities and a missing --main (exit 2)', async () => {
    const site = path.join(dir, 'deploy/site.conf');
    const cases: [string[], RegExp][] = [
      [['check', site, '--rule', 'foo=off'], /--rule: unknown rule "foo"/],
      [['check', site, '--rule', 'nginx.unknown-directiv=off'], /did you mean "nginx\.unknown-directive"\?/],
      [['check', site, '--rule=nginx.unknown-directive=loud'], /--rule nginx\.unknown-directive: unknown severity "loud" \(off, error, warning, information, hint\)/],
      [['check', '--main', path.join(dir, 'nowhere/nginx.conf')], /--main .*nowhere\/nginx\.conf: no such file/],
      [['check', site, '--main', path.join(dir, 'deploy')], /--main .*deploy: not a file/],
    ];
    for (const [args, message] of cases) {
      const { code, err } = await run(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(err, message);
    }
    for (const severity of ['off', 'error', 'warning', 'information', 'hint']) {
      const { code } = await run(['check', site, '--rule', `nginx.unknown-directive=${severity}`]);
      assert.notEqual(code, 2, severity);
    }
  });

  it('skips binary files with one line, without parsing or counting them', async () => {
    const { code, out, err } = await run(['check', path.join(dir, 'mixed')]);
    assert.equal(code, 0, err);
    assert.equal(out, '');
    assert.deepEqual(err.trim().split('\n'), [
      `nginx-mtls: ${path.join(dir, 'mixed/sites-enabled/logo.png')}: skipped, not a text file`,
      '1 file checked: 0 errors, 0 warnings, 0 other',
    ]);
    const alone = await run(['check', path.join(dir, 'mixed/sites-enabled/logo.png')]);
    assert.equal(alone.code, 2);
    assert.match(alone.err, /skipped, not a text file\nnginx-mtls: nothing left to check/);
  });

  it('puts no control bytes on the terminal in text output; JSON keeps the text escaped', async () => {
    const hostile = path.join(dir, 'hostile\x1b]0;owned\x07.conf');
    writeFileSync(hostile, 'server {\n    listen 80;\n    bad\x1b[31mname on;\n}\n');
    const { code, out, err } = await run(['check', hostile]);
    assert.equal(code, 1);
    assert.doesNotMatch(out + err, /[\x00-\x08\x0b-\x1f\x7f]/);
    assert.match(out, /hostile\\x1b\]0;owned\\x07\.conf:3:5 error nginx\.unknown-directive .*"bad\\x1b\[31mname"/);
    const json = await run(['check', hostile, '--format', 'json']);
    const [finding] = JSON.parse(json.out) as { file: string; message: string }[];
    assert.ok(finding.file.endsWith('hostile\x1b]0;owned\x07.conf'));
    assert.match(finding.message, /"bad\x1b\[31mname"/);
  });

  it('names CLI flags, not editor settings, in messages', async () => {
    const site = path.join(dir, 'deploy/http2.conf');
    writeFileSync(site, 'server {\n    listen 443 ssl;\n    http2 on;\n}\n');
    const { out } = await run(['check', site, '--target-version', '1.22.1']);
    assert.match(out, /http2\.conf:3:5 error nginx\.unknown-directive .*the target version is 1\.22\.1 \(change it with --target-version <x\.y\.z>\)/);
    assert.doesNotMatch(out, /nginxMtls\./);
  });
});


describe('nginx-mtls rules and explain', () => {
  it('rules lists every rule, one a line, with category and default severity aligned; exit 0', async () => {
    const { code, out } = await run(['rules']);
    assert.equal(code, 0);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, allRules().length);
    const unverified = lines.find((l) => l.startsWith('tls.upstream-unverified '));
    assert.match(unverified ?? '', /^tls\.upstream-unverified +tls +warning +Upstream TLS/);
    // Aligned: the category column starts at the same offset on every line.
    const categoryStarts = new Set(lines.map((l, i) => l.indexOf(` ${allRules()[i].category} `, allRules()[i].code.length)));
    assert.equal(categoryStarts.size, 1, out);
  });

  it('rules --format json gives code, category, severity and the docs link', async () => {
    const { code, out } = await run(['rules', '--format', 'json']);
    assert.equal(code, 0);
    const rules = JSON.parse(out) as { code: string; category: string; severity: string; docs: string }[];
    assert.deepEqual(rules.map((r) => r.code), allRules().map((r) => r.code));
    const first = rules.find((r) => r.code === 'tls.upstream-unverified');
    assert.deepEqual([first?.category, first?.severity, first?.docs.endsWith('#tlsupstream-unverified')], ['tls', 'warning', true]);
    assert.equal((await run(['rules', '--format', 'sarif'])).code, 2);
    assert.equal((await run(['rules', 'extra'])).code, 2);
  });

  it('explain prints the rule\'s documentation from docs/rules.md as plain text; exit 0', async () => {
    const { code, out } = await run(['explain', 'tls.upstream-unverified']);
    assert.equal(code, 0);
    assert.match(out, /^tls\.upstream-unverified: .*default severity warning/);
    assert.match(out, /\nWhy it matters: without verification nginx accepts any certificate/);
    assert.match(out, /\nFix: `proxy_ssl_verify on;`/);
    // The example block without its fences, indented; links keep their words.
    assert.match(out, /\n {4}# bad\n {4}location \/ \{ proxy_pass https:\/\/api\.example\.com;/);
    assert.doesNotMatch(out, /```|\*\*|<a id=|\]\(#/);
    assert.match(out, /Online: https:\/\/\S+#tlsupstream-unverified\n$/);
  });

  it('every rule has documentation to explain, and no section runs into the next', () => {
    const codes = allRules().map((r) => r.code);
    for (const rule of allRules()) {
      const doc = ruleDoc(rule.code, codes);
      assert.ok(doc && doc.length > 20, `no documentation for ${rule.code}`);
      assert.doesNotMatch(doc, /<a id=|^### (?!\S+ )/m, rule.code);
    }
  });

  it('explain of an unknown code exits 2 with the closest code', async () => {
    for (const [typed, meant] of [['tls.upstream-unverifed', 'tls.upstream-unverified'], ['upstream-unverified', 'tls.upstream-unverified']]) {
      const { code, out, err } = await run(['explain', typed]);
      assert.equal(code, 2);
      assert.equal(out, '');
      assert.match(err, new RegExp(`unknown rule "${typed}" \\(did you mean "${meant.replace(/\./g, '\\.')}"\\?\\)`));
    }
    assert.equal((await run(['explain'])).code, 2);
    assert.equal((await run(['explain', 'a', 'b'])).code, 2);
  });

  it('explain works from the bundled bin (the docs are embedded, not read from docs/)', () => {
    const explained = spawnSync(process.execPath, [CLI, 'explain', 'tls.upstream-unverified'], { encoding: 'utf8', cwd: os.tmpdir() });
    assert.equal(explained.status, 0, explained.stderr);
    assert.match(explained.stdout, /Why it matters:/);
    const unknown = spawnSync(process.execPath, [CLI, 'explain', 'no.such-rule'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
  });
});

describe('nginx-mtls check --format github', () => {
  const finding: CliFinding = { file: 'conf.d/a,b:c.conf', line: 3, column: 5, endLine: 3, endColumn: 20, severity: 'error', code: 'nginx.unknown-directive', message: 'first 100%\r\nsecond: a, b\n::error::forged' };

  it('writes one workflow command per finding, escaped as GitHub specifies', () => {
    assert.equal(formatGithub([finding]),
      '::error file=conf.d/a%2Cb%3Ac.conf,line=3,col=5,endLine=3,endColumn=20,title=nginx.unknown-directive'
      + '::first 100%25%0D%0Asecond: a, b%0A::error::forged');
  });

  it('maps warning to ::warning and information and hint to ::notice', () => {
    const lines = formatGithub((['warning', 'information', 'hint'] as const).map((severity) => ({ ...finding, severity, message: 'm' }))).split('\n');
    assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(' '))), ['::warning', '::notice', '::notice']);
  });

  it('escapes property values further than the message, and keeps control bytes visible', () => {
    assert.equal(githubProperty('a:b,c%d\ne'), 'a%3Ab%2Cc%25d%0Ae');
    assert.equal(githubData('a:b,c\x1b[31m'), 'a:b,c\\x1b[31m');
  });

  it('annotates a checked configuration and keeps the exit status', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-cli-gh-'));
    try {
      writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    proxy_ssl_verfy on;\n}\n');
      const { code, out, err } = await run(['check', path.join(dir, 'nginx.conf'), '--format', 'github']);
      assert.equal(code, 1);
      assert.match(out, /^::error file=[^,]*nginx\.conf,line=3,col=5,endLine=3,endColumn=20,title=nginx\.unknown-directive::nginx rejects this: unknown directive "proxy_ssl_verfy"/);
      assert.match(err, /1 file checked: 1 error/);
      writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n}\n');
      const clean = await run(['check', path.join(dir, 'nginx.conf'), '--format=github']);
      assert.deepEqual([clean.code, clean.out], [0, '']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nginx-mtls check --context', () => {
  let dir: string;
  // Accepted by nginx at http or server level, refused in a location: a guess cannot tell.
  const serverSnippet = 'ssl_verify_client on;\nproxy_set_header X-Client-Cert $ssl_client_escaped_cert;\n';

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-cli-context-'));
    writeFileSync(path.join(dir, 'mtls.conf'), serverSnippet);
    writeFileSync(path.join(dir, 'declared.conf'), `# nginx-mtls-context: server\n${serverSnippet}`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('checks a file nothing includes in the given context, as if declared', async () => {
    const guessed = await run(['check', path.join(dir, 'mtls.conf')]);
    assert.equal(guessed.code, 0, guessed.out);
    const inLocation = await run(['check', path.join(dir, 'mtls.conf'), '--context', 'location']);
    assert.equal(inLocation.code, 1);
    assert.match(inLocation.out, /mtls\.conf:1:1 error nginx\.directive-not-allowed nginx rejects this: "ssl_verify_client" directive is not allowed here/);
    const inServer = await run(['check', path.join(dir, 'mtls.conf'), '--context=server']);
    assert.deepEqual([inServer.code, inServer.out], [0, '']);
  });

  it('leaves a file\'s own # nginx-mtls-context: comment in charge', async () => {
    const { code, out } = await run(['check', path.join(dir, 'declared.conf'), '--context', 'location']);
    assert.deepEqual([code, out], [0, '']);
  });

  it('does not change files a checked main configuration includes', async () => {
    writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    server {\n        listen 80;\n        include mtls.conf;\n    }\n}\n');
    try {
      const { code, out } = await run(['check', path.join(dir, 'nginx.conf'), path.join(dir, 'mtls.conf'), '--context', 'location']);
      // Checked in its server: what that server lacks is said, nothing about a location.
      assert.equal(code, 0, out);
      assert.doesNotMatch(out, /directive-not-allowed/);
    } finally {
      rmSync(path.join(dir, 'nginx.conf'));
    }
  });

  it('refuses an unknown context with the closest name (exit 2)', async () => {
    const { code, err } = await run(['check', path.join(dir, 'mtls.conf'), '--context', 'locaton']);
    assert.equal(code, 2);
    assert.match(err, /--context: unknown context "locaton" \(did you mean "location"\?\); one of main, events, http, server, location/);
    assert.equal((await run(['check', path.join(dir, 'mtls.conf'), '--context'])).code, 2);
  });
});
