/**
 * Rebuilding one edited included file inside an assembled tree, instead of assembling the
 * whole tree again: what makes a keystroke in one site file of a 100k-line configuration
 * cheap. test/model/incrementalTree.test.ts compares the result with fresh builds.
 */
import type { ContextKind } from '../directives/directiveTable';
import { exceedsBudget, problemSpans, TreeBuilder, treeOf, type BuildOptions, type ConfigNode, type ConfigTree, type IncludeInfo, type IncludeSpan, type TreeProblem, includeOf, includedByOf } from './configTree';
import type { ParsedFile } from './parsedFile';
import { IndexPatch, isBuiltTree, markRebuilt, nodesNamed, recordTreeChange, replaceRange } from './treeIndexes';

/**
 * The tree after `changed` (an included file, not the main one) got new text: every place
 * it is spliced in is built again from its new parse and swapped for the old nodes; the rest
 * of the tree is kept. The result equals a fresh build. The blocks that hold the file get new
 * `children` arrays, so the old tree must no longer be used. Returns undefined when a fresh
 * build is needed instead (the main file changed, or the file is not spliced in anywhere).
 */
export async function rebuildIncludedFile(old: ConfigTree, options: BuildOptions, changed: ParsedFile): Promise<ConfigTree | undefined> {
  if (changed.path === old.mainFile || !isBuiltTree(old.nodes) || old.problems.some(dependsOnBuildOrder)) return undefined;
  const includes = nodesNamed(old.nodes, 'include').filter((n) => includeOf(n)?.spans.some((s) => s.file === changed.path));
  if (includes.length === 0) return undefined;
  const tree = treeOf({ ...old, nodes: old.nodes, files: new Map(), problems: [] });
  const scratch = treeOf({ ...tree, files: new Map(), problems: [], expansion: { files: 0, statements: 0 } });
  // The old tree's name index, patched span by span.
  const indexes = new IndexPatch(old.nodes);
  const replaced = new Set<IncludeSpan>();
  // The blocks given new children arrays (null: the top level), for states derived per tree.
  const containers = new Set<ConfigNode | null>();
  // While the rebuilt spans include the same files in the same contexts, the file uses stay.
  let sameIncludes = true;
  for (const include of includes) {
    const info = includeOf(include) as IncludeInfo;
    let offset = (include.parent ? include.parent.children : tree.nodes).indexOf(include) + 1;
    for (let k = 0; k < info.spans.length; k++) {
      const span = info.spans[k];
      if (span.file !== changed.path) {
        offset += span.count;
        continue;
      }
      const builder = new TreeBuilder(options, scratch, span.outer);
      const fresh = await builder.buildSpan(changed, include, [...fileChain(include), changed.path]);
      // A new array, never an edit in place: caches are keyed by the arrays of the old tree.
      const siblings = include.parent ? include.parent.children : tree.nodes;
      const removed = siblings.slice(offset, offset + span.count);
      if (sameIncludes) sameIncludes = sameIncludeUses(removed, fresh.nodes);
      if (!indexes.replace(removed, fresh.nodes, siblings[offset - 1], successorOf(include, siblings, offset + span.count, tree.nodes))) return undefined;
      // One copy (http's 2,000 servers on the benchmark tree), patched.
      const updated = siblings.slice();
      replaceRange(updated, offset, offset + span.count, fresh.nodes);
      if (include.parent) include.parent.children = updated;
      else tree.nodes = updated;
      containers.add(include.parent ?? null);
      info.spans[k] = fresh.span;
      replaced.add(span);
      offset += fresh.span.count;
      // The enclosing files' spans hold these nodes too while the includes sit at their tops.
      const delta = fresh.span.count - span.count;
      for (let s: IncludeSpan = fresh.span; s.topLevel && s.outer; s = s.outer) s.outer.count += delta;
    }
  }
  // Problems reported inside a replaced span were reported again by its rebuild.
  const inReplaced = (problem: TreeProblem): boolean => {
    for (let span = problemSpans.get(problem); span; span = span.outer) if (replaced.has(span)) return true;
    return false;
  };
  // What a fresh build would stop at, only a fresh build can reproduce (see dependsOnBuildOrder).
  if (scratch.problems.some(dependsOnBuildOrder)) return undefined;
  tree.expansion = {
    files: old.expansion.files + includedSpans(indexes.added) - includedSpans(indexes.removed),
    statements: old.expansion.statements + indexes.added.length - indexes.removed.length,
  };
  if (exceedsBudget(tree.expansion, { files: 0, statements: 0 })) return undefined;
  if (tree.nodes === old.nodes) tree.nodes = old.nodes.slice();
  indexes.install(tree.nodes);
  recordTreeChange(tree, { previous: new WeakRef(old), removed: indexes.removed, added: indexes.added, containers });
  tree.problems = [...old.problems.filter((p) => !inReplaced(p)), ...scratch.problems];
  markRebuilt(tree.nodes);
  if (sameIncludes) {
    // The same uses; those of files not parsed again are the same objects (nothing changes a finished tree's).
    for (const [file, use] of old.files) {
      const parsed = scratch.files.get(file)?.parsed ?? use.parsed;
      tree.files.set(file, parsed === use.parsed ? use : { parsed, contexts: use.contexts });
    }
    return tree;
  }
  // Which files are used, and in which contexts, in the order a fresh build records them.
  const parses = new Map<string, ParsedFile>();
  for (const [file, use] of old.files) parses.set(file, use.parsed);
  for (const [file, use] of scratch.files) parses.set(file, use.parsed);
  const main = parses.get(old.mainFile);
  if (main) tree.files.set(main.path, { parsed: main, contexts: new Set([old.rootContext]) });
  const use = (file: string, context: ContextKind): void => {
    const parsed = parses.get(file);
    if (!parsed) return;
    const known = tree.files.get(file);
    if (known) known.contexts.add(context);
    else tree.files.set(file, { parsed, contexts: new Set([context]) });
  };
  // A build uses each included file when it starts its span, which is where the span's
  // first node sits among the include's siblings (empty files have no node: same place).
  const visit = (nodes: readonly ConfigNode[]): void => {
    const pending = new Map<number, { file: string; context: ContextKind }[]>();
    const flush = (index: number): void => {
      for (const entry of pending.get(index) ?? []) use(entry.file, entry.context);
      pending.delete(index);
    };
    for (let i = 0; i < nodes.length; i++) {
      flush(i);
      const node = nodes[i];
      const include = includeOf(node);
      if (include) {
        let position = i + 1;
        for (const span of include.spans) {
          const list = pending.get(position) ?? [];
          list.push({ file: span.file, context: node.context });
          pending.set(position, list);
          position += span.count;
        }
      }
      if (node.children.length > 0) visit(node.children);
    }
    for (const index of [...pending.keys()].sort((a, b) => a - b)) flush(index);
  };
  visit(tree.nodes);
  return tree;
}

/**
 * Problems a fresh build reports depending on what it expanded earlier in the whole tree: a
 * cycle is reported at the first chain that reaches its include, and the budget runs out at
 * one include for the rest of the tree. A rebuild of one file cannot tell where; these
 * (rare, broken) trees are built afresh, which the budget keeps cheap.
 */
export function dependsOnBuildOrder(problem: TreeProblem): boolean {
  return problem.code === 'nginx.include-cycle' || problem.code === 'nginx.include-budget';
}

/** File instances the includes among `nodes` splice in (nodes listed depth first, nested ones included). */
function includedSpans(nodes: readonly ConfigNode[]): number {
  let count = 0;
  for (const node of nodes) count += includeOf(node)?.spans.length ?? 0;
  return count;
}

/**
 * The node that follows, in depth-first order, the siblings before `index` in the array
 * holding `include` (undefined at the end of the tree).
 */
export function successorOf(include: ConfigNode, siblings: readonly ConfigNode[], index: number, root: readonly ConfigNode[]): ConfigNode | undefined {
  if (index < siblings.length) return siblings[index];
  for (let block = include.parent; block; block = block.parent) {
    const around = block.parent ? block.parent.children : root;
    const next = around[around.indexOf(block) + 1];
    if (next) return next;
  }
  return undefined;
}

/** True when the includes among `a` and among `b` (and inside them) splice in the same files, in the same contexts and order. */
export function sameIncludeUses(a: readonly ConfigNode[], b: readonly ConfigNode[]): boolean {
  const left = includeUses(a);
  const right = includeUses(b);
  if (left.length !== right.length) return false;
  for (let i = 0; i < left.length; i++) if (left[i] !== right[i]) return false;
  return true;
}

/** The file and context of each file the includes among `nodes` splice in, in order (file, context, file, context…). */
function includeUses(nodes: readonly ConfigNode[], uses: string[] = []): string[] {
  for (const node of nodes) {
    for (const span of includeOf(node)?.spans ?? []) uses.push(span.file, node.context);
    if (node.children.length > 0) includeUses(node.children, uses);
  }
  return uses;
}

/** The include span of its file that `node` was built in; undefined for the main file's nodes. */
export function spanHolding(node: ConfigNode): IncludeSpan | undefined {
  let top = node;
  while (top.parent && top.parent.file === node.file) top = top.parent;
  const by = includedByOf(top);
  return by && includeOf(by)?.spans.find((span) => span.file === node.file.path);
}

/** The files from the main one down to the file holding `node`, through the includes that brought each in. */
export function fileChain(node: ConfigNode): string[] {
  const chain: string[] = [];
  for (let n: ConfigNode | undefined = node; n; ) {
    chain.unshift(n.file.path);
    let top: ConfigNode = n;
    while (top.parent && top.parent.file === n.file) top = top.parent;
    n = includedByOf(top);
  }
  return chain;
}
