/** Quick fixes: applying the edits yields a config that parses cleanly and no longer has the finding. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolvedFinding } from '../../../server/src/analysis/analyzer';
import type { Fix } from '../../../server/src/analysis/finding';
import { parseFile } from '../../../server/src/model/parsedFile';
import { applyEdits, fixAllAction, quickFixActions, FIX_ALL_KIND } from '../../../server/src/service/quickFixes';
import { MTLS_FAMILIES, analyzeText, contextRules } from './mtlsRuleHelpers';

const FAMILIES = [contextRules, ...MTLS_FAMILIES];

async function check(text: string, code: string, pick: (fixes: Fix[]) => Fix | undefined = (f) => f[0], version?: string): Promise<string> {
  const before = await analyzeText(text, { families: FAMILIES, version });
  const finding = before.findings.find((f) => f.code === code);
  assert.ok(finding, `expected ${code}; got ${before.findings.map((f) => f.code).join(', ')}`);
  const fix = pick(finding.fixes ?? []);
  assert.ok(fix, `${code} offers the fix`);
  assert.ok(fix.edits.every((e) => e.file === before.file), 'edits stay in the file');
  const fixed = applyEdits(text, fix.edits);
  assert.deepEqual(parseFile('x.conf', fixed).syntax.problems, [], `fixed text parses:\n${fixed}`);
  const after = await analyzeText(fixed, { families: FAMILIES, version });
  assert.deepEqual(after.findings.filter((f) => f.code === code && f.message === finding.message).map((f) => f.message), [], `finding is gone after the fix:\n${fixed}`);
  return fixed;
}

const HTTP = '# nginx-mtls-context: http\n';

describe('mTLS quick fixes', () => {
  it('$ssl_client_cert → $ssl_client_escaped_cert (safe)', async () => {
    const fixed = await check(`${HTTP}server {\n    listen 8080;\n    location / {\n        proxy_pass http://b;\n        proxy_set_header X-Client-Cert $ssl_client_cert;\n    }\n}\n`, 'tls.deprecated-ssl-client-cert');
    assert.match(fixed, /X-Client-Cert \$ssl_client_escaped_cert;/);
  });

  it('lifts a redundant if around proxy_set_header (scenario /passthrough)', async () => {
    const text = `${HTTP}server {\n    listen 8080;\n    location /passthrough {\n        proxy_pass https://serverA.example.com;\n\n        # Pass through\n        if ($http_x_ssl_cert) {\n            proxy_set_header X-SSL-CERT $http_x_ssl_cert;\n        }\n    }\n}\n`;
    const fixed = await check(text, 'nginx.directive-not-allowed', (f) => f.find((x) => x.safe));
    assert.match(fixed, /\n        proxy_set_header X-SSL-CERT \$http_x_ssl_cert;\n    }\n}/);
    assert.doesNotMatch(fixed, /if \(/);
  });

  it('rewrites a real condition into an http-level map', async () => {
    const text = `${HTTP}server {\n    listen 8080;\n    location / {\n        proxy_pass http://b;\n        if ($ssl_client_verify = SUCCESS) {\n            proxy_set_header X-Verified "yes";\n        }\n    }\n}\n`;
    const fixed = await check(text, 'nginx.directive-not-allowed');
    assert.match(fixed, /^# nginx-mtls-context: http\nmap \$ssl_client_verify \$x_verified_value \{\n    SUCCESS yes;\n    default ""; *\n\}\n\nserver \{/);
    assert.match(fixed, /proxy_set_header X-Verified \$x_verified_value;/);
  });

  it('keeps other statements of the if when lifting', async () => {
    const text = `${HTTP}server {\n    listen 8080;\n    location / {\n        proxy_pass http://b;\n        if ($http_x_cert) {\n            proxy_set_header X-Cert $http_x_cert;\n            return 403;\n        }\n    }\n}\n`;
    const fixed = await check(text, 'nginx.directive-not-allowed');
    assert.match(fixed, /proxy_set_header X-Cert \$http_x_cert;\n        if \(\$http_x_cert\) \{\n            return 403;\n        \}/);
  });

  it('copies inherited headers into the block, skipping redefined names', async () => {
    const text = `${HTTP}server {\n    listen 8080;\n    proxy_set_header X-A a;\n    proxy_set_header X-B b;\n    location / {\n        proxy_pass http://b;\n        proxy_set_header X-B other;\n    }\n}\n`;
    const fixed = await check(text, 'proxy.header-inheritance-drop');
    assert.match(fixed, /location \/ \{\n        proxy_pass http:\/\/b;\n        proxy_set_header X-A a;\n        proxy_set_header X-B other;/);
  });

  it('merges duplicated ssl_protocols (safe)', async () => {
    const fixed = await check(`${HTTP}ssl_protocols TLSv1.2;\nssl_protocols TLSv1.3;\n`, 'tls.weak-protocols-ciphers');
    assert.equal(fixed, `${HTTP}ssl_protocols TLSv1.2 TLSv1.3;\n`);
  });

  it('replaces "ssl on" by listen ... ssl (safe)', async () => {
    const text = `${HTTP}server {\n    listen 443;\n    listen [::]:443 default_server;\n    ssl on;\n    ssl_protocols TLSv1.2;\n    ssl_certificate /x/a.crt;\n    ssl_certificate_key /x/a.key;\n}\n`;
    const fixed = await check(text, 'tls.ssl-directive-deprecated', (f) => f.find((x) => x.safe), '1.22.1');
    assert.match(fixed, /listen 443 ssl;\n    listen \[::\]:443 ssl default_server;\n    ssl_protocols/);
  });

  it('offers the "ssl on" rewrite as unsafe where another server is the default of the address', async () => {
    // nginx takes "ssl on" from the address's default server: here the plain server on :8443
    // keeps the address plain, and "listen 8443 ssl" would turn it to TLS.
    const text = `${HTTP}server {\n    listen 8443;\n    server_name plain.example.com;\n}\nserver {\n    listen 8443;\n    server_name tls.example.com;\n    ssl on;\n    ssl_certificate /x/a.crt;\n    ssl_certificate_key /x/a.key;\n}\n`;
    const { findings } = await analyzeText(text, { families: FAMILIES, version: '1.22.1' });
    const fixes = findings.find((f) => f.code === 'tls.ssl-directive-deprecated')?.fixes ?? [];
    assert.equal(fixes.length, 1);
    assert.equal(fixes[0].safe, false);
    assert.match(fixes[0].title, /other servers on these addresses become TLS too/);
  });

  it('turns session reuse off where identities differ', async () => {
    const text = `${HTTP}server {\n    listen 8080;\n    location /a {\n        proxy_pass https://api.example.com;\n        proxy_ssl_certificate /x/c.crt;\n        proxy_ssl_certificate_key /x/c.key;\n        proxy_ssl_session_reuse on;\n    }\n    location /b {\n        proxy_pass https://api.example.com;\n    }\n}\n`;
    const fixed = await check(text, 'tls.session-reuse-identity-leak');
    assert.match(fixed, /proxy_ssl_session_reuse off;/);
    assert.doesNotMatch(fixed, /proxy_ssl_session_reuse on;/);
  });

  it('inserts proxy_ssl_name for an upstream block', async () => {
    const text = `${HTTP}upstream backend {\n    server api.internal.example.com:443;\n}\nserver {\n    listen 8080;\n    location / {\n        proxy_pass https://backend;\n        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate /x/ca.crt;\n    }\n}\n`;
    const fixed = await check(text, 'tls.upstream-name-mismatch');
    assert.match(fixed, /proxy_pass https:\/\/backend;\n        proxy_ssl_name api\.internal\.example\.com;\n        proxy_ssl_server_name on;/);
  });

  it('fix-all applies every safe fix once and LSP actions carry their diagnostics', async () => {
    const text = `${HTTP}ssl_protocols TLSv1.2;\nssl_protocols TLSv1.3;\nserver {\n    listen 8080;\n    location / {\n        proxy_pass http://b;\n        proxy_set_header X-Client-Cert $ssl_client_cert;\n        proxy_set_header X-Client-Raw $ssl_client_cert;\n    }\n}\n`;
    const { findings, file } = await analyzeText(text, { families: FAMILIES });
    const parsed = parseFile(file, text);
    const toUri = (p: string) => `file://${p}`;
    const all = fixAllAction(parsed, findings, toUri);
    assert.ok(all);
    assert.equal(all.kind, FIX_ALL_KIND);
    const lspEdits = all.edit?.changes?.[toUri(file)] ?? [];
    assert.equal(lspEdits.length, 4);
    const offsetEdits = lspEdits.map((e) => ({ file, start: parsed.lines.offsetAt(e.range.start), end: parsed.lines.offsetAt(e.range.end), newText: e.newText }));
    const fixed = applyEdits(text, offsetEdits);
    const after = await analyzeText(fixed, { families: FAMILIES });
    assert.deepEqual(after.findings.filter((f) => f.code === 'tls.deprecated-ssl-client-cert' || f.code === 'tls.weak-protocols-ciphers'), []);
    const deprecated = findings.find((f) => f.code === 'tls.deprecated-ssl-client-cert') as ResolvedFinding;
    const actions = quickFixActions(parsed, findings, { start: deprecated.start, end: deprecated.start }, toUri);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'quickfix');
    assert.equal(actions[0].isPreferred, true);
    assert.equal(actions[0].diagnostics?.[0].code, 'tls.deprecated-ssl-client-cert');
  });
});
