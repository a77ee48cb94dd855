/**
 * The validation worker does not send a file's diagnostics again when they are byte for byte
 * those it sent last for that file (WorkerReply.sameDiagnostics): the runner hands out the
 * ones it kept. Typing in a comment leaves them unchanged; typing a directive changes them.
 * The kept diagnostics must always be the worker's last: across a close with a check under
 * way, and across a restarted worker.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { freshDiagnostics, NEEDS_WORKER_BUNDLE, openAndValidate, workerRunnerFixture } from './workerRunnerFixture';

describe('diagnostics the worker does not send twice', { skip: NEEDS_WORKER_BUNDLE }, () => {
  const { dir, runner, logs } = workerRunnerFixture('nginx-mtls-repeat-');
  const file = path.join(dir, 'nginx.conf');
  const text = (comment: string, protocols: string): string => `events {}\nhttp {\n    # ${comment}\n    ssl_protocols ${protocols};\n    server { listen 443 ssl; ssl_certificate missing.crt; ssl_certificate_key missing.key; }\n}\n`;
  writeFileSync(file, text('a', 'TLSv1'));

  const expected = (content: string): Promise<unknown> => freshDiagnostics(dir, file, content);

  async function check(content: string): Promise<{ diagnostics: unknown; repeated: boolean }> {
    const before = runner.repeatedDiagnostics;
    const diagnostics = await openAndValidate(runner, logs, file, content);
    return { diagnostics, repeated: runner.repeatedDiagnostics > before };
  }

  it('sends them once, and again only when they changed', async () => {
    runner.post({ kind: 'configure', raw: {} });
    runner.post({ kind: 'folders', folders: [dir] });
    const first = await check(text('a', 'TLSv1'));
    assert.equal(first.repeated, false);
    assert.ok(Array.isArray(first.diagnostics) && first.diagnostics.length >= 3, JSON.stringify(first.diagnostics));
    for (const comment of ['ab', 'abc', 'ab']) {
      const typed = await check(text(comment, 'TLSv1'));
      assert.equal(typed.repeated, true, `comment ${comment}`);
      assert.deepEqual(typed.diagnostics, await expected(text(comment, 'TLSv1')));
    }
    const changed = await check(text('ab', 'TLSv1.2'));
    assert.equal(changed.repeated, false, 'another protocol changes the diagnostics');
    assert.deepEqual(changed.diagnostics, await expected(text('ab', 'TLSv1.2')));
    assert.deepEqual(runner.settled.failed, 0, logs.join('\n'));
  });

  it('keeps the right ones across a close with a check under way, and across a restarted worker', async () => {
    runner.post({ kind: 'open', path: file, text: text('x', 'TLSv1') });
    const underWay = runner.validate(file);
    runner.post({ kind: 'close', path: file });
    await underWay;
    const reopened = await check(text('x', 'TLSv1'));
    assert.deepEqual(reopened.diagnostics, await expected(text('x', 'TLSv1')));
    await runner.dispose();
    const restarted = await check(text('x', 'TLSv1'));
    assert.equal(restarted.repeated, false, 'a new worker has sent nothing yet');
    assert.deepEqual(restarted.diagnostics, await expected(text('x', 'TLSv1')));
    assert.equal(runner.settled.failed, 0, logs.join('\n'));
  });
});
