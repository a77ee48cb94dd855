/**
 * The configuration as nginx assembles it: one main file with every `include` expanded in
 * place, each directive knowing the context it stands in and its enclosing blocks across
 * files. Relative paths resolve against the directory of the main file (nginx's conf
 * prefix), never against the including file: https://nginx.org/en/docs/ngx_core_module.html#include
 */
import * as path from 'node:path';
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { Block, Directive } from '../parser/syntaxTree';
import { MAX_CONFIG_BYTES, type FileSystem } from './fileSystem';
import { expandGlob, hasGlob } from './glob';
import { markBuilt } from './treeIndexes';
import type { ParsedFile } from './parsedFile';

export interface ConfigNode {
  directive: Directive;
  file: ParsedFile;
  /** The context this directive stands in. */
  context: ContextKind;
  parent?: ConfigNode;
  /** Body statements, with included files' statements spliced in after their `include`. */
  children: ConfigNode[];
  /**
   * Position in the depth-first order of a built tree: increasing, spaced out so that a rebuilt
   * block's nodes get keys between their neighbours' (see IndexPatch), whole numbers unless an
   * edit used up the whole numbers between two neighbours. -1 until the node is placed.
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
  /** For an include whose file does not exist: the path as written. */
  missingTarget?: string;
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
  /** True when confDir is only a stand-in because nginx's conf prefix is unknown (see PathResolver). */
  confDirUnknown: boolean;
  rootContext: ContextKind;
  nodes: ConfigNode[];
  files: Map<string, FileUse>;
  problems: TreeProblem[];
  /** How much the build expanded: bounded by INCLUDE_BUDGET whatever the input. */
  expansion: ExpansionCount;
}

export interface ExpansionCount {
  /** File instances spliced in (a file included from two places counts twice), main file included. */
  files: number;
  /** Statements (tree nodes) in the tree. */
  statements: number;
}

export interface PathResolver {
  confDir: string;
  /**
   * True when nobody knows nginx's conf prefix for this tree (a file no main config
   * includes, with no nginx.conf above it and no configured main): confDir is then the
   * file's own folder, a guess, and a relative path missing there proves nothing.
   */
  confDirUnknown?: boolean;
  /** Production prefixes (absolute) → local folders (absolute). */
  pathMappings: Record<string, string>;
}

/** How a written path found its local file: what decides whether this machine can answer for it. */
export type ResolvedVia =
  /** Relative: against the conf prefix. */
  | 'conf-prefix'
  /** Absolute, under a prefix of `pathMappings`. */
  | 'mapping'
  /** Absolute, read from a checkout that mirrors the production layout (see implicitMapping). */
  | 'layout'
  /** Absolute, taken as it is. */
  | 'as-written';

export interface ResolvedPath {
  path: string;
  via: ResolvedVia;
}

/** Maps a path written in the config to a local absolute path, as nginx would resolve it. */
export function resolveConfigPath(written: string, resolver: PathResolver): string {
  return resolveConfigPathVia(written, resolver).path;
}

/** resolveConfigPath(), also telling which rule placed the path. */
export function resolveConfigPathVia(written: string, resolver: PathResolver): ResolvedPath {
  if (path.isAbsolute(written)) {
    let best = '';
    for (const prefix of Object.keys(resolver.pathMappings)) {
      const normalized = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
      if ((written === normalized || written.startsWith(normalized + '/')) && normalized.length > best.length) best = normalized;
    }
    if (best) {
      const target = resolver.pathMappings[best] ?? resolver.pathMappings[best + '/'];
      return { path: path.join(target, written.slice(best.length)), via: 'mapping' };
    }
    const fromLayout = implicitMapping(written, resolver.confDir);
    return fromLayout ? { path: fromLayout, via: 'layout' } : { path: path.normalize(written), via: 'as-written' };
  }
  return { path: path.join(resolver.confDir, written), via: 'conf-prefix' };
}

/** What is said about a relative path that cannot be checked because the conf prefix is unknown. */
export function unknownConfPrefix(written: string): string {
  return `could not check "${written}": a relative path is read from nginx's conf prefix (the folder of the main nginx.conf), `
    + 'which is unknown for this file because no main configuration includes it. Set nginxMtls.mainConfig (CLI: --main), '
    + 'a path mapping, or keep the main nginx.conf in a folder above this file';
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

/**
 * What includes a node has to do with, beside the nodes: a few thousand of a tree's nodes are
 * `include` statements or the top-level statements of an included file, and two fields for
 * it in every node held 1.4 MB over the benchmark tree's 85,000 (issue #15).
 */
const includes = new WeakMap<ConfigNode, IncludeInfo>();
const includers = new WeakMap<ConfigNode, ConfigNode>();

/** For an `include` statement the builder followed: the files it brought in. */
export function includeOf(node: ConfigNode): IncludeInfo | undefined {
  return includes.get(node);
}

/** True when `ancestor` is one of the blocks around `node`, at any depth. */
export function isWithin(node: ConfigNode, ancestor: ConfigNode): boolean {
  for (let n: ConfigNode | undefined = node.parent; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

/** For a statement at the top of an included file: the `include` that brought it. */
export function includedByOf(node: ConfigNode): ConfigNode | undefined {
  return includers.get(node);
}

/**
 * A new node, with every field it may get later already present: nodes then share one shape,
 * so the rules' property reads stay monomorphic, and no node needs a separate property store
 * for an `order` added after it was made (issue #15; includes are kept beside the nodes: see
 * includeOf()). `order` starts as -1 (not placed yet) and stays a small integer (see
 * markBuilt()), which V8 keeps in the node itself; a double is a separate 16-byte object per
 * node (1.4 MB over the benchmark tree). Only a session whose edits use up the whole numbers
 * between two neighbours makes V8 store the field as a double from then on, once.
 */
function newNode(directive: Directive, file: ParsedFile, context: ContextKind, parent: ConfigNode | undefined): ConfigNode {
  return { directive, file, context, parent, children: NO_CHILDREN, order: -1 };
}

/** Include chains deeper than this are reported instead of followed. */
const MAX_INCLUDE_DEPTH = 32;
/** A single include mask expanding to more files than this is cut off. */
const MAX_INCLUDE_MATCHES = 5000;
/**
 * What one main configuration may expand to. Far above real configurations (the largest of
 * the 1,963 corpus configs is a few thousand statements), and low enough that a hostile
 * workspace (masks that include each other, thousands of files) stays within seconds and a
 * few hundred MB. Includes past it are reported once and not followed.
 */
export const INCLUDE_BUDGET: Readonly<ExpansionCount> = { files: 20_000, statements: 2_000_000 };

/** Directives in a parse, blocks included: the nodes one instance of the file adds to a tree. */
const statementCounts = new WeakMap<ParsedFile, number>();

export function statementCount(parsed: ParsedFile): number {
  let count = statementCounts.get(parsed);
  if (count === undefined) {
    count = 0;
    const pending: (readonly Directive[])[] = [parsed.syntax.statements];
    for (let list = pending.pop(); list; list = pending.pop()) {
      count += list.length;
      for (const directive of list) if (directive.block) pending.push(directive.block.statements);
    }
    statementCounts.set(parsed, count);
  }
  return count;
}

/** True when adding `added` to `count` goes past the budget. */
export function exceedsBudget(count: ExpansionCount, added: ExpansionCount): boolean {
  return count.files + added.files > INCLUDE_BUDGET.files || count.statements + added.statements > INCLUDE_BUDGET.statements;
}

export interface BuildOptions {
  fs: FileSystem;
  table: DirectiveTable;
  getParsed: (filePath: string) => Promise<ParsedFile | undefined>;
  mainFile: string;
  rootContext: ContextKind;
  resolver: PathResolver;
}

/** `T` with each of its fields, optional ones included, required to be written (possibly as undefined). */
export type EveryField<T> = { [K in keyof Required<T>]: T[K] };

/**
 * A tree object with its fields in one order: every tree then has the same hidden class. A copy
 * made by spreading another (`{ ...old, files }`, as a rebuild does) got a class of its own, and
 * the code that reads trees was optimised again for it after each keystroke (issue #15).
 */
export function treeOf(fields: ConfigTree): ConfigTree {
  // Every field (a field added to ConfigTree and not here fails to compile).
  const tree: EveryField<ConfigTree> = {
    mainFile: fields.mainFile,
    confDir: fields.confDir,
    confDirUnknown: fields.confDirUnknown,
    rootContext: fields.rootContext,
    nodes: fields.nodes,
    files: fields.files,
    problems: fields.problems,
    expansion: fields.expansion,
  };
  return tree;
}

export async function buildConfigTree(options: BuildOptions): Promise<ConfigTree> {
  const main = await options.getParsed(options.mainFile);
  const tree = treeOf({
    mainFile: options.mainFile,
    confDir: options.resolver.confDir,
    confDirUnknown: options.resolver.confDirUnknown === true,
    rootContext: options.rootContext,
    nodes: [],
    files: new Map(),
    problems: [],
    expansion: { files: 0, statements: 0 },
  });
  if (!main) return tree;
  const builder = new TreeBuilder(options, tree);
  tree.expansion = { files: 1, statements: statementCount(main) };
  tree.nodes = await builder.buildFile(main, options.rootContext, undefined, undefined, [main.path]);
  markBuilt(tree.nodes);
  return tree;
}

/** The innermost include span each problem was reported in (see rebuildIncludedFile). */
export const problemSpans = new WeakMap<TreeProblem, IncludeSpan>();

/** An `include` the builder follows (one argument, not a block). */
function expandsInclude(directive: Directive): boolean {
  return directive.name === 'include' && directive.args.length === 1 && directive.terminator !== '{';
}

/**
 * Statement lists that hold a followed include at some depth: the few lists on the way to an
 * include, remembered (a parse never changes) so that deep nesting is not walked again at
 * every level. A list found free is built synchronously and not asked about again.
 */
const listsWithInclude = new WeakSet<readonly Directive[]>();

function includeFree(statements: readonly Directive[]): boolean {
  if (listsWithInclude.has(statements)) return false;
  for (let at = 0; at < statements.length; at++) {
    const directive = statements[at];
    if (expandsInclude(directive) || (directive.block !== undefined && !includeFree(directive.block.statements))) {
      listsWithInclude.add(statements);
      return false;
    }
  }
  return true;
}

/** Builds nodes from parses; shared with the in-place rebuild (incrementalRebuild.ts). */
export class TreeBuilder {
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

  /**
   * The children of a block node whose body holds no include, built from its directive's
   * (new) body statements (see blockRebuild.ts).
   */
  buildIncludeFreeChildren(parsed: ParsedFile, owner: ConfigNode): ConfigNode[] {
    const statements = (owner.directive.block as Block).statements;
    return this.buildIncludeFree(parsed, statements, this.options.table.childContext(owner.directive.name, owner.context), owner);
  }

  /** Nodes for some statements of `owner`'s (new) body that hold no include (see blockRebuild.ts). */
  buildIncludeFreeStatements(parsed: ParsedFile, statements: readonly Directive[], owner: ConfigNode): ConfigNode[] {
    return this.buildIncludeFree(parsed, statements, this.options.table.childContext(owner.directive.name, owner.context), owner);
  }

  /** The children of a block node of the main file, built from its directive's (new) body, includes expanded. */
  async buildChildren(parsed: ParsedFile, owner: ConfigNode, chain: string[]): Promise<ConfigNode[]> {
    const statements = (owner.directive.block as Block).statements;
    return this.buildStatements(parsed, statements, this.options.table.childContext(owner.directive.name, owner.context), owner, chain);
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
    if (includedBy) for (const node of nodes) if (!includers.has(node)) includers.set(node, includedBy);
    return nodes;
  }

  private async buildStatements(parsed: ParsedFile, statements: readonly Directive[], context: ContextKind, parent: ConfigNode | undefined, chain: string[]): Promise<ConfigNode[]> {
    // Most blocks include nothing: they are built without a promise per block.
    if (includeFree(statements)) return this.buildIncludeFree(parsed, statements, context, parent);
    const nodes: ConfigNode[] = [];
    for (let at = 0; at < statements.length; at++) {
      const directive = statements[at];
      const node = newNode(directive, parsed, context, parent);
      nodes.push(node);
      if (expandsInclude(directive)) {
        const included = await this.expandInclude(node, chain);
        for (const child of included) nodes.push(child);
        continue;
      }
      if (directive.block) {
        const childContext = this.options.table.childContext(directive.name, context);
        node.children = await this.buildStatements(parsed, directive.block.statements, childContext, node, chain);
      }
    }
    // Without the spare capacity push leaves behind (85k nodes in a 100k-line tree).
    return nodes.slice();
  }

  /** buildStatements() for statements with no include at any depth: nothing to wait for. */
  private buildIncludeFree(parsed: ParsedFile, statements: readonly Directive[], context: ContextKind, parent: ConfigNode | undefined): ConfigNode[] {
    // map() gives a packed list of the exact size.
    return statements.map((directive) => {
      const node = newNode(directive, parsed, context, parent);
      if (directive.block) {
        const childContext = this.options.table.childContext(directive.name, context);
        node.children = this.buildIncludeFree(parsed, directive.block.statements, childContext, node);
      }
      return node;
    });
  }

  private async expandInclude(node: ConfigNode, chain: string[]): Promise<ConfigNode[]> {
    const arg = node.directive.args[0];
    const pattern = arg.value;
    const resolvedPattern = resolveConfigPath(pattern, this.options.resolver);
    const info: IncludeInfo = { pattern, resolvedPattern, files: [], spans: [] };
    includes.set(node, info);
    const file = node.file.path;
    if (this.budgetSpent) return [];
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
      if (!st && this.options.resolver.confDirUnknown && !path.isAbsolute(pattern)) {
        this.problem(file, arg.start, arg.end, 'nginx.include-not-checked', unknownConfPrefix(pattern));
        return [];
      }
      if (!st) {
        this.problem(file, arg.start, arg.end, 'nginx.include-not-found',
          `open() "${resolvedPattern}" failed (2: No such file or directory)`, pattern);
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
    // A mask that matches a file already being expanded above makes nginx recurse until it
    // crashes: none of its files are followed, so a cycle costs one step, not one per ordering
    // of the files it runs through.
    const closing = targets.find((target) => chain.includes(target));
    if (closing !== undefined) {
      this.reportCycle(node, [...chain.slice(chain.indexOf(closing)), closing]);
      return [];
    }
    const nodes: ConfigNode[] = [];
    for (const target of targets) {
      if (this.overBudget(node, { files: 1, statements: 0 })) break;
      const parsed = await this.options.getParsed(target);
      if (!parsed) {
        this.reportUnread(node, target);
        continue;
      }
      if (this.overBudget(node, { files: 1, statements: statementCount(parsed) })) break;
      this.tree.expansion.files += 1;
      this.tree.expansion.statements += statementCount(parsed);
      const { nodes: children, span } = await this.buildSpan(parsed, node, [...chain, target]);
      info.spans.push(span);
      for (const child of children) nodes.push(child);
    }
    return nodes;
  }

  /** An include target that gave no text: missing or unreadable (nginx fails), or not read by choice (said so, as information). */
  private reportUnread(node: ConfigNode, target: string): void {
    const arg = node.directive.args[0];
    const refusal = this.options.fs.refusal?.(target);
    if (refusal === 'not-regular') {
      this.problem(node.file.path, arg.start, arg.end, 'nginx.include-not-read',
        `"${target}" is not a regular file (a named pipe, device or socket): it is not read, and nothing it would bring in is checked`);
    } else if (refusal === 'too-large') {
      this.problem(node.file.path, arg.start, arg.end, 'nginx.include-not-read',
        `"${target}" is too large: over the ${MAX_CONFIG_BYTES / (1024 * 1024)} MiB read limit (counted as it is read: files under /proc report no size), so it is not read and its statements are not checked`);
    } else {
      this.problem(node.file.path, arg.start, arg.end, 'nginx.include-not-found', `open() "${target}" failed: the included file cannot be read`);
    }
  }

  /** Include statements whose cycle was reported: once each, however many chains reach them. */
  private readonly reportedCycles = new Set<string>();

  private reportCycle(node: ConfigNode, cycle: readonly string[]): void {
    const arg = node.directive.args[0];
    const key = `${node.file.path}\0${arg.start}`;
    if (this.reportedCycles.has(key)) return;
    this.reportedCycles.add(key);
    const names = cycle.map((p) => path.basename(p)).join(' → ');
    this.problem(node.file.path, arg.start, arg.end, 'nginx.include-cycle',
      `include cycle: ${names}; nginx follows it until it crashes (nginx -t dies with a segmentation fault), so this include is not followed`);
  }

  /** Set once the budget ran out: every include after that point is left unexpanded. */
  private budgetSpent = false;

  /** True (and reported at the first include it happens to) when expanding `added` goes past INCLUDE_BUDGET. */
  private overBudget(node: ConfigNode, added: ExpansionCount): boolean {
    if (this.budgetSpent) return true;
    if (!exceedsBudget(this.tree.expansion, added)) return false;
    this.budgetSpent = true;
    const arg = node.directive.args[0];
    this.problem(node.file.path, arg.start, arg.end, 'nginx.include-budget',
      `not checked from here on: the configuration expands to more than ${INCLUDE_BUDGET.files.toLocaleString('en-US')} included files or ${INCLUDE_BUDGET.statements.toLocaleString('en-US')} statements, `
      + `so "${arg.value}" and every include after it are not followed (findings that depend on those files are missing)`);
    return true;
  }

  private problem(file: string, start: number, end: number, code: string, message: string, missingTarget?: string): void {
    const problem: TreeProblem = { file, start, end, code, message, missingTarget };
    if (this.span) problemSpans.set(problem, this.span);
    this.tree.problems.push(problem);
  }
}
