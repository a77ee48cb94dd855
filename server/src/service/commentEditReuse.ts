/**
 * Typing inside a comment changes no statement nginx reads: the findings of the last
 * analysis stay right, only the offsets after the edit move. This module decides whether
 * an edit between two texts of a file is such an edit, and moves the offsets of findings.
 *
 * The decision is conservative. An edit qualifies when it lies after the `#` of one
 * comment and before that comment's end, in the old text and the new one alike (no line
 * break typed or deleted, so line numbers in messages stay right), and neither version of
 * the comment is one the checks read: nginx-mtls suppression and context comments, or a
 * `$` (fixes that invent variable names look for names already used anywhere in the text).
 * A finding whose message or fix text quotes the old comment (a fix that moves a statement
 * with a comment inside it) is not reused either: the caller then runs the rules again.
 * test/service/commentEditReuse.test.ts compares reused results with fresh analyses.
 */
import { findingCopy, type Finding, type Fix, type RelatedLocation, type TextEdit } from '../analysis/finding';
import type { ParsedFile } from '../model/parsedFile';
import type { Comment } from '../parser/syntaxTree';
import { Commands, ServerCommands } from '../../../common/protocol';
import { changedRegion } from '../parser/changedRegion';
import { commentEnd, detached } from '../parser/incrementalParse';
import { NAMES_A_LINE, withLinesMoved, type LineShift } from './lineReferences';

export { changedRegion } from '../parser/changedRegion';

/** An edit after which findings are moved, not found again: old text [start, oldEnd) became new text [start, oldEnd + delta). */
export interface ReusableEdit {
  file: string;
  start: number;
  oldEnd: number;
  /** Length change: new length minus old length. */
  delta: number;
  /**
   * The old text around the edit as a message or fix may quote it: the whole comment (`#`
   * included), or the whole statement. Absent when nothing can quote it (blanks between statements).
   */
  oldText?: string;
  /**
   * True when the edit types or deletes line breaks: the lines after it move, and a finding whose
   * message, related messages or fix titles name a line (`on line 12`, `nginx.conf:12`) is not
   * moved (its family runs again), unless `lineShift` tells how the lines move and each line it
   * names is one lineReferences.ts can move.
   */
  linesMove?: true;
  /** With linesMove: which lines move, and by how many. */
  lineShift?: LineShift;
  /**
   * The old span of a statement that gains or loses a word: what stands on it is not moved (a
   * finding's range may end at its last word, and a word added after a blank is past the range's
   * end), so the families that found it run again.
   */
  wordsChangeIn?: { start: number; end: number };
}

/** True when the finding's text names a line (NAMES_A_LINE: `line 12`, or `file.conf:12`; a port such as `:443` looks alike). */
function namesALine(finding: Finding): boolean {
  return NAMES_A_LINE.test(finding.message) || (finding.related ?? []).some((r) => NAMES_A_LINE.test(r.message)) || (finding.fixes ?? []).some((f) => NAMES_A_LINE.test(f.title));
}

/**
 * Moves the lines the texts of `copy` (a finding's copy being made, moved past the edit) name
 * (lineReferences.ts); false when one of them names a line that cannot be moved.
 */
function relineTexts(copy: Finding, file: string, shift: LineShift): boolean {
  const move = (text: string): string | undefined => withLinesMoved(text, file, shift);
  const message = move(copy.message);
  const related = copy.related && eachRetold(copy.related, (r) => r.message, (r, text) => ({ ...r, message: text }), move);
  const fixes = copy.fixes && eachRetold(copy.fixes, (f) => f.title, (f, text) => ({ ...f, title: text }), move);
  if (message === undefined || (copy.related && !related) || (copy.fixes && !fixes)) return false;
  copy.message = message;
  if (related) copy.related = related;
  if (fixes) copy.fixes = fixes;
  return true;
}

/** The items with their text (`textOf`) changed by `change` (`withText` makes the copy); undefined when one cannot be. */
function eachRetold<T>(items: readonly T[], textOf: (item: T) => string, withText: (item: T, text: string) => T, change: (text: string) => string | undefined): T[] | undefined {
  const retold: T[] = [];
  for (const item of items) {
    const text = change(textOf(item));
    if (text === undefined) return undefined;
    retold.push(text === textOf(item) ? item : withText(item, text));
  }
  return retold;
}

/** An edit inside one comment. */
export type CommentEdit = ReusableEdit;

/** Comments the checks read: suppressions, context declarations, variable names. */
const READ_BY_CHECKS = /nginx-mtls|\$/i;

/** The comment whose text (after `#`, up to the line end) holds [start, end]. */
function enclosingComment(comments: readonly Comment[], start: number, end: number): Comment | undefined {
  let low = 0;
  let high = comments.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const comment = comments[mid];
    if (comment.end < start) low = mid + 1;
    else if (comment.start >= start) high = mid - 1;
    else return end <= comment.end ? comment : undefined;
  }
  return undefined;
}

/**
 * The edit from `before` to `after` (two parses of one file) when it only changes the
 * inside of one comment that no check reads; undefined otherwise. Only `after`'s syntax is
 * read: `before`'s nodes may have been moved to `after`'s offsets (model/parsedFile.ts). The
 * texts agree up to the edit, so the `#` that starts the comment in `after` starts one in
 * `before` as well, and that comment runs to the end of its line.
 */
export function commentOnlyEdit(before: ParsedFile, after: ParsedFile): CommentEdit | undefined {
  const region = changedRegion(before.text, after.text);
  if (!region) return undefined;
  const comment = enclosingComment(after.syntax.comments, region.start, region.newEnd);
  // After the `#` (comment.start is the `#`), so the comment still starts where it did.
  if (!comment || region.start <= comment.start) return undefined;
  const typed = after.text.slice(region.start, region.newEnd);
  if (typed.includes('\n') || typed.includes('\r')) return undefined;
  const oldCommentEnd = commentEnd(before.text, comment.start);
  if (region.oldEnd > oldCommentEnd) return undefined;
  const delta = region.newEnd - region.oldEnd;
  const oldComment = before.text.slice(comment.start, oldCommentEnd);
  const newComment = after.text.slice(comment.start, comment.end);
  if (READ_BY_CHECKS.test(oldComment) || READ_BY_CHECKS.test(newComment)) return undefined;
  // Detached: a kept edit must not keep the whole old text (see detached).
  return { file: before.path, start: region.start, oldEnd: region.oldEnd, delta, oldText: detached(oldComment) };
}

/** Commands of fixes whose arguments are known, and which of them are offsets into which file. */
const OFFSET_ARGUMENTS: Record<string, { file: number; offsets: number[] } | null> = {
  [ServerCommands.convertToPem]: { file: 1, offsets: [2, 3] },
  [Commands.addPathMapping]: null,
};

/**
 * The findings with their offsets moved past the edit, or undefined when one of them cannot
 * be moved safely (it quotes the edited text, or has a fix command of unknown arguments).
 */
export function moveFindings<T extends Finding>(findings: readonly T[], edit: ReusableEdit): T[] | undefined {
  const moved: T[] = [];
  // Indexed loops, and arrays copied only from the first item that moves (moveEach): a keystroke
  // at the top of the 5k-line bench file moves every finding below it, in each family that is
  // not run again (4 ms a keystroke, most of it closures and copies of arrays that did not change).
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i];
    // A range with one end inside the edited text has no place in the new text.
    const relined = edit.linesMove === true && namesALine(finding);
    if (quotes(finding.message, edit) || straddles(finding, edit) || (relined && !edit.lineShift) || onReworded(finding, edit)) return undefined;
    const ownRelated = finding.related;
    const related = ownRelated && moveEach(ownRelated, edit, moveRelated);
    if (ownRelated && !related) return undefined;
    const ownFixes = finding.fixes;
    const fixes = ownFixes && moveEach(ownFixes, edit, moveFix);
    if (ownFixes && !fixes) return undefined;
    const shifted = movesPast(finding, edit);
    // Findings before the edit stay the very same objects (nothing mutates a finding once made),
    // unless they name a line the edit moved.
    if (!shifted && related === ownRelated && fixes === ownFixes && !relined) {
      moved.push(finding);
      continue;
    }
    // One copy (a typing burst moves every finding below the edit at each keystroke); related
    // and fixes replace the finding's own, so the copy has the same fields.
    const copy = shifted ? findingCopy(finding, movedOffset(finding.start, edit), movedOffset(finding.end, edit)) : findingCopy(finding);
    if (related !== ownRelated) copy.related = related;
    if (fixes !== ownFixes) copy.fixes = fixes;
    // The copy is not handed out yet: its texts may still change.
    if (relined && edit.lineShift && !relineTexts(copy, edit.file, edit.lineShift)) return undefined;
    moved.push(copy);
  }
  return moved;
}

/** moveFindings past each of `edits` in turn; undefined when one of them cannot be moved past one. */
export function moveFindingsPast<T extends Finding>(findings: readonly T[], edits: readonly ReusableEdit[]): readonly T[] | undefined {
  let moved: readonly T[] | undefined = findings;
  for (let i = 0; i < edits.length && moved; i++) moved = moveFindings(moved, edits[i]);
  return moved;
}

/** True when the finding, one of its related locations or one of its fixes' edits starts on a statement whose words change in number. */
function onReworded(finding: Finding, edit: ReusableEdit): boolean {
  const span = edit.wordsChangeIn;
  if (!span) return false;
  const on = (place: { file: string; start: number }): boolean => place.file === edit.file && place.start >= span.start && place.start < span.end;
  return on(finding) || (finding.related ?? []).some(on) || (finding.fixes ?? []).some((fix) => fix.edits.some(on));
}

/** True when `text` quotes the old text around the edit. */
function quotes(text: string, edit: ReusableEdit): boolean {
  return edit.oldText !== undefined && text.includes(edit.oldText);
}

function straddles(range: { file: string; start: number; end: number }, edit: ReusableEdit): boolean {
  if (range.file !== edit.file) return false;
  return (range.start > edit.start && range.start < edit.oldEnd) || (range.end > edit.start && range.end < edit.oldEnd);
}

/** Where an offset of the edited file's old text stands in its new text. */
export function movedOffset(offset: number, edit: ReusableEdit): number {
  return offset >= edit.oldEnd ? offset + edit.delta : offset;
}

/** True when the edit moves a range: it is in the edited file and its end moves (its start cannot move unless its end does). */
function movesPast(range: { file: string; end: number }, edit: ReusableEdit): boolean {
  return range.file === edit.file && movedOffset(range.end, edit) !== range.end;
}

/**
 * `items` moved past the edit by `move`: the very array when none of them moved, else a copy
 * made from the first that did; undefined when `move` refuses one. `move` is a plain function
 * (no closure made per finding).
 */
function moveEach<T>(items: T[], edit: ReusableEdit, move: (item: T, edit: ReusableEdit) => T | undefined): T[] | undefined {
  let moved = items;
  for (let k = 0; k < items.length; k++) {
    const m = move(items[k], edit);
    if (m === undefined) return undefined;
    if (m !== items[k] && moved === items) moved = items.slice(0, k);
    if (moved !== items) moved.push(m);
  }
  return moved;
}

function moveRelated(related: RelatedLocation, edit: ReusableEdit): RelatedLocation | undefined {
  if (straddles(related, edit) || quotes(related.message, edit)) return undefined;
  // Made field by field (as a moved text edit): all moved ones then share one hidden class, where a
  // copy by spread kept the class of each rule's original, and the code that moves and converts
  // them was optimised again for each new one (issue #15).
  return movesPast(related, edit) ? { file: related.file, start: movedOffset(related.start, edit), end: movedOffset(related.end, edit), message: related.message } : related;
}

function moveTextEdit(e: TextEdit, edit: ReusableEdit): TextEdit | undefined {
  if (quotes(e.newText, edit)) return undefined;
  // An edit that replaces text inside the edited region has no place in the new text.
  if (e.file === edit.file && e.start < edit.oldEnd && e.end > edit.start) return undefined;
  return movesPast(e, edit) ? { file: e.file, start: movedOffset(e.start, edit), end: movedOffset(e.end, edit), newText: e.newText } : e;
}

function moveFix(fix: Fix, edit: ReusableEdit): Fix | undefined {
  const edits = moveEach(fix.edits, edit, moveTextEdit);
  if (!edits) return undefined;
  const same = edits === fix.edits;
  if (!fix.command) return same ? fix : { ...fix, edits };
  const known = OFFSET_ARGUMENTS[fix.command.command];
  if (known === undefined) return undefined;
  if (known === null || fix.command.arguments?.[known.file] !== edit.file) return same ? fix : { ...fix, edits };
  const args = [...(fix.command.arguments ?? [])];
  for (const i of known.offsets) {
    if (typeof args[i] !== 'number') return undefined;
    args[i] = movedOffset(args[i] as number, edit);
  }
  return { ...fix, edits, command: { ...fix.command, arguments: args } };
}

