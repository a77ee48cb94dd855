import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SymbolKind } from 'vscode-languageserver-types';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { buildConfigTree, resolveConfigPath, type ConfigTree } from '../../server/src/model/configTree';
import type { FileStat, FileSystem } from '../../server/src/model/fileSystem';
import { ParseCache, type ParsedFile } from '../../server/src/model/parsedFile';
import { documentLinks, findDefinition, findReferences, upstreamReference, workspaceSymbols, type NavigationOptions } from '../../server/src/service/definition';

const table = getDirectiveTable();

/** Files in memory, keyed by absolute path. */
class MemoryFileSystem implements FileSystem {
  constructor(private readonly files: Record<string, string>) {}
  async readText(filePath: string): Promise<string | undefined> {
    return this.files[filePath];
  }
  async stat(filePath: string): Promise<FileStat | undefined> {
    if (this.files[filePath] !== undefined) return { isFile: true, isDirectory: false, size: this.files[filePath].length, mtimeMs: 0 };
    const prefix = filePath.endsWith('/') ? filePath : filePath + '/';
    return Object.keys(this.files).some((f) => f.startsWith(prefix)) ? { isFile: false, isDirectory: true, size: 0, mtimeMs: 0 } : undefined;
  }
  async readDirectory(dirPath: string): Promise<string[] | undefined> {
    const prefix = dirPath.endsWith('/') ? dirPath : dirPath + '/';
    const names = new Set(Object.keys(this.files).filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split('/')[0]));
    return names.size > 0 ? [...names] : undefined;
  }
}

const MAIN = '/etc/nginx/nginx.conf';
const FILES: Record<string, string> = {
  [MAIN]: [
    'events {}',
    'http {',
    '  include conf.d/*.conf;',
    '  include upstreams.conf;',
    '}',
    '',
  ].join('\n'),
  '/etc/nginx/upstreams.conf': 'upstream backend {\n  server 10.0.0.1:8443;\n}\nupstream grpc_backend {\n  server 10.0.0.2:50051;\n}\n',
  '/etc/nginx/conf.d/api.conf': [
    'server {',                                              // 0
    '  listen 443 ssl;',                                     // 1
    '  server_name api.example.com;',                        // 2
    '  ssl_certificate /etc/nginx/ssl/api.crt;',             // 3
    '  ssl_certificate_key "ssl/api.key";',                  // 4
    '  ssl_client_certificate ssl/$ssl_server_name.pem;',    // 5
    '  ssl_password_file data:secret;',                      // 6
    '  location / {',                                        // 7
    '    proxy_pass https://backend/api;',                   // 8
    '    proxy_ssl_certificate ssl/client.crt;',             // 9
    '    try_files $uri @fallback;',                         // 10
    '  }',                                                   // 11
    '  location /grpc { grpc_pass grpcs://grpc_backend; }',  // 12
    '  location @fallback { proxy_pass http://backend:8443; }', // 13
    '}',                                                     // 14
    'server {',                                              // 15
    '  server_name www.example.com _;',                      // 16
    '  location @fallback { return 404; }',                  // 17
    '}',                                                     // 18
    '',
  ].join('\n'),
};

async function setup(): Promise<{ tree: ConfigTree; file: ParsedFile; main: ParsedFile; options: NavigationOptions }> {
  const fs = new MemoryFileSystem(FILES);
  const cache = new ParseCache();
  const resolver = { confDir: '/etc/nginx', pathMappings: {} };
  const tree = await buildConfigTree({
    fs, table, mainFile: MAIN, rootContext: 'main', resolver,
    getParsed: async (p) => (FILES[p] === undefined ? undefined : cache.get(p, FILES[p])),
  });
  const file = tree.files.get('/etc/nginx/conf.d/api.conf')!.parsed;
  const main = tree.files.get(MAIN)!.parsed;
  return { tree, file, main, options: { table, trees: [tree], resolvePath: (w) => resolveConfigPath(w, resolver) } };
}

const uri = (p: string) => 'file://' + p;

describe('findDefinition', () => {
  it('goes from proxy_pass and grpc_pass to the upstream block in another file', async () => {
    const { file, options } = await setup();
    const offset = file.text.indexOf('backend/api') + 2;
    const locations = findDefinition(file, offset, options);
    assert.deepEqual(locations, [{ uri: uri('/etc/nginx/upstreams.conf'), range: { start: { line: 0, character: 0 }, end: { line: 2, character: 1 } } }]);
    const grpc = findDefinition(file, file.text.indexOf('grpc_backend') + 1, options);
    assert.equal(grpc.length, 1);
    assert.equal(grpc[0].range.start.line, 3);
  });

  it('goes from an include to the files it brings in, globs included', async () => {
    const { main, options } = await setup();
    const glob = findDefinition(main, main.text.indexOf('conf.d/*.conf') + 3, options);
    assert.deepEqual(glob.map((l) => l.uri), [uri('/etc/nginx/conf.d/api.conf')]);
    const plain = findDefinition(main, main.text.indexOf('upstreams.conf') + 3, options);
    assert.deepEqual(plain, [{ uri: uri('/etc/nginx/upstreams.conf'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
  });

  it('resolves an include against the main config directory when no tree expanded it', async () => {
    const { options } = await setup();
    const cache = new ParseCache();
    const standalone = cache.get('/etc/nginx/sites-enabled/site', 'server {\n  include snippets/tls.conf;\n}\n');
    const result = findDefinition(standalone, standalone.text.indexOf('snippets') + 1, { ...options, trees: [] });
    assert.deepEqual(result.map((l) => l.uri), [uri('/etc/nginx/snippets/tls.conf')]);
  });

  it('goes from @name to the named location of the same server', async () => {
    const { file, options } = await setup();
    const locations = findDefinition(file, file.text.indexOf('@fallback;') + 2, options);
    assert.equal(locations.length, 1);
    assert.equal(locations[0].range.start.line, 13);
  });

  it('returns nothing elsewhere', async () => {
    const { file, options } = await setup();
    assert.deepEqual(findDefinition(file, file.text.indexOf('listen') + 1, options), []);
    assert.deepEqual(findDefinition(file, file.text.indexOf('443') + 1, options), []);
  });
});

describe('findReferences', () => {
  it('lists every use of an upstream, and its declaration', async () => {
    const { file, tree, options } = await setup();
    const upstreams = tree.files.get('/etc/nginx/upstreams.conf')!.parsed;
    const fromDefinition = findReferences(upstreams, upstreams.text.indexOf('backend') + 1, options);
    assert.deepEqual(fromDefinition.map((l) => `${path.basename(l.uri)}:${l.range.start.line}:${l.range.start.character}`).sort(), [
      'api.conf:13:41', 'api.conf:8:23', 'upstreams.conf:0:9',
    ]);
    const fromUse = findReferences(file, file.text.indexOf('backend/api'), options, false);
    assert.equal(fromUse.length, 2);
  });

  it('finds the upstream name inside *_pass arguments', () => {
    const cache = new ParseCache();
    const parsed = cache.get('/x', 'proxy_pass https://backend:8443/x; fastcgi_pass php; proxy_pass http://$host; proxy_pass unix:/tmp/s;');
    const [a, b, c, d] = parsed.syntax.statements;
    assert.deepEqual(upstreamReference(parsed.text, a), { name: 'backend', start: 19, end: 26 });
    assert.equal(upstreamReference(parsed.text, b)?.name, 'php');
    assert.equal(upstreamReference(parsed.text, c), undefined);
    assert.equal(upstreamReference(parsed.text, d), undefined);
  });
});

describe('workspaceSymbols', () => {
  it('lists server names and upstreams of every file of the trees', async () => {
    const { tree } = await setup();
    const all = workspaceSymbols([tree], '');
    assert.deepEqual(all.map((s) => s.name).sort(), ['api.example.com', 'backend', 'grpc_backend', 'www.example.com']);
    const backend = all.find((s) => s.name === 'backend')!;
    assert.equal(backend.kind, SymbolKind.Struct);
    assert.equal(backend.location.uri, uri('/etc/nginx/upstreams.conf'));
    assert.equal(backend.containerName, 'upstream');
    const server = all.find((s) => s.name === 'api.example.com')!;
    assert.equal(server.kind, SymbolKind.Class);
    assert.deepEqual(server.location.range.start, { line: 0, character: 0 });
    assert.deepEqual(workspaceSymbols([tree], 'apiex').map((s) => s.name), ['api.example.com']);
    assert.deepEqual(workspaceSymbols([tree, tree], 'grpc').length, 1);
  });
});

describe('documentLinks', () => {
  it('links include and certificate paths resolved against the main config directory', async () => {
    const { file, main, options } = await setup();
    const links = documentLinks(file, options.resolvePath);
    assert.deepEqual(links.map((l) => l.target), [
      uri('/etc/nginx/ssl/api.crt'),
      uri('/etc/nginx/ssl/api.key'),
      uri('/etc/nginx/ssl/client.crt'),
    ]);
    // The quotes are not part of the link.
    assert.deepEqual(links[1].range, { start: { line: 4, character: 23 }, end: { line: 4, character: 34 } });
    const mainLinks = documentLinks(main, options.resolvePath);
    assert.deepEqual(mainLinks.map((l) => l.target), [uri('/etc/nginx/upstreams.conf')], 'globs are not linked');
  });
});
