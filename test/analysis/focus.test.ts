/**
 * Checking one file of a tree (what the language server does on every keystroke) must give
 * that file exactly the findings a check of the whole tree gives it. The rules only evaluate
 * the parts of the tree a focused check can report on (server/src/analysis/analysisFocus.ts);
 * this compares both ways, file by file, on a tree whose findings cross file boundaries, and
 * on the bundled examples.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { NodeFileSystem } from '../../server/src/model/fileSystem';
import { generatePki, pemEncode } from '../../server/src/pki/testPkiGenerator';
import { DEFAULT_SETTINGS } from '../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { allRequestPaths } from '../../server/src/model/scopeLists';
import { NOW, REPO_ROOT, writeTree } from './rules/mtlsRuleHelpers';

function key(f: ResolvedFinding): string {
  return JSON.stringify([f.code, f.start, f.end, f.severity, f.message, f.related ?? [], f.fixes ?? []]);
}

/** For every file of the tree: findings of a focused check vs. the whole-tree check. */
async function compareFocused(mainFile: string, version = DEFAULT_SETTINGS.targetVersion): Promise<{ files: number; findings: number }> {
  const analysis = new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW, settings: { ...DEFAULT_SETTINGS, targetVersion: version } });
  const tree = await analysis.buildTree(mainFile);
  const files = [...tree.files.keys()];
  const whole = await analysis.analyzeFiles(files, [mainFile]);
  let findings = 0;
  for (const file of files) {
    const focused = await analysis.analyzeFiles([file], [mainFile]);
    const expected = (whole.get(file)?.findings ?? []).map(key).sort();
    const actual = (focused.get(file)?.findings ?? []).map(key).sort();
    assert.deepEqual(actual, expected, `findings of ${path.relative(path.dirname(mainFile), file)} checked alone`);
    assert.deepEqual(focused.get(file)?.failures ?? [], []);
    findings += expected.length;
  }
  return { files: files.length, findings };
}

/**
 * The whole-tree check puts a finding of each code (and severity, when given) in its file
 * (relative to the main file's folder): the files a focused check must get right hold some.
 */
async function assertWholeTreeHolds(mainFile: string, want: readonly [file: string, code: string, severity?: string][]): Promise<void> {
  const analysis = new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW, settings: DEFAULT_SETTINGS });
  const whole = await analysis.analyzeFiles([...(await analysis.buildTree(mainFile)).files.keys()], [mainFile]);
  for (const [file, code, severity] of want) {
    const findings = whole.get(path.join(path.dirname(mainFile), file))?.findings ?? [];
    assert.ok(findings.some((f) => f.code === code && (!severity || f.severity === severity)),
      `${file} holds a ${code} ${severity ?? ''} finding: ${findings.map((f) => `${f.code} ${f.severity}`).join(', ')}`);
  }
}

function crossFileTree(): string {
  const pki = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'), intermediate: true, serverSans: ['DNS:a.example.test'] });
  const other = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'), caSubject: 'CN=Other CA' });
  const pem = (der: Buffer): string => pemEncode('CERTIFICATE', der);
  return writeTree({
    'ssl/a.crt': pem(pki.server.der) + pem(pki.intermediate?.der as Buffer),
    'ssl/a.key': pki.server.key.pem,
    'ssl/leaf-only.crt': pem(pki.server.der),
    'ssl/client.crt': pem(pki.client.der),
    'ssl/client.key': pki.client.key.pem,
    'ssl/other.key': other.server.key.pem,
    'ssl/ca.crt': pem(pki.ca.der) + pem(pki.intermediate?.der as Buffer),
    'ssl/other-ca.crt': pem(other.ca.der),
    'nginx.conf': [
      'events {}',
      'http {',
      '    ssl_protocols TLSv1.2;',
      '    include conf.d/*.conf;',
      '    include sites/*.conf;',
      '}',
      'stream {',
      '    include stream.d/*.conf;',
      '}',
      '',
    ].join('\n'),
    // http-level settings in their own files: inherited by every server and location.
    'conf.d/10-tls.conf': 'ssl_protocols TLSv1.3;\nproxy_set_header X-Client-Verify $ssl_client_verify;\nproxy_ssl_verify on;\nssl_certificate_key ssl/other.key;\n',
    'conf.d/20-upstreams.conf': 'upstream shared { server 127.0.0.1:8443; }\nmap $ssl_client_verify $verified { default 0; SUCCESS 1; }\n',
    // The default server of :443 (no certificate: its own key only comes from http level).
    'sites/00-default.conf': 'server {\n    listen 443 ssl default_server;\n    server_name _;\n    ssl on;\n}\n',
    // Server A: mTLS, CA elsewhere, optional verification checked through a map.
    'sites/a.conf': [
      'server {',
      '    listen 443 ssl;',
      '    server_name a.example.test www.a.example.test;',
      '    ssl_certificate ssl/a.crt;',
      '    ssl_certificate_key ssl/a.key;',
      '    ssl_verify_client optional;',
      '    ssl_verify_depth 0;',
      '    include snippets/client-ca.conf;',
      '    if ($verified = 0) { return 403; }',
      '    location / {',
      '        proxy_set_header X-Mine 1;',
      '        proxy_pass https://shared;',
      '    }',
      '}',
      '',
    ].join('\n'),
    'snippets/client-ca.conf': 'ssl_client_certificate ssl/ca.crt;\n',
    // Server B: presents a client certificate to server A; a second location shares the upstream without one.
    'sites/b.conf': [
      'server {',
      '    listen 8080;',
      '    ssl_client_certificate ssl/other-ca.crt;',
      '    location /to-a {',
      '        proxy_pass https://a.example.test:443;',
      '        proxy_ssl_certificate ssl/client.crt;',
      '        proxy_ssl_certificate_key ssl/client.key;',
      '        proxy_ssl_trusted_certificate ssl/ca.crt;',
      '        proxy_set_header X-SSL-Client-Cert $http_x_ssl_client_cert;',
      '    }',
      '    location /shared-with-cert {',
      '        proxy_pass https://shared;',
      '        proxy_ssl_certificate ssl/client.crt;',
      '        proxy_ssl_certificate_key ssl/client.key;',
      '        include snippets/trust.conf;',
      '    }',
      // The key of this pair stands in a snippet: what is wrong with the pair lands there.
      '    location /key-elsewhere {',
      '        proxy_pass https://a.example.test:443;',
      '        proxy_ssl_certificate ssl/client.crt;',
      '        include snippets/wrong-key.conf;',
      '    }',
      '}',
      '',
    ].join('\n'),
    'snippets/trust.conf': 'proxy_ssl_trusted_certificate ssl/ca.crt;\nproxy_ssl_verify off;\n',
    'snippets/wrong-key.conf': 'proxy_ssl_certificate_key ssl/other.key;\n',
    // A certificate without its chain, a server without a certificate on the shared address.
    'sites/c.conf': [
      'server {',
      '    listen 443 ssl;',
      '    server_name c.example.test;',
      '    ssl_certificate ssl/leaf-only.crt;',
      '    ssl_protocols TLSv1.2;',
      '    ssl_protocols TLSv1.3;',
      '}',
      'server {',
      '    listen 443 ssl;',
      '    server_name nocert.example.test;',
      '    ssl_verify_client on;',
      '    location / { proxy_pass http://127.0.0.1:9000; }',
      '}',
      '',
    ].join('\n'),
    'stream.d/proxy.conf': 'proxy_ssl_verify on;\nserver {\n    listen 9443 ssl;\n    proxy_pass 127.0.0.1:9000;\n    proxy_ssl_certificate ssl/client.crt;\n}\n',
  });
}

describe('focused analysis', () => {
  it('gives each file of a cross-file tree the findings of the whole-tree check', async () => {
    const dir = crossFileTree();
    for (const version of ['1.22.1', '1.27.4']) {
      const { files, findings } = await compareFocused(path.join(dir, 'nginx.conf'), version);
      assert.equal(files, 11);
      // The tree is built to produce findings in most files; a comparison of empty lists proves nothing.
      assert.ok(findings >= 20, `${version}: only ${findings} findings`);
    }
    // A pair whose certificate is in another file than the one checked still reports on its key.
    const analysis = new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW, settings: DEFAULT_SETTINGS });
    const snippet = path.join(dir, 'snippets/wrong-key.conf');
    const focused = await analysis.analyzeFiles([snippet], [path.join(dir, 'nginx.conf')]);
    assert.ok(focused.get(snippet)?.findings.some((f) => f.code === 'tls.key-mismatch'), 'the key mismatch on the snippet\'s key');
  });

  it('does the same when each upstream setting a finding lands on stands alone in a file of its own', async () => {
    // upstream-tls checks a path only when a checked file holds its pass statement, its block,
    // or one of the settings it places findings on (pathTouches with placedOn): each of those
    // settings here is the only statement of its file, at the http or the server level.
    const pki = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') });
    const dir = writeTree({
      'ssl/client.key': pki.client.key.pem,
      'ssl/client.crt': pemEncode('CERTIFICATE', pki.client.der),
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include sites/*.conf;\n}\n',
      'conf.d/verify.conf': 'proxy_ssl_verify on;\n',
      'conf.d/name.conf': 'proxy_ssl_name backend.example.test;\n',
      'conf.d/host.conf': 'proxy_set_header Host $host;\n',
      'sites/site.conf': 'server {\n    listen 8080;\n    include snippets/key.conf;\n    location /a {\n        proxy_pass https://backend.example.test;\n    }\n}\n',
      'snippets/key.conf': 'proxy_ssl_certificate_key ssl/client.key;\n',
      // A block whose pass statement and Host header come from snippets: the Host finding goes
      // on the include in the block's own file.
      'sites/b.conf': 'server {\n    listen 8081;\n    include snippets/cert-b.conf;\n    location /b {\n        include snippets/pass-b.conf;\n        include snippets/host-b.conf;\n    }\n}\n',
      // A client certificate without its key, alone in a snippet at the server level.
      'snippets/cert-b.conf': 'proxy_ssl_certificate ssl/client.crt;\n',
      // An unverified upstream whose pass statement stands in a snippet: the finding goes there.
      'sites/c.conf': 'server {\n    listen 8082;\n    location /c {\n        include snippets/pass-c.conf;\n        proxy_ssl_verify off;\n    }\n}\n',
      'snippets/pass-c.conf': 'proxy_pass https://c.example.test;\n',
      'snippets/pass-b.conf': 'proxy_pass https://b.example.test;\n',
      'snippets/host-b.conf': 'proxy_set_header Host $http_host;\n',
    });
    fs.chmodSync(path.join(dir, 'ssl/client.key'), 0o600);
    const main = path.join(dir, 'nginx.conf');
    await compareFocused(main);
    await assertWholeTreeHolds(main, [
      ['conf.d/verify.conf', 'tls.upstream-verify-no-ca'],
      ['conf.d/name.conf', 'tls.upstream-name-mismatch'],
      ['conf.d/host.conf', 'tls.upstream-name-mismatch'],
      ['snippets/key.conf', 'mtls.client-cert-not-sent'],
      ['sites/b.conf', 'tls.upstream-name-mismatch'],
      ['snippets/cert-b.conf', 'mtls.client-cert-not-sent'],
      ['snippets/pass-c.conf', 'tls.upstream-unverified'],
    ]);
  });

  it('does the same when each server setting a finding lands on stands alone in a file of its own', async () => {
    // client-verification, openssl-settings and certificate-pairing look at the servers only
    // when a checked file holds a server's own statements or one of the settings they place
    // findings on (AnalysisFocus.scopeTouches, writes): here each of those settings is the only
    // statement of its file at the http level, and a server's certificate stands in a snippet.
    const pki = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'), intermediate: true, serverSans: ['DNS:a.example.test'] });
    const dir = writeTree({
      'ssl/leaf-only.crt': pemEncode('CERTIFICATE', pki.server.der),
      'ssl/a.key': pki.server.key.pem,
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include sites/*.conf;\n}\n',
      'conf.d/verify.conf': 'ssl_verify_client optional;\n',
      'conf.d/ocsp.conf': 'ssl_ocsp on;\n',
      'conf.d/stapling.conf': 'ssl_stapling on;\n',
      'conf.d/ciphers.conf': 'ssl_ciphers NO-SUCH-CIPHER;\n',
      'conf.d/curve.conf': 'ssl_ecdh_curve no-such-curve;\n',
      'conf.d/dh.conf': 'ssl_dhparam ssl/leaf-only.crt;\n',
      'sites/a.conf': 'server {\n    listen 443 ssl;\n    server_name a.example.test;\n    include snippets/cert.conf;\n    ssl_certificate_key ssl/a.key;\n}\n',
      'snippets/cert.conf': 'ssl_certificate ssl/leaf-only.crt;\n',
      'sites/b.conf': 'server {\n    listen 8443 ssl;\n    ssl_certificate ssl/leaf-only.crt;\n    ssl_certificate_key ssl/a.key;\n    ssl_verify_client optional_no_ca;\n}\n',
    });
    fs.chmodSync(path.join(dir, 'ssl/a.key'), 0o600);
    const main = path.join(dir, 'nginx.conf');
    await compareFocused(main);
    await assertWholeTreeHolds(main, [
      ['conf.d/verify.conf', 'mtls.verification-not-enforced'],
      ['conf.d/ocsp.conf', 'mtls.verification-not-enforced', 'error'],
      ['conf.d/stapling.conf', 'tls.stapling-ignored'],
      ['conf.d/ciphers.conf', 'tls.cipher-list-no-match', 'error'],
      ['conf.d/curve.conf', 'tls.ecdh-curve-unknown', 'error'],
      ['conf.d/dh.conf', 'tls.dhparam-unusable', 'error'],
      ['snippets/cert.conf', 'tls.verify-client-no-ca'],
    ]);
  });

  it('does the same for the bundled examples', async () => {
    const main = path.join(REPO_ROOT, 'examples/etc/nginx/nginx.conf');
    assert.ok(fs.existsSync(main), main);
    const { files } = await compareFocused(main);
    assert.ok(files > 1);
  });

  it('gives an edited file, and the files that depend on it, the findings of a fresh check after each edit', async () => {
    // The editor keeps one analysis across keystrokes: the tree is rebuilt in place and the
    // paths, scopes and their aggregates (paths by backend, listen groups…) are derived from
    // the previous tree's. Each step must still give every file what a fresh analysis gives.
    const dir = crossFileTree();
    const main = path.join(dir, 'nginx.conf');
    const site = (name: string): string => path.join(dir, 'sites', name);
    const original = (name: string): string => fs.readFileSync(site(name), 'utf8');
    const [a, b, c] = [original('a.conf'), original('b.conf'), original('c.conf')];
    const steps: { title: string; file: string; text: string }[] = [
      { title: 'a comment in a site', file: site('b.conf'), text: `# edited\n${b}` },
      // Server A sets an identity header for the upstream "shared" that /shared-with-cert in
      // b.conf does not clear: the finding in b.conf depends on a.conf.
      { title: 'a sets an identity header on the shared upstream', file: site('a.conf'), text: a.replace('proxy_set_header X-Mine 1;', 'proxy_set_header X-Mine 1;\n        proxy_set_header X-SSL-Client-DN $ssl_client_s_dn;') },
      { title: 'a renames it', file: site('a.conf'), text: a.replace('proxy_set_header X-Mine 1;', 'proxy_set_header X-Client-Subject $ssl_client_s_dn;') },
      { title: 'b clears it', file: site('b.conf'), text: b.replace('        include snippets/trust.conf;', '        include snippets/trust.conf;\n        proxy_set_header X-Client-Subject "";') },
      { title: 'a drops it again', file: site('a.conf'), text: a },
      { title: 'c gains a server without a certificate on :443', file: site('c.conf'), text: `${c}server {\n    listen 443 ssl;\n    server_name late.example.test;\n    location / { proxy_pass https://shared; }\n}\n` },
      { title: 'the default server of :443 moves away', file: site('00-default.conf'), text: 'server {\n    listen 8443 ssl default_server;\n    server_name _;\n    ssl on;\n}\n' },
      { title: 'an http-level file changes what every path inherits', file: path.join(dir, 'conf.d/10-tls.conf'), text: 'ssl_protocols TLSv1.3;\nproxy_ssl_verify off;\nssl_certificate_key ssl/other.key;\n' },
      { title: 'the upstream block changes', file: path.join(dir, 'conf.d/20-upstreams.conf'), text: 'upstream shared { server 127.0.0.1:9443; }\nupstream other { server 127.0.0.1:8443; }\nmap $ssl_client_verify $verified { default 0; SUCCESS 1; }\n' },
    ];
    const settings = { ...DEFAULT_SETTINGS, targetVersion: '1.22.1' };
    const editing = new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW, settings });
    const files = [...(await editing.buildTree(main)).files.keys()];
    await editing.analyzeFiles(files, [main]);
    let compared = 0;
    for (const step of steps) {
      fs.writeFileSync(step.file, step.text);
      const fresh = await new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW, settings }).analyzeFiles(files, [main]);
      // The edited file first (what the editor checks on a keystroke), then the others.
      for (const file of [step.file, ...files.filter((f) => f !== step.file)]) {
        const focused = await editing.analyzeFiles([file], [main]);
        const expected = (fresh.get(file)?.findings ?? []).map(key).sort();
        assert.deepEqual((focused.get(file)?.findings ?? []).map(key).sort(), expected, `${step.title}: ${path.relative(dir, file)}`);
        compared += expected.length;
      }
      // The step was an in-place rebuild whose paths were derived, not walked again.
      const tree = await editing.buildTree(main);
      assert.notEqual(allRequestPaths(tree, { version: settings.targetVersion, table: editing.table }).previousId, undefined, `${step.title}: derived`);
    }
    assert.ok(compared >= 150, `only ${compared} findings compared`);
  });

  it('asks a request path only for the settings of its own module when a checked file sets them above it', async () => {
    // nginx.conf sets every module's verify at the http level: upstream-tls decides whether each
    // path takes its own module's from there. Asked for another module's, a path would depend on
    // it, and each keystroke in that setting would make every path of the tree again.
    const dir = writeTree({
      'nginx.conf': 'events {}\nhttp {\n    proxy_ssl_verify on;\n    grpc_ssl_verify on;\n    uwsgi_ssl_verify on;\n    proxy_set_header X-Http 1;\n    include sites/*.conf;\n}\n',
      'sites/a.conf': 'server {\n    listen 8080;\n    location /p { proxy_pass https://p.example.test; }\n    location /g { grpc_pass grpcs://g.example.test:50051; }\n    location /u { uwsgi_pass suwsgi://u.example.test:3031; }\n}\n',
    });
    const main = path.join(dir, 'nginx.conf');
    const settings = { ...DEFAULT_SETTINGS, targetVersion: '1.22.1' };
    const analysis = new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW, settings });
    const checked = await analysis.analyzeFiles([main], [main]);
    const found = (checked.get(main)?.findings ?? []).filter((f) => f.code === 'tls.upstream-verify-no-ca');
    assert.equal(found.length, 3, 'each module\'s verify without a CA, on nginx.conf');
    const tree = await analysis.buildTree(main);
    const paths = allRequestPaths(tree, { version: settings.targetVersion, table: analysis.table }).items;
    assert.deepEqual(paths.map((p) => p.module), ['proxy', 'grpc', 'uwsgi']);
    const others: Record<string, string[]> = {
      proxy: ['grpc_ssl_verify', 'uwsgi_ssl_verify'],
      grpc: ['proxy_ssl_verify', 'uwsgi_ssl_verify', 'proxy_set_header'],
      uwsgi: ['proxy_ssl_verify', 'grpc_ssl_verify', 'proxy_set_header'],
    };
    for (const p of paths) {
      const lookup = p as unknown as { readSome(names: ReadonlySet<string>): boolean };
      assert.equal(lookup.readSome(new Set([`${p.prefix}verify`])), true, `the ${p.module} path read its own verify`);
      assert.equal(lookup.readSome(new Set(others[p.module])), false, `the ${p.module} path read no other module's setting`);
    }
  });
});
