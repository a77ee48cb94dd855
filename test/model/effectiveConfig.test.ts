/** Effective values after nginx's inheritance, across included files. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ConfigNode, ConfigTree } from '../../server/src/model/configTree';
import { walkNodes } from '../../server/src/model/treeIndexes';
import { effective, levelsFor, levelsIncomplete, parseTarget, requestPaths, serverScopes, tlsDefault, unchangedBy } from '../../server/src/model/effectiveConfig';
import { workspace, writeTree } from '../analysis/rules/mtlsRuleHelpers';

function find(tree: ConfigTree, predicate: (n: ConfigNode) => boolean): ConfigNode {
  let found: ConfigNode | undefined;
  walkNodes(tree.nodes, (n) => { if (!found && predicate(n)) found = n; });
  if (!found) throw new Error('node not found');
  return found;
}

const location = (arg: string) => (n: ConfigNode) => n.directive.name === 'location' && n.directive.args[0]?.value === arg;

describe('effectiveConfig', () => {
  const dir = writeTree({
    'nginx.conf': 'events {}\nhttp {\n    proxy_set_header X-A a;\n    proxy_ssl_verify on;\n    include conf.d/*.conf;\n}\n',
    'conf.d/site.conf': [
      'server {',
      '    listen 8080;',
      '    include snippets/headers.conf;',
      '    location /inherits { proxy_pass https://up.example.com; }',
      '    location /own {',
      '        proxy_set_header X-C c;',
      '        proxy_ssl_verify off;',
      '        location /own/nested { proxy_pass https://up.example.com:8443; }',
      '        if ($arg_x) { proxy_pass https://other.example.com; }',
      '    }',
      '}',
      '',
    ].join('\n'),
    'snippets/headers.conf': 'proxy_set_header X-B b;\nproxy_set_header X-B2 b2;\n',
  });
  const version = '1.30.0';

  it('follows http → server → location → nested location → if, across include files', async () => {
    const tree = await workspace().buildTree(path.join(dir, 'nginx.conf'));
    const inherits = find(tree, location('/inherits'));
    const headers = effective(inherits, 'proxy_set_header', tree, { version });
    // The server level (from the included snippet) replaces the http level wholesale.
    assert.deepEqual(headers.nodes.map((n) => n.directive.args[0].value), ['X-B', 'X-B2']);
    assert.equal(path.basename(headers.nodes[0].file.path), 'headers.conf');
    assert.equal(effective(inherits, 'proxy_ssl_verify', tree, { version }).args[0], 'on');
    const nested = find(tree, location('/own/nested'));
    assert.deepEqual(effective(nested, 'proxy_set_header', tree, { version }).nodes.map((n) => n.directive.args[0].value), ['X-C']);
    assert.equal(effective(nested, 'proxy_ssl_verify', tree, { version }).args[0], 'off');
    assert.deepEqual(levelsFor(nested, tree).map((l) => l.context), ['http', 'server', 'location', 'location']);
    const ifNode = find(tree, (n) => n.directive.name === 'if');
    assert.deepEqual(levelsFor(ifNode, tree).map((l) => l.context), ['http', 'server', 'location', 'if-in-location']);
    assert.equal(effective(ifNode, 'proxy_ssl_verify', tree, { version }).args[0], 'off');
  });

  it('lists request paths with TLS settings', async () => {
    const tree = await workspace().buildTree(path.join(dir, 'nginx.conf'));
    const paths = requestPaths(tree, { version });
    assert.deepEqual(paths.map((p) => [p.block.directive.name, p.target.host, p.target.port ?? '', p.tls, p.ssl('verify').args[0]]), [
      ['location', 'up.example.com', '', true, 'on'],
      ['location', 'up.example.com', '8443', true, 'off'],
      ['if', 'other.example.com', '', true, 'off'],
    ]);
  });

  it('keeps one path and scope per statement for an analysis no other follows, with the values an editor\'s analysis sees', async () => {
    const tree = await workspace().buildTree(path.join(dir, 'nginx.conf'));
    const oneShot = { version, oneShot: true };
    const paths = requestPaths(tree, oneShot);
    // Asked again within the analysis: the same objects (rules key what they derive on them).
    assert.deepEqual(requestPaths(tree, oneShot), paths);
    paths.forEach((p, i) => assert.equal(requestPaths(tree, oneShot)[i], p, `path ${i} is kept`));
    const scopes = serverScopes(tree, 'http', oneShot);
    serverScopes(tree, 'http', oneShot).forEach((s, i) => assert.equal(s, scopes[i], `scope ${i} is kept`));
    // Kept apart from an editor's: neither takes the other's objects, and both see the same values.
    const editor = requestPaths(tree, { version });
    editor.forEach((p, i) => {
      assert.notEqual(p, paths[i]);
      for (const name of ['verify', 'trusted_certificate', 'server_name']) assert.deepEqual(p.ssl(name).args, paths[i].ssl(name).args, `path ${i}: ${name}`);
      assert.deepEqual(p.get('proxy_set_header').nodes, paths[i].get('proxy_set_header').nodes, `path ${i}: proxy_set_header`);
    });
    // Nothing is recorded for a later analysis to take over.
    assert.equal(unchangedBy(paths[0], new Set()), false);
  });

  it('knows version-dependent defaults', async () => {
    assert.equal(tlsDefault('ssl_protocols', '1.22.1', 'http'), 'TLSv1 TLSv1.1 TLSv1.2');
    assert.equal(tlsDefault('ssl_protocols', '1.23.4', 'http'), 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3');
    assert.equal(tlsDefault('proxy_ssl_protocols', '1.27.3', 'http'), 'TLSv1.2 TLSv1.3');
    assert.equal(tlsDefault('ssl', '1.25.1', 'http'), undefined);
    assert.equal(tlsDefault('proxy_ssl', '1.22.1', 'stream'), 'off');
    const tree = await workspace().buildTree(path.join(dir, 'nginx.conf'));
    const inherits = find(tree, location('/inherits'));
    const reuse = effective(inherits, 'proxy_ssl_session_reuse', tree, { version });
    assert.deepEqual([reuse.isDefault, reuse.args], [true, ['on']]);
  });

  it('finds the same statements in levels searched one by one and in indexed levels', async () => {
    // Levels from a handful of statements to more than the size from which a level is indexed
    // by name, with a directive written several times, once, or not at all, and an include of
    // a missing file in some of them (the chain is then incomplete).
    const filler = (n: number, tag: string, missingInclude: boolean): string[] => Array.from({ length: n }, (_, i) => {
      if (missingInclude && i === Math.floor(n / 2)) return `include missing-${tag}.conf;`;
      if (i % 5 === 4) return `proxy_ssl_verify ${i % 2 === 0 ? 'on' : 'off'};`;
      return i % 2 === 0 ? `proxy_set_header X-${tag}-${i} v;` : `add_header A-${tag}-${i} v;`;
    });
    const names = ['proxy_set_header', 'add_header', 'proxy_ssl_verify', 'include', 'proxy_ssl_name'];
    for (const size of [3, 7, 8, 31, 32, 33, 90]) {
      for (const missingAt of ['none', 'server', 'location'] as const) {
        const conf = [
          'events {}', 'http {', ...filler(size, 'h', false), 'server {', 'listen 80;', ...filler(size, 's', missingAt === 'server'),
          'location /x {', ...filler(size, 'l', missingAt === 'location'), 'proxy_pass https://up.example.com;', '}', '}', '}', '',
        ].join('\n');
        const tree = await workspace().buildTree(path.join(writeTree({ 'nginx.conf': conf }), 'nginx.conf'));
        const pass = find(tree, (n) => n.directive.name === 'proxy_pass');
        const levels = levelsFor(pass, tree);
        assert.equal(levels.length, 3);
        for (const name of names) {
          const nearest = [...levels].reverse().map((l) => l.statements.filter((s) => s.directive.name === name)).find((found) => found.length > 0) ?? [];
          assert.deepEqual(effective(pass, name, tree, { version }).nodes, nearest, `${name} in levels of ${size}`);
        }
        assert.equal(levelsIncomplete(levels), missingAt !== 'none', `levels of ${size}, missing include in ${missingAt}`);
      }
    }
  });

  it('gives the paths below an indexed level one value for a setting they take from it', async () => {
    // 40 statements: the http level is indexed (INDEXED_LEVEL_SIZE); a server or location is not.
    const filler = Array.from({ length: 40 }, (_, i) => `    map_hash_bucket_size ${64 + i};`).join('\n');
    const site = (n: number) => `server {\n    listen ${8000 + n};\n    location / { proxy_pass https://up${n}.example.com; }\n    location /own { proxy_ssl_verify off; proxy_pass https://own${n}.example.com; }\n}\n`;
    const root = writeTree({
      'nginx.conf': `events {}\nhttp {\n${filler}\n    proxy_ssl_verify on;\n${site(1)}${site(2)}}\n`,
    });
    const tree = await workspace().buildTree(path.join(root, 'nginx.conf'));
    const paths = requestPaths(tree, { version });
    const inheriting = paths.filter((p) => p.block.directive.args[0]?.value === '/');
    const own = paths.filter((p) => p.block.directive.args[0]?.value === '/own');
    assert.equal(inheriting.length, 2);
    assert.equal(inheriting[0].ssl('verify'), inheriting[1].ssl('verify'), 'one object for both paths');
    assert.deepEqual(inheriting[0].ssl('verify').args, ['on']);
    assert.equal(inheriting[0].ssl('verify').level, levelsFor(inheriting[0].pass, tree)[0]);
    // A location that writes its own keeps its own value.
    assert.deepEqual(own.map((p) => p.ssl('verify').args[0]), ['off', 'off']);
    assert.notEqual(own[0].ssl('verify'), own[1].ssl('verify'));
    // Another tree made from other text has its own statements, so its own value.
    const other = writeTree({ 'nginx.conf': `events {}\nhttp {\n${filler}\n    proxy_ssl_verify off;\n${site(1)}}\n` });
    const otherTree = await workspace().buildTree(path.join(other, 'nginx.conf'));
    assert.deepEqual(requestPaths(otherTree, { version })[0].ssl('verify').args, ['off']);
  });

  it('parses pass targets', () => {
    assert.deepEqual(parseTarget('https://[::1]:8443/x'), { host: '[::1]', port: '8443', scheme: 'https', upstreamBlock: undefined, isIp: true, hasVariable: false, isUnix: false });
    assert.equal(parseTarget('backend:50051', 'grpc').scheme, 'grpc');
    assert.equal(parseTarget('unix:/run/app.sock').isUnix, true);
    assert.equal(parseTarget('https://10.0.0.1').isIp, true);
  });
});
