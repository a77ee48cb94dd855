/**
 * Rebuilding one edited block of a tree instead of the whole tree: the companion of the
 * incremental parse (parser/incrementalParse.ts). When a file's new parse re-read one block
 * body, only that block's nodes are built again; every other node of the tree is kept, so
 * the caches keyed by nodes and children arrays (effectiveConfig.ts, scopeLists.ts) keep
 * their entries for everything the edit did not touch. This is what makes a keystroke in a
 * 5,000-line main nginx.conf cheap; included files are handled the same way.
 * test/model/blockRebuild.test.ts compares the result with fresh builds.
 */
import { TreeBuilder, problemSpans, exceedsBudget, type BuildOptions, type ConfigNode, type ConfigTree, type TreeProblem } from './configTree';
import { dependsOnBuildOrder, successorOf } from './incrementalRebuild';
import type { ParsedFile, ParseStep } from './parsedFile';
import { depthFirstNodes, IndexPatch, isBuiltTree, markRebuilt, nodesOfFile, recordTreeChange } from './treeIndexes';
import { walkDirectives, type Directive } from '../parser/syntaxTree';

/**
 * The tree after `changed` got its new text, when `step` made its parse from the parse
 * `old` was built with (`previous`): the nodes of the re-parsed block are built again, the
 * other nodes of the file are kept and pointed at the new parse. The result equals a fresh
 * build; the old tree shares nodes with it and must not be used again. Undefined when a
 * wider rebuild is needed (an include in the block, include problems that depend on the
 * order of a whole build, an order key space used up).
 */
export function rebuildEditedBlock(old: ConfigTree, options: BuildOptions, previous: ParsedFile, changed: ParsedFile, step: ParseStep): ConfigTree | undefined {
  if (step.previous.deref() !== previous || old.files.get(changed.path)?.parsed !== previous) return undefined;
  if (!isBuiltTree(old.nodes) || old.problems.some(dependsOnBuildOrder)) return undefined;
  // What an include brings in depends on the whole build: left to it.
  if (mentionsInclude(step.oldStatements) || mentionsInclude(step.owner?.block?.statements ?? [])) return undefined;
  const fileNodes = changed.path === old.mainFile ? depthFirstNodes(old.nodes).filter((n) => n.file === previous) : nodesOfFile(old, changed.path);
  // No owner: only a comment changed, and every node stays.
  const owners = step.owner ? fileNodes.filter((n) => n.directive === step.owner) : [];
  if (step.owner && owners.length === 0) return undefined;

  const scratch: ConfigTree = { ...old, files: new Map(), problems: [], expansion: { files: 0, statements: 0 } };
  const builder = new TreeBuilder(options, scratch);
  const indexes = new IndexPatch(old.nodes);
  // The old children of each owner done so far, put back if a later step gives up.
  const done: { owner: ConfigNode; removed: ConfigNode[] }[] = [];
  const undo = (): undefined => {
    for (const { owner, removed } of done) owner.children = removed;
    return undefined;
  };
  for (const owner of owners) {
    const removed = owner.children;
    const fresh = builder.buildIncludeFreeChildren(changed, owner);
    const siblings = owner.parent ? owner.parent.children : old.nodes;
    const successor = successorOf(owner, siblings, siblings.indexOf(owner) + 1, old.nodes);
    done.push({ owner, removed });
    // Without children while the new keys are handed out: they go right after the owner.
    owner.children = [];
    if (!indexes.replace(removed, fresh, owner, successor)) return undo();
    // A new array, never an edit in place: caches are keyed by the arrays of the old tree.
    owner.children = fresh;
  }
  const expansion = { files: old.expansion.files, statements: old.expansion.statements + indexes.added.length - indexes.removed.length };
  if (exceedsBudget(expansion, { files: 0, statements: 0 })) return undo();
  for (const node of fileNodes) node.file = changed;

  const files = new Map(old.files);
  const use = old.files.get(changed.path);
  if (use) files.set(changed.path, { parsed: changed, contexts: use.contexts });
  const tree: ConfigTree = { ...old, nodes: old.nodes.slice(), files, problems: old.problems.map((p) => movedProblem(p, changed.path, step)), expansion };
  indexes.install(tree.nodes);
  recordTreeChange(tree, { previous: new WeakRef(old), removed: indexes.removed, added: indexes.added, containers: new Set(owners) });
  markRebuilt(tree.nodes);
  return tree;
}

/** True when an `include` stands among the statements, at any depth. */
function mentionsInclude(statements: readonly Directive[]): boolean {
  let found = false;
  walkDirectives(statements, (directive) => {
    if (directive.name.value === 'include') found = true;
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
