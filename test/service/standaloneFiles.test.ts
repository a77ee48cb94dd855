/**
 * Files that no main configuration includes (issue #12, classes 4-6): relative paths resolve
 * from nginx's conf prefix (the folder of the main nginx.conf above them, or the configured
 * main), not from the file's own folder; with no known prefix a missing relative path is
 * information; the context is the one in which nginx accepts the whole file; and "nginx
 * rejects this:" is only said of files nginx loads (in a main config's tree) or whose context
 * is declared. Fixtures: test/fixtures/standalone/{debian-like,lone-snippet}.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { NGINX_REFUSES, NGINX_WOULD_REFUSE } from '../../server/src/analysis/nginxWording';
import { checkFiles } from '../../server/src/cli/main';
import { NodeFileSystem } from '../../server/src/model/fileSystem';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { normalizeSettings } from '../../server/src/service/settings';
import { WorkspaceAnalysis, type FileAnalysis } from '../../server/src/service/workspaceAnalysis';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/standalone');
const ETC_NGINX = path.join(FIXTURES, 'debian-like/etc/nginx');
const LONE = path.join(FIXTURES, 'lone-snippet');
const NOW = new Date('2026-01-15T00:00:00Z');

function workspace(mainConfig = ''): WorkspaceAnalysis {
  return new WorkspaceAnalysis({ fs: new NodeFileSystem(), settings: normalizeSettings({ targetVersion: '1.22.1', mainConfig }), now: () => NOW });
}

/** The file checked as `nginx-mtls check <file>` checks it. */
async function checkAlone(file: string, mainConfig = ''): Promise<FileAnalysis> {
  const result = (await checkFiles(workspace(mainConfig), [file])).get(file);
  assert.ok(result, `no analysis for ${file}`);
  return result;
}

function errors(analysis: FileAnalysis): ResolvedFinding[] {
  return analysis.findings.filter((f) => f.severity === 'error');
}

function summary(findings: readonly ResolvedFinding[]): string[] {
  return findings.map((f) => `${f.severity} ${f.code}`);
}

describe('relative paths in a file no main config includes (class 4)', () => {
  it('fp: Debian\'s snippets/fastcgi-php.conf finds fastcgi.conf at the conf prefix', async () => {
    const analysis = await checkAlone(path.join(ETC_NGINX, 'snippets/fastcgi-php.conf'));
    assert.deepEqual(summary(analysis.findings), []);
  });

  it('fp: a site in sites-available/ includes a snippet relative to the conf prefix', async () => {
    const analysis = await checkAlone(path.join(ETC_NGINX, 'sites-available/default'));
    assert.deepEqual(summary(errors(analysis)), []);
  });

  it('good: a prefix-relative include that exists', async () => {
    assert.deepEqual(summary((await checkAlone(path.join(ETC_NGINX, 'snippets/good-prefix-relative.conf'))).findings), []);
  });

  it('bad: a missing include is looked for at the conf prefix and said to fail once the file is included', async () => {
    const [finding, ...rest] = (await checkAlone(path.join(ETC_NGINX, 'snippets/bad-missing-include.conf'))).findings;
    assert.deepEqual(rest, []);
    assert.equal(finding.code, 'nginx.include-not-found');
    assert.equal(finding.severity, 'error');
    assert.ok(finding.message.startsWith(NGINX_WOULD_REFUSE), finding.message);
    assert.ok(finding.message.includes(`"${path.join(ETC_NGINX, 'nowhere.conf')}"`), finding.message);
    assert.equal(finding.nginxRefuses, false);
  });

  it('fp: with no nginx.conf above and no configured main, missing relative paths are information', async () => {
    const analysis = await checkAlone(path.join(LONE, 'fp-unknown-prefix.conf'));
    assert.deepEqual(summary(analysis.findings), ['information nginx.include-not-checked', 'information tls.file-not-checked', 'information tls.file-not-checked']);
    assert.match(analysis.findings[0].message, /could not check "params\/proxy\.conf".*conf prefix.*unknown.*nginxMtls\.mainConfig \(CLI: --main\)/);
  });

  it('a configured main config (nginxMtls.mainConfig, --main) gives the conf prefix of files it does not include', async () => {
    const analysis = await checkAlone(path.join(LONE, 'fp-unknown-prefix.conf'), path.join(ETC_NGINX, 'nginx.conf'));
    const include = analysis.findings.find((f) => f.code === 'nginx.include-not-found');
    assert.ok(include?.message.includes(path.join(ETC_NGINX, 'params/proxy.conf')), include?.message);
  });

  it('the language service resolves an open unincluded file from the same conf prefix', async () => {
    const service = new NginxLanguageService({ now: () => NOW });
    service.setWorkspaceFolders([path.join(FIXTURES, 'debian-like')]);
    service.configure({ targetVersion: '1.22.1' });
    const file = path.join(ETC_NGINX, 'snippets/fastcgi-php.conf');
    assert.equal((await service.fileContext(file)).resolver.confDir, ETC_NGINX);
    assert.deepEqual((await service.validate(file)).diagnostics, []);
    const links = await service.documentLinks(file);
    assert.ok(links.some((l) => l.target?.endsWith('/etc/nginx/fastcgi.conf')), JSON.stringify(links));
  });
});

describe('the context of a file nothing includes (class 5)', () => {
  it('fp: "if { add_header }" alone in a file is a location snippet, without errors', async () => {
    const analysis = await checkAlone(path.join(LONE, 'cors-if.conf'));
    assert.equal(analysis.context, 'location');
    assert.equal(analysis.contextGuessed, true);
    assert.deepEqual(summary(analysis.findings), []);
  });

  it('good: a declared context is used as declared', async () => {
    const analysis = await checkAlone(path.join(LONE, 'good-declared.conf'));
    assert.equal(analysis.context, 'location');
    assert.equal(analysis.contextGuessed, false);
    assert.deepEqual(summary(analysis.findings), []);
  });

  it('bad: a directive no context accepts where it stands is an error that says the context was guessed', async () => {
    const found = errors(await checkAlone(path.join(LONE, 'bad-no-context.conf')));
    assert.deepEqual(summary(found), ['error nginx.directive-not-allowed']);
    assert.ok(found[0].message.startsWith(`${NGINX_WOULD_REFUSE} "upstream" directive is not allowed here`), found[0].message);
    assert.match(found[0].message, /a guess.*# nginx-mtls-context: /);
  });

  it('the language service completes an unincluded "if" file as a location', async () => {
    const service = new NginxLanguageService({ now: () => NOW });
    service.setWorkspaceFolders([LONE]);
    service.configure({ targetVersion: '1.22.1' });
    assert.equal((await service.fileContext(path.join(LONE, 'cors-if.conf'))).context, 'location');
  });
});

describe('"nginx rejects this:" only for files nginx loads (class 6)', () => {
  it('bad, declared: a declared context keeps nginx\'s own words', async () => {
    const found = errors(await checkAlone(path.join(LONE, 'bad-declared-server.conf')));
    assert.deepEqual(summary(found), ['error nginx.directive-not-allowed']);
    assert.ok(found[0].message.startsWith(`${NGINX_REFUSES} "add_header" directive is not allowed here`), found[0].message);
  });

  it('bad, in a tree: a missing include in a file the main config includes is refused by nginx now', async () => {
    const file = path.join(ETC_NGINX, 'snippets/included-missing.conf');
    const results = await checkFiles(workspace(), [path.join(ETC_NGINX, 'nginx.conf'), file]);
    const [finding] = results.get(file)?.findings ?? [];
    assert.equal(finding?.code, 'nginx.include-not-found');
    assert.ok(finding.message.startsWith(NGINX_REFUSES), finding.message);
  });
});

describe('a stock Debian /etc/nginx, copied', () => {
  const stock = '/etc/nginx';
  const present = fs.existsSync(path.join(stock, 'nginx.conf')) && fs.existsSync(path.join(stock, 'snippets/fastcgi-php.conf'));
  if (!present) console.log('stock /etc/nginx test skipped: no Debian nginx configuration at /etc/nginx');
  const copy = present ? fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-etc-nginx-')) : '';
  after(() => { if (copy) fs.rmSync(copy, { recursive: true, force: true }); });

  it('has no include or context errors, and no "nginx rejects this:" on files nothing includes', { skip: !present }, async () => {
    fs.cpSync(stock, copy, { recursive: true, dereference: false, filter: (src) => !fs.lstatSync(src).isSymbolicLink() || fs.existsSync(src) });
    const ws = workspace();
    const files = fs.readdirSync(copy, { recursive: true, encoding: 'utf8' }).map((f) => path.join(copy, f)).filter((f) => fs.statSync(f).isFile());
    const results = await checkFiles(ws, files);
    const mainTree = await ws.buildTree(path.join(copy, 'nginx.conf'));
    const problems: string[] = [];
    for (const [file, analysis] of results) {
      for (const f of analysis.findings) {
        const where = `${path.relative(copy, file)} ${f.code} ${f.message}`;
        if (f.code.startsWith('nginx.')) {
          if (f.severity === 'error' || f.severity === 'warning') problems.push(where);
        }
        if (!mainTree.files.has(file) && f.message.startsWith(NGINX_REFUSES)) problems.push(`not loaded, yet: ${where}`);
      }
    }
    // Missing absolute paths outside the copy (the snakeoil certificate) are left to their own rule's severity.
    assert.deepEqual(problems, []);
    assert.ok(results.has(path.join(copy, 'snippets/fastcgi-php.conf')));
  });
});
