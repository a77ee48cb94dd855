/**
 * Names that completion offers from the whole configuration, not just the open file:
 * `upstream` groups by family (an http `proxy_pass` cannot use a stream upstream, nor the
 * reverse) and the `@name`s of named locations.
 */
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { ConfigTree } from '../model/configTree';
import type { ParsedFile } from '../model/parsedFile';
import type { Directive } from '../parser/syntaxTree';
import { namedLocationsIn } from './argumentValues';

export interface FileInContexts {
  parsed: ParsedFile;
  /** The contexts the file's top level stands in (every place it is included from). */
  contexts: Iterable<ContextKind>;
}

export interface CompletionNames {
  /** Upstreams in http, plus those whose context cannot be told. */
  httpUpstreams: string[];
  /** Upstreams in stream, plus those whose context cannot be told. */
  streamUpstreams: string[];
  namedLocations: string[];
}

export function completionNames(files: readonly FileInContexts[], table: DirectiveTable): CompletionNames {
  const http = new Set<string>();
  const stream = new Set<string>();
  const named = new Set<string>();
  const seen = new Set<string>();
  for (const { parsed, contexts } of files) {
    if (seen.has(parsed.path)) continue;
    seen.add(parsed.path);
    for (const name of namedLocationsIn(parsed)) named.add(name);
    for (const context of contexts) {
      visit(parsed.syntax.statements, context, table, (name, where) => {
        if (where !== 'stream') http.add(name);
        if (where !== 'http') stream.add(name);
      });
    }
  }
  const sorted = (names: Set<string>): string[] => [...names].sort();
  return { httpUpstreams: sorted(http), streamUpstreams: sorted(stream), namedLocations: sorted(named) };
}

/** Calls `found` for each `upstream` block with the context it stands in. */
function visit(statements: readonly Directive[], context: ContextKind, table: DirectiveTable, found: (name: string, context: ContextKind) => void): void {
  for (const directive of statements) {
    if (!directive.block) continue;
    if (directive.name === 'upstream' && directive.args.length > 0) found(directive.args[0].value, context);
    const child = table.childContext(directive.name, context);
    if (child !== 'custom-body') visit(directive.block.statements, child, table, found);
  }
}

/** The configuration-wide names of CompletionOptions, from the trees and the open file. */
export function completionOptionsFromTrees(trees: readonly ConfigTree[], file: ParsedFile, fileContext: ContextKind, table: DirectiveTable): { upstreamNames: string[]; streamUpstreamNames: string[]; namedLocations: string[] } {
  const files: FileInContexts[] = [{ parsed: file, contexts: [fileContext] }];
  for (const tree of trees) for (const use of tree.files.values()) if (use.parsed.path !== file.path) files.push(use);
  const names = completionNames(files, table);
  return { upstreamNames: names.httpUpstreams, streamUpstreamNames: names.streamUpstreams, namedLocations: names.namedLocations };
}
