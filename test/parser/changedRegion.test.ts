/**
 * changedRegion compares long stretches of two texts at once (parser/changedRegion.ts); the
 * region must be the one a character-by-character comparison finds: the longest common prefix,
 * then the longest common suffix that does not overlap it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedRegion, type ChangedRegion } from '../../server/src/parser/changedRegion';
import { mulberry32 } from '../differential/nginxHarness';

function byCharacter(oldText: string, newText: string): ChangedRegion | undefined {
  if (oldText === newText) return undefined;
  let start = 0;
  while (start < Math.min(oldText.length, newText.length) && oldText[start] === newText[start]) start++;
  let oldEnd = oldText.length;
  let newEnd = newText.length;
  while (oldEnd > start && newEnd > start && oldText[oldEnd - 1] === newText[newEnd - 1]) {
    oldEnd--;
    newEnd--;
  }
  return { start, oldEnd, newEnd };
}

/** A text of `length` characters from a small alphabet (few letters: long repeats, so the prefix and suffix may overlap). */
function text(next: () => number, length: number, letters: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += letters[Math.floor(next() * letters.length)];
  return out;
}

describe('changedRegion', () => {
  it('finds the region a comparison character by character finds, around every stretch boundary', () => {
    const next = mulberry32(20261205);
    let compared = 0;
    for (const length of [0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 12288 + 7, 20000]) {
      for (const letters of ['a', 'ab', 'nginx.conf;{}\n ']) {
        for (let round = 0; round < 12; round++) {
          const before = text(next, length, letters);
          // Edits at both ends, at stretch boundaries and anywhere; inserted, deleted or replaced.
          const places = [0, length, 4096, 4095, length - 4096, Math.floor(next() * (length + 1))].filter((p) => p >= 0 && p <= length);
          const at = places[round % places.length];
          const removed = Math.min(length - at, Math.floor(next() * 3) * (round % 3 === 0 ? 0 : 1) + (round % 4 === 1 ? 4096 : 0));
          const inserted = text(next, round % 3 === 2 ? 0 : 1 + Math.floor(next() * 5), letters);
          const after = before.slice(0, at) + inserted + before.slice(at + removed);
          assert.deepEqual(changedRegion(before, after), byCharacter(before, after), `length ${length}, letters ${JSON.stringify(letters)}, at ${at}, removed ${removed}, inserted ${JSON.stringify(inserted)}`);
          compared++;
        }
      }
    }
    assert.ok(compared >= 300);
  });

  it('says nothing changed for equal texts, and gives the whole text for unrelated ones', () => {
    const long = 'x'.repeat(10000);
    assert.equal(changedRegion(long, 'x'.repeat(10000)), undefined);
    assert.deepEqual(changedRegion('a'.repeat(9000), 'b'.repeat(9001)), { start: 0, oldEnd: 9000, newEnd: 9001 });
    assert.deepEqual(changedRegion('', 'abc'), { start: 0, oldEnd: 0, newEnd: 3 });
  });
});
