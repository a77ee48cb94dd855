/**
 * Navigation: go to definition for `include` targets, `upstream` names used by `*_pass`
 * directives and named locations (`@name`); references of upstream names; workspace
 * symbols (server names and upstreams of every configuration tree); and document links for
 * `include` and certificate/key paths. Paths resolve against the main config's directory,
 * as nginx does: https://nginx.org/en/docs/ngx_core_module.html#include
 */
import { URI } from 'vscode-uri';
import { SymbolKind, type DocumentLink, type Location, type SymbolInformation } from 'vscode-languageserver-types';
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { ConfigTree } from '../model/configTree';
import { hasGlob } from '../model/glob';
import type { ParsedFile } from '../model/parsedFile';
import { walkDirectives, type Directive, type Word } from '../parser/syntaxTree';
import { FILE_DIRECTIVES } from './completion';
import { contextAtOffset } from './contextAtOffset';
import { toRange } from './lspConvert';

export interface NavigationOptions {
  table: DirectiveTable;
  /** Context of the file's top level; `main` by default. */
  rootContext?: ContextKind;
  /** The configuration trees the file is part of (may be empty for a standalone file). */
  trees: readonly ConfigTree[];
  /** Maps a path as written in the config to a local absolute path (resolveConfigPath). */
  resolvePath: (written: string) => string;
  /** File path → URI; `file://` URIs by default. */
  toUri?: (filePath: string) => string;
}

/** Lone UTF-16 surrogates (possible in text sent over LSP) make encodeURIComponent throw. */
const defaultToUri = (filePath: string): string => URI.file(filePath.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')).toString();

/** Directives whose first argument may name an upstream group. */
const PASS_DIRECTIVES = new Set(['proxy_pass', 'grpc_pass', 'uwsgi_pass', 'fastcgi_pass', 'scgi_pass', 'memcached_pass']);

/** Directives whose argument may be a named location (`@name`). */
const NAMED_LOCATION_USERS = new Set(['try_files', 'error_page', 'return', 'post_action', 'echo_exec']);

/** Where in a `*_pass` argument an upstream name stands, e.g. `backend` in `https://backend:8443/api`. */
export interface UpstreamReference {
  name: string;
  start: number;
  end: number;
}

/** The upstream group name a `*_pass` directive refers to, if its target can be one. */
export function upstreamReference(text: string, directive: Directive): UpstreamReference | undefined {
  if (!PASS_DIRECTIVES.has(directive.name.value) || directive.args.length === 0) return undefined;
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

/** Every distinct parsed file of the trees, plus `file` (which wins for its path). */
function allFiles(file: ParsedFile | undefined, trees: readonly ConfigTree[]): ParsedFile[] {
  const byPath = new Map<string, ParsedFile>();
  if (file) byPath.set(file.path, file);
  for (const tree of trees) for (const use of tree.files.values()) if (!byPath.has(use.parsed.path)) byPath.set(use.parsed.path, use.parsed);
  return [...byPath.values()];
}

function location(file: ParsedFile, start: number, end: number, toUri: (p: string) => string): Location {
  return { uri: toUri(file.path), range: toRange(file, start, end) };
}

/** `upstream NAME { … }` blocks of the given files, by name. */
function upstreamDefinitions(files: readonly ParsedFile[], name: string): { file: ParsedFile; directive: Directive }[] {
  const found: { file: ParsedFile; directive: Directive }[] = [];
  for (const file of files) {
    walkDirectives(file.syntax.statements, (directive) => {
      if (directive.name.value === 'upstream' && directive.block && directive.args[0]?.value === name) found.push({ file, directive });
    });
  }
  return found;
}

/** Names of every `upstream` block in the trees and in `file` (for completion after `proxy_pass https://`). */
export function upstreamNames(trees: readonly ConfigTree[], file?: ParsedFile): string[] {
  const names = new Set<string>();
  for (const parsed of allFiles(file, trees)) {
    walkDirectives(parsed.syntax.statements, (directive) => {
      if (directive.name.value === 'upstream' && directive.block && directive.args.length > 0) names.add(directive.args[0].value);
    });
  }
  return [...names].sort();
}

/** What navigable thing is at the offset: an include path, an upstream name or a named location. */
type NavigationTarget =
  | { kind: 'include'; directive: Directive; word: Word }
  | { kind: 'upstream'; name: string; start: number; end: number }
  | { kind: 'named-location'; name: string; start: number; end: number; enclosing: Directive[] };

function navigationTarget(file: ParsedFile, offset: number, options: NavigationOptions): NavigationTarget | undefined {
  const at = contextAtOffset(file, offset, { table: options.table, rootContext: options.rootContext });
  const target = at.target;
  if (target.kind !== 'argument' || !target.word) return undefined;
  const directive = target.directive;
  const name = directive.name.value;
  const word = target.word;
  if (name === 'include' && target.index === 0) return { kind: 'include', directive, word };
  if (name === 'upstream' && target.index === 0) return { kind: 'upstream', name: word.value, start: word.start, end: word.end };
  if (target.index === 0) {
    const reference = upstreamReference(file.text, directive);
    if (reference && offset >= reference.start && offset <= reference.end) return { kind: 'upstream', ...reference };
  }
  if ((NAMED_LOCATION_USERS.has(name) || (name === 'location' && target.index === 0)) && word.value.startsWith('@')) {
    return { kind: 'named-location', name: word.value, start: word.start, end: word.end, enclosing: at.enclosing };
  }
  return undefined;
}

/** Definitions of the include target, upstream name or named location at `offset`. */
export function findDefinition(file: ParsedFile, offset: number, options: NavigationOptions): Location[] {
  const toUri = options.toUri ?? defaultToUri;
  const target = navigationTarget(file, offset, options);
  if (!target) return [];
  switch (target.kind) {
    case 'include':
      return includeTargets(file, target.directive, options).map((p) => ({ uri: toUri(p), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }));
    case 'upstream':
      return upstreamDefinitions(allFiles(file, options.trees), target.name).map((d) => location(d.file, d.directive.start, d.directive.end, toUri));
    case 'named-location':
      return namedLocations(file, target.name, target.enclosing, options).map((d) => location(d.file, d.directive.start, d.directive.end, toUri));
  }
}

/** The files an `include` brings in: from the trees when they expanded it, else its resolved path. */
function includeTargets(file: ParsedFile, directive: Directive, options: NavigationOptions): string[] {
  const files = new Set<string>();
  for (const tree of options.trees) {
    const visit = (nodes: typeof tree.nodes): void => {
      for (const node of nodes) {
        if (node.include && node.file.path === file.path && node.directive.start === directive.start) for (const f of node.include.files) files.add(f);
        if (node.children.length > 0) visit(node.children);
      }
    };
    visit(tree.nodes);
  }
  if (files.size > 0) return [...files];
  const written = directive.args[0]?.value;
  if (!written || directive.args[0].hasVariable || hasGlob(written)) return [];
  return [options.resolvePath(written)];
}

/**
 * `location @name` blocks. Named locations belong to a server, so those in the server
 * around the cursor win; otherwise every one of that name is offered.
 */
function namedLocations(file: ParsedFile, name: string, enclosing: readonly Directive[], options: NavigationOptions): { file: ParsedFile; directive: Directive }[] {
  const isNamed = (d: Directive): boolean => d.name.value === 'location' && d.args.length === 1 && d.args[0].value === name;
  const server = [...enclosing].reverse().find((d) => d.name.value === 'server');
  if (server?.block) {
    const local: { file: ParsedFile; directive: Directive }[] = [];
    walkDirectives(server.block.statements, (d) => {
      if (isNamed(d)) local.push({ file, directive: d });
    });
    if (local.length > 0) return local;
  }
  const found: { file: ParsedFile; directive: Directive }[] = [];
  for (const other of allFiles(file, options.trees)) {
    walkDirectives(other.syntax.statements, (d) => {
      if (isNamed(d)) found.push({ file: other, directive: d });
    });
  }
  return found;
}

/** Every place an upstream name is used by a `*_pass` directive, and its definitions when asked. */
export function findReferences(file: ParsedFile, offset: number, options: NavigationOptions, includeDeclaration = true): Location[] {
  const toUri = options.toUri ?? defaultToUri;
  const target = navigationTarget(file, offset, options);
  if (!target || target.kind !== 'upstream') return [];
  const files = allFiles(file, options.trees);
  const locations: Location[] = [];
  if (includeDeclaration) {
    for (const d of upstreamDefinitions(files, target.name)) locations.push(location(d.file, d.directive.args[0].start, d.directive.args[0].end, toUri));
  }
  for (const other of files) {
    walkDirectives(other.syntax.statements, (directive) => {
      const reference = upstreamReference(other.text, directive);
      if (reference && reference.name === target.name) locations.push(location(other, reference.start, reference.end, toUri));
    });
  }
  return locations;
}

/**
 * Server names and upstream groups of every file of the trees whose name contains the
 * query's characters in order (case-insensitive); all of them for an empty query.
 */
export function workspaceSymbols(trees: readonly ConfigTree[], query: string, toUri: (filePath: string) => string = defaultToUri): SymbolInformation[] {
  const symbols: SymbolInformation[] = [];
  const seen = new Set<string>();
  const add = (file: ParsedFile, name: string, kind: SymbolKind, start: number, end: number, container?: string): void => {
    const key = `${file.path}\0${start}\0${name}`;
    if (seen.has(key) || !matchesQuery(name, query)) return;
    seen.add(key);
    symbols.push({ name, kind, location: location(file, start, end, toUri), containerName: container });
  };
  for (const file of allFiles(undefined, trees)) {
    walkDirectives(file.syntax.statements, (directive, parents) => {
      const name = directive.name.value;
      if (name === 'upstream' && directive.block && directive.args.length > 0) {
        add(file, directive.args[0].value, SymbolKind.Struct, directive.start, directive.end, 'upstream');
      }
      if (name === 'server_name') {
        const server = parents[parents.length - 1];
        for (const arg of directive.args) {
          if (arg.value === '' || arg.value === '_') continue;
          add(file, arg.value, SymbolKind.Class, server ? server.start : arg.start, server ? server.end : arg.end, 'server_name');
        }
      }
    });
  }
  return symbols;
}

function matchesQuery(name: string, query: string): boolean {
  const haystack = name.toLowerCase();
  let from = 0;
  for (const ch of query.toLowerCase()) {
    const at = haystack.indexOf(ch, from);
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
}

/** Prefixes of key and certificate values that are not file paths. */
const NOT_A_PATH = /^(data|engine|store):/;

/**
 * Links for `include` paths (without masks) and the file arguments of certificate, key,
 * CRL and password directives, resolved by `resolve` (against the main config's
 * directory). Values with variables or `data:`/`engine:`/`store:` prefixes get none.
 */
export function documentLinks(file: ParsedFile, resolve: (written: string) => string, toUri: (filePath: string) => string = defaultToUri): DocumentLink[] {
  const links: DocumentLink[] = [];
  walkDirectives(file.syntax.statements, (directive) => {
    const name = directive.name.value;
    if (!FILE_DIRECTIVES[name] || directive.args.length === 0 || directive.block) return;
    const arg = directive.args[0];
    const value = arg.value;
    if (value === '' || arg.hasVariable || value.includes('$') || NOT_A_PATH.test(value)) return;
    if (name === 'include' && hasGlob(value)) return;
    const quote = arg.quote ? 1 : 0;
    links.push({
      range: toRange(file, arg.start + quote, arg.end - (quote && file.text[arg.end - 1] === arg.quote ? 1 : 0)),
      target: toUri(resolve(value)),
      tooltip: `Open ${value}`,
    });
  });
  return links;
}
