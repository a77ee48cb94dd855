/**
 * The tree builder takes a shortcut for blocks that include nothing at any depth (built
 * without waiting on anything); blocks on the way to an include take the long way. Both must
 * give the same nodes: contexts, parents, children, includedBy and depth-first order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigNode } from '../../server/src/model/configTree';
import { includedByOf } from '../../server/src/model/configTree';
import { depthFirstNodes } from '../../server/src/model/treeIndexes';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';

const ROOT = '/ws/etc/nginx';
const MAIN = `${ROOT}/nginx.conf`;

const FILES: Record<string, string> = {
  [MAIN]: [
    'events {}',
    'http {',
    '  server { a; location / { b; if ($x) { c; } } }',
    '  server {',
    '    location /x { before; include snippets/s.conf; after; }',
    '    location /y { free { deep { deeper; } } }',
    '    d;',
    '  }',
    '  include conf.d/*.conf;',
    '  e;',
    '}',
    'stream { server { f; } }',
  ].join('\n'),
  [`${ROOT}/snippets/s.conf`]: 'g;\nlocation /in { h; include snippets/t.conf; }\n',
  [`${ROOT}/snippets/t.conf`]: 'i;\n',
  [`${ROOT}/conf.d/one.conf`]: 'server { j; location /z { k; } }\n',
};

function describeNode(node: ConfigNode): string {
  const parent = node.parent ? node.parent.directive.name + (node.parent.directive.args[0] ? ` ${node.parent.directive.args[0].value}` : '') : '-';
  const by = includedByOf(node);
  const via = by ? ` via ${by.directive.args[0].value}` : '';
  return `${node.directive.name} in ${node.context} under ${parent}${via}`;
}

describe('tree build: include-free blocks', () => {
  it('builds the same nodes with and without includes below a block', async () => {
    const analysis = new WorkspaceAnalysis({ fs: new MemoryFileSystem(FILES) });
    const tree = await analysis.buildTree(MAIN);
    assert.deepEqual(depthFirstNodes(tree.nodes).map(describeNode), [
      'events in main under -',
      'http in main under -',
      'server in http under http',
      'a in server under server',
      'location in server under server',
      'b in location under location /',
      'if in location under location /',
      'c in if-in-location under if ($x)',
      'server in http under http',
      'location in server under server',
      'before in location under location /x',
      'include in location under location /x',
      'g in location under location /x via snippets/s.conf',
      'location in location under location /x via snippets/s.conf',
      'h in location under location /in',
      'include in location under location /in',
      'i in location under location /in via snippets/t.conf',
      'after in location under location /x',
      'location in server under server',
      'free in location under location /y',
      'deep in unknown under free',
      'deeper in unknown under deep',
      'd in server under server',
      'include in http under http',
      'server in http under http via conf.d/*.conf',
      'j in server under server',
      'location in server under server',
      'k in location under location /z',
      'e in http under http',
      'stream in main under -',
      'server in stream under stream',
      'f in stream-server under server',
    ]);
    // Every node is its parent's child, once.
    for (const node of depthFirstNodes(tree.nodes)) {
      const siblings = node.parent ? node.parent.children : tree.nodes;
      assert.equal(siblings.filter((s) => s === node).length, 1, describeNode(node));
    }
    assert.equal(tree.problems.length, 0);
  });
});
