/**
 * Rebuilding an edited included file in place (rebuildIncludedFile, used by
 * WorkspaceAnalysis.buildTree) must give exactly the tree a fresh build gives: same nodes,
 * contexts, parents, include spans, problems and file uses. Each step below edits files of a
 * tree and compares the two, structurally.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigNode, ConfigTree } from '../../server/src/model/configTree';
import { includeOf, includedByOf } from '../../server/src/model/configTree';
import { depthFirstNodes, nodesNamed, nodesOfFile, walkNodes } from '../../server/src/model/treeIndexes';
import { serverNameIndex } from '../../server/src/model/serverNameIndex';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import fc from 'fast-check';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';
import { applyMutations, mutation } from '../fuzz/properties';

const ROOT = '/ws/etc/nginx';
const MAIN = `${ROOT}/nginx.conf`;

function id(node: ConfigNode | undefined): string {
  return node ? `${node.file.path}@${node.directive.start}` : '-';
}

/** Everything a rule can see of a tree, as text. */
function snapshot(tree: ConfigTree): string {
  const lines: string[] = [];
  walkNodes(tree.nodes, (n) => {
    const info = includeOf(n);
    const include = info ? ` include=${JSON.stringify({ files: info.files, spans: info.spans.map((s) => [s.file, s.count]) })}` : '';
    lines.push(`${id(n)} ${n.directive.name} ${n.context} parent=${id(n.parent)} by=${id(includedByOf(n))} children=${n.children.length}${include} text=${n.file.text.length}`);
  });
  lines.push('-- problems');
  lines.push(...tree.problems.map((p) => JSON.stringify(p)).sort());
  lines.push(`-- expansion ${JSON.stringify(tree.expansion)}`);
  // The indexes rules use (kept up to date by the in-place rebuild, not recomputed).
  const flat = depthFirstNodes(tree.nodes);
  lines.push(`-- depth-first ${flat.map(id).join(' ')}`);
  for (let i = 1; i < flat.length; i++) assert.ok((flat[i].order as number) > (flat[i - 1].order as number), `order keys increase at ${id(flat[i])}`);
  for (const name of ['server', 'listen', 'include', 'location', 'proxy_pass', 'add_header', 'ssl_certificate', 'upstream', 'proxy_ssl_verify', 'ssl_verify_client']) {
    lines.push(`-- named ${name}: ${nodesNamed(tree.nodes, name).map(id).join(' ')}`);
  }
  for (const file of tree.files.keys()) lines.push(`-- nodes of ${file}: ${nodesOfFile(tree, file).map(id).join(' ')}`);
  const names = serverNameIndex(tree);
  for (const name of [...names.exact.keys()].sort()) lines.push(`-- server name ${name}: ${(names.exact.get(name) ?? []).map(id).join(' ')}`);
  lines.push(`-- wildcard names: ${names.wildcard.map((w) => `${w.pattern}=${id(w.server)}`).join(' ')}`);
  lines.push('-- files');
  for (const [file, use] of tree.files) lines.push(`${file} ${[...use.contexts].join(',')} ${use.parsed.text.length}`);
  return lines.join('\n');
}

const SITE = (n: number, extra = ''): string => [
  `server {`,
  `    listen 44${n} ssl;`,
  `    server_name site${n}.example.test;`,
  `    include snippets/tls.conf;`,
  `    location / { proxy_pass https://backend${n}; include snippets/proxy.conf; }`,
  extra,
  `}`,
].join('\n');

function initialFiles(): Record<string, string> {
  return {
    [MAIN]: 'events {}\nhttp {\n    ssl_protocols TLSv1.2;\n    include conf.d/*.conf;\n    include sites/*.conf;\n}\n',
    [`${ROOT}/conf.d/upstreams.conf`]: 'upstream backend1 { server 127.0.0.1:8443; }\n',
    [`${ROOT}/sites/a.conf`]: SITE(1),
    [`${ROOT}/sites/b.conf`]: SITE(2),
    [`${ROOT}/sites/c.conf`]: SITE(3) + '\n' + SITE(4),
    [`${ROOT}/snippets/tls.conf`]: 'ssl_certificate ssl/a.crt;\nssl_certificate_key ssl/a.key;\n',
    [`${ROOT}/snippets/proxy.conf`]: 'proxy_ssl_verify on;\nproxy_set_header X-Client $ssl_client_s_dn;\n',
  };
}

/**
 * Edits applied one after another; each names the files it changes. `fresh` marks the steps
 * whose tree (before or after) has an include cycle: a fresh build is what reports a cycle
 * once per include (see dependsOnBuildOrder in incrementalRebuild.ts).
 */
const STEPS: { title: string; files: Record<string, string | null>; fresh?: true }[] = [
  { title: 'a listen port changes', files: { [`${ROOT}/sites/a.conf`]: SITE(1).replace('441', '8441') } },
  { title: 'a server is added to a site', files: { [`${ROOT}/sites/b.conf`]: SITE(2) + '\n' + SITE(5) } },
  { title: 'a snippet included from every server changes', files: { [`${ROOT}/snippets/tls.conf`]: 'ssl_certificate ssl/b.crt;\nssl_certificate_key ssl/b.key;\nssl_session_timeout 5m;\n' } },
  { title: 'a site includes a file that does not exist', files: { [`${ROOT}/sites/a.conf`]: SITE(1, '    include snippets/missing.conf;') } },
  { title: 'the missing include is removed again', files: { [`${ROOT}/sites/a.conf`]: SITE(1) } },
  { title: 'a snippet includes itself (a cycle)', files: { [`${ROOT}/snippets/proxy.conf`]: 'proxy_ssl_verify on;\ninclude snippets/proxy.conf;\n' }, fresh: true },
  { title: 'the cycle goes away', files: { [`${ROOT}/snippets/proxy.conf`]: 'proxy_ssl_verify off;\n' }, fresh: true },
  { title: 'a site includes a nested snippet chain', files: { [`${ROOT}/sites/c.conf`]: SITE(3, '    include snippets/outer.conf;'), [`${ROOT}/snippets/outer.conf`]: 'include snippets/inner.conf;\nadd_header X-Outer 1;\n', [`${ROOT}/snippets/inner.conf`]: 'add_header X-Inner 1;\n' } },
  { title: 'the innermost snippet changes', files: { [`${ROOT}/snippets/inner.conf`]: 'add_header X-Inner 2;\nadd_header X-Inner-More 3;\ninclude snippets/nope.conf;\n' } },
  { title: 'the middle snippet changes around its include', files: { [`${ROOT}/snippets/outer.conf`]: 'add_header X-Before 1;\ninclude snippets/inner.conf;\nadd_header X-Outer 1;\nadd_header X-After 1;\n' } },
  { title: 'a snippet is also included in a second context', files: { [`${ROOT}/sites/c.conf`]: SITE(3, '    include snippets/outer.conf;\n    include snippets/proxy.conf;') } },
  { title: 'that snippet changes in both places at once', files: { [`${ROOT}/snippets/proxy.conf`]: 'proxy_ssl_verify on;\nproxy_ssl_name backend.test;\n' } },
  { title: 'the middle snippet drops its include', files: { [`${ROOT}/snippets/outer.conf`]: 'add_header X-Outer 1;\n' } },
  { title: 'servers gain shared and wildcard names', files: { [`${ROOT}/sites/a.conf`]: SITE(1, '    server_name shared.example.test *.wild.example.test;'), [`${ROOT}/sites/c.conf`]: SITE(3, '    server_name shared.example.test .dot.example.test;') + '\n' + SITE(4, '    server_name *.wild.example.test;') } },
  { title: 'one of them loses its names', files: { [`${ROOT}/sites/c.conf`]: SITE(3) + '\n' + SITE(4, '    server_name *.wild.example.test shared.example.test;') } },
  { title: 'a site becomes empty', files: { [`${ROOT}/sites/b.conf`]: '' } },
  { title: 'a site gets unbalanced braces', files: { [`${ROOT}/sites/b.conf`]: 'server {\n  listen 443 ssl;\n  location / {\n' } },
  { title: 'a conf.d file moves to http-level settings only', files: { [`${ROOT}/conf.d/upstreams.conf`]: 'proxy_ssl_protocols TLSv1.3;\nupstream backend2 { server 127.0.0.1:9443; }\n' } },
  { title: 'two files change at once', files: { [`${ROOT}/sites/a.conf`]: SITE(1, '    ssl_verify_client on;'), [`${ROOT}/sites/c.conf`]: SITE(4) } },
  { title: 'a new site file appears (directory listing changes)', files: { [`${ROOT}/sites/d.conf`]: SITE(6) } },
  { title: 'the main file changes', files: { [MAIN]: 'events {}\nhttp {\n    include sites/*.conf;\n}\n' } },
  { title: 'a site is deleted', files: { [`${ROOT}/sites/d.conf`]: null } },
];

describe('incremental tree rebuild', () => {
  it('gives the tree a fresh build gives, after every kind of edit', async () => {
    const fs = new MemoryFileSystem(initialFiles());
    const incremental = new WorkspaceAnalysis({ fs });
    let previous = await incremental.buildTree(MAIN);
    let reusedSteps = 0;
    for (const [index, step] of STEPS.entries()) {
      const untouched = previous.nodes.find((n) => n.directive.name === 'events');
      // Usually the rules have indexed the tree by name before the next edit, and the rebuild
      // patches that index; every third step it has not, and the index is built afresh.
      if (index % 3 !== 2) {
        nodesNamed(previous.nodes, 'listen');
        serverNameIndex(previous);
      }
      for (const [file, text] of Object.entries(step.files)) {
        if (text === null) fs.delete(file);
        else fs.write(file, text);
      }
      const tree = await incremental.buildTree(MAIN);
      const fresh = await new WorkspaceAnalysis({ fs }).buildTree(MAIN);
      // The file lookup goes through the include spans; a walk of the whole tree must agree.
      for (const file of tree.files.keys()) {
        assert.deepEqual(nodesOfFile(tree, file).map(id), depthFirstNodes(tree.nodes).filter((n) => n.file.path === file).map(id), `${step.title}: nodes of ${file}`);
      }
      const [got, want] = [snapshot(tree).split('\n'), snapshot(fresh).split('\n')];
      const first = got.findIndex((line, i) => line !== want[i]);
      assert.ok(first < 0 && got.length === want.length, `${step.title}: line ${first}\n  got:  ${got[first]}\n  want: ${want[first]}`);
      assert.notEqual(tree, previous, `${step.title}: a changed tree is a new object`);
      // Kept nodes show the edit was applied in place (the main file's `events` block survives).
      if (untouched && tree.nodes.includes(untouched)) reusedSteps++;
      previous = tree;
    }
    // Every step that only edits files already included takes the in-place path; a new or
    // deleted site (a directory listing changes), the main file and a cycle need a fresh build.
    const inPlaceSteps = STEPS.filter((s) => !(MAIN in s.files) && !(`${ROOT}/sites/d.conf` in s.files) && !s.fresh);
    assert.equal(reusedSteps, inPlaceSteps.length);
  });

  it('leaves an unchanged tree as it is', async () => {
    const fs = new MemoryFileSystem(initialFiles());
    const analysis = new WorkspaceAnalysis({ fs });
    const first = await analysis.buildTree(MAIN);
    assert.equal(await analysis.buildTree(MAIN), first);
  });

  it('gives the tree a fresh build gives after random edits of included files (fixed seed)', async () => {
    const editable = Object.keys(initialFiles()).filter((f) => f !== MAIN);
    const edit = fc.record({ file: fc.constantFrom(...editable), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) });
    let compared = 0;
    await fc.assert(fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 8 }), async (edits) => {
      const fs = new MemoryFileSystem(initialFiles());
      const incremental = new WorkspaceAnalysis({ fs });
      let previous = await incremental.buildTree(MAIN);
      for (const [index, { file, mutations }] of edits.entries()) {
        if (index % 2 === 0) {
          nodesNamed(previous.nodes, 'include');
          serverNameIndex(previous);
        }
        fs.write(file, applyMutations((await fs.readText(file)) ?? '', mutations));
        const tree = await incremental.buildTree(MAIN);
        const fresh = await new WorkspaceAnalysis({ fs }).buildTree(MAIN);
        assert.equal(snapshot(tree), snapshot(fresh));
        compared++;
        previous = tree;
      }
    }), { seed: 20261127, numRuns: 60 });
    assert.ok(compared >= 60);
  });
});
