/**
 * Hover and document highlight for user symbols (upstreams, named locations, `map`/`geo`/
 * `set`… variables): where and how the symbol is defined, with the defining block
 * abbreviated, and its other uses in the open document.
 */
import * as path from 'node:path';
import { DocumentHighlightKind, MarkupKind, type DocumentHighlight, type Hover } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/parsedFile';
import { toRange } from './lspConvert';
import { SymbolIndex, type SymbolIndexOptions, type SymbolOccurrence } from './symbolReferences';

export interface SymbolHoverOptions extends SymbolIndexOptions {
  /** Paths in the hover are shown relative to this directory (nginx's conf prefix) when inside it. */
  confDir?: string;
}

/** Definitions shown in one hover; more are counted, not shown. */
const MAX_DEFINITIONS = 3;
/** A definition longer than this many lines is shown with its middle cut. */
const MAX_LINES = 8;

/** Hover for a user-defined symbol at `offset`; undefined for anything else (built-ins included). */
export function hoverSymbol(file: ParsedFile, offset: number, options: SymbolHoverOptions): Hover | undefined {
  const index = SymbolIndex.around(file, offset, options);
  const at = index.at(file, offset);
  if (at.length === 0) return undefined;
  const all = index.related(at);
  const definitions = all.filter((o) => o.role === 'definition');
  if (definitions.length === 0) return undefined;
  const parts = definitions.slice(0, MAX_DEFINITIONS).map((d) => describeDefinition(d, options.confDir));
  if (definitions.length > MAX_DEFINITIONS) parts.push(`…and ${definitions.length - MAX_DEFINITIONS} more definitions.`);
  const uses = all.filter((o) => o.role === 'reference');
  const files = new Set(uses.map((o) => o.file.path)).size;
  parts.push(uses.length === 0 ? 'Not used anywhere in this configuration.' : `Used ${uses.length} time${uses.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}.`);
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n') }, range: toRange(file, at[0].start, at[0].end) };
}

/** "`map $a $b` — defined in conf.d/maps.conf:3" and the definition's text, abbreviated. */
function describeDefinition(definition: SymbolOccurrence, confDir: string | undefined): string {
  const { file, directive } = definition;
  const headerEnd = directive.block ? directive.block.start : directive.end;
  const header = file.text.slice(directive.start, headerEnd).replace(/\s+/g, ' ').replace(/[ ;]+$/, '');
  const line = file.lines.positionAt(directive.start).line + 1;
  const shownPath = confDir && file.path.startsWith(confDir + path.sep) ? path.relative(confDir, file.path) : file.path;
  return `\`${header}\` — defined in ${shownPath}:${line}\n\n\`\`\`nginx\n${abbreviated(file, directive.start, directive.end)}\n\`\`\``;
}

/** The text of a directive, dedented to its own column, with the middle of a long block cut. */
function abbreviated(file: ParsedFile, start: number, end: number): string {
  const column = file.lines.positionAt(start).character;
  const lines = file.text.slice(start, end).split('\n').map((l, i) => (i === 0 ? l : l.replace(new RegExp(`^ {0,${column}}`), '')));
  if (lines.length <= MAX_LINES) return lines.join('\n');
  const kept = MAX_LINES - 2;
  return [...lines.slice(0, kept), `    # … ${lines.length - kept - 1} more lines`, lines[lines.length - 1]].join('\n');
}

/** The symbol at `offset` and its other occurrences in the same document: Write for definitions, Read for uses. */
export function documentHighlights(file: ParsedFile, offset: number, options: SymbolIndexOptions): DocumentHighlight[] {
  const index = SymbolIndex.around(file, offset, options);
  return index.related(index.at(file, offset))
    .filter((o) => o.file.path === file.path)
    .map((o) => ({ range: toRange(file, o.start, o.end), kind: o.role === 'definition' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
}
