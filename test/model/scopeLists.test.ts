/**
 * The request paths, server scopes and aggregates over them that a tree derives from the
 * previous tree's after an in-place rebuild (model/scopeLists.ts, treeState) must be what a
 * fresh tree computes: same objects in the same order, same groups. Each step edits files of
 * a tree the way an editor does; the aggregates of every tree are asked for before the next
 * edit, so each one after an in-place rebuild is derived.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { listenGroups } from '../../server/src/analysis/analysisFocus';
import { addressGroups, type AddressGroups } from '../../server/src/analysis/rules/tlsRuleSupport';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import type { ConfigNode, ConfigTree } from '../../server/src/model/configTree';
import { requestPaths, serverScopes, type EffectiveOptions, type Family, type RequestPath } from '../../server/src/model/effectiveConfig';
import { allRequestPaths, allServerScopes, groupedItems, passOrder } from '../../server/src/model/scopeLists';
import { namedGroups, nodesNamed } from '../../server/src/model/treeIndexes';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';
import { applyMutations, mutation } from '../fuzz/properties';

const ROOT = '/ws/etc/nginx';
const MAIN = `${ROOT}/nginx.conf`;

function id(node: ConfigNode | undefined): string {
  return node ? `${node.file.path}@${node.directive.start}` : '-';
}

const SITE = (n: number, extra = '', location = ''): string => [
  'server {',
  `    listen ${n % 2 === 0 ? '443 ssl' : `44${n} ssl`};`,
  `    server_name site${n}.example.test;`,
  '    include snippets/tls.conf;',
  `    location / { proxy_pass https://backend${n % 3}; include snippets/proxy.conf; ${location} }`,
  `    location /app { proxy_pass https://app; proxy_set_header X-Client-DN $ssl_client_s_dn; }`,
  extra,
  '}',
].join('\n');

function initialFiles(): Record<string, string> {
  return {
    [MAIN]: 'events {}\nhttp {\n    include conf.d/*.conf;\n    include sites/*.conf;\n}\nstream {\n    include stream.d/*.conf;\n}\n',
    [`${ROOT}/conf.d/upstreams.conf`]: 'upstream backend1 { server 127.0.0.1:8443; }\nupstream app { server 127.0.0.1:9443; }\n',
    [`${ROOT}/sites/a.conf`]: SITE(1),
    [`${ROOT}/sites/b.conf`]: SITE(2),
    [`${ROOT}/sites/c.conf`]: SITE(3) + '\n' + SITE(4),
    [`${ROOT}/snippets/tls.conf`]: 'ssl_certificate ssl/a.crt;\nssl_certificate_key ssl/a.key;\n',
    [`${ROOT}/snippets/proxy.conf`]: 'proxy_ssl_verify on;\nproxy_set_header X-Client $ssl_client_s_dn;\n',
    [`${ROOT}/stream.d/proxy.conf`]: 'server {\n    listen 9443 ssl;\n    proxy_pass 127.0.0.1:9000;\n}\n',
  };
}

const STEPS: { title: string; files: Record<string, string> }[] = [
  { title: 'a comment in a site', files: { [`${ROOT}/sites/a.conf`]: `# note\n${SITE(1)}` } },
  { title: 'a listen port changes (listen groups)', files: { [`${ROOT}/sites/b.conf`]: SITE(2).replace('443 ssl', '8443 ssl default_server') } },
  { title: 'a server is added to a site', files: { [`${ROOT}/sites/b.conf`]: `${SITE(2)}\n${SITE(6)}` } },
  { title: 'a location gets its own settings', files: { [`${ROOT}/sites/a.conf`]: SITE(1, '', 'proxy_ssl_certificate ssl/c.crt; proxy_ssl_certificate_key ssl/c.key;') } },
  { title: 'a snippet inside every location changes (its levels change)', files: { [`${ROOT}/snippets/proxy.conf`]: 'proxy_ssl_verify off;\nproxy_set_header X-Other 1;\n' } },
  { title: 'a snippet inside every server changes', files: { [`${ROOT}/snippets/tls.conf`]: 'ssl_certificate ssl/b.crt;\nssl_certificate_key ssl/b.key;\nlisten 443 ssl;\n' } },
  { title: 'an upstream block is renamed', files: { [`${ROOT}/conf.d/upstreams.conf`]: 'upstream backend2 { server 127.0.0.1:8443; }\nupstream app { server 127.0.0.1:9443; }\n' } },
  { title: 'a conf.d file gains http-level settings (every path inherits them)', files: { [`${ROOT}/conf.d/upstreams.conf`]: 'proxy_ssl_session_reuse off;\nupstream backend1 { server 127.0.0.1:8443; }\n' } },
  // The paths read proxy_ssl_verify (aggregates()): those without their own are made again.
  { title: 'an http-level setting the paths read changes', files: { [`${ROOT}/conf.d/upstreams.conf`]: 'proxy_ssl_verify on;\nupstream backend1 { server 127.0.0.1:8443; }\n' } },
  // The paths that take it from the http level are made again; those whose location sets its own keep theirs.
  { title: 'that setting changes its value', files: { [`${ROOT}/conf.d/upstreams.conf`]: 'proxy_ssl_verify off;\nupstream backend1 { server 127.0.0.1:8443; }\n' } },
  // Made again with what they had read of the other settings carried over (refreshed()), twice in a row.
  { title: 'another http-level setting the paths read is added', files: { [`${ROOT}/conf.d/upstreams.conf`]: 'proxy_ssl_verify off;\nproxy_ssl_name inner.example;\nupstream backend1 { server 127.0.0.1:8443; }\n' } },
  { title: 'both change at once', files: { [`${ROOT}/conf.d/upstreams.conf`]: 'proxy_ssl_verify on;\nproxy_ssl_name outer.example;\nupstream backend1 { server 127.0.0.1:8443; }\n' } },
  { title: 'a server-level setting of one site changes (its paths take it, the others keep theirs)', files: { [`${ROOT}/sites/a.conf`]: SITE(1, '    proxy_ssl_server_name on;\n    ssl_verify_client optional;') } },
  { title: 'a site writes an http-level setting', files: { [`${ROOT}/sites/c.conf`]: `proxy_set_header X-Top 1;\n${SITE(3)}\n${SITE(4)}` } },
  // In place of a setting no path read: the chains of the other sites' paths are now incomplete.
  { title: 'an http-level include can no longer be read', files: { [`${ROOT}/sites/c.conf`]: `include missing/extra.conf;\n${SITE(3)}\n${SITE(4)}` } },
  { title: 'the site removes it and a server', files: { [`${ROOT}/sites/c.conf`]: SITE(3) } },
  { title: 'a stream server changes', files: { [`${ROOT}/stream.d/proxy.conf`]: 'proxy_ssl on;\nserver {\n    listen 9443;\n    proxy_pass 127.0.0.1:9001;\n}\nserver { listen 9444 ssl; proxy_pass backend; }\n' } },
  { title: 'a site becomes empty', files: { [`${ROOT}/sites/b.conf`]: '' } },
  { title: 'a site gets unbalanced braces', files: { [`${ROOT}/sites/b.conf`]: 'server {\n  listen 443 ssl;\n  location / {\n proxy_pass https://app;\n' } },
  // Rebuilt one file after the other: the tree in between is never analysed, and the aggregates
  // derive from the last analysed tree through both changes (recordTreeChange in treeIndexes.ts).
  { title: 'two files change at once', files: { [`${ROOT}/sites/a.conf`]: SITE(1, '    ssl_verify_client on;'), [`${ROOT}/sites/c.conf`]: SITE(4) } },
  { title: 'three files change at once, a server moving from one to another', files: { [`${ROOT}/sites/a.conf`]: `${SITE(1)}
${SITE(4)}`, [`${ROOT}/sites/b.conf`]: SITE(2, '    proxy_ssl_server_name on;'), [`${ROOT}/sites/c.conf`]: '' } },
];

function groupsText(groups: AddressGroups): string[] {
  const lines = groups.groups.map((g) => `group ${g.address} ssl=${g.ssl} default=${id(g.defaultServer.scope.node)}@${id(g.defaultServer.socket.node)} ${g.servers.map((m) => `${id(m.scope.node)}@${id(m.socket.node)}`).join(' ')}`);
  for (const [scope, info] of groups.byServer) lines.push(`server ${id(scope.node)} tls=${info.tls} ${info.sockets.map((s) => s.address).join(' ')}`);
  for (const [address, group] of groups.byAddress) assert.equal(groups.groups.find((g) => g.address === address), group, `group of ${address}`);
  assert.equal(groups.byAddress.size, groups.groups.length);
  return lines.sort();
}

/**
 * The aggregates of a tree as text, checked against what a fresh walk of the same tree gives
 * (the same reused objects, in the same order). Also says whether the path list was derived.
 */
function aggregates(tree: ConfigTree, options: EffectiveOptions): { text: string; derived: boolean } {
  const lines: string[] = [];
  const paths = allRequestPaths(tree, options);
  const walked = requestPaths(tree, options);
  assert.equal(paths.items.length, walked.length, 'number of request paths');
  paths.items.forEach((p, i) => assert.ok(p === walked[i], `request path ${i} (${id(p.pass)}) is not the walked one (${id(walked[i]?.pass)})`));
  for (const p of paths.items) {
    // Values a path made again for changed settings carries over (refreshed()) must be a fresh walk's.
    const carried = ['session_reuse', 'name', 'server_name', 'certificate', 'trusted_certificate'].map((s) => `${s}=${p.ssl(s).args.join(' ')}@${p.ssl(s).nodes.map(id).join(',')}`);
    lines.push(`path ${id(p.pass)} ${p.module} tls=${p.tls} host=${p.target.host} upstream=${id(p.target.upstreamBlock)} incomplete=${p.incomplete} server=${id(p.server)} levels=${p.levels.map((l) => id(l.node)).join(',')} verify=${p.ssl('verify').args.join(' ')} ${carried.join(' ')} headers=${p.get('proxy_set_header').nodes.map(id).join(',')}`);
  }
  // Each item made again for its statement stands in the added items, the one it replaced in the removed.
  for (const [before, after] of paths.replaced ?? []) {
    assert.ok(paths.removed?.includes(before) && paths.added?.includes(after) && before.pass === after.pass, `replaced path ${id(before.pass)}`);
  }
  for (const family of ['http', 'stream'] as Family[]) {
    const scopes = allServerScopes(tree, family, options);
    const fresh = serverScopes(tree, family, options);
    assert.equal(scopes.items.length, fresh.length, `number of ${family} scopes`);
    scopes.items.forEach((s, i) => {
      assert.ok(s === fresh[i], `${family} scope ${i} (${id(s.node)}) is not the walked one (${id(fresh[i]?.node)})`);
      assert.ok(s.statements === s.node?.children, `statements of ${id(s.node)}`);
    });
    for (const s of scopes.items) lines.push(`scope ${family} ${id(s.node)} cert=${s.get('ssl_certificate').args.join(' ')} verify_client=${s.get('ssl_verify_client').args.join(' ')} incomplete=${s.incomplete}`);
    for (const [before, after] of scopes.replaced ?? []) assert.ok(scopes.removed?.includes(before) && scopes.added?.includes(after) && before.node === after.node, `replaced scope ${id(before.node)}`);
  }
  const scopes = allServerScopes(tree, 'http', options);
  const groups = listenGroups(tree, scopes, options.version);
  assert.deepEqual(groupsText(groups), groupsText(addressGroups(scopes.items, options.version)), 'listen groups');
  lines.push(...groupsText(groups));
  const byHost = (p: { target: { host: string } }): string => p.target.host.toLowerCase();
  const grouped = groupedItems(tree, 'test host', paths, byHost, passOrder);
  const expected = new Map<string, string[]>();
  for (const p of walked) expected.set(byHost(p), [...(expected.get(byHost(p)) ?? []), id(p.pass)]);
  assert.deepEqual(new Map([...grouped].map(([k, list]) => [k, list.map((p) => id(p.pass))])), expected, 'paths grouped by host');
  grouped.forEach((list, key) => list.forEach((p) => assert.ok(paths.items.includes(p), `${key}: ${id(p.pass)} is the current path`)));
  // A key that changes with the setting typed into: a path made again moves to another group.
  const byVerify = (p: RequestPath): string => `${p.target.host.toLowerCase()} ${p.ssl('verify').args.join(' ')}`;
  const verifyGroups = groupedItems(tree, 'test verify', paths, byVerify, passOrder);
  const expectedVerify = new Map<string, string[]>();
  for (const p of walked) expectedVerify.set(byVerify(p), [...(expectedVerify.get(byVerify(p)) ?? []), id(p.pass)]);
  assert.deepEqual(new Map([...verifyGroups].map(([k, list]) => [k, list.map((p) => id(p.pass))])), expectedVerify, 'paths grouped by host and verify');
  verifyGroups.forEach((list, key) => list.forEach((p) => assert.ok(paths.items.includes(p), `${key}: ${id(p.pass)} is the current path`)));
  const byFile = namedGroups(tree, 'ssl_certificate', 'test written', (n) => n.directive.args[0]?.value);
  const files = new Map<string, string[]>();
  for (const n of nodesNamed(tree.nodes, 'ssl_certificate')) {
    const written = n.directive.args[0]?.value;
    if (written !== undefined) files.set(written, [...(files.get(written) ?? []), id(n)]);
  }
  assert.deepEqual(new Map([...byFile].map(([k, list]) => [k, list.map(id)])), files, 'certificates grouped by file');
  return { text: lines.join('\n'), derived: paths.previousId !== undefined };
}

describe('derived request paths, scopes and aggregates', () => {
  const options: EffectiveOptions = { version: '1.22.1', table: getDirectiveTable() };

  it('equal a fresh walk after every kind of edit, and are derived after in-place rebuilds', async () => {
    const fs = new MemoryFileSystem(initialFiles());
    const incremental = new WorkspaceAnalysis({ fs });
    aggregates(await incremental.buildTree(MAIN), options);
    for (const step of STEPS) {
      for (const [file, text] of Object.entries(step.files)) fs.write(file, text);
      const tree = await incremental.buildTree(MAIN);
      const fresh = await new WorkspaceAnalysis({ fs }).buildTree(MAIN);
      const got = (() => { try { return aggregates(tree, options); } catch (e) { throw new Error(`${step.title}: ${(e as Error).message}`); } })();
      const want = aggregates(fresh, options);
      assert.equal(got.text, want.text, step.title);
      assert.equal(want.derived, false);
      assert.equal(got.derived, true, `${step.title}: derived`);
    }
  });

  it('equal a fresh walk after random edits of included files (fixed seed)', async () => {
    const editable = Object.keys(initialFiles()).filter((f) => f !== MAIN);
    const edit = fc.record({ file: fc.constantFrom(...editable), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) });
    let derived = 0;
    await fc.assert(fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 5 }), async (edits) => {
      const fs = new MemoryFileSystem(initialFiles());
      const incremental = new WorkspaceAnalysis({ fs });
      aggregates(await incremental.buildTree(MAIN), options);
      for (const { file, mutations } of edits) {
        fs.write(file, applyMutations((await fs.readText(file)) ?? '', mutations));
        const got = aggregates(await incremental.buildTree(MAIN), options);
        const want = aggregates(await new WorkspaceAnalysis({ fs }).buildTree(MAIN), options);
        assert.equal(got.text, want.text);
        if (got.derived) derived++;
      }
    }), { seed: 20261205, numRuns: 25 });
    assert.ok(derived >= 25, `only ${derived} derived`);
  });
});
