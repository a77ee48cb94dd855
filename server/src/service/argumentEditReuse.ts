/**
 * Typing inside the arguments of one directive (`add_header X-Trace "ab|"`) changes what the
 * families reading that directive see, and nothing else: a family that never reads the
 * directive's arguments (RuleFamily.argumentsUnread) would find what it found before, at
 * offsets moved past the edit. This module decides whether an edit between two texts of a
 * file is such an edit, and which directive it is in.
 *
 * The same holds for typing the name of a directive nginx does not know, before and after (a
 * name being written, `add_hea` on its way to `add_header`): only the block-local families read
 * such a statement (ArgumentEdit.renamedFrom).
 *
 * The decision is conservative. The changed text, before and after, holds no character that
 * could change how the rest of the file is read (quotes, backslashes, `;`, braces, `#`, line
 * breaks; but a pair of quotes typed or deleted whole, as an editor closes the quote it opens,
 * when it is one empty argument) and no `$` (checks look for variable references in every
 * argument). It lies after the directive's name (or inside a name unknown before and after,
 * outside stream blocks) and before its `;`, in a directive without a block whose parent is a
 * plain context block (http, server, location, if, limit_except, stream, or a file's top
 * level): in map, geo, types, upstream and similar blocks the "names" are data. The whole
 * statement, before and after, holds no `$`, and no syntax problem unless the edit lies between
 * the quotes of one word (a quote typed without its pair runs on to the next quote of the file,
 * and what is typed after it lands there: a character at a time in an editor that does not
 * close quotes).
 * test/service/argumentEditReuse.test.ts edits directives in every rule fixture and requires
 * the findings of a fresh analysis; test/service/nameEditReuse.test.ts types names into each.
 */
import type { Directive, Word } from '../parser/syntaxTree';
import type { ParsedFile } from '../model/parsedFile';
import { changedRegion } from '../parser/changedRegion';
import { detached } from '../parser/incrementalParse';
import { parseConfig } from '../parser/parser';
import { getDirectiveTable } from '../directives/directiveTable';
import { isQuote } from '../parser/tokenizer';
import type { Finding } from '../analysis/finding';
import type { RuleFamily } from '../analysis/ruleContext';
import type { ConfigNode, ConfigTree } from '../model/configTree';
import { nodesOfFile } from '../model/treeIndexes';
import { inheritedFrom, isOnWord, writes } from '../model/effectiveConfig';
import { movedOffset, moveFindings, type ReusableEdit } from './commentEditReuse';

/** An edit inside the arguments of one directive. */
export interface ArgumentEdit extends ReusableEdit {
  /** The directive's name. */
  directive: string;
  /** The statement's first argument (a header's name, an on/off value) before and after the edit. */
  firstArgument: { before: string | undefined; after: string | undefined };
  /** How many arguments the statement has before and after the edit. */
  argumentCount: { before: number; after: number };
  /**
   * For an edit inside the name of a directive nginx does not know, before or after (a name
   * being typed: `add_hea` on the way to `add_header`): the old name (`directive` is the new one).
   */
  renamedFrom?: string;
}

/** Characters whose typing or deletion may change how the text after them is read. */
const STRUCTURAL = /["'\\;{}#$\r\n]/;

/** Blocks whose statements are directives with their usual meaning (not data, as in map or types). */
export const PLAIN_BLOCKS: ReadonlySet<string> = new Set(['http', 'server', 'location', 'if', 'limit_except', 'stream']);

/**
 * The edit from `before` to `after` (two parses of one file) when it only changes the
 * arguments of one directive as described above; undefined otherwise. Only `after`'s syntax
 * is read (`before`'s nodes may have been moved to `after`'s offsets, see model/parsedFile.ts);
 * the texts agree outside the edit.
 */
export function argumentOnlyEdit(before: ParsedFile, after: ParsedFile): ArgumentEdit | undefined {
  const region = changedRegion(before.text, after.text);
  if (!region) return undefined;
  const typed = after.text.slice(region.start, region.newEnd);
  const removed = before.text.slice(region.start, region.oldEnd);
  // A pair of quotes typed or deleted whole (an editor closes the quote it opens): an empty
  // argument, when the parse reads it as one (checked below).
  const pair = removed === '' && isEmptyQuotes(typed) ? 'typed' : typed === '' && isEmptyQuotes(removed) ? 'removed' : undefined;
  if (!pair && (STRUCTURAL.test(typed) || STRUCTURAL.test(removed))) return undefined;
  const directive = innermostPlainStatement(after.syntax.statements, region.start, region.newEnd);
  if (!directive || directive.block || directive.terminator !== ';') return undefined;
  // After the name (so it is the same name), or inside a name nginx does not know (below);
  // before the `;` (so the statement still ends there).
  const semicolon = directive.end - 1;
  const inName = region.newEnd <= directive.nameEnd;
  if ((region.start <= directive.nameEnd && !inName) || region.newEnd > semicolon || isQuote(after.text.charCodeAt(directive.start))) return undefined;
  const delta = region.newEnd - region.oldEnd;
  const newStatement = after.text.slice(directive.start, directive.end);
  const oldStatement = before.text.slice(directive.start, directive.end - delta);
  if (newStatement.includes('$') || oldStatement.includes('$')) return undefined;
  // A statement the parser had to recover from: an edit inside a quoted word's content, of
  // characters that neither end the word nor escape (STRUCTURAL), leaves every token around the
  // word as it was, and so the problems too (an open quote that ran on into a later quoted
  // argument: `add_header X "ty` above `ssl_ciphers "…";` reads up to that quote, and the word
  // glued to it is the one problem; typing on between the quotes changes only the long word).
  if (after.syntax.problems.some((p) => p.start < directive.end && p.end >= directive.start) && (pair || !insideQuotedWord(directive.args, region.start, region.newEnd))) return undefined;
  const old = parseConfig(oldStatement).statements[0];
  if (inName && !unknownRename(old?.name, directive.name, after.syntax.statements, region.start)) return undefined;
  if (pair === 'typed' && !isEmptyArgument(directive.args, region.start, region.newEnd)) return undefined;
  if (pair === 'removed' && !isEmptyArgument(old?.args ?? [], region.start - directive.start, region.oldEnd - directive.start)) return undefined;
  const oldArgs = old?.args ?? [];
  const firstArgument = { before: oldArgs[0]?.value, after: directive.args[0]?.value };
  const argumentCount = { before: oldArgs.length, after: directive.args.length };
  // Detached: a kept edit must not keep the whole old text (see detached).
  const edit: ArgumentEdit = { file: after.path, start: region.start, oldEnd: region.oldEnd, delta, oldText: detached(oldStatement), directive: directive.name, firstArgument, argumentCount };
  if (inName) edit.renamedFrom = detached(old?.name ?? '');
  if (argumentCount.before !== argumentCount.after) edit.wordsChangeIn = { start: directive.start, end: directive.end - delta };
  return edit;
}

/** True when [start, end] lies within the content of one quoted word of `args` (between its quotes). */
function insideQuotedWord(args: readonly Word[], start: number, end: number): boolean {
  return args.some((arg) => arg.quote !== undefined && start > arg.start && end < arg.end);
}

function isEmptyQuotes(text: string): boolean {
  return text === '""' || text === "''";
}

/** True when one of `args` is an empty quoted word spanning exactly [start, end). */
function isEmptyArgument(args: readonly Word[], start: number, end: number): boolean {
  return args.some((arg) => arg.start === start && arg.end === end && arg.quote !== undefined && arg.value === '');
}

/**
 * True when a name typed into is one nginx does not know before and after (a directive's name
 * on its way to being written), outside any `stream` block. No family but the block-local ones
 * reads a statement nginx does not know: they check its block again (the unknown-directive and
 * argument checks), the others keep their findings (unreadByEdit). In stream servers, a
 * family reads each server's first statement, whatever its name, for the server's settings.
 */
function unknownRename(before: string | undefined, after: string, statements: readonly Directive[], offset: number): boolean {
  const table = getDirectiveTable();
  if (before === undefined || table.isKnown(before) || table.isKnown(after)) return false;
  for (let list = statements, found = statementAt(list, offset); found?.block; list = found.block.statements, found = statementAt(list, offset)) {
    if (found.name === 'stream') return false;
  }
  return true;
}

/**
 * True when the family reads nothing that `edit` changed: it never reads the directive's
 * arguments, or reads them only in ways the edit leaves as they were (the RuleFamily declarations
 * checked here). An argument edit holds no `$`, before or after (argumentOnlyEdit).
 */
export function unreadByEdit(family: RuleFamily, edit: ArgumentEdit): boolean {
  if (edit.renamedFrom !== undefined) return family.blockLocal !== true;
  return family.argumentsUnread?.has(edit.directive) === true || family.argumentsReadForVariables?.has(edit.directive) === true
    || headerLineUnread(family, edit) || headerNameKept(family, edit) || switchUnchanged(family, edit);
}

/**
 * True when `edit` lies inside the arguments of a header line whose header, before and after,
 * is none of those the family reads (RuleFamily.headerLinesRead).
 */
function headerLineUnread(family: RuleFamily, edit: ArgumentEdit): boolean {
  const read = family.headerLinesRead?.get(edit.directive);
  if (!read) return false;
  const { before, after } = edit.firstArgument;
  return !(before !== undefined && read.has(before.toLowerCase())) && !(after !== undefined && read.has(after.toLowerCase()));
}

/**
 * True when `edit` lies inside the arguments of a header line of which the family reads only the
 * header's name and whether a value follows (RuleFamily.headerNamesRead), and keeps both.
 */
function headerNameKept(family: RuleFamily, edit: ArgumentEdit): boolean {
  const { firstArgument: name, argumentCount: count } = edit;
  return family.headerNamesRead?.has(edit.directive) === true && name.before?.toLowerCase() === name.after?.toLowerCase()
    && (count.before >= 2) === (count.after >= 2);
}

/**
 * True when `edit` lies inside the arguments of an on/off setting that the family reads only as
 * on or not (RuleFamily.argumentsReadAsSwitch), and leaves it on, or not on, as it was.
 */
function switchUnchanged(family: RuleFamily, edit: ArgumentEdit): boolean {
  return family.argumentsReadAsSwitch?.has(edit.directive) === true && isOnWord(edit.firstArgument.before) === isOnWord(edit.firstArgument.after);
}

/** The innermost statement holding [start, end], when every block on the way is a plain one. */
function innermostPlainStatement(statements: readonly Directive[], start: number, end: number): Directive | undefined {
  let list = statements;
  for (;;) {
    const found = containing(list, start, end);
    if (!found) return undefined;
    const block = found.block;
    if (!block || start < block.start || end > block.end) return found;
    if (!PLAIN_BLOCKS.has(found.name) || block.raw) return undefined;
    list = block.statements;
  }
}

/** The statement of a sorted list whose span holds [start, end]. */
function containing(statements: readonly Directive[], start: number, end: number): Directive | undefined {
  const statement = statementAt(statements, start);
  return statement && end <= statement.end ? statement : undefined;
}

/** The statement of a sorted list whose span holds `offset` (from its first character to just before its end). */
export function statementAt(statements: readonly Directive[], offset: number): Directive | undefined {
  let low = 0;
  let high = statements.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const statement = statements[mid];
    if (statement.end <= offset) low = mid + 1;
    else if (statement.start > offset) high = mid - 1;
    else return statement;
  }
  return undefined;
}

/**
 * The block whose body holds the edited statement, when a block-local family
 * (RuleFamily.blockLocal) may check that body alone: the statement stands once in the tree
 * (its file is not included twice), and its block is of the same file, closed, and holds no
 * block of another file, so that the family's findings that the edit can change are exactly
 * those between its braces. Plain statements an `include` brings into it are allowed: what a
 * block-local family finds on them does not depend on the arguments of the block's own
 * statements (see RuleFamily.blockLocal), so their findings are kept. The bench's servers each
 * include a snippet of TLS settings; until this was allowed, typing in any of them ran those
 * families over the whole file (issue #15).
 */
export function editedBlock(tree: ConfigTree, edit: ArgumentEdit): ConfigNode | undefined {
  const statement = editedStatement(tree, edit);
  const block = statement?.parent;
  if (!statement || !block || block.file !== statement.file || !block.directive.block?.closed) return undefined;
  return holdsBlockOfOtherFile(block.children, statement.file) ? undefined : block;
}

/** True when a block of a file other than `file` stands among `nodes`, at any depth (found without listing them). */
function holdsBlockOfOtherFile(nodes: readonly ConfigNode[], file: ConfigNode['file']): boolean {
  for (const node of nodes) {
    if (node.directive.block && node.file !== file) return true;
    if (node.children.length > 0 && holdsBlockOfOtherFile(node.children, file)) return true;
  }
  return false;
}

/** The statement without a block that holds the edit, when it stands once in the tree. */
function editedStatement(tree: ConfigTree, edit: ArgumentEdit): ConfigNode | undefined {
  const holds = (node: ConfigNode): boolean => node.file.path === edit.file && edit.start >= node.directive.start && edit.start < node.directive.end;
  if (edit.file === tree.mainFile) {
    // The main file stands once: down through the blocks that hold the edit, without listing
    // its statements (4,438 of them at every keystroke in the benchmark's 5k-line file).
    for (let list: readonly ConfigNode[] = tree.nodes; ;) {
      const node = list.find(holds);
      if (!node?.directive.block) return node;
      list = node.children;
    }
  }
  let statement: ConfigNode | undefined;
  for (const node of nodesOfFile(tree, edit.file)) {
    if (node.directive.block || !holds(node)) continue;
    if (statement) return undefined;
    statement = node;
  }
  return statement;
}

/** Blocks a family judges again (RuleFamily.inheritedArrays), and where their own statements stand. */
export interface BlocksJudged {
  blocks: readonly ConfigNode[];
  /** True when `place` starts inside one of the blocks' own statements of their own file (not a block). */
  holds(place: { file: string; start: number }): boolean;
}

/**
 * For a family that reads the edited directive as an array inherited whole
 * (RuleFamily.inheritedArrays): of the blocks of the checked files (`checked`, the only ones a
 * family judges), the block of the edited statement and those that inherit that directive from
 * it (the nearest enclosing level writing it). Undefined when the statement does not stand once
 * in the tree or stands at a file's top level, or when a checked file other than the main one
 * is included more than once (two blocks would then share their statements' places).
 */
export function blocksInheritingEdited(tree: ConfigTree, edit: ArgumentEdit, checked: readonly string[]): BlocksJudged | undefined {
  const statement = editedStatement(tree, edit);
  const level = statement?.parent;
  if (!statement || !level) return undefined;
  const blocks: ConfigNode[] = [];
  const ranges = new Map<string, { start: number; end: number }[]>();
  for (const file of checked) {
    if (ranges.has(file)) continue;
    if (file !== tree.mainFile && !standsOnce(tree, file)) return undefined;
    const list: { start: number; end: number }[] = [];
    ranges.set(file, list);
    // The statements of the file, its blocks among them; a block that writes the directive
    // takes it from the nearest level around it that does. Indexed loops: this runs once a
    // keystroke over every statement of the file, before V8 has optimised it, and a for...of
    // made an iterator result per statement (#15).
    const nodes = nodesOfFile(tree, file);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (!node.directive.block) continue;
      if (node !== level && !(writes(node, edit.directive) && inheritedFrom(node, edit.directive, tree)?.node === level)) continue;
      blocks.push(node);
      const children = node.children;
      for (let k = 0; k < children.length; k++) {
        const child = children[k];
        if (!child.directive.block && child.file === node.file) list.push({ start: child.directive.start, end: child.directive.end });
      }
    }
    list.sort((a, b) => a.start - b.start);
  }
  return {
    blocks,
    holds(place) {
      const list = ranges.get(place.file);
      const range = list && lastStartingBy(list, place.start);
      return range !== undefined && place.start < range.end;
    },
  };
}

/** True when the file is included once: no statement of it stands twice in the tree. */
function standsOnce(tree: ConfigTree, file: string): boolean {
  const seen = new Set<Directive>();
  for (const node of nodesOfFile(tree, file)) {
    if (seen.has(node.directive)) return false;
    seen.add(node.directive);
  }
  return true;
}

/** Of ranges sorted by start that do not overlap, the last one starting at or before `offset`. */
function lastStartingBy(ranges: readonly { start: number; end: number }[], offset: number): { start: number; end: number } | undefined {
  let low = 0;
  let high = ranges.length - 1;
  let found: { start: number; end: number } | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (ranges[mid].start <= offset) {
      found = ranges[mid];
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/**
 * For a family that judges `judged` again (RuleFamily.inheritedArrays): its findings from before
 * the edit without those on the judged blocks' own statements, moved past the edit; undefined
 * when one of them cannot be moved.
 */
export function findingsOffBlocks(findings: readonly Finding[], judged: BlocksJudged, edit: ArgumentEdit): Finding[] | undefined {
  // Those judged again may quote the edited statement (a fix that copies it): left out before moving.
  const others = findings.filter((f) => !judged.holds({ file: f.file, start: f.file === edit.file ? movedOffset(f.start, edit) : f.start }));
  return moveFindings(others, edit);
}

/**
 * The argument of the edited statement before and after the edit, when it has exactly one both
 * times (a file path being typed) and stands once in the tree.
 */
export function editedPath(tree: ConfigTree, edit: ArgumentEdit): { before: string; after: string } | undefined {
  const statement = editedStatement(tree, edit);
  const before = edit.firstArgument.before;
  if (!statement || before === undefined || statement.directive.args.length !== 1 || edit.argumentCount.before !== 1) return undefined;
  return { before, after: statement.directive.args[0].value };
}

/**
 * Of a family's findings from before the edit, those outside the body of the edited block
 * (which the family checks again), moved past the edit; undefined when one of them points into
 * that body (its related locations), as it would then depend on what the edit changed. With
 * `relatedInBody`, for a family that reads the body from elsewhere only through statements the
 * edit left as they were (RuleFamily.serverLocalUnless), a related location may point into the
 * body, but not onto a statement the edit changed (moveFindings refuses those of a block edit:
 * ReusableEdit.wordsChangeIn).
 */
export function findingsOutsideBlock(findings: readonly Finding[], block: ConfigNode, edit: ReusableEdit, relatedInBody = false): Finding[] | undefined {
  return findingsKept(findings, block, edit, [], relatedInBody);
}

/**
 * For a statement-local family (RuleFamily.statementLocal): of its findings from before the
 * edit, those not on the edited block's own statements (which it checks again): elsewhere, or
 * inside the blocks nested in it, moved past the edit; undefined when one of them reaches into
 * those statements (its range or its related locations), as it could then depend on the edit.
 */
export function findingsOffOwnStatements(findings: readonly Finding[], block: ConfigNode, edit: ArgumentEdit): Finding[] | undefined {
  // Offsets before the edit: the edit lies in one of the block's own statements, so each nested
  // block is wholly before it or wholly after it.
  const before = (offset: number): number => (offset >= edit.oldEnd + edit.delta ? offset - edit.delta : offset);
  const nested: { start: number; end: number }[] = [];
  for (const child of block.children) {
    const inner = child.directive.block;
    if (inner && child.file === block.file) nested.push({ start: before(inner.start), end: before(inner.end) });
  }
  return findingsKept(findings, block, edit, nested);
}

/** Where the statements of some directives stand in a tree (offsets of its current texts). */
export interface StatementsNamed {
  /** True when `place` starts inside one of the statements. */
  holds(place: { file: string; start: number }): boolean;
  /** True when `place` overlaps one of the statements. */
  reaches(place: { file: string; start: number; end: number }): boolean;
}

/**
 * The statements of the directives `names` anywhere in `tree`, found by binary search among
 * those of the file asked about (listed when first asked: the findings of a check of nginx.conf
 * lie in that file, not among the 2,000 site files that hold such statements).
 */
export function onStatementsNamed(tree: ConfigTree, names: ReadonlySet<string>): StatementsNamed {
  const byFile = new Map<string, { start: number; end: number }[]>();
  const rangesOf = (file: string): readonly { start: number; end: number }[] => {
    let ranges = byFile.get(file);
    if (!ranges) {
      ranges = [];
      for (const node of nodesOfFile(tree, file)) if (names.has(node.directive.name)) ranges.push({ start: node.directive.start, end: node.directive.end });
      // A file included twice lists its statements twice, one inclusion after the other.
      ranges.sort((a, b) => a.start - b.start);
      byFile.set(file, ranges);
    }
    return ranges;
  };
  // Statements do not overlap: the one that can hold an offset is the last starting by it.
  return {
    holds(place) {
      const range = lastStartingBy(rangesOf(place.file), place.start);
      return range !== undefined && place.start < range.end;
    },
    reaches(place) {
      const range = lastStartingBy(rangesOf(place.file), Math.max(place.start, place.end - 1));
      return range !== undefined && range.end > place.start;
    },
  };
}

/**
 * For a family that judges the statements of some directives again (RuleFamily.argumentsReadFor):
 * its findings from before the edit moved past it, without those on these statements;
 * undefined when one of the others reaches into them (its range or a related location).
 */
export function findingsOffStatements(findings: readonly Finding[], statements: StatementsNamed, edit: ArgumentEdit): Finding[] | undefined {
  const moved = moveFindings(findings, edit);
  if (!moved) return undefined;
  const kept: Finding[] = [];
  for (const finding of moved) {
    if (statements.holds(finding)) continue;
    if (statements.reaches(finding) || finding.related?.some((r) => statements.reaches(r))) return undefined;
    kept.push(finding);
  }
  return kept;
}

/**
 * The findings of `block`'s body checked again dropped (those starting in the body, but in one
 * of the `nested` bodies, offsets before the edit), the others moved past the edit; undefined
 * when one of the others reaches into what is checked again (its range or a related location).
 */
function findingsKept(findings: readonly Finding[], block: ConfigNode, edit: ReusableEdit, nested: readonly { start: number; end: number }[], relatedInBody = false): Finding[] | undefined {
  const body = block.directive.block;
  if (!body) return undefined;
  const file = block.file.path;
  // The body's end before the edit, which lies inside it.
  const bodyStart = body.start;
  const bodyEnd = body.end - edit.delta;
  const inNested = (offset: number): boolean => nested.some((n) => offset > n.start && offset < n.end);
  // A range that reaches into the body and does not stay inside one nested block.
  const touchesChecked = (place: { file: string; start: number; end: number }): boolean => place.file === file
    && place.start < bodyEnd && place.end > bodyStart && !nested.some((n) => place.start > n.start && place.end <= n.end);
  const kept: Finding[] = [];
  for (const finding of findings) {
    if (finding.file === file && finding.start > bodyStart && finding.start < bodyEnd && !inNested(finding.start)) continue;
    if (touchesChecked(finding) || (!relatedInBody && finding.related?.some(touchesChecked))) return undefined;
    kept.push(finding);
  }
  return moveFindings(kept, edit);
}
