/**
 * Out-of-date validations are abandoned: analyze() stops at the next check point once its
 * flag is set, and the worker runner drops a request as soon as a newer one for the same
 * file, or one of a later generation, arrives. The assertions count rule-family runs and how
 * requests ended in the worker, never time.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyze, AnalysisCancelled } from '../../server/src/analysis/analyzer';
import type { RuleContext, RuleFamily } from '../../server/src/analysis/ruleContext';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';
import { NEEDS_WORKER_BUNDLE, workerRunnerFixture } from './workerRunnerFixture';

describe('abandoning out-of-date validations', () => {
  it('analyze() runs no rule family after its cancellation flag is set', async () => {
    const ran: string[] = [];
    const cancellation = { cancelled: false };
    const family = (name: string): RuleFamily => ({
      name,
      rules: [{ code: `test.${name}`, category: 'include', severity: 'warning', title: name, nginxRefuses: false }],
      run: () => {
        ran.push(name);
        // A newer edit arrives while the first family runs.
        cancellation.cancelled = true;
        return [];
      },
    });
    const fs = new MemoryFileSystem({ '/c/nginx.conf': 'events {}\n' });
    const workspace = new WorkspaceAnalysis({ fs });
    const tree = await workspace.buildTree('/c/nginx.conf');
    const parsed = (await workspace.getParsed('/c/nginx.conf'))!;
    const context = { tree, files: [parsed], settings: (workspace as unknown as { settings: RuleContext['settings'] }).settings } as unknown as RuleContext;
    await assert.rejects(analyze(context, [family('one'), family('two'), family('three')], cancellation), AnalysisCancelled);
    assert.deepEqual(ran, ['one']);
  });

  describe('the worker runner (dist/validationWorker.js)', { skip: NEEDS_WORKER_BUNDLE }, () => {
    const { dir, runner, logs } = workerRunnerFixture('nginx-mtls-cancel-');

    const big = path.join(dir, 'big.conf');
    const small = path.join(dir, 'small.conf');
    // Large enough that the worker gives its event loop many turns (one per rule family) before it could finish.
    const bigText = 'events {}\nhttp {\n    server {\n        listen 443 ssl;\n' + '        ssl_protocols TLSv1.2;\n'.repeat(20_000) + '    }\n}\n';
    writeFileSync(big, bigText);
    writeFileSync(small, 'events {}\nhttp {\n    ssl_protocols TLSv1;\n}\n');

    it('a request of a later generation cancels the running one; only the new one completes', async () => {
      runner.post({ kind: 'configure', raw: {} });
      runner.post({ kind: 'folders', folders: [dir] });
      runner.post({ kind: 'open', path: big, text: bigText });
      const stale = runner.validate(big, 1);
      const fresh = runner.validate(small, 2);
      assert.equal(await stale, undefined, 'the superseded request gives no outcome');
      const outcome = await fresh;
      assert.ok(outcome && outcome.diagnostics.count > 0, JSON.stringify(outcome));
      assert.deepEqual(runner.settled, { completed: 1, cancelled: 1, failed: 0 }, logs.join('\n'));
    });

    it('a second request for the same file cancels the first, even in the same generation', async () => {
      const first = runner.validate(big, 3);
      const second = runner.validate(big, 3);
      assert.equal(await first, undefined);
      const outcome = await second;
      assert.ok(outcome, 'the newest request completes');
      assert.deepEqual(runner.settled, { completed: 2, cancelled: 2, failed: 0 }, logs.join('\n'));
    });

    it('requests of the same generation for different files all complete (false-positive guard)', async () => {
      const [a, b] = await Promise.all([runner.validate(small, 4), runner.validate(big, 4)]);
      assert.ok(a && b);
      assert.deepEqual(runner.settled, { completed: 4, cancelled: 2, failed: 0 }, logs.join('\n'));
    });
  });
});
