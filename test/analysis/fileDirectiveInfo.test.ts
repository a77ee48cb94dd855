import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileDirectiveInfo } from '../../server/src/analysis/tlsFileReferences';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';

describe('fileDirectiveInfo', () => {
  it('names the family and role of every file-valued TLS directive, and nothing else', () => {
    const roles = [...getDirectiveTable().names()].sort().flatMap((name) => {
      const info = fileDirectiveInfo(name);
      return info ? [`${name}: ${info.family} ${info.role}`] : [];
    });
    for (const expected of [
      'ssl_certificate: ssl certificate', 'ssl_certificate_key: ssl key', 'ssl_client_certificate: ssl ca-bundle',
      'proxy_ssl_trusted_certificate: proxy_ssl ca-bundle', 'grpc_ssl_crl: grpc_ssl crl', 'uwsgi_ssl_password_file: uwsgi_ssl password',
      'ssl_stapling_file: ssl ocsp-response', 'ssl_dhparam: ssl dhparam', 'ssl_session_ticket_key: ssl ticket-key',
    ]) assert.ok(roles.includes(expected), expected);
    // Server-side only suffixes have no upstream variant, and other directives have no role.
    for (const name of ['proxy_ssl_client_certificate', 'grpc_ssl_dhparam', 'ssl_protocols', 'proxy_pass', 'x_ssl_certificate', 'ssl_']) {
      assert.equal(fileDirectiveInfo(name), undefined, name);
    }
  });

  it('answers a name from memory after the first time (asked for every statement of every check)', () => {
    const info = fileDirectiveInfo('proxy_ssl_certificate_key');
    assert.deepEqual(info, { family: 'proxy_ssl', role: 'key', suffix: 'certificate_key' });
    assert.equal(fileDirectiveInfo('proxy_ssl_certificate_key'), info);
  });
});
