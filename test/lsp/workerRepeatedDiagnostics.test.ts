/**
 * The validation worker does not send a file's diagnostics again when they are byte for byte
 * those it sent last for that file (WorkerReply.sameDiagnostics): the runner hands out the
 * ones it kept. Typing in a comment leaves them unchanged; typing a directive changes them.
 * The kept diagnostics must always be the worker's last: across a close with a check under
 * way, and across a restarted worker.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { WorkerRunner } from '../../server/src/node/validationRunner';
import { decodeDiagnostics } from '../../server/src/service/encodedDiagnostics';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { REPO_ROOT } from '../analysis/rules/mtlsRuleHelpers';

const WORKER_JS = path.join(REPO_ROOT, 'dist/validationWorker.js');

describe('diagnostics the worker does not send twice', { skip: existsSync(WORKER_JS) ? false : 'the bundle is not built (npm run build)' }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-repeat-'));
  const logs: string[] = [];
  const runner = new WorkerRunner(WORKER_JS, (message) => logs.push(message));
  // The runner unrefs its worker (the server's connection keeps the process alive): here an interval does.
  const keepAlive = setInterval(() => undefined, 60_000);
  after(async () => {
    clearInterval(keepAlive);
    await runner.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = path.join(dir, 'nginx.conf');
  const text = (comment: string, protocols: string): string => `events {}\nhttp {\n    # ${comment}\n    ssl_protocols ${protocols};\n    server { listen 443 ssl; ssl_certificate missing.crt; ssl_certificate_key missing.key; }\n}\n`;
  writeFileSync(file, text('a', 'TLSv1'));

  /** What a language service of its own finds in `content`, as the worker would send it. */
  async function expected(content: string): Promise<unknown> {
    const service = new NginxLanguageService();
    service.setWorkspaceFolders([dir]);
    service.openDocument(file, content);
    return decodeDiagnostics((await service.validateEncoded(file)).diagnostics);
  }

  async function check(content: string): Promise<{ diagnostics: unknown; repeated: boolean }> {
    const before = runner.repeatedDiagnostics;
    runner.post({ kind: 'open', path: file, text: content });
    const outcome = await runner.validate(file);
    assert.ok(outcome, logs.join('\n'));
    return { diagnostics: decodeDiagnostics(outcome.diagnostics), repeated: runner.repeatedDiagnostics > before };
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
