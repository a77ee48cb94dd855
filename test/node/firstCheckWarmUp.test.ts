/**
 * The first file is checked in the server's thread; the validation worker's warm-up starts only
 * later (FirstCheckInProcessRunner's schedule), so that loading a second engine does not compete
 * with the editor showing the first answer (issue #15). The schedule here is a manual one.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { FirstCheckInProcessRunner, InProcessRunner, type ValidationOutcome } from '../../server/src/node/validationRunner';
import { NginxLanguageService } from '../../server/src/service/languageService';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-warm-'));
const file = path.join(dir, 'nginx.conf');
fs.writeFileSync(file, 'events {}\nhttp {\n  server {\n    listen 443 ssl;\n    ssl_certificate missing.crt;\n    ssl_certificate_key missing.key;\n  }\n}\n');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A worker stand-in that records what the runner asked of it. */
class RecordingWorker {
  readonly calls: string[] = [];
  post(): void {}
  async validate(filePath: string): Promise<ValidationOutcome | undefined> {
    this.calls.push(`validate ${path.basename(filePath)}`);
    return { diagnostics: [], failures: [], watchPaths: [] } as unknown as ValidationOutcome;
  }
  async warmUp(filePath?: string): Promise<void> {
    this.calls.push(`warmUp ${filePath ? path.basename(filePath) : ''}`);
  }
  async dispose(): Promise<void> {
    this.calls.push('dispose');
  }
  async codeActions(): Promise<never[]> {
    this.calls.push('codeActions');
    return [];
  }
}

/** A schedule that runs nothing until the test says so. */
function manualSchedule(): { schedule: (start: () => void) => { cancel(): void }; fire(): void; cancelled: boolean; pending: number } {
  const waiting: (() => void)[] = [];
  const control = {
    cancelled: false,
    get pending() { return waiting.length; },
    schedule: (start: () => void) => {
      waiting.push(start);
      return { cancel: () => { control.cancelled = true; } };
    },
    fire: () => { for (const start of waiting.splice(0)) start(); },
  };
  return control;
}

function setup(): { runner: FirstCheckInProcessRunner; worker: RecordingWorker; clock: ReturnType<typeof manualSchedule> } {
  const service = new NginxLanguageService();
  service.setWorkspaceFolders([dir]);
  service.openDocument(file, fs.readFileSync(file, 'utf8'));
  const worker = new RecordingWorker();
  const clock = manualSchedule();
  return { runner: new FirstCheckInProcessRunner(new InProcessRunner(service, true, true), worker, undefined, clock.schedule), worker, clock };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('FirstCheckInProcessRunner: the worker warms up later', () => {
  it('checks the first file in this thread and leaves the worker alone until the scheduled start', async () => {
    const { runner, worker, clock } = setup();
    const first = await runner.validate(file, 1);
    assert.ok(first && first.diagnostics.count > 0, 'the first check ran here and found the missing files');
    await settle();
    assert.deepEqual(worker.calls, [], 'nothing was asked of the worker before the scheduled start');
    assert.equal(clock.pending, 1);
    // An edit before the start is still checked here.
    const second = await runner.validate(file, 2);
    assert.ok(second && second.diagnostics.count > 0);
    assert.deepEqual(worker.calls, []);
    clock.fire();
    await settle();
    assert.deepEqual(worker.calls, ['warmUp nginx.conf']);
    // Once warm, the worker checks the first file too.
    await runner.validate(file, 3);
    assert.deepEqual(worker.calls, ['warmUp nginx.conf', 'validate nginx.conf']);
    assert.equal(clock.pending, 0, 'scheduled once');
    await runner.dispose();
  });

  it('never starts the worker once disposed, even when the start comes afterwards', async () => {
    const { runner, worker, clock } = setup();
    await runner.validate(file, 1);
    await runner.dispose();
    assert.ok(clock.cancelled, 'the pending start was cancelled');
    clock.fire();
    await settle();
    assert.deepEqual(worker.calls, ['dispose']);
  });
});
