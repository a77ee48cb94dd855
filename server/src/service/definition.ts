/**
 * Navigation: go to definition for `include` targets and certificate/key paths, and
 * definitions and references of user symbols (upstreams, named locations, `map`/`geo`/`set`
 * variables: see symbolReferences.ts); workspace
 * symbols (server names and upstreams of every configuration tree); and document links for
 * `include` and certificate/key paths. Paths resolve against the main config's directory,
 * as nginx does: https://nginx.org/en/docs/ngx_core_module.html#include
 */
import { URI } from 'vscode-uri';
import { SymbolKind, type DocumentLink, type Location, type SymbolInformation } from 'vscode-languageserver-types';
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { ConfigTree } from '../model/configTree';
import { includeOf } from '../model/configTree';
import { hasGlob } from '../model/glob';
import type { ParsedFile } from '../model/parsedFile';
import { walkDirectives, type Directive } from '../parser/syntaxTree';
import { FILE_DIRECTIVES } from './completion';
import { contextAtOffset } from './contextAtOffset';
import { toRange } from './lspConvert';
import { SymbolIndex } from './symbolReferences';

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

export { upstreamReference, type UpstreamReference } from './symbolReferences';

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

/**
 * The file(s) a path argument at the offset names: what an `include` brings in, or the
 * certificate, key, CRL or password file of a `*ssl_*` directive, resolved as the document
 * links are (so editors that ignore links, e.g. Neovim, can still follow them).
 */
function pathTargets(file: ParsedFile, offset: number, options: NavigationOptions): string[] | undefined {
  const at = contextAtOffset(file, offset, { table: options.table, rootContext: options.rootContext });
  const target = at.target;
  if (target.kind !== 'argument' || !target.word || target.index !== 0) return undefined;
  const directive = target.directive;
  if (directive.name === 'include') return includeTargets(file, directive, options);
  const written = linkablePath(file, directive);
  return written ? [options.resolvePath(written.value)] : undefined;
}

const FILE_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * Definitions of what is at `offset`: the files of an include or certificate path, or the
 * defining directive of an upstream, named location or user variable. A symbol defined
 * nowhere in its own scope (a file no main config includes) falls back to every
 * definition of that name.
 */
export function findDefinition(file: ParsedFile, offset: number, options: NavigationOptions): Location[] {
  const toUri = options.toUri ?? defaultToUri;
  const paths = pathTargets(file, offset, options);
  if (paths) return paths.map((p) => ({ uri: toUri(p), range: FILE_START }));
  const index = SymbolIndex.around(file, offset, options);
  const at = index.at(file, offset);
  if (at.length === 0) return [];
  let definitions = index.related(at).filter((o) => o.role === 'definition');
  if (definitions.length === 0) definitions = index.definitionsNamed(at[0].kind, at[0].name);
  return definitions.map((d) => location(d.file, d.directive.start, d.directive.end, toUri));
}

/** The files an `include` brings in: from the trees when they expanded it, else its resolved path. */
function includeTargets(file: ParsedFile, directive: Directive, options: NavigationOptions): string[] {
  const files = new Set<string>();
  for (const tree of options.trees) {
    const visit = (nodes: typeof tree.nodes): void => {
      for (const node of nodes) {
        if (node.file.path === file.path && node.directive.start === directive.start) for (const f of includeOf(node)?.files ?? []) files.add(f);
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

/** Every use of the upstream, named location or user variable at `offset`, and its definitions when asked. */
export function findReferences(file: ParsedFile, offset: number, options: NavigationOptions, includeDeclaration = true): Location[] {
  const toUri = options.toUri ?? defaultToUri;
  const index = SymbolIndex.around(file, offset, options);
  return index.related(index.at(file, offset))
    .filter((o) => includeDeclaration || o.role === 'reference')
    .map((o) => location(o.file, o.start, o.end, toUri));
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
      const name = directive.name;
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
 * The file path a certificate, key, CRL, password or `include` directive names, with the
 * range of the path inside its quotes. Values with variables or `data:`/`engine:`/`store:`
 * prefixes, and include masks, name no single file.
 */
function linkablePath(file: ParsedFile, directive: Directive): { value: string; start: number; end: number } | undefined {
  const name = directive.name;
  if (!FILE_DIRECTIVES[name] || directive.args.length === 0 || directive.block) return undefined;
  const arg = directive.args[0];
  const value = arg.value;
  if (value === '' || arg.hasVariable || value.includes('$') || NOT_A_PATH.test(value)) return undefined;
  if (name === 'include' && hasGlob(value)) return undefined;
  const quote = arg.quote ? 1 : 0;
  return { value, start: arg.start + quote, end: arg.end - (quote && file.text[arg.end - 1] === arg.quote ? 1 : 0) };
}

/**
 * Links for `include` paths (without masks) and the file arguments of certificate, key,
 * CRL and password directives, resolved by `resolve` (against the main config's directory).
 */
export function documentLinks(file: ParsedFile, resolve: (written: string) => string, toUri: (filePath: string) => string = defaultToUri): DocumentLink[] {
  const links: DocumentLink[] = [];
  walkDirectives(file.syntax.statements, (directive) => {
    const written = linkablePath(file, directive);
    if (written) links.push({ range: toRange(file, written.start, written.end), target: toUri(resolve(written.value)), tooltip: `Open ${written.value}` });
  });
  return links;
}
