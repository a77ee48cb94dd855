#!/usr/bin/env node
/**
 * Writes server/src/directives/data/mimeTypes.json from conf/mime.types of nginx's source
 * (the `types {}` map nginx ships), for completion of `types {}` bodies and `default_type`.
 *
 * Usage: node scripts/directive-data/generate-mime-types.mjs [--repo=GITDIR] [--out=FILE]
 * Reads a bare git mirror of nginx/nginx (default /work/.mirror/nginx+nginx/repo) at HEAD.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const opt = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const gitDir = opt('repo') ?? '/work/.mirror/nginx+nginx/repo';
const out = opt('out') ?? 'server/src/directives/data/mimeTypes.json';
const git = (argv) => {
  const r = spawnSync('git', ['--git-dir', gitDir, ...argv]);
  if (r.status !== 0) throw new Error(`git ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout.toString('utf8').trim();
};

const text = git(['show', 'HEAD:conf/mime.types']);
const types = {};
for (const line of text.split('\n')) {
  const m = /^\s*([\w.+-]+\/[\w.+-]+)\s+([^;]+);/.exec(line);
  if (m) types[m[1]] = [...(types[m[1]] ?? []), ...m[2].trim().split(/\s+/)];
}
const source = { repository: 'nginx/nginx', file: 'conf/mime.types', commit: git(['rev-parse', 'HEAD']), generator: 'scripts/directive-data/generate-mime-types.mjs' };
const body = Object.entries(types).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
writeFileSync(out, `{\n  "source": ${JSON.stringify(source)},\n  "types": {\n${body}\n  }\n}\n`);
console.log(`${Object.keys(types).length} MIME types -> ${out}`);
