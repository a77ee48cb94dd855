/**
 * Hover for directive names and `$variables`: the documentation of directiveDocs.ts, for
 * the entry (http, stream, mail) that fits the context the directive stands in.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import { directiveMarkdown, variableMarkdown } from './directiveDocs';
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { ParsedFile } from '../model/parsedFile';
import type { Word } from '../parser/syntaxTree';
import { contextAtOffset } from './contextAtOffset';
import { toRange } from './lspConvert';

export interface HoverOptions {
  table: DirectiveTable;
  /** Context of the file's top level; `main` by default. */
  rootContext?: ContextKind;
  /** nginx version the user targets (settings `targetVersion`). */
  targetVersion?: string;
}

/** Hover for the directive name or the variable at `offset`; undefined elsewhere. */
export function hoverDirective(file: ParsedFile, offset: number, options: HoverOptions): Hover | undefined {
  const at = contextAtOffset(file, offset, options);
  const target = at.target;
  if (target.kind === 'directive-name') {
    const name = target.word.value;
    const markdown = directiveMarkdown(name, options.table.entries(name), { context: at.context, targetVersion: options.targetVersion });
    if (!markdown) return undefined;
    return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: toRange(file, target.word.start, target.word.end) };
  }
  if (target.kind === 'argument' && target.word) {
    const variable = variableAt(file.text, target.word, offset);
    if (!variable) return undefined;
    const markdown = variableMarkdown(variable.name);
    if (!markdown) return undefined;
    return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: toRange(file, variable.start, variable.end) };
  }
  return undefined;
}

/**
 * The `$name` or `${name}` reference in a word that covers `offset`, with its range in the
 * text (the `$` included).
 */
export function variableAt(text: string, word: Word, offset: number): { name: string; start: number; end: number } | undefined {
  return variableSpans(text, word).find((v) => offset >= v.start && offset <= v.end);
}

/**
 * Every `$name` and `${name}` reference in a word, with its range in the text. A backslash
 * before `$` makes it literal; single-quoted words have no variables.
 */
export function variableSpans(text: string, word: Word): { name: string; start: number; end: number }[] {
  if (word.quote === "'") return [];
  const raw = text.slice(word.start, word.end);
  const spans: { name: string; start: number; end: number }[] = [];
  const pattern = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  for (let match = pattern.exec(raw); match; match = pattern.exec(raw)) {
    if (match.index > 0 && raw[match.index - 1] === '\\') continue;
    spans.push({ name: '$' + (match[1] ?? match[2]), start: word.start + match.index, end: word.start + match.index + match[0].length });
  }
  return spans;
}
