// Writes package.json's "version" into a TypeScript module before tsc and esbuild run, so the
// CLI's --version, the language server's --version and serverInfo, and the SARIF tool version
// all come from the one place a release changes. The output is not committed.
import { readFileSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  throw new Error(`package.json "version" is not a semantic version: ${JSON.stringify(version)}`);
}
const target = 'server/src/toolVersion.generated.ts';
const text = `// Generated from package.json by scripts/generate-version.mjs at build time; do not edit.\n`
  + `export const TOOL_VERSION: string = ${JSON.stringify(version)};\n`;
// Rewritten only when different, so tsc's incremental view of the file stays stable.
let previous = '';
try { previous = readFileSync(target, 'utf8'); } catch { /* first build */ }
if (previous !== text) writeFileSync(target, text);
