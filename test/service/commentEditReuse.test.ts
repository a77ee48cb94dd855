/**
 * Typing inside a comment reuses the last analysis with moved offsets (commentEditReuse.ts,
 * WorkspaceAnalysis.runRules). The reused findings must be exactly those of a fresh
 * analysis of the new text: every rule fixture is given comments, edited inside them, and
 * checked both ways; the edits that must not be reused (a line break, a suppression comment,
 * a changed certificate, an old clock) are checked to run the rules again.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/analysis/finding';
import { parseFile } from '../../server/src/model/parsedFile';
import { changedRegion, commentOnlyEdit, moveFindings } from '../../server/src/service/commentEditReuse';
import { NOW, pki } from '../certificates/fixtures';
import { makeTempDir, removeDir } from '../differential/nginxHarness';
import { countingFamilies, findingsOf, forEachRuleFixture, freshFindings, openedCounting, service, writeServerPair } from './reuseHelpers';

/** A trailing comment on every line that ends a statement or opens or closes a block. */
function withComments(text: string): string {
  return '# header comment\n' + text.split('\n').map((line, i) => (/[;{}]\s*$/.test(line) && !line.includes('#') ? `${line} # note ${i}` : line)).join('\n');
}

/** Offsets inside comments (after the `#`) of a text, spread over the file. */
function commentOffsets(text: string): number[] {
  const comments = parseFile('x', text).syntax.comments.filter((c) => c.end - c.start > 2 && !/nginx-mtls|\$/.test(c.text));
  const middle = comments[Math.floor(comments.length / 2)];
  const last = comments[comments.length - 1];
  return middle && last ? [middle.end, last.start + 1] : [];
}

describe('edits inside comments reuse the last analysis', () => {
  it('finds the one changed region and accepts only edits inside a comment no check reads', () => {
    assert.deepEqual(changedRegion('abcdef', 'abXdef'), { start: 2, oldEnd: 3, newEnd: 3 });
    assert.deepEqual(changedRegion('abc', 'abcd'), { start: 3, oldEnd: 3, newEnd: 4 });
    assert.equal(changedRegion('same', 'same'), undefined);
    const base = 'server { # front door\n    listen 443 ssl; # port\n    add_header X-A "a#b";\n    # nginx-mtls-disable-next-line tls.file-not-found\n    ssl_certificate a.crt;\n}\n';
    const edit = (from: string, to: string): string => base.replace(from, to);
    const check = (after: string): boolean => commentOnlyEdit(parseFile('f', base), parseFile('f', after)) !== undefined;
    assert.ok(check(edit('# front door', '# front doors')), 'typing at the end of a comment');
    assert.ok(check(edit('# port', '# pXort')), 'typing inside a comment');
    assert.ok(check(edit('# port', '# prt')), 'deleting inside a comment');
    assert.ok(!check(edit('# port', 'port')), 'deleting the # turns the comment into words');
    assert.ok(!check(edit('# port', '# po\nrt')), 'a line break moves lines');
    assert.ok(!check(edit('listen 443', 'listen 8443')), 'an argument');
    assert.ok(!check(edit('"a#b"', '"a#bc"')), 'a # inside a quoted string is no comment');
    assert.ok(!check(edit('next-line tls.file-not-found', 'next-line tls.file-not-foun')), 'a suppression comment');
    assert.ok(!check(edit('# port', '# $port')), 'a comment with a variable name');
    assert.ok(!check(edit('ssl; # port', 'ssl;  # port')), 'whitespace outside the comment');
  });

  it('moves offsets after the edit, and refuses findings that quote the edited comment', () => {
    const edit = { file: '/f', start: 10, oldEnd: 12, delta: 3, oldText: '# hi' };
    const finding: Finding = {
      code: 'x', message: 'm', file: '/f', start: 20, end: 25,
      related: [{ file: '/f', start: 1, end: 5, message: 'r' }, { file: '/g', start: 30, end: 31, message: 'other file' }],
      fixes: [{ title: 't', safe: true, edits: [{ file: '/f', start: 25, end: 25, newText: ';' }] }],
    };
    const [moved] = moveFindings([finding], edit) ?? [];
    assert.deepEqual([moved.start, moved.end], [23, 28]);
    assert.deepEqual(moved.related?.map((r) => [r.start, r.end]), [[1, 5], [30, 31]]);
    assert.deepEqual(moved.fixes?.[0].edits.map((e) => [e.start, e.end]), [[28, 28]]);
    assert.equal(finding.start, 20, 'the earlier result is not changed in place');
    assert.equal(moveFindings([{ ...finding, message: 'copied: # hi' }], edit), undefined);
    assert.equal(moveFindings([{ ...finding, fixes: [{ title: 't', safe: false, edits: [], command: { command: 'unknown.command', arguments: [5] } }] }], edit), undefined);
  });

  it('gives the findings of a fresh analysis for every rule fixture, without running the rules again', async () => {
    let reused = 0;
    let compared = 0;
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      let text = withComments(fs.readFileSync(file, 'utf8'));
      const { counted, edited } = await openedCounting(dir, file, text);
      for (const offset of commentOffsets(text)) {
        for (const next of [text.slice(0, offset) + 'typed' + text.slice(offset), text]) {
          text = next;
          const before = counted.total();
          edited.openDocument(file, text);
          const got = await findingsOf(edited, file);
          if (counted.total() === before) reused++;
          assert.deepEqual(got, await freshFindings(dir, file, text), `${code}/${name}: comment edit at ${offset}`);
          compared++;
        }
      }
    });
    assert.ok(compared > 100, `compared ${compared} edits`);
    console.log(`comment edits: ${compared} compared with fresh analyses, ${reused} reused`);
    // Fixtures whose comments quote a variable or a suppression are checked afresh; most are reused.
    assert.ok(reused > compared * 0.8, `reused ${reused} of ${compared}`);
  });

  it('runs the rules again when a line break is typed, a suppression changes, a certificate changes or the clock moves on', async () => {
    const dir = makeTempDir('comment-reuse');
    try {
      writeServerPair(dir);
      const file = path.join(dir, 'nginx.conf');
      const text = 'events {}\nhttp {\n    server { # the site\n        listen 443 ssl;\n        server_name other.example.test;\n        ssl_certificate server.crt; # cert\n        ssl_certificate_key server.key;\n        # nginx-mtls-disable-next-line tls.server-name-not-in-cert\n        location / { proxy_pass https://backend.internal; }\n    }\n}\n';
      let clock = NOW.getTime();
      const counted = countingFamilies();
      const s = service(dir, counted.families, () => new Date(clock));
      const expectRun = async (next: string, why: string, runs: boolean): Promise<void> => {
        const before = counted.total();
        s.openDocument(file, next);
        const got = await findingsOf(s, file);
        assert.equal(counted.total() > before, runs, why);
        assert.deepEqual(got, await freshFindings(dir, file, next, () => new Date(clock)), why);
      };
      await expectRun(text, 'first analysis', true);
      await expectRun(text.replace('# cert', '# certificate'), 'typing in a comment', false);
      await expectRun(text.replace('# cert', '# cert\n'), 'a line break', true);
      await expectRun(text.replace('tls.server-name-not-in-cert', 'tls.file-not-found'), 'a suppression comment', true);
      fs.writeFileSync(path.join(dir, 'server.crt'), pki('ec').server.pem);
      await expectRun(text.replace('# the site', '# the sites'), 'the certificate file changed', true);
      await expectRun(text.replace('# the site', '# the sit'), 'nothing changed but a comment', false);
      clock += 60_000;
      await expectRun(text.replace('# the site', '# the s'), 'a minute later (certificate validity depends on the clock)', true);
    } finally {
      removeDir(dir);
    }
  });
});
