/**
 * Outline and folding: block directives as a DocumentSymbol tree (servers named after their
 * server_name and listen, locations after their match, upstreams and maps after their
 * names), `include` lines as leaves, and folding ranges for blocks and comment runs.
 */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/parsedFile';
import type { Directive } from '../parser/syntaxTree';
import { toRange } from './lspConvert';

const KINDS: Record<string, SymbolKind> = {
  http: SymbolKind.Namespace,
  stream: SymbolKind.Namespace,
  mail: SymbolKind.Namespace,
  events: SymbolKind.Namespace,
  server: SymbolKind.Class,
  location: SymbolKind.Method,
  limit_except: SymbolKind.Method,
  upstream: SymbolKind.Struct,
  map: SymbolKind.Variable,
  geo: SymbolKind.Variable,
  split_clients: SymbolKind.Variable,
  if: SymbolKind.Boolean,
  types: SymbolKind.Object,
  include: SymbolKind.File,
};

/** The symbol tree of a file: every block directive, and `include` statements. */
export function documentSymbols(file: ParsedFile): DocumentSymbol[] {
  return symbolsOf(file, file.syntax.statements);
}

function symbolsOf(file: ParsedFile, statements: readonly Directive[]): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const directive of statements) {
    const name = directive.name;
    if (!directive.block && name !== 'include') continue;
    const { label, detail } = describe(directive);
    const symbol: DocumentSymbol = {
      name: label,
      detail,
      kind: KINDS[name] ?? (name.endsWith('_by_lua_block') ? SymbolKind.Function : SymbolKind.Object),
      range: toRange(file, directive.start, directive.end),
      selectionRange: toRange(file, directive.start, directive.nameEnd),
    };
    if (directive.block && directive.block.statements.length > 0) {
      const children = symbolsOf(file, directive.block.statements);
      if (children.length > 0) symbol.children = children;
    }
    symbols.push(symbol);
  }
  return symbols;
}

/** The outline label and detail of a directive. */
function describe(directive: Directive): { label: string; detail?: string } {
  const name = directive.name;
  const args = directive.args.map((a) => a.value);
  if (name === 'server' && directive.block) {
    const inner = directive.block.statements;
    const names = inner.filter((d) => d.name === 'server_name').flatMap((d) => d.args.map((a) => a.value));
    const listens = inner.filter((d) => d.name === 'listen').map((d) => d.args.map((a) => a.value).join(' '));
    const label = names.length > 0 ? `server ${names.join(' ')}` : listens.length > 0 ? `server ${listens[0]}` : 'server';
    return { label, detail: listens.length > 0 ? `listen ${listens.join(', ')}` : undefined };
  }
  return { label: args.length > 0 ? `${name} ${args.join(' ')}` : name };
}

/** Folding ranges for `{ … }` blocks spanning lines and for runs of two or more comment lines. */
export function foldingRanges(file: ParsedFile): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const visit = (statements: readonly Directive[]): void => {
    for (const directive of statements) {
      const block = directive.block;
      if (!block) continue;
      const startLine = file.lines.positionAt(directive.start).line;
      // The closing brace stays visible: the fold ends on the line before it.
      const closeLine = file.lines.positionAt(block.closed ? block.end - 1 : block.end).line;
      const endLine = block.closed ? closeLine - 1 : closeLine;
      if (endLine > startLine) ranges.push({ startLine, endLine });
      visit(block.statements);
    }
  };
  visit(file.syntax.statements);

  let runStart = -1;
  let runEnd = -1;
  const flush = (): void => {
    if (runStart >= 0 && runEnd > runStart) ranges.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
    runStart = -1;
  };
  for (const comment of file.syntax.comments) {
    const line = file.lines.positionAt(comment.start).line;
    const ownLine = file.text.slice(file.lines.lineStart(line), comment.start).trim() === '';
    if (!ownLine) {
      flush();
      continue;
    }
    if (runStart >= 0 && line === runEnd + 1) {
      runEnd = line;
    } else {
      flush();
      runStart = line;
      runEnd = line;
    }
  }
  flush();
  return ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
