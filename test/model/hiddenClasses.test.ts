/**
 * The objects a keystroke makes again keep the hidden class of those it replaces: a parse whose
 * nodes a newer parse took over, the step that says how a parse was made (whatever the kind of
 * edit), a tree rebuilt from the previous one, a rule context made for a block checked again or
 * narrowed to some directives. When one of them got a class of its own,
 * V8 threw away the optimised code that had read the others and optimised it again a few
 * keystrokes later (issue #15: 30 keystrokes at the http level of the 5k-line benchmark file
 * deoptimised code 35-37 times, 27-28 once these kept their class). Checked with V8's
 * %HaveSameMap in a child process started with --allow-natives-syntax.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

const OUT_SERVER = path.resolve(__dirname, '../../server/src');

describe('hidden classes across a keystroke', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-classes-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a retired parse, a parse step, a rebuilt tree and a rule context for a block checked again keep their class', () => {
    const main = path.join(dir, 'nginx.conf');
    const servers = Array.from({ length: 4 }, (_, i) => `    server {\n        listen ${8000 + i};\n        location / { proxy_pass https://up${i}.example.com; }\n    }\n`).join('');
    const text = `events {}\nhttp {\n    proxy_set_header X-A a;\n${servers}}\n`;
    fs.writeFileSync(main, text);
    const script = `
      const { NginxLanguageService } = require(${JSON.stringify(path.join(OUT_SERVER, 'service/languageService.js'))});
      const { parseFile, parseStepOf, reparseFile } = require(${JSON.stringify(path.join(OUT_SERVER, 'model/parsedFile.js'))});
      const { ruleContextOf } = require(${JSON.stringify(path.join(OUT_SERVER, 'analysis/ruleContext.js'))});
      const { depthFirstNodes } = require(${JSON.stringify(path.join(OUT_SERVER, 'model/treeIndexes.js'))});
      const main = ${JSON.stringify(main)};
      const text = ${JSON.stringify(text)};
      (async () => {
        const results = {};
        // A parse made by re-reading one statement retires the one before it.
        const first = parseFile('/x.conf', text);
        const second = reparseFile(first, text.replace('X-A a;', 'X-A ab;'));
        first.syntax;
        results.parse = %HaveSameMap(first, second) && %HaveSameMap(first, parseFile('/y.conf', 'events {}\\n'));
        // How the parse was made: an edit of statements and one inside a comment are steps of one class.
        const commented = parseFile('/z.conf', '# note\\n' + text);
        const inComment = reparseFile(commented, '# notes\\n' + text);
        results.step = parseStepOf(second) !== undefined && parseStepOf(inComment) !== undefined && %HaveSameMap(parseStepOf(second), parseStepOf(inComment));
        // A keystroke at the http level: the tree and the typed statement's node are made again.
        const service = new NginxLanguageService();
        service.setWorkspaceFolders([${JSON.stringify(dir)}]);
        service.configure({ validationDelayMs: 0 });
        service.openDocument(main, text);
        await service.validate(main);
        const before = await service.analysis.buildTree(main);
        service.openDocument(main, text.replace('X-A a;', 'X-A ab;'));
        await service.validate(main);
        const tree = await service.analysis.buildTree(main);
        results.rebuilt = tree !== before;
        results.tree = %HaveSameMap(before, tree);
        const nodes = depthFirstNodes(tree.nodes);
        const kept = nodes.find((n) => n.directive.name === 'listen');
        const base = ruleContextOf({ tree, files: [], now: new Date(0), contextGuessed: false, resolvePath: (p) => p, isKnownLocation: () => true, inspect: async () => ({}) });
        results.context = %HaveSameMap(base, ruleContextOf({ ...base, within: kept.parent, ownStatementsOnly: true }))
          && %HaveSameMap(base, ruleContextOf({ ...base, onlyDirectives: new Set(['x']) }));
        process.stdout.write(JSON.stringify(results));
      })();
    `;
    const results = JSON.parse(execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' })) as Record<string, boolean>;
    assert.deepEqual(results, { parse: true, step: true, rebuilt: true, tree: true, context: true });
  });
});
