/** writeLine (server/src/cli/lineWriter.ts): the report's writer waits for a full stream, never for one that is gone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { writeLine } from '../../server/src/cli/lineWriter';

/** A stream that takes 16 bytes before it says it is full, and hands each chunk to `release` when told. */
function slowStream(): { stream: Writable; written: string[]; release: () => void } {
  const written: string[] = [];
  const pending: Array<() => void> = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      pending.push(() => { written.push(chunk.toString()); callback(); });
    },
  });
  return { stream, written, release: () => { while (pending.length > 0) pending.shift()?.(); } };
}

const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('writeLine', () => {
  it('returns nothing to wait for while the stream takes the line', () => {
    const { stream } = slowStream();
    assert.equal(writeLine(stream, 'short'), undefined);
  });

  it('waits while the stream is full, and goes on once it has drained', async () => {
    const { stream, written, release } = slowStream();
    const wait = writeLine(stream, 'a line longer than sixteen bytes');
    assert.ok(wait instanceof Promise);
    assert.equal(await settled(wait), false, 'nothing was taken yet');
    release();
    await wait;
    assert.deepEqual(written, ['a line longer than sixteen bytes\n']);
    assert.equal(stream.listenerCount('drain'), 0, 'its listeners are removed');
  });

  it('does not wait for a stream that closes or fails while full', async () => {
    for (const end of ['destroy', 'error'] as const) {
      const { stream } = slowStream();
      stream.on('error', () => undefined);
      const wait = writeLine(stream, 'a line longer than sixteen bytes');
      assert.ok(wait instanceof Promise);
      if (end === 'destroy') stream.destroy();
      else stream.destroy(new Error('EPIPE'));
      await wait;
      assert.equal(writeLine(stream, 'after'), undefined, `${end}: a stream that is gone is not waited for`);
    }
  });
});
