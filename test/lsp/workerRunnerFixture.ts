/** A WorkerRunner on the built worker bundle, for the tests of one describe block, ended after them. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { WorkerRunner } from '../../server/src/node/validationRunner';
import { decodeDiagnostics } from '../../server/src/service/encodedDiagnostics';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { REPO_ROOT } from '../analysis/rules/mtlsRuleHelpers';

export const WORKER_JS = path.join(REPO_ROOT, 'dist/validationWorker.js');

/** The `skip` option of a describe block that needs the bundle. */
export const NEEDS_WORKER_BUNDLE = existsSync(WORKER_JS) ? false : 'the bundle is not built (npm run build)';

/** Call inside the describe block: a temporary folder, the runner and what it logs; both end after the block. */
export function workerRunnerFixture(prefix: string): { dir: string; runner: WorkerRunner; logs: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const logs: string[] = [];
  const runner = new WorkerRunner(WORKER_JS, (message) => logs.push(message));
  // The runner unrefs its worker (the server's connection keeps the process alive): here an interval does.
  const keepAlive = setInterval(() => undefined, 60_000);
  after(async () => {
    clearInterval(keepAlive);
    await runner.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, runner, logs };
}

/** What a language service of its own finds in `content` as `file` (in the folder `dir`): what the worker must send. */
export async function freshDiagnostics(dir: string, file: string, content: string): Promise<unknown> {
  const service = new NginxLanguageService();
  service.setWorkspaceFolders([dir]);
  service.openDocument(file, content);
  return decodeDiagnostics((await service.validateEncoded(file)).diagnostics);
}

/** Sends `content` as the text of `file` and returns the diagnostics of the check the runner asks for next. */
export async function openAndValidate(runner: WorkerRunner, logs: readonly string[], file: string, content: string): Promise<unknown> {
  runner.post({ kind: 'open', path: file, text: content });
  const outcome = await runner.validate(file);
  assert.ok(outcome, logs.join('\n'));
  return decodeDiagnostics(outcome.diagnostics);
}
