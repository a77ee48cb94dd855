/**
 * Rebuilding one edited block of a tree instead of the whole tree: the companion of the
 * incremental parse (parser/incrementalParse.ts). When a file's new parse re-read one block
 * body, only that block's nodes are built again; when it re-read only a run of the body's
 * statements, none of them an include, only the run's nodes are (the http block of nginx.conf
 * holds every included site: their nodes stay). Every other node of the tree is kept, so
 * the caches keyed by nodes and children arrays (effectiveConfig.ts, scopeLists.ts) keep
 * their entries for everything the edit did not touch. This is what makes a keystroke in a
 * 5,000-line main nginx.conf cheap; included files are handled the same way.
 * test/model/blockRebuild.test.ts compares the result with fresh builds.
 */
import { TreeBuilder, problemSpans, exceedsBudget, treeOf, type BuildOptions, type ConfigNode, type ConfigTree, type FileUse, type IncludeSpan, type TreeProblem, includeOf } from './configTree';
import { dependsOnBuildOrder, fileChain, sameIncludeUses, spanHolding, successorOf } from './incrementalRebuild';
import type { ParsedFile, ParseStep } from './parsedFile';
import type { StatementRun } from '../parser/incrementalParse';
import { IndexPatch, isBuiltTree, markRebuilt, nodesOfFile, recordTreeChange } from './treeIndexes';
import { walkDirectives, type Block, type Directive } from '../parser/syntaxTree';

/**
 * The tree after `changed` got its new text, when `step` made its parse from the parse
 * `old` was built with (`previous`): the nodes of the re-parsed block are built again, the
 * other nodes of the file are kept and pointed at the new parse. The result equals a fresh
 * build; the old tree shares nodes with it and must not be used again. Undefined when a
 * wider rebuild is needed (an include in a block of an included file, includes that bring
 * in other files or contexts than before, include problems that depend on the order of a
 * whole build, an order key space used up).
 */
export async function rebuildEditedBlock(old: ConfigTree, options: BuildOptions, previous: ParsedFile, changed: ParsedFile, step: ParseStep): Promise<ConfigTree | undefined> {
  if (step.previous.deref() !== previous || old.files.get(changed.path)?.parsed !== previous) return undefined;
  if (!isBuiltTree(old.nodes) || old.problems.some(dependsOnBuildOrder)) return undefined;
  // Only a run of the body's statements was parsed again, none of them an include: the others
  // keep their nodes, with the files they include (an edit at the http level of nginx.conf).
  const run = step.run && !mentionsInclude(step.oldStatements.slice(step.run.from, step.run.oldTo))
    && !mentionsInclude((step.owner?.block?.statements ?? []).slice(step.run.from, step.run.newTo)) ? step.run : undefined;
  const withIncludes = !run && (mentionsInclude(step.oldStatements) || mentionsInclude(step.owner?.block?.statements ?? []));
  // The file's nodes; the main file's are kept per built tree (mainFileNodes), so a keystroke in
  // nginx.conf neither copies nor walks the statements of the files it includes.
  const fileNodes = nodesOfFile(old, changed.path);
  // No owner: only a comment changed, and every node stays.
  const owners = step.owner ? fileNodes.filter((n) => n.directive === step.owner && n.file === previous) : [];
  if (step.owner && owners.length === 0) return undefined;

  const scratch = treeOf({ ...old, files: new Map(), problems: [], expansion: { files: 0, statements: 0 } });
  const builder = new TreeBuilder(options, scratch);
  const indexes = new IndexPatch(old.nodes);
  // The old children of each owner done so far, put back if a later step gives up.
  const done: { owner: ConfigNode; removed: ConfigNode[] }[] = [];
  const undo = (): undefined => {
    for (const { owner, removed } of done) owner.children = removed;
    for (let i = 0; i < fileNodes.length; i++) if (fileNodes[i].file === changed) fileNodes[i].file = previous;
    return undefined;
  };
  // Before building: the builder compares the files of a block and of an include in it. An
  // indexed loop: this function runs once a keystroke, mostly before V8 optimises it, and a
  // for...of over the 4,438 statements of the bench's 5k-line file made an iterator result for
  // each (160 KB a keystroke, issue #15).
  for (let i = 0; i < fileNodes.length; i++) if (fileNodes[i].file === previous) fileNodes[i].file = changed;
  for (const owner of owners) {
    const removed = owner.children;
    if (run) {
      done.push({ owner, removed });
      const children = rebuildRun(owner, run, step, changed, builder, indexes, old.nodes);
      if (!children) return undo();
      owner.children = children;
      continue;
    }
    // Includes in the block are expanded as a whole build would: inside the span of the
    // owner's file (an included file's), with the files above it as the chain a cycle closes.
    const fresh = withIncludes
      ? await new TreeBuilder(options, scratch, spanHolding(owner)).buildChildren(changed, owner, fileChain(owner))
      : builder.buildIncludeFreeChildren(changed, owner);
    const siblings = owner.parent ? owner.parent.children : old.nodes;
    const successor = successorOf(owner, siblings, siblings.indexOf(owner) + 1, old.nodes);
    done.push({ owner, removed });
    // Without children while the new keys are handed out: they go right after the owner.
    owner.children = [];
    if (!indexes.replace(removed, fresh, owner, successor)) return undo();
    // A new array, never an edit in place: caches are keyed by the arrays of the old tree.
    owner.children = fresh;
  }
  // What a fresh build would stop at, only a fresh build can reproduce (see dependsOnBuildOrder).
  if (scratch.problems.some(dependsOnBuildOrder)) return undo();
  // The same files included in the same contexts: the tree's file uses stay.
  if (withIncludes && done.some(({ owner, removed }) => !sameIncludeUses(removed, owner.children))) return undo();
  // The same include spans: the count of files spliced in stays.
  const expansion = { files: old.expansion.files, statements: old.expansion.statements + indexes.added.length - indexes.removed.length };
  if (exceedsBudget(expansion, { files: 0, statements: 0 })) return undo();

  const files = new Map<string, FileUse>();
  for (const [file, use] of old.files) {
    const parsed = file === changed.path ? changed : (scratch.files.get(file)?.parsed ?? use.parsed);
    // The uses of files not parsed again are the same objects (nothing changes a finished tree's).
    files.set(file, parsed === use.parsed ? use : { parsed, contexts: use.contexts });
  }
  const removedSpans = new Set<IncludeSpan>();
  for (const node of indexes.removed) for (const span of includeOf(node)?.spans ?? []) removedSpans.add(span);
  const inRemovedBlock = (problem: TreeProblem): boolean => {
    for (let span = problemSpans.get(problem); span; span = span.outer) if (removedSpans.has(span)) return true;
    // The main file's own problems inside an old body (at its includes).
    // (A changed run holds no include, so no problem of the tree.)
    return !run && problem.file === changed.path && owners.some((owner) => {
      const body = owner.directive.block as Block;
      return problem.start > body.start && problem.start < body.end - step.delta;
    });
  };
  // A fresh build lists problems in the order it meets them; where the block's go among the
  // others is only known to it, so a block whose includes report problems is left to it.
  if (scratch.problems.length > 0 || old.problems.some(inRemovedBlock)) return undo();
  const problems = old.problems.map((p) => movedProblem(p, changed.path, step));
  const tree = treeOf({ ...old, nodes: old.nodes.slice(), files, problems, expansion });
  indexes.install(tree.nodes);
  recordTreeChange(tree, { previous: new WeakRef(old), removed: indexes.removed, added: indexes.added, containers: new Set(owners) });
  markRebuilt(tree.nodes);
  return tree;
}

/** True when an `include` stands among the statements, at any depth. */
export function mentionsInclude(statements: readonly Directive[]): boolean {
  let found = false;
  walkDirectives(statements, (directive) => {
    if (directive.name === 'include') found = true;
    return found ? 'skip' : undefined;
  });
  return found;
}

/** A problem of the edited file after the edit, at its new offsets (the same object otherwise). */
function movedProblem(problem: TreeProblem, file: string, step: ParseStep): TreeProblem {
  if (problem.file !== file || problem.start < step.movedFrom) return problem;
  const moved: TreeProblem = { ...problem, start: problem.start + step.delta, end: problem.end + step.delta };
  const span = problemSpans.get(problem);
  if (span) problemSpans.set(moved, span);
  return moved;
}

/**
 * The new children of `owner`: its kept nodes (and the nodes their includes spliced in) around
 * nodes built for the statements of the run, with the order keys of the run's old nodes
 * replaced. Undefined when the old nodes of the run cannot be found or the keys are used up.
 */
function rebuildRun(owner: ConfigNode, run: StatementRun, step: ParseStep, changed: ParsedFile, builder: TreeBuilder, indexes: IndexPatch,
  root: readonly ConfigNode[]): ConfigNode[] | undefined {
  const children = owner.children;
  const oldStatements = step.oldStatements;
  const body = (owner.directive.block as Block).statements;
  // The run's old nodes stand together (none is an include): from the first changed statement
  // to the first kept one after it.
  const indexOf = (directive: Directive | undefined): number => (directive ? children.findIndex((n) => n.directive === directive) : children.length);
  const end = indexOf(oldStatements[run.oldTo]);
  const start = run.from < run.oldTo ? indexOf(oldStatements[run.from]) : end;
  if (start < 0 || end < start) return undefined;
  const fresh = builder.buildIncludeFreeStatements(changed, body.slice(run.from, run.newTo), owner);
  const siblings = owner.parent ? owner.parent.children : root;
  const successor = end < children.length ? children[end] : successorOf(owner, siblings, siblings.indexOf(owner) + 1, root);
  // The node just before the run in depth-first order is the last one inside its predecessor.
  if (start === 0) owner.children = [];
  const replaced = indexes.replace(children.slice(start, end), fresh, start > 0 ? children[start - 1] : owner, successor);
  owner.children = children;
  if (!replaced) return undefined;
  // A new array, never an edit in place: caches are keyed by the arrays of the old tree.
  return [...children.slice(0, start), ...fresh, ...children.slice(end)];
}
