import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { focusOf } from '../../server/src/analysis/analysisFocus';
import type { RuleContext } from '../../server/src/analysis/ruleContext';
import { collectFileReferences, fileDirectiveInfo, type FileReference } from '../../server/src/analysis/tlsFileReferences';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { analyzeText } from './rules/mtlsRuleHelpers';

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

describe('collectFileReferences', () => {
  it('walks a list once per analysis: families asking for the same statements get the same references', async () => {
    const seen: FileReference[][] = [];
    const asking = (name: string) => ({
      // A family with no rule that is on does not run.
      name, rules: [{ code: 'test.references', category: 'certificate' as const, severity: 'information' as const, title: 'test', nginxRefuses: false }],
      run: (context: RuleContext) => {
        seen.push(collectFileReferences(context, focusOf(context).nodes));
        const one = focusOf(context).nodes.find((n) => n.directive.name === 'ssl_certificate_key');
        seen.push(collectFileReferences(context, one ? [one] : []));
        return [];
      },
    });
    await analyzeText('events {}\nhttp { server { ssl_certificate a.crt; ssl_certificate_key a.key; proxy_ssl_trusted_certificate ca.pem; } }\n', { families: [asking('first'), asking('second')] });
    const [all, one, again, oneAgain] = seen;
    assert.deepEqual(all.map((r) => `${r.info.family} ${r.info.role} ${r.written}`), ['ssl certificate a.crt', 'ssl key a.key', 'proxy_ssl ca-bundle ca.pem']);
    assert.equal(again, all);
    assert.deepEqual(one.map((r) => r.written), ['a.key']);
    assert.deepEqual(oneAgain, one);
  });
});
