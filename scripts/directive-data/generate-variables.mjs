#!/usr/bin/env node
/**
 * Generates server/src/directives/data/variables.json: the names of nginx's built-in
 * variables, the modules that define them, and their nginx.org anchors.
 *
 * Input: the npm package @nginx/reference-lib (Apache-2.0), read at generation time only;
 * its prose descriptions are not copied (hover texts are written in our own words in
 * descriptions.json). Nothing is downloaded.
 *
 * Usage: node scripts/directive-data/generate-variables.mjs [--out=FILE]
 * Output is deterministic for the same package version.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const outArg = process.argv.slice(2).find((a) => a.startsWith('--out='));
const outFile = resolve(outArg ? outArg.slice('--out='.length) : join(repoRoot, 'server/src/directives/data/variables.json'));

const require = createRequire(import.meta.url);
const packageJsonPath = require.resolve('@nginx/reference-lib/package.json', { paths: [repoRoot] });
const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
const reference = await import(join(dirname(packageJsonPath), packageJson.main));

/** nginx.org page of a module: http and stream modules live in their own folders. */
function moduleUrl(module) {
  if (module.startsWith('ngx_http_')) return `https://nginx.org/en/docs/http/${module}.html`;
  if (module.startsWith('ngx_stream_')) return `https://nginx.org/en/docs/stream/${module}.html`;
  if (module.startsWith('ngx_mail_')) return `https://nginx.org/en/docs/mail/${module}.html`;
  return `https://nginx.org/en/docs/${module}.html`;
}

const variables = {};
for (const v of reference.getVariables()) {
  // Names such as `$http_NAME` stand for a family: `$http_` followed by any header name.
  const placeholder = /_NAME$/.test(v.name);
  const name = placeholder ? v.name.slice(0, -'NAME'.length) : v.name;
  const entry = (variables[name] ??= { modules: [] });
  if (placeholder) entry.prefix = true;
  const anchorName = v.name.slice(1).replace(/_NAME$/, '_');
  if (!entry.modules.some((m) => m.module === v.module)) {
    entry.modules.push({ module: v.module, url: `${moduleUrl(v.module)}#var_${anchorName}` });
  }
}
for (const entry of Object.values(variables)) entry.modules.sort((a, b) => a.module.localeCompare(b.module));
const sorted = Object.fromEntries(Object.entries(variables).sort(([a], [b]) => a.localeCompare(b)));

const output = {
  source: {
    package: '@nginx/reference-lib',
    version: packageJson.version,
    license: packageJson.license,
    note: 'Variable names and modules only; descriptions are our own (descriptions.json).',
  },
  variables: sorted,
};
// One variable per line: compact, and diffs stay readable when the package is updated.
const lines = Object.entries(sorted).map(([name, entry]) => `  ${JSON.stringify(name)}: ${JSON.stringify(entry)}`);
writeFileSync(outFile, `{\n "source": ${JSON.stringify(output.source)},\n "variables": {\n${lines.join(',\n')}\n }\n}\n`);
console.error(`wrote ${Object.keys(sorted).length} variables to ${outFile}`);
