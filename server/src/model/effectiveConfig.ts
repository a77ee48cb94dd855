/**
 * Effective directive values after nginx's configuration inheritance.
 *
 * nginx merges each level into the next (http → server → location → nested location →
 * `if`/`limit_except`; stream → server): a directive written at a level replaces the
 * inherited one, and array-like directives (`proxy_set_header`, `add_header`,
 * `ssl_certificate`…) are inherited only when the level has none of them at all
 * (`ngx_conf_merge_ptr_value`, e.g. ngx_http_proxy_merge_loc_conf). Included statements
 * are already spliced into `children`, so a level is simply a block's children.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header
 */
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import { atLeast } from '../directives/versions';
import type { ConfigNode, ConfigTree } from './configTree';
import { includeOf } from './configTree';
import { StringMemo } from './stringMemo';
import type { Word } from '../parser/syntaxTree';
import { depthFirstNodes, isBuiltTree, nodesNamed } from './treeIndexes';

/** One level of inheritance: a block (or the top of a snippet checked on its own). */
export interface Level {
  /** The block directive (`http`, `server`, `location`, `if`…); undefined for a snippet's top. */
  node?: ConfigNode;
  /** The context of the statements of this level. */
  context: ContextKind;
  /** The block's current statements (see levelOf: updated when the block gets new ones). */
  statements: readonly ConfigNode[];
}

export type Family = 'http' | 'stream';

export interface EffectiveValue {
  readonly name: string;
  /** The statements that set the value, all at one level; empty when the default applies. Shared: never change it. */
  readonly nodes: readonly ConfigNode[];
  /** The level that set it; undefined for a default. */
  readonly level?: Level;
  /**
   * Arguments of the first statement (of every statement, without repeats, for a directive whose
   * values add up: BITMASK_DIRECTIVES), or the default split into words. Shared: never change it.
   */
  readonly args: readonly string[];
  readonly isDefault: boolean;
}

/**
 * A value some level sets. Its name is its statements', and its arguments are read from them
 * when first asked: of the 26,000 values the benchmark tree's scopes and paths keep, a third
 * are never asked for their arguments, and a field for the name and one for isDefault held
 * another 0.4 MB (issue #15).
 */
class SetValue implements EffectiveValue {
  private words: readonly string[] | undefined;

  constructor(readonly nodes: readonly ConfigNode[], readonly level: Level) {}

  get name(): string {
    return this.nodes[0].directive.name;
  }

  get isDefault(): boolean {
    return false;
  }

  get args(): readonly string[] {
    return (this.words ??= BITMASK_DIRECTIVES.has(this.name)
      ? [...new Set(this.nodes.flatMap((n) => n.directive.args.map((a) => a.value)))]
      : this.nodes[0].directive.args.map((a) => a.value));
  }
}

/** Contexts that take part in inheritance, per family. */
const INHERITING: Record<Family, ReadonlySet<ContextKind>> = {
  http: new Set<ContextKind>(['http', 'server', 'location', 'if-in-server', 'if-in-location', 'limit_except']),
  stream: new Set<ContextKind>(['stream', 'stream-server']),
};

/** Directives whose values form an array that a level replaces wholesale. */
export const ARRAY_DIRECTIVES: ReadonlySet<string> = new Set([
  'proxy_set_header', 'grpc_set_header', 'add_header', 'add_trailer', 'proxy_hide_header', 'proxy_pass_header',
  'grpc_hide_header', 'grpc_pass_header', 'fastcgi_param', 'uwsgi_param', 'scgi_param', 'fastcgi_hide_header',
  'uwsgi_hide_header', 'scgi_hide_header', 'ssl_certificate', 'ssl_certificate_key', 'ssl_conf_command',
  'proxy_ssl_conf_command', 'grpc_ssl_conf_command', 'uwsgi_ssl_conf_command', 'ssl_session_ticket_key',
  'error_page', 'access_log', 'ssl_alpn', 'proxy_ssl_alpn',
]);

/** Bitmask directives: repeated lines at one level OR-combine (ngx_conf_set_bitmask_slot). */
export const BITMASK_DIRECTIVES: ReadonlySet<string> = new Set([
  'ssl_protocols', 'proxy_ssl_protocols', 'grpc_ssl_protocols', 'uwsgi_ssl_protocols',
]);

const PROTOCOL_DIRECTIVES = BITMASK_DIRECTIVES;

/**
 * Defaults nginx applies in its merge functions, where they matter for TLS and differ by
 * version or module (the directive data's `default` is the documented, newest value).
 */
export function tlsDefault(name: string, version: string, family: Family): string | undefined {
  if (PROTOCOL_DIRECTIVES.has(name)) {
    // NGX_SSL_DEFAULT_PROTOCOLS changed in 1.23.4 and 1.27.3 (ngx_event_openssl.h).
    if (!atLeast(version, '1.23.4')) return 'TLSv1 TLSv1.1 TLSv1.2';
    if (!atLeast(version, '1.27.3')) return 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3';
    return 'TLSv1.2 TLSv1.3';
  }
  switch (name) {
    case 'ssl_ciphers': return 'HIGH:!aNULL:!MD5';
    case 'proxy_ssl_ciphers': case 'grpc_ssl_ciphers': case 'uwsgi_ssl_ciphers': return 'DEFAULT';
    case 'proxy_ssl': return family === 'stream' ? 'off' : undefined;
    case 'ssl': return atLeast(version, '1.25.1') ? undefined : 'off';
    case 'ssl_verify_client': return 'off';
    case 'ssl_verify_depth': case 'proxy_ssl_verify_depth': case 'grpc_ssl_verify_depth': case 'uwsgi_ssl_verify_depth': return '1';
    case 'proxy_ssl_verify': case 'grpc_ssl_verify': case 'uwsgi_ssl_verify': return 'off';
    case 'proxy_ssl_server_name': case 'grpc_ssl_server_name': case 'uwsgi_ssl_server_name': return 'off';
    case 'proxy_ssl_session_reuse': case 'grpc_ssl_session_reuse': case 'uwsgi_ssl_session_reuse': return 'on';
    case 'ssl_ocsp': case 'ssl_stapling': case 'ssl_reject_handshake': return 'off';
    default: return undefined;
  }
}

export interface EffectiveOptions {
  version: string;
  table?: DirectiveTable;
  /**
   * True when no analysis after an edit will take over the scopes and paths this one makes
   * (the command line checks once): they are then kept for the rest of the analysis without
   * the settings tokens that let a later one reuse them (see reused()).
   */
  oneShot?: boolean;
}

/** The family (http or stream) a node belongs to, from its own or its ancestors' contexts. */
export function familyOf(node: ConfigNode, tree?: ConfigTree): Family {
  for (let n: ConfigNode | undefined = node; n; n = n.parent) {
    if (n.context === 'stream' || n.context === 'stream-server' || n.context === 'stream-upstream') return 'stream';
    if (n.directive.name === 'stream' && n.context === 'main') return 'stream';
  }
  if (tree && (tree.rootContext === 'stream' || tree.rootContext === 'stream-server')) return 'stream';
  return 'http';
}

/** The block whose configuration applies at `node`: the node itself for blocks, else its parent. */
function blockOf(node: ConfigNode): ConfigNode | undefined {
  return node.directive.block ? node : node.parent;
}

/**
 * The inheritance chain of the block at `node`, outermost first (http or stream level,
 * server, locations…, the block itself). Blocks outside inheritance (upstream, map) end it.
 */
export function levelsFor(node: ConfigNode, tree: ConfigTree): Level[] {
  // Innermost first into a working list, copied outermost first at the end: the copy has room
  // for its levels only (a list grown by unshift or push keeps room for more, 0.7 MB over the
  // benchmark tree's paths and scopes, #15).
  const levels = innermostFirst;
  levels.length = 0;
  const start = blockOf(node);
  const family = familyOf(node, tree);
  const inheriting = INHERITING[family];
  let reachedTop = true;
  for (let n = start; n; n = n.parent) {
    const context = n.children[0]?.context ?? childContextGuess(n);
    if (!inheriting.has(context)) {
      reachedTop = false;
      break;
    }
    levels.push(levelOf(n, context));
    if (context === 'http' || context === 'stream') {
      reachedTop = false;
      break;
    }
  }
  // A snippet checked on its own: its top-level statements form the outermost level.
  if (reachedTop && inheriting.has(tree.rootContext)) {
    levels.push({ context: tree.rootContext, statements: tree.nodes });
  }
  const outermostFirst = levels.slice().reverse();
  levels.length = 0;
  return outermostFirst;
}

const innermostFirst: Level[] = [];

/**
 * One Level object per block, shared by every analysis while the block exists, with
 * `statements` following the block's current children. Effective values cached with a
 * path or server scope (see reused()) keep pointing at the same Level objects, so rules
 * may compare levels by identity.
 */
const levelObjects = new WeakMap<ConfigNode, Level>();

function levelOf(node: ConfigNode, context: ContextKind): Level {
  let level = levelObjects.get(node);
  if (!level) {
    level = { node, context, statements: node.children };
    levelObjects.set(node, level);
  } else if (level.statements !== node.children) {
    level.statements = node.children;
    level.context = context;
  }
  return level;
}

/**
 * What a level passes on: its statements that are not blocks. The token stays the same
 * object while those statements do, even when the level's array is new (a site file
 * rebuilt in place gives \`http\` new children, but its settings are the same).
 */
const settingsTokens = new WeakMap<Level, { statements: readonly ConfigNode[]; token: object }>();

function settingsToken(level: Level): object {
  const known = settingsTokens.get(level);
  if (known && known.statements === level.statements) return known.token;
  let token: object = {};
  if (known !== undefined) {
    const names = changedSettings(known.statements, level.statements);
    if (names.size === 0) token = known.token;
    else tokenChanges.set(known.token, { next: token, names });
  }
  settingsTokens.set(level, { statements: level.statements, token });
  return token;
}

/**
 * What changed from one settings token of a level to the next: the names of the directives
 * whose statements there differ. A scope or path made with the older token stays when it read
 * none of them (see reused()): a keystroke in one setting at the http level of nginx.conf
 * leaves the other 2,000 servers' effective values as they were (issue #15).
 */
const tokenChanges = new WeakMap<object, { next: object; names: ReadonlySet<string> }>();

/**
 * The names of the statements that differ between two statement arrays of one level: those of
 * the part between the longest common start and end (in order, by identity). Empty when they
 * hold the same statements in the same order. Blocks count too: own() finds a block among a
 * level's statements of its name (`proxy_set_header a b { … }`, which nginx refuses, is read as
 * a header line), and a block's name is no setting anyone reads otherwise.
 */
function changedSettings(left: readonly ConfigNode[], right: readonly ConfigNode[]): Set<string> {
  let start = 0;
  while (start < left.length && start < right.length && left[start] === right[start]) start++;
  let leftEnd = left.length;
  let rightEnd = right.length;
  while (leftEnd > start && rightEnd > start && left[leftEnd - 1] === right[rightEnd - 1]) {
    leftEnd--;
    rightEnd--;
  }
  const names = new Set<string>();
  for (let i = start; i < leftEnd; i++) names.add(left[i].directive.name);
  for (let i = start; i < rightEnd; i++) names.add(right[i].directive.name);
  return names;
}

/**
 * The names that changed at `levels` since `tokens` were their settings tokens; undefined when
 * that is no longer known (a token older than the changes recorded), or when the innermost
 * level changed: a scope's own statements (its listens, its server names) and a path's own
 * block are read directly, not only through effective values.
 */
function changesSince(levels: readonly Level[], tokens: readonly object[]): Set<string> | undefined {
  const names = new Set<string>();
  const innermost = levels.length - 1;
  if (innermost < 0 || settingsToken(levels[innermost]) !== tokens[innermost]) return undefined;
  for (let i = 0; i < innermost; i++) {
    const changed = namesBetween(tokens[i], settingsToken(levels[i]));
    if (!changed) return undefined;
    for (const name of changed) names.add(name);
  }
  return names;
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** The names of the settings that changed from one settings token of a level to a later one; undefined when that is no longer known. */
function namesBetween(from: object, to: object): ReadonlySet<string> | undefined {
  const first = tokenChanges.get(from);
  if (!first) return from === to ? new Set() : undefined;
  if (first.next === to) return first.names;
  const names = new Set<string>();
  for (let token = from; token !== to;) {
    const change = tokenChanges.get(token);
    if (!change) return undefined;
    for (const name of change.names) names.add(name);
    token = change.next;
  }
  return names;
}

/**
 * Server scopes and request paths kept from one analysis to the next, per block or pass
 * statement: reused while every level of the chain passes on the same settings, with the
 * same options. Their cached effective values are then still right.
 */
interface Reusable<T> {
  options: EffectiveOptions;
  tokens: object[];
  value: T;
}

function sameOptions(a: EffectiveOptions, b: EffectiveOptions): boolean {
  return a.version === b.version && a.table === b.table;
}

function sameTokens(levels: readonly Level[], tokens: readonly object[]): boolean {
  if (levels.length !== tokens.length) return false;
  for (let i = 0; i < levels.length; i++) if (settingsToken(levels[i]) !== tokens[i]) return false;
  return true;
}

/**
 * The cached value for `key` when its chain still passes on the same settings with the same
 * options (and `stillValid` agrees), or passes on settings that differ only in directives the
 * value never read; else a new one from `create`, cached unless a level of the chain is a
 * snippet's top level (no block: rebuilt every time).
 */
function reused<T extends EffectiveLookup>(cache: WeakMap<ConfigNode, Reusable<T>>, key: ConfigNode, options: EffectiveOptions, levels: readonly Level[], stillValid: (value: T) => boolean, create: () => T): T {
  if (options.oneShot) return keptForOneAnalysis(cache, key, stillValid, create);
  const known = cache.get(key);
  if (known && sameOptions(known.options, options) && stillValid(known.value)) {
    if (sameTokens(levels, known.tokens)) return known.value;
    // The same chain of blocks (the tokens are those of the value's levels).
    const changed = sameLevels(known.value.levels, levels) ? changesSince(levels, known.tokens) : undefined;
    if (changed && !known.value.readAny(changed)) {
      known.tokens = levels.map(settingsToken);
      return known.value;
    }
  }
  const value = create();
  if (levels.every((level) => level.node !== undefined)) cache.set(key, { options, tokens: levels.map(settingsToken), value });
  return value;
}

/**
 * reused() for an analysis no other follows: the value made for `key` is kept by itself, with
 * no record of its options and settings tokens (which, with the tokens of every level, held
 * 1.5 MB over the benchmark tree's 6,000 scopes and paths, issue #15). The record's own cache
 * stands beside it: an editor's analyses never see these values.
 */
const oneShotCaches = new WeakMap<object, WeakMap<ConfigNode, EffectiveLookup>>();

function keptForOneAnalysis<T extends EffectiveLookup>(cache: object, key: ConfigNode, stillValid: (value: T) => boolean, create: () => T): T {
  let kept = oneShotCaches.get(cache);
  if (!kept) oneShotCaches.set(cache, kept = new WeakMap());
  const known = kept.get(key) as T | undefined;
  if (known && stillValid(known)) return known;
  const value = create();
  kept.set(key, value);
  return value;
}

function sameLevels(a: readonly Level[], b: readonly Level[]): boolean {
  return a.length === b.length && a.every((level, i) => level === b[i]);
}

/** The context a block's body has, for empty blocks (no child to read it from). */
function childContextGuess(node: ConfigNode): ContextKind {
  const name = node.directive.name;
  const parent = node.context;
  if (name === 'http') return 'http';
  if (name === 'stream') return 'stream';
  if (name === 'server') return parent === 'stream' ? 'stream-server' : parent === 'http' ? 'server' : 'unknown';
  if (name === 'location') return 'location';
  if (name === 'if') return parent === 'server' ? 'if-in-server' : 'if-in-location';
  if (name === 'limit_except') return 'limit_except';
  return 'unknown';
}

/**
 * The statements of one level grouped by name, built on first use. Rules ask for the same
 * http level once per server and location; a filter over its thousands of statements each
 * time made large configurations quadratic. Keyed by the array (levels share their block's
 * `children`); a changed length means the array was edited and the index is rebuilt.
 */
interface StatementIndex {
  length: number;
  byName: Map<string, ConfigNode[]>;
  /** See levelsIncomplete(). */
  unreadableInclude: boolean;
}

const statementIndexes = new WeakMap<readonly ConfigNode[], StatementIndex>();

function statementIndex(statements: readonly ConfigNode[]): StatementIndex {
  const cached = statementIndexes.get(statements);
  if (cached && cached.length === statements.length) return cached;
  const byName = new Map<string, ConfigNode[]>();
  let unreadableInclude = false;
  for (let at = 0; at < statements.length; at++) {
    const s = statements[at];
    const name = s.directive.name;
    const list = byName.get(name);
    if (list) list.push(s);
    else byName.set(name, [s]);
    if (isUnreadableInclude(s)) unreadableInclude = true;
  }
  const index = { length: statements.length, byName, unreadableInclude };
  statementIndexes.set(statements, index);
  return index;
}

/** An include whose files could not be read (a glob that matches nothing is not one). */
function isUnreadableInclude(s: ConfigNode): boolean {
  if (s.directive.name !== 'include') return false;
  const include = includeOf(s);
  return !include || (include.files.length === 0 && !/[*?[]/.test(include.pattern));
}

/**
 * Levels smaller than this are searched statement by statement: a server or location of a few
 * dozen statements is read faster than a map is built for it, and the maps (with a list per
 * name in each) of the benchmark tree's 6,000 servers and locations held 7.8 MB (issue #15).
 */
const INDEXED_LEVEL_SIZE = 32;

/** True for a level whose statements are looked up through statementIndex() (its lists of a name are then the same arrays while the statements are). */
function isIndexed(statements: readonly ConfigNode[]): boolean {
  return statements.length >= INDEXED_LEVEL_SIZE;
}

/** Statements named `name` directly at a level (included statements count, nested blocks do not). */
export function own(level: Level | ConfigNode, name: string): ConfigNode[] {
  return ownShared(level, name).slice();
}

const NO_NODES: readonly ConfigNode[] = Object.freeze([]);

/** As own(), without a copy: the index's own list (never to be changed). */
function ownShared(level: Level | ConfigNode, name: string): readonly ConfigNode[] {
  const statements = 'statements' in level ? level.statements : level.children;
  if (!isIndexed(statements)) {
    // Most small levels do not write the directive asked for: no new array for them. A level
    // that does mostly writes it once: an array literal of one holds one slot, where a push
    // into an empty array makes room for 17 (3.2 MB over the benchmark tree's values, #15).
    let found: ConfigNode[] | undefined;
    for (let at = 0; at < statements.length; at++) {
      const s = statements[at];
      if (s.directive.name !== name) continue;
      if (found) found.push(s);
      else found = [s];
    }
    return found ?? NO_NODES;
  }
  return statementIndex(statements).byName.get(name) ?? NO_NODES;
}

/**
 * The effective value of `name` at `node` (a block, or a statement inside one). The nearest
 * level that writes the directive wins; when no level does, the version-aware default.
 */
export function effective(node: ConfigNode, name: string, tree: ConfigTree, options: EffectiveOptions): EffectiveValue {
  const levels = levelsFor(node, tree);
  return effectiveIn(levels, name, familyOf(node, tree), options);
}

export function effectiveIn(levels: readonly Level[], name: string, family: Family, options: EffectiveOptions, from = levels.length - 1): EffectiveValue {
  for (let i = from; i >= 0; i--) {
    const level = levels[i];
    const nodes = ownShared(level, name);
    if (nodes.length === 0) continue;
    // An indexed level's list of a name is the same array while its statements are: the value
    // the thousands of paths and servers below it take from it is made once and shared.
    const indexed = isIndexed(level.statements);
    const known = indexed ? valuesOfLists.get(nodes) : undefined;
    if (known && known.level === level) return known;
    const value = new SetValue(nodes, level);
    if (indexed) valuesOfLists.set(nodes, value);
    return value;
  }
  return defaultValue(name, family, options);
}

/**
 * The value made from an indexed level's list of statements of one name (statementIndex()),
 * keyed by that list. Typing into an http-level setting of nginx.conf remade one such value
 * for each of the 2,000 paths of the benchmark tree that take it from there (issue #15).
 */
const valuesOfLists = new WeakMap<readonly ConfigNode[], EffectiveValue>();

/**
 * The default of a directive no level writes, one shared frozen object per table, version,
 * family and name: rules ask for defaults of every server and path on every check.
 */
const defaults = new WeakMap<object, Map<string, Map<Family, Map<string, EffectiveValue>>>>();
const NO_TABLE = {};

function defaultValue(name: string, family: Family, options: EffectiveOptions): EffectiveValue {
  let byVersion = defaults.get(options.table ?? NO_TABLE);
  if (!byVersion) defaults.set(options.table ?? NO_TABLE, byVersion = new Map());
  // Maps by part rather than one key made of the three: no string is built per question.
  let byFamily = byVersion.get(options.version);
  if (!byFamily) byVersion.set(options.version, byFamily = new Map());
  let byName = byFamily.get(family);
  if (!byName) byFamily.set(family, byName = new Map());
  let value = byName.get(name);
  if (!value) {
    const fallback = tlsDefault(name, options.version, family) ?? documentedDefault(name, family, options.table);
    const args = fallback ? fallback.split(/\s+/).filter((w) => w.length > 0) : [];
    value = Object.freeze({ name, nodes: NO_NODES, args: Object.freeze(args), isDefault: true });
    byName.set(name, value);
  }
  return value;
}

function documentedDefault(name: string, family: Family, table: DirectiveTable | undefined): string | undefined {
  if (!table) return undefined;
  const moduleType = family === 'stream' ? 'STREAM' : 'HTTP';
  const entry = table.entries(name).find((e) => e.moduleType === moduleType);
  return entry?.default;
}

/** True when the effective value of an on/off directive is `on`. */
export function isOn(value: EffectiveValue): boolean {
  return isOnWord(value.args[0]);
}

/** True for the word that turns an on/off setting on: nginx compares it without regard to case (ngx_conf_set_flag_slot). */
export function isOnWord(word: string | undefined): boolean {
  return word?.toLowerCase() === 'on';
}

/**
 * True when one of the block's own statements is named `name`, by a scan that makes nothing:
 * unlike ownShared(), it builds no index of a large block, which is asked once here, and may be
 * one an edit rebuilt (its statements a new array at each keystroke).
 */
export function writes(block: ConfigNode, name: string): boolean {
  const children = block.children;
  for (let i = 0; i < children.length; i++) if (children[i].directive.name === name) return true;
  return false;
}

/** The level from which a block inherits `name` (the nearest enclosing level that writes it). */
export function inheritedFrom(node: ConfigNode, name: string, tree: ConfigTree): Level | undefined {
  const levels = levelsFor(node, tree);
  for (let i = levels.length - 2; i >= 0; i--) {
    if (ownShared(levels[i], name).length > 0) return levels[i];
  }
  return undefined;
}

export type PassModule = 'proxy' | 'grpc' | 'uwsgi' | 'stream-proxy';

export interface UpstreamTarget {
  /** The host as written (`serverA.example.com`, `backend`, `127.0.0.1`), without port. */
  host: string;
  port?: string;
  scheme?: string;
  /** The `upstream {}` block the host names, if any. */
  upstreamBlock?: ConfigNode;
  isIp: boolean;
  hasVariable: boolean;
  isUnix: boolean;
}

/** A request path that leaves nginx towards an upstream, with its effective TLS settings. */
export interface RequestPath {
  /** The block the pass directive is in: a location, an `if`, a `limit_except` or a stream server. */
  block: ConfigNode;
  /** The `proxy_pass` / `grpc_pass` / `uwsgi_pass` statement. */
  pass: ConfigNode;
  module: PassModule;
  target: UpstreamTarget;
  /** True when the upstream connection uses TLS; 'variable' when only known at run time. */
  tls: boolean | 'variable';
  /** The enclosing http or stream `server` block. */
  server?: ConfigNode;
  family: Family;
  levels: Level[];
  /** See levelsIncomplete(): settings may come from files we cannot see. */
  incomplete: boolean;
  /** Directive prefix of this module's TLS settings: `proxy_ssl_`, `grpc_ssl_`, `uwsgi_ssl_`. */
  prefix: string;
  /** Effective value of a directive at this path. */
  get(name: string): EffectiveValue;
  /** Effective value of `<prefix><suffix>`, e.g. get('verify') → proxy_ssl_verify. */
  ssl(suffix: string): EffectiveValue;
}

const PASS_DIRECTIVES: Record<string, PassModule> = { proxy_pass: 'proxy', grpc_pass: 'grpc', uwsgi_pass: 'uwsgi' };

const TLS_SCHEMES: Record<string, boolean> = { https: true, grpcs: true, suwsgi: true, http: false, grpc: false, uwsgi: false };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Parses a pass target such as `https://backend:8443/path`, `grpcs://[::1]:50051`, `unix:/run/x.sock`. */
export function parseTarget(value: string, defaultScheme?: string): UpstreamTarget {
  let rest = value;
  let scheme: string | undefined;
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (m) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  } else {
    scheme = defaultScheme;
  }
  const isUnix = rest.startsWith('unix:');
  const hostPort = rest.split('/')[0];
  let host = hostPort;
  let port: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    host = hostPort.slice(0, close + 1);
    const after = hostPort.slice(close + 1);
    if (after.startsWith(':')) port = after.slice(1);
  } else if (hostPort.includes(':') && !isUnix) {
    const idx = hostPort.lastIndexOf(':');
    host = hostPort.slice(0, idx);
    port = hostPort.slice(idx + 1);
  }
  // The upstream block's slot is made here, so that setting it later keeps the object's shape.
  return { host, port, scheme, upstreamBlock: undefined, isIp: IPV4.test(host) || host.startsWith('['), hasVariable: value.includes('$'), isUnix };
}

/** `upstream NAME {}` blocks of a family, by name. */
export function upstreamBlocks(tree: ConfigTree, family: Family): Map<string, ConfigNode> {
  const blocks = new Map<string, ConfigNode>();
  const wanted: ContextKind = family === 'stream' ? 'stream' : 'http';
  const visit = (nodes: readonly ConfigNode[]): void => {
    for (const n of nodes) {
      if (n.directive.name === 'upstream' && n.context === wanted && n.directive.args[0]) {
        blocks.set(n.directive.args[0].value.toLowerCase(), n);
      }
      if (n.children.length > 0 && (n.context === 'main' || n.directive.name === 'http' || n.directive.name === 'stream')) visit(n.children);
    }
  };
  visit(tree.nodes);
  return blocks;
}

/** The nearest enclosing http or stream `server` block. */
export function enclosingServer(node: ConfigNode): ConfigNode | undefined {
  for (let n: ConfigNode | undefined = node; n; n = n.parent) {
    if (n.directive.name === 'server' && (n.context === 'http' || n.context === 'stream')) return n;
  }
  return undefined;
}

/**
 * Every place a request (or stream connection) is passed to an upstream: locations, `if`
 * and `limit_except` blocks with their own proxy_pass/grpc_pass/uwsgi_pass, and stream
 * servers with proxy_pass, each with its effective TLS settings. `accept` limits them to
 * the pass statements it accepts.
 */
export function requestPaths(tree: ConfigTree, options: EffectiveOptions, accept?: (pass: ConfigNode) => boolean): RequestPath[] {
  const paths: RequestPath[] = [];
  const upstreams = upstreamLookup(tree);
  for (const n of passStatements(tree)) {
    if (accept && !accept(n)) continue;
    const path = requestPathAt(n, tree, options, upstreams);
    if (path) paths.push(path);
  }
  return paths;
}

/** The `upstream {}` blocks of each family by name, looked up once per family when first asked. */
export function upstreamLookup(tree: ConfigTree): (family: Family) => Map<string, ConfigNode> {
  const byFamily = new Map<Family, Map<string, ConfigNode>>();
  return (family) => {
    let blocks = byFamily.get(family);
    if (!blocks) {
      blocks = upstreamBlocks(tree, family);
      byFamily.set(family, blocks);
    }
    return blocks;
  };
}

/**
 * The request path of one pass statement (with an argument), or undefined when the statement
 * is not where nginx passes requests (outside a location, `if`, `limit_except` or stream server).
 */
export function requestPathAt(pass: ConfigNode, tree: ConfigTree, options: EffectiveOptions, upstreams: (family: Family) => Map<string, ConfigNode>): RequestPath | undefined {
  const place = passPlace(pass);
  return place && makePath(pass, place.module, place.family, upstreams(place.family), tree, options);
}

/** The module and family of a pass statement where nginx passes requests (see requestPathAt). */
function passPlace(pass: ConfigNode): { module: PassModule; family: Family } | undefined {
  const name = pass.directive.name;
  const module = PASS_DIRECTIVES[name];
  const inHttpBlock = pass.context === 'location' || pass.context === 'if-in-location' || pass.context === 'limit_except';
  if (module && inHttpBlock) return { module, family: 'http' };
  if (name === 'proxy_pass' && pass.context === 'stream-server') return { module: 'stream-proxy', family: 'stream' };
  return undefined;
}

/**
 * The target of a pass statement (with an argument) as its request path has it, with the
 * upstream block it names; undefined where it passes no requests (see requestPathAt). Without
 * options, the parse kept per syntax word is used.
 */
export function passTargetAt(pass: ConfigNode, upstreams: (family: Family) => Map<string, ConfigNode>, options?: EffectiveOptions): UpstreamTarget | undefined {
  const place = passPlace(pass);
  return place && targetWithBlock(pass, place.module, upstreams(place.family), options);
}

/** passTarget() with the upstream block it names: a target without a port or variable may name one. */
function targetWithBlock(pass: ConfigNode, module: PassModule, upstreams: Map<string, ConfigNode>, options: EffectiveOptions | undefined): UpstreamTarget {
  const target = passTarget(pass, module, options);
  if (!target.port && !target.hasVariable) target.upstreamBlock = upstreams.get(target.host.toLowerCase());
  return target;
}

/** True for the statements requestPathAt() reads: proxy_pass, grpc_pass, uwsgi_pass with an argument. */
export function isPassStatement(node: ConfigNode): boolean {
  return PASS_DIRECTIVES[node.directive.name] !== undefined && node.directive.args.length > 0;
}

function makePath(pass: ConfigNode, module: PassModule, family: Family, upstreams: Map<string, ConfigNode>, tree: ConfigTree, options: EffectiveOptions): RequestPath {
  const levels = parentLevels(pass, tree);
  const target = targetWithBlock(pass, module, upstreams, options);
  return reused(pathCache, pass, options, levels, (path) => path.target.upstreamBlock === target.upstreamBlock,
    () => new PassPath(pass, module, family, levels, target, options));
}

/**
 * The target a pass statement names, parsed once per syntax word (a file's parse is kept while
 * its text is unchanged; a word belongs to one statement, so to one module); each path gets
 * its own copy, since its upstream block is set on it. An analysis no other follows
 * (EffectiveOptions.oneShot) parses each statement's once: it keeps no copy.
 */
const parsedTargets = new WeakMap<Word, UpstreamTarget>();

function passTarget(pass: ConfigNode, module: PassModule, options: EffectiveOptions | undefined): UpstreamTarget {
  const arg = pass.directive.args[0];
  const defaultScheme = module === 'grpc' ? 'grpc' : module === 'uwsgi' ? 'uwsgi' : undefined;
  if (options?.oneShot) return parseTarget(arg.value, defaultScheme);
  let parsed = parsedTargets.get(arg);
  if (!parsed) {
    parsed = parseTarget(arg.value, defaultScheme);
    parsedTargets.set(arg, parsed);
  }
  // Copied field by field, with the upstream block's slot made here: a spread copy (and a
  // property added later) gave each of the tree's 4,000 paths a hidden class of its own.
  return { host: parsed.host, port: parsed.port, scheme: parsed.scheme, upstreamBlock: undefined, isIp: parsed.isIp, hasVariable: parsed.hasVariable, isUnix: parsed.isUnix };
}

/** The value kept for `name` in an EffectiveLookup's flat list of names and values. */
function valueNamed(values: readonly (string | EffectiveValue)[], name: string): EffectiveValue | undefined {
  for (let at = 0; at < values.length; at += 2) if (values[at] === name) return values[at + 1] as EffectiveValue;
  return undefined;
}

/**
 * Effective values at the end of a chain of levels, each computed when first asked and kept:
 * rules ask a scope or path for the same few settings many times (once per pair of paths).
 * Scopes and paths are instances of its subclasses, with their methods on the prototype: a
 * closure or two per object, with their contexts, held 2.5 MB for the 6,000 scopes and paths
 * of the benchmark's tree (issue #15). Declared at the top level on purpose: scopes and paths
 * are cached across analyses (reused()), and closures made inside serverScopes() or
 * requestPaths() would keep their tree alive.
 */
class EffectiveLookup {
  /**
   * The values computed so far, each name followed by its value. A flat array, not a Map: an
   * object holds a handful, which a linear search over the rules' (internalised) names finds
   * as fast, and the 6,000 Maps' hash tables of the benchmark tree took 2.4 MB (issue #15).
   */
  private values: (string | EffectiveValue)[] | undefined;

  constructor(readonly family: Family, readonly levels: Level[], private readonly options: EffectiveOptions) {}

  get(name: string): EffectiveValue {
    const known = this.values && valueNamed(this.values, name);
    if (known) return known;
    const value = effectiveIn(this.levels, name, this.family, this.options);
    (this.values ??= []).push(name, value);
    return value;
  }

  /**
   * True when what this object holds may depend on one of `names`: an effective value it
   * computed, or whether its levels can be known completely (see levelsIncomplete()), which
   * it read from their includes. Everything kept with a scope or path elsewhere is computed
   * from its effective values.
   */
  readAny(names: ReadonlySet<string>): boolean {
    return names.has('include') || this.includesChanged() || this.readSome(names);
  }

  /** True when one of `names` is among the effective values this object computed. */
  readSome(names: ReadonlySet<string>): boolean {
    const values = this.values;
    if (!values) return false;
    for (let at = 0; at < values.length; at += 2) if (names.has(values[at] as string)) return true;
    return false;
  }

  /**
   * True when an effective value this object computed for one of `names` may differ after
   * those statements changed at the level at that place of its chain: the nearest level that
   * writes a directive wins, so a value set at a deeper level stays what it was (2,000 servers
   * that write their own ssl_ciphers keep theirs while the http level's is typed into).
   */
  readThrough(names: ReadonlySet<string>, index: number): boolean {
    const values = this.values;
    if (!values) return false;
    for (let at = 0; at < values.length; at += 2) {
      if (!names.has(values[at] as string)) continue;
      const value = values[at + 1] as EffectiveValue;
      if (!value.level || this.levels.indexOf(value.level) <= index) return true;
    }
    return false;
  }

  /** True when the `incomplete` this object holds is no longer what its levels say. */
  protected includesChanged(): boolean {
    return false;
  }

  /**
   * Takes the effective values `earlier` (made for the same chain of levels) computed, when no
   * level deeper than `deepest` changed. A value no statement of `changed` can have altered is
   * taken as it is, and so is one of `changed` that a level deeper than `deepest` gave; the others
   * are looked up from `deepest` outward, as no deeper level writes them. The 2,000 paths that
   * take an http-level setting being typed into then skip their location's and server's
   * statements (issue #15).
   */
  carry(earlier: EffectiveLookup, changed: ReadonlySet<string>, deepest: number): void {
    const values = earlier.values;
    if (!values) return;
    const carried = (this.values ??= []);
    for (let v = 0; v < values.length; v += 2) {
      const name = values[v] as string;
      if (valueNamed(carried, name)) continue;
      const value = values[v + 1] as EffectiveValue;
      const at = changed.has(name) ? (value.level ? this.levels.indexOf(value.level) : -1) : Infinity;
      carried.push(name, at > deepest ? value : effectiveIn(this.levels, name, this.family, this.options, deepest));
    }
  }
}

/** A request path (see RequestPath). */
class PassPath extends EffectiveLookup implements RequestPath {
  readonly block: ConfigNode;
  readonly prefix: string;
  readonly tls: boolean | 'variable';
  readonly incomplete: boolean;
  readonly server: ConfigNode | undefined;

  /** `earlier`: a path of the same statement and chain whose includes did not change (see refreshed()). */
  constructor(readonly pass: ConfigNode, readonly module: PassModule, family: Family, levels: Level[], readonly target: UpstreamTarget, options: EffectiveOptions, earlier?: PassPath) {
    super(family, levels, options);
    this.block = pass.parent ?? pass;
    this.prefix = module === 'grpc' ? 'grpc_ssl_' : module === 'uwsgi' ? 'uwsgi_ssl_' : 'proxy_ssl_';
    if (module === 'stream-proxy') this.tls = isOn(this.get('proxy_ssl'));
    else if (target.scheme !== undefined && !target.scheme.includes('$')) this.tls = TLS_SCHEMES[target.scheme] ?? false;
    else this.tls = target.hasVariable ? 'variable' : false;
    this.incomplete = earlier ? earlier.incomplete : levelsIncomplete(levels);
    this.server = earlier ? earlier.server : enclosingServer(pass);
  }

  ssl(suffix: string): EffectiveValue {
    return this.get(sslName(this.prefix, suffix));
  }

  protected override includesChanged(): boolean {
    return this.incomplete !== levelsIncomplete(this.levels);
  }
}

/**
 * `prefix + suffix`, one string per pair: a string made by `+` at each call had to be flattened
 * and hashed again by the lookup's map, and rules ask paths for settings this way about 90,000
 * times in a check of the benchmark's tree (issue #15).
 */
const sslNames = new Map<string, Map<string, string>>();
function sslName(prefix: string, suffix: string): string {
  let names = sslNames.get(prefix);
  if (!names) sslNames.set(prefix, names = new Map());
  let name = names.get(suffix);
  if (name === undefined) names.set(suffix, name = prefix + suffix);
  return name;
}

/** A server scope (see ServerScope). */
class Scope extends EffectiveLookup implements ServerScope {
  private incompleteKnown: boolean | undefined;

  // Not readonly: serverScopeAt() gives a reused scope its block's current statements.
  constructor(readonly node: ConfigNode | undefined, family: Family, levels: Level[], public statements: readonly ConfigNode[], options: EffectiveOptions) {
    super(family, levels, options);
  }

  /** Asked of few scopes when only some files are checked: computed on first use. */
  get incomplete(): boolean {
    return (this.incompleteKnown ??= levelsIncomplete(this.levels));
  }

  protected override includesChanged(): boolean {
    return this.incompleteKnown !== undefined && this.incompleteKnown !== levelsIncomplete(this.levels);
  }
}

const pathCache = new WeakMap<ConfigNode, Reusable<PassPath>>();

const passLists = new WeakMap<readonly ConfigNode[], ConfigNode[]>();

/** proxy_pass, grpc_pass and uwsgi_pass statements with an argument, depth first (once per tree). */
function passStatements(tree: ConfigTree): ConfigNode[] {
  let list = passLists.get(tree.nodes);
  if (!list) {
    const byModule = Object.keys(PASS_DIRECTIVES).map((name) => nodesNamed(tree.nodes, name)).filter((l) => l.length > 0);
    // One module's list is already in configuration order; several are merged by a walk.
    const ordered = byModule.length === 1 ? byModule[0]
      : depthFirstNodes(tree.nodes).filter((n) => PASS_DIRECTIVES[n.directive.name] !== undefined);
    list = ordered.filter((n) => n.directive.args.length > 0);
    if (isBuiltTree(tree.nodes)) passLists.set(tree.nodes, list);
  }
  return list;
}

function parentLevels(pass: ConfigNode, tree: ConfigTree): Level[] {
  return levelsFor(pass, tree);
}

const identityKeys = new WeakMap<RequestPath, string>();

/**
 * One string per distinct identity key: the thousands of paths of a configuration present a
 * handful of client certificates (4,000 paths of the benchmark tree held 0.5 MB of equal keys).
 */
const distinctIdentityKeys = new StringMemo((key) => key);

/** Local-file-free description of the client certificate a path presents, for comparisons. */
export function clientIdentityKey(path: RequestPath): string {
  let key = identityKeys.get(path);
  if (key === undefined) {
    key = distinctIdentityKeys.get(computeClientIdentityKey(path));
    identityKeys.set(path, key);
  }
  return key;
}

function computeClientIdentityKey(path: RequestPath): string {
  const cert = path.ssl('certificate').args.join(' ');
  const key = path.ssl('certificate_key').args.join(' ');
  const verify = isOn(path.ssl('verify'));
  const trusted = path.ssl('trusted_certificate').args.join(' ');
  const name = path.ssl('name').args.join(' ');
  return JSON.stringify({ cert, key, verify: verify ? 'on' : 'off', trusted: verify ? trusted : '', name: verify ? name : '' });
}

/** An http or stream `server` block, or the top of a server snippet checked on its own. */
export interface ServerScope {
  /** The `server` directive; undefined for a snippet whose top level is a server body. */
  node?: ConfigNode;
  family: Family;
  levels: Level[];
  /** See levelsIncomplete(). */
  incomplete: boolean;
  /** The server's own statements (includes spliced in). */
  statements: readonly ConfigNode[];
  /** Effective value at server level. */
  get(name: string): EffectiveValue;
}

const scopeCache = new WeakMap<ConfigNode, Reusable<Scope>>();

/** Every http (or stream) server scope of the tree, in configuration order. */
export function serverScopes(tree: ConfigTree, family: Family, options: EffectiveOptions): ServerScope[] {
  const scopes: ServerScope[] = [];
  const serverContext: ContextKind = family === 'stream' ? 'stream-server' : 'server';
  if (tree.rootContext === serverContext) {
    const levels = [{ context: serverContext, statements: tree.nodes }];
    scopes.push(new Scope(undefined, family, levels, tree.nodes, options));
  }
  const parentContext = serverParentContext(family);
  const visit = (nodes: readonly ConfigNode[]): void => {
    for (const n of nodes) {
      if (n.directive.name === 'server' && n.context === parentContext && n.directive.block) {
        scopes.push(serverScopeAt(n, tree, family, options));
        continue;
      }
      if (n.children.length > 0 && (n.context === 'main' || n.directive.name === parentContext)) visit(n.children);
    }
  };
  visit(tree.nodes);
  return scopes;
}

function serverParentContext(family: Family): ContextKind {
  return family === 'stream' ? 'stream' : 'http';
}

/** True for the `server` blocks serverScopes() finds (of a tree whose top level is the main context). */
export function isScopeServer(node: ConfigNode, family: Family): boolean {
  const parentContext = serverParentContext(family);
  if (node.directive.name !== 'server' || node.context !== parentContext || !node.directive.block) return false;
  for (let n = node.parent; n; n = n.parent) {
    if (n.context !== 'main' && n.directive.name !== parentContext) return false;
  }
  return true;
}

/** The scope of one http or stream `server` block (reused while its chain passes on the same settings). */
export function serverScopeAt(node: ConfigNode, tree: ConfigTree, family: Family, options: EffectiveOptions): ServerScope {
  const levels = levelsFor(node, tree);
  const scope = reused(scopeCache, node, options, levels, (cached) => cached.family === family, () => new Scope(node, family, levels, node.children, options));
  // Nested blocks may have changed (they pass nothing up): the statements are the current ones.
  scope.statements = node.children;
  return scope;
}

/** The cache entry of a path's pass statement or a scope's server block (which may hold another object by now). */
function cachedEntry(item: RequestPath | ServerScope): Reusable<PassPath | Scope> | undefined {
  return 'pass' in item ? pathCache.get(item.pass) : item.node ? scopeCache.get(item.node) : undefined;
}

/**
 * The settings tokens a request path or server scope was made with (one per level of its
 * chain), while it is still the one cached for its statement; undefined once another replaced
 * it (for other options or changed settings).
 */
export function tokensOf(item: RequestPath | ServerScope): readonly object[] | undefined {
  const entry = cachedEntry(item);
  return entry?.value === item ? entry.tokens : undefined;
}

/**
 * For a list derived after a change (scopeLists.ts): whether a path or scope made before it is
 * still right as it is, without making its chain again. It is when every block of `dirty` (those
 * whose settings the change altered) that its chain goes through is an outer level, and of the
 * settings that differ there it read none, or only ones a deeper level of its chain sets
 * (readThrough): an http-level keystroke in nginx.conf then costs a lookup per path instead of
 * a new chain (issue #15). Its recorded tokens are brought up to
 * date, as reused() does. The chain is the same Level objects (a block keeps its node across
 * rebuilds; a replaced block replaces the statements inside it), and whether it is complete
 * changes only with its include statements, which `include` among the names would say.
 */
export function unchangedBy(item: RequestPath | ServerScope, dirty: ReadonlySet<ConfigNode>): boolean {
  const entry = cachedEntry(item);
  if (!entry || entry.value !== item || entry.tokens.length !== item.levels.length) return false;
  const levels = item.levels;
  const innermost = levels.length - 1;
  for (let i = 0; i < levels.length; i++) {
    const node = levels[i].node;
    if (!node || !dirty.has(node)) continue;
    if (i === innermost) return false;
    const names = namesBetween(entry.tokens[i], settingsToken(levels[i]));
    if (!names || names.has('include') || entry.value.readThrough(names, i)) return false;
  }
  for (let i = 0; i < levels.length; i++) {
    const node = levels[i].node;
    if (node && dirty.has(node)) entry.tokens[i] = settingsToken(levels[i]);
  }
  return true;
}

/**
 * A new path or scope for one that unchangedBy() found out of date, when only settings of its
 * chain changed and which ones is known: the same chain of levels (a path: the same target),
 * with the effective values it had computed for the other settings carried over. Typing into a
 * setting paths take from the http level of nginx.conf then remakes the 2,000 paths of the
 * benchmark tree that do without walking their chains again for every value the rules ask of
 * them (issue #15). Undefined when it is not the one cached for its statement, or what changed is
 * not known (or is an include, which changes the chain's statements): the caller makes one from
 * scratch. The chain holds, as unchangedBy() says: a block keeps its node across rebuilds.
 */
export function refreshed<T extends RequestPath | ServerScope>(item: T, dirty: ReadonlySet<ConfigNode>, options: EffectiveOptions): T | undefined {
  const old = item as unknown as PassPath | Scope;
  const entry = cachedEntry(item);
  if (!entry || entry.value !== old || !sameOptions(entry.options, options) || entry.tokens.length !== old.levels.length) return undefined;
  const levels = old.levels;
  // The names changed at the dirty levels of the chain: mostly one level's (a keystroke), whose
  // set namesBetween() keeps, shared by the thousands of paths below it; a union only for more.
  let changed: ReadonlySet<string> | undefined;
  let union: Set<string> | undefined;
  let deepest = -1;
  const tokens = entry.tokens.slice();
  for (let i = 0; i < levels.length; i++) {
    const node = levels[i].node;
    if (!node) return undefined;
    if (!dirty.has(node)) continue;
    tokens[i] = settingsToken(levels[i]);
    const names = namesBetween(entry.tokens[i], tokens[i]);
    if (!names || names.has('include')) return undefined;
    if (changed) {
      union ??= new Set(changed);
      for (const name of names) union.add(name);
      changed = union;
    } else {
      changed = names;
    }
    deepest = i;
  }
  changed ??= NO_NAMES;
  if (old instanceof PassPath) {
    // The same target object: the chain and the statement are the same, and a path's target is
    // set up only when it is made from scratch (makePath).
    const path = new PassPath(old.pass, old.module, old.family, levels, old.target, options, old);
    path.carry(old, changed, deepest);
    pathCache.set(old.pass, { options, tokens, value: path });
    return path as unknown as T;
  }
  const node = old.node as ConfigNode;
  const scope = new Scope(node, old.family, levels, node.children, options);
  scope.carry(old, changed, deepest);
  scopeCache.set(node, { options, tokens, value: scope });
  return scope as unknown as T;
}

/**
 * The settings token of a block's level as it is now (its Level brought up to date with the
 * block's current children); undefined for a block no path or scope went through.
 */
export function currentToken(node: ConfigNode): object | undefined {
  const level = levelObjects.get(node);
  if (!level) return undefined;
  levelOf(node, node.children[0]?.context ?? childContextGuess(node));
  return settingsToken(level);
}

/** Every statement inside a scope, nested blocks included, in order. */
export function allStatements(statements: readonly ConfigNode[]): ConfigNode[] {
  const out: ConfigNode[] = [];
  const visit = (nodes: readonly ConfigNode[]): void => {
    for (const n of nodes) {
      out.push(n);
      if (n.children.length > 0) visit(n.children);
    }
  };
  visit(statements);
  return out;
}

/**
 * True when the chain cannot be known completely: a level includes a file that could not be
 * read, or the outermost level is not http/stream (a server or location snippet checked on its
 * own). Rules that report a directive's *absence* stay silent then.
 */
export function levelsIncomplete(levels: readonly Level[]): boolean {
  if (levels.length === 0) return true;
  if (levels[0].context !== 'http' && levels[0].context !== 'stream') return true;
  for (const level of levels) {
    const statements = level.statements;
    if (isIndexed(statements) ? statementIndex(statements).unreadableInclude : statements.some(isUnreadableInclude)) return true;
  }
  return false;
}
