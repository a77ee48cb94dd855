/**
 * The originating scenario (examples/etc/nginx, from scenario-nginx-mtls-proxy.txt) checked
 * as a whole, and rules over include trees and nginx versions.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { contextRules } from '../../../server/src/analysis/rules/contextRules';
import { NodeFileSystem } from '../../../server/src/model/fileSystem';
import { DEFAULT_SETTINGS } from '../../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../../server/src/service/workspaceAnalysis';
import { MTLS_CODES, MTLS_FAMILIES, REPO_ROOT, analyzeText, workspace, writeTree } from './mtlsRuleHelpers';

/**
 * What a TLS reviewer lists for the scenario (file, line, code, severity), certificate-file
 * problems (DER client certificate, mismatched key) belonging to the certificate rules:
 * - Server A forwards the deprecated $ssl_client_cert.
 * - Server B :8080 "/" verifies serverA.example.com but sends no SNI, sends Host $host
 *   (421 from an mTLS nginx upstream), and shares TLS sessions with two other identities.
 * - "/passthrough" presents the client certificate to an unverified upstream, shares the
 *   session cache, uses proxy_set_header inside "if" (refused) and forwards the
 *   client-supplied X-SSL-CERT.
 * - Server B :8081 sends no SNI, shares sessions, forwards the client-supplied X-Client-Cert.
 */
const EXPECTED = [
  'conf.d/server-a.conf:17 tls.deprecated-ssl-client-cert warning',
  'sites-enabled/server-b:9 tls.session-reuse-identity-leak warning',
  'sites-enabled/server-b:9 tls.upstream-name-mismatch information',
  'sites-enabled/server-b:18 tls.upstream-name-mismatch warning',
  'sites-enabled/server-b:24 tls.session-reuse-identity-leak warning',
  'sites-enabled/server-b:24 tls.upstream-unverified error',
  'sites-enabled/server-b:30 mtls.identity-header-spoofable error',
  'sites-enabled/server-b:30 nginx.directive-not-allowed error',
  'sites-enabled/server-b:41 tls.session-reuse-identity-leak warning',
  'sites-enabled/server-b:41 tls.upstream-name-mismatch information',
  'sites-enabled/server-b:53 mtls.identity-header-spoofable error',
];

describe('mTLS scenario (examples/)', () => {
  it('reports exactly the expected findings', async () => {
    const root = path.join(REPO_ROOT, 'examples/etc/nginx');
    const ws = workspace(undefined, [contextRules, ...MTLS_FAMILIES]);
    const files = ['nginx.conf', 'conf.d/server-a.conf', 'sites-enabled/server-b'].map((f) => path.join(root, f));
    const results = await ws.analyzeFiles(files, [path.join(root, 'nginx.conf')]);
    const actual: string[] = [];
    for (const analysis of results.values()) {
      assert.deepEqual(analysis.failures, []);
      for (const f of analysis.findings) {
        if (!MTLS_CODES.has(f.code) && f.code !== 'nginx.directive-not-allowed') continue;
        actual.push(`${path.relative(root, f.file)}:${analysis.file.lines.positionAt(f.start).line + 1} ${f.code} ${f.severity}`);
      }
    }
    actual.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const expected = [...EXPECTED].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    assert.deepEqual(actual, expected);
  });
});

describe('rules over include trees', () => {
  it('sees headers and client verification inherited from nginx.conf in conf.d files', async () => {
    const dir = writeTree({
      'nginx.conf': [
        'events {}',
        'http {',
        '    ssl_verify_client on;',
        '    proxy_set_header X-Client-Cert $ssl_client_escaped_cert;',
        '    include conf.d/*.conf;',
        '}',
        '',
      ].join('\n'),
      'conf.d/app.conf': [
        'server {',
        '    listen 443 ssl;',
        '    ssl_certificate /etc/nginx/ssl/a.crt;',
        '    ssl_certificate_key /etc/nginx/ssl/a.key;',
        '    location / {',
        '        proxy_pass http://127.0.0.1:8000;',
        '        proxy_set_header X-Request-Id $request_id;',
        '    }',
        '}',
        '',
      ].join('\n'),
    });
    const ws = workspace();
    const main = path.join(dir, 'nginx.conf');
    const app = path.join(dir, 'conf.d/app.conf');
    const results = await ws.analyzeFiles([main, app], [main]);
    const appFindings = results.get(app)?.findings ?? [];
    const drop = appFindings.find((f) => f.code === 'proxy.header-inheritance-drop');
    assert.ok(drop, 'the location drops the http-level identity header');
    assert.equal(drop.severity, 'error');
    assert.equal(drop.related?.[0].file, main);
    // ssl_verify_client at http level without a CA: nginx refuses it for this server, which
    // is where it is reported (the http-level statement is related information).
    const noCa = appFindings.find((f) => f.code === 'tls.verify-client-no-ca');
    assert.ok(noCa?.nginxRefuses);
    assert.equal(noCa.related?.[0].file, main);
  });
});

describe('version-dependent wording', () => {
  const server = (extra: string) => `# nginx-mtls-context: http\nserver {\n    listen 443 ssl;\n    ssl_certificate /x/a.crt;\n    ssl_certificate_key /x/a.key;\n${extra}\n}\n`;

  it('ssl_verify_client without CA before and from 1.27.2', async () => {
    const old = await analyzeText(server('    ssl_verify_client on;'), { version: '1.22.1' });
    const current = await analyzeText(server('    ssl_verify_client on;'), { version: '1.27.2' });
    const m1 = old.findings.find((f) => f.code === 'tls.verify-client-no-ca')?.message ?? '';
    const m2 = current.findings.find((f) => f.code === 'tls.verify-client-no-ca')?.message ?? '';
    assert.match(m1, /^nginx rejects this: no ssl_client_certificate for ssl_verify_client\./);
    assert.match(m2, /^nginx rejects this: no ssl_client_certificate or ssl_trusted_certificate for ssl_verify_client\./);
  });

  it('ssl_trusted_certificate satisfies ssl_verify_client only from 1.27.2', async () => {
    const text = server('    ssl_trusted_certificate /x/ca.crt;\n    ssl_verify_client on;');
    const old = await analyzeText(text, { version: '1.26.2' });
    const current = await analyzeText(text, { version: '1.27.2' });
    assert.match(old.findings.find((f) => f.code === 'tls.verify-client-no-ca')?.message ?? '', /only from nginx 1\.27\.2; the target version is 1\.26\.2/);
    assert.equal(current.findings.filter((f) => f.code === 'tls.verify-client-no-ca').length, 0);
  });

  it('"ssl on" is its own rule: a warning from 1.15.0, information before, gone from 1.25.1', async () => {
    const text = '# nginx-mtls-context: http\nserver {\n    listen 443;\n    ssl on;\n    ssl_certificate /x/a.crt;\n    ssl_certificate_key /x/a.key;\n}\n';
    const oldest = await analyzeText(text, { version: '1.14.2' });
    const old = await analyzeText(text, { version: '1.24.0' });
    const current = await analyzeText(text, { version: '1.25.1' });
    const code = 'tls.ssl-directive-deprecated';
    assert.deepEqual(oldest.findings.filter((f) => f.code === code).map((f) => f.severity), ['information']);
    assert.ok(old.findings.some((f) => f.code === code && f.severity === 'warning' && f.message.includes('the "ssl" directive is deprecated, use the "listen ... ssl" directive instead')));
    assert.ok(!old.findings.some((f) => f.code === 'tls.weak-protocols-ciphers' && f.message.includes('"ssl" directive')), 'not reported under the protocol rule');
    assert.ok(!current.findings.some((f) => f.message.includes('"ssl" directive is deprecated')));
  });

  it('turning tls.weak-protocols-ciphers off keeps the "ssl on" deprecation', async () => {
    const dir = writeTree({ 'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 443;\n        ssl on;\n        ssl_protocols TLSv1;\n        ssl_certificate /x/a.crt;\n        ssl_certificate_key /x/a.key;\n    }\n}\n' });
    const main = path.join(dir, 'nginx.conf');
    const ws = new WorkspaceAnalysis({
      fs: new NodeFileSystem(), now: () => new Date('2025-06-01T00:00:00Z'), families: MTLS_FAMILIES,
      settings: { ...DEFAULT_SETTINGS, targetVersion: '1.22.1', rules: { 'tls.weak-protocols-ciphers': 'off' } },
    });
    const found = (await ws.analyzeFiles([main], [main])).get(main)?.findings.map((f) => f.code) ?? [];
    assert.ok(found.includes('tls.ssl-directive-deprecated'), found.join(', '));
    assert.ok(!found.includes('tls.weak-protocols-ciphers'), found.join(', '));
  });

  it('default protocols are weak before 1.27.3 only', async () => {
    const text = '# nginx-mtls-context: http\nserver {\n    listen 443 ssl;\n    ssl_certificate /x/a.crt;\n    ssl_certificate_key /x/a.key;\n}\n';
    const v1234 = await analyzeText(text, { version: '1.23.4' });
    const v1273 = await analyzeText(text, { version: '1.27.3' });
    assert.match(v1234.findings.find((f) => f.code === 'tls.weak-protocols-ciphers')?.message ?? '', /TLSv1 TLSv1\.1 TLSv1\.2 TLSv1\.3/);
    assert.equal(v1273.findings.filter((f) => f.code === 'tls.weak-protocols-ciphers').length, 0);
  });

  it('quotes nginx for refused upstream problems', async () => {
    const { findings } = await analyzeText('# nginx-mtls-context: http\nserver {\n  location / {\n    grpc_pass grpcs://b.example.com;\n    grpc_ssl_verify on;\n    grpc_ssl_certificate /x/c.crt;\n  }\n}\n');
    const messages = findings.filter((f) => f.nginxRefuses).map((f) => f.message.split('.')[0]);
    assert.deepEqual(messages.sort(), [
      'nginx rejects this: no "grpc_ssl_certificate_key" is defined for certificate "/x/c',
      'nginx rejects this: no grpc_ssl_trusted_certificate for grpc_ssl_verify',
    ]);
  });
});
