/**
 * The young-generation cap of server/src/node/heapTuning.ts: a process that applied it keeps V8's
 * young generation at a few megabytes where a plain process grows it to tens; a size given on
 * the command line or in NODE_OPTIONS is left alone; the built bins apply it (the CLI always, the
 * language server when it serves).
 *
 * How it is seen: a preloaded probe, when the process exits, allocates 300,000 small objects it
 * keeps (so that nearly everything survives V8's young collections, which is when V8 grows the
 * space) and writes the young generation's size (V8's `new_space`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { OLD_GENERATION_FLAGS, oldGenerationGrowthGiven, YOUNG_GENERATION_FLAGS, youngGenerationSizeGiven } from '../../server/src/node/heapTuning';
import { probeFixture } from './probeFixture';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const SERVER = path.join(REPO, 'dist/server.js');
const TUNING = path.join(REPO, 'out/server/src/node/heapTuning.js');
const MiB = 1024 * 1024;

const PROBE = `
const v8 = require('node:v8');
process.on('exit', () => {
  const kept = [];
  for (let i = 0; i < 300000; i++) kept.push({ i, s: 'x' + i });
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  process.stderr.write('young generation: ' + young.space_size + ' (' + kept.length + ' kept)\\n');
});
`;

const { probe, config } = probeFixture(PROBE);

/** The young generation's size at the exit of `node [nodeFlags] --require probe args` (NODE_OPTIONS as given). */
function youngGenerationAtExit(args: string[], nodeFlags: string[] = [], nodeOptions = ''): number {
  const env = { ...process.env, NODE_OPTIONS: nodeOptions };
  const run = spawnSync(process.execPath, [...nodeFlags, '--require', probe, ...args], { input: '', encoding: 'utf8', env });
  assert.equal(run.error, undefined);
  const size = /young generation: (\d+) \(300000 kept\)/.exec(run.stderr);
  assert.ok(size, `the probe reported; stderr: ${run.stderr}`);
  return Number(size[1]);
}

const capping = ['-e', `require(${JSON.stringify(TUNING)}).capYoungGeneration()`];

describe('young-generation cap', () => {
  it('lets a plain process grow its young generation, so the probe can tell', () => {
    assert.ok(youngGenerationAtExit(['-e', '0']) >= 16 * MiB);
  });

  it('keeps the young generation small when applied at run time', () => {
    assert.deepEqual(YOUNG_GENERATION_FLAGS, ['--semi-space-growth-factor=1']);
    assert.ok(youngGenerationAtExit(capping) <= 4 * MiB);
  });

  it('leaves a size given on the command line or in NODE_OPTIONS alone', () => {
    assert.ok(youngGenerationAtExit(capping, ['--max-semi-space-size=8']) >= 8 * MiB);
    assert.ok(youngGenerationAtExit(capping, [], '--max-semi-space-size=8') >= 8 * MiB);
  });

  it('tells which options size the young generation', () => {
    assert.equal(youngGenerationSizeGiven([], ''), false);
    assert.equal(youngGenerationSizeGiven(['--max-semi-space-size=2'], ''), true);
    assert.equal(youngGenerationSizeGiven(['--max_semi_space_size', '2'], ''), true);
    assert.equal(youngGenerationSizeGiven([], '--enable-source-maps --min-semi-space-size=4'), true);
    assert.equal(youngGenerationSizeGiven([], '--semi-space-growth-factor=2'), true);
    assert.equal(youngGenerationSizeGiven(['--max-old-space-size=4096', '--max-semi-space-sizes'], '--stack-size=2000'), false);
  });

  it('is applied by the CLI before it loads the rest: the young generation keeps its start-up size', () => {
    // Loading the engine grows the space when it is applied only afterwards (see cli/bin.ts):
    // the CLI's stays the size of a process that applies the cap and loads nothing.
    const cli = youngGenerationAtExit([CLI, 'check', config]);
    assert.ok(cli <= 4 * MiB);
    assert.ok(cli <= youngGenerationAtExit(capping), `${cli} bytes`);
  });

  it('is applied by the language server when it serves, not when it only prints its version', () => {
    assert.ok(youngGenerationAtExit([SERVER, '--version']) >= 16 * MiB);
    // Its input closed at once, the server stops.
    assert.ok(youngGenerationAtExit([SERVER, '--stdio']) <= 4 * MiB);
  });
});

/**
 * A probe for the old generation's growth: once the process has nothing left to do, it keeps
 * 2.4 million small objects made a step at a time and counts V8's full collections meanwhile.
 * The more the old generation may grow past what a collection kept, the fewer there are.
 */
const GROWTH_PROBE = `
const { PerformanceObserver, constants } = require('node:perf_hooks');
let majors = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.detail && e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
}).observe({ entryTypes: ['gc'] });
let done = false;
process.on('beforeExit', async () => {
  if (done) return;
  done = true;
  const kept = [];
  await new Promise((resolve) => setTimeout(resolve, 20));
  majors = 0;
  for (let step = 0; step < 120; step++) {
    for (let i = 0; i < 20000; i++) kept.push({ i, s: 'x' + i });
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.stderr.write('full collections: ' + majors + ' (' + kept.length + ' kept)\\n');
});
`;

const growth = probeFixture(GROWTH_PROBE);

/** How many full collections the growth probe saw in `node [nodeFlags] --require probe args`. */
function fullCollections(args: string[], nodeFlags: string[] = []): number {
  const run = spawnSync(process.execPath, [...nodeFlags, '--require', growth.probe, ...args], { input: '', encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  assert.equal(run.error, undefined);
  const count = /full collections: (\d+) \(2400000 kept\)/.exec(run.stderr);
  assert.ok(count, `the probe reported; stderr: ${run.stderr}`);
  return Number(count[1]);
}

describe('old-generation growth limit', () => {
  it('makes V8 collect more often as the heap grows, in the CLI', () => {
    assert.deepEqual(OLD_GENERATION_FLAGS, ['--heap-growing-percent=50']);
    const plain = fullCollections(['-e', '0']);
    assert.ok(fullCollections([CLI, 'check', growth.config]) >= plain + 2, `plain process: ${plain} full collections`);
  });

  it('leaves a growing percent given on the command line or in NODE_OPTIONS alone', () => {
    assert.equal(oldGenerationGrowthGiven([], ''), false);
    assert.equal(oldGenerationGrowthGiven(['--heap-growing-percent=300'], ''), true);
    assert.equal(oldGenerationGrowthGiven([], '--trace-gc --heap_growing_percent=20'), true);
    assert.equal(oldGenerationGrowthGiven(['--max-old-space-size=512', '--heap-growing-percentage'], '--trace-gc'), false);
    // Given one, the CLI keeps it: V8's own factor with a large percent, fewer collections.
    assert.ok(fullCollections([CLI, 'check', growth.config], ['--heap-growing-percent=300']) < fullCollections([CLI, 'check', growth.config]));
  });
});
