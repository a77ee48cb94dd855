/**
 * Rebuilding only the edited block (model/blockRebuild.ts, after the incremental parse) must
 * give exactly the tree a fresh build gives, every field of every node with its offsets, and
 * the same findings. Edits of the main file and of an included file are applied one after
 * another, scripted and seeded-random, and each tree is compared with a fresh one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigNode, ConfigTree } from '../../server/src/model/configTree';
import { includeOf, includedByOf } from '../../server/src/model/configTree';
import { depthFirstNodes, nodesNamed, nodesOfFile } from '../../server/src/model/treeIndexes';
import { nameWord } from '../../server/src/parser/parser';
import { serverNameIndex } from '../../server/src/model/serverNameIndex';
import { allRequestPaths, allServerScopes } from '../../server/src/model/scopeLists';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';
import { mulberry32 } from '../differential/nginxHarness';
import { benchLikeText } from '../parser/benchLikeText';
import { walkDirectives, type Directive } from '../../server/src/parser/syntaxTree';

const ROOT = '/ws/etc/nginx';
const MAIN = `${ROOT}/nginx.conf`;
const SITE = `${ROOT}/sites/site.conf`;
const SNIPPET = `${ROOT}/snippets/tls.conf`;
const NOW = new Date('2026-06-01T00:00:00Z');

function mainText(): string {
  // An include that fails after the servers: its problem moves with every edit above it.
  // Servers include a snippet, as the benchmark's do.
  return benchLikeText(8)
    .replace('http {\n', 'http {\n    include sites/*.conf;\n    ssl_protocols TLSv1.2 TLSv1.3;\n')
    .replace(/\}\n$/, '    include missing.conf;\n}\n')
    .replaceAll('        ssl_verify_client on;', '        ssl_verify_client on;\n        include snippets/tls.conf;');
}

function siteText(): string {
  // Its server includes the snippet too, as the benchmark's site files do.
  return ['server {', '    listen 9443 ssl;', '    server_name site.example.test *.site.example.test;', '    include snippets/tls.conf;', '    ssl_certificate ssl/site.crt;', '    location /api {', '        proxy_pass https://backend1;', '        proxy_ssl_verify on;', '    }', '}', ''].join('\n');
}

/** The workspace every test starts from: the main config, the site file and the snippet both include. */
function initialFiles(): MemoryFileSystem {
  return new MemoryFileSystem({ [MAIN]: mainText(), [SITE]: siteText(), [SNIPPET]: 'ssl_session_timeout 5m;\nadd_header X-Snippet 1;\n' });
}

function id(node: ConfigNode | undefined): string {
  return node ? `${node.file.path}@${node.directive.start}` : '-';
}

/**
 * Every field of every node (syntax offsets included) and of the tree, as lines. The problems
 * are in the order a fresh build meets them, which a block rebuild keeps; when an edit of an
 * included file falls back to rebuilding the whole file, its problems come last
 * (incrementalRebuild.ts), so those are compared as a set (`problemsInOrder` false).
 */
function snapshot(tree: ConfigTree, problemsInOrder = true): string[] {
  const lines: string[] = [];
  const flat = depthFirstNodes(tree.nodes);
  // Every statement of the parses the tree holds: a kept node must point at one of them, not
  // at the statement of an earlier parse that looks the same.
  const parsed = new Set<Directive>();
  for (const use of tree.files.values()) walkDirectives(use.parsed.syntax.statements, (d) => { parsed.add(d); });
  for (let i = 0; i < flat.length; i++) {
    const n = flat[i];
    const d = n.directive;
    assert.equal(n.file, tree.files.get(n.file.path)?.parsed, `${id(n)}: the node points at the tree's parse of its file`);
    assert.ok(parsed.has(d), `${id(n)}: the node's statement is one of its file's current parse`);
    if (i > 0) assert.ok((n.order as number) > (flat[i - 1].order as number), `order keys increase at ${id(n)}`);
    const words = [nameWord(d, n.file.text), ...d.args].map((w) => `${w.start}-${w.end}:${w.quote ?? ''}${JSON.stringify(w.value)}${w.hasVariable ? '$' : ''}`).join(' ');
    const block = d.block ? ` block=${d.block.start}-${d.block.end}${d.block.closed ? '' : ' open'}${d.block.raw ? ` raw=${d.block.raw.start}-${d.block.raw.end}` : ''}` : '';
    const comments = (d.leadingComments ?? []).map((c) => `${c.start}-${c.end}`).join(',');
    const info = includeOf(n);
    const include = info ? ` include=${JSON.stringify({ files: info.files, spans: info.spans.map((s) => [s.file, s.count, s.topLevel]) })}` : '';
    lines.push(`${id(n)} ${d.start}-${d.end}${d.terminator} ${words}${block} c=${comments} ${n.context} parent=${id(n.parent)} by=${id(includedByOf(n))} children=${n.children.length}${include}`);
  }
  for (const name of ['server', 'listen', 'location', 'proxy_pass', 'add_header', 'ssl_certificate']) lines.push(`named ${name}: ${nodesNamed(tree.nodes, name).map(id).join(' ')}`);
  for (const file of tree.files.keys()) lines.push(`nodes of ${file}: ${nodesOfFile(tree, file).map(id).join(' ')}`);
  // Derived from the previous tree's index after an in-place rebuild (snapshot() built that one).
  const names = serverNameIndex(tree);
  for (const name of [...names.exact.keys()].sort()) lines.push(`server name ${name}: ${(names.exact.get(name) ?? []).map(id).join(' ')}`);
  lines.push(`wildcard names: ${names.wildcard.map((w) => `${w.pattern}=${id(w.server)}`).join(' ')}`);
  const problems = tree.problems.map((p) => JSON.stringify(p));
  lines.push(...(problemsInOrder ? problems : problems.sort()));
  lines.push(JSON.stringify(tree.expansion));
  for (const [file, use] of tree.files) lines.push(`${file} ${[...use.contexts].join(',')} ${JSON.stringify(use.parsed.text)} ${JSON.stringify(use.parsed.syntax.problems)}`);
  return lines;
}

function assertSame(got: string[], want: string[], title: string): void {
  const first = got.findIndex((line, i) => line !== want[i]);
  assert.ok(first < 0 && got.length === want.length, `${title}: line ${first}\n  got:  ${got[first]}\n  want: ${want[first]}`);
}

const FRAGMENTS = ['a', ' ', ';', '\n', '#', '"', '{', '}', ' on;', '\n        add_header X-Typed "v";', '\n        location /t { return 204; }', '\n        include sites/*.conf;', '\n        include snippets/tls.conf;', '\n        include snippets/none.conf;', '\n        include nginx.conf;'];

function randomEdit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  if (next() < 0.5) return text.slice(0, at) + FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] + text.slice(at);
  return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
}

/** The main file's last server: far from every edit below, kept when only a block was rebuilt. */
const lastMainServer = (tree: ConfigTree): ConfigNode | undefined => nodesNamed(tree.nodes, 'server').filter((n) => n.file.path === MAIN).at(-1);

/**
 * Applies each text in turn to `file`, comparing the incremental tree and findings with fresh
 * ones; returns how many steps kept the node `probe` finds (the same object before and after).
 */
async function checkEdits(title: string, file: string, texts: readonly string[], findingsEvery: number, probe = lastMainServer): Promise<number> {
  const fs = initialFiles();
  const incremental = new WorkspaceAnalysis({ fs, now: () => NOW });
  let previous = await incremental.buildTree(MAIN);
  let kept = 0;
  for (const [index, text] of texts.entries()) {
    const probed = probe(previous);
    fs.write(file, text);
    const tree = await incremental.buildTree(MAIN);
    const freshService = new WorkspaceAnalysis({ fs, now: () => NOW });
    const fresh = await freshService.buildTree(MAIN);
    const inOrder = file === MAIN;
    assertSame(snapshot(tree, inOrder), snapshot(fresh, inOrder), `${title} step ${index}`);
    if (probed && probe(tree) === probed) kept++;
    if (index % findingsEvery === 0) {
      const got = await incremental.analyzeFiles([MAIN, SITE], [MAIN]);
      const want = await freshService.analyzeFiles([MAIN, SITE], [MAIN]);
      for (const path of [MAIN, SITE]) assert.deepEqual(got.get(path)?.findings, want.get(path)?.findings, `${title} step ${index}: findings of ${path}`);
    }
    previous = tree;
  }
  return kept;
}

describe('rebuilding one edited block', () => {
  it('gives the fresh tree and findings while typing in a server of the main file', async () => {
    const base = mainText();
    const at = base.indexOf('"s3"') + 2;
    const texts: string[] = [];
    for (let i = 1; i <= 20; i++) texts.push(base.slice(0, at) + 'x'.repeat(i) + base.slice(at));
    // A new statement typed in the server, through its broken states.
    const line = base.indexOf('ssl_verify_client on;', base.indexOf('site4')) + 'ssl_verify_client on;'.length;
    const typed = '\n        proxy_ssl_verify off;';
    for (let i = 1; i <= typed.length; i++) texts.push(base.slice(0, line) + typed.slice(0, i) + base.slice(line));
    // Typing in a comment between servers (the http block holds an include) and after one.
    for (const comment of ['# port 2', '# main config']) {
      const end = base.indexOf(comment) + comment.length;
      for (let i = 1; i <= 8; i++) texts.push(base.slice(0, end) + 'c'.repeat(i) + base.slice(end));
    }
    // The snippet included in a location too (a new context for it), then typing next to that include.
    const location = base.indexOf('proxy_ssl_verify on;', base.indexOf('backend5')) + 'proxy_ssl_verify on;'.length;
    const included = base.slice(0, location) + '\n            include snippets/tls.conf;' + base.slice(location);
    texts.push(included);
    for (let i = 1; i <= 4; i++) texts.push(included.slice(0, location) + ' ' + '#'.repeat(i) + included.slice(location));
    const kept = await checkEdits('main file', MAIN, texts, 4);
    // Each switch from one sequence to the next spans two places (four steps), the half-typed
    // statement swallows the server's include and gives it back (two steps), and the include
    // put in a location brings the snippet into a new context (the same step as a switch):
    // those change more than one block, or what is included, and need a whole build.
    assert.ok(kept >= texts.length - 6, `the main file's edits rebuilt one block (${kept} of ${texts.length})`);
  });

  it('gives the fresh tree and findings while typing at the http level, keeping the nodes of the included files', async () => {
    // The http block holds every included site: an edit of one of its own statements keeps
    // the others' nodes and what they include (a run of statements is parsed again, see
    // parser/incrementalParse.ts), here the site file's.
    const base = mainText();
    const texts: string[] = [];
    const typeAt = (text: string, at: number, typed: string): void => {
      for (let i = 1; i <= typed.length; i++) texts.push(text.slice(0, at) + typed.slice(0, i) + text.slice(at));
    };
    // A new statement after ssl_protocols, through its broken states (it swallows the map's header).
    const protocols = base.indexOf('TLSv1.3;') + 'TLSv1.3;'.length;
    typeAt(base, protocols, '\n    keepalive_timeout 30s;');
    // Arguments of ssl_protocols.
    typeAt(base, base.indexOf('TLSv1.3;') + 'TLSv1.3'.length, ' TLSv1.1');
    // First in the body, before the include (no kept node before the run).
    const body = base.indexOf('http {\n') + 'http {'.length;
    typeAt(base, body, '\n    server_tokens off;');
    // Last in the body, after the include that fails (no kept node after the run).
    const end = base.lastIndexOf('}');
    typeAt(base, end, '    gzip on;\n');
    // A comment typed after a statement, then a line break before it (the comment moves to the next statement).
    const withComment = base.slice(0, protocols) + ' # modern only' + base.slice(protocols);
    texts.push(withComment, base.slice(0, protocols) + '\n    # modern only' + base.slice(protocols));
    // A statement deleted, and put back.
    const line = base.slice(base.indexOf('    ssl_protocols'), protocols + 1);
    texts.push(base.replace(line, ''), base);
    const siteServer = (tree: ConfigTree): ConfigNode | undefined => nodesOfFile(tree, SITE).find((n) => n.directive.name === 'server');
    const kept = await checkEdits('http level of the main file', MAIN, texts, 5, siteServer);
    // Kept at every step but these 29: three switches between sequences that change two places
    // (the include between them is rebuilt), the 18 steps where the half-typed `server_tokens`
    // swallows the include that follows it (the site leaves the tree, and comes back new), and
    // the 8 where the half-typed `gzip` stands before the block's `}` (nginx reads that as an
    // unexpected "}": the whole file is parsed again).
    assert.ok(kept >= texts.length - 29, `the site's nodes were kept (${kept} of ${texts.length})`);
  });

  it('keeps the server scopes and request paths that read none of the settings an http-level edit changed', async () => {
    // The site's server and its path inherit from http; an edit of ssl_protocols there replaces
    // the scopes and paths that read ssl_protocols, and keeps the others with what they cached.
    const options = { version: '1.30.0' };
    const fs = initialFiles();
    const service = new WorkspaceAnalysis({ fs, now: () => NOW });
    const old = await service.buildTree(MAIN);
    const scopes = allServerScopes(old, 'http', options).items;
    const paths = allRequestPaths(old, options).items;
    assert.ok(scopes.length > 4 && paths.length > 4);
    const readers = new Set<object>([scopes[1], scopes[3], paths[0], paths[2]]);
    for (const item of [...scopes, ...paths]) item.get(readers.has(item) ? 'ssl_protocols' : 'ssl_certificate');
    fs.write(MAIN, mainText().replace('ssl_protocols TLSv1.2 TLSv1.3;', 'ssl_protocols TLSv1.3;'));
    const tree = await service.buildTree(MAIN);
    const fresh = await new WorkspaceAnalysis({ fs, now: () => NOW }).buildTree(MAIN);
    for (const [what, now, before, want] of [
      ['scopes', allServerScopes(tree, 'http', options).items, scopes, allServerScopes(fresh, 'http', options).items],
      ['paths', allRequestPaths(tree, options).items, paths, allRequestPaths(fresh, options).items],
    ] as const) {
      assert.equal(now.length, before.length, `${what}: as many as before`);
      for (const [i, item] of now.entries()) {
        assert.equal(item === before[i], !readers.has(before[i]), `${what} ${i}: kept unless it read ssl_protocols`);
        for (const name of ['ssl_protocols', 'ssl_certificate', 'ssl_session_timeout']) {
          assert.deepEqual(item.get(name).args, want[i].get(name).args, `${what} ${i}: ${name} as a fresh build has it`);
        }
        assert.equal(item.incomplete, want[i].incomplete, `${what} ${i}: incomplete as a fresh build has it`);
      }
    }
  });

  it('gives the fresh tree and findings after seeded random edits of the main file', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const next = mulberry32(seed);
      let text = mainText();
      const texts: string[] = [];
      for (let i = 0; i < 40; i++) texts.push((text = randomEdit(text, next)));
      await checkEdits(`main file, seed ${seed}`, MAIN, texts, 10);
    }
  });

  it('gives the fresh tree and findings while typing in a server of an included file that includes a snippet', async () => {
    const base = siteText();
    const at = base.indexOf('site.example.test') + 'site'.length;
    const texts: string[] = [];
    for (let i = 1; i <= 12; i++) texts.push(base.slice(0, at) + 'x'.repeat(i) + base.slice(at));
    const line = base.indexOf('ssl/site.crt;') + 'ssl/site.crt;'.length;
    const typed = '\n    add_header X-Typed "v";';
    for (let i = 1; i <= typed.length; i++) texts.push(base.slice(0, line) + typed.slice(0, i) + base.slice(line));
    const siteServer = (tree: ConfigTree): ConfigNode | undefined => nodesOfFile(tree, SITE).find((n) => n.directive.name === 'server');
    const kept = await checkEdits('included file with an include in the block', SITE, texts, 4, siteServer);
    // The server node stays when only its body is rebuilt (the whole file's rebuild makes it
    // anew). The switch to the second sequence and the half-typed statement's broken states
    // (a quote left open reaches past the block) need more.
    assert.ok(kept >= texts.length - 8, `the site's edits rebuilt the server's body (${kept} of ${texts.length})`);
  });

  it('gives the fresh tree and findings after seeded random edits of an included file', async () => {
    const next = mulberry32(99);
    let text = siteText();
    const texts: string[] = [];
    for (let i = 0; i < 60; i++) texts.push((text = randomEdit(text, next)));
    await checkEdits('included file', SITE, texts, 10);
  });

  it('builds a tree once when two checks ask for it at once after an edit', async () => {
    // A check of the keystroke and a code action ask together: the second waits for the first's
    // rebuild instead of taking the same old tree apart again.
    const fs = initialFiles();
    const service = new WorkspaceAnalysis({ fs, now: () => NOW });
    const before = await service.buildTree(MAIN);
    nodesNamed(before.nodes, 'proxy_pass');
    serverNameIndex(before);
    await service.analyzeFiles([MAIN, SITE], [MAIN]);
    for (const [file, text] of [[SITE, siteText().replace('listen 9443', 'listen 9444')], [MAIN, mainText().replace('"s3"', '"s3x"')]]) {
      fs.write(file, text);
      const [first, second] = await Promise.all([service.buildTree(MAIN), service.buildTree(MAIN)]);
      assert.equal(second, first, `${file}: one tree for both`);
      const freshService = new WorkspaceAnalysis({ fs, now: () => NOW });
      assertSame(snapshot(first, file === MAIN), snapshot(await freshService.buildTree(MAIN), file === MAIN), `${file}: the tree`);
      const [got, want] = await Promise.all([service.analyzeFiles([MAIN, SITE], [MAIN]), freshService.analyzeFiles([MAIN, SITE], [MAIN])]);
      for (const path of [MAIN, SITE]) assert.deepEqual(got.get(path)?.findings, want.get(path)?.findings, `${file}: findings of ${path}`);
    }
  });

  it('derives the new tree\'s states from the old tree\'s as they were, not from what an older analysis made of it later', async () => {
    const options = { version: '1.30.0' };
    const fs = initialFiles();
    const service = new WorkspaceAnalysis({ fs, now: () => NOW });
    const old = await service.buildTree(MAIN);
    // The indexes the rebuild patches in place, and one state (so the old tree has some).
    nodesNamed(old.nodes, 'proxy_pass');
    nodesNamed(old.nodes, 'server_name');
    depthFirstNodes(old.nodes);
    allServerScopes(old, 'http', options);
    // A location with a proxy_pass typed into the first server (its block is rebuilt).
    const at = mainText().indexOf('ssl_verify_client on;') + 'ssl_verify_client on;'.length;
    fs.write(MAIN, mainText().slice(0, at) + '\n        location /typed { proxy_pass https://typed.example.test; }\n        server_name typed.example.test;' + mainText().slice(at));
    const tree = await service.buildTree(MAIN);
    assert.ok(tree !== old && tree.nodes.includes(old.nodes.at(-1) as ConfigNode), 'rebuilt in place');
    // An analysis of the old tree that was still under way asks for states the old tree never made.
    allRequestPaths(old, options);
    serverNameIndex(old);
    const fresh = await new WorkspaceAnalysis({ fs, now: () => NOW }).buildTree(MAIN);
    const passes = (t: ConfigTree): string[] => allRequestPaths(t, options).items.map((p) => id(p.pass));
    assert.deepEqual(passes(tree), passes(fresh), 'request paths');
    const names = (t: ConfigTree): string[] => [...serverNameIndex(t).exact].map(([name, servers]) => `${name}=${servers.map(id).join(',')}`).sort();
    assert.deepEqual(names(tree), names(fresh), 'server names');
  });
});
