#!/usr/bin/env node
/**
 * Generates server/src/directives/data/directives.json (see server/src/directives/directiveTypes.ts).
 *
 * Inputs (nothing is downloaded by this script):
 *   - bare git mirrors of nginx and of the third-party modules Debian ships
 *     (default root: /work/.mirror, layout <root>/<owner>+<name>/repo; override the root with
 *     --mirror-root=DIR or NGINX_MIRROR_ROOT, a single repo with --repo=owner/name=GITDIR)
 *   - the npm package @nginx/reference-lib (default values, syntax lines, nginx.org URLs)
 *   - optionally a local Debian install of nginx-full (`nginx -V`, dpkg) for `debianFull`;
 *     without one, the `source.debian` block of the existing output file is reused.
 *
 * Usage: node scripts/directive-data/generate-directives.mjs [--mirror-root=DIR] [--out=FILE]
 *        [--repo=owner/name=GITDIR ...] [--no-debian-probe] [--quiet]
 *
 * Only uses Node built-ins, git, and @nginx/reference-lib. Output is deterministic for the same
 * mirrors, package version and Debian install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------
const args = process.argv.slice(2);
const opt = (name) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : undefined;
};
const flag = (name) => args.includes(`--${name}`);
const mirrorRoot = opt('mirror-root') ?? process.env.NGINX_MIRROR_ROOT ?? '/work/.mirror';
const outFile = resolve(opt('out') ?? join(repoRoot, 'server/src/directives/data/directives.json'));
const quiet = flag('quiet');
const repoOverrides = Object.fromEntries(
  args.filter((a) => a.startsWith('--repo=')).map((a) => {
    const v = a.slice('--repo='.length);
    const i = v.indexOf('=');
    return [v.slice(0, i), v.slice(i + 1)];
  }),
);
const log = (...m) => { if (!quiet) console.error(...m); };
const warnings = new Map(); // message -> labels it was reported for
let warnLabel = '';
const warn = (m) => {
  const k = m.replace(/^nginx \S+: /, 'nginx: ');
  if (!warnings.has(k)) warnings.set(k, []);
  warnings.get(k).push(warnLabel);
};

function gitDirFor(repo) {
  if (repoOverrides[repo]) return repoOverrides[repo];
  const d = join(mirrorRoot, repo.replace('/', '+'), 'repo');
  return d;
}

function git(gitDir, argv, input) {
  const r = spawnSync('git', ['--git-dir', gitDir, ...argv], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${argv.join(' ')} failed in ${gitDir}: ${r.stderr}`);
  return r.stdout;
}
const gitText = (gitDir, argv) => git(gitDir, argv).toString('utf8');

/** Reads many blobs with one `git cat-file --batch`; returns Map sha -> string. */
function readBlobs(gitDir, shas) {
  const out = new Map();
  const list = [...new Set(shas)];
  for (let i = 0; i < list.length; i += 1500) {
    const chunk = list.slice(i, i + 1500);
    const buf = git(gitDir, ['cat-file', '--batch'], chunk.join('\n') + '\n');
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(10, pos);
      const header = buf.slice(pos, nl).toString('latin1');
      const [sha, type, sizeStr] = header.split(' ');
      if (type === 'missing' || sizeStr === undefined) { pos = nl + 1; continue; }
      const size = Number(sizeStr);
      out.set(sha, buf.slice(nl + 1, nl + 1 + size).toString('latin1'));
      pos = nl + 1 + size + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// C parsing (just enough for ngx_command_t tables and ngx_module_t definitions)
// ---------------------------------------------------------------------------------------------

/** Removes comments (string/char literal aware) and `#if 0` regions; keeps other text. */
function cleanC(src) {
  let s = '';
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      s += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && src[i + 1] === '*') {
      const j = src.indexOf('*/', i + 2);
      const body = src.slice(i, j < 0 ? n : j + 2);
      s += body.replace(/[^\n]/g, ' ');
      i = j < 0 ? n : j + 2;
    } else if (c === '/' && src[i + 1] === '/') {
      const j = src.indexOf('\n', i);
      i = j < 0 ? n : j;
    } else {
      s += c;
      i++;
    }
  }
  // drop `#if 0` ... `#endif` (keeping its `#else` branch) and blank all preprocessor lines.
  // `all` keeps every other conditional branch; `primary` additionally blanks `#else`/`#elif`
  // branches (same length, so offsets agree) and is used to find where a command array ends,
  // because entries split across `#if`/`#else` would otherwise unbalance the braces.
  const lines = s.split('\n');
  const all = [];
  const primary = [];
  const stack = []; // { zero: bool, inElse: bool }
  const blank = (l) => l.replace(/[^\n]/g, ' ');
  for (const line of lines) {
    const m = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(line);
    if (m) {
      const [, d, rest] = m;
      if (d === 'if' || d === 'ifdef' || d === 'ifndef') {
        stack.push({ zero: d === 'if' && /^\s*0\s*$/.test(rest), inElse: false });
      } else if ((d === 'else' || d === 'elif') && stack.length) {
        const top = stack[stack.length - 1];
        if (top.zero) top.zero = false; else top.inElse = true;
      } else if (d === 'endif') {
        stack.pop();
      }
      all.push(blank(line)); primary.push(blank(line));
      continue;
    }
    if (stack.some((x) => x.zero)) { all.push(blank(line)); primary.push(blank(line)); continue; }
    const l = /^\s*#/.test(line) ? blank(line) : line;
    all.push(l);
    primary.push(stack.some((x) => x.inElse) ? blank(l) : l);
  }
  return { all: all.join('\n'), primary: primary.join('\n') };
}

function matchBrace(s, open) {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== c && s[j] !== '\n') j += s[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '{') depth++;
    else if (c === '}') { depth--; if (depth === 0) return i; }
  }
  return s.length;
}

const ENTRY_RE = /\{\s*ngx_string\s*\(\s*"([^"]+)"\s*\)\s*,\s*([^,{}]+?)\s*,/g;
const ARRAY_RE = /ngx_command_t\s+(\w+)\s*\[\s*\w*\s*\]\s*=\s*\{/g;
const MODULE_RE = /ngx_module_t\s+(\w+)\s*=\s*\{\s*(?:NGX_MODULE_V1|NGX_MODULE)\s*,\s*&?\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,/g;
const MODULE_TYPES = {
  NGX_CORE_MODULE: 'CORE', NGX_CONF_MODULE: 'CORE', NGX_EVENT_MODULE: 'EVENT',
  NGX_HTTP_MODULE: 'HTTP', NGX_STREAM_MODULE: 'STREAM', NGX_MAIL_MODULE: 'MAIL',
  NGX_IMAP_MODULE: 'MAIL', // nginx < 0.5.6 called the mail modules ngx_imap_*
};

/** Parses one C file: command arrays, orphan entries (outside any array), module definitions. */
function parseC(text, path) {
  const { all: s, primary } = cleanC(text);
  const arrays = [];
  const ranges = [];
  for (const m of s.matchAll(ARRAY_RE)) {
    const open = m.index + m[0].length - 1;
    const close = matchBrace(primary, open);
    ranges.push([open, close]);
    arrays.push({ name: m[1], entries: parseEntries(s.slice(open, close + 1), path) });
  }
  // entries outside a command array (e.g. ngx_devel_kit includes them from a header); only
  // those whose second field looks like command flags, to skip variable and header tables
  const orphans = [];
  for (const m of s.matchAll(ENTRY_RE)) {
    if (ranges.some(([a, b]) => m.index > a && m.index < b)) continue;
    const toks = m[2].split('|').map((f) => f.trim());
    if (!toks.every((f) => /^NGX_[A-Z0-9_]+$/.test(f)) || !toks.some((f) => /^NGX_\w*_CONF$|^NGX_CONF_/.test(f))) continue;
    orphans.push(entryFrom(m, path));
  }
  const modules = [];
  for (const m of s.matchAll(MODULE_RE)) {
    modules.push({ name: m[1], commands: m[3], type: m[4] });
  }
  return { arrays, orphans, modules };
}

function entryFrom(m, path) {
  const flags = m[2].split('|').map((f) => f.trim()).filter(Boolean);
  for (const f of flags) {
    if (!/^NGX_[A-Z0-9_]+$/.test(f)) warn(`${path}: ${m[1]}: unusual flag token ${JSON.stringify(f)}`);
  }
  return { name: m[1], flags };
}

function parseEntries(body, path) {
  return [...body.matchAll(ENTRY_RE)].map((m) => entryFrom(m, path));
}

/**
 * Combines parsed files into a directive list. `parsed`: array of { path, arrays, orphans, modules }.
 * Returns Map key "name\tmodule" -> { name, module, moduleType, flags }.
 */
function collect(parsed, label, defaultModule) {
  const byArray = new Map();
  for (const p of parsed) for (const mod of p.modules) {
    if (mod.commands !== 'NULL') byArray.set(mod.commands, mod);
  }
  const result = new Map();
  const add = (e, mod) => {
    const moduleType = MODULE_TYPES[mod.type];
    if (!moduleType) { warn(`${label}: ${mod.name}: unknown module type ${mod.type}`); return; }
    const key = `${e.name}\t${mod.name}`;
    const prev = result.get(key);
    if (prev) {
      const merged = [...prev.flags];
      for (const f of e.flags) if (!merged.includes(f)) merged.push(f);
      if (merged.length !== prev.flags.length) warn(`${label}: ${key.replace('\t', ' @ ')}: declared twice with different flags, merged`);
      prev.flags = merged;
      return;
    }
    result.set(key, { name: e.name, module: mod.name, moduleType, flags: [...e.flags] });
  };
  for (const p of parsed) {
    for (const arr of p.arrays) {
      const mod = p.modules.find((m) => m.commands === arr.name) ?? byArray.get(arr.name);
      if (!mod) {
        if (arr.entries.length) warn(`${label}: ${p.path}: command array ${arr.name} has no module`);
        continue;
      }
      for (const e of arr.entries) add(e, mod);
    }
    for (const e of p.orphans) {
      if (defaultModule) add(e, defaultModule);
      else warn(`${label}: ${p.path}: entry ${e.name} outside a command array`);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// nginx: every release tag + HEAD
// ---------------------------------------------------------------------------------------------
const cmpVer = (a, b) => {
  const pa = a.split('.').map(Number); const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
};

/**
 * Parses the command tables of every revision in `revs` ({ rev, version }); files are read once per
 * distinct blob. Returns [{ rev, version, directives: Map }].
 */
function scanRevisions(gitDir, label, revs, fileFilter, useDefaultModule) {
  const trees = new Map();
  const allShas = new Set();
  for (const r of revs) {
    const files = gitText(gitDir, ['ls-tree', '-r', r.rev]).split('\n').filter(Boolean)
      .map((l) => { const [meta, path] = l.split('\t'); const [, type, sha] = meta.split(' '); return { sha, type, path }; })
      .filter((f) => f.type === 'blob' && fileFilter(f.path));
    trees.set(r.rev, files);
    for (const f of files) allShas.add(f.sha);
  }
  const blobs = readBlobs(gitDir, [...allShas]);
  const parseCache = new Map();
  const versions = [];
  for (const r of revs) {
    warnLabel = r.rev;
    const parsed = [];
    for (const f of trees.get(r.rev)) {
      const text = blobs.get(f.sha);
      if (!text || (!text.includes('ngx_string') && !text.includes('ngx_module_t'))) continue;
      let p = parseCache.get(f.sha);
      if (!p) { p = parseC(text, f.path); parseCache.set(f.sha, p); }
      parsed.push({ path: f.path, ...p });
    }
    let defaultModule;
    if (useDefaultModule) {
      const mods = parsed.flatMap((p) => p.modules).filter((m) => m.commands !== 'NULL');
      if (mods.length === 1) defaultModule = mods[0];
    }
    versions.push({ ...r, directives: collect(parsed, `${label} ${r.rev}`, defaultModule) });
  }
  warnLabel = '';
  log(`${label}: ${revs.length} revisions, ${allShas.size} distinct source blobs`);
  return versions;
}

/**
 * Folds a version list into one record per (name, module): first/last index and the newest
 * declaration. A module rename (the pair disappears exactly where the same name appears under
 * another module of the same type) is followed, so `first` is the first appearance under any name.
 */
function history(versions) {
  const seen = new Map();
  versions.forEach((v, idx) => {
    for (const [key, d] of v.directives) {
      const s = seen.get(key);
      if (!s) seen.set(key, { key, first: idx, last: idx, entry: d });
      else { s.last = idx; s.entry = d; }
    }
  });
  const lastIdx = versions.length - 1;
  const renamedFrom = new Map();
  for (const s of seen.values()) {
    if (s.last === lastIdx) continue;
    for (const s2 of seen.values()) {
      if (s2 === s || s2.entry.name !== s.entry.name || s2.entry.moduleType !== s.entry.moduleType) continue;
      if (s2.first === s.last + 1) { renamedFrom.set(s2.key, s.key); s.renamedTo = s2.key; }
    }
  }
  for (const s of seen.values()) {
    let k = s.key; let first = s.first;
    const guard = new Set();
    while (renamedFrom.has(k) && !guard.has(k)) { guard.add(k); k = renamedFrom.get(k); first = Math.min(first, seen.get(k).first); }
    s.firstAny = first;
  }
  return [...seen.values()].filter((s) => !s.renamedTo);
}

function scanNginx() {
  const gitDir = gitDirFor('nginx/nginx');
  if (!existsSync(gitDir)) throw new Error(`nginx mirror not found at ${gitDir}`);
  const headSha = gitText(gitDir, ['rev-parse', 'HEAD']).trim();
  const headVersion = /NGINX_VERSION\s+"([^"]+)"/.exec(gitText(gitDir, ['show', 'HEAD:src/core/nginx.h']))[1];
  const tags = gitText(gitDir, ['tag', '--list', 'release-*']).split('\n').filter(Boolean)
    .filter((t) => /^release-\d+\.\d+\.\d+$/.test(t))
    .sort((a, b) => cmpVer(a.slice(8), b.slice(8)));
  if (!tags.length) warn('nginx mirror has no release-* tags: only HEAD was scanned');
  const revs = [...tags.map((t) => ({ rev: t, version: t.slice(8) })), { rev: 'HEAD', version: 'HEAD' }];
  const versions = scanRevisions(gitDir, 'nginx', revs, (p) => p.startsWith('src/') && p.endsWith('.c'), false);
  const tagShas = Object.fromEntries(tags.map((t) => [t, gitText(gitDir, ['rev-parse', `${t}^{commit}`]).trim()]));
  return { gitDir, headSha, headVersion, tags, tagShas, versions };
}

// ---------------------------------------------------------------------------------------------
// Third-party modules: every version tag of each mirror + HEAD
// ---------------------------------------------------------------------------------------------
// label: short name used in `removedIn` ("<label> <tag>"); debianTag: the upstream tag of the
// version Debian 12 ships (used for `debianFull` of modules that nginx-full pulls in).
const THIRD_PARTY = [
  { repo: 'openresty/lua-nginx-module', label: 'lua-nginx-module', debianPackage: 'libnginx-mod-http-lua', debianTag: 'v0.10.23' },
  { repo: 'openresty/stream-lua-nginx-module', label: 'stream-lua-nginx-module', debianPackage: null },
  { repo: 'openresty/lua-upstream-nginx-module', label: 'lua-upstream-nginx-module', debianPackage: null },
  { repo: 'openresty/headers-more-nginx-module', label: 'headers-more-nginx-module', debianPackage: 'libnginx-mod-http-headers-more-filter', debianTag: 'v0.34' },
  { repo: 'openresty/echo-nginx-module', label: 'echo-nginx-module', debianPackage: 'libnginx-mod-http-echo', debianTag: 'v0.63' },
  { repo: 'openresty/set-misc-nginx-module', label: 'set-misc-nginx-module', debianPackage: 'libnginx-mod-http-set-misc', debianTag: 'v0.33' },
  { repo: 'openresty/memc-nginx-module', label: 'memc-nginx-module', debianPackage: 'libnginx-mod-http-memc', debianTag: 'v0.19' },
  { repo: 'openresty/srcache-nginx-module', label: 'srcache-nginx-module', debianPackage: 'libnginx-mod-http-srcache-filter', debianTag: 'v0.33' },
  { repo: 'nginx/njs', label: 'njs', docsByFamily: true, debianPackage: 'libnginx-mod-http-js, libnginx-mod-stream-js', debianTag: '0.7.9' },
  { repo: 'vision5/ngx_devel_kit', label: 'ngx_devel_kit', debianPackage: 'libnginx-mod-http-ndk', debianTag: 'v0.3.2' },
  { repo: 'google/ngx_brotli', label: 'ngx_brotli', debianPackage: 'libnginx-mod-http-brotli-filter, libnginx-mod-http-brotli-static', debianTag: 'v1.0.0rc' },
  { repo: 'nginx-modules/ngx_cache_purge', label: 'ngx_cache_purge', debianPackage: 'libnginx-mod-http-cache-purge', debianTag: '2.3' },
  { repo: 'arut/nginx-dav-ext-module', label: 'nginx-dav-ext-module', debianPackage: 'libnginx-mod-http-dav-ext', debianTag: 'v3.0.0' },
  { repo: 'aperezdc/ngx-fancyindex', label: 'ngx-fancyindex', debianPackage: 'libnginx-mod-http-fancyindex', debianTag: 'v0.5.2' },
  { repo: 'leev/ngx_http_geoip2_module', label: 'ngx_http_geoip2_module', debianPackage: 'libnginx-mod-http-geoip2, libnginx-mod-stream-geoip2', debianTag: '3.4' },
  { repo: 'sto/ngx_http_auth_pam_module', label: 'ngx_http_auth_pam_module', debianPackage: 'libnginx-mod-http-auth-pam', debianTag: 'v1.5.3' },
  { repo: 'yaoweibin/ngx_http_substitutions_filter_module', label: 'ngx_http_substitutions_filter_module', debianPackage: 'libnginx-mod-http-subs-filter', debianTag: 'v0.6.4' },
  { repo: 'masterzen/nginx-upload-progress-module', label: 'nginx-upload-progress-module', debianPackage: 'libnginx-mod-http-uploadprogress', debianTag: 'v0.9.2' },
  { repo: 'gnosek/nginx-upstream-fair', label: 'nginx-upstream-fair', debianPackage: 'libnginx-mod-http-upstream-fair', debianTag: 'a18b4099fbd458111983200e098b6f0c8efed4bc' },
  { repo: 'slact/nchan', label: 'nchan', debianPackage: 'libnginx-mod-nchan', debianTag: 'v1.3.6' },
  { repo: 'owasp-modsecurity/ModSecurity-nginx', label: 'ModSecurity-nginx', debianPackage: 'libnginx-mod-http-modsecurity', debianTag: 'v1.0.3' },
];
const TP_EXCLUDE = /(^|\/)(t|test|tests|examples?|fuzz|external)\//;

function scanThirdParty(spec) {
  const gitDir = gitDirFor(spec.repo);
  if (!existsSync(gitDir)) { warn(`${spec.repo}: mirror not found at ${gitDir}, skipped`); return null; }
  const headSha = gitText(gitDir, ['rev-parse', 'HEAD']).trim();
  // version-like tags in creation order (their own numbering, rc tags included), then HEAD
  const tags = gitText(gitDir, ['for-each-ref', '--sort=creatordate', '--format=%(refname:short)', 'refs/tags']).split('\n')
    .filter((t) => /^v?\d+(\.\d+)*([-.]?rc\d*)?$/.test(t));
  const revs = [...tags.map((t) => ({ rev: t, version: t })), { rev: 'HEAD', version: 'HEAD' }];
  if (spec.debianTag && !tags.includes(spec.debianTag)) revs.splice(revs.length - 1, 0, { rev: spec.debianTag, version: spec.debianTag });
  const filter = (p) => /\.(c|h)$/.test(p) && !TP_EXCLUDE.test(p);
  const versions = scanRevisions(gitDir, spec.repo, revs, filter, true);
  const debianVersion = spec.debianTag ? versions.find((v) => v.rev === spec.debianTag) : undefined;
  const head = versions[versions.length - 1];
  return {
    headSha,
    tags,
    records: history(versions),
    versionNames: versions.map((v) => v.version),
    debianDirectives: debianVersion?.directives,
    modules: [...new Set([...head.directives.values()].map((d) => d.module))].sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// Documentation data (@nginx/reference-lib)
// ---------------------------------------------------------------------------------------------
async function loadDocs() {
  const lib = await import('@nginx/reference-lib');
  const entryUrl = import.meta.resolve('@nginx/reference-lib');
  const entryPath = fileURLToPath(entryUrl);
  const pkgPath = join(dirname(entryPath), '..', 'package.json');
  const version = JSON.parse(readFileSync(pkgPath, 'utf8')).version;
  // module name -> documentation page (the library keeps it as the module `id`)
  const text = readFileSync(entryPath, 'utf8');
  const pages = new Map();
  for (const m of text.matchAll(/id:\s*"([^"]+)",\s*name:\s*"([^"]+)"/g)) if (!pages.has(m[2])) pages.set(m[2], m[1]);
  const directives = lib.getDirectives(lib.Format.HTML);
  return { version, pages, directives };
}

const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };
function htmlToText(html) {
  return html.replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e) => {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      return ENTITIES[e.toLowerCase()] ?? all;
    })
    .replace(/\s+/g, ' ').trim();
}

function docFamily(module) {
  if (module.startsWith('ngx_http_')) return 'HTTP';
  if (module.startsWith('ngx_stream_')) return 'STREAM';
  if (module.startsWith('ngx_mail_')) return 'MAIL';
  return 'CORE';
}
const typeFamily = (t) => (t === 'EVENT' ? 'CORE' : t);

function docUrl(docs, d) {
  let page = docs.pages.get(d.module);
  if (!page) {
    const fam = docFamily(d.module);
    page = fam === 'CORE' ? '/en/docs/ngx_core_module.html' : `/en/docs/${fam.toLowerCase()}/${d.module}.html`;
  }
  return `https://nginx.org${page}#${d.name}`;
}

// ---------------------------------------------------------------------------------------------
// Debian nginx-full
// ---------------------------------------------------------------------------------------------
function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0) return null;
  return (r.stdout ?? '') + (r.stderr ?? '');
}

// counters and helpers whose names look like modules
const NOT_MODULES = /^ngx_(\w+_)?max_module$|^ngx_add_module$/;

function moduleNamesInBinary(file) {
  const s = readFileSync(file).toString('latin1');
  const names = new Set();
  for (const m of s.matchAll(/\0((?:ngx|ndk)_[a-z0-9_]+_module)(?=\0)/g)) names.add(m[1]);
  for (const n of names) if (NOT_MODULES.test(n)) names.delete(n);
  return names;
}

function probeDebian() {
  if (flag('no-debian-probe')) return null;
  const v = run('nginx', ['-V']);
  const full = run('dpkg-query', ['-W', '-f=${Version}\n${Depends}', 'nginx-full']);
  if (!v || !full) return null;
  const nginxVersion = /nginx version: nginx\/(\S+)/.exec(v)?.[1];
  const configureArguments = /configure arguments: (.*)/.exec(v)?.[1]?.trim();
  const [fullVersion, deps] = full.split('\n');
  // nginx-full's libnginx-mod-* closure (libnginx-mod-stream comes in via stream-geoip2)
  const pkgName = (d) => d.trim().split(/\s|\(/)[0];
  const queue = deps.split(',').map(pkgName).filter((p) => p.startsWith('libnginx-mod-'));
  const packages = new Set();
  while (queue.length) {
    const p = queue.shift();
    if (packages.has(p)) continue;
    packages.add(p);
    const dd = run('dpkg-query', ['-W', '-f=${Depends}', p]);
    if (dd) for (const q of dd.split(',').map(pkgName)) if (q.startsWith('libnginx-mod-')) queue.push(q);
  }
  const staticModules = moduleNamesInBinary('/usr/sbin/nginx');
  const dynamicModules = {};
  for (const p of [...packages].sort()) {
    const files = (run('dpkg', ['-L', p]) ?? '').split('\n').filter((f) => f.endsWith('.so'));
    const names = new Set();
    for (const f of files) {
      // modules a shared object defines (not the ones it imports); `strings`-like scan as fallback
      const nm = run('nm', ['-D', '--defined-only', f]);
      const defined = nm ? [...nm.matchAll(/ [BDR] ((?:ngx|ndk)_[a-z0-9_]+_module)$/gm)].map((m) => m[1]) : null;
      for (const n of defined ?? moduleNamesInBinary(f)) {
        if (!staticModules.has(n) && !NOT_MODULES.test(n)) names.add(n);
      }
    }
    const pv = run('dpkg-query', ['-W', '-f=${Version}', p])?.trim();
    dynamicModules[p] = { version: pv, files: files.sort(), modules: [...names].sort() };
  }
  return {
    package: `nginx-full ${fullVersion}`,
    nginxVersion,
    configureArguments,
    staticModules: [...staticModules].sort(),
    dynamicPackages: dynamicModules,
  };
}

// ---------------------------------------------------------------------------------------------
// Build the table
// ---------------------------------------------------------------------------------------------
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  }
  return v;
}
const TYPE_ORDER = ['CORE', 'EVENT', 'HTTP', 'STREAM', 'MAIL'];
const sameFlags = (a, b) => a.length === b.length && [...a].sort().join('|') === [...b].sort().join('|');

async function main() {
  const ng = scanNginx();
  const docs = await loadDocs();
  let debian = probeDebian();
  let debianProbed = true;
  if (!debian) {
    debianProbed = false;
    if (existsSync(outFile)) debian = JSON.parse(readFileSync(outFile, 'utf8')).source?.debian ?? null;
    log(debian ? 'debian: nginx-full not installed here, reusing source.debian of the existing output'
      : 'debian: no nginx-full install and no previous data: debianFull left unset');
  }

  const versionNames = ng.versions.map((v) => v.version);
  const realVersion = (vn) => (vn === 'HEAD' ? ng.headVersion : vn);
  const lastIdx = ng.versions.length - 1;

  const compareTags = ['1.22.1', '1.24.0', latestOf('1.26'), latestOf('1.28'), latestOf('1.30')].filter(Boolean);
  function latestOf(prefix) {
    return versionNames.filter((v) => v.startsWith(prefix + '.')).sort(cmpVer).pop();
  }
  const byVersion = new Map(ng.versions.map((v) => [v.version, v.directives]));

  const debVersion = debian?.nginxVersion;
  const debDirectives = debVersion ? byVersion.get(debVersion) : undefined;
  if (debVersion && !debDirectives) warn(`Debian nginx ${debVersion} is not a scanned tag; debianFull ignores versions`);
  const debModules = debian ? new Set([
    ...debian.staticModules,
    ...Object.values(debian.dynamicPackages).flatMap((p) => p.modules),
  ]) : null;

  /** all entries: { name, entry, docsByFamily } */
  const all = [];

  for (const s of history(ng.versions)) {
    const e = s.entry;
    const entry = { module: e.module, moduleType: e.moduleType, flags: e.flags };
    entry.since = realVersion(versionNames[s.firstAny]);
    if (s.last < lastIdx) entry.removedIn = realVersion(versionNames[s.last + 1]);
    const fbv = {};
    for (const t of compareTags) {
      const other = byVersion.get(t)?.get(s.key);
      if (other && !sameFlags(other.flags, e.flags)) fbv[t] = other.flags;
    }
    if (Object.keys(fbv).length) entry.flagsByVersion = fbv;
    if (debModules) entry.debianFull = debModules.has(e.module) && (!debDirectives || debDirectives.has(s.key));
    all.push({ name: e.name, entry, docsByFamily: true });
  }

  // third-party
  const tpSource = {};
  const nginxKeys = new Set(all.map((a) => `${a.name}\t${a.entry.module}`));
  for (const spec of THIRD_PARTY) {
    const r = scanThirdParty(spec);
    if (!r) continue;
    tpSource[spec.repo] = {
      commit: r.headSha, modules: r.modules, debianPackage: spec.debianPackage, debianTag: spec.debianTag ?? null,
      scannedTags: r.tags.length,
    };
    const tpLast = r.versionNames.length - 1;
    for (const s of r.records) {
      const e = s.entry;
      if (nginxKeys.has(s.key)) { warn(`${spec.repo}: ${e.name} @ ${e.module} is also an nginx directive, skipped`); continue; }
      const entry = { module: e.module, moduleType: e.moduleType, flags: e.flags, thirdParty: true };
      if (s.last < tpLast) entry.removedIn = `${spec.label} ${r.versionNames[s.last + 1]}`;
      if (debModules) entry.debianFull = debModules.has(e.module) && (!r.debianDirectives || r.debianDirectives.has(s.key));
      all.push({ name: e.name, entry, docsByFamily: !!spec.docsByFamily });
    }
  }

  // documentation: exact module match first, then the only candidate of the same family
  // (http/stream/mail/core) not taken by an exact match, then the only candidate overall
  const docsByName = new Map();
  for (const d of docs.directives) {
    if (!docsByName.has(d.name)) docsByName.set(d.name, []);
    docsByName.get(d.name).push(d);
  }
  const familyOf = (e) => (/^ngx_(http|stream|mail)_/.test(e.module)
    ? e.module.split('_')[1].toUpperCase() : typeFamily(e.moduleType));
  const usedDocs = new Set();
  const docFor = new Map();
  for (const a of all) {
    const d = (docsByName.get(a.name) ?? []).find((c) => c.module === a.entry.module);
    if (d) { docFor.set(a, d); usedDocs.add(d); }
  }
  for (const a of all) {
    if (docFor.has(a) || !a.docsByFamily) continue;
    const fam = (docsByName.get(a.name) ?? []).filter((c) => !usedDocs.has(c) && docFamily(c.module) === familyOf(a.entry));
    if (fam.length === 1) docFor.set(a, fam[0]);
  }
  for (const d of docFor.values()) usedDocs.add(d);
  for (const a of all) {
    if (docFor.has(a) || !a.docsByFamily) continue;
    const cands = (docsByName.get(a.name) ?? []).filter((c) => !usedDocs.has(c));
    const sameName = all.filter((x) => x.name === a.name);
    if (cands.length === 1 && sameName.length === 1) { docFor.set(a, cands[0]); usedDocs.add(cands[0]); }
  }

  const table = {};
  for (const a of all) {
    const d = docFor.get(a);
    if (d) {
      if (d.default) a.entry.default = d.default;
      const syn = d.syntax.map(htmlToText).map((x) => {
        let line = (x ? `${d.name} ${x}` : d.name).replace(/\{\s*\.\.\.\s*\}/g, '{ ... }');
        if (!line.endsWith('}')) line = d.isBlock ? `${line} { ... }` : `${line};`;
        return line;
      });
      if (syn.length) a.entry.syntax = syn;
      a.entry.url = docUrl(docs, d);
    }
    (table[a.name] ??= []).push(a.entry);
  }

  for (const name of Object.keys(table)) {
    table[name].sort((a, b) => (TYPE_ORDER.indexOf(a.moduleType) - TYPE_ORDER.indexOf(b.moduleType))
      || (a.thirdParty ? 1 : 0) - (b.thirdParty ? 1 : 0) || a.module.localeCompare(b.module));
  }

  const docsOnly = docs.directives.filter((d) => !usedDocs.has(d))
    .map((d) => `${d.name} (${d.module})`).sort();

  const source = {
    generator: 'scripts/directive-data/generate-directives.mjs',
    nginx: {
      repository: 'https://github.com/nginx/nginx',
      commit: ng.headSha,
      headVersion: ng.headVersion,
      comparedTags: Object.fromEntries(compareTags.map((t) => [`release-${t}`, ng.tagShas[`release-${t}`]])),
      scannedTags: ng.tags,
      notes: 'Every release-* tag and HEAD were parsed; `since` is the first scanned version declaring the (name, module) pair '
        + '(module renames followed), `removedIn` the first version after the last one declaring it; versions after the last '
        + 'tag use NGINX_VERSION of HEAD. `flagsByVersion` lists the compared tags whose flags differ from `flags`.',
    },
    thirdParty: Object.fromEntries(Object.entries(tpSource).map(([k, v]) => [`https://github.com/${k}`, v])),
    docs: {
      package: '@nginx/reference-lib',
      version: docs.version,
      license: 'Apache-2.0',
      fields: 'default, syntax (HTML stripped, name and ";"/"{ ... }" added), url; descriptions are not copied',
      docsOnlyDirectives: docsOnly,
    },
    debian: debian ?? null,
    debianFullRule: 'debianFull = module is built into Debian 12 nginx-full or one of its libnginx-mod-* dependencies, '
      + 'and (for nginx directives) the directive exists in that nginx version.',
  };
  const data = sortKeys({ source, directives: Object.fromEntries(Object.keys(table).sort().map((k) => [k, table[k]])) });

  // one directive per line keeps diffs readable and the file small
  const lines = ['{', `  "directives": {`];
  const names = Object.keys(data.directives);
  names.forEach((n, i) => {
    lines.push(`    ${JSON.stringify(n)}: ${JSON.stringify(data.directives[n])}${i < names.length - 1 ? ',' : ''}`);
  });
  lines.push('  },');
  lines.push(`  "source": ${JSON.stringify(data.source, null, 2).replace(/\n/g, '\n  ')}`);
  lines.push('}');
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, lines.join('\n') + '\n');

  // summary
  const counts = {};
  let entries = 0;
  for (const list of Object.values(table)) for (const e of list) {
    entries++;
    const k = `${e.moduleType}${e.thirdParty ? ' (third-party)' : ''}${e.removedIn ? ' (removed)' : ''}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  log(`wrote ${outFile}: ${names.length} names, ${entries} entries`);
  for (const k of Object.keys(counts).sort()) log(`  ${k.padEnd(28)} ${counts[k]}`);
  log(`  docs entries without a source match: ${docsOnly.length} (NGINX Plus / separately packaged modules)`);
  log('nginx directives per module type and version (name, module) pairs:');
  for (const v of [...compareTags, 'HEAD']) {
    const c = {};
    for (const d of byVersion.get(v).values()) c[d.moduleType] = (c[d.moduleType] ?? 0) + 1;
    log(`  ${(v === 'HEAD' ? `HEAD (${ng.headVersion})` : v).padEnd(16)} ${TYPE_ORDER.map((t) => `${t} ${c[t] ?? 0}`).join(', ')}`);
  }
  if (!debianProbed) log('  (debian data reused, not probed)');
  if (warnings.size) {
    log(`${warnings.size} distinct warnings:`);
    for (const [w, labels] of warnings) {
      const ls = labels.filter(Boolean);
      log(`  ${w}${ls.length ? ` [${ls[0]}${ls.length > 1 ? ` .. ${ls[ls.length - 1]}, ${ls.length}x` : ''}]` : ''}`);
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
