/**
 * The command line's entry point (dist/cli.js): V8 is tuned before anything else is loaded.
 * Loading the rest (the rule families, the directive tables) allocates enough for V8 to double
 * its young generation, and a space once grown stays resident: capped after the imports, the
 * check of the benchmark tree peaked at 138 MB; capped first, at 132 MB, in the same time
 * (ten cold runs interleaved, issue #15). The old generation's growth is limited too, which
 * evens out where the last full collection falls. See node/heapTuning.ts and node/compilerTuning.ts.
 */
import { applyCompilerTuning } from '../node/compilerTuning';
import { capYoungGeneration, limitOldGenerationGrowth } from '../node/heapTuning';

applyCompilerTuning();
capYoungGeneration();
limitOldGenerationGrowth();
// Required, not imported, so that it loads only now (imports are evaluated before this module's body).
(require('./main') as typeof import('./main')).main();
