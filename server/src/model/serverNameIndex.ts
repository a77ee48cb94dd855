/**
 * Which http `server` blocks answer a host name, built once per configuration tree: rules
 * that connect a `proxy_pass https://host` to the local server for `host` look names up here
 * instead of walking the tree for every location.
 */
import { nodesNamed, type ConfigNode, type ConfigTree } from './configTree';

export interface ServerNameIndex {
  /** Servers with this exact (lower-cased) name. */
  exact: Map<string, ConfigNode[]>;
  /** Servers with wildcard names (`*.example.com`, `.example.com`), in configuration order. */
  wildcard: { pattern: string; server: ConfigNode }[];
}

const indexes = new WeakMap<ConfigTree, ServerNameIndex>();

export function serverNameIndex(tree: ConfigTree): ServerNameIndex {
  let index = indexes.get(tree);
  if (index) return index;
  index = { exact: new Map(), wildcard: [] };
  const built = index;
  for (const node of nodesNamed(tree.nodes, 'server_name')) {
    if (node.context !== 'server' || !node.parent) continue;
    for (const arg of node.directive.args) {
      const name = arg.value.toLowerCase();
      if (name.startsWith('~') || name.length === 0) continue;
      if (name.startsWith('*.') || name.startsWith('.')) {
        built.wildcard.push({ pattern: name, server: node.parent });
        continue;
      }
      const list = built.exact.get(name);
      if (list) {
        if (!list.includes(node.parent)) list.push(node.parent);
      } else built.exact.set(name, [node.parent]);
    }
  }
  indexes.set(tree, index);
  return index;
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
