/**
 * After an edit inside the arguments of one statement, the block-local families
 * (RuleFamily.blockLocal) check only the body of the statement's block and keep their other
 * findings, moved past the edit (argumentEditReuse.ts: editedBlock, findingsOutsideBlock).
 * Whether the result equals a fresh analysis is checked over every rule fixture in
 * argumentEditReuse.test.ts; here, which block is chosen, when none may be, and the offsets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/analysis/finding';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { buildConfigTree, type ConfigTree } from '../../server/src/model/configTree';
import { ParseCache, parseFile } from '../../server/src/model/parsedFile';
import { argumentOnlyEdit, blocksInheritingEdited, editedBlock, findingsOutsideBlock, type ArgumentEdit } from '../../server/src/service/argumentEditReuse';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';
import { makeTempDir, removeDir } from '../differential/nginxHarness';
import { benchLikeText } from '../parser/benchLikeText';
import { countingFamilies, findingsOf, service } from './reuseHelpers';

const MAIN = '/etc/nginx/nginx.conf';
const SITE = '/etc/nginx/site.conf';

async function treeOf(files: Record<string, string>): Promise<ConfigTree> {
  const cache = new ParseCache();
  return buildConfigTree({
    fs: new MemoryFileSystem(files), table: getDirectiveTable(), mainFile: MAIN, rootContext: 'main',
    resolver: { confDir: '/etc/nginx', pathMappings: {} },
    getParsed: async (p) => (files[p] === undefined ? undefined : cache.get(p, files[p])),
  });
}

/** The edit from `text` to the same with `from` replaced by `to` in `file`, and the tree after it. */
async function edited(files: Record<string, string>, file: string, from: string, to: string): Promise<{ edit: ArgumentEdit; tree: ConfigTree; after: string }> {
  const after = files[file].replace(from, to);
  const edit = argumentOnlyEdit(parseFile(file, files[file]), parseFile(file, after));
  assert.ok(edit, `${from} -> ${to} is an argument edit`);
  return { edit, tree: await treeOf({ ...files, [file]: after }), after };
}

const TWO_SERVERS = 'events {}\nhttp {\n    add_header X-Top "t";\n    server {\n        add_header X-A "a";\n        location / { add_header X-L "l"; }\n    }\n    server {\n        add_header X-B "b";\n    }\n}\n';

function finding(file: string, start: number, end: number, extra: Partial<Finding> = {}): Finding {
  return { code: 'test.code', file, start, end, message: `at ${start}`, ...extra };
}

describe('block-local families after an argument edit', () => {
  it('check the block that holds the edited statement', async () => {
    const { edit, tree, after } = await edited({ [MAIN]: TWO_SERVERS }, MAIN, '"a"', '"ab"');
    const block = editedBlock(tree, edit);
    assert.equal(block?.directive.name, 'server');
    assert.equal(block?.directive.start, after.indexOf('server {'), 'the first server');
    const inLocation = await edited({ [MAIN]: TWO_SERVERS }, MAIN, '"l"', '"lm"');
    assert.equal(editedBlock(inLocation.tree, inLocation.edit)?.directive.name, 'location');
  });

  it('judge again, for a family reading header arrays, the edited block and the blocks of the checked files that inherit the edited directive from it', async () => {
    const shared = '/etc/nginx/shared.conf';
    const main = [
      'events {}',
      'http {',
      '    add_header X-Top "t";',
      '    server {',
      '        add_header X-A "a";',
      '        location / { add_header X-L "l"; }',
      '    }',
      '    server {',
      '        location / { add_header X-M "m"; location /in { add_header X-N "n"; } }',
      '        location /p { proxy_set_header X-P "p"; }',
      '        include shared.conf;',
      '    }',
      '    server {',
      '        add_header X-C "c";',
      '        include shared.conf;',
      '    }',
      '}',
      '',
    ].join('\n');
    const files = { [MAIN]: main, [shared]: 'location /s { add_header X-S "s"; }\n' };
    const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;
    const { edit, tree, after } = await edited(files, MAIN, '"t"', '"tu"');
    const judged = blocksInheritingEdited(tree, edit, [MAIN]);
    // http; the first server (its own add_header); the second server's first location (not the
    // one nested in it, which inherits from that location, nor the one writing proxy_set_header
    // only); the third server. The shared location stands in another file, not checked here.
    assert.deepEqual(judged?.blocks.map((b) => `${b.directive.name}@${lineOf(after, b.directive.start)}`), ['http@2', 'server@4', 'location@9', 'server@13']);
    assert.equal(judged?.holds({ file: MAIN, start: after.indexOf('add_header X-A') }), true, "on the first server's own statement");
    assert.equal(judged?.holds({ file: MAIN, start: after.indexOf('add_header X-L') }), false, 'in a location that inherits from the server');
    assert.equal(judged?.holds({ file: MAIN, start: after.indexOf('location / {') }), false, "on a block's line");
    assert.equal(judged?.holds({ file: shared, start: 0 }), false, 'in a file not checked');
    // The shared file checked: it stands twice in the tree, once inheriting from http, once not.
    assert.equal(blocksInheritingEdited(tree, edit, [MAIN, shared]), undefined, 'a checked file included twice');
    const once = await edited({ ...files, [MAIN]: main.replace('        add_header X-C "c";\n        include shared.conf;\n', '        add_header X-C "c";\n') }, MAIN, '"t"', '"tu"');
    assert.deepEqual(blocksInheritingEdited(once.tree, once.edit, [MAIN, shared])?.blocks.map((b) => b.file.path).filter((f) => f === shared), [shared], 'included once: its location inherits from http');
    const top = await edited({ [MAIN]: 'events {}\nadd_header X "a";\nhttp {}\n' }, MAIN, '"a"', '"ab"');
    assert.equal(blocksInheritingEdited(top.tree, top.edit, [MAIN]), undefined, 'a statement at the top level');
  });

  it('check a block that includes plain statements of another file, but not one that includes a block', async () => {
    const server = 'events {}\nhttp {\n    server {\n        add_header X-A "a";\n        include site.conf;\n    }\n}\n';
    const plain = await edited({ [MAIN]: server, [SITE]: 'add_header X-S "s";\nssl_protocols TLSv1.2;\n' }, MAIN, '"a"', '"ab"');
    assert.equal(editedBlock(plain.tree, plain.edit)?.directive.name, 'server', 'plain statements of another file');
    const nested = await edited({ [MAIN]: server.replace('include site.conf;', 'location / { include site.conf; }'), [SITE]: 'add_header X-S "s";\n' }, MAIN, '"a"', '"ab"');
    assert.equal(editedBlock(nested.tree, nested.edit)?.directive.name, 'server', 'plain statements of another file in a block inside it');
    const block = await edited({ [MAIN]: server, [SITE]: 'location / { add_header X-S "s"; }\n' }, MAIN, '"a"', '"ab"');
    assert.equal(editedBlock(block.tree, block.edit), undefined, 'a block of another file inside it');
  });

  it('check no block alone when the statement is at the top level or the file is included twice', async () => {
    const top = await edited({ [MAIN]: 'events {}\nworker_processes 2;\nhttp {}\n' }, MAIN, 'worker_processes 2', 'worker_processes 24');
    assert.equal(editedBlock(top.tree, top.edit), undefined, 'top level');
    const twice = await edited({ [MAIN]: 'events {}\nhttp {\n    server { include site.conf; }\n    server { include site.conf; }\n}\n', [SITE]: 'location / { add_header X-S "s"; }\n' }, SITE, '"s"', '"st"');
    assert.equal(editedBlock(twice.tree, twice.edit), undefined, 'a statement the tree holds twice');
    const once = await edited({ [MAIN]: 'events {}\nhttp {\n    server { include site.conf; }\n}\n', [SITE]: 'location / { add_header X-S "s"; }\n' }, SITE, '"s"', '"st"');
    assert.equal(editedBlock(once.tree, once.edit)?.directive.name, 'location', 'a block of an included file, included once');
  });

  it('keep the findings outside the body, moved past the edit, and drop those inside it', async () => {
    const { edit, tree } = await edited({ [MAIN]: TWO_SERVERS }, MAIN, '"a"', '"abc"');
    const block = editedBlock(tree, edit);
    assert.ok(block?.directive.block);
    const open = block.directive.block.start;
    // The offset just past the body's `}` before the edit (2 characters were typed inside it).
    assert.equal(edit.delta, 2);
    const pastClose = block.directive.block.end - edit.delta;
    const before = [
      finding(MAIN, open - 20, open - 10),
      finding(MAIN, open + 5, open + 8),
      finding(MAIN, pastClose, pastClose + 4),
      finding('/elsewhere.conf', open + 5, open + 8),
    ];
    const kept = findingsOutsideBlock(before, block, edit);
    assert.deepEqual(kept?.map((f) => [f.file, f.start, f.end]), [
      [MAIN, open - 20, open - 10],
      [MAIN, pastClose + 2, pastClose + 6],
      ['/elsewhere.conf', open + 5, open + 8],
    ]);
    assert.equal(kept?.[0], before[0], 'a finding before the edit stays the same object');
  });

  it('keep nothing when a finding outside the body points into it or overlaps it', async () => {
    const { edit, tree } = await edited({ [MAIN]: TWO_SERVERS }, MAIN, '"a"', '"abc"');
    const block = editedBlock(tree, edit);
    assert.ok(block?.directive.block);
    const open = block.directive.block.start;
    const related = finding(MAIN, 0, 5, { related: [{ file: MAIN, start: open + 5, end: open + 8, message: 'inside' }] });
    assert.equal(findingsOutsideBlock([related], block, edit), undefined, 'related location in the body');
    assert.equal(findingsOutsideBlock([finding(MAIN, open - 3, open + 2)], block, edit), undefined, 'a range over the opening brace');
  });

  /**
   * Types `typed` a character at a time before the first quote after `marker` on its line in
   * the main file, with every file open as in an editor; at each keystroke, each file's findings
   * (the main file's first, as the server checks them) must be those of a fresh analysis.
   * Returns how many keystrokes the block-local families ran over the edited block alone, and
   * the first findings of every file.
   */
  async function typeInto(files: Record<string, string>, marker: string, typed: string): Promise<{ scoped: number; first: Finding[] }> {
    const dir = makeTempDir('block-local-include');
    try {
      const paths = Object.keys(files).map((name) => path.join(dir, name));
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text.replaceAll('DIR', dir));
      }
      const file = path.join(dir, 'nginx.conf');
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      const at = lines.findIndex((l) => l.includes(marker));
      assert.ok(at >= 0, marker);
      const counted = countingFamilies();
      const typing = service(dir, counted.families);
      for (const p of paths) typing.openDocument(p, fs.readFileSync(p, 'utf8'));
      // One file after the other, as the server's worker checks them.
      const all = async (s: typeof typing): Promise<Finding[]> => {
        const found: Finding[] = [];
        for (const p of paths) found.push(...await findingsOf(s, p));
        return found;
      };
      const first = await all(typing);
      const blockLocal = RULE_FAMILIES.filter((f) => f.blockLocal).map((f) => f.name);
      let scoped = 0;
      for (const character of typed) {
        const quote = lines[at].indexOf('"', lines[at].indexOf(marker) + marker.length);
        lines[at] = lines[at].slice(0, quote) + character + lines[at].slice(quote);
        const text = lines.join('\n');
        const before = new Map(counted.runs);
        typing.openDocument(file, text);
        const got = await all(typing);
        if (blockLocal.every((name) => counted.runs.get(name) === before.get(name))) scoped++;
        const fresh = service(dir);
        for (const p of paths) fresh.openDocument(p, p === file ? text : fs.readFileSync(p, 'utf8'));
        assert.deepEqual(got, await all(fresh), lines[at]);
      }
      return { scoped, first };
    } finally {
      removeDir(dir);
    }
  }

  // Each server includes a snippet whose plain statements get findings of the block-local
  // families in the snippet (a repeated bitmask value, an on/off directive with another value)
  // or in the server (a directive the server sets again after the include, header lines that
  // count as the server's own).
  const SNIPPET = 'ssl_protocols TLSv1.2 TLSv1.3 TLSv1.2;\nproxy_buffering maybe;\nssl_session_timeout 1h;\nadd_header X-Snip "s";\nproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n';
  const including = (server: (i: number) => string): string => 'events {}\nhttp {\n    add_header X-Http "h" always;\n    proxy_set_header X-Client-DN $ssl_client_s_dn;\n'
    + [0, 1, 2].map(server).join('') + '}\n';

  it('give the findings of a fresh analysis while a header value is typed into servers that include a snippet, each keystroke checking the edited server alone', async () => {
    const { scoped, first } = await typeInto({
      'nginx.conf': including((i) => `    server {\n        server_name s${i}.test;\n        add_header X-Own${i} "v${i}";\n        include DIR/snippets/tls.conf;\n        ssl_session_timeout 5m;\n        location / {\n            include DIR/snippets/proxy.conf;\n            proxy_pass http://127.0.0.1:808${i};\n        }\n    }\n`),
      'snippets/tls.conf': SNIPPET,
      'snippets/proxy.conf': 'proxy_set_header Host $host;\nproxy_buffering maybe;\n',
    }, 'add_header X-Own1 "', 'max-age=600 edge');
    const codes = new Set(first.map((f) => f.code));
    for (const code of ['nginx.duplicate-value', 'nginx.invalid-flag', 'nginx.duplicate-directive', 'proxy.header-inheritance-drop']) assert.ok(codes.has(code), `${code} among ${[...codes].join(', ')}`);
    assert.ok(first.some((f) => f.file.endsWith('snippets/tls.conf')), 'findings in the included snippet');
    assert.equal(scoped, 'max-age=600 edge'.length);
  });

  it('give the findings of a fresh analysis while a header name is typed into a server whose snippet holds a location (its findings read the server\'s header names)', async () => {
    const { scoped, first } = await typeInto({
      'nginx.conf': including((i) => `    server {\n        server_name s${i}.test;\n        add_header "X-Own${i}" "v";\n        include DIR/snippets/locations.conf;\n    }\n`),
      'snippets/locations.conf': 'location /inc/ { add_header X-Inc "i"; }\n',
    }, 'add_header "X-Own1', 'Zed');
    assert.ok(first.some((f) => f.code === 'proxy.header-inheritance-drop' && f.file.endsWith('snippets/locations.conf') && f.message.includes('X-Own1')), 'the snippet\'s location drops the server\'s headers, named in its finding');
    assert.equal(scoped, 0, 'a server that includes a block is checked whole');
  });

  it('give the findings of a fresh analysis at every keystroke of a header value typed into a server of a large file', async () => {
    // Headers at the http level, so that the servers' and locations' own header lines drop them.
    const lines = benchLikeText(12).replace('http {\n', 'http {\n    add_header X-Http "h" always;\n    proxy_set_header X-Client-DN $ssl_client_s_dn;\n').split('\n');
    const at = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('server_name'));
    lines.splice(at + 1, 0, '        add_header X-Burst "";');
    const { scoped, first } = await typeInto({ 'nginx.conf': lines.join('\n') }, 'add_header X-Burst "', 'max-age=31536000');
    assert.ok(first.filter((f) => f.code === 'proxy.header-inheritance-drop').length >= 12, first.map((f) => f.code).join(', '));
    assert.equal(scoped, 'max-age=31536000'.length, 'every keystroke checked the edited server alone with the block-local families');
  });
});
