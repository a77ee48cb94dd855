/** nginx's own directive checks: unknown, context, arity, block/terminator, on/off, duplicates. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolvedFinding } from '../../../server/src/analysis/analyzer';
import type { FileStat, FileSystem } from '../../../server/src/model/fileSystem';
import { DirectiveTable } from '../../../server/src/directives/directiveTable';
import type { DirectiveTableData } from '../../../server/src/directives/directiveTypes';
import tableData from '../../../server/src/directives/data/directives.json';
import { DEFAULT_SETTINGS } from '../../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../../server/src/service/workspaceAnalysis';

class MemoryFs implements FileSystem {
  constructor(private readonly files: Record<string, string>) {}
  async readText(p: string): Promise<string | undefined> { return this.files[p]; }
  async stat(p: string): Promise<FileStat | undefined> {
    if (p in this.files) return { isFile: true, isDirectory: false, size: this.files[p].length, mtimeMs: 0 };
    return Object.keys(this.files).some((f) => f.startsWith(p + '/')) ? { isFile: false, isDirectory: true, size: 0, mtimeMs: 0 } : undefined;
  }
  async readDirectory(p: string): Promise<string[] | undefined> {
    const names = Object.keys(this.files).filter((f) => f.startsWith(p + '/')).map((f) => f.slice(p.length + 1).split('/')[0]);
    return names.length ? [...new Set(names)] : undefined;
  }
}

async function check(text: string, version = DEFAULT_SETTINGS.targetVersion, extra: Record<string, string> = {}): Promise<ResolvedFinding[]> {
  const fs = new MemoryFs({ '/c/nginx.conf': text, ...extra });
  const analysis = new WorkspaceAnalysis({ fs, settings: { ...DEFAULT_SETTINGS, targetVersion: version } });
  const result = await analysis.analyzeFiles(['/c/nginx.conf', ...Object.keys(extra)], ['/c/nginx.conf']);
  return [...result.values()].flatMap((r) => r.findings).filter((f) => f.code.startsWith('nginx.'));
}

const summary = (findings: ResolvedFinding[]): string[] => findings.map((f) => `${f.code}: ${f.message}`);

describe('context rules', () => {
  it('unknown directive with a suggestion and a rename fix', async () => {
    const [f] = await check('events {}\nhttp { server { proxy_ssl_verfy on; } }\n');
    assert.equal(f.code, 'nginx.unknown-directive');
    assert.equal(f.message, 'nginx rejects this: unknown directive "proxy_ssl_verfy". Did you mean "proxy_ssl_verify"?');
    assert.equal(f.fixes?.[0].edits[0].newText, 'proxy_ssl_verify');
  });

  it('remembers suggestions per directive table, never across tables', async () => {
    const text = 'events {}\nhttp { server { proxy_ssl_verfy on; } }\n';
    const data = tableData as DirectiveTableData;
    const small = new DirectiveTable({ ...data, directives: { events: data.directives.events, http: data.directives.http, server: data.directives.server, proxy_ssl_verifx: data.directives.proxy_ssl_verify } });
    const suggestion = async (table?: DirectiveTable): Promise<string | undefined> => {
      const analysis = new WorkspaceAnalysis({ fs: new MemoryFs({ '/c/nginx.conf': text }), table });
      const result = await analysis.analyzeFiles(['/c/nginx.conf'], ['/c/nginx.conf']);
      return [...result.values()].flatMap((r) => r.findings).find((f) => f.code === 'nginx.unknown-directive')?.fixes?.[0].edits[0].newText;
    };
    assert.equal(await suggestion(), 'proxy_ssl_verify');
    assert.equal(await suggestion(small), 'proxy_ssl_verifx');
    assert.equal(await suggestion(), 'proxy_ssl_verify', 'asked again of the default table');
  });

  it('directives that do not exist in the target version', async () => {
    assert.match(summary(await check('events {}\nhttp { server { listen 443 ssl; ssl on; } }\n'))[0], /"ssl" was removed in nginx 1\.25\.1/);
    assert.deepEqual(await check('events {}\nhttp { server { listen 443 ssl; ssl on; } }\n', '1.22.1'), []);
    assert.match(summary(await check('events {}\nhttp { http2 on; }\n', '1.22.1'))[0], /added in nginx 1\.25\.1/);
  });

  it('not allowed here, by block kind', async () => {
    const findings = await check('events { proxy_pass x; }\nhttp {\n if ($a) { }\n server { location / { if ($b) { proxy_ssl_verify on; if ($c) { } } } }\n}\nworker_processes 1;\n');
    assert.deepEqual(findings.map((f) => f.code), Array(4).fill('nginx.directive-not-allowed'));
    assert.deepEqual(findings.map((f) => /"(\w+)"/.exec(f.message)?.[1]), ['proxy_pass', 'if', 'proxy_ssl_verify', 'if']);
  });

  it('argument counts, with a hint for a missing ";"', async () => {
    const findings = await check('events {}\nhttp { server {\n  ssl_certificate a.crt\n  ssl_certificate_key a.key;\n  proxy_set_header X;\n} }\n');
    assert.equal(findings.length, 2);
    assert.match(findings[0].message, /invalid number of arguments in "ssl_certificate" directive\. Is a ";" missing after "a\.crt" on line 3\?/);
    assert.match(findings[1].message, /invalid number of arguments in "proxy_set_header" directive$/);
  });

  it('blocks without "{" and statements with a block', async () => {
    const findings = await check('events {}\nhttp { server; server { listen 80 { } } }\n');
    assert.deepEqual(summary(findings), [
      'nginx.missing-block: nginx rejects this: directive "server" has no opening "{"',
      'nginx.missing-semicolon: nginx rejects this: directive "listen" is not terminated by ";"',
    ]);
  });

  it('on/off values only where nginx uses its flag handler, by version', async () => {
    const text = 'events {}\nhttp { server { listen 443 ssl; ssl_ocsp leaf; proxy_ssl_server_name yes; } }\nstream { server { listen 1; proxy_pass 127.0.0.1:2; proxy_protocol yes; } }\n';
    assert.deepEqual(summary(await check(text, '1.22.1')).map((s) => /"(\w+)" directive/.exec(s)?.[1]), ['proxy_ssl_server_name', 'proxy_protocol']);
    const current = await check(text, '1.30.0');
    assert.deepEqual(summary(current.filter((f) => f.code === 'nginx.invalid-flag')).map((s) => /"(\w+)" directive/.exec(s)?.[1]), ['proxy_ssl_server_name']);
    // Current nginx reads stream proxy_protocol through an enum table (off, on, v2): "yes" is still refused, with another wording.
    assert.deepEqual(summary(current.filter((f) => f.code === 'nginx.invalid-value')), ['nginx.invalid-value: nginx rejects this: invalid value "yes". "proxy_protocol" takes one of "off", "on" or "v2".']);
  });

  it('values nginx cannot parse: enum, protocols, numbers, sizes, times', async () => {
    const findings = await check('events {}\nhttp { server {\n  listen 443 ssl;\n  ssl_verify_client required;\n  ssl_protocols TLSv1.2 TLSv1.4;\n  ssl_verify_depth -1;\n  ssl_buffer_size 16q;\n  ssl_session_timeout 5x;\n  location / { proxy_ssl_verify_depth two; proxy_ssl_protocols TLS1.3; }\n} }\n');
    assert.deepEqual(findings.filter((f) => f.code === 'nginx.invalid-value').map((f) => f.message.split('. ')[0]), [
      'nginx rejects this: invalid value "required"',
      'nginx rejects this: invalid value "TLSv1.4"',
      'nginx rejects this: "ssl_verify_depth" directive invalid number',
      'nginx rejects this: "ssl_buffer_size" directive invalid value',
      'nginx rejects this: "ssl_session_timeout" directive invalid value',
      'nginx rejects this: "proxy_ssl_verify_depth" directive invalid number',
      'nginx rejects this: invalid value "TLS1.3"',
    ]);
    const good = await check('events {}\nhttp { server {\n  listen 443 ssl;\n  ssl_verify_client optional_no_ca;\n  ssl_protocols TLSv1.2 TLSv1.3;\n  ssl_verify_depth 2;\n  ssl_buffer_size 4k;\n  ssl_session_timeout 1h30m;\n  keepalive_timeout $x;\n} }\n');
    assert.deepEqual(good.filter((f) => f.code === 'nginx.invalid-value'), []);
  });

  it('ssl_session_cache values and proxy_pass URIs where nginx cannot replace a prefix', async () => {
    const findings = await check('events {}\nhttp { server {\n  listen 443 ssl;\n  ssl_session_cache shared:SSL builtin:1000;\n  location ~ \\.php$ { proxy_pass http://b/x; }\n  location / { if ($a) { proxy_pass http://b/y; } proxy_pass http://b/z; }\n  location @named { proxy_pass http://b; }\n} }\n');
    assert.deepEqual(findings.map((f) => `${f.code} ${f.message.split('. ')[0]}`), [
      'nginx.invalid-value nginx rejects this: invalid session cache "shared:SSL"',
      'nginx.proxy-pass-uri nginx rejects this: "proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block',
      'nginx.proxy-pass-uri nginx rejects this: "proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block',
    ]);
  });

  it('duplicates of single-valued directives in one block, also through an include', async () => {
    const findings = await check('events {}\nhttp { server {\n  ssl_verify_client on;\n  include extra.conf;\n  ssl_protocols TLSv1.2;\n  ssl_protocols TLSv1.3;\n  location / { proxy_ssl_verify_depth 1; }\n  proxy_ssl_verify_depth 2;\n} }\n', undefined, { '/c/extra.conf': 'ssl_verify_client off;\n' });
    assert.deepEqual(summary(findings), ['nginx.duplicate-directive: nginx rejects this: "ssl_verify_client" directive is duplicate. It is already set in this block on line 3 of /c/nginx.conf; nginx takes one value per block.']);
    assert.equal(findings[0].file, '/c/extra.conf');
  });

  it('duplicates refused by a module\'s own handler (read from nginx\'s source), not by argument-dependent ones', async () => {
    const bad = await check('worker_processes 1;\nworker_processes 2;\nevents {}\nhttp { proxy_cache_path /tmp/c keys_zone=z:1m; limit_conn_zone $a zone=a:1m; limit_conn_zone $b zone=b:1m;\n server {\n  root /a;\n  root /b;\n  location / {\n   proxy_pass http://a;\n   proxy_pass http://b;\n   expires 1h;\n   expires 2h;\n   proxy_cache z;\n   proxy_cache off;\n  }\n  location /x { alias /x; alias /y; }\n} }\n');
    assert.deepEqual(bad.filter((f) => f.code === 'nginx.duplicate-directive').map((f) => f.message.split('. ')[0]),
      ['worker_processes', 'root', 'proxy_pass', 'expires', 'proxy_cache', 'alias'].map((n) => `nginx rejects this: "${n}" directive is duplicate`));
    const good = await check('events {}\nhttp { limit_conn_zone $a zone=a:1m; limit_conn_zone $b zone=b:1m;\n server { limit_conn a 1; limit_conn b 2; location / { proxy_pass http://a; proxy_redirect http://a/ /; proxy_redirect http://b/ /; if ($x) { proxy_pass http://c; } } } }\n');
    assert.deepEqual(good.filter((f) => f.code === 'nginx.duplicate-directive'), []);
  });

  it('enum and bitmask values from nginx\'s value tables, without regard to case, by version', async () => {
    const text = 'events {}\nhttp { server_tokens maybe; gzip_static maybe; proxy_http_version 2.0; gzip_proxied expired nope; server { ssl_verify_client OPTIONAL_NO_CA; location / { satisfy ANY; userid V1; } } }\n';
    assert.deepEqual((await check(text, '1.22.1')).filter((f) => f.code === 'nginx.invalid-value').map((f) => f.message), [
      'nginx rejects this: invalid value "maybe". "server_tokens" takes one of "off", "on" or "build".',
      'nginx rejects this: invalid value "maybe". "gzip_static" takes one of "off", "on" or "always".',
      'nginx rejects this: invalid value "2.0". "proxy_http_version" takes one of "1.0" or "1.1".',
      'nginx rejects this: invalid value "nope". "gzip_proxied" takes one or more of "off", "expired", "no-cache", "no-store", "private", "no_last_modified", "no_etag", "auth" or "any".',
    ]);
  });

  it('a missing ";" reported as nginx reports it: the handler\'s own refusal of the next directive, on its line', async () => {
    const text = 'events {}\nhttp { server {\n  listen [::]:443 ssl\n  server_name a;\n  error_page 404 /x.html\n  root /tmp;\n  error_page 500 502 =200 /ok.html;\n  error_page 499 /x;\n  error_page 200 /y;\n  listen 80 default_server reuseport;\n} }\n';
    const lineAt = (offset: number): number => text.slice(0, offset).split('\n').length;
    const findings = await check(text);
    assert.deepEqual(findings.filter((f) => f.code === 'nginx.invalid-value').map((f) => `${lineAt(f.start)}-${lineAt(f.end)} ${f.message}`), [
      '4-4 nginx rejects this: invalid parameter "server_name". Is a ";" missing after "ssl" on line 3?',
      '5-6 nginx rejects this: invalid value "/x.html". Is a ";" missing after "/x.html" on line 5?',
      '8-8 nginx rejects this: invalid value "499"',
      '9-9 nginx rejects this: value "200" must be between 300 and 599',
    ]);
  });

  it('offers the missing ";" as a quick fix (not applied by fix-all) that leaves nothing for the handler to refuse', async () => {
    const text = 'events {}\nhttp { server {\n  listen 8080 default_server\n  server_name a;\n  error_page 404 /x.html\n  root /tmp;\n} }\n';
    const findings = (await check(text)).filter((f) => f.code === 'nginx.invalid-value');
    assert.equal(findings.length, 2);
    let fixed = text;
    // Apply from the end so that earlier offsets stay valid.
    const edits = findings.map((f) => f.fixes?.[0]).map((fix) => {
      assert.ok(fix && !fix.preferred && !fix.safe && /Add the missing ";"/.test(fix.title), JSON.stringify(fix));
      return fix.edits[0];
    }).sort((a, b) => b.start - a.start);
    for (const e of edits) fixed = fixed.slice(0, e.start) + e.newText + fixed.slice(e.end);
    assert.equal(fixed, 'events {}\nhttp { server {\n  listen 8080 default_server;\n  server_name a;\n  error_page 404 /x.html;\n  root /tmp;\n} }\n');
    assert.deepEqual(await check(fixed), []);
  });

  it('honours nginx-mtls-disable comments and the rules setting', async () => {
    const text = 'events {}\nhttp {\n  # nginx-mtls-disable-next-line nginx.unknown-directive -- a custom module\n  my_module on;\n  other_module on;\n}\n';
    assert.deepEqual((await check(text)).map((f) => f.message), ['nginx rejects this: unknown directive "other_module"']);
    const fs = new MemoryFs({ '/c/nginx.conf': text });
    const off = new WorkspaceAnalysis({ fs, settings: { ...DEFAULT_SETTINGS, rules: { 'nginx.unknown-directive': 'warning' } } });
    const result = await off.analyzeFiles(['/c/nginx.conf'], ['/c/nginx.conf']);
    assert.deepEqual(result.get('/c/nginx.conf')?.findings.map((f) => f.severity), ['warning']);
  });

  it('checks an unincluded snippet in its inferred context without judging its top level', async () => {
    const fs = new MemoryFs({ '/c/conf.d/site.conf': 'listen 443 ssl;\nserver_name a;\nlocation / { if ($x) { proxy_set_header A b; } }\n' });
    const analysis = new WorkspaceAnalysis({ fs });
    const result = await analysis.analyzeFiles(['/c/conf.d/site.conf'], []);
    const site = result.get('/c/conf.d/site.conf');
    assert.equal(site?.context, 'server');
    assert.deepEqual(site?.findings.map((f) => f.code), ['nginx.directive-not-allowed']);
  });
});
