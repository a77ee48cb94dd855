/**
 * Findings whose messages name a line of the edited file by its path are moved with the lines
 * an edit adds or removes (service/lineReferences.ts), instead of running their family again:
 * the line numbers must be those a fresh analysis writes.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { withLinesMoved } from '../../server/src/service/lineReferences';
import { makeTempDir, removeDir } from '../differential/nginxHarness';
import { reopened, savedAndOpened } from './reuseHelpers';

const FILE = '/etc/nginx/nginx.conf';

describe('line numbers named in messages', () => {
  it('moves the lines after the edit, keeps those before, and refuses what it cannot tell', () => {
    const shift = { line: 10, delta: 2 };
    assert.equal(withLinesMoved('no line here', FILE, shift), 'no line here');
    assert.equal(withLinesMoved(`from "server" (${FILE}:9): X-A`, FILE, shift), `from "server" (${FILE}:9): X-A`, 'before the edit');
    assert.equal(withLinesMoved(`from "server" (${FILE}:11): X-A`, FILE, shift), `from "server" (${FILE}:13): X-A`, 'after it');
    assert.equal(withLinesMoved(`(${FILE}:3) and (${FILE}:30)`, FILE, shift), `(${FILE}:3) and (${FILE}:32)`, 'each reference');
    assert.equal(withLinesMoved(`(${FILE}:10)`, FILE, shift), undefined, 'the edit\'s own line: a statement after the edit on it moves');
    assert.equal(withLinesMoved(`(${FILE}:11)`, FILE, { line: 10, delta: -2 }), undefined, 'a line the edit deleted');
    assert.equal(withLinesMoved(`(${FILE}:12)`, FILE, { line: 10, delta: -2 }), undefined, 'the last line it deleted');
    assert.equal(withLinesMoved(`(${FILE}:13)`, FILE, { line: 10, delta: -2 }), `(${FILE}:11)`, 'after the deleted lines');
    assert.equal(withLinesMoved(`(${FILE}:11) on port :443`, FILE, shift), undefined, 'something else that looks like a line');
    assert.equal(withLinesMoved('on line 12', FILE, shift), undefined, 'a line without its file');
    assert.equal(withLinesMoved('(/etc/nginx/other.conf:12)', FILE, shift), undefined, 'another file (not told apart from a port)');
    assert.equal(withLinesMoved('(/srv/etc/nginx/nginx.conf:12)', FILE, shift), undefined, 'a path that ends with the file\'s is another file');
    assert.equal(withLinesMoved(`(${FILE}:123)`, FILE, { line: 200, delta: 1 }), `(${FILE}:123)`, 'a number is read whole');
  });

  it('keeps the header-inheritance findings of other servers, with the lines they name moved, when a line is typed or deleted', async () => {
    const dir = makeTempDir('line-references');
    try {
      const server = (port: number): string => `    server {\n        listen ${port};\n        add_header X-A a;\n        location / {\n            add_header X-B b;\n        }\n    }\n`;
      const text = `events {}\nhttp {\n${server(80)}${server(81)}${server(82)}}\n`;
      const file = path.join(dir, 'nginx.conf');
      const { counted, edited, found } = await savedAndOpened(dir, file, text);
      const drops = found.filter((f) => f.code === 'proxy.header-inheritance-drop');
      assert.equal(drops.length, 3);
      assert.ok(drops[1].message.includes(`(${file}:10)`), `the second server is on line 10: ${drops[1].message}`);
      const fullRuns = counted.runs.get('header-inheritance');
      const lines = text.split('\n');
      const texts: [string, string][] = [
        [[...lines.slice(0, 4), '', ...lines.slice(4)].join('\n'), 'a blank line typed in the first server'],
        [text, 'and deleted'],
        [[...lines.slice(0, 4), '        p', ...lines.slice(4)].join('\n'), 'a line typed in the first server'],
        [[...lines.slice(0, 4), '        gzip on;', ...lines.slice(4)].join('\n'), 'its statement finished'],
        [text, 'the line deleted'],
        [[...lines.slice(0, 3), ...lines.slice(4)].join('\n'), 'the first server\'s listen line deleted'],
        [text, 'and typed back'],
      ];
      for (const [next, label] of texts) {
        const got = await reopened(edited, dir, file, next, label);
        // The other servers' findings stay (in the first, `p` takes the add_header line's words).
        assert.ok(got.filter((f) => f.code === 'proxy.header-inheritance-drop').length >= 2, label);
      }
      assert.equal(counted.runs.get('header-inheritance'), fullRuns, 'header-inheritance never ran over the whole file again');
    } finally {
      removeDir(dir);
    }
  });
});
