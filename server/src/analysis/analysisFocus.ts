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
import type { ConfigNode, ConfigTree } from '../model/configTree';
import { depthFirstNodes, nodesNamed, nodesOfFile } from '../model/treeIndexes';
import { requestPaths, serverScopes, type Family, type Level, type RequestPath, type ServerScope } from '../model/effectiveConfig';
import type { RuleContext } from './ruleContext';
import { addressGroups, effectiveOptions, type AddressGroup, type ServerTls } from './rules/tlsRuleSupport';

export interface AnalysisFocus {
  /** True when every file of the tree is wanted. */
  whole: boolean;
  wanted: ReadonlySet<string>;
  /** The statements of the wanted files, depth first (every statement when whole). */
  nodes: readonly ConfigNode[];
  /** Blocks holding at least one statement of a wanted file (null: the top level). */
  containers: ReadonlySet<ConfigNode | null>;
  /** True when a finding on this statement is wanted. */
  touchesNode(node: ConfigNode): boolean;
  /** True when a wanted file writes to one of these levels, or holds one of their blocks. */
  touchesLevels(levels: readonly Level[]): boolean;
  /** The same question for the levels above `node`, without building them (may say yes too often). */
  touchesAncestry(node: ConfigNode): boolean;
  /** Request paths whose findings can land in the wanted files. */
  paths(): readonly RequestPath[];
  /** Every request path of the tree, for the rules that compare a path with its peers. */
  allPaths(): readonly RequestPath[];
  /** Request paths whose pass statement is accepted (for peers of the focused paths). */
  pathsWhere(accept: (pass: ConfigNode) => boolean): readonly RequestPath[];
  /** Every http or stream server scope of the tree (shared by the rules of one analysis). */
  serverScopes(family: Family): readonly ServerScope[];
  /** Listen-address groups of every http server, shared by the rules of one analysis. */
  addressGroups(): { groups: AddressGroup[]; byServer: Map<ServerScope, ServerTls> };
  /** Nodes named `name` anywhere in the tree. */
  named(name: string): readonly ConfigNode[];
}

const focuses = new WeakMap<RuleContext, AnalysisFocus>();

/** The focus of one analysis run, computed once and shared by its rules. */
export function focusOf(context: RuleContext): AnalysisFocus {
  let focus = focuses.get(context);
  if (!focus) {
    focus = computeFocus(context);
    focuses.set(context, focus);
  }
  return focus;
}

/** The statements of the wanted files, depth first, without walking the rest of the tree. */
function focusedNodes(tree: ConfigTree, wanted: ReadonlySet<string>): readonly ConfigNode[] {
  const files = [...wanted].filter((file) => tree.files.has(file));
  if (files.length === 1) return nodesOfFile(tree, files[0]);
  return depthFirstNodes(tree.nodes).filter((n) => wanted.has(n.file.path));
}

function computeFocus(context: RuleContext): AnalysisFocus {
  const tree = context.tree;
  const wanted = new Set(context.files.map((f) => f.path));
  const whole = [...tree.files.keys()].every((p) => wanted.has(p));
  const nodes = whole ? depthFirstNodes(tree.nodes) : focusedNodes(tree, wanted);
  const containers = new Set<ConfigNode | null>();
  // Levels a wanted file writes a setting to (blocks among a level's statements pass nothing on).
  const settingLevels = new Set<ConfigNode | null>();
  for (const node of nodes) {
    const parent = node.parent ?? null;
    containers.add(parent);
    if (!node.directive.block) settingLevels.add(parent);
  }
  const touchesNode = (node: ConfigNode): boolean => whole || wanted.has(node.file.path);
  const touchesLevels = (levels: readonly Level[]): boolean => whole || levels.some((level) => level.node
    ? wanted.has(level.node.file.path) || settingLevels.has(level.node)
    : settingLevels.has(null));
  const touchesAncestry = (node: ConfigNode): boolean => {
    if (whole || wanted.has(node.file.path)) return true;
    for (let n = node.parent; n; n = n.parent) {
      if (wanted.has(n.file.path) || settingLevels.has(n)) return true;
    }
    return settingLevels.has(null);
  };
  const options = effectiveOptions(context);
  let all_: RequestPath[] | undefined;
  let focused: readonly RequestPath[] | undefined;
  const scopes = new Map<Family, ServerScope[]>();
  let groups: ReturnType<typeof addressGroups> | undefined;
  const focus: AnalysisFocus = {
    whole, wanted, nodes, containers, touchesNode, touchesLevels, touchesAncestry,
    allPaths: () => (all_ ??= requestPaths(tree, options)),
    paths: () => (focused ??= whole ? focus.allPaths() : all_ ? all_.filter((p) => touchesAncestry(p.pass)) : requestPaths(tree, options, touchesAncestry)),
    pathsWhere: (accept) => (all_ ? all_.filter((p) => accept(p.pass)) : requestPaths(tree, options, accept)),
    serverScopes: (family) => {
      let list = scopes.get(family);
      if (!list) {
        list = serverScopes(tree, family, options);
        scopes.set(family, list);
      }
      return list;
    },
    addressGroups: () => (groups ??= addressGroups(focus.serverScopes('http'), context.settings.targetVersion)),
    named: (name) => nodesNamed(tree.nodes, name),
  };
  return focus;
}
