// Long fuzz run: the properties of test/fuzz/properties.ts (the same ones `npm test` runs
// with a fixed seed) with a large budget and a random seed, printed so a failure can be
// replayed. Run `npm run fuzz` (it builds first) or `node scripts/fuzz.mjs` after a build.
//
//   FUZZ_RUNS=5000          inputs per input family (random bytes, token soup, corpus mutations)
//   FUZZ_SEED=123           replay a run (default: random)
//   FUZZ_MINUTES=10         stop each family after this long (default: no limit)
//   FUZZ_FAMILIES="token soup,random bytes"   run only these families
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fc = require('fast-check');
const properties = require('../out/test/fuzz/properties.js');

const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const minutes = Number(process.env.FUZZ_MINUTES ?? 0);
const families = process.env.FUZZ_FAMILIES ? process.env.FUZZ_FAMILIES.split(',').map((s) => s.trim()) : Object.keys(properties.INPUTS);

console.log(`fuzz: seed ${seed}, up to ${runs} inputs per family${minutes ? `, at most ${minutes} min each` : ''} (replay with FUZZ_SEED=${seed})`);
let failed = false;
const started = Date.now();
for (const name of families) {
  if (!properties.INPUTS[name]) {
    console.error(`unknown input family "${name}"; known: ${Object.keys(properties.INPUTS).join(', ')}`);
    process.exit(2);
  }
  const before = { ...properties.stats };
  const t0 = Date.now();
  const details = await properties.runProperty(name, { seed, numRuns: runs }, minutes ? minutes * 60_000 : 0x7fffffff);
  const s = properties.stats;
  console.log(`${name}: ${details.numRuns} inputs in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${s.bytes - before.bytes} chars, `
    + `${s.findings - before.findings} findings, ${s.fixesApplied - before.fixesApplied} fixes applied, ${s.hovers - before.hovers} hovers, `
    + `${s.completions - before.completions} completion items${details.interrupted ? ' (time limit reached)' : ''}`);
  if (details.failed) {
    failed = true;
    console.log(fc.defaultReportMessage(details));
    const error = details.errorInstance;
    console.log(error instanceof Error ? error.stack : String(error));
  }
}
console.log(`fuzz: ${properties.stats.inputs} inputs in ${((Date.now() - started) / 1000).toFixed(0)} s, seed ${seed}: ${failed ? 'FAILED' : 'no invariant broken'}`);
process.exit(failed ? 1 : 0);
