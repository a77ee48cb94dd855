/**
 * Which http `server` blocks answer a host name, built once per configuration tree: rules
 * that connect a `proxy_pass https://host` to the local server for `host` look names up here
 * instead of walking the tree for every location.
 */
import type { ConfigNode, ConfigTree } from './configTree';
import { isBuiltTree, nodesNamed, treeState, type TreeChange } from './treeIndexes';

export interface ServerNameIndex {
  /** Servers with this exact (lower-cased) name. */
  exact: Map<string, ConfigNode[]>;
  /** Servers with wildcard names (`*.example.com`, `.example.com`), in configuration order. */
  wildcard: { pattern: string; server: ConfigNode }[];
}

/** Indexes of trees that are not built (treeState keeps none for them). */
const unbuiltIndexes = new WeakMap<ConfigTree, ServerNameIndex>();

/**
 * Kept per tree as a tree state: after an in-place rebuild it is derived from the index the
 * previous tree had when the rebuild happened (not one an older analysis made of it later,
 * from indexes the rebuild had patched).
 */
export function serverNameIndex(tree: ConfigTree): ServerNameIndex {
  const fresh = (): ServerNameIndex => freshIndex(nodesNamed(tree.nodes, 'server_name'));
  if (isBuiltTree(tree.nodes)) return treeState(tree, 'server names', fresh, derivedIndex);
  let index = unbuiltIndexes.get(tree);
  if (!index) unbuiltIndexes.set(tree, (index = fresh()));
  return index;
}

function freshIndex(serverNames: readonly ConfigNode[]): ServerNameIndex {
  const index: ServerNameIndex = { exact: new Map(), wildcard: [] };
  add(index, serverNames);
  return index;
}

function add(index: ServerNameIndex, serverNames: readonly ConfigNode[]): void {
  for (const node of serverNames) {
    if (node.directive.name !== 'server_name' || node.context !== 'server' || !node.parent) continue;
    for (const arg of node.directive.args) {
      const name = arg.value.toLowerCase();
      if (name.startsWith('~') || name.length === 0) continue;
      if (name.startsWith('*.') || name.startsWith('.')) {
        index.wildcard.push({ pattern: name, server: node.parent });
        continue;
      }
      const list = index.exact.get(name);
      if (list) {
        if (!list.includes(node.parent)) list.push(node.parent);
      } else index.exact.set(name, [node.parent]);
    }
  }
}

/**
 * After an in-place rebuild, the previous tree's index minus the servers taken out plus those
 * put in (a keystroke in one site file of 2,000 servers re-reads one file). A server that
 * stays but had a `server_name` taken out or put in (its block was rebuilt, or a snippet
 * inside it) is read again from its current statements: keeping its old entries listed it
 * twice, or under a name it no longer has. Configuration order is kept: servers go where
 * their order keys say.
 */
function derivedIndex(previous: ServerNameIndex, change: TreeChange): ServerNameIndex {
  const removed = new Set(change.removed);
  // The servers (kept or new) whose names are read from their current statements.
  const reread = new Set<ConfigNode>();
  for (const list of [change.removed, change.added]) {
    for (const node of list) {
      if (node.directive.name === 'server_name' && node.parent && !removed.has(node.parent)) reread.add(node.parent);
    }
  }
  const stale = (server: ConfigNode): boolean => removed.has(server) || reread.has(server);
  // Where the rebuilt servers sit among the others depends on order keys.
  const byOrder = (a: ConfigNode, b: ConfigNode): number => (a.order as number) - (b.order as number);
  const scratch: ServerNameIndex = { exact: new Map(), wildcard: [] };
  for (const server of reread) add(scratch, server.children.filter((n) => n.directive.name === 'server_name'));
  const exact = new Map(previous.exact);
  for (const [name, servers] of previous.exact) {
    if (servers.some(stale)) {
      const kept = servers.filter((s) => !stale(s));
      if (kept.length > 0) exact.set(name, kept);
      else exact.delete(name);
    }
  }
  for (const [name, servers] of scratch.exact) {
    const merged = [...(exact.get(name) ?? []), ...servers].sort(byOrder);
    exact.set(name, merged);
  }
  const wildcard = previous.wildcard.filter((w) => !stale(w.server));
  if (scratch.wildcard.length > 0) {
    wildcard.push(...scratch.wildcard);
    wildcard.sort((a, b) => byOrder(a.server, b.server));
  }
  return { exact, wildcard };
}

function wildcardMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1;
  return name === pattern.slice(1) || name.endsWith(pattern);
}

/** Servers whose server_name matches `host` (exact names first, then wildcards, as nginx prefers). */
export function serversNamed(tree: ConfigTree, host: string): ConfigNode[] {
  const index = serverNameIndex(tree);
  const name = host.toLowerCase();
  const exact = index.exact.get(name) ?? [];
  const wild = index.wildcard.filter((w) => wildcardMatches(w.pattern, name)).map((w) => w.server);
  return [...exact, ...wild.filter((s) => !exact.includes(s))];
}
