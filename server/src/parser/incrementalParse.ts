/**
 * Re-parsing only the block an edit happened in. A keystroke inside `server { … }` of a
 * 5,000-line file changes one block body: the statements of that body the edit touches are
 * parsed again (or, when that cannot be done, the whole body) and every other syntax node is
 * kept (the same objects), the offsets of those after the edit moved in place. The result
 * equals a fresh parseConfig() of the new text, field for field
 * (test/parser/incrementalParse.test.ts edits the fixtures at random and compares).
 *
 * Whenever the edit might change how anything outside the body is read, this gives up and
 * the caller parses the whole text: the edit touches the block's braces or header, the body
 * does not close at the old `}`, a comment is carried across the block's edges to the next
 * statement, or the file has a problem whose effect reaches beyond its block (an unclosed
 * block or quote, nesting too deep).
 *
 * The kept nodes are moved, not copied: the old ConfigFile must not be used afterwards (its
 * nodes now hold the new text's offsets). Callers hand out the returned one instead.
 */
import { parseBlockBodyAt, parseRunAt } from './parser';
import { detached, TokenKind } from './tokenizer';
import type { Block, Comment, ConfigFile, Directive, SyntaxProblem } from './syntaxTree';

/** What an incremental parse changed: the block whose body was parsed again, or only a comment. */
export interface BodyEdit {
  /**
   * The directive that owns the re-parsed block (a kept node: its header did not change);
   * undefined when the edit stayed inside one comment and no statement changed.
   */
  owner?: Directive;
  /** The body's statements before the edit (now detached). */
  oldStatements: readonly Directive[];
  /** Length change of the text: new minus old. */
  delta: number;
  /** Old offsets from here on moved by delta (the old `}` of the block, the old end of the comment). */
  movedFrom: number;
  /** Where the texts differ (see TextRegion). */
  region: TextRegion;
  /**
   * Set when only a run of the body's statements was parsed again: the others are the same
   * objects as before (those after the run moved by delta), in `owner`'s new list.
   */
  run?: StatementRun;
}

/** The statements of a body parsed again: old [from, oldTo) became new [from, newTo); the others are kept. */
export interface StatementRun {
  from: number;
  oldTo: number;
  newTo: number;
}

/** Problems whose effect stays inside the block they are found in. */
const LOCAL_PROBLEMS = new Set(['nginx.unexpected-token']);

/**
 * The syntax of `newText` made from `old` (the syntax of the text before the edit) by
 * parsing one block body again, or undefined when a whole parse is needed.
 * `region` is where the texts differ: old [start, oldEnd) became new [start, newEnd).
 */
export function reparseEdit(old: ConfigFile, newText: string, region: TextRegion): { syntax: ConfigFile; edit: BodyEdit } | undefined {
  if (!old.problems.every((p) => LOCAL_PROBLEMS.has(p.code))) return undefined;
  return reparseComment(old, newText, region) ?? reparseStatements(old, newText, region) ?? reparseBlock(old, newText, region);
}

/** Where two texts differ: old [start, oldEnd) became new [start, newEnd). */
export interface TextRegion {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * An edit inside one comment, after its `#`, that types or deletes no line break: nothing
 * but that comment changes (nginx reads a comment to the end of its line), and the comment
 * object is updated in place.
 */
function reparseComment(old: ConfigFile, newText: string, region: TextRegion): { syntax: ConfigFile; edit: BodyEdit } | undefined {
  const index = firstEndingAfter(old.comments, region.start - 1);
  const comment = old.comments[index];
  if (!comment || comment.start >= region.start || region.oldEnd > comment.end) return undefined;
  const typed = newText.slice(region.start, region.newEnd);
  if (typed.includes('\n') || typed.includes('\r')) return undefined;
  const delta = region.newEnd - region.oldEnd;
  const movedFrom = comment.end;
  const end = commentEnd(newText, comment.start);
  if (end !== movedFrom + delta) return undefined;
  shiftFrom(old.statements, movedFrom, delta);
  comment.text = detached(newText.slice(comment.start + 1, end));
  comment.end = end;
  const comments = old.comments.slice();
  for (let i = index + 1; i < comments.length; i++) {
    comments[i].start += delta;
    comments[i].end += delta;
  }
  const problems = old.problems.map((p) => shiftedProblem(p, movedFrom, delta));
  return { syntax: { text: newText, statements: old.statements, comments, problems }, edit: { oldStatements: [], delta, movedFrom, region } };
}

export { detached };

/** Detaches every string the re-parsed nodes took from the new text (see detached). */
function detachStrings(statements: readonly Directive[], comments: readonly Comment[], problems: SyntaxProblem[]): void {
  const words = (directive: Directive): void => {
    directive.name = detached(directive.name);
    for (const arg of directive.args) arg.value = detached(arg.value);
    for (const comment of directive.leadingComments ?? []) comment.text = detached(comment.text);
    for (const child of directive.block?.statements ?? []) words(child);
  };
  for (const statement of statements) words(statement);
  for (const comment of comments) comment.text = detached(comment.text);
  for (let i = 0; i < problems.length; i++) problems[i] = { ...problems[i], message: detached(problems[i].message) };
}

/** Where a comment whose `#` is at `hash` ends, as the tokenizer reads it: the line's end, before a CRLF's \r. */
export function commentEnd(text: string, hash: number): number {
  let end = text.indexOf('\n', hash);
  if (end < 0) end = text.length;
  return end > hash + 1 && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

/**
 * An edit inside one block body where only a run of its statements is parsed again: from the
 * end of the last statement before the edit until a statement ends where an old one ended
 * after the edit (from there on the text is the old text, moved, read from the same state), or
 * until the body's `}`. The statements before the run are kept as they are, those after it
 * moved. At the http level of nginx.conf, whose block holds every included site, a keystroke
 * re-reads one statement instead of the whole body, and the tree keeps the nodes of the others
 * (model/blockRebuild.ts). Gives up on a syntax problem in the run that could reach past its
 * statement (any but LOCAL_PROBLEMS), and on comments that would wait for a statement after the block.
 */
function reparseStatements(old: ConfigFile, newText: string, region: TextRegion): { syntax: ConfigFile; edit: BodyEdit } | undefined {
  const path = enclosingBlockPath(old.statements, region.start, region.oldEnd);
  if (path.length === 0) return undefined;
  const owner = path[path.length - 1];
  const block = owner.block as Block;
  const list = block.statements;
  const delta = region.newEnd - region.oldEnd;
  // Statements that end before the edit are kept; the run starts right after the last of them.
  const from = firstEndingAfter(list, region.start);
  // Comments between the header's name and `{` wait for the body's first statement.
  if (from === 0 && hasCommentIn(old.comments, owner.start, block.start)) return undefined;
  const start = from > 0 ? list[from - 1].end : block.start + 1;
  // A comment inside a statement's words (or after the last statement of its block) waits for
  // the next statement: the run must not start or end after a statement that hands one on.
  // Nor after one that its `;` or `}` did not end (a `}` of the block or the end of the text did).
  const boundaryAfter = (statement: Directive): boolean => statement.terminator !== 'missing' && !handsOnComments(statement, old.comments);
  if (from > 0 && !boundaryAfter(list[from - 1])) return undefined;
  let oldTo = list.length;
  const run = parseRunAt(newText, start, path.length, (statement) => {
    const oldEnd = statement.end - delta;
    if (oldEnd < region.oldEnd) return false;
    const m = firstEndingAfter(list, oldEnd - 1);
    if (m >= list.length || list[m].end !== oldEnd || m < from || !boundaryAfter(list[m])) return false;
    oldTo = m + 1;
    return true;
  });
  // A problem that stays in its statement (a word glued to a quote: an open quote ran on to a
  // later one) leaves the statements after it read as before; any other gives up.
  if (!run.problems.every((p) => LOCAL_PROBLEMS.has(p.code)) || run.commentsPending) return undefined;
  // Without a statement to meet again, the run ends at the body's own `}`; comments that stood
  // after the old body's last statement (at any depth) went to the statement after the block.
  if (run.stop && (run.stop.kind !== TokenKind.close || run.stop.start !== block.end - 1 + delta || hasCommentIn(old.comments, lastStatementStart(block), block.end))) return undefined;
  // Old offsets from here on are kept text, moved by delta: after the statement met again, or
  // after the body's `}` (not at it: a kept statement may end right before the brace).
  let movedFrom = run.stop ? block.end : list[oldTo - 1].end;
  // The statement met again is the old one when all of it stands after the edit, without a
  // comment (spaces typed before it): it is kept, and the run ends before it.
  const last = run.statements[run.statements.length - 1];
  // (Not when the statement kept before the run ends right where it starts: that end would move.)
  if (!run.stop && last && last.start >= region.newEnd && last.start === list[oldTo - 1].start + delta && !last.leadingComments && !list[oldTo - 1].leadingComments
    && (from === 0 || list[from - 1].end < list[oldTo - 1].start)) {
    run.statements.pop();
    oldTo--;
    movedFrom = list[oldTo].start;
    // The comments read inside it are the old ones, kept with it; so are its problems.
    while (run.comments.length > 0 && run.comments[run.comments.length - 1].start >= last.start) run.comments.pop();
    while (run.problems.length > 0 && run.problems[run.problems.length - 1].start >= last.start) run.problems.pop();
  }
  detachStrings(run.statements, run.comments, run.problems);
  // Moved before the new statements go in (they have the new text's offsets already).
  shiftFrom(old.statements, movedFrom, delta);
  block.statements = [...list.slice(0, from), ...run.statements, ...list.slice(oldTo)];
  const keptComments = firstStartingAt(old.comments, movedFrom);
  const comments = [...old.comments.slice(0, firstStartingAt(old.comments, start)), ...run.comments, ...old.comments.slice(keptComments)];
  for (let i = comments.length - (old.comments.length - keptComments); i < comments.length; i++) {
    comments[i].start += delta;
    comments[i].end += delta;
  }
  // The old run's problems give way to the new run's (problems are sorted by offset).
  const problems = [
    ...old.problems.slice(0, firstStartingAt(old.problems, start)),
    ...run.problems,
    ...old.problems.slice(firstStartingAt(old.problems, movedFrom)).map((p) => shiftedProblem(p, movedFrom, delta)),
  ];
  return {
    syntax: { text: newText, statements: old.statements, comments, problems },
    edit: { owner, oldStatements: list, delta, movedFrom, region, run: { from, oldTo, newTo: from + run.statements.length } },
  };
}

/**
 * True when comments inside `statement` wait for the statement after it: those among its words,
 * or after the last statement of a block in it. Every other comment inside it leads a statement
 * nested in it.
 */
function handsOnComments(statement: Directive, comments: readonly Comment[]): boolean {
  const inside = firstStartingAt(comments, statement.end) - firstStartingAt(comments, statement.start + 1);
  if (inside === 0) return false;
  let leading = 0;
  const count = (statements: readonly Directive[]): void => {
    for (const nested of statements) {
      leading += nested.leadingComments?.length ?? 0;
      if (nested.block) count(nested.block.statements);
    }
  };
  count(statement.block?.statements ?? []);
  return leading !== inside;
}

/** An edit inside one block body: that body is parsed again. */
function reparseBlock(old: ConfigFile, newText: string, region: TextRegion): { syntax: ConfigFile; edit: BodyEdit } | undefined {
  const path = enclosingBlockPath(old.statements, region.start, region.oldEnd);
  if (path.length === 0) return undefined;
  const owner = path[path.length - 1];
  const block = owner.block as Block;
  const delta = region.newEnd - region.oldEnd;
  // Comments between the header's name and `{` wait for the body's first statement.
  if (hasCommentIn(old.comments, owner.start, block.start)) return undefined;
  // Comments after the body's last statement wait for the next statement after the block.
  if (hasCommentIn(old.comments, lastStatementStart(block), block.end)) return undefined;
  const body = parseBlockBodyAt(newText, block.start, path.length);
  if (!body.block.closed || body.block.end !== block.end + delta || body.commentsPending) return undefined;
  if (!body.problems.every((p) => LOCAL_PROBLEMS.has(p.code))) return undefined;

  detachStrings(body.block.statements, body.comments, body.problems);
  const oldStatements = block.statements;
  const oldEnd = block.end;
  // The kept nodes from the old `}` on move by delta (the old body lies before it).
  shiftFrom(old.statements, oldEnd, delta);
  block.statements = body.block.statements;

  // The last items of each list move, counted before splicing.
  const commentsAfter = old.comments.length - firstStartingAt(old.comments, oldEnd);
  const comments = spliceByOffset(old.comments, block.start, oldEnd, body.comments);
  for (let i = comments.length - commentsAfter; i < comments.length; i++) {
    comments[i].start += delta;
    comments[i].end += delta;
  }
  const problemsAfter = old.problems.length - firstStartingAt(old.problems, oldEnd);
  const problems = spliceByOffset(old.problems, block.start, oldEnd, body.problems);
  for (let i = problems.length - problemsAfter; i < problems.length; i++) problems[i] = shiftedProblem(problems[i], oldEnd, delta);
  return {
    syntax: { text: newText, statements: old.statements, comments, problems },
    edit: { owner, oldStatements, delta, movedFrom: oldEnd, region },
  };
}

/**
 * The directives, outermost first, down to the innermost closed, non-raw block whose body
 * holds [start, end) strictly inside its braces; empty when no block does.
 */
function enclosingBlockPath(statements: readonly Directive[], start: number, end: number): Directive[] {
  const path: Directive[] = [];
  let list = statements;
  for (;;) {
    const holder = list[firstEndingAfter(list, start)];
    const block = holder?.block;
    if (!holder || !block || !block.closed || block.raw || !(block.start < start && end < block.end)) return path;
    path.push(holder);
    list = block.statements;
  }
}

/** Index of the first item whose end is past `offset` (items sorted, not overlapping). */
function firstEndingAfter(items: readonly { end: number }[], offset: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (items[mid].end <= offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index of the first item starting at or after `offset` (items sorted by start). */
function firstStartingAt(items: readonly { start: number }[], offset: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (items[mid].start < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** True when a comment starts in (from, to). */
function hasCommentIn(comments: readonly Comment[], from: number, to: number): boolean {
  const first = comments[firstStartingAt(comments, from + 1)];
  return first !== undefined && first.start < to;
}

/** Where the last statement (in text order, at any depth) of a block starts; its `{` when empty. */
function lastStatementStart(block: Block): number {
  let last: Directive | undefined;
  for (let list = block.statements; list.length > 0; ) {
    last = list[list.length - 1];
    list = last.block?.statements ?? [];
  }
  return last ? last.start : block.start;
}

/** `items` (sorted by start) with those starting in (from, to) replaced by `inserted`. */
function spliceByOffset<T extends { start: number }>(items: readonly T[], from: number, to: number, inserted: readonly T[]): T[] {
  const first = firstStartingAt(items, from + 1);
  const after = firstStartingAt(items, to);
  return [...items.slice(0, first), ...inserted, ...items.slice(after)];
}

/** The problem with its offsets from `from` on moved by delta (the same object when none moves). */
function shiftedProblem(problem: SyntaxProblem, from: number, delta: number): SyntaxProblem {
  const move = (offset: number): number => (offset >= from ? offset + delta : offset);
  if (problem.end < from && (problem.missingSemicolonAt ?? -1) < from) return problem;
  const moved: SyntaxProblem = { ...problem, start: move(problem.start), end: move(problem.end) };
  if (problem.missingSemicolonAt !== undefined) moved.missingSemicolonAt = move(problem.missingSemicolonAt);
  return moved;
}

/**
 * Moves every offset at or after `from` by delta, in place: the statements after it whole,
 * and the statements around it (their ends, their words after it, their blocks' ends).
 * Comments are moved with the file's list, which holds them all.
 */
function shiftFrom(statements: readonly Directive[], from: number, delta: number): void {
  for (let k = firstEndingAfter(statements, from - 1); k < statements.length; k++) {
    const directive = statements[k];
    if (directive.start >= from) {
      shiftDirective(directive, delta);
      continue;
    }
    directive.end += delta;
    for (const word of directive.args) {
      if (word.start < from) continue;
      word.start += delta;
      word.end += delta;
    }
    const block = directive.block;
    if (!block) continue;
    if (block.start >= from) {
      block.start += delta;
      if (block.raw) block.raw.start += delta;
    }
    block.end += delta;
    if (block.raw) block.raw.end += delta;
    shiftFrom(block.statements, from, delta);
  }
}

/** Moves a directive and everything in it by delta. */
function shiftDirective(directive: Directive, delta: number): void {
  directive.start += delta;
  directive.end += delta;
  directive.nameEnd += delta;
  for (const word of directive.args) {
    word.start += delta;
    word.end += delta;
  }
  const block = directive.block;
  if (!block) return;
  block.start += delta;
  block.end += delta;
  if (block.raw) {
    block.raw.start += delta;
    block.raw.end += delta;
  }
  for (const statement of block.statements) shiftDirective(statement, delta);
}
