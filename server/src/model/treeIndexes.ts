/**
 * Indexes of a built configuration tree: its depth-first order, its statements by name, one
 * file's statements, and how an in-place rebuild (incrementalRebuild.ts) keeps them up to date
 * with order keys instead of walking the whole tree again.
 */
import type { ConfigNode, ConfigTree } from './configTree';
import { includeOf } from './configTree';

/**
 * Top-level node arrays of finished trees. A finished tree does not change (an in-place
 * rebuild makes a new tree with a new top-level array, and the old tree is not used again),
 * so indexes keyed by this array are computed once per tree.
 */
const builtRoots = new WeakSet<readonly ConfigNode[]>();
const flatOrders = new WeakMap<readonly ConfigNode[], readonly ConfigNode[]>();

function collectDepthFirst(nodes: readonly ConfigNode[], out: ConfigNode[]): void {
  for (let at = 0; at < nodes.length; at++) {
    const node = nodes[at];
    out.push(node);
    if (node.children.length > 0) collectDepthFirst(node.children, out);
  }
}

/** True for the top-level nodes of a tree buildConfigTree finished (safe to memoize on). */
export function isBuiltTree(nodes: readonly ConfigNode[]): boolean {
  return builtRoots.has(nodes);
}

/** Every node of a built tree, depth first, in configuration order (computed once per tree). */
export function depthFirstNodes(nodes: readonly ConfigNode[]): readonly ConfigNode[] {
  const cached = flatOrders.get(nodes);
  if (cached) return cached;
  const flat: ConfigNode[] = [];
  collectDepthFirst(nodes, flat);
  if (builtRoots.has(nodes)) flatOrders.set(nodes, flat);
  return flat;
}

/**
 * A tree's statements by name. After an in-place rebuild only the names asked for before are
 * carried over (patched); the index is then incomplete, and a name asked for the first time
 * is looked up by a walk. Patching every name a site file uses copied megabytes per keystroke.
 */
interface NameIndex {
  lists: Map<string, ConfigNode[]>;
  complete: boolean;
  asked: Set<string>;
}

const namedOrders = new WeakMap<readonly ConfigNode[], NameIndex>();

/**
 * Every node named `name` in a built tree, depth first, in configuration order: the same
 * nodes `walkNodes` would visit with that name, without visiting all the others. Rules that
 * look up servers or server names once per location should use this (or an index built on
 * it) rather than walking the whole tree each time.
 */
export function nodesNamed(nodes: readonly ConfigNode[], name: string): readonly ConfigNode[] {
  let index = namedOrders.get(nodes);
  if (!index) {
    index = { lists: new Map(), complete: true, asked: new Set() };
    const flat = depthFirstNodes(nodes);
    for (let at = 0; at < flat.length; at++) {
      const node = flat[at];
      const key = node.directive.name;
      const list = index.lists.get(key);
      if (list) list.push(node);
      else index.lists.set(key, [node]);
    }
    if (builtRoots.has(nodes)) namedOrders.set(nodes, index);
  }
  index.asked.add(name);
  const list = index.lists.get(name);
  if (list) return list;
  if (index.complete) return [];
  const found = depthFirstNodes(nodes).filter((n) => n.directive.name === name);
  index.lists.set(name, found);
  return found;
}

/**
 * The statements of one included file, depth first, found through the includes that splice
 * it in rather than by walking the whole tree; the main file's are found by a walk.
 */
export function nodesOfFile(tree: ConfigTree, filePath: string): readonly ConfigNode[] {
  if (filePath === tree.mainFile) return mainFileNodes(tree);
  if (!builtRoots.has(tree.nodes)) return depthFirstNodes(tree.nodes).filter((n) => n.file.path === filePath);
  const found: ConfigNode[] = [];
  const collect = (nodes: readonly ConfigNode[]): void => {
    for (let at = 0; at < nodes.length; at++) {
      const node = nodes[at];
      if (node.file.path === filePath) found.push(node);
      if (node.children.length > 0) collect(node.children);
    }
  };
  for (const include of nodesNamed(tree.nodes, 'include')) {
    const spans = includeOf(include)?.spans ?? [];
    if (!spans.some((span) => span.file === filePath)) continue;
    const siblings = include.parent ? include.parent.children : tree.nodes;
    let offset = siblings.indexOf(include) + 1;
    for (const span of spans) {
      if (span.file === filePath) collect(siblings.slice(offset, offset + span.count));
      offset += span.count;
    }
  }
  // Spans found one include after another; depth-first order is the order of the keys.
  return found.sort((a, b) => (a.order as number) - (b.order as number));
}

/**
 * The main file's statements, depth first, by a walk that does not enter the statements of
 * included files: theirs never hold the main file's (an include of it there closes a cycle,
 * which is not followed). The tree's nginx.conf has some hundred statements among its 85,000
 * (issue #15). A tree of one file gives its depth-first list as it is (not a copy).
 */
export function mainFileNodes(tree: ConfigTree): readonly ConfigNode[] {
  const built = builtRoots.has(tree.nodes);
  if (tree.files.size <= 1 && built) return depthFirstNodes(tree.nodes);
  const cached = built ? mainFileOrders.get(tree.nodes) : undefined;
  if (cached) return cached;
  // Counted first, then written into a list of that size: pushing 4,400 nodes one by one copied
  // the growing list over and over, 0.1 MB at each keystroke in the bench's 5k-line file (#15).
  const found: ConfigNode[] = new Array(countMainFileNodes(tree.nodes, tree.mainFile));
  let next = 0;
  const collect = (nodes: readonly ConfigNode[]): void => {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (node.file.path !== tree.mainFile) continue;
      found[next++] = node;
      if (node.children.length > 0) collect(node.children);
    }
  };
  collect(tree.nodes);
  // Asked for by the focus of each family run and by the rebuild of the next keystroke.
  if (built) mainFileOrders.set(tree.nodes, found);
  return found;
}

const mainFileOrders = new WeakMap<readonly ConfigNode[], readonly ConfigNode[]>();

/**
 * How many statements mainFileNodes() finds: the same walk, counting. statementCount() of the
 * main file's parse gives the same number, but after an edit the tree's file map may still hold
 * the parse the edit retired, whose syntax is then parsed again in full on first use (typing at
 * the http level of the bench's 5k-line file: 1.5 -> 3.6 MB allocated a keystroke, tried).
 */
function countMainFileNodes(nodes: readonly ConfigNode[], mainFile: string): number {
  let count = 0;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node.file.path !== mainFile) continue;
    count++;
    if (node.children.length > 0) count += countMainFileNodes(node.children, mainFile);
  }
  return count;
}

/**
 * The largest order key markBuilt() gives: below 2^31, so that every key is a small integer
 * (V8's Smi), whatever the size of the tree.
 */
const ORDER_KEY_SPAN = 2 ** 30;

/** How far past the last node a rebuild at the end of a tree places its nodes, per node. */
const ORDER_KEY_END_STEP = 1024;

/**
 * Marks a finished tree's top-level nodes as built (safe to memoize on) and numbers its nodes
 * in depth-first order (their `order` keys), spread over ORDER_KEY_SPAN: the gaps leave whole
 * numbers for the nodes later rebuilds put between two neighbours (IndexPatch.replace).
 */
export function markBuilt(root: readonly ConfigNode[]): void {
  builtRoots.add(root);
  const flat = depthFirstNodes(root);
  const stride = Math.max(1, Math.floor(ORDER_KEY_SPAN / (flat.length + 1)));
  for (let i = 0; i < flat.length; i++) flat[i].order = (i + 1) * stride;
}

/** Marks a rebuilt tree's top-level nodes as built; their order keys are already set. */
export function markRebuilt(root: readonly ConfigNode[]): void {
  builtRoots.add(root);
}

/** How a tree made by rebuildIncludedFile differs from the one it was made from. */
export interface TreeChange {
  /**
   * Held weakly: the change of each tree naming the one before would keep every tree of an
   * editing session alive. Gone once collected; the index is then built afresh.
   */
  previous: WeakRef<ConfigTree>;
  /** The nodes taken out (depth first, span by span), which no longer belong to any tree. */
  removed: readonly ConfigNode[];
  /** The nodes put in their place. */
  added: readonly ConfigNode[];
  /** The blocks that got a new `children` array (null: the top level got new nodes). */
  containers: ReadonlySet<ConfigNode | null>;
  /**
   * The previous tree's derived states (see treeState), held strongly: the previous tree may
   * be collected before this one is analysed, and its states are what this one's derive from.
   * Only one step back: a state never refers to its predecessor.
   */
  carried?: ReadonlyMap<string, unknown>;
}

const treeChanges = new WeakMap<ConfigTree, TreeChange>();

/**
 * Records how `tree` was made from the previous one (incrementalRebuild.ts). When the previous
 * tree was never analysed (an edit no check reads, inside a comment or the blanks between words,
 * reused the analysis before it), this tree derives its states from those the previous one
 * carried, through both changes at once: the keystroke that then changes a statement costs what
 * it changed, not a walk of the whole tree (typing a new line, issue #15).
 */
export function recordTreeChange(tree: ConfigTree, change: TreeChange): void {
  const previous = change.previous.deref();
  const states = previous && treeStates.get(previous);
  // A copy: a state an older analysis still under way computes for the previous tree from
  // here on reads the indexes this rebuild patched in place; deriving from it would apply
  // the change twice.
  if (states) {
    treeChanges.set(tree, { ...change, carried: new Map(states) });
    return;
  }
  const before = previous && treeChanges.get(previous);
  treeChanges.set(tree, before?.carried ? composedChange(before, change) : change);
}

/** How many nodes a change composed over trees never analysed may list before it is dropped (the states are then computed afresh). */
const MAX_COMPOSED_NODES = 20_000;

/**
 * `first` and then `second` as one change from the tree `first` was made from, whose states
 * `first` carries: a node put in by one and taken out by the other is in neither list.
 */
function composedChange(first: TreeChange, second: TreeChange): TreeChange {
  const addedFirst = new Set(first.added);
  const removedSecond = new Set(second.removed);
  const removed = [...first.removed, ...second.removed.filter((node) => !addedFirst.has(node))];
  const added = [...first.added.filter((node) => !removedSecond.has(node)), ...second.added];
  if (removed.length + added.length > MAX_COMPOSED_NODES) return second;
  return { previous: second.previous, removed, added, containers: new Set([...first.containers, ...second.containers]), carried: first.carried };
}

/** Per-tree derived states by name (see treeState). */
const treeStates = new WeakMap<ConfigTree, Map<string, unknown>>();

/**
 * A state kept per built tree under `key` (the key names everything the state depends on
 * besides the tree): computed once per tree, and for a tree made by an in-place rebuild
 * derived from the previous tree's state and the change, so that an edit costs in proportion
 * to what it changed. `derive` returns undefined when it cannot (the state is then computed
 * afresh). A state must not refer to the previous one, or every tree of an editing session
 * would stay alive. Trees that are not built (snippets under construction) are not cached.
 */
export function treeState<T>(tree: ConfigTree, key: string, fresh: () => T, derive: (previous: T, change: TreeChange) => T | undefined): T {
  if (!builtRoots.has(tree.nodes)) return fresh();
  let states = treeStates.get(tree);
  if (states?.has(key)) return states.get(key) as T;
  const change = treeChanges.get(tree);
  const previous = change?.carried?.get(key) as T | undefined;
  const value = (previous !== undefined && change ? derive(previous, change) : undefined) ?? fresh();
  if (!states) {
    states = new Map();
    treeStates.set(tree, states);
  }
  states.set(key, value);
  return value;
}

/**
 * Keeps a tree's name index up to date while spans are replaced, so that a keystroke in one
 * file of a 100k-line tree does not walk and index the whole tree again. Entries are found
 * by their `order` keys (binary search); new nodes get keys evenly between their
 * neighbours'. The name lists are the old tree's arrays, patched in place by install(),
 * when the rebuild has succeeded and the old tree is no longer used: a copy of each list per
 * keystroke was what typing in a site file of the benchmark tree promoted most (17 of 46 MB
 * over 160 keystrokes, issue #15). Until then the old tree's index is untouched, so a
 * rebuild that gives up leaves it as it was.
 */
export class IndexPatch {
  private readonly byName: Map<string, ConfigNode[]> | undefined;
  private readonly asked: Set<string>;
  /** Every node taken out and put in, for indexes derived from the old tree (see treeState). */
  readonly removed: ConfigNode[] = [];
  readonly added: ConfigNode[] = [];
  /** The replacements done, in order: the new nodes (depth first) between two order keys. */
  private readonly pending: { before: number; after: number; added: readonly ConfigNode[] }[] = [];

  /** The old tree's depth-first list, when something asked for it: patched like the name lists. */
  private readonly flat: ConfigNode[] | undefined;

  constructor(oldRoot: readonly ConfigNode[]) {
    this.flat = flatOrders.get(oldRoot) as ConfigNode[] | undefined;
    const index = namedOrders.get(oldRoot);
    this.asked = new Set(index?.asked ?? []);
    if (index) {
      this.byName = new Map();
      for (const name of this.asked) this.byName.set(name, index.lists.get(name) ?? []);
    }
  }

  /**
   * Gives `addedTop` (and everything inside) order keys in place of `removedTop`, which sit
   * between `predecessor` (the node just before them among their siblings) and `successor`
   * (the next node in depth-first order, if any). False when the keys between the
   * neighbours are used up: a fresh build numbers the tree again.
   */
  replace(removedTop: readonly ConfigNode[], addedTop: readonly ConfigNode[], predecessor: ConfigNode, successor: ConfigNode | undefined): boolean {
    const removed: ConfigNode[] = [];
    collectDepthFirst(removedTop, removed);
    const added: ConfigNode[] = [];
    collectDepthFirst(addedTop, added);
    this.removed.push(...removed);
    this.added.push(...added);
    let previous = predecessor;
    while (previous.children.length > 0) previous = previous.children[previous.children.length - 1];
    const before = previous.order as number;
    // At the end of the tree there is no right neighbour: any key past the removed ones will do.
    const last = removed.length > 0 ? (removed[removed.length - 1].order as number) : before;
    const after = successor ? (successor.order as number) : Math.max(last, before) + (added.length + 1) * ORDER_KEY_END_STEP;
    // Whole numbers while the gap has room for them (see markBuilt), fractions once it has not.
    const whole = Math.floor((after - before) / (added.length + 1));
    const step = whole >= 1 ? whole : (after - before) / (added.length + 1);
    for (let i = 0; i < added.length; i++) added[i].order = before + step * (i + 1);
    if (!(step > 0)) return false;
    for (let i = 0; i < added.length; i++) {
      const key = added[i].order as number;
      if (!(key > (i === 0 ? before : (added[i - 1].order as number)) && key < after)) return false;
    }
    this.pending.push({ before, after, added });
    return true;
  }

  /**
   * Registers the patched indexes for the new tree's top-level nodes, once the rebuild can no
   * longer give up: the old tree's name lists, and its depth-first list if it was made, are
   * patched in place, replacement by replacement (the old tree is not used again). A
   * depth-first list nobody made is left to be built when something asks for it: a focused
   * check does not.
   */
  install(root: readonly ConfigNode[]): void {
    const flat = this.flat;
    if (flat) {
      // The 4,438 statements of the benchmark's 5k-line main config, walked again at
      // every keystroke before (#15).
      for (const { before, after, added } of this.pending) replaceRange(flat, indexAfterOrder(flat, before), indexBeforeOrder(flat, after), added);
      flatOrders.set(root, flat);
    }
    if (!this.byName) return;
    for (const { before, after, added } of this.pending) {
      const incoming = new Map<string, ConfigNode[]>();
      for (const node of added) {
        const name = node.directive.name;
        if (!this.byName.has(name)) continue;
        const list = incoming.get(name);
        if (list) list.push(node);
        else incoming.set(name, [node]);
      }
      for (const [name, list] of this.byName) {
        // The entries strictly between the neighbours are the removed ones.
        const from = indexAfterOrder(list, before);
        const upto = indexBeforeOrder(list, after);
        const replacement = incoming.get(name) ?? [];
        if (from < upto || replacement.length > 0) replaceRange(list, from, upto, replacement);
      }
    }
    namedOrders.set(root, { lists: this.byName, complete: false, asked: this.asked });
  }
}

/** `list` with its entries [from, upto) replaced by `replacement`, in place. */
export function replaceRange<T>(list: T[], from: number, upto: number, replacement: readonly T[]): void {
  if (upto - from === replacement.length) {
    for (let i = 0; i < replacement.length; i++) list[from + i] = replacement[i];
    return;
  }
  const tail = list.slice(upto);
  list.length = from;
  for (const item of replacement) list.push(item);
  for (const item of tail) list.push(item);
}

/** First index whose order is >= `order`. */
function indexBeforeOrder(list: readonly ConfigNode[], order: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid].order as number) < order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose order is > `order`. */
function indexAfterOrder(list: readonly ConfigNode[], order: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid].order as number) <= order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Calls `visit` for every node, depth first, in configuration order. */
export function walkNodes(nodes: readonly ConfigNode[], visit: (node: ConfigNode) => void): void {
  if (builtRoots.has(nodes)) {
    const flat = depthFirstNodes(nodes);
    for (let i = 0; i < flat.length; i++) visit(flat[i]);
    return;
  }
  for (let at = 0; at < nodes.length; at++) {
    const node = nodes[at];
    visit(node);
    if (node.children.length > 0) walkNodes(node.children, visit);
  }
}

/**
 * The nodes named `name` grouped by `keyOf` (undefined: left out), each group in
 * configuration order; kept per tree, and after an in-place rebuild updated from the removed
 * and added nodes only. `key` names the key function, which must depend on the node alone.
 */
export function namedGroups(tree: ConfigTree, name: string, key: string, keyOf: (node: ConfigNode) => string | undefined): ReadonlyMap<string, readonly ConfigNode[]> {
  const fresh = (): Map<string, ConfigNode[]> => {
    const groups = new Map<string, ConfigNode[]>();
    for (const node of nodesNamed(tree.nodes, name)) {
      const k = keyOf(node);
      if (k === undefined) continue;
      const group = groups.get(k);
      if (group) group.push(node);
      else groups.set(k, [node]);
    }
    return groups;
  };
  return treeState(tree, `named ${name} ${key}`, fresh, (previous, change) => {
    const groups = new Map(previous);
    const gone = new Set<ConfigNode>();
    const touched = new Set<string>();
    for (const node of change.removed) {
      if (node.directive.name !== name) continue;
      const k = keyOf(node);
      if (k === undefined) continue;
      gone.add(node);
      touched.add(k);
    }
    const incoming = new Map<string, ConfigNode[]>();
    for (const node of change.added) {
      if (node.directive.name !== name) continue;
      const k = keyOf(node);
      if (k === undefined) continue;
      touched.add(k);
      const list = incoming.get(k) ?? [];
      list.push(node);
      incoming.set(k, list);
    }
    const byOrder = (a: ConfigNode, b: ConfigNode): number => (a.order as number) - (b.order as number);
    for (const k of touched) {
      const list = [...(groups.get(k) ?? []).filter((n) => !gone.has(n)), ...(incoming.get(k) ?? [])].sort(byOrder);
      if (list.length > 0) groups.set(k, list);
      else groups.delete(k);
    }
    return groups;
  });
}
