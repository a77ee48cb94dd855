/**
 * What part of the tree one analysis has to look at. The language server checks the file
 * being edited inside a tree of hundreds of files; findings are only wanted in that file, so
 * rules evaluate the statements, blocks, server scopes and request paths whose findings can
 * land there, and read the rest of the tree only for context (peers on the same address,
 * the other users of an upstream, CA files). When every file of the tree is wanted (the
 * command line) the focus is the whole tree and nothing is skipped.
 *
 * A finding lands on a statement. A rule that judges a block, server or request path
 * reports on statements of that block's inheritance levels, so the scopes that matter are
 * those with a level that a wanted file writes to, or a block that a wanted file holds.
 * Everything here errs on the side of including too much: an extra scope costs time, a
 * missing one would lose a finding (test/analysis/focus.test.ts compares both ways).
 */
import { isWithin, type ConfigNode, type ConfigTree } from '../model/configTree';
import { depthFirstNodes, isBuiltTree, nodesNamed, nodesOfFile, treeState } from '../model/treeIndexes';
import { isPassStatement, requestPathAt, upstreamLookup, type EffectiveOptions, type Family, type Level, type RequestPath, type ServerScope } from '../model/effectiveConfig';
import { allRequestPaths, allServerScopes, groupedItems, passOrder, pathsByPass, scopeOrder, type DerivedList } from '../model/scopeLists';
import { ruleContextOf, type RuleContext } from './ruleContext';
import { addressGroups, effectiveOptions, updatedAddressGroups, type AddressGroups } from './rules/tlsRuleSupport';

export interface AnalysisFocus {
  /** True when every file of the tree is wanted. */
  whole: boolean;
  wanted: ReadonlySet<string>;
  /**
   * The statements of the wanted files, depth first (every statement when whole; with RuleContext.within, those of that block's body, or its own with ownStatementsOnly).
   *
   * Rules loop over it (and over other lists of statements) by index. The command line runs each
   * loop over the tree's 80,000 statements once, mostly before V8 optimises it, and an unoptimised
   * `for…of` allocates an iterator result per step: 75 of the 378 MB a check of the benchmark's
   * tree allocated (issue #15).
   */
  nodes: readonly ConfigNode[];
  /** Blocks holding at least one statement of a wanted file (null: the top level). */
  containers: ReadonlySet<ConfigNode | null>;
  /** True when a finding on this statement is wanted (with RuleContext.within: a statement of that block's body). */
  touchesNode(node: ConfigNode): boolean;
  /** True when one of `nodes` is named `name`: a finding placed on such a statement can be wanted. */
  writes(name: string): boolean;
  /** True when a wanted file writes to one of these levels, or holds one of their blocks. */
  touchesLevels(levels: readonly Level[]): boolean;
  /**
   * The blocks (null: the top level) where a statement of `nodes` sets one of `names`, with the
   * names set there (kept per set of names).
   */
  levelsSetting(names: ReadonlySet<string>): ReadonlyMap<ConfigNode | null, readonly string[]>;
  /**
   * For a family that places a server's findings only on the server's own statements (its
   * block, includes in it) and on the settings named `placedOn` wherever the server inherits
   * them from: whether one of them can be wanted. Narrower than touchesLevels(): nginx.conf
   * writes to the http level of every server, but rarely one of those settings.
   */
  scopeTouches(scope: ServerScope, placedOn: readonly string[]): boolean;
  /** The same question for the levels above `node`, without building them (may say yes too often). */
  touchesAncestry(node: ConfigNode): boolean;
  /** Request paths whose findings can land in the wanted files. */
  paths(): readonly RequestPath[];
  /**
   * Request paths whose pass statement or block a wanted file holds, found through those
   * statements without deriving the others (paths() when whole or not built): for a family
   * that places findings only there, when the wanted files write none of the settings it also
   * places them on.
   */
  pathsHeld(): readonly RequestPath[];
  /** Every request path of the tree, for the rules that compare a path with its peers. */
  allPaths(): readonly RequestPath[];
  /** Request paths whose pass statement is accepted (for peers of the focused paths). */
  pathsWhere(accept: (pass: ConfigNode) => boolean): readonly RequestPath[];
  /**
   * Every request path grouped by `keyOf` (undefined: left out), each group in configuration
   * order; kept per tree and updated for the paths an edit changed. `name` identifies the key
   * function, which must depend on the path object only.
   */
  pathGroups(name: string, keyOf: (path: RequestPath) => string | undefined): ReadonlyMap<string, readonly RequestPath[]>;
  /** Every http or stream server scope of the tree (shared by the rules of one analysis). */
  serverScopes(family: Family): readonly ServerScope[];
  /** The server scopes whose findings can land in the wanted files (touchesLevels). */
  touchedScopes(family: Family): readonly ServerScope[];
  /** The scope of a `server` block, if it is one of serverScopes(family). */
  scopeOf(node: ConfigNode, family: Family): ServerScope | undefined;
  /** Listen-address groups of every http server, kept per tree and updated for the servers an edit changed. */
  addressGroups(): AddressGroups;
  /** Nodes named `name` anywhere in the tree. */
  named(name: string): readonly ConfigNode[];
  /** Nodes named `name` for which touchesAncestry() holds, in configuration order, found without visiting the others. */
  touchedNamed(name: string): readonly ConfigNode[];
}

const focuses = new WeakMap<RuleContext, AnalysisFocus>();

/** The statements that make request paths (see requestPaths). */
const PASS_NAMES = ['proxy_pass', 'grpc_pass', 'uwsgi_pass'];

/** The focus of one analysis run, computed once and shared by its rules. */
export function focusOf(context: RuleContext): AnalysisFocus {
  let focus = focuses.get(context);
  if (!focus) {
    focus = computeFocus(context);
    focuses.set(context, focus);
  }
  return focus;
}

/**
 * The context of a family that judges again only some statements (RuleContext.onlyDirectives)
 * or some blocks (RuleContext.onlyBlocks): the same files, so the same focus, found once.
 */
export function narrowedTo(context: RuleContext, only: Pick<RuleContext, 'onlyDirectives'> | Pick<RuleContext, 'onlyBlocks'>): RuleContext {
  const narrowed = ruleContextOf({ ...context, ...only });
  focuses.set(narrowed, focusOf(context));
  return narrowed;
}

/** The statements of the wanted files, depth first, without walking the rest of the tree. */
function focusedNodes(tree: ConfigTree, wanted: ReadonlySet<string>): readonly ConfigNode[] {
  const files = [...wanted].filter((file) => tree.files.has(file));
  if (files.length === 1) return nodesOfFile(tree, files[0]);
  return depthFirstNodes(tree.nodes).filter((n) => wanted.has(n.file.path));
}

/** The blocks holding a focus's statements (null: the top level), and the levels it writes a setting to. */
interface ScannedLevels {
  containers: Set<ConfigNode | null>;
  settingLevels: Set<ConfigNode | null>;
}

function computeFocus(context: RuleContext): AnalysisFocus {
  const tree = context.tree;
  const wanted = new Set(context.files.map((f) => f.path));
  const within = context.within;
  const whole = within === undefined && [...tree.files.keys()].every((p) => wanted.has(p));
  // A block-local family checking one block's body again (RuleContext.within): its statements
  // (a statement-local one: the block's own statements, RuleContext.ownStatementsOnly).
  const nodes = within ? (context.ownStatementsOnly ? within.children : depthFirstNodes(within.children)) : whole ? depthFirstNodes(tree.nodes) : focusedNodes(tree, wanted);
  // Made when first asked: the families that check a block's body again (the http block of a
  // 5k-line nginx.conf, 4,400 statements) do not ask.
  let inBody: Set<ConfigNode> | undefined;
  // The blocks holding `nodes`, and the levels a wanted file writes a setting to (blocks among a
  // level's statements pass nothing on): made when first asked. The identity-header families,
  // which ask for paths, not for these, pass over the 4,400 statements of the 5k-line bench file
  // at every keystroke in a header at its http level otherwise.
  let scanned: ScannedLevels | undefined;
  const scan = (): ScannedLevels => {
    if (!scanned) {
      scanned = { containers: new Set(), settingLevels: new Set() };
      for (let at = 0; at < nodes.length; at++) {
        const node = nodes[at];
        const parent = node.parent ?? null;
        scanned.containers.add(parent);
        if (!node.directive.block) scanned.settingLevels.add(parent);
      }
    }
    return scanned;
  };
  const touchesNode = (node: ConfigNode): boolean => (within ? (inBody ??= new Set(nodes)).has(node) : whole || wanted.has(node.file.path));
  // Whether a block holds statements whose findings are wanted: one of a wanted file; with
  // RuleContext.within, that block or (but with ownStatementsOnly) a block inside it. A family
  // checking one server's body again then judges that server's scopes and request paths, not
  // every one of the file (issue #15).
  const holdsWanted = (block: ConfigNode): boolean => (within
    ? block === within || (!context.ownStatementsOnly && isWithin(block, within))
    : wanted.has(block.file.path));
  const touchesLevels = (levels: readonly Level[]): boolean => whole || levels.some((level) => level.node
    ? holdsWanted(level.node) || scan().settingLevels.has(level.node)
    : scan().settingLevels.has(null));
  // Whether a block, or a block above it, is one a wanted file holds or writes to (per analysis).
  const blocksTouched = new Map<ConfigNode, boolean>();
  const blockTouched = (block: ConfigNode | undefined): boolean => {
    if (!block) return scan().settingLevels.has(null);
    let touched = blocksTouched.get(block);
    if (touched === undefined) {
      touched = holdsWanted(block) || scan().settingLevels.has(block) || blockTouched(block.parent);
      blocksTouched.set(block, touched);
    }
    return touched;
  };
  const touchesAncestry = (node: ConfigNode): boolean => whole || (within ? touchesNode(node) : wanted.has(node.file.path)) || blockTouched(node.parent);
  const levelsByNames = new Map<ReadonlySet<string>, Map<ConfigNode | null, string[]>>();
  const levelsSetting = (names: ReadonlySet<string>): ReadonlyMap<ConfigNode | null, readonly string[]> => {
    let levels = levelsByNames.get(names);
    if (!levels) {
      levels = new Map();
      for (let at = 0; at < nodes.length; at++) {
        const node = nodes[at];
        const name = node.directive.name;
        if (node.directive.block || !names.has(name)) continue;
        const parent = node.parent ?? null;
        const written = levels.get(parent);
        if (!written) levels.set(parent, [name]);
        else if (!written.includes(name)) written.push(name);
      }
      levelsByNames.set(names, levels);
    }
    return levels;
  };
  let namesWritten: Set<string> | undefined;
  const writes = (name: string): boolean => (namesWritten ??= new Set(nodes.map((n) => n.directive.name))).has(name);
  const options = effectiveOptions(context);
  let pathList: DerivedList<RequestPath> | undefined;
  const pathsOfTree = (): DerivedList<RequestPath> => (pathList ??= allRequestPaths(tree, options));
  let focused: readonly RequestPath[] | undefined;
  const scopeLists = new Map<Family, DerivedList<ServerScope>>();
  const scopeListOf = (family: Family): DerivedList<ServerScope> => {
    let list = scopeLists.get(family);
    if (!list) {
      list = allServerScopes(tree, family, options);
      scopeLists.set(family, list);
    }
    return list;
  };
  const touched = new Map<Family, readonly ServerScope[]>();
  const scopeIndexes = new Map<Family, Map<ConfigNode, ServerScope>>();
  let groups: AddressGroups | undefined;
  // The paths whose pass statement touchesAncestry() accepts, found through those statements.
  const touchedPaths = (): readonly RequestPath[] => {
    // A wanted file writes to the top level (nginx.conf's user, pid…): every block is touched
    // (blockTouched ends there), so every path is, without asking each of the tree's 4,000.
    if (scan().settingLevels.has(null)) return focus.allPaths();
    if (!isBuiltTree(tree.nodes)) return focus.allPaths().filter((p) => touchesAncestry(p.pass));
    const byPass = pathsByPass(tree, pathsOfTree());
    const found: RequestPath[] = [];
    for (const name of PASS_NAMES) {
      for (const pass of focus.touchedNamed(name)) {
        const path = byPass.get(pass);
        if (path) found.push(path);
      }
    }
    return found.sort((a, b) => passOrder(a) - passOrder(b));
  };
  const focus: AnalysisFocus = {
    whole, wanted, nodes, touchesNode, writes, touchesLevels, levelsSetting, touchesAncestry,
    get containers() {
      return scan().containers;
    },
    scopeTouches: (scope, placedOn) => {
      if (!scope.node || whole) return touchesLevels(scope.levels);
      if (touchesNode(scope.node) || scan().containers.has(scope.node)) return true;
      return placedOn.some(writes) && touchesLevels(scope.levels);
    },
    allPaths: () => pathsOfTree().items,
    pathsHeld: () => (whole || !isBuiltTree(tree.nodes) ? focus.paths() : heldPaths(tree, nodes, wanted, options)),
    paths: () => (focused ??= whole ? focus.allPaths() : touchedPaths()),
    pathsWhere: (accept) => focus.allPaths().filter((p) => accept(p.pass)),
    pathGroups: (name, keyOf) => groupedItems(tree, `${name} ${options.version}`, pathsOfTree(), keyOf, passOrder),
    serverScopes: (family) => scopeListOf(family).items,
    touchedScopes: (family) => {
      let list = touched.get(family);
      if (!list) {
        list = whole ? focus.serverScopes(family) : focus.serverScopes(family).filter((scope) => touchesLevels(scope.levels));
        touched.set(family, list);
      }
      return list;
    },
    scopeOf: (node, family) => {
      let index = scopeIndexes.get(family);
      if (!index) {
        index = new Map();
        for (const scope of focus.serverScopes(family)) if (scope.node) index.set(scope.node, scope);
        scopeIndexes.set(family, index);
      }
      return index.get(node);
    },
    addressGroups: () => (groups ??= listenGroups(tree, scopeListOf('http'), context.settings.targetVersion)),
    named: (name) => nodesNamed(tree.nodes, name),
    touchedNamed: (name) => {
      if (whole || scan().settingLevels.has(null) || !isBuiltTree(tree.nodes)) return nodesNamed(tree.nodes, name).filter(touchesAncestry);
      return namedBelow(name, nodes, scan().settingLevels, wanted);
    },
  };
  return focus;
}

/** See AnalysisFocus.pathsHeld(). */
function heldPaths(tree: ConfigTree, nodes: readonly ConfigNode[], wanted: ReadonlySet<string>, options: EffectiveOptions): RequestPath[] {
  const passes = new Set<ConfigNode>();
  for (let at = 0; at < nodes.length; at++) {
    const node = nodes[at];
    if (isPassStatement(node)) passes.add(node);
    // A block of a wanted file whose pass statement another file (an include in it) holds.
    else if (node.directive.block) for (const child of node.children) if (!wanted.has(child.file.path) && isPassStatement(child)) passes.add(child);
  }
  if (passes.size === 0) return [];
  const upstreams = upstreamLookup(tree);
  const paths: RequestPath[] = [];
  for (const pass of passes) {
    const path = requestPathAt(pass, tree, options, upstreams);
    if (path) paths.push(path);
  }
  return paths.sort((a, b) => passOrder(a) - passOrder(b));
}

/**
 * The nodes named `name` in the subtrees of the wanted files' statements and of the blocks
 * they write settings to, in configuration order: what touchesAncestry() accepts, found by
 * visiting those subtrees only.
 */
function namedBelow(name: string, nodes: readonly ConfigNode[], settingLevels: ReadonlySet<ConfigNode | null>, wanted: ReadonlySet<string>): ConfigNode[] {
  const found = new Set<ConfigNode>();
  const collect = (list: readonly ConfigNode[]): void => {
    for (const node of list) {
      if (node.directive.name === name) found.add(node);
      if (node.children.length > 0) collect(node.children);
    }
  };
  for (const block of settingLevels) if (block) collect(block.children);
  for (let at = 0; at < nodes.length; at++) {
    const node = nodes[at];
    if (node.directive.name === name) found.add(node);
    // Statements of other files inside a wanted block (its includes); wanted ones are in `nodes`.
    for (const child of node.children) if (!wanted.has(child.file.path)) collect([child]);
  }
  return [...found].sort((a, b) => (a.order as number) - (b.order as number));
}

interface ListenGroupsState {
  listId: number;
  version: string;
  groups: AddressGroups;
}

/** addressGroups() of a tree's http scopes, kept per tree and updated from the previous tree's (exported for tests). */
export function listenGroups(tree: ConfigTree, list: DerivedList<ServerScope>, version: string): AddressGroups {
  const fresh = (): ListenGroupsState => ({ listId: list.id, version, groups: addressGroups(list.items, version) });
  const state = treeState<ListenGroupsState>(tree, `listen groups ${version}`, fresh, (previous) => {
    if (previous.listId !== list.previousId || previous.version !== version || !list.removed || !list.added) return undefined;
    return { listId: list.id, version, groups: updatedAddressGroups(previous.groups, list.removed, list.added, version, scopeOrder) };
  });
  return state.listId === list.id ? state.groups : fresh().groups;
}
