// Embeds docs/rules.md into the CLI as a TypeScript module, so `nginx-mtls explain <code>`
// works from the bundled dist/cli.js (and from out/ in the tests) without the docs folder
// being shipped or found at run time. Runs before tsc; the output is not committed.
import { readFileSync, writeFileSync } from 'node:fs';

const markdown = readFileSync('docs/rules.md', 'utf8');
const target = 'server/src/cli/rulesMarkdown.generated.ts';
const text = `// Generated from docs/rules.md by scripts/generate-rule-docs.mjs at build time; do not edit.\n`
  + `export const RULES_MARKDOWN: string = ${JSON.stringify(markdown)};\n`;
// Rewritten only when different, so tsc's incremental view of the file stays stable.
let previous = '';
try { previous = readFileSync(target, 'utf8'); } catch { /* first build */ }
if (previous !== text) writeFileSync(target, text);
