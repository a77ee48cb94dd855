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
      '}',
      '',
    ].join('\n'),
    'snippets/trust.conf': 'proxy_ssl_trusted_certificate ssl/ca.crt;\nproxy_ssl_verify off;\n',
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
      assert.equal(files, 10);
      // The tree is built to produce findings in most files; a comparison of empty lists proves nothing.
      assert.ok(findings >= 20, `${version}: only ${findings} findings`);
    }
  });

  it('does the same for the bundled examples', async () => {
    const main = path.join(REPO_ROOT, 'examples/etc/nginx/nginx.conf');
    assert.ok(fs.existsSync(main), main);
    const { files } = await compareFocused(main);
    assert.ok(files > 1);
  });
});
