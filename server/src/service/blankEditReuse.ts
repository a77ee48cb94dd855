/**
 * Blanks and line breaks typed or deleted between two words: Enter (with the indentation the
 * editor adds), the indentation of a new, still blank line, the space after a name, a blank
 * line deleted. nginx splits words at any run of blanks and line breaks, so such an edit
 * changes no word and no statement: the findings of the last analysis stay right, only the
 * offsets after the edit move, as after an edit inside a comment (commentEditReuse.ts). Typing
 * a new line in the bench's 5k-line nginx.conf ran every rule family again at each of these
 * keystrokes (issue #15).
 *
 * The decision is conservative. The edit changes one run of spaces, tabs and line feeds
 * between two words (or the file's start or end), which holds some blank before and after the
 * edit, so no word is split or joined. Words on one line stay on one line and words on two
 * lines on two (the missing-`;` check compares the lines of a statement's words), and the
 * blanks that start the line of the word after the run stay as they were (fixes take their
 * indentation from there, analysis/fixes/textEdits.ts). It is refused after a backslash (which
 * would escape a blank), inside a comment or right after one unless a line break ends it before
 * and after (blanks would belong to it), inside a quoted or plain argument, inside a block nginx
 * keeps as text, where the parse reports a problem, and where the run holds a carriage return. The
 * edit is taken as a replacement of the whole run, so what ends before it stays and what starts
 * after it moves; a message or fix that quotes the statement around it is not reused, nor, when
 * lines move, one that names a line (ReusableEdit.linesMove). Which line a suppression comment
 * covers is the next one with a statement, so blank lines leave it alone.
 * test/service/blankEditReuse.test.ts compares reused results with fresh analyses.
 */
import type { ParsedFile } from '../model/parsedFile';
import { changedRegion } from '../parser/changedRegion';
import { detached } from '../parser/incrementalParse';
import type { Directive } from '../parser/syntaxTree';
import { isSpaceCode } from '../parser/tokenizer';
import { statementAt } from './argumentEditReuse';
import type { ReusableEdit } from './commentEditReuse';
import { lineShiftOf } from './lineReferences';

/** A run of blanks between words, as taken here: spaces, tabs and line feeds, at least one. */
const BLANK_RUN = /^[ \t\n]+$/;

const BACKSLASH = 0x5c;

/**
 * The edit from `before` to `after` (two parses of one file) when it only changes one run of
 * blanks between two words as described above: the whole run, old and new; undefined otherwise.
 * Only `after`'s syntax is read (`before`'s nodes may have been moved to `after`'s offsets, see
 * model/parsedFile.ts).
 */
export function blankOnlyEdit(before: ParsedFile, after: ParsedFile): ReusableEdit | undefined {
  const region = changedRegion(before.text, after.text);
  if (!region) return undefined;
  const text = after.text;
  const delta = region.newEnd - region.oldEnd;
  // The run around the edit, from the end of the word before it to the start of the word after.
  let start = region.start;
  while (start > 0 && isSpaceCode(text.charCodeAt(start - 1))) start--;
  let newEnd = region.newEnd;
  while (newEnd < text.length && isSpaceCode(text.charCodeAt(newEnd))) newEnd++;
  const oldEnd = newEnd - delta;
  const oldRun = before.text.slice(start, oldEnd);
  const newRun = text.slice(start, newEnd);
  if (!BLANK_RUN.test(oldRun) || !BLANK_RUN.test(newRun)) return undefined;
  if (start > 0 && text.charCodeAt(start - 1) === BACKSLASH) return undefined;
  // The same lines: words on one line or on two, and the indentation of the word after the run.
  const oldBreak = oldRun.lastIndexOf('\n');
  const newBreak = newRun.lastIndexOf('\n');
  if ((oldBreak < 0) !== (newBreak < 0) || (oldBreak >= 0 && oldRun.slice(oldBreak + 1) !== newRun.slice(newBreak + 1))) return undefined;
  const { comments, problems, statements } = after.syntax;
  // A comment just before the run keeps its text when a line break ends it, before and after.
  if (comments.some((c) => c.start < newEnd && c.end > start) || comments.some((c) => c.end === start && !(oldRun.startsWith('\n') && newRun.startsWith('\n')))) return undefined;
  if (problems.some((p) => p.start <= newEnd && p.end >= start)) return undefined;
  const holder = statementHolding(statements, start, newEnd);
  if (holder === 'inside-text') return undefined;
  const edit: ReusableEdit = { file: after.path, start, oldEnd, delta };
  const lineShift = oldBreak >= 0 ? lineShiftOf(before, after, start, oldEnd, newEnd) : undefined;
  if (lineShift && lineShift.delta !== 0) {
    edit.linesMove = true;
    edit.lineShift = lineShift;
  }
  // What a message or fix may quote: the statement around the run (a block's words before its
  // `{`); detached, as a kept edit must not keep the whole old text (see detached).
  if (holder) edit.oldText = detached(before.text.slice(holder.start, holder.block ? holder.block.start - delta : holder.end - delta));
  return edit;
}

/**
 * The innermost statement among whose own words [start, end] lies (a block statement's words
 * before its `{`); undefined when it lies between the statements of a block, or at the top
 * level; 'inside-text' when it overlaps a word (the name or an argument) or lies in a block
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
