/**
 * What the configuration itself says about the certificate an upstream presents: when an
 * upstream peer is a server of the same tree (an `upstream` server or pass address that one
 * of our `listen` sockets accepts, or a host name one of our servers answers), the name nginx
 * verifies can be checked against that server's real certificate. Without such a server the
 * rules can only judge the name itself, which is what upstreamNameKind() does.
 */
import type { ConfigNode, ConfigTree } from '../../model/configTree';
import type { RequestPath, ServerScope, UpstreamTarget } from '../../model/effectiveConfig';
import { isOn, passTargetAt, upstreamLookup } from '../../model/effectiveConfig';
import { serversNamed } from '../../model/serverNameIndex';
import { nodesNamed, treeState } from '../../model/treeIndexes';
import { focusOf } from '../analysisFocus';
import type { RuleContext } from '../ruleContext';
import { certificateNameLabels, certificateNameMatches, listenSockets, normalizeListenAddress, type AddressGroup } from './tlsRuleSupport';

/** The certificate a local server presents to the upstream connection, as far as it could be read. */
export interface LocalPeerCertificate {
  /** How the peer was found, for messages: `the local server on 127.0.0.1:443`. */
  label: string;
  /** The `ssl_certificate` statement of that server. */
  node: ConfigNode;
  /** The certificate file as written. */
  written: string;
  /** The names X509_check_host compares: DNS subject alternative names, else the subject CN. */
  names: string[];
  /** The same names as shown to the user: `DNS:`/`IP:` for alternative names, `CN=` for a common name. */
  labels: string[];
  covers: boolean;
}

/** Default ports nginx gives a pass target without one (ngx_http_*_pass). */
const DEFAULT_PORT: Record<string, string> = { https: '443', grpcs: '443' };

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/i;

/** host:port of every peer a target connects to; upstream servers default to port 80 as in nginx. */
export function peerAddresses(target: UpstreamTarget): string[] {
  const block = target.upstreamBlock;
  if (!block) {
    const port = target.port ?? DEFAULT_PORT[target.scheme ?? ''];
    return port && !target.isUnix && !target.hasVariable ? [`${target.host}:${port}`] : [];
  }
  const peers: string[] = [];
  for (const child of block.children) {
    const value = child.directive.name === 'server' ? child.directive.args[0]?.value : undefined;
    if (!value || value.startsWith('unix:') || value.includes('$')) continue;
    peers.push(/:\d+$/.test(value) ? value : `${value}:80`);
  }
  return peers;
}

/**
 * The listen group that accepts connections to `address` on this machine: the one bound to
 * that exact address, else, for a loopback address, the wildcard one of its port. Another
 * address on a wildcard listen may be a different machine, so it is not matched.
 */
function groupFor(groups: ReadonlyMap<string, AddressGroup>, address: string): AddressGroup | undefined {
  for (const key of listenKeysFor(address)) {
    const group = groups.get(key);
    if (group) return group;
  }
  return undefined;
}

/** The listen addresses (as normalizeListenAddress writes them) that accept connections to `address`, in groupFor()'s order. */
function listenKeysFor(address: string): string[] {
  const key = normalizeListenAddress(address.replace(/^localhost:/i, '127.0.0.1:'));
  const m = /^(.*):(\d+)$/.exec(key);
  if (!m || !LOOPBACK.test(m[1])) return [key];
  return [key, m[1].startsWith('[') ? `[::]:${m[2]}` : `*:${m[2]}`];
}

/** The server of a TLS listen group that answers: by SNI when nginx sends it, else the default server. */
function answeringServer(context: RuleContext, group: AddressGroup, sni: string | undefined): ServerScope {
  if (sni) {
    const named = serversNamed(context.tree, sni);
    const match = group.servers.find((s) => s.scope.node && named.includes(s.scope.node));
    if (match) return match.scope;
  }
  return group.defaultServer.scope;
}

/** The SNI nginx sends for a verified name: only with *_ssl_server_name on, never for an IP literal. */
function sniFor(path: RequestPath, name: string): string | undefined {
  if (!isOn(path.ssl('server_name'))) return undefined;
  return /^[\d.]+$/.test(name) || name.startsWith('[') ? undefined : name;
}

async function certificateOf(context: RuleContext, scope: ServerScope, label: string, name: string): Promise<LocalPeerCertificate | undefined> {
  const certs = scope.get('ssl_certificate');
  if (certs.isDefault || certs.args.length === 0 || !certs.nodes[0]) return undefined;
  let first: LocalPeerCertificate | undefined;
  for (const written of certs.args) {
    if (written.includes('$') || /^(data|engine|store):/.test(written)) return undefined;
    let leaf;
    try {
      leaf = (await context.inspect(context.resolvePath(written))).certificates?.[0];
    } catch {
      return undefined;
    }
    // A certificate we cannot read is one we cannot judge: the peer stays unknown.
    if (!leaf) return undefined;
    const dns = leaf.subjectAltNames.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
    const names = dns.length > 0 ? dns : leaf.subjectCommonName ? [leaf.subjectCommonName] : [];
    const peer = { label, node: certs.nodes[0], written, names, labels: certificateNameLabels(leaf), covers: certificateNameMatches(names, name) };
    // With an RSA and an ECDSA certificate either may be chosen: one that covers the name is enough.
    if (peer.covers) return peer;
    first ??= peer;
  }
  return first;
}

/**
 * The local certificates the path's peers present for `name`, or an empty list when no peer is
 * a server of this tree whose certificate could be read. Asked twice for each verified path (its
 * name, and the CA the fix names), and thousands of paths share a few upstreams: looked for once
 * per analysis for each upstream target, SNI and name.
 */
export function localPeerCertificates(context: RuleContext, path: RequestPath, name: string): Promise<readonly LocalPeerCertificate[]> {
  let byTarget = peersOfAnalysis.get(context);
  if (!byTarget) peersOfAnalysis.set(context, byTarget = new Map());
  const target = path.target;
  const targetKey = target.upstreamBlock ?? `${target.scheme}|${target.host}|${target.port}|${target.isUnix}|${target.hasVariable}|${target.isIp}`;
  let byName = byTarget.get(targetKey);
  if (!byName) byTarget.set(targetKey, byName = new Map());
  // What else the search reads of the path: whether it sends the name as SNI.
  const key = `${sniFor(path, name) === undefined ? '-' : '+'}${name}`;
  let peers = byName.get(key);
  if (!peers) byName.set(key, peers = findLocalPeerCertificates(context, path, name));
  return peers;
}

const peersOfAnalysis = new WeakMap<RuleContext, Map<ConfigNode | string, Map<string, Promise<readonly LocalPeerCertificate[]>>>>();

async function findLocalPeerCertificates(context: RuleContext, path: RequestPath, name: string): Promise<LocalPeerCertificate[]> {
  const focus = focusOf(context);
  const groups = focus.addressGroups().byAddress;
  const sni = sniFor(path, name);
  const found: LocalPeerCertificate[] = [];
  for (const address of peerAddresses(path.target)) {
    const group = groupFor(groups, address);
    if (!group?.ssl) continue;
    const peer = await certificateOf(context, answeringServer(context, group, sni), `the local server on ${group.address}`, name);
    if (peer) found.push(peer);
  }
  if (found.length > 0 || path.target.upstreamBlock || path.target.isIp) return found;
  // A host name without an upstream block: the local server that answers that name, if any.
  const server = serversNamed(context.tree, path.target.host)[0];
  const scope = server && focus.scopeOf(server, 'http');
  const peer = scope && await certificateOf(context, scope, `the local server "${path.target.host}"`, name);
  return peer ? [peer] : [];
}

/**
 * True when `server` may be the local server that answers an upstream connection of the tree,
 * and so show its certificate to the upstream checks of other servers (findLocalPeerCertificates):
 * one of its listen sockets accepts connections to a peer's address (a pass target's, or an
 * `upstream` block's server's) as groupFor() matches them (any server of the address's group,
 * whichever SNI picks), or it answers the host of a pass target that names no upstream block
 * (serversNamed). A server whose listen address holds a variable may. Targets with variables
 * reach no local server.
 */
export function mayAnswerUpstreams(server: ConfigNode, tree: ConfigTree): boolean {
  const reach = upstreamReach(tree);
  const listens = server.children.filter((c) => c.directive.name === 'listen' && c.directive.args.length > 0);
  const sockets = listenSockets(listens, false);
  if (sockets.length < listens.length) return true;
  // Without a listen, nginx listens on *:80 (*:8000 when not started as root).
  const addresses = sockets.length === 0 ? ['*:80', '*:8000'] : sockets.map((s) => s.address.replace(/\/udp$/, ''));
  if (addresses.some((address) => reach.listenKeys.has(address))) return true;
  for (const host of reach.hosts) if (serversNamed(tree, host).includes(server)) return true;
  return false;
}

/** Where the tree's upstream connections go: the listen addresses that accept them (listenKeysFor), and the hosts looked up by name. */
interface UpstreamReach {
  listenKeys: Set<string>;
  hosts: Set<string>;
}

/**
 * Kept per tree and carried over a rebuild that changes no pass or upstream statement: a line
 * typed into a server of the bench's tree would otherwise read its 4,000 passes again.
 */
function upstreamReach(tree: ConfigTree): UpstreamReach {
  return treeState(tree, 'upstream reach', () => freshReach(tree), (previous, change) => (change.removed.some(holdsReach) || change.added.some(holdsReach) ? undefined : previous));
}

/** True when the node is, or holds, a statement upstreamReach() reads: a pass, an upstream block, or a server in one. */
function holdsReach(node: ConfigNode): boolean {
  const name = node.directive.name;
  if (PASS_DIRECTIVES.includes(name) || name === 'upstream' || (name === 'server' && node.parent?.directive.name === 'upstream')) return true;
  return node.children.some(holdsReach);
}

const PASS_DIRECTIVES = ['proxy_pass', 'grpc_pass', 'uwsgi_pass'];

function freshReach(tree: ConfigTree): UpstreamReach {
  const found: UpstreamReach = { listenKeys: new Set(), hosts: new Set() };
  const upstreams = upstreamLookup(tree);
  // Thousands of passes name the same few upstream blocks: each is read once.
  const blocksRead = new Set<ConfigNode>();
  for (const directive of PASS_DIRECTIVES) {
    for (const pass of nodesNamed(tree.nodes, directive)) {
      // The target as the pass's request path has it, and its peers as findLocalPeerCertificates reads them.
      const target = pass.directive.args.length > 0 ? passTargetAt(pass, upstreams) : undefined;
      if (!target || (target.upstreamBlock && blocksRead.has(target.upstreamBlock))) continue;
      if (target.upstreamBlock) blocksRead.add(target.upstreamBlock);
      for (const address of peerAddresses(target)) for (const key of listenKeysFor(address)) found.listenKeys.add(key);
      if (!target.upstreamBlock && !target.isIp && !target.hasVariable) found.hosts.add(target.host);
    }
  }
  return found;
}

/**
 * What kind of name nginx verifies, for an upstream we know nothing else about. A public CA
 * issues certificates only for registered DNS names (dot-separated letter-digit-hyphen labels
 * under an alphabetic top-level label); a private CA can put any string in a certificate and
 * OpenSSL's X509_check_host compares it byte for byte, so `backend` or `app_servers` may still
 * match. Only the first kind is sure to be a name certificates carry.
 */
export function upstreamNameKind(name: string): 'public-dns' | 'private-only' {
  const labels = name.replace(/\.$/, '').split('.');
  if (labels.length < 2 || !/^[a-z]{2,63}$|^xn--[a-z0-9-]+$/i.test(labels[labels.length - 1])) return 'private-only';
  const ldh = labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
  return ldh ? 'public-dns' : 'private-only';
}
