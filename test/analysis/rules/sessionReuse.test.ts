/** Locations sharing an upstream's TLS session cache with another client identity: counts and related locations. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from './mtlsRuleHelpers';

const CODE = 'tls.session-reuse-identity-leak';

/** One server whose locations all proxy to the same upstream; `admin` ones present a client certificate. */
function config(kinds: readonly ('admin' | 'public')[]): string {
  const locations = kinds.map((kind, i) => kind === 'admin'
    ? `        location /${kind}${i} {\n            proxy_pass https://api.example.com;\n            proxy_ssl_certificate /etc/nginx/ssl/admin.crt;\n            proxy_ssl_certificate_key /etc/nginx/ssl/admin.key;\n        }\n`
    : `        location /${kind}${i} {\n            proxy_pass https://api.example.com;\n        }\n`);
  return `events {}\nhttp {\n    server {\n        listen 8080;\n        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate /etc/nginx/ssl/ca.crt;\n        proxy_ssl_server_name on;\n${locations.join('')}    }\n}\n`;
}

/** The location a finding or related location is on, by the line of its proxy_pass. */
function locationAt(text: string, start: number): string {
  const before = text.slice(0, start);
  return /location (\/\w+) \{[^{}]*$/.exec(before)?.[1] ?? '?';
}

describe('tls.session-reuse-identity-leak', () => {
  it('counts, per location, the others of the group with another identity, and relates the first five in order', async () => {
    const kinds = ['admin', 'public', 'admin', 'public', 'public', 'public', 'public', 'public', 'admin'] as const;
    const { findings, text } = await analyzeText(config(kinds));
    const leaks = findings.filter((f) => f.code === CODE);
    assert.equal(leaks.length, kinds.length);
    const admin = leaks.find((f) => locationAt(text, f.start) === '/admin0');
    assert.ok(admin);
    assert.match(admin.message, / with 6 other block\(s\) /);
    assert.deepEqual(admin.related?.map((r) => locationAt(text, r.start)), ['/public1', '/public3', '/public4', '/public5', '/public6']);
    const plain = leaks.find((f) => locationAt(text, f.start) === '/public4');
    assert.ok(plain);
    assert.match(plain.message, / with 3 other block\(s\) /);
    assert.deepEqual(plain.related?.map((r) => locationAt(text, r.start)), ['/admin0', '/admin2', '/admin8']);
  });

  it('says nothing when every location of the group presents the same identity', async () => {
    const { findings } = await analyzeText(config(['admin', 'admin', 'admin']));
    assert.deepEqual(findings.filter((f) => f.code === CODE), []);
  });
});
