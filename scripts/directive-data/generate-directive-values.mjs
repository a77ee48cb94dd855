#!/usr/bin/env node
/**
 * Writes server/src/directives/data/directiveValues.json: the keyword values nginx itself
 * accepts for directives whose handler is ngx_conf_set_enum_slot (one value) or
 * ngx_conf_set_bitmask_slot (one or more values), read from the `ngx_conf_enum_t` and
 * `ngx_conf_bitmask_t` tables their `ngx_command_t` entries point to (`post` field).
 *
 * Also error_log's levels, which ngx_log_set_levels() reads from arrays of its own (argument 1).
 *
 * Reads a bare git mirror of nginx/nginx (default /work/.mirror/nginx+nginx/repo, override
 * with --repo=GITDIR) at every release tag from 1.22.0 on and at HEAD. A value first seen in
 * a later release gets `since`; a value no longer at HEAD gets `removedIn`.
 *
 * Usage: node scripts/directive-data/generate-directive-values.mjs [--repo=GITDIR] [--out=FILE]
 * Only uses Node built-ins and git. Deterministic for the same mirror.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const opt = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const gitDir = opt('repo') ?? '/work/.mirror/nginx+nginx/repo';
const out = opt('out') ?? 'server/src/directives/data/directiveValues.json';

function git(argv) {
  const r = spawnSync('git', ['--git-dir', gitDir, ...argv], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

const versionOf = (tag) => tag.replace(/^release-/, '');
const cmp = (a, b) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};
const tags = git(['tag', '--list', 'release-*']).split('\n').filter(Boolean)
  .filter((t) => /^release-\d+\.\d+\.\d+$/.test(t) && cmp(versionOf(t), '1.22.0') >= 0)
  .sort((a, b) => cmp(versionOf(a), versionOf(b)));
const headVersion = /NGINX_VERSION\s+"([^"]+)"/.exec(git(['show', 'HEAD:src/core/nginx.h']))[1];
const revisions = [...tags.map((t) => ({ rev: t, version: versionOf(t) })), { rev: 'HEAD', version: headVersion }];

const MODULE_TYPES = { core: 'CORE', event: 'EVENT', http: 'HTTP', stream: 'STREAM', mail: 'MAIL' };

/** Drops `#if 0` blocks; other conditional blocks are kept (as the directive table does). */
function withoutDisabled(source) {
  return source.replace(/^#if 0\b[\s\S]*?^#endif/gm, '');
}

/** { directive: { moduleType: { kind, values[] } } } of one revision. */
function scan(rev) {
  // Only files that declare such a table (git grep is fast; reading every file is not).
  const grep = spawnSync('git', ['--git-dir', gitDir, 'grep', '-l', '-E', 'ngx_conf_(enum|bitmask)_t', rev, '--', 'src'], { maxBuffer: 1 << 30 });
  const files = grep.stdout.toString('utf8').split('\n').filter(Boolean).map((f) => f.slice(rev.length + 1)).filter((f) => f.endsWith('.c'));
  const result = {};
  for (const file of files) {
    const moduleType = MODULE_TYPES[file.split('/')[1]];
    if (!moduleType) continue;
    const source = withoutDisabled(git(['show', `${rev}:${file}`]));
    if (!/ngx_conf_(enum|bitmask)_t/.test(source)) continue;
    const tables = new Map();
    for (const m of source.matchAll(/static\s+ngx_conf_(enum|bitmask)_t\s+(\w+)\[\]\s*=\s*\{([\s\S]*?)\n\};/g)) {
      tables.set(m[2], { kind: m[1], values: [...m[3].matchAll(/ngx_string\("([^"]+)"\)/g)].map((v) => v[1]) });
    }
    const command = /\{\s*ngx_string\("(\w+)"\),\s*([\w|\s]+?),\s*ngx_conf_set_(enum|bitmask)_slot,\s*\w+,\s*(?:offsetof\([^)]*\)|\w+),\s*&(\w+)\s*\}/g;
    for (const m of source.matchAll(command)) {
      const table = tables.get(m[4]);
      if (!table) continue;
      const flags = m[2].split('|').map((f) => f.trim());
      const type = flags.some((f) => f.startsWith('NGX_STREAM_')) ? 'STREAM'
        : flags.some((f) => f.startsWith('NGX_MAIL_')) ? 'MAIL'
        : flags.some((f) => f.startsWith('NGX_HTTP_')) ? 'HTTP' : moduleType;
      (result[m[1]] ??= {})[type] = { kind: table.kind, values: table.values, source: file };
    }
  }
  // error_log's level is parsed by ngx_log_set_levels() in src/core/ngx_log.c from its
  // err_levels[] and debug_levels[] arrays, not by a slot handler: the level is argument 1.
  const log = git(['show', `${rev}:src/core/ngx_log.c`]);
  const levels = /err_levels\[\]\s*=\s*\{([\s\S]*?)\};/.exec(log);
  const debug = /debug_levels\[\]\s*=\s*\{([\s\S]*?)\};/.exec(log);
  if (levels) {
    const values = [...levels[1].matchAll(/ngx_string\("([^"]+)"\)/g)].map((v) => v[1])
      .concat(debug ? [...debug[1].matchAll(/"([^"]+)"/g)].map((v) => v[1]) : []);
    result.error_log = Object.fromEntries(['CORE', 'HTTP', 'STREAM', 'MAIL'].map((type) => [type, { kind: 'enum', argument: 1, values, source: 'src/core/ngx_log.c' }]));
  }
  return result;
}

const merged = {};
for (const { rev, version } of revisions) {
  const seen = scan(rev);
  for (const [name, byType] of Object.entries(seen)) {
    for (const [type, { kind, values, source, argument }] of Object.entries(byType)) {
      const entry = ((merged[name] ??= {})[type] ??= { kind, source, values: [] });
      entry.kind = kind;
      if (argument) entry.argument = argument;
      entry.source = source;
      for (const value of values) {
        const known = entry.values.find((v) => v.value === value);
        if (known) delete known.removedIn;
        else entry.values.push(rev === revisions[0].rev ? { value } : { value, since: version });
      }
      for (const known of entry.values) if (!values.includes(known.value) && !known.removedIn) known.removedIn = version;
    }
  }
  // A directive or module type absent from this revision: its values are gone too.
  for (const [name, byType] of Object.entries(merged)) {
    for (const [type, entry] of Object.entries(byType)) {
      if (!seen[name]?.[type]) for (const v of entry.values) v.removedIn ??= version;
    }
  }
}

const sorted = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
const data = {
  source: { repository: 'nginx/nginx', scanned: `${revisions[0].rev} .. HEAD (${headVersion}, ${git(['rev-parse', 'HEAD']).trim()})`, generator: 'scripts/directive-data/generate-directive-values.mjs' },
  directives: sorted,
};
let text = '{\n  "source": ' + JSON.stringify(data.source) + ',\n  "directives": {\n';
text += Object.entries(sorted).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
text += '\n  }\n}\n';
writeFileSync(out, text);
console.log(`${Object.keys(sorted).length} directives with enum/bitmask values -> ${out}`);
