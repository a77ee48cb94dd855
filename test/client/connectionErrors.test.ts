/**
 * The client's answer to connection errors (client/src/connectionErrors.ts), against what
 * vscode-jsonrpc really reports when the server's process is gone: each message written after
 * that fails, with the message, and the count passes three.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { StreamMessageWriter, type NotificationMessage } from 'vscode-languageserver/node';
import { connectionErrorAction } from '../../client/src/connectionErrors';

describe('client: connection errors', () => {
  it('never gives up on messages that could not be written to a server that is gone', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: ['pipe', 'ignore', 'ignore'] });
    await once(child, 'exit');
    const writer = new StreamMessageWriter(child.stdin);
    const errors: [unknown, unknown, number | undefined][] = [];
    writer.onError(([error, message, count]) => errors.push([error, message, count]));
    for (let i = 0; i < 6; i++) {
      const change: NotificationMessage = { jsonrpc: '2.0', method: 'textDocument/didChange', params: { i } };
      await writer.write(change).catch(() => undefined);
    }
    writer.dispose();
    assert.ok(errors.length >= 4, `${errors.length} write errors`);
    assert.ok(errors.some(([, , count]) => (count ?? 0) > 3), 'the count passes three');
    for (const [, message, count] of errors) {
      assert.ok(message !== undefined, 'a write error carries its message');
      assert.deepEqual(connectionErrorAction(message, count), { action: 'continue', handled: true });
    }
  });

  it('gives up after three errors reading what the server sends', () => {
    for (const count of [1, 2, 3]) assert.equal(connectionErrorAction(undefined, count).action, 'continue');
    assert.deepEqual(connectionErrorAction(undefined, 4), { action: 'shutdown', handled: false });
    assert.equal(connectionErrorAction(undefined, undefined).action, 'continue');
  });
});
