/**
 * The V8 tuning of server/src/node/compilerTuning.ts: a flag set at run time still changes what
 * TurboFan inlines, and the built bins (the CLI, the language server when it serves) set it
 * before they check anything, while a plain Node.js process keeps V8's default.
 *
 * How it is seen: a preloaded probe, when the process exits, turns on V8's inlining trace and has
 * a caller of a 293-byte function optimised. V8's default budget (920 bytes) inlines it; the
 * tuned one (200) does not. The trace is V8's own output on stdout.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { COMPILER_FLAGS } from '../../server/src/node/compilerTuning';
import { probeFixture } from './probeFixture';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const SERVER = path.join(REPO, 'dist/server.js');
const TUNING = path.join(REPO, 'out/server/src/node/compilerTuning.js');

const PROBE = `
const v8 = require('node:v8');
process.on('exit', () => {
  v8.setFlagsFromString('--allow-natives-syntax');
  v8.setFlagsFromString('--trace-turbo-inlining');
  new Function(\`
    function probeCallee(a) {
      let s = 0;
      for (let i = 0; i < a.length; i++) { const c = a.charCodeAt(i); if (c === 32) s += 1; else if (c === 9) s += 2; else if (c === 10) s += 3; else if (c === 13) s += 4; else if (c > 127) s += 5; else s += c & 7; }
      for (let i = 0; i < a.length; i++) { const c = a.charCodeAt(i); if (c === 33) s -= 1; else if (c === 34) s -= 2; else if (c === 35) s -= 3; else if (c === 36) s -= 4; else s ^= c; }
      for (let i = 0; i < a.length; i++) { const c = a.charCodeAt(i); if (c === 37) s *= 3; else if (c === 38) s >>= 1; else s = (s + c) | 0; }
      return s;
    }
    function probeCaller(x) { return probeCallee(x) + 1; }
    %PrepareFunctionForOptimization(probeCaller);
    %PrepareFunctionForOptimization(probeCallee);
    probeCaller('ab c');
    probeCaller('x y');
    %OptimizeFunctionOnNextCall(probeCaller);
    probeCaller('z');
  \`)();
});
`;

const { probe, config } = probeFixture(PROBE);

/** Whether V8 inlined the probe's function in a process started with `args` (after the probe is preloaded). */
function inlinedIn(args: string[]): boolean {
  const run = spawnSync(process.execPath, ['--require', probe, ...args], { input: '', encoding: 'utf8' });
  assert.equal(run.error, undefined);
  assert.match(run.stdout, /Considering .*probeCallee/, `the probe ran and V8 traced it; stderr: ${run.stderr}`);
  return /Inlining .*probeCallee.* into .*probeCaller/.test(run.stdout);
}

describe('compiler tuning', () => {
  it('keeps V8\'s default in a plain process, so the probe can tell', () => {
    assert.equal(inlinedIn(['-e', '0']), true);
  });

  it('changes what V8 inlines when set at run time', () => {
    assert.deepEqual(COMPILER_FLAGS, ['--max-inlined-bytecode-size-cumulative=200']);
    assert.equal(inlinedIn(['-e', `require(${JSON.stringify(TUNING)}).applyCompilerTuning()`]), false);
  });

  it('is applied by the CLI before it checks', () => {
    assert.equal(inlinedIn([CLI, 'check', config]), false);
  });

  it('is applied by the language server when it serves, not when it only prints its version', () => {
    assert.equal(inlinedIn([SERVER, '--version']), true);
    // Its input closed at once, the server stops.
    assert.equal(inlinedIn([SERVER, '--stdio']), false);
  });
});
