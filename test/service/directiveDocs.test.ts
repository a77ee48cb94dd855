import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MarkupKind, type Hover, type MarkupContent } from 'vscode-languageserver-types';
import descriptions from '../../server/src/directives/data/descriptions.json';
import variables from '../../server/src/directives/data/variables.json';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { parseFile } from '../../server/src/model/parsedFile';
import { contextNames, directiveMarkdown, variableInfo, variableMarkdown } from '../../server/src/service/directiveDocs';
import { hoverDirective, variableAt } from '../../server/src/service/hover';

const table = getDirectiveTable();

function markdown(hover: Hover | undefined): string {
  assert.ok(hover, 'no hover');
  const contents = hover.contents as MarkupContent;
  assert.equal(contents.kind, MarkupKind.Markdown);
  return contents.value;
}

describe('directive documentation', () => {
  it('has a description of our own for every important TLS, proxy and mTLS directive', () => {
    const wanted = [
      'ssl_certificate', 'ssl_certificate_key', 'ssl_client_certificate', 'ssl_trusted_certificate', 'ssl_verify_client', 'ssl_verify_depth',
      'ssl_crl', 'ssl_protocols', 'ssl_ciphers', 'ssl_stapling', 'ssl_session_cache', 'ssl_password_file', 'ssl_dhparam', 'ssl_preread',
      'proxy_ssl_verify', 'proxy_ssl_certificate', 'proxy_ssl_trusted_certificate', 'proxy_ssl_name', 'proxy_ssl_server_name', 'proxy_ssl_session_reuse',
      'grpc_ssl_verify', 'grpc_ssl_certificate', 'uwsgi_ssl_verify', 'proxy_pass', 'proxy_set_header', 'listen', 'server_name', 'include',
      'location', 'if', 'map', 'upstream',
    ];
    for (const name of wanted) assert.ok((descriptions.directives as Record<string, string>)[name], name);
    assert.ok(Object.keys(descriptions.directives).length >= 80);
    for (const name of Object.keys(descriptions.directives)) assert.ok(table.isKnown(name), `description for unknown directive ${name}`);
    for (const name of Object.keys(descriptions.variables)) assert.ok(variableInfo(name), `description for unknown variable ${name}`);
  });

  it('names contexts the way people say them', () => {
    const entry = table.entries('proxy_pass')[0];
    assert.deepEqual(contextNames(entry), ['location', 'if in location', 'limit_except']);
  });

  it('picks the stream entry in a stream context', () => {
    const text = directiveMarkdown('proxy_pass', table.entries('proxy_pass'), { context: 'stream-server' });
    assert.ok(text);
    assert.match(text, /ngx_stream_proxy_module/);
    assert.doesNotMatch(text, /ngx_http_proxy_module/);
    assert.match(text, /proxy_pass address;/);
  });

  it('warns when the directive does not exist in the target version', () => {
    const text = directiveMarkdown('ssl', table.entries('ssl'), { context: 'server', targetVersion: '1.26.0' });
    assert.match(text ?? '', /removed in 1\.25\.1/);
  });

  it('knows variables, families of variables and why $ssl_client_cert is deprecated', () => {
    assert.equal(variableInfo('$http_x_forwarded_for')?.name, '$http_');
    assert.equal(variableInfo('$upstream_http_location')?.name, '$upstream_http_');
    assert.equal(variableInfo('$no_such_variable'), undefined);
    assert.match(variableMarkdown('$ssl_client_cert') ?? '', /Deprecated.*\$ssl_client_escaped_cert/s);
    assert.match(variableMarkdown('$ssl_client_verify') ?? '', /SUCCESS/);
    assert.ok(Object.keys(variables.variables).some((n) => n.startsWith('$proxy_')));
    assert.ok(Object.keys(variables.variables).some((n) => n.startsWith('$upstream_')));
  });
});

describe('hoverDirective', () => {
  const text = 'http {\n  server {\n    ssl_verify_client optional;\n    location / {\n      proxy_set_header X-Cert "$ssl_client_escaped_cert";\n      return 200 "${ssl_client_s_dn}";\n    }\n  }\n}\nstream {\n  server {\n    proxy_pass backend;\n  }\n}\n';
  const file = parseFile('/etc/nginx/nginx.conf', text);

  it('documents the directive name under the cursor, with its range', () => {
    const offset = text.indexOf('ssl_verify_client') + 4;
    const hover = hoverDirective(file, offset, { table, targetVersion: '1.30.0' });
    const value = markdown(hover);
    assert.match(value, /^\*\*ssl_verify_client\*\* — `ngx_http_ssl_module`/);
    assert.match(value, /mutual TLS/);
    assert.match(value, /Context: http, server/);
    assert.match(value, /since nginx 0\.3\.45/);
    assert.deepEqual(hover?.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 21 } });
  });

  it('documents variables in arguments, bare or braced', () => {
    const hover = hoverDirective(file, text.indexOf('$ssl_client_escaped_cert') + 5, { table });
    assert.match(markdown(hover), /URL-encoded/);
    assert.deepEqual(hover?.range, { start: { line: 4, character: 31 }, end: { line: 4, character: 55 } });
    const braced = hoverDirective(file, text.indexOf('${ssl_client_s_dn}') + 3, { table });
    assert.match(markdown(braced), /subject distinguished name/);
  });

  it('uses the context of the directive for stream and http', () => {
    const value = markdown(hoverDirective(file, text.lastIndexOf('proxy_pass') + 2, { table }));
    assert.match(value, /ngx_stream_proxy_module/);
  });

  it('returns nothing on plain arguments, comments and unknown directives', () => {
    assert.equal(hoverDirective(file, text.indexOf('optional') + 2, { table }), undefined);
    const unknown = parseFile('/x', 'frobnicate on;');
    assert.equal(hoverDirective(unknown, 2, { table }), undefined);
  });

  it('finds variables the way nginx writes them', () => {
    const word = { value: 'a$b\\$c', start: 0, end: 6, hasVariable: true };
    assert.deepEqual(variableAt('a$b\\$c', word, 2), { name: '$b', start: 1, end: 3 });
    assert.equal(variableAt('a$b\\$c', word, 5), undefined);
  });
});
