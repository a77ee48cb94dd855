import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-types';
import { parseFile } from '../../server/src/model/parsedFile';
import { directiveSnippet, itemRange, keywordArguments, userVariables } from '../../server/src/service/completion';
import { completeAt, item, table } from './completionHelpers';

describe('completion: directive names', () => {
  it('offers only directives allowed in the context at the cursor', async () => {
    const { labels } = await completeAt('http {\n  server {\n    ssl_|\n  }\n}\n');
    assert.ok(labels.includes('ssl_verify_client'));
    assert.ok(labels.includes('ssl_certificate'));
    assert.ok(labels.includes('listen'));
    assert.ok(!labels.includes('worker_processes'), 'main-only directive offered in server');
    assert.ok(!labels.includes('proxy_pass'), 'location-only directive offered in server');
    const main = await completeAt('|\n');
    assert.ok(main.labels.includes('worker_processes'));
    assert.ok(main.labels.includes('http'));
    assert.ok(!main.labels.includes('listen'));
  });

  it('follows the target version: removed and not-yet-added directives are not offered', async () => {
    const modern = await completeAt('http {\n  server {\n    |\n  }\n}\n', { targetVersion: '1.30.0' });
    assert.ok(!modern.labels.includes('ssl'), '`ssl` was removed in 1.25.1');
    const old = await completeAt('http {\n  server {\n    |\n  }\n}\n', { targetVersion: '1.22.1' });
    assert.ok(old.labels.includes('ssl'));
    assert.ok(!old.labels.includes('ssl_certificate_cache'), 'ssl_certificate_cache is newer than 1.22.1');
  });

  it('inserts snippets built from the documented syntax', async () => {
    const { items } = await completeAt('http {\n  server {\n    ssl_ver|\n  }\n}\n');
    const verify = item(items, 'ssl_verify_client');
    assert.equal(verify.insertTextFormat, InsertTextFormat.Snippet);
    assert.deepEqual(verify.textEdit, {
      range: { start: { line: 2, character: 4 }, end: { line: 2, character: 11 } },
      newText: 'ssl_verify_client ${1|on,off,optional,optional_no_ca|};',
    });
    assert.equal(verify.kind, CompletionItemKind.Keyword);
    assert.equal(verify.detail, 'ngx_http_ssl_module');
    const docs = verify.documentation;
    assert.ok(docs && typeof docs !== 'string' && docs.kind === 'markdown');
    assert.match(docs.value, /optional_no_ca/);
    assert.match(docs.value, /Default: `ssl_verify_client off;`/);
    assert.match(docs.value, /Context: http, server/);
    assert.match(docs.value, /https:\/\/nginx\.org\/en\/docs\/http\/ngx_http_ssl_module\.html#ssl_verify_client/);
  });

  it('uses on/off choices for flags and a body for blocks', () => {
    assert.equal(directiveSnippet('ssl_stapling', table.entries('ssl_stapling')[0]), 'ssl_stapling ${1|on,off|};');
    assert.equal(directiveSnippet('location', table.entries('location')[0]), 'location ${1} {\n\t$0\n}');
    assert.equal(directiveSnippet('upstream', table.entries('upstream')[0]), 'upstream ${1} {\n\t$0\n}');
    assert.equal(directiveSnippet('http', table.entries('http')[0]), 'http {\n\t$0\n}');
    assert.equal(directiveSnippet('proxy_set_header', table.entries('proxy_set_header')[0]), 'proxy_set_header ${1:field} ${2:value};');
  });

  it('inserts only the name when the statement already has arguments on its line', async () => {
    const { items } = await completeAt('http {\n  server {\n    ssl_verify_cl| on;\n  }\n}\n');
    assert.equal(item(items, 'ssl_verify_client').textEdit?.newText, 'ssl_verify_client');
  });

  it('offers nothing in comments, Lua code and map bodies', async () => {
    assert.deepEqual((await completeAt('# ssl_|\n')).items, []);
    assert.deepEqual((await completeAt('http { server { location / { content_by_lua_block { ngx.| } } } }')).items, []);
    assert.deepEqual((await completeAt('http {\n  map $a $b {\n    |\n  }\n}\n')).items, []);
  });
});

describe('completion: arguments', () => {
  it('offers documented keywords for the argument at the cursor', async () => {
    const { labels } = await completeAt('http {\n  server {\n    ssl_verify_client |;\n  }\n}\n');
    assert.deepEqual(labels.sort(), ['off', 'on', 'optional', 'optional_no_ca']);
    const listen = await completeAt('http {\n  server {\n    listen 443 |;\n  }\n}\n');
    assert.ok(listen.labels.includes('ssl'));
    assert.ok(listen.labels.includes('default_server'));
    assert.ok(listen.labels.includes('proxy_protocol'));
    assert.ok(!listen.labels.includes('off'), 'a value of ipv6only=on|off is not a parameter');
    assert.deepEqual(keywordArguments('ssl_stapling', table.entries('ssl_stapling')[0], 0), ['on', 'off']);
  });

  it('offers nginx variables after $, in the right module family', async () => {
    const { items, labels } = await completeAt('http {\n  server {\n    location / {\n      proxy_set_header X-Client-Cert $ssl_cl|;\n    }\n  }\n}\n');
    for (const name of ['$ssl_client_escaped_cert', '$ssl_client_verify', '$ssl_client_s_dn', '$proxy_add_x_forwarded_for', '$upstream_addr', '$http_']) {
      assert.ok(labels.includes(name), name);
    }
    assert.ok(!labels.includes('$ssl_preread_server_name'), 'stream-only variable in http');
    const escaped = item(items, '$ssl_client_escaped_cert');
    assert.equal(escaped.kind, CompletionItemKind.Variable);
    assert.deepEqual(itemRange(escaped), { start: { line: 3, character: 37 }, end: { line: 3, character: 44 } });
    const stream = await completeAt('stream {\n  server {\n    proxy_pass $ssl_pre|;\n  }\n}\n');
    assert.ok(stream.labels.includes('$ssl_preread_server_name'));
  });

  it('completes variables inside double-quoted strings and ${...}, and the file\'s own variables', async () => {
    const quoted = await completeAt('http {\n  map $ssl_client_s_dn $client_cn { default ""; }\n  server {\n    return 200 "cn=${cl|";\n  }\n}\n');
    const own = item(quoted.items, '$client_cn');
    assert.equal(own.textEdit?.newText, '${client_cn}');
    assert.deepEqual(userVariables(parseFile('/x', 'set $a 1; map $x $mapped {}')), ['$a', '$mapped']);
    const single = await completeAt("http { server { return 200 '$ssl|'; } }");
    assert.deepEqual(single.items, []);
  });

  it('completes certificate paths relative to the main config directory, filtered by kind', async () => {
    const listed: string[] = [];
    const listFiles = async (dir: string): Promise<string[]> => {
      listed.push(dir);
      return ['server.crt', 'server.key', 'ca.pem', 'notes.md', 'private/', '.hidden.crt'];
    };
    const cert = await completeAt('http {\n  server {\n    ssl_certificate ssl/|;\n  }\n}\n', { listFiles });
    assert.deepEqual(listed, ['/etc/nginx/ssl/']);
    assert.deepEqual(cert.labels, ['ca.pem', 'server.crt', 'private/']);
    assert.deepEqual(itemRange(cert.items[0]), { start: { line: 2, character: 24 }, end: { line: 2, character: 24 } });
    assert.equal(item(cert.items, 'private/').kind, CompletionItemKind.Folder);
    const key = await completeAt('http {\n  server {\n    proxy_ssl_certificate_key |;\n  }\n}\n', { listFiles });
    assert.deepEqual(key.labels, ['ca.pem', 'server.key', 'private/']);
    const absolute = await completeAt('http { server { ssl_client_certificate /srv/pki/|; } }', { listFiles, resolvePath: (p) => '/work' + p });
    assert.equal(listed[listed.length - 1], '/work/srv/pki/');
    assert.ok(absolute.labels.includes('server.crt'));
    const data = await completeAt('http { server { ssl_certificate data:|; } }', { listFiles });
    assert.deepEqual(data.items, []);
  });

  it('completes upstream names after proxy_pass http(s):// and grpc_pass grpcs://', async () => {
    const proxy = await completeAt('http {\n  server {\n    location / {\n      proxy_pass https://mt|;\n    }\n  }\n}\n');
    assert.deepEqual(proxy.labels, ['backend', 'mtls_backend']);
    assert.deepEqual(proxy.items[1].textEdit, { range: { start: { line: 3, character: 25 }, end: { line: 3, character: 27 } }, newText: 'mtls_backend' });
    const grpc = await completeAt('http { server { location / { grpc_pass grpcs://|; } } }');
    assert.deepEqual(grpc.labels, ['backend', 'mtls_backend']);
    const noScheme = await completeAt('http { server { location / { proxy_pass |; } } }');
    assert.ok(!noScheme.labels.includes('backend'));
    const stream = await completeAt('stream { server { proxy_pass |; } }');
    assert.deepEqual(stream.labels, ['backend', 'mtls_backend']);
    const path = await completeAt('http { server { location / { proxy_pass https://backend/|; } } }');
    assert.deepEqual(path.labels, []);
  });
});
