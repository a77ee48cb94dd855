/**
 * Property tests over random bytes, token soup, mutated corpus configs and include graphs, with a fixed
 * seed and a small budget so `npm test` stays fast. `npm run fuzz` runs the same properties
 * longer with a random seed (scripts/fuzz.mjs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { INPUTS, runProperty } from './properties';

const SEED = 20250601;

function describeError(error: unknown): string {
  return error instanceof Error ? error.stack ?? error.message : String(error);
}
const RUNS: Record<string, number> = { 'random bytes': 40, 'token soup': 100, 'corpus mutations': 60, 'include graphs': 60 };

describe('fuzz: every feature on hostile text', () => {
  for (const name of Object.keys(INPUTS)) {
    it(`${name}: no throw, ranges in the document, formatting keeps tokens, fixes add no syntax errors`, async () => {
      const details = await runProperty(name, { seed: SEED, numRuns: RUNS[name] });
      assert.ok(!details.failed, `${fc.defaultReportMessage(details) ?? 'property failed'}\n${describeError(details.errorInstance)}`);
      assert.ok(details.numRuns >= Math.min(RUNS[name], 10), `only ${details.numRuns} inputs ran before the time limit`);
    });
  }
});
