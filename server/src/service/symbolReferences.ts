/**
 * The symbols a user defines in a configuration, and every place they are used: upstream
 * groups (`upstream NAME {}` ← `*_pass`), named locations (`location @NAME` ← `try_files`,
 * `error_page`…) and variables (`map`, `geo`, `set`, `split_clients`, `js_set`, `perl_set`
 * ← `$NAME` / `${NAME}` in any argument). Definition, references, rename, highlight and
 * hover all ask this index, so they agree on what a symbol is and where it stands.
 *
 * Scopes follow nginx: variables and upstreams are shared by the whole `http` (or `stream`)
 * block of one main configuration, whichever file they are written in; named locations
 * belong to one `server`. Variable and upstream names are compared without case (nginx
 * lower-cases variable names and compares upstream hosts with strncasecmp); named
 * locations with case (ngx_http_named_location uses strncmp).
 */
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { ConfigNode, ConfigTree } from '../model/configTree';
import type { ParsedFile } from '../model/parsedFile';
import type { Directive, Word } from '../parser/syntaxTree';

export type UserSymbolKind = 'variable' | 'upstream' | 'named-location';

export interface SymbolOccurrence {
  kind: UserSymbolKind;
  /** The name as written, without `$`, braces or `@`. */
  name: string;
  file: ParsedFile;
  /** The whole token (`$name`, `${name}`, `@name`, the upstream host). */
  start: number;
  end: number;
  /** The name alone: what a rename replaces. */
  nameStart: number;
  nameEnd: number;
  role: 'definition' | 'reference';
  /** The directive the token stands in (for a definition: the defining directive). */
  directive: Directive;
  /** Where the symbol is visible (see the file comment); one occurrence per scope. */
  scope: string;
}

export interface SymbolIndexOptions {
  table: DirectiveTable;
  /** The configuration trees of the workspace (the file's own first). */
  trees: readonly ConfigTree[];
  /** Context of the file's top level when no tree includes it; `main` by default. */
  rootContext?: ContextKind;
}

/** Directives whose first argument may name an upstream group. */
export const PASS_DIRECTIVES = new Set(['proxy_pass', 'grpc_pass', 'uwsgi_pass', 'fastcgi_pass', 'scgi_pass', 'memcached_pass']);

/** Directives whose arguments may name a location `@name` to jump to. */
export const NAMED_LOCATION_USERS = new Set(['try_files', 'error_page', 'post_action', 'echo_exec']);

/** Which argument of a variable-defining directive holds the new `$name`. */
function definedVariableIndex(directive: Directive): number | undefined {
  switch (directive.name) {
    case 'set':
    case 'js_set':
    case 'perl_set':
      return 0;
    case 'map':
    case 'split_clients':
      return directive.block ? 1 : undefined;
    case 'geo':
      // `geo $name {}` reads $remote_addr; `geo $source $name {}` reads $source.
      return directive.block ? (directive.args.length >= 2 ? 1 : 0) : undefined;
    default:
      return undefined;
  }
}

/** Directives whose arguments are never expanded as variables (a `$` there is a regex anchor). */
const NO_VARIABLES = new Set(['location', 'server_name']);

/** Where an upstream name stands in a `*_pass` argument, e.g. `backend` in `https://backend:8443/api`. */
export interface UpstreamReference {
  name: string;
  start: number;
  end: number;
}

/** The upstream group name a `*_pass` directive refers to, if its target can be one. */
export function upstreamReference(text: string, directive: Directive): UpstreamReference | undefined {
  if (!PASS_DIRECTIVES.has(directive.name) || directive.args.length === 0) return undefined;
  const arg = directive.args[0];
  if (arg.hasVariable) return undefined;
  const raw = text.slice(arg.start, arg.end);
  const quote = arg.quote ? 1 : 0;
  const body = raw.slice(quote, raw.length - quote);
  if (body !== arg.value) return undefined;
  const scheme = /^[a-z]+:\/\//.exec(body);
  if (!scheme && body.startsWith('unix:')) return undefined;
  const hostStart = scheme ? scheme[0].length : 0;
  const host = /^[^/:?#]+/.exec(body.slice(hostStart));
  if (!host) return undefined;
  const start = arg.start + quote + hostStart;
  return { name: host[0], start, end: start + host[0].length };
}

/** A `$name` or `${name}` in a word: the token and the name inside it. */
export interface VariableToken {
  name: string;
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
}

/**
 * Every `$name` and `${name}` in a word as written. nginx expands variables in single- and
 * double-quoted words alike, and a backslash does not make `$` literal (both measured with
 * `nginx -t`: `set $a '$nope'` and `set $a "\$nope"` fail with `unknown "nope" variable`).
 */
export function variableTokens(text: string, word: Word): VariableToken[] {
  const raw = text.slice(word.start, word.end);
  const tokens: VariableToken[] = [];
  const pattern = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  for (let match = pattern.exec(raw); match; match = pattern.exec(raw)) {
    const start = word.start + match.index;
    const name = match[1] ?? match[2];
    const nameStart = start + (match[1] !== undefined ? 2 : 1);
    tokens.push({ name, start, end: start + match[0].length, nameStart, nameEnd: nameStart + name.length });
  }
  return tokens;
}

/** The occurrences one directive holds, in a given scope for each kind. */
function directiveOccurrences(file: ParsedFile, directive: Directive, scopes: { shared: string; server: string | undefined }, out: SymbolOccurrence[]): void {
  const name = directive.name;
  const add = (kind: UserSymbolKind, symbol: string, start: number, end: number, nameStart: number, nameEnd: number, role: SymbolOccurrence['role']): void => {
    const scope = kind === 'named-location' ? scopes.server ?? `${scopes.shared}|file:${file.path}` : scopes.shared;
    out.push({ kind, name: symbol, file, start, end, nameStart, nameEnd, role, directive, scope });
  };
  if (name === 'upstream' && directive.block && directive.args.length > 0) {
    const word = directive.args[0];
    const { start, end } = unquoted(file.text, word);
    add('upstream', word.value, start, end, start, end, 'definition');
  }
  const upstream = upstreamReference(file.text, directive);
  if (upstream) add('upstream', upstream.name, upstream.start, upstream.end, upstream.start, upstream.end, 'reference');

  if (name === 'location' && directive.args.length === 1 && directive.args[0].value.startsWith('@')) {
    const { start, end } = unquoted(file.text, directive.args[0]);
    add('named-location', directive.args[0].value.slice(1), start, end, start + 1, end, 'definition');
  }
  if (NAMED_LOCATION_USERS.has(name)) {
    for (const word of directive.args) {
      if (!word.value.startsWith('@') || word.hasVariable) continue;
      const { start, end } = unquoted(file.text, word);
      if (file.text.slice(start, end) !== word.value) continue;
      add('named-location', word.value.slice(1), start, end, start + 1, end, 'reference');
    }
  }

  if (NO_VARIABLES.has(name)) return;
  const defined = definedVariableIndex(directive);
  directive.args.forEach((word, index) => {
    for (const token of variableTokens(file.text, word)) {
      const role = index === defined && token.start === unquoted(file.text, word).start ? 'definition' : 'reference';
      add('variable', token.name, token.start, token.end, token.nameStart, token.nameEnd, role);
    }
  });
}

/** The range of a word without its quotes. */
function unquoted(text: string, word: Word): { start: number; end: number } {
  if (!word.quote) return { start: word.start, end: word.end };
  const closed = word.end - word.start >= 2 && text[word.end - 1] === word.quote;
  return { start: word.start + 1, end: closed ? word.end - 1 : word.end };
}

/** `http`, `stream` or `mail` for a context; undefined where the block does not tell (main, custom bodies). */
function moduleOf(context: ContextKind): string | undefined {
  if (context.startsWith('stream')) return 'stream';
  if (context.startsWith('mail')) return 'mail';
  if (context === 'main' || context === 'events' || context === 'custom-body' || context === 'unknown') return undefined;
  return 'http';
}

/** Symbol names as nginx compares them. */
function comparable(kind: UserSymbolKind, name: string): string {
  return kind === 'named-location' ? name : name.toLowerCase();
}

/**
 * The occurrences in one tree, worked out once per tree object and table: hover, document
 * highlight (asked at every cursor move) and definition each indexed the whole workspace
 * again, 40 ms on the bench's 100k-line tree (#15). An edit makes a new tree object
 * (model/blockRebuild.ts, incrementalRebuild.ts), which is indexed anew.
 */
const occurrencesByTree = new WeakMap<ConfigTree, { table: DirectiveTable; occurrences: readonly SymbolOccurrence[] }>();

function treeOccurrences(tree: ConfigTree, table: DirectiveTable): readonly SymbolOccurrence[] {
  const known = occurrencesByTree.get(tree);
  if (known && known.table === table) return known.occurrences;
  const out: SymbolOccurrence[] = [];
  const visit = (nodes: readonly ConfigNode[], module: string | undefined, server: string | undefined): void => {
    for (const node of nodes) {
      const mod = moduleOf(node.context) ?? module;
      const shared = `${tree.mainFile}|${mod ?? 'main'}`;
      directiveOccurrences(node.file, node.directive, { shared, server }, out);
      if (node.children.length === 0) continue;
      const isServer = node.directive.name === 'server' && mod === 'http';
      visit(node.children, moduleOf(table.childContext(node.directive.name, node.context)) ?? mod,
        isServer ? `${tree.mainFile}|server:${node.file.path}:${node.directive.start}` : server);
    }
  };
  visit(tree.nodes, moduleOf(tree.rootContext), undefined);
  occurrencesByTree.set(tree, { table, occurrences: out });
  return out;
}

/** Whether a statement around `offset` holds a symbol's token covering it (as SymbolIndex.at() counts them). */
function tokenAt(file: ParsedFile, statements: readonly Directive[], offset: number): boolean {
  for (const directive of statements) {
    if (directive.start > offset || directive.end < offset) continue;
    const block = directive.block;
    if (block && offset > block.start && (offset < block.end || !block.closed)) {
      if (tokenAt(file, block.statements, offset)) return true;
      continue;
    }
    const found: SymbolOccurrence[] = [];
    directiveOccurrences(file, directive, { shared: '', server: undefined }, found);
    if (found.some((o) => o.start <= offset && offset <= o.end)) return true;
  }
  return false;
}

export class SymbolIndex {
  private constructor(readonly occurrences: readonly SymbolOccurrence[]) {}

  /**
   * Indexes every tree (includes expanded, so a symbol in a file included twice has a scope
   * for each place), plus `file` on its own when no tree includes it.
   */
  static build(file: ParsedFile | undefined, options: SymbolIndexOptions): SymbolIndex {
    const parts: (readonly SymbolOccurrence[])[] = [];
    const seenTrees = new Set<string>();
    for (const tree of options.trees) {
      if (seenTrees.has(tree.mainFile)) continue;
      seenTrees.add(tree.mainFile);
      parts.push(treeOccurrences(tree, options.table));
    }
    if (file && !options.trees.some((t) => t.files.has(file.path))) {
      const out: SymbolOccurrence[] = [];
      const visit = (statements: readonly Directive[], context: ContextKind, module: string | undefined, server: string | undefined): void => {
        for (const directive of statements) {
          const mod = moduleOf(context) ?? module;
          directiveOccurrences(file, directive, { shared: `file:${file.path}|${mod ?? 'main'}`, server }, out);
          if (!directive.block) continue;
          const isServer = directive.name === 'server' && mod === 'http';
          const child = options.table.childContext(directive.name, context);
          visit(directive.block.statements, child, moduleOf(child) ?? mod, isServer ? `file:${file.path}|server:${directive.start}` : server);
        }
      };
      const root = options.rootContext ?? 'main';
      visit(file.syntax.statements, root, moduleOf(root), undefined);
      parts.push(out);
    }
    return new SymbolIndex(parts.length === 1 ? parts[0] : parts.flat());
  }

  /**
   * build(), only when `file` has a symbol's token at `offset` (else an empty index): hover and
   * document highlight are asked at every cursor move, mostly over directive names and values
   * that are no symbol, and the index of a tree changes with every keystroke.
   */
  static around(file: ParsedFile, offset: number, options: SymbolIndexOptions): SymbolIndex {
    return tokenAt(file, file.syntax.statements, offset) ? SymbolIndex.build(file, options) : SymbolIndex.EMPTY;
  }

  private static readonly EMPTY = new SymbolIndex([]);

  /** The occurrences (one per scope) whose token covers `offset` in `file`. */
  at(file: ParsedFile, offset: number): SymbolOccurrence[] {
    return this.occurrences.filter((o) => o.file.path === file.path && o.start <= offset && offset <= o.end);
  }

  /**
   * Every occurrence of the symbol of `at` (from `at()`), once per place in a file,
   * in file and text order.
   */
  related(at: readonly SymbolOccurrence[]): SymbolOccurrence[] {
    if (at.length === 0) return [];
    const { kind } = at[0];
    const name = comparable(kind, at[0].name);
    const scopes = new Set(at.map((o) => o.scope));
    const seen = new Set<string>();
    const found: SymbolOccurrence[] = [];
    for (const o of this.occurrences) {
      if (o.kind !== kind || !scopes.has(o.scope) || comparable(kind, o.name) !== name) continue;
      const key = `${o.file.path}\0${o.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(o);
    }
    return found.sort((a, b) => (a.file.path === b.file.path ? a.start - b.start : a.file.path < b.file.path ? -1 : 1));
  }

  /** Definitions of a symbol by kind and name in any scope (for files no tree includes). */
  definitionsNamed(kind: UserSymbolKind, name: string): SymbolOccurrence[] {
    const wanted = comparable(kind, name);
    const matching = this.occurrences.filter((o) => o.kind === kind && comparable(kind, o.name) === wanted);
    return this.related(matching).filter((o) => o.role === 'definition');
  }
}
