/**
 * proxy.header-inheritance-drop names what is lost and calls a header identity or anti-spoofing
 * only when it is one (the classification of identityHeaderRules.protectiveRole).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protectiveRole } from '../../../server/src/analysis/rules/identityHeaderRules';
import { analyzeText } from './mtlsRuleHelpers';

async function dropOf(serverHeaders: string[]): Promise<{ severity: string; message: string }> {
  const text = [
    '# nginx-mtls-context: http',
    'server {',
    '    listen 8080;',
    ...serverHeaders.map((h) => `    proxy_set_header ${h};`),
    '    location /api {',
    '        proxy_pass http://127.0.0.1:8000;',
    '        proxy_set_header X-Request-Id $request_id;',
    '    }',
    '}',
    '',
  ].join('\n');
  const found = (await analyzeText(text)).findings.filter((f) => f.code === 'proxy.header-inheritance-drop');
  assert.equal(found.length, 1);
  return { severity: found[0].severity, message: found[0].message };
}

describe('proxy.header-inheritance-drop wording and severity', () => {
  it('a dropped Accept-Encoding "" is information and no security claim', async () => {
    const drop = await dropOf(['Accept-Encoding ""']);
    assert.equal(drop.severity, 'information');
    assert.doesNotMatch(drop.message, /identity|spoof|trust/i);
    assert.match(drop.message, /Accept-Encoding/);
  });

  it('a dropped plain value is a warning without a security claim', async () => {
    const drop = await dropOf(['Host $proxy_host', 'Connection ""']);
    assert.equal(drop.severity, 'warning');
    assert.doesNotMatch(drop.message, /identity|client address/i);
  });

  it('names the client-address headers among the dropped ones (warning)', async () => {
    const drop = await dropOf(['X-Real-IP $remote_addr', 'X-Forwarded-For $proxy_add_x_forwarded_for', 'Accept-Encoding ""']);
    assert.equal(drop.severity, 'warning');
    assert.match(drop.message, /X-Real-IP \(client address\), X-Forwarded-For \(client address\)\.$/);
    assert.doesNotMatch(drop.message, /Accept-Encoding \(/);
  });

  it('a dropped client-identity header is an error that names it', async () => {
    const drop = await dropOf(['X-SSL-Client-DN $ssl_client_s_dn', 'X-Request-Start $msec']);
    assert.equal(drop.severity, 'error');
    assert.match(drop.message, /X-SSL-Client-DN \(client identity\)\.$/);
  });

  it('a cleared identity header is still protective', async () => {
    const drop = await dropOf(['X-Client-Cert ""']);
    assert.equal(drop.severity, 'error');
  });
});

describe('protectiveRole', () => {
  it('classifies by name and by value', () => {
    assert.equal(protectiveRole('Accept-Encoding', ''), undefined);
    assert.equal(protectiveRole('X-Request-Id', '$request_id'), undefined);
    assert.equal(protectiveRole('Host', '$host'), undefined);
    assert.equal(protectiveRole('Forwarded', 'for=$remote_addr'), 'client address');
    assert.equal(protectiveRole('X-Forwarded-Proto', '$scheme'), 'client address');
    assert.equal(protectiveRole('X-Origin', '$remote_addr'), 'client address');
    assert.equal(protectiveRole('X-Client-IP', ''), 'client address');
    assert.equal(protectiveRole('X-Client-Foo', '$request_id'), 'client identity');
    assert.equal(protectiveRole('X-SSL-Anything', ''), 'client identity');
    assert.equal(protectiveRole('X-Remote-User', '$remote_user'), 'client identity');
    assert.equal(protectiveRole('X-Who', '$ssl_client_s_dn'), 'client identity');
  });
});
