/**
 * The VS Code client starts the language server with --validation-worker when the setting
 * `nginxMtls.validationWorker` is true (common/serverLaunch.ts), and the server reads that flag.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverArguments, VALIDATION_WORKER_FLAG } from '../../common/serverLaunch';
import { LspTestClient } from '../lsp/lspClient';

describe('the server\'s arguments from the client\'s settings', () => {
  it('adds the worker flag for true only', () => {
    assert.deepEqual(serverArguments({ validationWorker: true }), [VALIDATION_WORKER_FLAG]);
    for (const value of [false, undefined, 'true', 1, null]) assert.deepEqual(serverArguments({ validationWorker: value }), [], String(value));
  });

  it('is a flag the server takes: it then says it validates in a worker', async () => {
    const client = new LspTestClient(['--stdio', ...serverArguments({ validationWorker: true })]);
    try {
      await client.initialize(process.cwd());
      const ready = await client.waitFor((n) => n.method === 'window/logMessage' && /language server ready/.test((n.params as { message: string }).message));
      assert.match((ready.params as { message: string }).message, /validation in a worker thread/);
    } finally {
      await client.shutdown();
    }
  });
});
