/**
 * Typing a new line into a server block changes what its statements are at nearly every
 * keystroke: the name's first character takes the next line's words as its arguments (until the
 * `;`, as nginx reads it), the name becomes one nginx knows, the `;` gives the next statement
 * back. Such an edit changes the statements of one block's body and nothing outside it, and the
 * block-local families (RuleFamily.blockLocal: what they find on a statement depends on its own
 * block and the blocks around it, and lands there) find what they found everywhere but in that
 * body: they check the body again, and keep their other findings, moved past the edit. The
 * server-local ones (RuleFamily.serverLocal) check the server around the block the same way
 * (service/workspaceAnalysis.ts), and so do those that compare servers when the edit changes no
 * statement they read across servers (RuleFamily.serverLocalUnless, BlockEdit.names); the others
 * run again over everything.
 *
 * The incremental parse tells which block's body an edit changed (parser/incrementalParse.ts: the
 * block whose body it parsed again, its header unchanged); the edit qualifies when that parse was
 * made from the last one analysed, the block is a plain context block (http, server, location,
 * if, limit_except, stream) and stands once in the tree, and no `include` stands among the
 * statements the edit changed, before or after. Includes elsewhere in the body bring the same
 * statements as before; the families find things on those in the included files too, which the
 * block's check again leaves out, so no file included in the block may be one whose findings are
 * wanted (the language server wants those of the file being edited).
 * test/service/blockEditReuse.test.ts types and deletes statements in four blocks of every rule
 * fixture (those written for the http context put inside `http {}`) and in a three-server config,
 * and requires the findings of a fresh analysis.
 */
import type { ConfigNode, ConfigTree } from '../model/configTree';
import { mentionsInclude } from '../model/blockRebuild';
import { parseStepOf, type ParsedFile } from '../model/parsedFile';
import { nodesOfFile } from '../model/treeIndexes';
import { walkDirectives, type Directive } from '../parser/syntaxTree';
import { PLAIN_BLOCKS } from './argumentEditReuse';
import type { ReusableEdit } from './commentEditReuse';
import { lineShiftOf } from './lineReferences';

/** An edit of the statements in the body of one block. */
export interface BlockEdit extends ReusableEdit {
  /** The block's statement in the new parse (its header, before the edit, is the same). */
  block: Directive;
  /**
   * The names of the statements the edit changed, before and after, at any depth (of those
   * parsed again): a family that reads no statement of these names in one server for another
   * (RuleFamily.serverLocalUnless) finds elsewhere what it found.
   */
  names: ReadonlySet<string>;
}

/** The edit from `before` to `after` (two parses of one file) when it changes statements inside one block's body only, as described above. */
export function blockOnlyEdit(before: ParsedFile, after: ParsedFile): BlockEdit | undefined {
  const step = parseStepOf(after);
  const block = step?.owner;
  if (!step || !block?.block || step.previous.deref() !== before || !PLAIN_BLOCKS.has(block.name) || !block.block.closed) return undefined;
  // The statements parsed again: a run of the body's, or all of them.
  const run = step.run;
  const removed = run ? step.oldStatements.slice(run.from, run.oldTo) : step.oldStatements;
  const typed = run ? block.block.statements.slice(run.from, run.newTo) : block.block.statements;
  if (mentionsInclude(removed) || mentionsInclude(typed)) return undefined;
  const { start, oldEnd, newEnd } = step.region;
  const delta = newEnd - oldEnd;
  // The old span of the statements the edit changed: the edited text and the statements parsed
  // again around it (a name typed before a statement takes its words). A kept finding, related
  // location or fix edit there is not moved (the family runs again).
  const toOld = (offset: number): number => (offset >= newEnd ? offset - delta : Math.min(offset, start));
  const changed = { start: Math.min(start, toOld(typed[0]?.start ?? start)), end: Math.max(oldEnd, toOld(typed.at(-1)?.end ?? oldEnd)) };
  const edit: BlockEdit = { file: after.path, start, oldEnd, delta, block, names: statementNames([...removed, ...typed]), wordsChangeIn: changed };
  if (after.text.slice(start, newEnd).includes('\n') || before.text.slice(start, oldEnd).includes('\n')) {
    edit.linesMove = true;
    edit.lineShift = lineShiftOf(before, after, start, oldEnd, newEnd);
  }
  return edit;
}

/** The names of the statements, at any depth. */
function statementNames(statements: readonly Directive[]): Set<string> {
  const names = new Set<string>();
  walkDirectives(statements, (directive) => {
    names.add(directive.name);
  });
  return names;
}

/**
 * The block's node in `tree`, when it stands there once (its file is included once) and no
 * statement of another file whose findings are `wanted` stands in it.
 */
export function editedBlockNode(tree: ConfigTree, edit: BlockEdit, wanted: ReadonlySet<string>): ConfigNode | undefined {
  let found: ConfigNode | undefined;
  for (const node of nodesOfFile(tree, edit.file)) {
    if (node.directive !== edit.block) continue;
    if (found) return undefined;
    found = node;
  }
  return found && !holdsWantedFile(found.children, found.file, wanted) ? found : undefined;
}

/** True when a statement of a file other than `own` whose findings are wanted stands among `nodes`, at any depth. */
function holdsWantedFile(nodes: readonly ConfigNode[], own: ConfigNode['file'], wanted: ReadonlySet<string>): boolean {
  return nodes.some((node) => (node.file !== own && wanted.has(node.file.path)) || holdsWantedFile(node.children, own, wanted));
}
