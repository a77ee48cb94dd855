import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../server/src/parser/lineIndex';

describe('LineIndex', () => {
  const text = 'a b;\r\n\n# c\nlast line without break';
  const lines = new LineIndex(text);

  it('finds every line start, CRLF and empty lines included', () => {
    assert.equal(lines.lineCount, text.split('\n').length);
    assert.deepEqual([0, 1, 2, 3].map((l) => lines.lineStart(l)), [0, 6, 7, 11]);
    assert.equal(new LineIndex('').lineCount, 1);
    assert.equal(new LineIndex('\n').lineCount, 2);
  });

  it('lineAt() is the line of positionAt() for every offset, out-of-range ones clamped', () => {
    for (let offset = -2; offset <= text.length + 2; offset++) {
      assert.equal(lines.lineAt(offset), lines.positionAt(offset).line, `offset ${offset}`);
    }
    assert.equal(lines.lineAt(text.length + 5), 3);
    assert.equal(lines.lineAt(-1), 0);
  });
});
