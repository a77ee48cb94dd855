/**
 * The request paths and server scopes of a whole tree, and aggregates over them (paths by
 * backend, by upstream…), kept per tree and, after an in-place rebuild of one included file,
 * derived from the previous tree's instead of walked again: a keystroke in one site file of
 * 2,000 servers looks again only at the paths and scopes of that file, and at those whose
 * chain goes through a block whose settings the edit changed.
 *
 * Why this is the same as a fresh walk: a path or scope object is reused (effectiveConfig's
 * reused()) while every level of its chain passes on the same settings, and only the blocks
 * that got new children (the change's containers) can pass on different ones. Nodes keep
 * their `order` keys across rebuilds, so lists are merged in configuration order.
 * test/model/scopeLists.test.ts compares derived and fresh lists after edits.
 */
import type { ConfigNode, ConfigTree } from './configTree';
import {
  currentToken, isPassStatement, isScopeServer, refreshed, requestPathAt, requestPaths, serverScopeAt, serverScopes, tokensOf, unchangedBy, upstreamLookup,
  type EffectiveOptions, type Family, type RequestPath, type ServerScope,
} from './effectiveConfig';
import { treeState, type TreeChange } from './treeIndexes';

/** A tree's list, and how it differs from the previous tree's when it was derived from it. */
export interface DerivedList<T> {
  items: readonly T[];
  /** Identifies the list; a derived list names the one it was derived from (its removed and added are relative to it). */
  id: number;
  previousId?: number;
  /** Present when derived: the items of the previous tree's list no longer in this one… */
  removed?: readonly T[];
  /** …and the items new in this one (a changed path is a new object). */
  added?: readonly T[];
  /** Of the removed items, those made again for the same statement, each with the added item that took its place. */
  replaced?: ReadonlyMap<T, T>;
}

interface OptionState<T> extends DerivedList<T> {
  options: EffectiveOptions;
}

let listIds = 0;

const tableIds = new WeakMap<object, number>();
let tableCount = 0;

/** A key for the options (the directive table by identity). */
function optionsKey(options: EffectiveOptions): string {
  let id = 0;
  if (options.table) {
    id = tableIds.get(options.table) ?? ++tableCount;
    tableIds.set(options.table, id);
  }
  return `${options.version} ${id}`;
}

function sameOptions(a: EffectiveOptions, b: EffectiveOptions): boolean {
  return a.version === b.version && a.table === b.table;
}

/**
 * The blocks of the change (those given new children) whose settings differ from what the
 * previous list's items were made with: the first item with the block in its chain says
 * which token it was made with (every valid item of the previous tree has the same one).
 */
function changedLevels<T extends RequestPath | ServerScope>(change: TreeChange, previous: readonly T[]): Set<ConfigNode> {
  const dirty = new Set<ConfigNode>();
  for (const block of change.containers) {
    if (!block) continue;
    const now = currentToken(block);
    if (now === undefined) continue;
    for (const item of previous) {
      const index = item.levels.findIndex((level) => level.node === block);
      if (index < 0) continue;
      if (tokensOf(item)?.[index] !== now) dirty.add(block);
      break;
    }
  }
  return dirty;
}

/** True when the chain of a path or scope goes through one of the `dirty` blocks. */
function throughDirty(item: RequestPath | ServerScope, dirty: ReadonlySet<ConfigNode>): boolean {
  return dirty.size > 0 && item.levels.some((level) => level.node !== undefined && dirty.has(level.node));
}

/** Lower-case names of the `upstream {}` blocks taken out or put in. */
function changedUpstreams(change: TreeChange): Set<string> {
  const names = new Set<string>();
  for (const list of [change.removed, change.added]) {
    for (const node of list) {
      if (node.directive.name === 'upstream' && node.directive.args[0]) names.add(node.directive.args[0].value.toLowerCase());
    }
  }
  return names;
}

/**
 * Merges a few items `b` into a long list `a`, both in configuration order: each item's place
 * is found by binary search (an edit adds a file's items to a list of thousands).
 */
export function mergeByOrder<T>(a: readonly T[], b: readonly T[], orderOf: (item: T) => number): T[] {
  if (b.length === 0) return a.slice();
  const out: T[] = [];
  let from = 0;
  for (const item of b) {
    const order = orderOf(item);
    let lo = from;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (orderOf(a[mid]) <= order) lo = mid + 1;
      else hi = mid;
    }
    for (let i = from; i < lo; i++) out.push(a[i]);
    out.push(item);
    from = lo;
  }
  for (let i = from; i < a.length; i++) out.push(a[i]);
  return out;
}

/** The request path of each pass statement of a derived list, kept per tree and updated like the list. */
export function pathsByPass(tree: ConfigTree, list: DerivedList<RequestPath>): ReadonlyMap<ConfigNode, RequestPath> {
  interface PassIndex {
    listId: number;
    byPass: Map<ConfigNode, RequestPath>;
  }
  const fresh = (): PassIndex => ({ listId: list.id, byPass: new Map(list.items.map((p) => [p.pass, p])) });
  const state = treeState<PassIndex>(tree, 'paths by pass', fresh, (previous) => {
    if (previous.listId !== list.previousId || !list.removed || !list.added) return undefined;
    const byPass = new Map(previous.byPass);
    for (const path of list.removed) if (byPass.get(path.pass) === path) byPass.delete(path.pass);
    for (const path of list.added) byPass.set(path.pass, path);
    return { listId: list.id, byPass };
  });
  return state.listId === list.id ? state.byPass : fresh().byPass;
}

export const passOrder = (path: RequestPath): number => path.pass.order as number;

/** Every request path of the tree (requestPaths() without a filter), kept and derived per tree. */
export function allRequestPaths(tree: ConfigTree, options: EffectiveOptions): DerivedList<RequestPath> {
  return treeState<OptionState<RequestPath>>(tree, `paths ${optionsKey(options)}`,
    () => ({ options, id: ++listIds, items: requestPaths(tree, options) }),
    (previous, change) => derivePaths(tree, options, previous, change));
}

function derivePaths(tree: ConfigTree, options: EffectiveOptions, previous: OptionState<RequestPath>, change: TreeChange): OptionState<RequestPath> | undefined {
  if (tree.rootContext !== 'main' || !sameOptions(previous.options, options)) return undefined;
  const dirty = changedLevels(change, previous.items);
  const upstreamNames = changedUpstreams(change);
  const gone = new Set(change.removed);
  const upstreams = upstreamLookup(tree);
  const kept: RequestPath[] = [];
  const removed: RequestPath[] = [];
  const added: RequestPath[] = [];
  const replaced = new Map<RequestPath, RequestPath>();
  for (const path of previous.items) {
    if (gone.has(path.pass)) {
      removed.push(path);
      continue;
    }
    const upstreamChanged = upstreamNames.size > 0 && upstreamNames.has(path.target.host.toLowerCase());
    const settingsChanged = !upstreamChanged && throughDirty(path, dirty) && !unchangedBy(path, dirty);
    if (!upstreamChanged && !settingsChanged) {
      kept.push(path);
      continue;
    }
    const current = (settingsChanged ? refreshed(path, dirty, options) : undefined) ?? requestPathAt(path.pass, tree, options, upstreams);
    if (current !== path) {
      removed.push(path);
      if (current) {
        added.push(current);
        replaced.set(path, current);
      }
    }
    if (current) kept.push(current);
  }
  const fresh: RequestPath[] = [];
  for (const node of change.added) {
    if (!isPassStatement(node)) continue;
    const path = requestPathAt(node, tree, options, upstreams);
    if (path) fresh.push(path);
  }
  fresh.sort((a, b) => passOrder(a) - passOrder(b));
  added.push(...fresh);
  return { options, id: ++listIds, previousId: previous.id, items: mergeByOrder(kept, fresh, passOrder), removed, added, replaced };
}

export const scopeOrder = (scope: ServerScope): number => (scope.node?.order as number | undefined) ?? -1;

/** Every http or stream server scope of the tree (serverScopes()), kept and derived per tree. */
export function allServerScopes(tree: ConfigTree, family: Family, options: EffectiveOptions): DerivedList<ServerScope> {
  return treeState<OptionState<ServerScope>>(tree, `scopes ${family} ${optionsKey(options)}`,
    () => ({ options, id: ++listIds, items: serverScopes(tree, family, options) }),
    (previous, change) => deriveScopes(tree, family, options, previous, change));
}

function deriveScopes(tree: ConfigTree, family: Family, options: EffectiveOptions, previous: OptionState<ServerScope>, change: TreeChange): OptionState<ServerScope> | undefined {
  if (tree.rootContext !== 'main' || !sameOptions(previous.options, options)) return undefined;
  const dirty = changedLevels(change, previous.items);
  const gone = new Set(change.removed);
  const kept: ServerScope[] = [];
  const removed: ServerScope[] = [];
  const added: ServerScope[] = [];
  const replaced = new Map<ServerScope, ServerScope>();
  for (const scope of previous.items) {
    const node = scope.node;
    if (!node) return undefined;
    if (gone.has(node)) {
      removed.push(scope);
      continue;
    }
    // A server whose own children were replaced gets its current statements (serverScopeAt).
    const ownChildren = change.containers.has(node);
    const settingsChanged = throughDirty(scope, dirty) && !unchangedBy(scope, dirty);
    if (!ownChildren && !settingsChanged) {
      kept.push(scope);
      continue;
    }
    const current = (settingsChanged ? refreshed(scope, dirty, options) : undefined) ?? serverScopeAt(node, tree, family, options);
    if (current !== scope) {
      removed.push(scope);
      added.push(current);
      replaced.set(scope, current);
    }
    kept.push(current);
  }
  const fresh = change.added.filter((node) => isScopeServer(node, family)).map((node) => serverScopeAt(node, tree, family, options));
  fresh.sort((a, b) => scopeOrder(a) - scopeOrder(b));
  added.push(...fresh);
  return { options, id: ++listIds, previousId: previous.id, items: mergeByOrder(kept, fresh, scopeOrder), removed, added, replaced };
}

/**
 * Items of a derived list grouped by a key that depends only on the item (a path or scope
 * object is replaced whenever its inputs change), each group in configuration order. After
 * an edit only the groups of the removed and added items are rebuilt.
 */
export function groupedItems<T>(tree: ConfigTree, name: string, list: DerivedList<T>, keyOf: (item: T) => string | undefined, orderOf: (item: T) => number): ReadonlyMap<string, readonly T[]> {
  interface Groups {
    /** Not the list itself: a state must not keep the previous tree's list alive through the next. */
    list: { id: number };
    groups: Map<string, T[]>;
  }
  const fresh = (): Groups => {
    const groups = new Map<string, T[]>();
    for (const item of list.items) {
      const key = keyOf(item);
      if (key === undefined) continue;
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
    return { list: { id: list.id }, groups };
  };
  const state = treeState<Groups>(tree, `groups ${name}`, fresh, (previous) => {
    if (!list.removed || !list.added || previous.list.id !== list.previousId) return undefined;
    const groups = new Map(previous.groups);
    const touched = new Map<string, { out: Set<T>; in: T[] }>();
    const entry = (key: string): { out: Set<T>; in: T[] } => {
      let e = touched.get(key);
      if (!e) {
        e = { out: new Set(), in: [] };
        touched.set(key, e);
      }
      return e;
    };
    // An item made again for its statement under the same key takes the old one's place in its
    // group: typing into a setting every path inherits replaces them all, in the same groups.
    const swapped = new Map<T, T>();
    const swappedIn = new Set<T>();
    for (const item of list.removed) {
      const key = keyOf(item);
      const next = list.replaced?.get(item);
      if (next !== undefined && keyOf(next) === key) {
        swappedIn.add(next);
        if (key !== undefined) {
          swapped.set(item, next);
          entry(key);
        }
        continue;
      }
      if (key !== undefined) entry(key).out.add(item);
    }
    for (const item of list.added) {
      if (swappedIn.has(item)) continue;
      const key = keyOf(item);
      if (key !== undefined) entry(key).in.push(item);
    }
    const current = (item: T): T => swapped.get(item) ?? item;
    for (const [key, { out, in: incoming }] of touched) {
      let before = groups.get(key) ?? [];
      if (out.size > 0) before = before.filter((item) => !out.has(item));
      if (swapped.size > 0) before = before.map(current);
      incoming.sort((a, b) => orderOf(a) - orderOf(b));
      const after = mergeByOrder(before, incoming, orderOf);
      if (after.length > 0) groups.set(key, after);
      else groups.delete(key);
    }
    return { list: { id: list.id }, groups };
  });
  // Asked with another list of the same tree (other options): computed for that list.
  return state.list.id === list.id ? state.groups : fresh().groups;
}
