// Issue #14: argument completion that knows which argument the cursor is on and what nginx
// accepts there, without offering syntax placeholders as if they were keywords.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompletionItemKind } from 'vscode-languageserver-types';
import { itemRange } from '../../server/src/service/completion';
import { completeAt, item } from './completionHelpers';

const inLocation = (line: string): string => `http {\n  server {\n    location / {\n      ${line}\n    }\n  }\n}\n`;

describe('completion: positional values from nginx\'s enum and bitmask tables', () => {
  it('offers proxy_http_version values, following the target version', async () => {
    const old = await completeAt(inLocation('proxy_http_version |;'), { targetVersion: '1.22.1' });
    assert.deepEqual(old.labels.sort(), ['1.0', '1.1']);
    assert.equal(item(old.items, '1.1').kind, CompletionItemKind.EnumMember);
    assert.match(String(item(old.items, '1.1').documentation), /ngx_http_proxy_module\.c/);
    const modern = await completeAt(inLocation('proxy_http_version |;'), { targetVersion: '1.30.0' });
    assert.ok(modern.labels.includes('2'), 'HTTP/2 to upstreams arrived in 1.29.4');
  });

  it('offers enum values only as the first argument, and on/off for flags', async () => {
    const second = await completeAt('http { server { ssl_verify_client on |; } }');
    assert.deepEqual(second.labels, []);
    const flag = await completeAt(inLocation('proxy_ssl_verify |;'));
    assert.deepEqual(flag.labels.sort(), ['off', 'on']);
    const enumNotInSyntax = await completeAt('http { server_tokens |; }');
    assert.deepEqual(enumNotInSyntax.labels.sort(), ['build', 'off', 'on']);
  });

  it('offers the remaining bitmask values at every position', async () => {
    const { labels } = await completeAt('http { server { ssl_protocols TLSv1.2 |; } }');
    assert.ok(labels.includes('TLSv1.3'));
    assert.ok(!labels.includes('TLSv1.2'), 'a value already given is offered again');
  });

  it('does not offer syntax placeholders (field, ciphers) or later options (always) as the first argument', async () => {
    const header = await completeAt(inLocation('proxy_set_header |;'));
    assert.ok(!header.labels.includes('field'), 'placeholder "field" offered');
    const ciphers = await completeAt('http { server { ssl_ciphers |; } }');
    assert.ok(!ciphers.labels.includes('ciphers'), 'placeholder "ciphers" offered');
    const add = await completeAt(inLocation('add_header |;'));
    assert.ok(!add.labels.includes('always'), '`always` offered where the header name goes');
    const third = await completeAt(inLocation('add_header X-Frame-Options DENY |;'));
    assert.ok(third.labels.includes('always'));
    const listen = await completeAt('http { server { listen |; } }');
    assert.ok(!listen.labels.includes('ssl'), '`ssl` offered in place of the address');
  });
});

describe('completion: header names', () => {
  it('offers request headers for proxy_set_header, including the mTLS identity headers', async () => {
    const { items, labels } = await completeAt(inLocation('proxy_set_header X-|;'));
    for (const name of ['X-Forwarded-For', 'X-Real-IP', 'X-Client-Cert', 'X-Client-Verify']) assert.ok(labels.includes(name), name);
    for (const name of ['Host', 'Connection', 'Upgrade']) assert.ok(labels.includes(name), name);
    assert.ok(!labels.includes('Strict-Transport-Security'), 'a response header offered for proxy_set_header');
    const forwarded = item(items, 'X-Forwarded-For');
    assert.equal(forwarded.kind, CompletionItemKind.Field);
    assert.ok(forwarded.documentation, 'needs documentation');
    assert.deepEqual(itemRange(forwarded), { start: { line: 3, character: 23 }, end: { line: 3, character: 25 } });
    const second = await completeAt(inLocation('proxy_set_header Host |;'));
    assert.ok(!second.labels.includes('X-Forwarded-For'), 'header names offered as the value');
  });

  it('offers response headers for add_header and more_set_headers', async () => {
    const add = await completeAt('http { server { add_header |; } }');
    for (const name of ['Strict-Transport-Security', 'Content-Security-Policy', 'X-Content-Type-Options']) assert.ok(add.labels.includes(name), name);
    assert.ok(!add.labels.includes('X-Forwarded-For'));
    const more = await completeAt('http { server { more_set_headers "Strict|"; } }');
    assert.equal(item(more.items, 'Strict-Transport-Security').textEdit?.newText, '"Strict-Transport-Security: ');
  });
});

describe('completion: named locations and location modifiers', () => {
  const site = (line: string): string => `http {\n  server {\n    location @fallback { return 404; }\n    location @app { proxy_pass http://backend; }\n    location / {\n      ${line}\n    }\n  }\n}\n`;

  it('offers @names as the last argument of try_files and error_page, and for post_action', async () => {
    const tryFiles = await completeAt(site('try_files $uri @|;'));
    assert.deepEqual(tryFiles.labels.sort(), ['@app', '@fallback']);
    assert.equal(item(tryFiles.items, '@app').kind, CompletionItemKind.Reference);
    assert.deepEqual(itemRange(item(tryFiles.items, '@app')), { start: { line: 5, character: 21 }, end: { line: 5, character: 22 } });
    const errorPage = await completeAt(site('error_page 502 503 @|;'));
    assert.deepEqual(errorPage.labels.sort(), ['@app', '@fallback']);
    const postAction = await completeAt(site('post_action |;'));
    assert.ok(postAction.labels.includes('@fallback'));
    const first = await completeAt(site('try_files @|;'));
    assert.deepEqual(first.labels, [], 'a named location cannot be a file to try');
  });

  it('offers names collected by the caller (from included files) too', async () => {
    const { labels } = await completeAt(site('try_files $uri @|;'), { namedLocations: ['@from_include'] });
    assert.ok(labels.includes('@from_include'));
  });

  it('offers the location modifiers as the first argument of location', async () => {
    const { items, labels } = await completeAt('http { server { location | } }');
    for (const modifier of ['=', '~', '~*', '^~']) assert.ok(labels.includes(modifier), modifier);
    assert.equal(item(items, '^~').kind, CompletionItemKind.Operator);
    assert.ok(item(items, '~*').detail);
    const second = await completeAt('http { server { location = | } }');
    assert.ok(!second.labels.includes('~'));
  });
});

describe('completion: MIME types', () => {
  it('offers MIME types as the first word in types {} and their extensions after it', async () => {
    const first = await completeAt('http {\n  types {\n    application/j|\n  }\n}\n');
    assert.ok(first.labels.includes('application/json'));
    assert.ok(first.labels.includes('text/html'));
    assert.equal(item(first.items, 'application/json').kind, CompletionItemKind.Constant);
    assert.deepEqual(itemRange(item(first.items, 'application/json')), { start: { line: 2, character: 4 }, end: { line: 2, character: 17 } });
    const ext = await completeAt('http {\n  types {\n    image/jpeg |;\n  }\n}\n');
    assert.deepEqual(ext.labels.sort(), ['jpeg', 'jpg']);
    const blank = await completeAt('http {\n  types {\n    |\n  }\n}\n');
    assert.ok(blank.labels.includes('text/css'));
    assert.ok(!blank.labels.includes('server'), 'directives offered inside types {}');
  });

  it('offers MIME types for default_type', async () => {
    const { labels } = await completeAt('http { default_type |; }');
    assert.ok(labels.includes('application/octet-stream'));
  });
});

describe('completion: upstreams by family', () => {
  it('offers http upstreams after proxy_pass http:// and stream upstreams in stream proxy_pass', async () => {
    const names = { upstreamNames: ['web'], streamUpstreamNames: ['tcp_pool'] };
    const http = await completeAt(inLocation('proxy_pass https://|;'), names);
    assert.deepEqual(http.labels, ['web']);
    const stream = await completeAt('stream { server { proxy_pass |; } }', names);
    assert.deepEqual(stream.labels, ['tcp_pool']);
    const grpc = await completeAt(inLocation('grpc_pass grpcs://|;'), names);
    assert.deepEqual(grpc.labels, ['web']);
  });
});

describe('completion: replace ranges', () => {
  it('replaces the whole word when completing in the middle of it', async () => {
    const name = await completeAt('http { server { ssl_ver|ify_client on; } }');
    assert.deepEqual(itemRange(item(name.items, 'ssl_verify_client')), { start: { line: 0, character: 16 }, end: { line: 0, character: 33 } });
    const value = await completeAt('http { server { ssl_verify_client opt|ional; } }');
    assert.deepEqual(itemRange(item(value.items, 'optional_no_ca')), { start: { line: 0, character: 34 }, end: { line: 0, character: 42 } });
  });
});

describe('completion: certificate files by content', () => {
  const PEM = (label: string): string => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;
  const files: Record<string, string> = {
    'revoked.crt': PEM('X509 CRL'),
    'list.crl': PEM('X509 CRL'),
    'client.key': PEM('PRIVATE KEY'),
    'client.pem': PEM('CERTIFICATE'),
    'bundle.pem': PEM('CERTIFICATE') + PEM('EC PRIVATE KEY'),
    'dh.pem': PEM('DH PARAMETERS'),
    'ca.crt': PEM('CERTIFICATE'),
    'pass.txt': 'secret\n',
  };
  const listFiles = async (): Promise<string[]> => Object.keys(files);
  const readHead = async (file: string): Promise<string | undefined> => files[file.slice(file.lastIndexOf('/') + 1)];
  const at = (directive: string): Promise<{ labels: string[] }> => completeAt(inLocation(`${directive} ssl/|;`), { listFiles, readHead });

  it('offers CRLs for *_crl, whatever their extension, and no keys', async () => {
    assert.deepEqual((await at('proxy_ssl_crl')).labels.sort(), ['list.crl', 'revoked.crt']);
  });

  it('offers certificates for certificate directives and keys for key directives', async () => {
    assert.deepEqual((await at('proxy_ssl_certificate')).labels.sort(), ['bundle.pem', 'ca.crt', 'client.pem']);
    assert.deepEqual((await at('proxy_ssl_trusted_certificate')).labels.sort(), ['bundle.pem', 'ca.crt', 'client.pem']);
    assert.deepEqual((await at('proxy_ssl_certificate_key')).labels.sort(), ['bundle.pem', 'client.key']);
    assert.deepEqual((await at('proxy_ssl_password_file')).labels.sort(), ['pass.txt']);
    const dh = await completeAt('http { server { ssl_dhparam ssl/|; } }', { listFiles, readHead });
    assert.deepEqual(dh.labels, ['dh.pem']);
  });

  it('falls back to file name endings when the content cannot be read', async () => {
    const { labels } = await completeAt(inLocation('proxy_ssl_crl ssl/|;'), { listFiles, readHead: async () => undefined });
    assert.deepEqual(labels.sort(), ['dh.pem', 'bundle.pem', 'client.pem', 'list.crl'].sort());
  });
});

describe('completion: no repeats, no placeholders from mixed syntax lines', () => {
  it('does not offer a listen option already given', async () => {
    const { labels } = await completeAt('http { server { listen 443 ssl |; } }');
    assert.ok(labels.includes('default_server'));
    assert.ok(!labels.includes('ssl'));
  });

  it('takes nginx\'s value table over the documented syntax when there is one', async () => {
    const { labels } = await completeAt('http { server { keepalive_disable |; } }');
    assert.deepEqual(labels.sort(), ['msie6', 'none', 'safari']);
  });
});

describe('completion: error_log levels', () => {
  it('offers the levels nginx knows as the second argument only', async () => {
    const level = await completeAt('http { server { error_log /var/log/nginx/e.log |; } }');
    for (const name of ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg']) assert.ok(level.labels.includes(name), name);
    const file = await completeAt('error_log |;');
    assert.ok(!file.labels.includes('warn'), 'a level offered in place of the file');
  });
});
