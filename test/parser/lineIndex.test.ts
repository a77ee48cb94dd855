import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../server/src/parser/lineIndex';
import { mulberry32 } from '../differential/nginxHarness';

describe('LineIndex', () => {
  const text = 'a b;\r\n\n# c\nlast line without break';
  const lines = new LineIndex(text);

  it('finds every line start, CRLF and empty lines included', () => {
    assert.equal(lines.lineCount, text.split('\n').length);
    assert.deepEqual([0, 1, 2, 3].map((l) => lines.lineStart(l)), [0, 6, 7, 11]);
    assert.equal(new LineIndex('').lineCount, 1);
    assert.equal(new LineIndex('\n').lineCount, 2);
  });

  it('indexes texts of many short lines (its list of starts grows)', () => {
    const empty = new LineIndex('\n'.repeat(5000));
    assert.equal(empty.lineCount, 5001);
    assert.equal(empty.lineStart(4321), 4321);
    const short = new LineIndex('a;\n'.repeat(3000));
    assert.equal(short.lineCount, 3001);
    assert.deepEqual(short.positionAt(3 * 2999 + 1), { line: 2999, character: 1 });
    const edited = short.edited('a;\n'.repeat(1500) + '\n'.repeat(100) + 'a;\n'.repeat(1500), { start: 4500, oldEnd: 4500, newEnd: 4600 });
    assert.equal(edited.lineCount, 3101);
    assert.equal(edited.lineStart(3100), 9100);
  });

  it('lineAt() is the line of positionAt() for every offset, out-of-range ones clamped', () => {
    for (let offset = -2; offset <= text.length + 2; offset++) {
      assert.equal(lines.lineAt(offset), lines.positionAt(offset).line, `offset ${offset}`);
    }
    assert.equal(lines.lineAt(text.length + 5), 3);
    assert.equal(lines.lineAt(-1), 0);
  });
});

describe('LineIndex.edited', () => {
  it('gives the line starts of indexing the edited text afresh, for edits that add, remove and keep line breaks', () => {
    const next = mulberry32(1205);
    const pick = (length: number): string => Array.from({ length }, () => 'ab\n\r;'[Math.floor(next() * 5)]).join('');
    let checked = 0;
    for (let round = 0; round < 400; round++) {
      const before = pick(Math.floor(next() * 60));
      const start = Math.floor(next() * (before.length + 1));
      const oldEnd = start + Math.floor(next() * (before.length - start + 1) * (round % 3 === 0 ? 0 : 1));
      const inserted = pick(Math.floor(next() * 6));
      const after = before.slice(0, start) + inserted + before.slice(oldEnd);
      const edited = new LineIndex(before).edited(after, { start, oldEnd, newEnd: start + inserted.length });
      const fresh = new LineIndex(after);
      const describe = `${JSON.stringify(before)} [${start}, ${oldEnd}) -> ${JSON.stringify(inserted)}`;
      assert.equal(edited.lineCount, fresh.lineCount, describe);
      for (let line = 0; line < fresh.lineCount; line++) assert.equal(edited.lineStart(line), fresh.lineStart(line), `${describe}, line ${line}`);
      for (let offset = 0; offset <= after.length; offset++) assert.deepEqual(edited.positionAt(offset), fresh.positionAt(offset), `${describe}, offset ${offset}`);
      checked++;
    }
    assert.equal(checked, 400);
  });
});
