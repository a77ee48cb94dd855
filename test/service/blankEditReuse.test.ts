/**
 * Blanks and line breaks typed or deleted between two words (Enter with its indentation, the
 * indentation of a blank line, the space after a name) reuse the last analysis with moved offsets
 * (blankEditReuse.ts, WorkspaceAnalysis.runRules). The reused findings must be exactly those of a
 * fresh analysis of the new text: every rule fixture is edited at the ends of its lines and
 * checked both ways; the edits that could change a word, or which words share a line, are refused.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/analysis/finding';
import { parseFile } from '../../server/src/model/parsedFile';
import { blankOnlyEdit } from '../../server/src/service/blankEditReuse';
import { moveFindings } from '../../server/src/service/commentEditReuse';
import { makeTempDir, removeDir } from '../differential/nginxHarness';
import { findingsOf, forEachRuleFixture, freshFindings, openedCounting, reopened, service, writeServerPair } from './reuseHelpers';

/** Offsets of line ends (the line break itself) spread over a text: up to `count` of them. */
function lineEnds(text: string, count: number): number[] {
  const ends: number[] = [];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) ends.push(at);
  const step = Math.max(1, Math.floor(ends.length / count));
  return ends.filter((_, i) => i % step === step - 1).slice(0, count);
}

describe('blanks and line breaks typed between words reuse the last analysis', () => {
  it('accepts blanks and line breaks between two words that keep every word and line, and refuses every other edit', () => {
    const base = [
      'http {',
      '    ',
      '    add_header X-A "a',
      '        b";',
      '    add_header',
      '        X-B b;',
      '    gzip on; # note',
      '    set $p a\\',
      '    ;',
      '    map $a $b { default 1; }',
      '}',
      '',
    ].join('\n');
    const edit = (from: string, to: string): ReturnType<typeof blankOnlyEdit> => {
      assert.ok(base.includes(from), from);
      return blankOnlyEdit(parseFile('f', base), parseFile('f', base.replace(from, to)));
    };
    assert.ok(edit('http {\n    \n', 'http {\n        \n'), 'indentation typed on a blank line');
    assert.ok(edit('http {\n    \n', 'http {\n  \n'), 'indentation deleted on a blank line');
    assert.ok(edit('http {\n    \n', 'http {\n\t\n'), 'a tab instead of spaces');
    assert.ok(edit('    add_header\n', '    add_header \n'), 'a space after the name, the arguments on the next line');
    assert.ok(edit('{ default 1; }\n', '{ default 1; }  \n'), 'after the last word of a line');
    assert.ok(edit('gzip on', 'gzip  on'), 'between two words of a line');
    assert.equal(edit('http {\n    \n', 'http {\n    \n    \n')?.linesMove, true, 'Enter with its indentation: lines move');
    assert.equal(edit('http {\n    \n', 'http {\n        \n')?.linesMove, undefined, 'no line moves');
    assert.ok(edit('    \n    add_header X-A', '    add_header X-A'), 'a blank line deleted');
    assert.ok(edit('# note\n', '# note\n\n'), 'Enter after a comment');
    assert.ok(!edit('"a\n', '"a \n'), 'inside a quoted argument');
    assert.ok(!edit('# note\n', '# note \n'), 'at the end of a comment');
    assert.ok(!edit('a\\\n', 'a\\ \n'), 'after a backslash');
    assert.ok(!edit('gzip on;', 'gzip o n;'), 'inside a word');
    assert.ok(!edit('gzip on;', 'gzipon;'), 'the blank between two words deleted');
    assert.ok(!edit('gzip on;', 'gzip\n    on;'), 'two words of a line put on two');
    assert.ok(!edit('    add_header\n        X-B', '    add_header X-B'), 'two words of two lines put on one');
    assert.ok(!edit('\n    gzip on', '\n      gzip on'), 'the indentation of a statement');
    assert.ok(!edit('http {\n    \n', 'http {\n    x\n'), 'a word');
    assert.ok(!blankOnlyEdit(parseFile('f', 'http {\r\n}\r\n'), parseFile('f', 'http {\r\n\r\n}\r\n')), 'a file with carriage returns');
  });

  it('refuses blanks in a string that is never closed, and next to a problem the parse reports', () => {
    const unclosed = 'http {\n    gzip "on\n}\n';
    assert.equal(blankOnlyEdit(parseFile('f', unclosed), parseFile('f', unclosed.replace('"on\n', '"on \n'))), undefined);
    const missing = 'http {\n    gzip on\n}\n';
    assert.ok(parseFile('f', missing).syntax.problems.length > 0);
    assert.equal(blankOnlyEdit(parseFile('f', missing), parseFile('f', missing.replace('on\n', 'on \n'))), undefined);
  });

  it('takes the edit as a replacement of the whole run: what ends before it stays, what starts after it moves', () => {
    const text = 'http {\n    gzip on;\n    gzip off;\n}\n';
    const at = text.indexOf(';') + 1;
    const edit = blankOnlyEdit(parseFile('/f', text), parseFile('/f', text.slice(0, at) + '  ' + text.slice(at)));
    const next = text.indexOf('gzip off');
    assert.deepEqual(edit && [edit.start, edit.oldEnd, edit.delta], [at, next, 2], 'the run from the `;` to the next word');
    const finding: Finding = {
      code: 'x', message: 'm', file: '/f', start: text.indexOf('gzip on'), end: at,
      related: [{ file: '/f', start: next, end: next + 4, message: 'r' }],
      fixes: [{ title: 't', safe: true, edits: [{ file: '/f', start: at, end: at, newText: '\n    gzip_vary on;' }] }],
    };
    const [moved] = moveFindings([finding], edit!) ?? [];
    assert.deepEqual([moved.start, moved.end], [finding.start, at], 'the statement ending at the run keeps its range');
    assert.deepEqual(moved.related?.map((r) => [r.start, r.end]), [[next + 2, next + 6]]);
    assert.deepEqual(moved.fixes?.[0].edits.map((e) => [e.start, e.end]), [[at, at]], 'an insertion after the statement stays before the run');
    assert.equal(moveFindings([{ ...finding, message: 'quotes gzip on;' }], edit!)?.length, 1, 'between statements nothing is quoted');
    const enter = blankOnlyEdit(parseFile('/f', text), parseFile('/f', text.slice(0, at) + '\n    ' + text.slice(at)));
    assert.equal(enter?.linesMove, true);
    assert.equal(moveFindings([{ ...finding, message: 'already set on line 3' }], enter!), undefined, 'a message naming a line, when lines move');
    assert.equal(moveFindings([{ ...finding, message: 'm', related: [{ file: '/f', start: next, end: next + 4, message: 'in f.conf:3' }] }], enter!), undefined);
    assert.equal(moveFindings([finding], enter!)?.length, 1);
  });

  it('gives the findings of a fresh analysis for every rule fixture, mostly without running the rules again', async () => {
    let reused = 0;
    let compared = 0;
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      const original = fs.readFileSync(file, 'utf8');
      let text = original;
      const { counted, edited } = await openedCounting(dir, file, text);
      for (const offset of lineEnds(original, 3)) {
        // Blanks at the end of a line, Enter with an indentation, each taken back.
        for (const next of [original.slice(0, offset) + ' \t ' + original.slice(offset), original, original.slice(0, offset) + '\n    ' + original.slice(offset), original]) {
          text = next;
          const before = counted.total();
          edited.openDocument(file, text);
          const got = await findingsOf(edited, file);
          if (counted.total() === before) reused++;
          assert.deepEqual(got, await freshFindings(dir, file, text), `${code}/${name}: blanks at ${offset}: ${JSON.stringify(text.slice(offset - 10, offset + 8))}`);
          compared++;
        }
      }
    });
    assert.ok(compared > 200, `compared ${compared} edits`);
    console.log(`blanks and line breaks at line ends: ${compared} compared with fresh analyses, ${reused} reused without running a family`);
    // Line ends inside quoted strings and comments, or on lines with problems, are checked afresh.
    assert.ok(reused > compared * 0.6, `reused ${reused} of ${compared}`);
  });

  it('gives the findings of a fresh analysis when a statement is typed after blanks, on trees no check analysed in between, in every rule fixture', async () => {
    let compared = 0;
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      const original = fs.readFileSync(file, 'utf8');
      const edited = service(dir);
      edited.openDocument(file, original);
      await findingsOf(edited, file);
      for (const offset of lineEnds(original, 3)) {
        const at = (typed: string): string => original.slice(0, offset) + typed + original.slice(offset);
        // Enter and the indentation (reused, the tree not analysed), then a statement (the rules
        // run on a tree whose states derive from the last analysed one, through both changes).
        // And the next line deleted after blanks were typed: what the derived states held of it goes.
        const nextLineEnd = original.indexOf('\n', offset + 1);
        const withoutNext = nextLineEnd < 0 ? original : original.slice(0, offset) + '\n    ' + original.slice(nextLineEnd);
        for (const text of [at('\n'), at('\n    '), at('\n    proxy_ssl_verify on;'), at('\n    '), at('\n    ssl_verify_depth 2;'), at('\n    '), withoutNext, at('\n    '), original]) {
          await reopened(edited, dir, file, text, `${code}/${name}: ${JSON.stringify(text.slice(offset - 10, offset + 30))}`);
          compared++;
        }
      }
    });
    console.log(`statements typed after blanks: ${compared} edits compared with fresh analyses`);
    assert.ok(compared > 500, `compared ${compared} edits`);
  });

  it('derives the model of a main config through edits no check analysed: each line deleted after blanks were typed, and typed back', async () => {
    const dir = makeTempDir('blank-derive');
    try {
      writeServerPair(dir);
      const file = path.join(dir, 'nginx.conf');
      const servers = [0, 1, 2].map((i) => [
        '    server {', `        listen 44${i} ssl;`, `        server_name s${i}.example.test;`, '        ssl_certificate server.crt;', '        ssl_certificate_key server.key;',
        '        proxy_ssl_verify on;', '        proxy_ssl_trusted_certificate server.crt;',
        '        location /a {', `            proxy_pass https://backend${i % 2};`, '            proxy_set_header X-Client $ssl_client_s_dn;', '        }',
        '        location /b {', '            proxy_pass https://10.0.0.1:8443;', '            proxy_ssl_verify off;', '        }', '    }',
      ].join('\n'));
      const original = ['events {}', 'http {', '    upstream backend0 { server 10.0.0.2:443; }', '    upstream backend1 { server b.example.test:443; }', ...servers, '}', ''].join('\n');
      const s = service(dir);
      s.openDocument(file, original);
      await findingsOf(s, file);
      const lines = original.split('\n');
      let compared = 0;
      for (let i = 2; i < lines.length - 2; i++) {
        if (/[{}]/.test(lines[i])) continue;
        const before = lines.slice(0, i);
        const text = (...middle: string[]): string => [...before, ...middle, ...lines.slice(i + 1)].join('\n');
        // Blanks typed at the line's end (reused), the line deleted, blanks again, the line back;
        // blanks at its end again, and the next line deleted and put back.
        const nextLine = lines[i + 1];
        const withoutNext = [...before, `${lines[i]}  `, ...lines.slice(i + 2)].join('\n');
        const steps = [text(`${lines[i]}  `), text('  '), text('    '), text(lines[i]), text(`${lines[i]}  `)];
        if (!/[{}]/.test(nextLine)) steps.push(withoutNext, text(`${lines[i]}  `));
        for (const next of [...steps, original]) {
          await reopened(s, dir, file, next, `line ${i + 1} (${lines[i].trim()}): ${JSON.stringify(next.split('\n')[i])}`);
          compared++;
        }
      }
      assert.ok(compared > 80, `compared ${compared}`);
      // Blanks typed inside a statement split over two lines (its node is made again, and the tree
      // not analysed), then a line of another server deleted: the model derives through both.
      const split = original.replace('            proxy_pass https://backend0;', '            proxy_pass\n                https://backend0;');
      const listen2 = '        listen 442 ssl;\n';
      const spaced = split.replace('proxy_pass\n', 'proxy_pass  \n');
      const withoutPass = spaced.replace('            proxy_pass  \n                https://backend0;\n', '');
      for (const next of [split, spaced, spaced.replace(listen2, ''), split, spaced, withoutPass, split, original]) {
        await reopened(s, dir, file, next, 'a statement over two lines');
      }
      // A new line typed a character at a time after each server's certificate key: blanks,
      // names on their way (checked by a few families on the block, no tree state), words.
      for (const [n, line] of lines.entries()) {
        if (!line.includes('ssl_certificate_key')) continue;
        for (const typed of ['\n', ...'        proxy_ssl_name x;'].reduce<string[]>((all, c) => [...all, (all.at(-1) ?? '') + c], [])) {
          await reopened(s, dir, file, [...lines.slice(0, n + 1), typed.replace(/^\n/, ''), ...lines.slice(n + 1)].join('\n'), `after line ${n + 1}: ${JSON.stringify(typed)}`);
        }
      }
    } finally {
      removeDir(dir);
    }
  });

  it('runs only the family whose fix copies the edited statement, while the indentation of its next line is typed', async () => {
    const dir = makeTempDir('blank-reuse');
    try {
      writeServerPair(dir);
      const file = path.join(dir, 'nginx.conf');
      // The location's own add_header drops the server's two; the fix copies them, the
      // statement being typed (`add_header` and its words on the next line) included.
      const text = 'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        ssl_certificate server.crt;\n        ssl_certificate_key server.key;\n'
        + '        add_header X-Frame-Options DENY;\n        add_header\n            X-Typed yes;\n\n        location / { add_header X-Own 1; return 200; }\n    }\n}\n';
      const { counted, edited: s, found: first } = await openedCounting(dir, file, text);
      assert.ok(first.some((f) => f.code === 'proxy.header-inheritance-drop' && f.fixes?.some((x) => x.edits.some((e) => e.newText.includes('add_header\n')))), 'the fix copies the two-line statement');
      const runs = new Map(counted.runs);
      const next = text.replace('        add_header\n', '        add_header  \n');
      await reopened(s, dir, file, next, 'blanks after the name of the statement being typed');
      const ranAgain = [...counted.runs].filter(([family, n]) => n > (runs.get(family) ?? 0)).map(([family]) => family);
      assert.deepEqual(ranAgain, ['header-inheritance']);
      const blank = next.replace('X-Typed yes;\n\n', 'X-Typed yes;\n    \n');
      const total = counted.total();
      await reopened(s, dir, file, blank, 'blanks on a blank line');
      assert.equal(counted.total(), total, 'blanks on a blank line run no family');
      // Enter before a directive set twice: its message names the line of the first, which moves.
      const twice = blank.replace('        location /', '        client_max_body_size 1m;\n        client_max_body_size 2m;\n        location /');
      await reopened(s, dir, file, twice, 'a directive set twice');
      assert.ok((await findingsOf(s, file)).some((f) => /line \d/.test(f.message)), 'a message names a line');
      const contextRuns = counted.runs.get('context');
      await reopened(s, dir, file, twice.replace('    server {\n', '    server {\n\n'), 'Enter above both');
      assert.equal(counted.runs.get('context'), (contextRuns ?? 0) + 1, 'the family whose message names a line runs again');
    } finally {
      removeDir(dir);
    }
  });
});
