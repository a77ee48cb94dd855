/**
 * A tree's nodes carry `order` keys (their place in depth-first order). A build numbers them
 * with whole numbers spread out below 2^31, so that V8 keeps each key in its node as a small
 * integer rather than as a separate heap number (issue #15: 1.4 MB over the benchmark tree),
 * and a block rebuilt after an edit puts its nodes between their neighbours' keys. Typing
 * statement after statement at one place halves the gap each time: once no whole number is
 * left between two neighbours, keys become fractions, and they still increase.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ConfigNode, ConfigTree } from '../../server/src/model/configTree';
import { depthFirstNodes } from '../../server/src/model/treeIndexes';
import { NginxLanguageService } from '../../server/src/service/languageService';

function keys(tree: ConfigTree): number[] {
  return depthFirstNodes(tree.nodes).map((n: ConfigNode) => n.order as number);
}

function assertIncreasing(list: readonly number[], what: string): void {
  for (let i = 1; i < list.length; i++) assert.ok(list[i] > list[i - 1], `${what}: key ${i} (${list[i]}) is above key ${i - 1} (${list[i - 1]})`);
}

describe('order keys of a tree\'s nodes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-order-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const main = path.join(dir, 'nginx.conf');
  const textWith = (added: number): string => {
    // Each new statement goes right after `listen`, above the ones typed before it.
    const lines = Array.from({ length: added }, (_, i) => `        add_header X-Typed-${added - 1 - i} v;\n`).join('');
    return `events {}\nhttp {\n    server {\n        listen 8000;\n${lines}        location / { proxy_pass http://127.0.0.1:9000; }\n    }\n}\n`;
  };

  it('are whole numbers below 2^31 after a build, with room between neighbours', async () => {
    fs.writeFileSync(main, textWith(0));
    const service = new NginxLanguageService();
    service.setWorkspaceFolders([dir]);
    const list = keys(await service.analysis.buildTree(main));
    assert.ok(list.length > 5);
    assertIncreasing(list, 'built');
    for (const key of list) assert.ok(Number.isInteger(key) && key > 0 && key < 2 ** 31, `key ${key} is a small whole number`);
    for (let i = 1; i < list.length; i++) assert.ok(list[i] - list[i - 1] >= 2 ** 20, 'neighbours leave room for rebuilt nodes');
  });

  it('stay whole numbers while rebuilt blocks have room, then become fractions, and always increase', async () => {
    fs.writeFileSync(main, textWith(0));
    const service = new NginxLanguageService();
    service.setWorkspaceFolders([dir]);
    service.configure({ validationDelayMs: 0 });
    service.openDocument(main, textWith(0));
    const first = await service.analysis.buildTree(main);
    const events = first.nodes.find((n) => n.directive.name === 'events');
    let fractional = 0;
    let wholeAfterRebuild = 0;
    const typed = 70;
    for (let added = 1; added <= typed; added++) {
      service.openDocument(main, textWith(added));
      const tree = await service.analysis.buildTree(main);
      assert.ok(events && tree.nodes.includes(events), `edit ${added}: the tree was rebuilt in place, not built afresh`);
      const list = keys(tree);
      assertIncreasing(list, `edit ${added}`);
      const newest = depthFirstNodes(tree.nodes).find((n) => n.directive.name === 'add_header' && n.directive.args[0].value === `X-Typed-${added - 1}`);
      assert.ok(newest, `edit ${added}: the typed statement is in the tree`);
      if (Number.isInteger(newest.order)) wholeAfterRebuild++;
      else fractional++;
    }
    // Each edit rebuilds the typed statement and the one below it, which share the gap between
    // `listen` and the statement below them: a third of it is left to the next edit. A small
    // tree's gap of 2^30 / 8 thus holds whole numbers for about forty edits at one place.
    assert.ok(wholeAfterRebuild >= 30, `${wholeAfterRebuild} typed statements got whole-number keys`);
    assert.ok(fractional > 0, 'the last edits used fractions');
  });
});
