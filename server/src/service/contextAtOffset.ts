/**
 * What the cursor is on: the nginx context of the block around an offset, the chain of
 * enclosing block directives, and whether the offset is on a directive name, an argument,
 * a comment, a raw (`*_by_lua_block`) body, or blank space where a statement may start.
 * Completion, hover and definition all start here.
 */
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { ParsedFile } from '../model/parsedFile';
import type { Comment, Directive, Word } from '../parser/syntaxTree';
import { nameWord } from '../parser/parser';

export type CursorTarget =
  /** On (or right after) the name of a directive. */
  | { kind: 'directive-name'; directive: Directive; word: Word }
  /**
   * On argument `index` of `directive`; `word` is absent when the cursor is in blank space
   * between words, where argument `index` would be typed.
   */
  | { kind: 'argument'; directive: Directive; index: number; word?: Word }
  | { kind: 'comment'; comment: Comment }
  /** Inside the verbatim body of a block handed to another parser (Lua code). */
  | { kind: 'raw-body'; directive: Directive }
  /** Blank space where a new statement may begin. */
  | { kind: 'statement-start' };

export interface OffsetContext {
  /** The context of the block the offset is in (for a block directive's own words: the context it stands in). */
  context: ContextKind;
  /** Block directives around the offset, outermost first. */
  enclosing: Directive[];
  target: CursorTarget;
  /** True when the offset is inside a quoted argument, after its opening quote. */
  inString: boolean;
}

export interface ContextAtOffsetOptions {
  table: DirectiveTable;
  /** The context of the file's top level (from ConfigTree file contexts or inferContext); `main` by default. */
  rootContext?: ContextKind;
}

/** Finds the context and the cursor target at `offset` (a UTF-16 offset into `file.text`). */
export function contextAtOffset(file: ParsedFile, offset: number, options: ContextAtOffsetOptions): OffsetContext {
  const comment = file.syntax.comments.find((c) => c.start <= offset && offset <= c.end && offset > c.start);
  let context: ContextKind = options.rootContext ?? 'main';
  const enclosing: Directive[] = [];
  let statements = file.syntax.statements;
  for (;;) {
    const directive = statements.find((d) => d.start <= offset && (offset <= d.end || continuesUnterminated(file.text, d, offset)));
    if (!directive) break;
    const block = directive.block;
    if (block && offset > block.start && (offset < block.end || (!block.closed && offset <= block.end))) {
      enclosing.push(directive);
      context = options.table.childContext(directive.name, context);
      if (block.raw) {
        return { context, enclosing, target: comment ? { kind: 'comment', comment } : { kind: 'raw-body', directive }, inString: false };
      }
      statements = block.statements;
      continue;
    }
    if (comment) return { context, enclosing, target: { kind: 'comment', comment }, inString: false };
    const headerEnd = block ? block.start : directive.terminator === ';' ? directive.end - 1 : directive.end;
    if (offset > headerEnd && !continuesUnterminated(file.text, directive, offset)) break;
    return { context, enclosing, ...wordTarget(file.text, directive, offset) };
  }
  if (comment) return { context, enclosing, target: { kind: 'comment', comment }, inString: false };
  return { context, enclosing, target: { kind: 'statement-start' }, inString: false };
}

/**
 * True when `offset` is in blank space on the same line after a directive that has no `;`
 * or block yet (`location |` typed before a `}`): the user is typing its next argument.
 */
function continuesUnterminated(text: string, directive: Directive, offset: number): boolean {
  return directive.terminator === 'missing' && !directive.block && offset > directive.end && /^[ \t]*$/.test(text.slice(directive.end, offset));
}

function wordTarget(text: string, directive: Directive, offset: number): { target: CursorTarget; inString: boolean } {
  if (offset <= directive.nameEnd) {
    return { target: { kind: 'directive-name', directive, word: nameWord(directive, text) }, inString: false };
  }
  const args = directive.args;
  for (let index = 0; index < args.length; index++) {
    const word = args[index];
    if (offset < word.start) return { target: { kind: 'argument', directive, index }, inString: false };
    if (offset <= word.end) {
      const inString = word.quote !== undefined && offset > word.start && (offset < word.end || !closesWithQuote(text, word));
      return { target: { kind: 'argument', directive, index, word }, inString };
    }
  }
  return { target: { kind: 'argument', directive, index: args.length }, inString: false };
}

/** False for an unterminated quoted word, whose end is the end of its line. */
function closesWithQuote(text: string, word: Word): boolean {
  if (word.end - word.start < 2) return false;
  const last = text[word.end - 1] === ')' ? word.end - 2 : word.end - 1;
  return last > word.start && text[last] === word.quote && text[last - 1] !== '\\';
}

/**
 * The part of a word before the cursor, as written (quotes and escapes included), and the
 * offset where the word starts. Used as the filter prefix of completions.
 */
export function wordPrefix(file: ParsedFile, target: CursorTarget, offset: number): { start: number; text: string } {
  if ((target.kind === 'directive-name' || target.kind === 'argument') && target.word) {
    const start = target.word.start;
    return { start, text: file.text.slice(start, Math.max(start, offset)) };
  }
  return { start: offset, text: '' };
}
