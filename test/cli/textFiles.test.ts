/** Binary detection and terminal-safe output for the command line. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forTerminal, looksBinary } from '../../server/src/cli/textFiles';

const bytes = (text: string, encoding: BufferEncoding = 'utf8'): Uint8Array => Buffer.from(text, encoding);

describe('looksBinary', () => {
  it('calls configs text, including non-ASCII comments in UTF-8 or Latin-1 and an empty file', () => {
    assert.equal(looksBinary(bytes('server {\n\tlisten 80; # café, Grüße, 日本\r\n}\n')), false);
    assert.equal(looksBinary(bytes(`# Zürich office\n${'server { listen 80; }\n'.repeat(20)}`, 'latin1')), false);
    assert.equal(looksBinary(new Uint8Array()), false);
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
});

describe('forTerminal', () => {
  it('escapes control characters other than tab, visibly', () => {
    assert.equal(forTerminal('a\tb\x1b[31mc\rd\ne\x7f\x9b'), 'a\tb\\x1b[31mc\\x0dd\\x0ae\\x7f\\x9b');
    assert.equal(forTerminal('plain "text" – ü'), 'plain "text" – ü');
  });
});
