/** Small helpers shared by the TLS/mTLS/proxy rule families. */
import type { CertificateInfo } from '../../certificates/certificateTypes';
import type { ConfigNode } from '../../model/configTree';
import type { Directive } from '../../parser/syntaxTree';
import { atLeast } from '../../directives/versions';
import { isOn, type EffectiveOptions, type RequestPath, type ServerScope } from '../../model/effectiveConfig';
import { mergeByOrder } from '../../model/scopeLists';
import type { RelatedLocation } from '../finding';
import type { RuleContext } from '../ruleContext';

export function effectiveOptions(context: RuleContext): EffectiveOptions {
  return { version: context.settings.targetVersion, table: context.table, oneShot: context.oneShot === true };
}

/** The directive from its name to its last argument (without `;`). */
export function statementRange(node: ConfigNode): { start: number; end: number } {
  const d = node.directive;
  const last = d.args.length > 0 ? d.args[d.args.length - 1].end : d.nameEnd;
  return { start: d.start, end: last };
}

/**
 * Related information that points at a statement: its directive name. Typing into the
 * statement's arguments leaves the location as it was, so the findings that point there stay
 * the same (at the http level of a large main config, every block that drops an inherited
 * header points at the header's line: an editor that pulls diagnostics is then answered
 * "unchanged" while the value is typed, instead of being sent them all again).
 */
export function relatedAt(node: ConfigNode, message: string): RelatedLocation {
  return { file: node.file.path, start: node.directive.start, end: node.directive.nameEnd, message };
}

/** An argument's range, or the statement's when it has fewer arguments. */
export function argRange(node: ConfigNode, index = 0): { start: number; end: number } {
  const arg = node.directive.args[index];
  return arg ? { start: arg.start, end: arg.end } : statementRange(node);
}

/** "file:line" of a statement, 1-based, as nginx prints it. */
export function where(node: ConfigNode): string {
  return `${node.file.path}:${node.file.lines.positionAt(node.directive.start).line + 1}`;
}

/** Short label of a path for messages, e.g. `location /api` or `stream server`. */
export function describeBlock(node: ConfigNode): string {
  const d = node.directive;
  const args = d.args.map((a) => a.value).join(' ');
  return args ? `${d.name} ${args}` : d.name;
}

/** The location (or stream server) a request path belongs to, for messages. */
export function describePath(path: RequestPath): string {
  return path.module === 'stream-proxy' ? 'this stream server' : `"${describeBlock(path.block)}"`;
}

/** Occurrences of `$name` (or `${name}`) inside an argument's source text, as absolute ranges. */
export function variableRanges(node: ConfigNode, argIndex: number, pattern: RegExp): { start: number; end: number; name: string }[] {
  const arg = node.directive.args[argIndex];
  if (!arg || !arg.hasVariable) return [];
  const raw = node.file.text.slice(arg.start, arg.end);
  const found: { start: number; end: number; name: string }[] = [];
  const re = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const name = m[1] ?? m[2];
    if (pattern.test(name)) found.push({ start: arg.start + m.index, end: arg.start + m.index + m[0].length, name });
  }
  return found;
}

/** Client-identity request headers a client can send itself ($http_x_ssl_cert, $http_x_client_cert…). */
export const CLIENT_IDENTITY_HEADER_VARIABLE = /^http_(?:x_)?(?:forwarded_client_cert|ssl_client\w*|ssl_cert\w*|client_cert\w*|x509\w*|tls_client\w*|mtls\w*|client_verify|client_(?:s|i)_?dn|ssl_(?:s|i)_dn|client_dn|client_subject\w*|client_fingerprint|client_serial|ssl_verify\w*|ssl_subject\w*|ssl_issuer\w*)$/i;

/** nginx's own client-certificate variables. */
export const NGINX_CLIENT_CERT_VARIABLE = /^ssl_client_\w+$/;

/** Header names that carry client identity to a backend. */
export const IDENTITY_HEADER_NAME = /^(?:x-)?(?:(?:ssl|tls|mtls)-client|client-cert|ssl-cert|client-(?:verify|dn|s-dn|i-dn|subject|issuer|serial|fingerprint)|ssl-(?:verify|s-dn|i-dn|subject|issuer)|forwarded-client-cert|original-client-cert)/i;

/** A `listen` socket: normalised address plus whether the statement marks it ssl/quic. */
export interface ListenSocket {
  address: string;
  node: ConfigNode;
  ssl: boolean;
  defaultServer: boolean;
}

/** Normalises `443`, `*:443`, `0.0.0.0:443` to one key; unix sockets and IPv6 stay as written. */
export function normalizeListenAddress(value: string): string {
  if (/^\d+$/.test(value)) return `*:${value}`;
  if (value.startsWith('unix:')) return value;
  const v6 = /^(\[[^\]]*\])(?::(\d+))?$/.exec(value);
  if (v6) return `${v6[1]}:${v6[2] ?? '80'}`;
  const m = /^(.*):(\d+)$/.exec(value);
  const host = m ? m[1] : value;
  const port = m ? m[2] : '80';
  return `${host === '0.0.0.0' ? '*' : host.toLowerCase()}:${port}`;
}

/** The listen sockets of a server's own statements (none for a server without `listen`: nginx's *:80 default is not added here), `listen` lines whose address holds a variable left out. */
export function listenSockets(statements: readonly ConfigNode[], sslDirectiveOn: boolean): ListenSocket[] {
  const sockets: ListenSocket[] = [];
  for (let at = 0; at < statements.length; at++) {
    const node = statements[at];
    if (node.directive.name !== 'listen' || node.directive.args.length === 0) continue;
    const parsed = listenArguments(node.directive);
    if (!parsed) continue;
    sockets.push({ address: parsed.address, node, ssl: sslDirectiveOn || parsed.ssl, defaultServer: parsed.defaultServer });
  }
  return sockets;
}

/**
 * What a `listen` statement's words say, kept per syntax node: a file's parse is shared by
 * every tree built while its text is unchanged, so thousands of unchanged servers are not
 * read again on each keystroke.
 */
const listenCache = new WeakMap<Directive, { address: string; ssl: boolean; defaultServer: boolean } | null>();

function listenArguments(directive: Directive): { address: string; ssl: boolean; defaultServer: boolean } | null {
  let parsed = listenCache.get(directive);
  if (parsed === undefined) {
    const args = directive.args.map((a) => a.value);
    parsed = args[0].includes('$') ? null : {
      address: normalizeListenAddress(args[0]) + (args.includes('quic') ? '/udp' : ''),
      ssl: args.includes('ssl') || args.includes('quic'),
      defaultServer: args.includes('default_server') || args.includes('default'),
    };
    listenCache.set(directive, parsed);
  }
  return parsed;
}

/** Servers sharing one listen address, in configuration order, and whether it is a TLS address. */
export interface AddressGroup {
  address: string;
  ssl: boolean;
  servers: { scope: ServerScope; socket: ListenSocket }[];
  /** nginx's default server for the address: the `default_server` one, else the first. */
  defaultServer: { scope: ServerScope; socket: ListenSocket };
}

export interface ServerTls {
  sockets: ListenSocket[];
  /** True when at least one of the server's addresses accepts TLS (own `ssl` flag or another server's). */
  tls: boolean;
}

/** The listen groups of a tree's http servers, with each group by address. */
export interface AddressGroups {
  groups: AddressGroup[];
  byServer: Map<ServerScope, ServerTls>;
  byAddress: Map<string, AddressGroup>;
}

/** Groups servers by listen address: nginx ORs the `ssl` flag of every listen on an address. */
export function addressGroups(scopes: readonly ServerScope[], version: string): AddressGroups {
  const groups = new Map<string, AddressGroup>();
  const byServer = new Map<ServerScope, ServerTls>();
  for (const scope of scopes) {
    const sockets = scopeSockets(scope, version);
    byServer.set(scope, { sockets, tls: false });
    for (const socket of sockets) {
      let group = groups.get(socket.address);
      if (!group) {
        group = { address: socket.address, ssl: false, servers: [], defaultServer: { scope, socket } };
        groups.set(socket.address, group);
      }
      // A server's sockets come one after another: a second listen on the same address
      // finds the server last in the group (a lookup per socket would cost more).
      if (group.servers[group.servers.length - 1]?.scope === scope) continue;
      group.servers.push({ scope, socket });
      group.ssl ||= socket.ssl;
      if (socket.defaultServer && !group.defaultServer.socket.defaultServer) group.defaultServer = { scope, socket };
    }
  }
  for (const group of groups.values()) {
    if (!group.ssl) continue;
    for (const { scope } of group.servers) {
      const info = byServer.get(scope);
      if (info) info.tls = true;
    }
  }
  return { groups: [...groups.values()], byServer, byAddress: groups };
}

function scopeSockets(scope: ServerScope, version: string): ListenSocket[] {
  return serverSockets(scope.statements, !atLeast(version, '1.25.1') && isOn(scope.get('ssl')));
}

/**
 * The listen groups after the servers `removed` were taken out and `added` put in (listed in
 * configuration order, `order` giving a scope's place): only the groups of their addresses are
 * rebuilt, and only their members' TLS flags looked at again. The result equals
 * addressGroups() of the new list; the previous groups are left as they were.
 */
export function updatedAddressGroups(previous: AddressGroups, removed: readonly ServerScope[], added: readonly ServerScope[], version: string, order: (scope: ServerScope) => number): AddressGroups {
  const byServer = new Map(previous.byServer);
  const byAddress = new Map(previous.byAddress);
  const affected = new Set<string>();
  const gone = new Set(removed);
  for (const scope of removed) {
    for (const socket of previous.byServer.get(scope)?.sockets ?? []) affected.add(socket.address);
    byServer.delete(scope);
  }
  const incoming = new Map<string, { scope: ServerScope; socket: ListenSocket }[]>();
  for (const scope of [...added].sort((a, b) => order(a) - order(b))) {
    const sockets = scopeSockets(scope, version);
    byServer.set(scope, { sockets, tls: false });
    for (const socket of sockets) {
      affected.add(socket.address);
      const list = incoming.get(socket.address) ?? [];
      // The first listen of a server on an address is its member socket (as in addressGroups).
      if (list[list.length - 1]?.scope !== scope) list.push({ scope, socket });
      incoming.set(socket.address, list);
    }
  }
  let reorder = false;
  // The servers whose TLS flag may change: the new ones, and the members of a group whose flag changed.
  const members = new Set<ServerScope>(added);
  const replaced = new Map<AddressGroup, AddressGroup | undefined>();
  for (const address of affected) {
    const old = previous.byAddress.get(address);
    const kept = old ? old.servers.filter((m) => !gone.has(m.scope)) : [];
    const servers = mergeByOrder(kept, incoming.get(address) ?? [], (m) => order(m.scope));
    if (servers.length === 0) {
      byAddress.delete(address);
      if (old) replaced.set(old, undefined);
      reorder = true;
      // Their other servers may have had TLS through this address only: none are left.
      continue;
    }
    const group: AddressGroup = {
      address, servers,
      ssl: servers.some((m) => m.socket.ssl),
      defaultServer: servers.find((m) => m.socket.defaultServer) ?? servers[0],
    };
    if (!old || old.ssl !== group.ssl) for (const m of servers) members.add(m.scope);
    byAddress.set(address, group);
    if (old) replaced.set(old, group);
    if (!old || old.servers[0].scope !== servers[0].scope) reorder = true;
  }
  // TLS flags of the servers whose groups changed, as new objects (the previous ones stay).
  for (const scope of members) {
    const info = byServer.get(scope);
    if (!info) continue;
    byServer.set(scope, { sockets: info.sockets, tls: info.sockets.some((s) => byAddress.get(s.address)?.ssl === true) });
  }
  let groups: AddressGroup[];
  if (reorder) {
    // Groups come in the order their addresses first appear: that of their first server.
    // and, among the addresses of one server, that of its listen statements.
    const place = (g: AddressGroup): number => byServer.get(g.servers[0].scope)?.sockets.findIndex((s) => s.address === g.address) ?? 0;
    groups = [...byAddress.values()].sort((a, b) => order(a.servers[0].scope) - order(b.servers[0].scope) || place(a) - place(b));
  } else {
    groups = previous.groups.map((g) => replaced.get(g) ?? g);
  }
  return { groups, byServer, byAddress };
}

/**
 * listenSockets() of a server's statements, kept per statements array: a rebuilt file keeps
 * every other server's array, so 2,000 unchanged servers are not read again per keystroke.
 */
const socketCache = new WeakMap<readonly ConfigNode[], { plain: ListenSocket[]; ssl?: ListenSocket[] }>();

function serverSockets(statements: readonly ConfigNode[], sslDirectiveOn: boolean): ListenSocket[] {
  let entry = socketCache.get(statements);
  if (!entry) {
    entry = { plain: listenSockets(statements, false) };
    socketCache.set(statements, entry);
  }
  if (!sslDirectiveOn) return entry.plain;
  return (entry.ssl ??= entry.plain.map((socket) => ({ ...socket, ssl: true })));
}

/** True when the effective `ssl_certificate` list of a server is non-empty. */
export function hasCertificate(scope: ServerScope): boolean {
  const certs = scope.get('ssl_certificate');
  return !certs.isDefault && certs.args.length > 0;
}

/** The server directive (or the first statement of a snippet) to anchor server-wide findings on. */
export function scopeAnchor(scope: ServerScope): ConfigNode | undefined {
  return scope.node ?? scope.statements[0];
}


/**
 * The names of a certificate as messages show them: its DNS and IP subjectAltNames, or, only when
 * it has none (the case where name checks fall back to it), its common name, labelled CN= so it
 * is never mistaken for a subjectAltName.
 */
export function certificateNameLabels(cert: CertificateInfo): string[] {
  const sans = cert.subjectAltNames.filter((s) => s.startsWith('DNS:') || s.startsWith('IP:') || s.startsWith('IP Address:')).map((s) => s.replace(/^IP Address:/, 'IP:'));
  if (sans.length > 0) return sans;
  return cert.subjectCommonName ? [`CN=${cert.subjectCommonName}`] : [];
}

/** RFC 6125 host matching as X509_check_host does it: one left-most `*` label. */
export function certificateNameMatches(sanNames: readonly string[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return sanNames.some((san) => {
    const s = san.toLowerCase();
    if (s === h) return true;
    if (s.startsWith('*.')) {
      const rest = s.slice(1);
      return h.endsWith(rest) && !h.slice(0, h.length - rest.length).includes('.') && h.length > rest.length;
    }
    return false;
  });
}
