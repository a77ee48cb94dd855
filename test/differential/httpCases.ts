/**
 * Runs http-block cases through the real `nginx -t` and through our checker: nginx -t must
 * exit as each case records, and `judge` says what is wrong with our findings (or nothing).
 * Used by the differential tests that pin one mechanism (certificate slots, when files are
 * loaded) to nginx's behaviour.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { checkMain, makeTempDir, makeWorkspace, nginxAvailable, removeDir, runNginxTest, startIsolation, stopIsolation, withoutPem, writeHttpCase, type LineFinding } from './nginxHarness';
import { generateTranscriptPki, opensslAvailable } from './opensslPki';

export interface HttpCase {
  id: string;
  /** The http block's body; P/ stands for the PKI directory. */
  body: string;
  /** A stream block's body, when the case has one. */
  stream?: string;
  /** nginx -t's exit status, as measured. */
  rc: 0 | 1;
}

export async function runHttpCases<C extends HttpCase>(
  t: TestContext,
  tag: string,
  /** The cases, or a function making them once the PKI directory exists (to add files to it or read them). */
  cases: readonly C[] | ((pki: string) => readonly C[]),
  judge: (c: C, findings: LineFinding[], prefix: string, nginxStderr: string) => string | undefined,
): Promise<void> {
  if (!nginxAvailable() || !opensslAvailable()) {
    t.skip('nginx or openssl is not installed');
    return;
  }
  const root = makeTempDir(tag);
  await startIsolation();
  try {
    const pki = generateTranscriptPki(path.join(root, 'pki'));
    const problems: string[] = [];
    for (const c of typeof cases === 'function' ? cases(pki) : cases) {
      const { prefix, conf } = writeHttpCase(root, c.id, c.body, pki, c.stream);
      const run = await runNginxTest(prefix, conf, false);
      if (run.status !== c.rc) {
        problems.push(`${c.id}: nginx -t exited ${run.status}, recorded ${c.rc}: ${withoutPem(run.stderr).trim()}`);
        continue;
      }
      const problem = judge(c, await checkMain(makeWorkspace('1.22.1'), conf), prefix, run.stderr);
      if (problem) problems.push(`${c.id}: ${problem}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    stopIsolation();
    removeDir(root);
  }
}
