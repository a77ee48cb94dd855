/** Binary detection and terminal-safe output for the command line. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forTerminal, looksBinary } from '../../server/src/cli/textFiles';
import { mulberry32 } from '../differential/nginxHarness';

const bytes = (text: string, encoding: BufferEncoding = 'utf8'): Uint8Array => Buffer.from(text, encoding);

describe('looksBinary', () => {
  it('calls configs text, including non-ASCII comments in UTF-8 or Latin-1 and an empty file', () => {
    assert.equal(looksBinary(bytes('server {\n\tlisten 80; # café, Grüße, 日本\r\n}\n')), false);
    assert.equal(looksBinary(bytes(`# Zürich office\n${'server { listen 80; }\n'.repeat(20)}`, 'latin1')), false);
    assert.equal(looksBinary(new Uint8Array()), false);
  });

  it('judges plain ASCII with a stray control character by its share, from any offset of a buffer', () => {
    const text = `${'x'.repeat(16)}server {\x1b listen 80; }\n${'a'.repeat(100)}`;
    const within = Buffer.from(text);
    assert.equal(looksBinary(within.subarray(16)), false);
    assert.equal(looksBinary(within.subarray(16, 30)), false);
    assert.equal(looksBinary(bytes('\x1b\x1b\x1bab')), true);
  });

  it('does not count a multi-byte character cut by the end of the sample', () => {
    const sample = bytes(`${'a'.repeat(10)}日`);
    assert.equal(looksBinary(sample.subarray(0, sample.length - 1)), false);
  });

  it('calls NUL bytes, undecodable bytes and control characters binary', () => {
    assert.equal(looksBinary(bytes('server {\0}')), true);
    assert.equal(looksBinary(Uint8Array.from({ length: 64 }, (_, i) => 0x80 + i)), true);
    assert.equal(looksBinary(bytes('\x01\x02\x03\x04abcdefgh')), true);
  });

  it('counts a character outside the BMP once, as a code point', () => {
    // 2 control characters among 19 code points is above a tenth; among 28 UTF-16 units it is not.
    const sample = bytes(`\x01\x02${'😀'.repeat(9)}${'a'.repeat(8)}`);
    assert.equal(looksBinary(sample), true);
  });

  it('judges generated samples as counting code points does', () => {
    const pieces = ['a', ' ', '\n', '\t', '\x01', '\x7f', 'é', '日', '😀', '\ufffd'];
    const next = mulberry32(7);
    const random = (n: number): number => Math.floor(next() * n);
    for (let round = 0; round < 500; round++) {
      let text = '';
      for (let i = random(60); i > 0; i--) text += pieces[random(pieces.length)];
      const sample = bytes(text).subarray(0, Math.max(1, Buffer.byteLength(text) - random(3)));
      assert.equal(looksBinary(sample), byCodePoints(sample), JSON.stringify(text));
    }
  });
});

/** The definition looksBinary follows, written plainly: each code point judged (NUL bytes aside). */
function byCodePoints(sample: Uint8Array): boolean {
  if (sample.length === 0) return false;
  if (sample.includes(0)) return true;
  const points = [...new TextDecoder().decode(sample, { stream: true })].map((c) => c.codePointAt(0) as number);
  const nonText = points.filter((p) => p === 0xfffd || (p < 0x20 && ![0x09, 0x0a, 0x0b, 0x0c, 0x0d].includes(p)) || p === 0x7f).length;
  return points.length > 0 && nonText / points.length > 0.1;
}

describe('forTerminal', () => {
  it('escapes control characters other than tab, visibly', () => {
    assert.equal(forTerminal('a\tb\x1b[31mc\rd\ne\x7f\x9b'), 'a\tb\\x1b[31mc\\x0dd\\x0ae\\x7f\\x9b');
    assert.equal(forTerminal('plain "text" – ü'), 'plain "text" – ü');
  });
});
