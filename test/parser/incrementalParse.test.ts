/**
 * Re-parsing only the edited block (parser/incrementalParse.ts through model/parsedFile.ts)
 * must give exactly what a fresh parse of the new text gives: every node, every offset,
 * comments and problems. Each case below applies a chain of edits, each parse made from the
 * one before it, and compares with parseConfig() after every step.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseFile, parseStepOf, reparseFile, type ParsedFile } from '../../server/src/model/parsedFile';
import { parseConfig } from '../../server/src/parser/parser';
import { mulberry32 as random } from '../differential/nginxHarness';
import { benchLikeText } from './benchLikeText';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'rules');

const FRAGMENTS = ['a', ' ', '{', '}', '"', "'", '#', ';', '\n', '\\', '$', 'x;', ' on;', '\n    add_header X-New "v";', '\n# note\n', 'location /x { return 204; }', '"{"', ')'];

/** One random edit of `text`: an insertion, a deletion, or a line inserted or deleted. */
function randomEdit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const choice = next();
  if (choice < 0.45) {
    const fragment = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
    return text.slice(0, at) + fragment + text.slice(at);
  }
  if (choice < 0.8) {
    const length = 1 + Math.floor(next() * 4);
    return text.slice(0, at) + text.slice(at + length);
  }
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at);
  const end = lineEnd < 0 ? text.length : lineEnd + 1;
  if (choice < 0.9) return text.slice(0, lineStart) + text.slice(end);
  return text.slice(0, lineStart) + '        ssl_session_cache shared:S:1m; # typed\n' + text.slice(lineStart);
}

/** Applies `edits` in turn, each parse made from the previous one; returns how many were incremental. */
function checkChain(name: string, initial: string, edits: readonly string[]): number {
  let parsed: ParsedFile = parseFile(`/t/${name}`, initial);
  let incremental = 0;
  for (let i = 0; i < edits.length; i++) {
    const before = parsed;
    parsed = reparseFile(before, edits[i]);
    if (parseStepOf(parsed)) incremental++;
    assert.deepEqual(parsed.syntax, parseConfig(edits[i]), `${name}: edit ${i} differs from a fresh parse`);
    // The parse whose nodes moved still reads as its own text.
    assert.deepEqual(before.syntax, parseConfig(before.text), `${name}: the parse before edit ${i} changed`);
  }
  return incremental;
}

function randomChain(text: string, seed: number, count: number): string[] {
  const next = random(seed);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    text = randomEdit(text, next);
    texts.push(text);
  }
  return texts;
}

function fixtureFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return fixtureFiles(full);
    return entry.name.endsWith('.conf') ? [full] : [];
  });
}

describe('incremental parse of one block', () => {
  it('re-parses the edited body only, keeping the nodes around it', () => {
    const text = 'http {\n  server {\n    listen 443 ssl;\n  }\n  server { listen 80; }\n}\nevents {}\n';
    const before = parseFile('/t/a.conf', text);
    const keptServer = before.syntax.statements[0].block?.statements[1];
    const edited = text.replace('listen 443 ssl;', 'listen 8443 ssl;\n    server_name a;');
    const after = reparseFile(before, edited);
    const step = parseStepOf(after);
    assert.ok(step, 'the edit was re-parsed incrementally');
    assert.equal(step.owner?.name, 'server');
    assert.equal(after.syntax.statements[0].block?.statements[1], keptServer, 'a node after the edit is kept');
    assert.deepEqual(after.syntax, parseConfig(edited));
  });

  it('re-parses only the statements an edit touches, keeping the others as the same objects', () => {
    const text = 'http {\n    default_type text/plain;\n    include sites/*.conf;\n    server { listen 80; }\n    gzip on;\n}\n';
    const edits: [string, string, { from: number; oldTo: number; newTo: number }][] = [
      // The arguments of one statement: it alone is read again.
      ['an argument', text.replace('text/plain', 'text/html'), { from: 0, oldTo: 1, newTo: 1 }],
      // A statement typed in: none of the old ones is read again.
      ['a new statement', text.replace('    gzip on;\n', '    gzip on;\n    etag off;\n'), { from: 4, oldTo: 4, newTo: 5 }],
      // Half typed, it takes the next statement as its arguments: both are read again.
      ['a half-typed statement', text.replace('    include', '    etag\n    include'), { from: 1, oldTo: 2, newTo: 2 }],
      // Spaces before a statement: it is kept (moved), and nothing is read again.
      ['spaces before a statement', text.replace('    server {', '      server {'), { from: 2, oldTo: 2, newTo: 2 }],
    ];
    // A quote nobody closed yet runs on to the next quote, and the word after that one is glued
    // to it (nginx: unexpected "v"): the statements the open word swallowed are read again, the
    // others are kept.
    const quoted = text.replace('    gzip on;', '    add_header X "v";');
    const edits2: [string, string, string, { from: number; oldTo: number; newTo: number }][] = [
      ['an open quote', quoted, quoted.replace('default_type text', 'default_type "text'), { from: 0, oldTo: 4, newTo: 1 }],
      ['typing after an open quote', quoted.replace('default_type text', 'default_type "text'), quoted.replace('default_type text', 'default_type "atext'), { from: 0, oldTo: 1, newTo: 1 }],
    ];
    for (const [what, base, edited, run] of [...edits.map(([w, e, r]): [string, string, string, typeof r] => [w, text, e, r]), ...edits2]) {
      const before = parseFile('/t/run.conf', base);
      const old = [...(before.syntax.statements[0].block?.statements ?? [])];
      const after = reparseFile(before, edited);
      const step = parseStepOf(after);
      assert.deepEqual(step?.run, run, `${what}: the run read again`);
      const now = after.syntax.statements[0].block?.statements ?? [];
      for (let i = 0; i < run.from; i++) assert.equal(now[i], old[i], `${what}: statement ${i} before the run is kept`);
      for (let i = run.oldTo; i < old.length; i++) assert.equal(now[i - run.oldTo + run.newTo], old[i], `${what}: statement ${i} after the run is kept`);
      assert.deepEqual(after.syntax, parseConfig(edited), `${what}: the same as a fresh parse`);
    }
  });

  it('updates only the comment when the edit stays inside one, at any depth and with CRLF lines', () => {
    const text = '# top\r\nhttp {\r\n  # in http\r\n  server { listen 443; # trailing\r\n  }\r\n}\r\nevents {}\r\n';
    for (const [hash, typed] of [['# top', 'X'], ['# in http', ' more words "{;'], ['# trailing', '}']] as const) {
      const at = text.indexOf(hash) + hash.length;
      const before = parseFile('/t/crlf.conf', text);
      const edited = text.slice(0, at) + typed + text.slice(at);
      const keptEvents = before.syntax.statements[1];
      const after = reparseFile(before, edited);
      const step = parseStepOf(after);
      assert.ok(step && step.owner === undefined, `${hash}: a comment-only step`);
      assert.equal(after.syntax.statements[1], keptEvents, `${hash}: the statements are kept`);
      assert.deepEqual(after.syntax, parseConfig(edited));
    }
    // A line break typed into a comment ends it: not a comment-only edit.
    const split = text.replace('# in http', '# in\nhttp');
    const after = reparseFile(parseFile('/t/crlf.conf', text), split);
    const splitStep = parseStepOf(after);
    assert.ok(splitStep === undefined || splitStep.owner !== undefined);
    assert.deepEqual(after.syntax, parseConfig(split));
  });

  it('falls back to a whole parse when the edit touches a brace, a header or the top level', () => {
    const text = 'http {\n  server {\n    listen 443;\n  }\n}\n';
    // The outer block's header, its braces, a statement at the top level.
    const cases = [text.replace('http {', 'http'), text.replace('http {', 'http x {'), text.replace('}\n}', '}\n'), 'user nginx;\n' + text];
    for (const edited of cases) {
      const after = reparseFile(parseFile('/t/b.conf', text), edited);
      assert.equal(parseStepOf(after), undefined, JSON.stringify(edited));
      assert.deepEqual(after.syntax, parseConfig(edited));
    }
  });

  it('falls back when a comment moves across the edges of the block', () => {
    // A comment after the body's last statement belongs to the statement after the block.
    const text = 'http {\n  server {\n    listen 443;\n    # trailing\n  }\n  server { listen 80; }\n}\n';
    // A stray ";" typed: no statement run can be re-read alone, and the body cannot either.
    const edited = text.replace('listen 443;', 'listen 443;;');
    const after = reparseFile(parseFile('/t/c.conf', text), edited);
    assert.equal(parseStepOf(after), undefined);
    assert.deepEqual(after.syntax, parseConfig(edited));
    // An edit of the statement alone: it is re-read, and the comment after it stays where it was.
    const argument = text.replace('listen 443;', 'listen 444;');
    const statementOnly = reparseFile(parseFile('/t/c.conf', text), argument);
    assert.deepEqual(parseStepOf(statementOnly)?.run, { from: 0, oldTo: 1, newTo: 1 });
    assert.deepEqual(statementOnly.syntax, parseConfig(argument));
    // A comment typed at the end of the body: the fresh parse gives it to the next statement.
    const plain = 'http {\n  server {\n    listen 443;\n  }\n  server { listen 80; }\n}\n';
    const typed = plain.replace('listen 443;\n', 'listen 443;\n    # new\n');
    assert.deepEqual(reparseFile(parseFile('/t/d.conf', plain), typed).syntax, parseConfig(typed));
  });

  it('equals a fresh parse after scripted edits of the bench-like text', () => {
    const text = benchLikeText(12);
    const edits: string[] = [];
    let current = text;
    const burst = current.indexOf('"s3"') + 2;
    // Typing inside a quoted value, one character at a time, then deleting it again.
    for (let i = 0; i < 30; i++) edits.push((current = current.slice(0, burst + i) + 'q' + current.slice(burst + i)));
    for (let i = 29; i >= 0; i--) edits.push((current = current.slice(0, burst + i) + current.slice(burst + i + 1)));
    // A new directive typed on a new line, character by character, through its broken states.
    const line = current.indexOf('ssl_verify_client on;', current.indexOf('site5')) + 'ssl_verify_client on;'.length;
    const typed = '\n        ssl_protocols TLSv1.2 TLSv1.3; # "x" {y}';
    for (let i = 1; i <= typed.length; i++) edits.push(current.slice(0, line) + typed.slice(0, i) + current.slice(line));
    const incremental = checkChain('bench.conf', text, edits);
    assert.ok(incremental > edits.length * 0.8, `most scripted edits are incremental (${incremental} of ${edits.length})`);
  });

  it('equals a fresh parse after seeded random edits of the bench-like text', () => {
    let incremental = 0;
    let total = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const edits = randomChain(benchLikeText(6), seed, 150);
      incremental += checkChain(`bench-${seed}.conf`, benchLikeText(6), edits);
      total += edits.length;
    }
    assert.ok(incremental > total * 0.3, `a good share of random edits is incremental (${incremental} of ${total})`);
  });

  it('equals a fresh parse after seeded random edits of every rule fixture', () => {
    const files = fixtureFiles(FIXTURES);
    assert.ok(files.length > 50, 'the rule fixtures are found');
    let incremental = 0;
    for (const [index, file] of files.entries()) {
      const text = fs.readFileSync(file, 'utf8');
      incremental += checkChain(path.relative(FIXTURES, file), text, randomChain(text, 1000 + index, 40));
    }
    assert.ok(incremental > 0);
  });
});
