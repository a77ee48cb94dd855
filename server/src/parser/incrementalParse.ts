/**
 * Re-parsing only the block an edit happened in. A keystroke inside `server { … }` of a
 * 5,000-line file changes one block body: that body is parsed again and every other syntax
 * node is kept (the same objects), the offsets of those after the edit moved in place. The
 * result equals a fresh parseConfig() of the new text, field for field
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
import { parseBlockBodyAt } from './parser';
import type { Block, Comment, ConfigFile, Directive, SyntaxProblem } from './syntaxTree';

/** What an incremental parse changed: the block whose body was parsed again. */
export interface BodyEdit {
  /** The directive that owns the block (a kept node: its header did not change). */
  owner: Directive;
  /** Its directives before the edit, outermost first (kept nodes). */
  ancestors: readonly Directive[];
  /** The body's statements before the edit (now detached). */
  oldStatements: readonly Directive[];
  /** Length change of the text: new minus old. */
  delta: number;
}

/** Problems whose effect stays inside the block they are found in. */
const LOCAL_PROBLEMS = new Set(['nginx.unexpected-token']);

/**
 * The syntax of `newText` made from `old` (the syntax of the text before the edit) by
 * parsing one block body again, or undefined when a whole parse is needed.
 * `region` is where the texts differ: old [start, oldEnd) became new [start, newEnd).
 */
export function reparseBlock(old: ConfigFile, newText: string, region: { start: number; oldEnd: number; newEnd: number }): { syntax: ConfigFile; edit: BodyEdit } | undefined {
  if (!old.problems.every((p) => LOCAL_PROBLEMS.has(p.code))) return undefined;
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

  const oldStatements = block.statements;
  const oldEnd = block.end;
  // The kept nodes after the body move by delta; the blocks around it end delta later.
  for (let i = 0; i < path.length; i++) {
    const directive = path[i];
    const siblings = i === 0 ? old.statements : (path[i - 1].block as Block).statements;
    for (let k = siblings.indexOf(directive) + 1; k < siblings.length; k++) shiftDirective(siblings[k], delta);
    directive.end += delta;
    (directive.block as Block).end += delta;
  }
  block.statements = body.block.statements;

  // Everything from the old `}` on moves: the last items of each list, counted before splicing.
  const commentsAfter = old.comments.length - firstStartingAt(old.comments, oldEnd);
  const comments = spliceByOffset(old.comments, block.start, oldEnd, body.comments);
  for (let i = comments.length - commentsAfter; i < comments.length; i++) {
    comments[i].start += delta;
    comments[i].end += delta;
  }
  const problemsAfter = old.problems.length - firstStartingAt(old.problems, oldEnd);
  const problems = spliceByOffset(old.problems, block.start, oldEnd, body.problems);
  for (let i = problems.length - problemsAfter; i < problems.length; i++) problems[i] = shiftedProblem(problems[i], delta);
  return {
    syntax: { text: newText, statements: old.statements, comments, problems },
    edit: { owner, ancestors: path.slice(0, -1), oldStatements, delta },
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

function shiftedProblem(problem: SyntaxProblem, delta: number): SyntaxProblem {
  const moved: SyntaxProblem = { ...problem, start: problem.start + delta, end: problem.end + delta };
  if (problem.missingSemicolonAt !== undefined) moved.missingSemicolonAt = problem.missingSemicolonAt + delta;
  return moved;
}

/** Moves a directive and everything in it by delta (its comments are moved with the file's list). */
function shiftDirective(directive: Directive, delta: number): void {
  directive.start += delta;
  directive.end += delta;
  directive.name.start += delta;
  directive.name.end += delta;
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
