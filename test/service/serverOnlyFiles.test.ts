/**
 * Files that exist only on the production host (/etc/letsencrypt/live/… in a repository copy
 * of a certbot site): unknown, not wrong, in the operator's situations. A repository copy on
 * a laptop gets information with a quick fix; the live configuration of this machine, a
 * mapped folder that lacks the files, and paths inside the workspace keep their errors.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { Commands } from '../../common/protocol';
import type { ConfigTree } from '../../server/src/model/configTree';
import { isLiveConfig, mappingPrefixFor } from '../../server/src/model/knownLocations';
import { generatePki } from '../../server/src/pki/testPkiGenerator';
import { NginxLanguageService } from '../../server/src/service/languageService';

const REPO = path.resolve(__dirname, '../../..');
const CERTBOT_SITE = path.join(REPO, 'test/fixtures/server-only/certbot-site');
const SITE_FILE = 'etc/nginx/sites-enabled/example.com';
const NOW = new Date('2026-06-01T12:00:00Z');

/** The five lines certbot manages in the site, each naming a file under /etc/letsencrypt. */
const LETSENCRYPT_LINES = [12, 13, 14, 15, 16];

let tmp: string;

function service(folders: string[], settings: Record<string, unknown> = {}): NginxLanguageService {
  const s = new NginxLanguageService({ now: () => NOW });
  s.setWorkspaceFolders(folders);
  s.configure(settings);
  return s;
}

async function findingsOf(s: NginxLanguageService, file: string): Promise<ResolvedFinding[]> {
  return (await s.analyzeFile(file))?.findings ?? [];
}

function lineOf(file: string, finding: ResolvedFinding): number {
  return readFileSync(file, 'utf8').slice(0, finding.start).split('\n').length;
}

function summary(file: string, findings: readonly ResolvedFinding[]): string[] {
  return findings.map((f) => `${lineOf(file, f)} ${f.severity} ${f.code}`);
}

/** A copy of the certbot site at a path of its own, in a temp folder. */
function copySite(name: string): string {
  const root = path.join(tmp, name);
  cpSync(CERTBOT_SITE, root, { recursive: true });
  return root;
}

before(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-serveronly-'));
});

after(() => rmSync(tmp, { recursive: true, force: true }));

describe('files only the production host has', () => {
  it('(a) a repository copy of /etc/nginx: information with a mapping quick fix, no error', async () => {
    const s = service([CERTBOT_SITE]);
    const file = path.join(CERTBOT_SITE, SITE_FILE);
    const findings = await findingsOf(s, file);
    assert.deepEqual(findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => f.message), []);
    assert.deepEqual(summary(file, findings), [
      '12 information tls.file-not-on-this-machine',
      '13 information tls.file-not-on-this-machine',
      '14 information tls.file-not-on-this-machine',
      '15 information nginx.include-not-on-this-machine',
      '16 information tls.file-not-on-this-machine',
    ]);
    for (const f of findings) {
      assert.match(f.message, /is not on this machine/);
      assert.match(f.message, /nginxMtls\.pathMappings setting, e\.g\. \{"\/etc\/letsencrypt": "<local folder>"\}/);
      assert.doesNotMatch(f.message, /--map/, "the editor names its setting, not the CLI flag");
      assert.deepEqual(f.fixes?.map((x) => x.command), [{ command: Commands.addPathMapping, arguments: ['/etc/letsencrypt'] }]);
    }
  });

  it('(a) without workspace folders, the main config\'s folder is the project', async () => {
    const s = service([]);
    const main = path.join(CERTBOT_SITE, 'etc/nginx/nginx.conf');
    const result = await s.analysis.analyzeFiles([path.join(CERTBOT_SITE, SITE_FILE)], [main]);
    const findings = result.get(path.join(CERTBOT_SITE, SITE_FILE))?.findings ?? [];
    assert.equal(findings.length, LETSENCRYPT_LINES.length);
    assert.ok(findings.every((f) => f.severity === 'information'), JSON.stringify(findings.map((f) => f.severity)));
  });

  it('(b) the live configuration of this machine (it includes its own files by absolute path): errors', async () => {
    const root = copySite('live');
    const confDir = path.join(root, 'etc/nginx');
    const main = path.join(confDir, 'nginx.conf');
    writeFileSync(main, readFileSync(main, 'utf8').replace('include /etc/nginx/sites-enabled/*;', `include ${confDir}/sites-enabled/*;`));
    const s = service([confDir]);
    const file = path.join(confDir, 'sites-enabled/example.com');
    const findings = await findingsOf(s, file);
    assert.deepEqual(summary(file, findings), [
      '12 error tls.file-not-found',
      '13 error tls.file-not-found',
      '14 error tls.file-not-found',
      '15 error nginx.include-not-found',
      '16 error tls.file-not-found',
    ]);
    assert.match(findings[0].message, /^nginx rejects this: cannot load certificate "\/etc\/letsencrypt\/live\/example\.com\/fullchain\.pem": BIO_new_file\(\) failed/);
  });

  it('(b) on the live host, a snippet nothing includes (Debian\'s snakeoil.conf) names missing files: information, not an error', async () => {
    const root = copySite('live-unused-snippet');
    const confDir = path.join(root, 'etc/nginx');
    const main = path.join(confDir, 'nginx.conf');
    writeFileSync(main, readFileSync(main, 'utf8').replace('include /etc/nginx/sites-enabled/*;', `include ${confDir}/sites-enabled/*;`));
    mkdirSync(path.join(confDir, 'snippets'), { recursive: true });
    const snippet = path.join(confDir, 'snippets/snakeoil.conf');
    writeFileSync(snippet, 'ssl_certificate /etc/ssl/certs/nginx-mtls-test-snakeoil.pem;\nssl_certificate_key /etc/ssl/private/nginx-mtls-test-snakeoil.key;\n');
    const s = service([confDir]);
    assert.deepEqual(summary(snippet, await findingsOf(s, snippet)), [
      '1 information tls.file-not-on-this-machine',
      '2 information tls.file-not-on-this-machine',
    ]);
    // The site the live nginx.conf includes keeps its errors: nginx would fail on them.
    const site = path.join(confDir, 'sites-enabled/example.com');
    assert.ok((await findingsOf(s, site)).some((f) => f.severity === 'error' && f.code === 'tls.file-not-found'));
  });

  it('(b) a main config in a system configuration folder is live', () => {
    const tree = (mainFile: string): ConfigTree => ({ mainFile, confDir: path.dirname(mainFile), rootContext: 'main', confDirUnknown: false, expansion: { files: 1, statements: 0 }, nodes: [], files: new Map(), problems: [] });
    const resolver = (mainFile: string) => ({ confDir: path.dirname(mainFile), pathMappings: {} });
    for (const main of ['/etc/nginx/nginx.conf', '/etc/nginx/sites-enabled/default', '/usr/local/etc/nginx/nginx.conf']) {
      assert.equal(isLiveConfig(tree(main), resolver(main)), true, main);
    }
    for (const main of ['/home/me/repo/etc/nginx/nginx.conf', '/srv/deploy/nginx.conf']) {
      assert.equal(isLiveConfig(tree(main), resolver(main)), false, main);
    }
  });

  it('(c) mapped onto a folder that lacks the files: errors, reading from the mapped folder', async () => {
    const empty = path.join(tmp, 'ci-certs-empty');
    mkdirSync(empty, { recursive: true });
    const s = service([CERTBOT_SITE], { pathMappings: { '/etc/letsencrypt': empty } });
    const file = path.join(CERTBOT_SITE, SITE_FILE);
    const findings = await findingsOf(s, file);
    assert.deepEqual(findings.map((f) => `${lineOf(file, f)} ${f.severity}`), LETSENCRYPT_LINES.map((l) => `${l} error`));
    assert.ok(findings.every((f) => /(tls\.file-not-found|nginx\.include-not-found)/.test(f.code)));
    assert.match(findings[0].message, new RegExp(`read from ${empty}/live/example\\.com/fullchain\\.pem`));
  });

  it('(c) mapped onto a folder that has the certificates: they are checked, the missing options file is an error', async () => {
    const certs = path.join(tmp, 'ci-certs');
    mkdirSync(path.join(certs, 'live/example.com'), { recursive: true });
    const pki = generatePki({ notBefore: new Date(NOW.getTime() - 86_400_000), notAfter: new Date(NOW.getTime() + 90 * 86_400_000), serverSans: ['DNS:example.com', 'DNS:www.example.com'] });
    writeFileSync(path.join(certs, 'live/example.com/fullchain.pem'), pki.server.pem + pki.ca.pem);
    writeFileSync(path.join(certs, 'live/example.com/privkey.pem'), pki.server.key.pem, { mode: 0o600 });
    writeFileSync(path.join(certs, 'live/example.com/chain.pem'), pki.ca.pem);
    const s = service([CERTBOT_SITE], { pathMappings: { '/etc/letsencrypt': certs } });
    const file = path.join(CERTBOT_SITE, SITE_FILE);
    const errors = (await findingsOf(s, file)).filter((f) => f.severity === 'error');
    assert.deepEqual(summary(file, errors), ['15 error nginx.include-not-found', '16 error tls.file-not-found']);
  });

  it('(d) a lone snippet naming host files: information', async () => {
    const dir = path.join(tmp, 'snippet');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'ssl-example.conf');
    writeFileSync(file, '# nginx-mtls-context: server\nssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;\nssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;\ninclude /etc/letsencrypt/options-ssl-nginx.conf;\n');
    for (const folders of [[], [dir]]) {
      const findings = await findingsOf(service(folders), file);
      assert.deepEqual(summary(file, findings), [
        '2 information tls.file-not-on-this-machine',
        '3 information tls.file-not-on-this-machine',
        '4 information nginx.include-not-on-this-machine',
      ], `folders: ${folders.join(', ') || 'none'}`);
    }
  });

  it('an absolute path inside the workspace that is missing: error', async () => {
    const ws = path.join(tmp, 'workspace');
    mkdirSync(path.join(ws, 'nginx'), { recursive: true });
    const main = path.join(ws, 'nginx/nginx.conf');
    writeFileSync(main, `events {}\nhttp {\n    server {\n        listen 443 ssl;\n        ssl_certificate ${ws}/certs/server.crt;\n        ssl_certificate_key ${ws}/certs/server.key;\n        include ${ws}/snippets/tls.conf;\n    }\n}\n`);
    const findings = await findingsOf(service([ws]), main);
    assert.deepEqual(summary(main, findings.filter((f) => /not-found|on-this-machine/.test(f.code))), [
      '5 error tls.file-not-found',
      '6 error tls.file-not-found',
      '7 error nginx.include-not-found',
    ]);
  });

  it('a checkout that mirrors the production layout counts as mapped: its missing files are errors', async () => {
    const root = copySite('layout');
    const file = path.join(root, SITE_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('/etc/letsencrypt/ssl-dhparams.pem', '/etc/nginx/ssl/dhparams.pem'));
    const findings = await findingsOf(service([path.join(root, 'etc/nginx')]), file);
    const dhparam = findings.find((f) => lineOf(file, f) === 16);
    assert.equal(dhparam?.code, 'tls.file-not-found');
    assert.equal(dhparam?.severity, 'error');
    assert.match(dhparam?.message ?? '', /read from .*\/layout\/etc\/nginx\/ssl\/dhparams\.pem/);
  });

  it('settings an unknown include may set are not judged from defaults', async () => {
    const dir = path.join(tmp, 'unknown-include');
    mkdirSync(dir, { recursive: true });
    const pki = generatePki({ notBefore: new Date(NOW.getTime() - 86_400_000), notAfter: new Date(NOW.getTime() + 90 * 86_400_000) });
    writeFileSync(path.join(dir, 'server.crt'), pki.server.pem);
    writeFileSync(path.join(dir, 'server.key'), pki.server.key.pem, { mode: 0o600 });
    const site = (extra: string): string => `events {}\nhttp {\n    server {\n        listen 443 ssl;\n        ssl_certificate server.crt;\n        ssl_certificate_key server.key;\n${extra}    }\n}\n`;
    const main = path.join(dir, 'nginx.conf');
    const protocolsFindings = async (): Promise<ResolvedFinding[]> =>
      (await findingsOf(service([dir], { targetVersion: '1.22.1' }), main)).filter((f) => f.code === 'tls.weak-protocols-ciphers');
    writeFileSync(main, site(''));
    assert.equal((await protocolsFindings()).length, 1, 'without the include, 1.22.1 enables TLSv1 by default');
    writeFileSync(main, site('        include /etc/letsencrypt/options-ssl-nginx.conf;\n'));
    assert.deepEqual((await protocolsFindings()).map((f) => f.message), []);
  });

  it('a server whose certificate or CA an unknown include may set is not judged without them', async () => {
    const dir = path.join(tmp, 'unknown-snippet');
    mkdirSync(dir, { recursive: true });
    const main = path.join(dir, 'nginx.conf');
    writeFileSync(main, 'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        server_name a.example.com;\n        include /etc/nginx/snippets/ssl-a.conf;\n    }\n'
      + '    server {\n        listen 8443 ssl;\n        include /etc/letsencrypt/options-ssl-nginx.conf;\n        ssl_verify_client on;\n    }\n}\n');
    const findings = await findingsOf(service([dir], { targetVersion: '1.22.1' }), main);
    assert.deepEqual(summary(main, findings), ['6 information nginx.include-not-on-this-machine', '10 information nginx.include-not-on-this-machine']);
  });

  it('maps the folder a host keeps such files in', () => {
    assert.equal(mappingPrefixFor('/etc/letsencrypt/live/example.com/fullchain.pem'), '/etc/letsencrypt');
    assert.equal(mappingPrefixFor('/etc/letsencrypt/options-ssl-nginx.conf'), '/etc/letsencrypt');
    assert.equal(mappingPrefixFor('/etc/nginx/ssl/a.crt'), '/etc/nginx');
    assert.equal(mappingPrefixFor('/etc/ssl/private/site.key'), '/etc/ssl');
    assert.equal(mappingPrefixFor('/usr/local/etc/nginx/ssl/a.crt'), '/usr/local/etc/nginx');
    assert.equal(mappingPrefixFor('/opt/app/certs/a.crt'), '/opt/app');
    assert.equal(mappingPrefixFor('/etc/dh.pem'), '/etc');
  });
});
