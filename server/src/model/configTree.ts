/**
 * The configuration as nginx assembles it: one main file with every `include` expanded in
 * place, each directive knowing the context it stands in and its enclosing blocks across
 * files. Relative paths resolve against the directory of the main file (nginx's conf
 * prefix), never against the including file: https://nginx.org/en/docs/ngx_core_module.html#include
 */
import * as path from 'node:path';
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { Directive } from '../parser/syntaxTree';
import type { FileSystem } from './fileSystem';
import { expandGlob, hasGlob } from './glob';
import type { ParsedFile } from './parsedFile';

export interface ConfigNode {
  directive: Directive;
  file: ParsedFile;
  /** The context this directive stands in. */
  context: ContextKind;
  parent?: ConfigNode;
  /** Body statements, with included files' statements spliced in after their `include`. */
  children: ConfigNode[];
  /** For `include` directives: the files it brought in. */
  include?: IncludeInfo;
  /** For statements at the top of an included file: the `include` that brought them. */
  includedBy?: ConfigNode;
  /**
   * Position in the depth-first order of a built tree: increasing, not necessarily whole
   * numbers (a rebuilt file's nodes get keys between their neighbours'; see IndexPatch).
   */
  order?: number;
}

export interface IncludeInfo {
  pattern: string;
  resolvedPattern: string;
  files: string[];
  /** The files actually spliced in after the `include`, in order, with their node counts. */
  spans: IncludeSpan[];
}

/** One included file's top-level statements among the include's siblings. */
export interface IncludeSpan {
  file: string;
  /** How many nodes follow the include (after the earlier spans) for this file. */
  count: number;
  /** The span being built when this one started (undefined at the main file). */
  outer?: IncludeSpan;
  /** True when the include sits at the top of its own file, so these nodes count in `outer` too. */
  topLevel: boolean;
}

export interface TreeProblem {
  file: string;
  start: number;
  end: number;
  code: string;
  message: string;
}

export interface FileUse {
  parsed: ParsedFile;
  /** Every context the file is included in. */
  contexts: Set<ContextKind>;
}

export interface ConfigTree {
  mainFile: string;
  /** nginx's conf prefix: the main file's directory. */
  confDir: string;
  rootContext: ContextKind;
  nodes: ConfigNode[];
  files: Map<string, FileUse>;
  problems: TreeProblem[];
}

export interface PathResolver {
  confDir: string;
  /** Production prefixes (absolute) → local folders (absolute). */
  pathMappings: Record<string, string>;
}

/** Maps a path written in the config to a local absolute path, as nginx would resolve it. */
export function resolveConfigPath(written: string, resolver: PathResolver): string {
  if (path.isAbsolute(written)) {
    let best = '';
    for (const prefix of Object.keys(resolver.pathMappings)) {
      const normalized = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
      if ((written === normalized || written.startsWith(normalized + '/')) && normalized.length > best.length) best = normalized;
    }
    if (best) {
      const target = resolver.pathMappings[best] ?? resolver.pathMappings[best + '/'];
      return path.join(target, written.slice(best.length));
    }
    return implicitMapping(written, resolver.confDir) ?? path.normalize(written);
  }
  return path.join(resolver.confDir, written);
}

/**
 * A checkout that mirrors the production layout (…/etc/nginx/nginx.conf) names its own
 * files with production paths (/etc/nginx/ssl/a.crt). When the end of the conf dir (two
 * segments or more) is the start of an absolute path, the path is read from the checkout.
 */
function implicitMapping(written: string, confDir: string): string | undefined {
  const dirParts = confDirParts(confDir);
  const writtenParts = path.normalize(written).split('/').filter((s) => s.length > 0);
  for (let take = Math.min(dirParts.length - 1, writtenParts.length); take >= 2; take--) {
    const suffix = dirParts.slice(dirParts.length - take);
    if (suffix.every((part, i) => writtenParts[i] === part)) {
      return path.join(confDir, ...writtenParts.slice(take));
    }
  }
  return undefined;
}

/** The segments of a conf dir; every certificate path of a tree is resolved against the same one. */
const confDirSegments = new Map<string, readonly string[]>();

function confDirParts(confDir: string): readonly string[] {
  // A relative conf dir depends on the working directory: not memoized.
  if (!path.isAbsolute(confDir)) return path.resolve(confDir).split('/').filter((s) => s.length > 0);
  let parts = confDirSegments.get(confDir);
  if (!parts) {
    parts = path.resolve(confDir).split('/').filter((s) => s.length > 0);
    if (confDirSegments.size > 256) confDirSegments.clear();
    confDirSegments.set(confDir, parts);
  }
  return parts;
}

/**
 * The children of every statement without a block: one frozen array instead of 75k empty
 * ones in a 100k-line tree. Blocks get their own array; nothing adds to a node's children.
 */
const NO_CHILDREN = Object.freeze([]) as unknown as ConfigNode[];

/** Include chains deeper than this are reported instead of followed. */
const MAX_INCLUDE_DEPTH = 32;
/** A single include mask expanding to more files than this is cut off. */
const MAX_INCLUDE_MATCHES = 5000;

export interface BuildOptions {
  fs: FileSystem;
  table: DirectiveTable;
  getParsed: (filePath: string) => Promise<ParsedFile | undefined>;
  mainFile: string;
  rootContext: ContextKind;
  resolver: PathResolver;
}

export async function buildConfigTree(options: BuildOptions): Promise<ConfigTree> {
  const main = await options.getParsed(options.mainFile);
  const tree: ConfigTree = {
    mainFile: options.mainFile,
    confDir: options.resolver.confDir,
    rootContext: options.rootContext,
    nodes: [],
    files: new Map(),
    problems: [],
  };
  if (!main) return tree;
  const builder = new TreeBuilder(options, tree);
  tree.nodes = await builder.buildFile(main, options.rootContext, undefined, undefined, [main.path]);
  builtRoots.add(tree.nodes);
  const flat = depthFirstNodes(tree.nodes);
  for (let i = 0; i < flat.length; i++) flat[i].order = i;
  return tree;
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
}

const treeChanges = new WeakMap<ConfigTree, TreeChange>();

/** For an index kept per tree: how to derive this tree's from the previous tree's. */
export function treeChange(tree: ConfigTree): TreeChange | undefined {
  return treeChanges.get(tree);
}

/** The innermost include span each problem was reported in (see rebuildIncludedFile). */
const problemSpans = new WeakMap<TreeProblem, IncludeSpan>();

/**
 * The tree after `changed` (an included file, not the main one) got new text: every place
 * it is spliced in is built again from its new parse and swapped for the old nodes; the rest
 * of the tree is kept. The result equals a fresh build. The blocks that hold the file get new
 * `children` arrays, so the old tree must no longer be used. Returns undefined when a fresh
 * build is needed instead (the main file changed, or the file is not spliced in anywhere).
 */
export async function rebuildIncludedFile(old: ConfigTree, options: BuildOptions, changed: ParsedFile): Promise<ConfigTree | undefined> {
  if (changed.path === old.mainFile || !builtRoots.has(old.nodes)) return undefined;
  const includes = nodesNamed(old.nodes, 'include').filter((n) => n.include?.spans.some((s) => s.file === changed.path));
  if (includes.length === 0) return undefined;
  const tree: ConfigTree = { ...old, nodes: old.nodes, files: new Map(), problems: [] };
  const scratch: ConfigTree = { ...tree, files: new Map(), problems: [] };
  // The old tree's name index, patched span by span.
  const indexes = new IndexPatch(namedOrders.get(old.nodes));
  const replaced = new Set<IncludeSpan>();
  // While the rebuilt spans include the same files in the same contexts, the file uses stay.
  let sameIncludes = true;
  for (const include of includes) {
    const info = include.include as IncludeInfo;
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
      if (sameIncludes) sameIncludes = includeUses(siblings.slice(offset, offset + span.count)) === includeUses(fresh.nodes);
      if (!indexes.replace(siblings.slice(offset, offset + span.count), fresh.nodes, siblings[offset - 1], successorOf(include, siblings, offset + span.count, tree.nodes))) return undefined;
      const updated = [...siblings.slice(0, offset), ...fresh.nodes, ...siblings.slice(offset + span.count)];
      if (include.parent) include.parent.children = updated;
      else tree.nodes = updated;
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
  if (tree.nodes === old.nodes) tree.nodes = old.nodes.slice();
  indexes.install(tree.nodes);
  treeChanges.set(tree, { previous: new WeakRef(old), removed: indexes.removed, added: indexes.added });
  tree.problems = [...old.problems.filter((p) => !inReplaced(p)), ...scratch.problems];
  // Which files are used, and in which contexts, in the order a fresh build records them.
  const parses = new Map<string, ParsedFile>();
  for (const [file, use] of old.files) parses.set(file, use.parsed);
  for (const [file, use] of scratch.files) parses.set(file, use.parsed);
  builtRoots.add(tree.nodes);
  if (sameIncludes) {
    for (const [file, use] of old.files) tree.files.set(file, { parsed: parses.get(file) ?? use.parsed, contexts: use.contexts });
    return tree;
  }
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
      if (node.include) {
        let position = i + 1;
        for (const span of node.include.spans) {
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
 * The node that follows, in depth-first order, the siblings before `index` in the array
 * holding `include` (undefined at the end of the tree).
 */
function successorOf(include: ConfigNode, siblings: readonly ConfigNode[], index: number, root: readonly ConfigNode[]): ConfigNode | undefined {
  if (index < siblings.length) return siblings[index];
  for (let block = include.parent; block; block = block.parent) {
    const around = block.parent ? block.parent.children : root;
    const next = around[around.indexOf(block) + 1];
    if (next) return next;
  }
  return undefined;
}

/**
 * Keeps a tree's name index up to date while spans are replaced, so that a keystroke in one
 * file of a 100k-line tree does not walk and index the whole tree again. Entries are found
 * by their `order` keys (binary search); new nodes get keys evenly between their
 * neighbours'. Untouched name lists are shared with the old tree.
 */
class IndexPatch {
  private readonly byName: Map<string, ConfigNode[]> | undefined;
  private readonly asked: Set<string>;
  /** Every node taken out and put in, for indexes derived from the old tree (see treeChange). */
  readonly removed: ConfigNode[] = [];
  readonly added: ConfigNode[] = [];

  constructor(index: NameIndex | undefined) {
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
    const after = successor ? (successor.order as number) : Math.max(last, before) + added.length + 1;
    const step = (after - before) / (added.length + 1);
    for (let i = 0; i < added.length; i++) added[i].order = before + step * (i + 1);
    if (!(step > 0)) return false;
    for (let i = 0; i < added.length; i++) {
      const key = added[i].order as number;
      if (!(key > (i === 0 ? before : (added[i - 1].order as number)) && key < after)) return false;
    }
    if (this.byName) {
      const names = new Set<string>();
      for (const n of removed) names.add(n.directive.name.value);
      for (const n of added) names.add(n.directive.name.value);
      for (const name of names) {
        const list = this.byName.get(name);
        if (!list) continue;
        // The entries strictly between the neighbours are the removed ones.
        const from = indexAfterOrder(list, before);
        const upto = indexBeforeOrder(list, after);
        const replacement = added.filter((n) => n.directive.name.value === name);
        const updated = [...list.slice(0, from), ...replacement, ...list.slice(upto)];
        this.byName.set(name, updated);
      }
    }
    return true;
  }

  /**
   * Registers the patched name index for the new tree's top-level nodes. The depth-first
   * list is left to be built when something asks for it: a focused check does not.
   */
  install(root: readonly ConfigNode[]): void {
    if (this.byName) namedOrders.set(root, { lists: this.byName, complete: false, asked: this.asked });
  }
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

/** The files the includes among `nodes` (and inside them) splice in, with contexts, as one string. */
function includeUses(nodes: readonly ConfigNode[]): string {
  const uses: string[] = [];
  const visit = (list: readonly ConfigNode[]): void => {
    for (const node of list) {
      for (const span of node.include?.spans ?? []) uses.push(`${span.file}\0${node.context}`);
      if (node.children.length > 0) visit(node.children);
    }
  };
  visit(nodes);
  return uses.join('\n');
}

/** The files from the main one down to the file holding `node`, through the includes that brought each in. */
function fileChain(node: ConfigNode): string[] {
  const chain: string[] = [];
  for (let n: ConfigNode | undefined = node; n; ) {
    chain.unshift(n.file.path);
    let top: ConfigNode = n;
    while (top.parent && top.parent.file === n.file) top = top.parent;
    n = top.includedBy;
  }
  return chain;
}

class TreeBuilder {
  /** The include span whose statements are being built. */
  private span: IncludeSpan | undefined;

  constructor(private readonly options: BuildOptions, private readonly tree: ConfigTree, outer?: IncludeSpan) {
    this.span = outer;
  }

  /** Builds one included file in place of an include's span (see rebuildIncludedFile). */
  async buildSpan(parsed: ParsedFile, include: ConfigNode, chain: string[]): Promise<{ nodes: ConfigNode[]; span: IncludeSpan }> {
    const topLevel = !include.parent || include.parent.file !== include.file;
    const span: IncludeSpan = { file: parsed.path, count: 0, outer: this.span, topLevel };
    this.span = span;
    const nodes = await this.buildFile(parsed, include.context, include.parent, include, chain);
    this.span = span.outer;
    span.count = nodes.length;
    return { nodes, span };
  }

  private use(parsed: ParsedFile, context: ContextKind): void {
    let use = this.tree.files.get(parsed.path);
    if (!use) {
      use = { parsed, contexts: new Set() };
      this.tree.files.set(parsed.path, use);
    }
    use.contexts.add(context);
  }

  async buildFile(parsed: ParsedFile, context: ContextKind, parent: ConfigNode | undefined, includedBy: ConfigNode | undefined, chain: string[]): Promise<ConfigNode[]> {
    this.use(parsed, context);
    const nodes = await this.buildStatements(parsed, parsed.syntax.statements, context, parent, chain);
    if (includedBy) for (const node of nodes) node.includedBy ??= includedBy;
    return nodes;
  }

  private async buildStatements(parsed: ParsedFile, statements: readonly Directive[], context: ContextKind, parent: ConfigNode | undefined, chain: string[]): Promise<ConfigNode[]> {
    const nodes: ConfigNode[] = [];
    for (const directive of statements) {
      const node: ConfigNode = { directive, file: parsed, context, parent, children: NO_CHILDREN };
      nodes.push(node);
      if (directive.name.value === 'include' && directive.args.length === 1 && directive.terminator !== '{') {
        const included = await this.expandInclude(node, chain);
        for (const child of included) nodes.push(child);
        continue;
      }
      if (directive.block) {
        const childContext = this.options.table.childContext(directive.name.value, context);
        node.children = await this.buildStatements(parsed, directive.block.statements, childContext, node, chain);
      }
    }
    // Without the spare capacity push leaves behind (85k nodes in a 100k-line tree).
    return nodes.slice();
  }

  private async expandInclude(node: ConfigNode, chain: string[]): Promise<ConfigNode[]> {
    const arg = node.directive.args[0];
    const pattern = arg.value;
    const resolvedPattern = resolveConfigPath(pattern, this.options.resolver);
    const info: IncludeInfo = { pattern, resolvedPattern, files: [], spans: [] };
    node.include = info;
    const file = node.file.path;
    if (chain.length > MAX_INCLUDE_DEPTH) {
      this.problem(file, arg.start, arg.end, 'nginx.include-too-deep', `includes are nested more than ${MAX_INCLUDE_DEPTH} levels deep; "${pattern}" is not followed`);
      return [];
    }
    let targets: string[];
    if (hasGlob(resolvedPattern)) {
      targets = await expandGlob(this.options.fs, resolvedPattern, MAX_INCLUDE_MATCHES + 1);
      if (targets.length > MAX_INCLUDE_MATCHES) {
        this.problem(file, arg.start, arg.end, 'nginx.include-too-many', `"${pattern}" matches more than ${MAX_INCLUDE_MATCHES} files; only the first ${MAX_INCLUDE_MATCHES} are checked`);
        targets = targets.slice(0, MAX_INCLUDE_MATCHES);
      }
    } else {
      const st = await this.options.fs.stat(resolvedPattern);
      if (!st) {
        this.problem(file, arg.start, arg.end, 'nginx.include-not-found',
          `open() "${resolvedPattern}" failed (2: No such file or directory)`);
        return [];
      }
      if (st.isDirectory) {
        this.problem(file, arg.start, arg.end, 'nginx.include-not-found',
          `"${resolvedPattern}" is a directory; include a mask such as "${path.join(pattern, '*.conf')}"`);
        return [];
      }
      targets = [resolvedPattern];
    }
    info.files = targets;
    const nodes: ConfigNode[] = [];
    for (const target of targets) {
      if (chain.includes(target)) {
        const cycle = [...chain.slice(chain.indexOf(target)), target].map((p) => path.basename(p)).join(' → ');
        this.problem(file, arg.start, arg.end, 'nginx.include-cycle', `include cycle: ${cycle}; nginx would recurse until it runs out of open files`);
        continue;
      }
      const parsed = await this.options.getParsed(target);
      if (!parsed) {
        this.problem(file, arg.start, arg.end, 'nginx.include-not-found', `open() "${target}" failed: the included file cannot be read`);
        continue;
      }
      const { nodes: children, span } = await this.buildSpan(parsed, node, [...chain, target]);
      info.spans.push(span);
      for (const child of children) nodes.push(child);
    }
    return nodes;
  }

  private problem(file: string, start: number, end: number, code: string, message: string): void {
    const problem: TreeProblem = { file, start, end, code, message };
    if (this.span) problemSpans.set(problem, this.span);
    this.tree.problems.push(problem);
  }
}

/**
 * Top-level node arrays of trees that buildConfigTree finished. Nothing changes a built
 * tree afterwards, so its depth-first order can be computed once: rules walk the whole
 * tree many times per analysis, and a flat loop is several times cheaper than recursion.
 */
const builtRoots = new WeakSet<readonly ConfigNode[]>();
const flatOrders = new WeakMap<readonly ConfigNode[], readonly ConfigNode[]>();

function collectDepthFirst(nodes: readonly ConfigNode[], out: ConfigNode[]): void {
  for (const node of nodes) {
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
    for (const node of depthFirstNodes(nodes)) {
      const key = node.directive.name.value;
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
  const found = depthFirstNodes(nodes).filter((n) => n.directive.name.value === name);
  index.lists.set(name, found);
  return found;
}

/**
 * The statements of one included file, depth first, found through the includes that splice
 * it in rather than by walking the whole tree; the main file's are found by a walk.
 */
export function nodesOfFile(tree: ConfigTree, filePath: string): readonly ConfigNode[] {
  if (filePath === tree.mainFile || !builtRoots.has(tree.nodes)) return depthFirstNodes(tree.nodes).filter((n) => n.file.path === filePath);
  const found: ConfigNode[] = [];
  const collect = (nodes: readonly ConfigNode[]): void => {
    for (const node of nodes) {
      if (node.file.path === filePath) found.push(node);
      if (node.children.length > 0) collect(node.children);
    }
  };
  for (const include of nodesNamed(tree.nodes, 'include')) {
    const spans = include.include?.spans ?? [];
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

/** Calls `visit` for every node, depth first, in configuration order. */
export function walkNodes(nodes: readonly ConfigNode[], visit: (node: ConfigNode) => void): void {
  if (builtRoots.has(nodes)) {
    const flat = depthFirstNodes(nodes);
    for (let i = 0; i < flat.length; i++) visit(flat[i]);
    return;
  }
  for (const node of nodes) {
    visit(node);
    if (node.children.length > 0) walkNodes(node.children, visit);
  }
}
