/** Text edits that keep a configuration's layout: whole lines, the block's indentation. */
import type { ConfigNode } from '../../model/configTree';
import type { ParsedFile } from '../../model/parsedFile';
import type { TextEdit } from '../finding';

/** The whitespace before the first character of the line holding `offset`. */
export function indentationAt(file: ParsedFile, offset: number): string {
  const line = file.lines.positionAt(offset).line;
  const start = file.lines.lineStart(line);
  return /^[ \t]*/.exec(file.text.slice(start, offset))?.[0] ?? '';
}

/** One indentation step as the file uses it (four spaces when it cannot tell). */
export function indentUnit(file: ParsedFile): string {
  let unit = indentUnits.get(file);
  if (unit === undefined) {
    // Cached: the search runs to the end of an unindented file, once per fix otherwise.
    const m = /\n(\t+|[ ]{2,8})\S/.exec(file.text);
    unit = m ? m[1] : '    ';
    indentUnits.set(file, unit);
  }
  return unit;
}

const indentUnits = new WeakMap<ParsedFile, string>();

/** True when only whitespace stands between the start of its line and `offset`. */
function startsLine(file: ParsedFile, offset: number): boolean {
  const start = file.lines.lineStart(file.lines.positionAt(offset).line);
  return /^[ \t]*$/.test(file.text.slice(start, offset));
}

/** Inserts statements on new lines after `node`, at its indentation. */
export function insertAfter(node: ConfigNode, statements: readonly string[]): TextEdit {
  const file = node.file;
  const indent = indentationAt(file, node.directive.start);
  return { file: file.path, start: node.directive.end, end: node.directive.end, newText: statements.map((s) => `\n${indent}${s}`).join('') };
}

/** Inserts statements on new lines before `node`, at its indentation. */
export function insertBefore(node: ConfigNode, statements: readonly string[]): TextEdit {
  const file = node.file;
  const indent = indentationAt(file, node.directive.start);
  return { file: file.path, start: node.directive.start, end: node.directive.start, newText: statements.map((s) => `${s}\n${indent}`).join('') };
}

/**
 * Inserts statements into a block: after its last plain statement written in the block's own
 * file (so the edit stays next to related settings), else right after `{`.
 */
export function insertIntoBlock(block: ConfigNode, statements: readonly string[]): TextEdit {
  const ownFile = block.children.filter((c) => c.file === block.file && !c.directive.block);
  const last = ownFile[ownFile.length - 1];
  if (last) return insertAfter(last, statements);
  const file = block.file;
  const open = block.directive.block ? block.directive.block.start + 1 : block.directive.end;
  const indent = indentationAt(file, block.directive.start) + indentUnit(file);
  return { file: file.path, start: open, end: open, newText: statements.map((s) => `\n${indent}${s}`).join('') };
}

/** Removes a statement together with its line when nothing else stands on it. */
export function removeStatement(node: ConfigNode): TextEdit {
  const file = node.file;
  const text = file.text;
  let start = node.directive.start;
  let end = node.directive.end;
  if (startsLine(file, start)) {
    const lineEndMatch = /^[ \t]*(\r?\n|$)/.exec(text.slice(end));
    if (lineEndMatch) {
      start = file.lines.lineStart(file.lines.positionAt(start).line);
      end += lineEndMatch[0].length;
    }
  }
  return { file: file.path, start, end, newText: '' };
}

/** Replaces a whole statement (keeping its position, so the line's indentation stays). */
export function replaceStatement(node: ConfigNode, newText: string): TextEdit {
  return { file: node.file.path, start: node.directive.start, end: node.directive.end, newText };
}

/** Quotes an argument when nginx would otherwise split or misread it. */
export function quoteArg(value: string): string {
  if (value.length > 0 && !/[\s;{}"'#\\]/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The statement's source text as written. */
export function sourceOf(node: ConfigNode): string {
  return node.file.text.slice(node.directive.start, node.directive.end);
}
