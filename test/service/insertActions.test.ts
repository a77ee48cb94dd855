import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction } from 'vscode-languageserver-types';
import { CertificateInspector } from '../../server/src/certificates/certificateInspector';
import type { ContextKind } from '../../server/src/directives/directiveTable';
import { parseFile } from '../../server/src/model/parsedFile';
import { parseConfig } from '../../server/src/parser/parser';
import { generateTestPki } from '../../server/src/service/generateTestPki';
import { detectIndentUnit, InsertActionKinds, insertActions, PLACEHOLDERS } from '../../server/src/service/insertActions';
import { findWorkspaceCertificates, type WorkspaceCertificate } from '../../server/src/service/workspaceCertificates';
import { applyAction, checkerErrors, cursorAt, describeFindings, mainConfig, nginxSkip, nginxTest, NOW, tempDir, toUri } from './authoringHelpers';

const FILE = '/etc/nginx/nginx.conf';

let confDir = '';
let certificates: WorkspaceCertificate[] = [];

before(async () => {
  confDir = tempDir('insert');
  await generateTestPki({ folder: path.join(confDir, 'ssl'), caName: 'Insert Test CA', serverHost: 'servera.example.com', clientName: 'proxy-b', keyType: 'ec', now: NOW });
  certificates = await findWorkspaceCertificates([confDir], new CertificateInspector());
});

after(() => {
  if (confDir) fs.rmSync(confDir, { recursive: true, force: true });
});

interface Options {
  rootContext?: ContextKind;
  certificates?: WorkspaceCertificate[];
  filePath?: string;
  confDir?: string;
  tabSize?: number;
  insertSpaces?: boolean;
}

function actionsAt(text: string, offset: number, options: Options = {}): CodeAction[] {
  const file = parseFile(options.filePath ?? FILE, text);
  return insertActions(file, { start: offset, end: offset }, {
    rootContext: options.rootContext ?? 'main',
    workspaceCertificates: options.certificates ?? certificates,
    toUri,
    confDir: options.confDir ?? confDir,
    tabSize: options.tabSize,
    insertSpaces: options.insertSpaces,
  });
}

function kindsAt(textWithCursor: string, options: Options = {}): string[] {
  const { text, offset } = cursorAt(textWithCursor);
  return actionsAt(text, offset, options).map((a) => a.kind ?? '');
}

/** Applies the action of `kind` at the cursor; the result must parse without problems. */
function apply(textWithCursor: string, kind: string, options: Options = {}): string {
  const { text, offset } = cursorAt(textWithCursor);
  const found = actionsAt(text, offset, options).find((a) => a.kind === kind);
  assert.ok(found, `no ${kind} action at the cursor in:\n${textWithCursor}`);
  const result = applyAction(text, found, options.filePath ?? FILE);
  assert.deepEqual(parseConfig(result).problems, [], `syntax problems after ${kind}:\n${result}`);
  return result;
}

/** Puts the cursor marker right after the first occurrence of `needle` (after `from`). */
function mark(text: string, needle: string, from = ''): string {
  const base = from ? text.indexOf(from) : 0;
  const at = text.indexOf(needle, base);
  assert.ok(at >= 0, `"${needle}" not found`);
  const offset = at + needle.length;
  return text.slice(0, offset) + '|' + text.slice(offset);
}

const K = InsertActionKinds;

describe('insertActions: what is offered where', () => {
  it('http: the proxy block (a server) and the server block', () => {
    assert.deepEqual(kindsAt('events {}\nhttp {\n    |\n}\n'), [K.proxy, K.server]);
    assert.deepEqual(kindsAt('server {\n    listen 80;\n}\n|\n', { rootContext: 'http' }), [K.proxy, K.server]);
  });

  it('main, events, stream and comments of main: nothing', () => {
    assert.deepEqual(kindsAt('|worker_processes 1;\nevents {}\n'), []);
    assert.deepEqual(kindsAt('events {\n    |\n}\n'), []);
    assert.deepEqual(kindsAt('stream {\n    server {\n        listen 1234 ssl;\n        |\n    }\n}\n'), []);
  });

  it('server without TLS: the proxy block as a location only', () => {
    assert.deepEqual(kindsAt('http {\n    server {\n        listen 80;\n        |\n    }\n}\n'), [K.proxy]);
  });

  it('TLS server: also "Require client certificates", until verification and the CA are there', () => {
    const tls = 'http {\n    server {\n        listen 443 ssl;\n        ssl_certificate a.crt;\n        ssl_certificate_key a.key;\n        |\n    }\n}\n';
    assert.deepEqual(kindsAt(tls), [K.proxy, K.requireClientCertificates]);
    assert.deepEqual(kindsAt(tls.replace('|', 'ssl_client_certificate ca.crt;\n        ssl_verify_client on;|')), [K.proxy]);
    // optional is not "required": the action switches it on.
    assert.deepEqual(kindsAt(tls.replace('|', 'ssl_client_certificate ca.crt;\n        ssl_verify_client optional;|')), [K.proxy, K.requireClientCertificates]);
    // On the server's own header line, from http.
    assert.deepEqual(kindsAt(tls.replace('|', '').replace('server {', 'ser|ver {')), [K.proxy, K.server, K.requireClientCertificates]);
    // Inside a location of the TLS server.
    assert.deepEqual(kindsAt(tls.replace('|', 'location /x/ {\n            return 204;|\n        }')), [K.requireClientCertificates]);
  });

  it('location: the proxy directives when it has no handler; "Verify this upstream" for an unverified https proxy_pass', () => {
    const location = (body: string, serverExtra = '') => `http {\n    server {\n        listen 80;${serverExtra}\n        location / {\n            ${body}\n        }\n    }\n}\n`;
    assert.deepEqual(kindsAt(location('root /srv;|')), [K.proxy]);
    assert.deepEqual(kindsAt(location('proxy_pass https://backend.example.com;|')), [K.verifyUpstream]);
    assert.deepEqual(kindsAt(location('proxy_pass http://127.0.0.1:8080;|')), []);
    assert.deepEqual(kindsAt(location('fastcgi_pass 127.0.0.1:9000;|')), []);
    assert.deepEqual(kindsAt(location('proxy_pass https://backend.example.com;|', '\n        proxy_ssl_verify on;')), []);
    assert.deepEqual(kindsAt(location('proxy_pass https://backend.example.com;\n            proxy_ssl_verify off;|', '\n        proxy_ssl_verify on;')), [K.verifyUpstream]);
    // Inside an if: nothing may be inserted there (proxy_set_header and proxy_ssl_* are not allowed in if).
    assert.deepEqual(kindsAt(location('proxy_pass https://b.example.com;\n            if ($arg_x) {\n                |\n            }')), []);
  });

  it('location that already has every proxy directive set elsewhere: only the missing ones', () => {
    const text = 'http {\n    proxy_ssl_protocols TLSv1.3;\n    server {\n        listen 80;\n        location / {\n            |\n        }\n    }\n}\n';
    const result = apply(text, K.proxy);
    assert.doesNotMatch(result, /proxy_ssl_protocols TLSv1\.2/);
    assert.match(result, /proxy_ssl_verify on;/);
  });
});

describe('insertActions: the inserted text', () => {
  it('"Require client certificates" goes after the last ssl_* line, skips what is there, switches verification on', () => {
    const text = 'http {\n    server {\n        listen 443 ssl;\n        ssl_certificate a.crt;\n        ssl_certificate_key a.key;\n        ssl_verify_client optional;\n\n        location / {\n            return 204;\n        }\n    |}\n}\n';
    const result = apply(text, K.requireClientCertificates);
    assert.equal(result, 'http {\n    server {\n        listen 443 ssl;\n        ssl_certificate a.crt;\n        ssl_certificate_key a.key;\n        ssl_verify_client on;\n        ssl_client_certificate ssl/ca.crt;\n        ssl_verify_depth 2;\n\n        location / {\n            return 204;\n        }\n    }\n}\n');
  });

  it('"Verify this upstream" names the real server of an upstream group and switches SNI on', () => {
    const text = 'http {\n    upstream backend {\n        server 10.0.0.1:8443;\n        server api.internal.example:8443;\n    }\n    server {\n        listen 80;\n        location / {\n            proxy_pass https://backend;|\n            proxy_ssl_server_name off;\n        }\n    }\n}\n';
    const result = apply(text, K.verifyUpstream);
    assert.match(result, /proxy_ssl_server_name on;\n            proxy_ssl_verify on;\n            proxy_ssl_trusted_certificate ssl\/ca\.crt;\n            proxy_ssl_name api\.internal\.example;\n        \}/);
  });

  it('a one-line block is broken around the insertion', () => {
    const result = apply('http {\n    server { listen 80; location / { root /srv;| } }\n}\n', K.proxy);
    // Three blocks deep: three units, whatever the one-liner's own line looks like.
    assert.match(result, /root \/srv;\n {12}proxy_pass https:\/\/servera\.example\.com:443;/);
    assert.match(result, /TLSv1\.3;\n {4}\} \}\n\}\n$/);
  });

  it('CRLF files get CRLF lines', () => {
    const result = apply('http {\r\n    server {\r\n        listen 80;\r\n        |\r\n    }\r\n}\r\n', K.proxy);
    assert.doesNotMatch(result.replace(/\r\n/g, ''), /\n/);
    assert.match(result, /\r\n {8}location \/ \{\r\n {12}proxy_pass/);
  });

  it('the file\'s indentation unit is detected (tabs, 2 and 4 spaces), else the editor\'s', () => {
    const unit = (text: string, o: { tabSize?: number; insertSpaces?: boolean } = {}) => detectIndentUnit(parseFile('/x.conf', text), o);
    assert.equal(unit('http {\n\tserver {\n\t\tlisten 80;\n\t}\n}\n'), '\t');
    assert.equal(unit('http {\n  server {\n    listen 80;\n  }\n}\n'), '  ');
    assert.equal(unit('http {\n    server {\n        listen 80;\n    }\n}\n'), '    ');
    assert.equal(unit('http {}\n', { insertSpaces: false }), '\t');
    assert.equal(unit('http {}\n', { tabSize: 2, insertSpaces: true }), '  ');
    assert.equal(unit('http {}\n'), '    ');
  });

  it('with no clear workspace files: placeholders, never comments', () => {
    const text = 'http {\n    |\n}\n';
    for (const kind of [K.proxy, K.server]) {
      const result = apply(text, kind, { certificates: [] });
      assert.match(result, /CHANGE-ME/);
      assert.doesNotMatch(result, /#/);
      assert.ok(result.includes(PLACEHOLDERS.ca));
    }
    const proxy = apply(text, K.proxy, { certificates: [] });
    assert.ok(proxy.includes(`proxy_ssl_certificate ${PLACEHOLDERS.clientCertificate};`));
    assert.ok(proxy.includes(`proxy_ssl_name ${PLACEHOLDERS.upstreamHost};`));
  });

  it('paths are absolute when the files are outside the conf dir', () => {
    const result = apply('http {\n    |\n}\n', K.server, { confDir: '/elsewhere' });
    assert.ok(result.includes(`ssl_client_certificate ${path.join(confDir, 'ssl', 'ca.crt')};`), result);
  });

  it('the server block follows the snippet: verification on, escaped client certificate, no if', () => {
    const result = apply('http {\n    |\n}\n', K.server);
    assert.match(result, /ssl_verify_client on;/);
    assert.match(result, /ssl_client_certificate ssl\/ca\.crt;/);
    assert.match(result, /ssl_certificate ssl\/server-fullchain\.crt;\n {8}ssl_certificate_key ssl\/server\.key;/);
    assert.match(result, /proxy_set_header X-Client-Cert \$ssl_client_escaped_cert;/);
    assert.doesNotMatch(result, /\bif\b|\$ssl_client_cert\b/);
  });
});

// ---------------------------------------------------------------------------------------------
// Every action on one configuration, in three indentation styles; nginx -t and our checks on the result.

const BASE = [
  '    server {',
  '        listen 127.0.0.1:8443 ssl;',
  '        server_name servera.example.com;',
  '',
  '        ssl_certificate ssl/server-fullchain.crt;',
  '        ssl_certificate_key ssl/server.key;',
  '        ssl_protocols TLSv1.2 TLSv1.3;',
  '',
  '        location / {',
  '            return 200 "ok";',
  '        }',
  '    }',
  '',
  '    server {',
  '        listen 127.0.0.1:8081;',
  '',
  '        location /a/ {',
  '            proxy_pass https://servera.example.com:8443;',
  '            proxy_ssl_certificate ssl/client.crt;',
  '            proxy_ssl_certificate_key ssl/client.key;',
  '        }',
  '',
  '        location /b/ {',
  '        }',
  '    }',
  '    ',
].join('\n');

function reindent(text: string, unit: string): string {
  return text.replace(/^((?: {4})+)/gm, (m) => unit.repeat(m.length / 4));
}

/** Runs every action once, each at a cursor found in the text produced by the previous one. */
function applyAll(text: string, unit: string): string {
  let t = text;
  t = apply(mark(t, 'server_name servera.example.com;'), K.requireClientCertificates);
  t = apply(mark(t, 'proxy_pass https://servera.example.com:8443;'), K.verifyUpstream);
  t = apply(mark(t, 'location /b/ {'), K.proxy);
  t = apply(mark(t, `listen 127.0.0.1:8081;\n`), K.proxy);
  const end = t.lastIndexOf(`\n${unit}\n}`) + 1 + unit.length;
  t = apply(t.slice(0, end) + '|' + t.slice(end), K.server);
  const end2 = t.lastIndexOf('\n}');
  t = apply(t.slice(0, end2) + `\n${unit}|` + t.slice(end2), K.proxy);
  return t;
}

describe('insertActions on a whole configuration', () => {
  const results = new Map<string, string>();
  for (const [name, unit] of [['4 spaces', '    '], ['2 spaces', '  '], ['tabs', '\t']] as const) {
    it(`${name}: every action applies, parses, and keeps the file's indentation`, () => {
      const text = mainConfig(confDir, reindent(BASE, unit)).replace(/^ {4}(\w+_temp_path|access_log)/gm, `${unit}$1`);
      const final = applyAll(text, unit);
      results.set(name, final);
      if (name !== '4 spaces') {
        assert.equal(final, reindent(results.get('4 spaces')!, unit));
      }
      for (const line of final.split('\n')) {
        const indent = /^[ \t]*/.exec(line)![0];
        assert.equal(indent, unit.repeat(indent.length / unit.length), `mixed indentation in ${JSON.stringify(line)}`);
      }
    });
  }

  it('the result passes nginx -t', { skip: nginxSkip }, () => {
    const final = results.get('4 spaces');
    assert.ok(final, 'the 4-space run must come first');
    const confPath = path.join(confDir, 'nginx.conf');
    fs.writeFileSync(confPath, final);
    const run = nginxTest(confPath);
    assert.ok(run.ok, `nginx -t failed:\n${run.output}\n--- config ---\n${run.text}`);
  });

  it('our checks report no errors and no mTLS warnings on the result', async () => {
    const final = results.get('tabs');
    assert.ok(final);
    const confPath = path.join(confDir, 'nginx-tabs.conf');
    fs.writeFileSync(confPath, final);
    const { errors, all } = await checkerErrors(confPath);
    assert.deepEqual(errors, [], describeFindings(errors));
    const warnings = all.filter((f) => f.severity === 'warning' && /^(tls|mtls|proxy)\./.test(f.code));
    assert.deepEqual(warnings, [], describeFindings(warnings));
    // The inserted blocks are what the actions promise.
    assert.match(final, /\tssl_verify_client on;/);
    assert.equal(final.match(/proxy_ssl_verify on;/g)?.length, 4);
    assert.equal(final.match(/proxy_ssl_server_name on;/g)?.length, 4);
  });
});
