/**
 * The families that declare directives whose arguments they never read
 * (RuleFamily.argumentsUnread) keep their findings across edits of those directives. The
 * declaration is only true while no code they run looks at those directives: no source file
 * they reach (their own module and every server module it imports, transitively) may name one,
 * as a string, as a suffix that code joins to a prefix, through a prefix that selects every name
 * it starts (unless the file only picks names with it), through a regular expression that
 * matches it, or through one of the model's shared lists of directives. The model may name them
 * where it says how a value is computed for whoever asks (SHARED_LISTS, tlsDefault).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { ARRAY_DIRECTIVES, BITMASK_DIRECTIVES, tlsDefault } from '../../server/src/model/effectiveConfig';
import { REPO_ROOT } from '../lsp/lspClient';

const SERVER_SRC = path.join(REPO_ROOT, 'server/src');
/**
 * The model's lists of how directives inherit or merge (ARRAY_DIRECTIVES, BITMASK_DIRECTIVES) and
 * the defaults of tlsDefault() tell how the value of a directive is computed for whoever asks
 * for it: effectiveConfig.ts may name those. A module that uses one of the lists itself (to find
 * every directive of it) names all of its members.
 */
const SHARED_LISTS: Record<string, ReadonlySet<string>> = { ARRAY_DIRECTIVES, BITMASK_DIRECTIVES };

function allowedIn(relative: string, name: string): boolean {
  // The files that declare the lists: these, and the statements families read across servers
  // (RuleFamily.serverLocalUnless, which nothing reads statements through).
  if (relative === 'analysis/unreadArguments.ts' || relative === 'analysis/crossServerNames.ts') return true;
  if (relative !== 'model/effectiveConfig.ts') return false;
  if (Object.values(SHARED_LISTS).some((list) => list.has(name))) return true;
  return ['1.22.1', '1.30.0'].some((version) => (['http', 'stream'] as const).some((family) => tlsDefault(name, version, family) !== undefined));
}

/** The members of the shared lists that `text` uses by name (outside effectiveConfig.ts, which declares them). */
function namedThroughLists(text: string, relative: string): Set<string> {
  const names = new Set<string>();
  if (relative === 'model/effectiveConfig.ts') return names;
  for (const [list, members] of Object.entries(SHARED_LISTS)) {
    if (new RegExp(`\\b${list}\\b`).test(text)) for (const name of members) names.add(name);
  }
  return names;
}

/**
 * Functions of the model that read settings of a request path on behalf of whoever calls them
 * (effectiveConfig.ts is exempt from naming them, as for tlsDefault): a module that calls one
 * names what it reads, joined to each module prefix. Checked against the function's source below.
 */
const MODEL_READERS: Record<string, { source: string; suffixes: readonly string[] }> = {
  clientIdentityKey: { source: 'computeClientIdentityKey', suffixes: ['certificate', 'certificate_key', 'verify', 'trusted_certificate', 'name'] },
};

/** The settings `text` reads through MODEL_READERS (outside effectiveConfig.ts). */
function namedThroughModelReaders(text: string, relative: string): Set<string> {
  const names = new Set<string>();
  if (relative === 'model/effectiveConfig.ts') return names;
  for (const [reader, { suffixes }] of Object.entries(MODEL_READERS)) {
    if (!new RegExp(`\\b${reader}\\(`).test(text)) continue;
    for (const prefix of MODULE_PREFIXES) for (const suffix of suffixes) names.add(`${prefix}ssl_${suffix}`);
  }
  return names;
}

/** Files whose regular expressions match header names, host names, variables or values, never directive names. */
const REGEXES_NOT_ABOUT_DIRECTIVES = new Set([
  'analysis/rules/identityHeaderRules.ts', 'analysis/rules/tlsRuleSupport.ts', 'analysis/rules/valueRules.ts', 'analysis/rules/upstreamPeers.ts',
]);

/**
 * Files that write a prefix such as `proxy_ssl_` and read no arguments through it, only names:
 * the suffixes joined to it, or the arguments read, are named and checked as such.
 */
const PREFIXES_READ_NO_ARGUMENTS: Record<string, string> = {
  'model/effectiveConfig.ts': 'PassPath joins its prefix to the suffixes its callers name (path.ssl(\'verify\'))',
  'analysis/tlsFileReferences.ts': 'file directives are looked up by the suffixes of its table',
  'analysis/rules/streamProxySslRules.ts': 'the prefix picks the names it lists in its message; the arguments it reads are named',
};

/** Prefixes a directive name may be built from in code (`${prefix}verify`, `${family}_certificate`). */
const TLS_PREFIXES = ['ssl_', 'proxy_ssl_', 'grpc_ssl_', 'uwsgi_ssl_'];
/** Module prefixes: `${module}_ssl_verify` (a bare `ssl_verify` string is the server's own directive). */
const MODULE_PREFIXES = ['proxy_', 'grpc_', 'uwsgi_'];

/**
 * How `text` names the directive `name`, if it does: the name as a string (or the end of a
 * template literal), a prefix of it as a string (`startsWith('proxy_ssl_')` reads them all), or
 * what follows a prefix as a string that code may join to the prefix: after a TLS prefix with
 * or without its `_`, after a module prefix with it.
 */
function namedBy(text: string, name: string, relative: string): string | undefined {
  const quoted = (word: string, underscore: '_?' | '_'): RegExp => new RegExp(`[}'"\`]${underscore}${word}['"\`$]`);
  if (quoted(name, '_?').test(text)) return 'the name';
  if (PREFIXES_READ_NO_ARGUMENTS[relative] === undefined) {
    for (const prefix of [...TLS_PREFIXES, ...MODULE_PREFIXES]) {
      if (name.startsWith(prefix) && new RegExp(`['"\`]${prefix}['"\`]`).test(text)) return `"${prefix}", which every ${prefix}* name starts with`;
    }
  }
  // A path's ssl('verify') joins the path's module prefix (proxy_ssl_, grpc_ssl_, uwsgi_ssl_),
  // never the server's ssl_.
  const withoutPathSuffixes = text.replace(/\.ssl\((['"`])[a-z_]+\1\)/g, '');
  for (const [prefixes, underscore] of [[TLS_PREFIXES, '_?'], [MODULE_PREFIXES, '_']] as const) {
    for (const prefix of prefixes) {
      const rest = name.startsWith(prefix) ? name.slice(prefix.length) : '';
      if (rest.length > 0 && quoted(rest, underscore).test(prefix === 'ssl_' ? withoutPathSuffixes : text)) return `"${rest}" after ${prefix}`;
    }
  }
  return undefined;
}

/**
 * The regular expression literals of a source text (those that stand where an expression starts).
 * One that also matches an empty or made-up name selects nothing (a whitespace pattern).
 */
function regexLiterals(text: string): RegExp[] {
  const found: RegExp[] = [];
  for (const m of text.matchAll(/(?:^|[=(,:!&|?;{[>]|\breturn)\s*\/((?:\\.|\[(?:\\.|[^\]\n])*\]|[^/\n*\\])(?:\\.|\[(?:\\.|[^\]\n])*\]|[^/\n\\])*)\/([dgimsuy]*)/gm)) {
    try {
      found.push(new RegExp(m[1], m[2].replace(/[gy]/g, '')));
    } catch {
      // Not a regular expression after all (a division): nothing to test.
    }
  }
  return found;
}

/** The server modules `file` imports, transitively (relative imports only). */
function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'/gms)) {
    const target = path.resolve(path.dirname(file), m[1]);
    for (const candidate of [`${target}.ts`, path.join(target, 'index.ts')]) {
      if (fs.existsSync(candidate)) reachable(candidate, seen);
    }
  }
  return seen;
}

/** The module that defines a family (its file exports the family object by its name). */
function moduleOf(familyName: string): string {
  const dir = path.join(SERVER_SRC, 'analysis/rules');
  const found = fs.readdirSync(dir).find((f) => fs.readFileSync(path.join(dir, f), 'utf8').includes(`name: '${familyName}',`));
  assert.ok(found, `no module defines the family ${familyName}`);
  return path.join(dir, found);
}

describe('directives whose arguments a family never reads', () => {
  it('are named by no source file the declaring families reach', () => {
    const declaring = RULE_FAMILIES.filter((f) => f.argumentsUnread);
    assert.ok(declaring.length > 0);
    const problems: string[] = [];
    let modules = 0;
    for (const family of declaring) {
      const files = reachable(moduleOf(family.name));
      modules = Math.max(modules, files.size);
      for (const file of files) {
        const relative = path.relative(SERVER_SRC, file);
        const text = fs.readFileSync(file, 'utf8');
        const patterns = regexLiterals(text);
        const throughLists = namedThroughLists(text, relative);
        const throughModel = namedThroughModelReaders(text, relative);
        for (const name of family.argumentsUnread ?? []) {
          const how = namedBy(text, name, relative)
            ?? (throughLists.has(name) ? 'a shared list of directives' : undefined)
            ?? (throughModel.has(name) ? 'a model function that reads it for its caller' : undefined)
            ?? (REGEXES_NOT_ABOUT_DIRECTIVES.has(relative) ? undefined : patterns.find((re) => re.test(name) && !re.test('') && !re.test('zz_zz'))?.toString());
          if (!how) continue;
          if (allowedIn(relative, name)) continue;
          problems.push(`${family.name} reaches ${relative}, which names ${name} (${how})`);
        }
      }
    }
    assert.ok(modules > 10, `the import graph was followed (${modules} modules at most)`);
    assert.deepEqual([...new Set(problems)], []);
  });
  it('knows every setting the model reads for its callers', () => {
    const source = fs.readFileSync(path.join(SERVER_SRC, 'model/effectiveConfig.ts'), 'utf8');
    for (const [reader, { source: fn, suffixes }] of Object.entries(MODEL_READERS)) {
      assert.match(source, new RegExp(`export function ${reader}\\b[^]*?${fn}\\(`), `${reader} computes with ${fn}`);
      const body = new RegExp(`function ${fn}\\([^]*?\\n}\\n`).exec(source)?.[0] ?? '';
      const read = [...body.matchAll(/\.ssl\((['"`])([a-z_]+)\1\)/g)].map((m) => m[2]);
      assert.deepEqual([...new Set(read)].sort(), [...suffixes].sort(), `the settings ${fn} reads`);
    }
    assert.ok(namedThroughModelReaders('const key = clientIdentityKey(path);', 'analysis/rules/x.ts').has('grpc_ssl_verify'));
    assert.equal(namedThroughModelReaders('const key = clientIdentityKey(path);', 'model/effectiveConfig.ts').size, 0);
  });
  it('finds a name written in each of the ways the check knows, and none in other text', () => {
    const finds = (text: string, name: string): boolean => namedBy(text, name, 'analysis/rules/x.ts') !== undefined
      || namedThroughLists(text, 'analysis/rules/x.ts').has(name)
      || regexLiterals(text).some((re) => re.test(name) && !re.test('') && !re.test('zz_zz'));
    assert.ok(finds("const depth = scope.get('ssl_verify_depth');", 'ssl_verify_depth'), 'the name');
    assert.ok(finds("const depth = path.ssl('verify_depth');", 'proxy_ssl_verify_depth'), 'a suffix joined to a prefix');
    assert.ok(finds('const name = `${family}_verify_depth`;', 'grpc_ssl_verify_depth'), 'a template literal');
    assert.ok(finds('const name = `${module}_ssl_ciphers`;', 'uwsgi_ssl_ciphers'), 'a template literal after a module');
    assert.ok(finds("nodes.filter((n) => n.directive.name.startsWith('proxy_ssl_'))", 'proxy_ssl_protocols'), 'a prefix');
    assert.ok(finds('const CIPHERS = /^(ssl|proxy_ssl)_ciphers$/;', 'proxy_ssl_ciphers'), 'a regular expression');
    assert.ok(finds('if (BITMASK_DIRECTIVES.has(name)) weak(node);', 'grpc_ssl_protocols'), 'a shared list');
    assert.ok(finds("const ca = path.ssl('trusted_certificate');", 'grpc_ssl_trusted_certificate'), 'a path setting');
    assert.equal(finds("const ca = path.ssl('trusted_certificate');", 'ssl_trusted_certificate'), false, 'a path setting is not the server\'s');
    assert.ok(finds("const ca = path.ssl('x'); const name = 'trusted_certificate';", 'ssl_trusted_certificate'), 'a suffix beside a path setting');
    const unrelated = "const header = /^x-forwarded-[a-z-]+$/i; const space = /^[ \\t]*/; scope.get('ssl_certificate'); path.ssl('certificate');";
    for (const name of ['ssl_protocols', 'proxy_ssl_ciphers', 'ssl_verify_depth', 'gzip']) assert.equal(finds(unrelated, name), false, name);
  });
});
