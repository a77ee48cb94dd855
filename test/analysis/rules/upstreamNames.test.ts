/**
 * tls.upstream-name-mismatch: the name nginx verifies (proxy_ssl_name, else the upstream block
 * name or pass host) is checked against the certificate of a local peer when the tree serves
 * it, and otherwise judged only by what kind of name it is.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createCertificate } from '../../../server/src/pki/testPkiGenerator';
import { NOT_AFTER, NOT_BEFORE } from '../../certificates/fixtures';
import { workspace, writeTree } from './mtlsRuleHelpers';
import { upstreamNameKind } from '../../../server/src/analysis/rules/upstreamPeers';

const CODE = 'tls.upstream-name-mismatch';

function certificatePem(sans: string[]): string {
  return createCertificate({ subject: `CN=${sans[0]}`, keyType: 'ec', notBefore: NOT_BEFORE, notAfter: NOT_AFTER, sans }).pem;
}

/** Server B proxies to `upstream` (written as given) and Server A listens on 443 with `certSans`. */
async function scenario(options: { upstream: string; pass?: string; certSans?: string[]; serverA?: string; proxyExtra?: string; certFile?: string; otherCerts?: Record<string, string[]>; sni?: 'on' | 'off' }): Promise<{ severity: string; message: string; line: number }[]> {
  const files: Record<string, string> = {
    'nginx.conf': [
      'events {}',
      'http {',
      options.upstream,
      options.serverA ?? [
        '    server {',
        '        listen 443 ssl;',
        '        server_name serverA.example.com;',
        `        ssl_certificate ${options.certFile ?? 'ssl/server.crt'};`,
        '        ssl_certificate_key ssl/server.key;',
        '    }',
      ].join('\n'),
      '    server {',
      '        listen 8080;',
      '        location / {',
      `            proxy_pass ${options.pass ?? 'https://serverA.example.com'};`,
      '            proxy_ssl_verify on;',
      '            proxy_ssl_trusted_certificate ssl/ca.crt;',
      `            proxy_ssl_server_name ${options.sni ?? 'on'};`,
      options.proxyExtra ?? '',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n'),
  };
  if (options.certSans) files['ssl/server.crt'] = certificatePem(options.certSans);
  for (const [file, sans] of Object.entries(options.otherCerts ?? {})) files[file] = certificatePem(sans);
  const dir = writeTree(files);
  const main = path.join(dir, 'nginx.conf');
  const results = await workspace('1.22.1').analyzeFiles([main], [main]);
  const analysis = results.get(main);
  assert.ok(analysis);
  return analysis.findings.filter((f) => f.code === CODE)
    .map((f) => ({ severity: f.severity, message: f.message, line: analysis.file.lines.positionAt(f.start).line + 1 }));
}

const UPSTREAM_A = '    upstream serverA.example.com { server 127.0.0.1:443; }';

describe('tls.upstream-name-mismatch: upstream blocks named after their host', () => {
  it('says nothing when the local peer certificate covers the upstream block name', async () => {
    assert.deepEqual(await scenario({ upstream: UPSTREAM_A, certSans: ['DNS:serverA.example.com'] }), []);
  });

  it('says nothing for a registered DNS name whose peer it cannot see', async () => {
    assert.deepEqual(await scenario({ upstream: '    upstream serverA.example.com { server 10.0.0.7:443; }' }), []);
  });

  it('reports an error when the local peer certificate does not cover the name', async () => {
    const found = await scenario({ upstream: UPSTREAM_A, certSans: ['DNS:other.example.com'] });
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'error');
    assert.match(found[0].message, /covers DNS:other\.example\.com but not "serverA\.example\.com"/);
    assert.match(found[0].message, /the local server on \*:443/);
  });

  it('checks the server SNI selects on a shared address, and the default server without SNI', async () => {
    const serverA = [
      '    server { listen 443 ssl default_server; server_name default.example.com; ssl_certificate ssl/default.crt; ssl_certificate_key ssl/d.key; }',
      '    server { listen 443 ssl; server_name serverA.example.com; ssl_certificate ssl/server.crt; ssl_certificate_key ssl/server.key; }',
    ].join('\n');
    const setup = { upstream: UPSTREAM_A, serverA, certSans: ['DNS:serverA.example.com'], otherCerts: { 'ssl/default.crt': ['DNS:default.example.com'] } };
    assert.deepEqual(await scenario(setup), [], 'with SNI the named server answers');
    // Without SNI the default server answers with its own certificate.
    const noSni = await scenario({ ...setup, sni: 'off' });
    const errors = noSni.filter((f) => f.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /default\.crt .*covers DNS:default\.example\.com but not "serverA\.example\.com"/);
  });

  it('in one check, answers a path with SNI and one without to the same upstream each by its own server', async () => {
    // The peers of an upstream are looked for once per check and name: whether SNI is sent is part of that.
    const serverA = [
      '    server { listen 443 ssl default_server; server_name default.example.com; ssl_certificate ssl/default.crt; ssl_certificate_key ssl/d.key; }',
      '    server { listen 443 ssl; server_name serverA.example.com; ssl_certificate ssl/server.crt; ssl_certificate_key ssl/server.key; }',
    ].join('\n');
    const second = [
      '        }',
      '        location /plain {',
      '            proxy_pass https://serverA.example.com;',
      '            proxy_ssl_verify on;',
      '            proxy_ssl_trusted_certificate ssl/ca.crt;',
      '            proxy_ssl_server_name off;',
    ].join('\n');
    const found = await scenario({ upstream: UPSTREAM_A, serverA, certSans: ['DNS:serverA.example.com'], otherCerts: { 'ssl/default.crt': ['DNS:default.example.com'] }, proxyExtra: second });
    const errors = found.filter((f) => f.severity === 'error');
    assert.equal(errors.length, 1, JSON.stringify(found));
    assert.match(errors[0].message, /default\.crt .*but not "serverA\.example\.com"/);
    assert.equal(errors[0].line, 15, 'on the pass of the location without SNI');
  });

  it('says nothing about the name when the local peer certificate cannot be read', async () => {
    assert.deepEqual(await scenario({ upstream: UPSTREAM_A, certFile: 'ssl/missing.crt' }), []);
  });

  it('checks a pass address that a local listen accepts', async () => {
    const found = await scenario({ upstream: '', pass: 'https://127.0.0.1:443', certSans: ['DNS:serverA.example.com'], proxyExtra: '            proxy_ssl_name serverB.example.com;' });
    assert.deepEqual(found.map((f) => f.severity), ['error']);
  });

  it('is information, not an error, for a name only a private CA could issue', async () => {
    const found = await scenario({ upstream: '    upstream backend { server 10.0.0.7:443; }', pass: 'https://backend' });
    assert.deepEqual(found.map((f) => f.severity), ['information']);
    assert.match(found[0].message, /private CA/);
  });

  it('accepts a single-label name that the local peer certificate lists', async () => {
    assert.deepEqual(await scenario({ upstream: '    upstream backend { server 127.0.0.1:443; }', pass: 'https://backend', certSans: ['DNS:backend'] }), []);
  });
});

describe('upstreamNameKind', () => {
  it('tells registered DNS names from names only a private CA issues', () => {
    for (const name of ['serverA.example.com', 'api.internal.example.com', 'xn--bcher-kva.example', 'a-b.example.org.']) {
      assert.equal(upstreamNameKind(name), 'public-dns', name);
    }
    for (const name of ['backend', 'app_servers', 'api_1.example.com', 'host.local1', '-bad.example.com', '10.0.0.1']) {
      assert.equal(upstreamNameKind(name), 'private-only', name);
    }
  });
});
