/**
 * Protocol versions and ciphers. `nginx -t` accepts SSLv3 and TLSv1 silently; the default
 * protocol list depends on the version (TLSv1/TLSv1.1 enabled by default until 1.27.3);
 * repeated *_ssl_protocols lines at one level OR together (ngx_conf_set_bitmask_slot); and
 * `ssl on|off` warns as deprecated from 1.15.0 until it was removed in 1.25.1 (its own code, so
 * that turning off the protocol rule does not hide it; from 1.25.1 the context rules report the
 * unknown directive).
 * https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_protocols
 */
import { atLeast } from '../../directives/versions';
import type { ConfigNode } from '../../model/configTree';
import { BITMASK_DIRECTIVES, tlsDefault } from '../../model/effectiveConfig';
import { focusOf } from '../analysisFocus';
import type { Finding, Fix, RuleMeta, TextEdit } from '../finding';
import type { FindingDetail, RuleContext, RuleFamily } from '../ruleContext';
import { insertAfter, removeStatement } from '../fixes/textEdits';
import { relatedAt, statementRange } from './tlsRuleSupport';
import { unreadBut } from '../unreadArguments';
import { LISTEN_GROUPS_ACROSS_SERVERS } from '../crossServerNames';

const RULES: RuleMeta[] = [
  { code: 'tls.weak-protocols-ciphers', category: 'tls', severity: 'warning', title: 'Weak TLS protocol versions or ciphers', nginxRefuses: false, preferredFix: true },
  { code: 'tls.ssl-directive-deprecated', category: 'tls', severity: 'warning', title: 'Deprecated "ssl" directive (use "listen ... ssl")', nginxRefuses: false, preferredFix: true },
];

const WEAK_PROTOCOLS = new Set(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1']);

const CIPHER_DIRECTIVES = new Set(['ssl_ciphers', 'proxy_ssl_ciphers', 'grpc_ssl_ciphers', 'uwsgi_ssl_ciphers']);

/** OpenSSL cipher-string keywords that select broken or unauthenticated suites. */
const WEAK_KEYWORDS = new Set(['RC4', 'DES', '3DES', 'MD5', 'EXP', 'EXPORT', 'EXPORT40', 'EXPORT56', 'NULL', 'eNULL', 'aNULL', 'ADH', 'AECDH', 'LOW', 'MEDIUM', 'IDEA', 'SEED', 'RC2', 'COMPLEMENTOFALL', 'COMPLEMENTOFDEFAULT']);

/** Weak cipher tokens of a cipher string (negated `!X`/`-X` tokens are removals, not weak). */
export function weakCipherTokens(value: string): string[] {
  const tokens = value.split(/[:, ]+/).filter((t) => t.length > 0);
  const weak: string[] = [];
  for (const token of tokens) {
    if (token.startsWith('!') || token.startsWith('-') || token.startsWith('@')) continue;
    const bare = token.replace(/^\+/, '');
    const parts = bare.split('+');
    if (parts.some((p) => WEAK_KEYWORDS.has(p))) weak.push(token);
    else if (/(^|-)(RC4|RC2|DES-CBC3?|NULL|EXP|ADH|AECDH|IDEA|SEED|anon)(-|$)|-MD5$/i.test(bare)) weak.push(token);
    else if (bare === 'ALL' && !tokens.includes('!aNULL') && !tokens.includes('!eNULL')) weak.push(token);
  }
  return weak;
}

function protocolsFix(node: ConfigNode): Fix {
  const args = node.directive.args;
  return {
    title: 'Allow only TLSv1.2 and TLSv1.3', safe: false, preferred: true,
    edits: [{ file: node.file.path, start: args[0].start, end: args[args.length - 1].end, newText: 'TLSv1.2 TLSv1.3' }],
  };
}

function weakProtocols(context: FindingDetail, node: ConfigNode, findings: Finding[]): void {
  for (const arg of node.directive.args) {
    if (!WEAK_PROTOCOLS.has(arg.value)) continue;
    findings.push({
      code: 'tls.weak-protocols-ciphers', file: node.file.path, start: arg.start, end: arg.end,
      message: `${arg.value} is obsolete and insecure (RFC 8996 deprecates TLS 1.0 and 1.1; SSLv3 is broken); nginx accepts it without warning. Allow only TLSv1.2 and TLSv1.3.`,
      fixes: context.reportOnly ? undefined : [protocolsFix(node)],
    });
  }
}

function weakCiphers(node: ConfigNode, findings: Finding[]): void {
  const arg = node.directive.args[0];
  if (!arg || arg.hasVariable) return;
  const weak = weakCipherTokens(arg.value);
  if (weak.length === 0) return;
  findings.push({
    code: 'tls.weak-protocols-ciphers', file: node.file.path, start: arg.start, end: arg.end,
    message: `The cipher list enables weak or unauthenticated suites: ${weak.join(', ')}. Remove them (or prefix them with "!").`,
  });
}

/** Repeated bitmask directives at one level: nginx ORs them, which is rarely what the author meant. */
function duplicates(context: FindingDetail, statements: readonly ConfigNode[], findings: Finding[]): void {
  // Made for a level that holds a bitmask directive: most of the 12,000 blocks of the benchmark tree hold none.
  let byName: Map<string, ConfigNode[]> | undefined;
  for (let at = 0; at < statements.length; at++) {
    const node = statements[at];
    const name = node.directive.name;
    if (!BITMASK_DIRECTIVES.has(name) || node.directive.args.length === 0) continue;
    byName ??= new Map();
    // Appended in place: copying the list per repeat was quadratic (80k repeats took 48 s).
    const list = byName.get(name);
    if (list) list.push(node);
    else byName.set(name, [node]);
  }
  if (!byName) return;
  for (const [name, nodes] of byName) {
    if (nodes.length < 2) continue;
    const union = [...new Set(nodes.flatMap((n) => n.directive.args.map((a) => a.value)))];
    const first = nodes[0];
    const args = first.directive.args;
    const edits: TextEdit[] = [
      { file: first.file.path, start: args[0].start, end: args[args.length - 1].end, newText: union.join(' ') },
      ...nodes.slice(1).map(removeStatement),
    ];
    for (const node of nodes.slice(1)) {
      findings.push({
        code: 'tls.weak-protocols-ciphers', file: node.file.path, ...statementRange(node),
        message: `"${name}" is repeated at this level: nginx does not replace the earlier line but combines both, enabling ${union.join(' ')}.`,
        related: context.reportOnly ? undefined : [relatedAt(first, `first "${name}" at this level`)],
        // Merging keeps the enabled set exactly as nginx computes it.
        fixes: context.reportOnly ? undefined : [{ title: `Merge into one "${name}" line`, safe: true, preferred: true, edits }],
      });
    }
  }
}

/**
 * Rewriting `ssl on` as `listen ... ssl` keeps what nginx does only where the server is the
 * default server of each address it adds `ssl` to: nginx decides TLS per connection from the
 * listen flag or the default server's `ssl on` (ngx_http_init_connection), so `ssl on` in
 * another server of a shared address changed nothing, while `listen ... ssl` would turn every
 * server on that address to TLS.
 */
function sslOnRewriteIsExact(context: RuleContext, server: ConfigNode, listens: readonly ConfigNode[]): boolean {
  const focus = focusOf(context);
  const scope = focus.serverScopes('http').find((s) => s.node === server);
  const info = scope && focus.addressGroups().byServer.get(scope);
  if (!scope || !info) return false;
  const { groups } = focus.addressGroups();
  return listens.every((listen) => {
    const socket = info.sockets.find((s) => s.node === listen);
    const group = socket && groups.find((g) => g.address === socket.address);
    return group !== undefined && group.defaultServer.scope === scope;
  });
}

function deprecatedSsl(context: RuleContext, findings: Finding[]): void {
  const version = context.settings.targetVersion;
  if (atLeast(version, '1.25.1')) return;
  const warns = atLeast(version, '1.15.0');
  const nodes = focusOf(context).nodes;
  for (let at = 0; at < nodes.length; at++) {
    const node = nodes[at];
    if (node.directive.name !== 'ssl' || node.directive.args.length !== 1) continue;
    if (node.context !== 'server' && node.context !== 'http') continue;
    findings.push({
      code: 'tls.ssl-directive-deprecated', severity: warns ? 'warning' : 'information', file: node.file.path, ...statementRange(node),
      message: warns
        ? 'nginx warns: the "ssl" directive is deprecated, use the "listen ... ssl" directive instead. It is removed in nginx 1.25.1, where this line becomes an unknown directive.'
        : `nginx ${version} still accepts "ssl" without a warning, but it is deprecated from 1.15.0 and removed in 1.25.1 (an unknown directive there). The "ssl" parameter of "listen" does the same.`,
      fixes: context.reportOnly ? undefined : sslDirectiveFixes(context, node),
    });
  }
}

/** `ssl on`: the listen directives get "ssl" instead (when the server has any); `ssl off`: the line goes. */
function sslDirectiveFixes(context: RuleContext, node: ConfigNode): Fix[] {
  const on = node.directive.args[0].value === 'on';
  const listens = node.context === 'server' ? (node.parent?.children ?? []).filter((c) => c.directive.name === 'listen' && c.directive.args.length > 0) : [];
  if (on && node.parent && listens.length > 0) {
    const lacking = listens.filter((l) => !l.directive.args.some((a) => a.value === 'ssl'));
    const edits: TextEdit[] = lacking.map((l) => ({ file: l.file.path, start: l.directive.args[0].end, end: l.directive.args[0].end, newText: ' ssl' }));
    edits.push(removeStatement(node));
    const exact = sslOnRewriteIsExact(context, node.parent, lacking);
    return [{
      title: exact ? 'Add "ssl" to the listen directives and remove "ssl on"' : 'Add "ssl" to the listen directives and remove "ssl on" (other servers on these addresses become TLS too)',
      safe: exact, preferred: true, edits,
    }];
  }
  if (!on) return [{ title: 'Remove "ssl off"', safe: node.context === 'server', edits: [removeStatement(node)] }];
  return [];
}

/** TLS servers that rely on a default protocol list which still enables TLSv1/TLSv1.1. */
function weakDefaults(context: RuleContext, findings: Finding[]): void {
  const version = context.settings.targetVersion;
  const fallback = tlsDefault('ssl_protocols', version, 'http') ?? '';
  if (!fallback.split(' ').some((p) => WEAK_PROTOCOLS.has(p))) return;
  const focus = focusOf(context);
  const { byServer } = focus.addressGroups();
  for (const scope of focus.serverScopes('http')) {
    // The finding lands on the server's own listen statement.
    if (!focus.touchesLevels(scope.levels)) continue;
    const info = byServer.get(scope);
    const listen = info?.sockets.find((s) => s.ssl);
    if (!listen || scope.incomplete || !scope.get('ssl_protocols').isDefault) continue;
    findings.push({
      code: 'tls.weak-protocols-ciphers', severity: 'information', file: listen.node.file.path, ...statementRange(listen.node),
      message: `No ssl_protocols applies here, and nginx ${version} then enables ${fallback} (the default drops TLSv1 and TLSv1.1 only from 1.27.3).`,
      fixes: context.reportOnly ? undefined : [{ title: 'Allow only TLSv1.2 and TLSv1.3', safe: false, edits: [insertAfter(listen.node, ['ssl_protocols TLSv1.2 TLSv1.3;'])] }],
    });
  }
}

export const protocolRules: RuleFamily = {
  name: 'protocols',
  rules: RULES,
  argumentsUnread: unreadBut('ssl_protocols', 'proxy_ssl_protocols', 'grpc_ssl_protocols', 'uwsgi_ssl_protocols', 'ssl_ciphers', 'proxy_ssl_ciphers', 'grpc_ssl_ciphers', 'uwsgi_ssl_ciphers'),
  serverLocalUnless: LISTEN_GROUPS_ACROSS_SERVERS,
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const focus = focusOf(context);
    // Repeats are judged per level: the levels holding a statement of a checked file.
    for (const block of focus.containers) duplicates(context, block ? block.children : context.tree.nodes, findings);
    const nodes = focus.nodes;
    for (let at = 0; at < nodes.length; at++) {
      const node = nodes[at];
      if (node.context === 'custom-body') continue;
      const name = node.directive.name;
      if (BITMASK_DIRECTIVES.has(name)) weakProtocols(context, node, findings);
      if (CIPHER_DIRECTIVES.has(name)) weakCiphers(node, findings);
    }
    deprecatedSsl(context, findings);
    weakDefaults(context, findings);
    return findings;
  },
};
