/**
 * Spaces and tabs typed or deleted at the end of a line: the indentation of a new, still blank
 * line (before its first word), or the space after the last word of a line. nginx splits words
 * at any run of blanks, so such an edit changes no word, no statement and no line: the findings
 * of the last analysis stay right, only the offsets after the edit move, as after an edit inside
 * a comment (commentEditReuse.ts). Typing a new line in the bench's 5k-line nginx.conf ran every
 * rule family again at each of these keystrokes (issue #15).
 *
 * The decision is conservative. The edit types and deletes nothing but spaces and tabs, and the
 * new text has a line break right after it, so no word is split or joined and the blanks
 * before every word of the file stay as they were (fixes take their indentation from there,
 * analysis/fixes/textEdits.ts). It is refused after a backslash (which would escape a blank),
 * inside or at the end of a comment (trailing blanks would belong to it), inside a quoted or
 * plain argument, inside a block nginx keeps as text, and where the parse reports a problem.
 * Offsets at the start of an insertion stay (what ends there ends before the blanks, at the word
 * before them); a message or fix that quotes the statement around the edit is not reused.
 * test/service/lineEndSpaceEdit.test.ts compares reused results with fresh analyses.
 */
import type { ParsedFile } from '../model/parsedFile';
import { changedRegion } from '../parser/changedRegion';
import { detached } from '../parser/incrementalParse';
import type { Directive } from '../parser/syntaxTree';
import { statementAt } from './argumentEditReuse';
import type { ReusableEdit } from './commentEditReuse';

const BLANKS = /^[ \t]*$/;

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BACKSLASH = 0x5c;

/**
 * The edit from `before` to `after` (two parses of one file) when it only types or deletes
 * blanks at the end of a line as described above; undefined otherwise. Only `after`'s syntax is
 * read (`before`'s nodes may have been moved to `after`'s offsets, see model/parsedFile.ts).
 */
export function lineEndSpaceEdit(before: ParsedFile, after: ParsedFile): ReusableEdit | undefined {
  const region = changedRegion(before.text, after.text);
  if (!region) return undefined;
  const { start, oldEnd, newEnd } = region;
  const text = after.text;
  if (!BLANKS.test(text.slice(start, newEnd)) || !BLANKS.test(before.text.slice(start, oldEnd))) return undefined;
  const next = text.charCodeAt(newEnd);
  if (next !== LINE_FEED && next !== CARRIAGE_RETURN) return undefined;
  if (start > 0 && text.charCodeAt(start - 1) === BACKSLASH) return undefined;
  const { comments, problems, statements } = after.syntax;
  if (comments.some((c) => c.start < newEnd && c.end >= start)) return undefined;
  if (problems.some((p) => p.start <= newEnd && p.end >= start)) return undefined;
  const holder = statementHolding(statements, start, newEnd);
  if (holder === 'inside-text') return undefined;
  const delta = newEnd - oldEnd;
  const edit: ReusableEdit = { file: after.path, start, oldEnd, delta, anchorsStay: true };
  // What a message or fix may quote: the statement around the edit (a block's words before its
  // `{`); detached, as a kept edit must not keep the whole old text (see detached).
  if (holder) edit.oldText = detached(before.text.slice(holder.start, holder.block ? holder.block.start - delta : holder.end - delta));
  return edit;
}

/**
 * The innermost statement among whose own words [start, end] lies (a block statement's words
 * before its `{`); undefined when it lies between the statements of a block, or at the top
 * level; 'inside-text' when it touches a word (the name or an argument) or lies in a block
 * nginx keeps as text.
 */
function statementHolding(statements: readonly Directive[], start: number, end: number): Directive | undefined | 'inside-text' {
  let list = statements;
  for (;;) {
    const statement = statementAt(list, start);
    if (!statement) return undefined;
    if (end > statement.end) return 'inside-text';
    if (start < statement.nameEnd || statement.args.some((arg) => arg.start < end && arg.end > start)) return 'inside-text';
    const block = statement.block;
    if (!block || end <= block.start) return statement;
    if (block.raw) return 'inside-text';
    list = block.statements;
  }
}
