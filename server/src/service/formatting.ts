/**
 * Whitespace-only formatting. The text is split into nginx's own tokens (the tokenizer of
 * the parser, with `*_by_lua_block` bodies kept as opaque text) and only the whitespace
 * *between* tokens is rewritten:
 *
 * - a gap with a line break becomes the line break(s) plus the indentation of the block
 *   depth (one level more on continuation lines of a statement); at most two blank lines
 *   are kept, and trailing whitespace disappears with the old gap;
 * - a gap within a line becomes one space; a gap before `;` disappears; a gap before a
 *   comment on the same line (`}  # note`) and gaps inside `map`/`geo`/`types` bodies
 *   (aligned columns) are kept;
 * - comments lose trailing whitespace only;
 * - continuation lines of a `log_format` that line up under a word of its first line stay
 *   lined up under it (tabs indent, spaces align);
 * - the closing brace of a `*_by_lua_block` is indented like any closing brace: only the
 *   blank end of the body's last line changes, the Lua code itself is kept byte for byte.
 *
 * Two options (both off unless the user asks, see FormatStyle) also break lines: after a
 * statement's `;` or `}` followed by another statement on the same line, and inside a
 * one-line block. A line break is put only where nginx's tokenizer already ends a token (after
 * `;`, `{`, `}`), so it never changes what nginx reads.
 *
 * Tokens are never touched, added, removed, joined or split, and apart from those line
 * breaks no whitespace is put where there was none, so quoted strings, regexes like `\d{3}`,
 * `${var}` and Lua code stay byte-identical. Peers' formatters broke configs in exactly these places (see
 * nginx-tls-facts.md §1.2).
 *
 * The work and the answer are bounded whatever the input: indentation stops growing past
 * MAX_INDENT_DEPTH levels and the tab size is clamped (indentation is otherwise depth x
 * tabSize per line, so 10,000 nested blocks made a 192 MB answer and a tabSize of 10^7 took
 * gigabytes), and edits whose new text would pass the output budget are refused with a
 * FormattingRefusedError instead of being built.
 */
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/parsedFile';
import { isLuaBlockDirective } from '../parser/parser';
import { Tokenizer } from '../parser/tokenizer';

/** A token for formatting: nginx's tokens plus the verbatim body of a Lua block. */
export interface FormatToken {
  type: 'word' | ';' | '{' | '}' | 'comment' | 'raw';
  start: number;
  end: number;
  /** Word value (unescaped), comment text, or raw body text. */
  value: string;
}

/** Blocks whose bodies are tables for a module's own parser, often aligned in columns. */
const TABLE_BODIES = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map']);

/** At most this many blank lines are kept in a row. */
const MAX_BLANK_LINES = 2;

/** Lines nested deeper than this are indented as at this depth (real configurations stay under ten). */
export const MAX_INDENT_DEPTH = 40;

/** The widest indentation unit honoured; the editor's tab size is clamped to 0..this. */
export const MAX_TAB_SIZE = 16;

/** What a tab size that is not a number at all stands for. */
const FALLBACK_TAB_SIZE = 4;

/** The new text of all edits together may be this many characters, or this many times the document's length if more. */
const MIN_OUTPUT_BUDGET = 1 << 20;
const OUTPUT_BUDGET_PER_INPUT_CHAR = 4;

/** The user's formatting choices beyond the editor's FormattingOptions (settings nginxMtls.format.*). */
export interface FormatStyle {
  /** `a; b;` on one line becomes one statement per line. */
  splitStatements?: boolean;
  /** `location / { return 200; }` becomes a block over several lines (empty `{}` stays). */
  expandOneLineBlocks?: boolean;
}

/** Statements whose continuation lines people align under a word of the first line. */
const ALIGNED_CONTINUATIONS = new Set(['log_format']);

/** Formatting was not done because its result would be unreasonably large; the message says why. */
export class FormattingRefusedError extends Error {}

/** The indentation unit for the editor's options, with the tab size clamped to something sane. */
export function indentUnit(options: FormattingOptions): string {
  if (!options.insertSpaces) return '\t';
  const size = Number.isFinite(options.tabSize) ? Math.min(MAX_TAB_SIZE, Math.max(0, Math.floor(options.tabSize))) : FALLBACK_TAB_SIZE;
  return ' '.repeat(size);
}

/** Splits text into tokens the way the parser does, including Lua block bodies. */
export function formatTokens(text: string): FormatToken[] {
  const tokenizer = new Tokenizer(text);
  const tokens: FormatToken[] = [];
  let statementName: string | undefined;
  for (;;) {
    const token = tokenizer.next();
    if (token.type === 'eof') break;
    if (token.type === 'word') {
      tokens.push({ type: 'word', start: token.word.start, end: token.word.end, value: token.word.value });
      statementName ??= token.word.value;
      continue;
    }
    if (token.type === 'comment') {
      tokens.push({ type: 'comment', start: token.comment.start, end: token.comment.end, value: token.comment.text });
      continue;
    }
    tokens.push({ type: token.type, start: token.start, end: token.end, value: token.type });
    if (token.type === '{' && statementName !== undefined && isLuaBlockDirective(statementName)) {
      const close = tokenizer.skipLuaBlock();
      const bodyEnd = close < 0 ? text.length : close;
      tokens.push({ type: 'raw', start: token.end, end: bodyEnd, value: text.slice(token.end, bodyEnd) });
      if (close >= 0) tokens.push({ type: '}', start: close, end: close + 1, value: '}' });
    }
    statementName = undefined;
  }
  return tokens;
}

/** A whitespace replacement, as offsets. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** An open block while formatting. */
interface OpenBlock {
  /** Its body is a table (map, geo…): columns are kept, nothing is split. */
  table: boolean;
  /** It was opened on the same line as its first statement and is being expanded. */
  expanded: boolean;
}

/** The whitespace edits that format the whole text, as offsets, in document order. */
export function formatEdits(text: string, options: FormattingOptions, style: FormatStyle = {}): OffsetEdit[] {
  const unit = indentUnit(options);
  const tokens = formatTokens(text);
  const edits: OffsetEdit[] = [];
  const budget = Math.max(MIN_OUTPUT_BUDGET, OUTPUT_BUDGET_PER_INPUT_CHAR * text.length);
  let output = 0;
  const change = (start: number, end: number, newText: string): void => {
    if (text.slice(start, end) === newText) return;
    output += newText.length;
    if (output > budget) {
      throw new FormattingRefusedError(`Formatting this document would produce more than ${budget} characters of edits (it is ${text.length} characters long); nothing was changed.`);
    }
    edits.push({ start, end, newText });
  };
  const blocks: OpenBlock[] = [];
  let statementName: string | undefined;
  let inStatement = false;
  let previousEnd = 0;
  /** The current statement's first-line words: their column before and their offset after formatting. */
  let anchors: { column: number; offset: number }[] = [];
  /** Offset of the last placed token of the statement's first line from its indentation, and its length. */
  let lineOffset = 0;
  let onFirstLine = false;
  /** Continuation alignment of the current statement, decided by its first continuation line. */
  let alignment: number | undefined | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const previous = i > 0 ? tokens[i - 1] : undefined;
    const gapStart = previousEnd;
    const gap = text.slice(gapStart, token.start);
    const breaks = countLineBreaks(gap);
    const innermost = blocks.length > 0 ? blocks[blocks.length - 1] : undefined;
    if (token.type === 'raw') {
      // Lua code is kept as it is.
    } else if (previous?.type === 'raw') {
      // The closing brace of a Lua block: re-indent it when it starts a line of its own.
      const lastBreak = previous.value.lastIndexOf('\n');
      if (token.type === '}' && lastBreak >= 0 && /^[ \t\f\v\r]*$/.test(previous.value.slice(lastBreak + 1))) {
        change(previous.start + lastBreak + 1, previous.end, indentation(unit, Math.max(0, blocks.length - 1)));
      }
    } else if (i === 0) {
      // Leading blank lines go; the first line is indented like any other.
      change(0, token.start, indentation(unit, depthFor(token, blocks.length, inStatement)));
    } else if (breaks > 0) {
      const eol = gap.includes('\r\n') ? '\r\n' : '\n';
      const lines = Math.min(breaks, MAX_BLANK_LINES + 1);
      let indent = indentation(unit, depthFor(token, blocks.length, inStatement));
      if (inStatement && statementName !== undefined && ALIGNED_CONTINUATIONS.has(statementName) && token.type !== '{') {
        if (alignment === null) {
          const column = token.start - (text.lastIndexOf('\n', token.start - 1) + 1);
          alignment = anchors.find((a) => a.column === column)?.offset;
        }
        if (alignment !== undefined) indent = indentation(unit, blocks.length) + ' '.repeat(alignment);
      }
      change(gapStart, token.start, eol.repeat(lines) + indent);
    } else if (previous && token.type !== 'comment' && !innermost?.table && breaksLine(previous, token, innermost, style)) {
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      change(gapStart, token.start, eol + indentation(unit, depthFor(token, blocks.length, inStatement)));
      if (previous.type === '{' && blocks.length > 0) blocks[blocks.length - 1].expanded = true;
    } else if (gap.length > 0) {
      if (token.type === 'comment' || innermost?.table) {
        // Trailing comments and table columns keep their alignment.
      } else if (token.type === ';' && previous?.type === 'word') {
        change(gapStart, token.start, '');
      } else {
        change(gapStart, token.start, ' ');
      }
    }
    if (token.type === 'comment') {
      const trimmed = token.value.replace(/[ \t\f\v\r]+$/, '');
      if (trimmed.length !== token.value.length) change(token.start + 1 + trimmed.length, token.end, '');
    }
    switch (token.type) {
      case 'word':
        if (!inStatement) {
          statementName = token.value;
          anchors = [];
          alignment = null;
          onFirstLine = true;
          lineOffset = 0;
        } else if (onFirstLine && breaks === 0) {
          lineOffset += (previous ? previous.end - previous.start : 0) + (gap.length > 0 ? 1 : 0);
          anchors.push({ column: token.start - (text.lastIndexOf('\n', token.start - 1) + 1), offset: lineOffset });
        } else {
          onFirstLine = false;
        }
        inStatement = true;
        break;
      case ';':
        inStatement = false;
        statementName = undefined;
        break;
      case '{':
        blocks.push({ table: statementName !== undefined && TABLE_BODIES.has(statementName), expanded: false });
        inStatement = false;
        statementName = undefined;
        break;
      case '}':
        blocks.pop();
        inStatement = false;
        statementName = undefined;
        break;
      default:
        break;
    }
    previousEnd = token.end;
  }
  // The end of the file: no trailing whitespace; keep one final line break if there was one.
  const tail = text.slice(previousEnd);
  if (tokens.length > 0 || tail.length > 0) {
    const finalBreak = countLineBreaks(tail) > 0 ? (tail.includes('\r\n') ? '\r\n' : '\n') : '';
    const lastIsRaw = tokens.length > 0 && tokens[tokens.length - 1].type === 'raw';
    if (!lastIsRaw) change(previousEnd, text.length, tokens.length > 0 ? finalBreak : '');
  }
  return edits;
}

/**
 * Whether the style puts a line break between two tokens on the same line. Only after `;`,
 * `{` or `}`, where nginx's tokenizer ends a token anyway; never inside an empty `{}`.
 */
function breaksLine(previous: FormatToken, token: FormatToken, block: OpenBlock | undefined, style: FormatStyle): boolean {
  const split = style.splitStatements === true;
  const expand = style.expandOneLineBlocks === true;
  if (token.type === 'word' && previous.type === ';') return split || (expand && block?.expanded === true);
  // The closing brace of an expanded block ends its line.
  if (token.type === 'word' && previous.type === '}') return split || expand;
  if (!expand) return false;
  if (previous.type === '{') return token.type !== '}';
  return token.type === '}';
}

function countLineBreaks(gap: string): number {
  let n = 0;
  for (let i = 0; i < gap.length; i++) if (gap.charCodeAt(i) === 10) n++;
  return n;
}

/** Depth of a token that starts a line: `}` closes its level; continuation lines go one deeper. */
function depthFor(token: FormatToken, depth: number, inStatement: boolean): number {
  if (token.type === '}') return Math.max(0, depth - 1);
  if (inStatement && token.type !== '{') return depth + 1;
  return depth;
}

function indentation(unit: string, depth: number): string {
  return unit.repeat(Math.min(depth, MAX_INDENT_DEPTH));
}

function toTextEdit(file: ParsedFile, edit: OffsetEdit): TextEdit {
  return { range: { start: file.lines.positionAt(edit.start), end: file.lines.positionAt(edit.end) }, newText: edit.newText };
}

/** Edits that re-indent and re-space the whole file. Empty when it is already formatted. */
export function formatDocument(file: ParsedFile, options: FormattingOptions, style: FormatStyle = {}): TextEdit[] {
  return formatEdits(file.text, options, style).map((e) => toTextEdit(file, e));
}

/**
 * Edits for the lines `range` touches: the whitespace before each token that starts on
 * those lines (its indentation or its spacing) and trailing whitespace on them.
 */
export function formatRange(file: ParsedFile, range: Range, options: FormattingOptions, style: FormatStyle = {}): TextEdit[] {
  const first = range.start.line;
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  return formatEdits(file.text, options, style)
    .filter((e) => {
      // An edit belongs to the line where the text after it starts.
      const line = file.lines.positionAt(e.end).line;
      return line >= first && line <= last;
    })
    .map((e) => toTextEdit(file, e));
}
