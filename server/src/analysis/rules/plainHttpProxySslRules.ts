/**
 * http proxying: `proxy_ssl_*` (grpc_ssl_*, uwsgi_ssl_*) settings only take effect on a
 * connection that uses TLS, which the scheme of proxy_pass decides (`https://`, `grpcs://`,
 * `suwsgi://`; ngx_http_proxy_module.c only sets up upstream TLS for an https URL). With
 * `proxy_pass http://…` nginx accepts the verification and client-certificate settings and
 * ignores them: the traffic is cleartext. The stream variant is streamProxySslRules.
 *
 * A setting is reported only when every request path that inherits it is plainly not TLS: a
 * server-level `proxy_ssl_verify on` shared by an https location and an http one is used by
 * the first. Paths whose scheme is a variable, and levels that could hold more paths in files
 * we cannot read, count as possibly TLS.
 */
import type { ConfigNode } from '../../model/configTree';
import { includeOf } from '../../model/configTree';
import { isOn, isOnWord, type RequestPath } from '../../model/effectiveConfig';
import { depthFirstNodes } from '../../model/treeIndexes';
import { focusOf } from '../analysisFocus';
import type { Finding, Fix, RuleMeta, TextEdit } from '../finding';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { insertAfter } from '../fixes/textEdits';
import { describeBlock, describePath, relatedAt, statementRange } from './tlsRuleSupport';
import { unreadBut, UPSTREAM_VERIFY_SWITCHES } from '../unreadArguments';

const RULES: RuleMeta[] = [
  {
    code: 'proxy.ssl-on-plain-http', category: 'proxy', severity: 'warning', title: 'Upstream TLS settings on a plain http:// proxy_pass', nginxRefuses: false,
    preferredFix: true,
  },
];

/**
 * The settings that show an intent to protect the connection (others, like session reuse, are
 * harmless leftovers), written out in full so that the directives the family reads can be
 * seen (test/analysis/unreadArguments.test.ts).
 */
const PROTECTIVE_SETTINGS: ReadonlySet<string> = new Set([
  'proxy_ssl_certificate', 'proxy_ssl_certificate_key', 'proxy_ssl_trusted_certificate', 'proxy_ssl_verify', 'proxy_ssl_name',
  'proxy_ssl_server_name', 'proxy_ssl_crl', 'proxy_ssl_password_file', 'proxy_ssl_protocols', 'proxy_ssl_ciphers',
  'grpc_ssl_certificate', 'grpc_ssl_certificate_key', 'grpc_ssl_trusted_certificate', 'grpc_ssl_verify', 'grpc_ssl_name',
  'grpc_ssl_server_name', 'grpc_ssl_crl', 'grpc_ssl_password_file', 'grpc_ssl_protocols', 'grpc_ssl_ciphers',
  'uwsgi_ssl_certificate', 'uwsgi_ssl_certificate_key', 'uwsgi_ssl_trusted_certificate', 'uwsgi_ssl_verify', 'uwsgi_ssl_name',
  'uwsgi_ssl_server_name', 'uwsgi_ssl_crl', 'uwsgi_ssl_password_file', 'uwsgi_ssl_protocols', 'uwsgi_ssl_ciphers',
]);

/** On/off settings that protect nothing when off. */
const PROTECTIVE_ONLY_WHEN_ON: ReadonlySet<string> = new Set([
  'proxy_ssl_verify', 'proxy_ssl_server_name', 'grpc_ssl_verify', 'grpc_ssl_server_name', 'uwsgi_ssl_verify', 'uwsgi_ssl_server_name',
]);

const TLS_SCHEME: Record<string, string> = { http: 'https', grpc: 'grpcs', uwsgi: 'suwsgi' };

/** The module prefix of a protective setting (proxy_ssl_ for proxy_ssl_verify), or undefined for any other statement. */
function protectiveSetting(node: ConfigNode): string | undefined {
  const name = node.directive.name;
  if (!PROTECTIVE_SETTINGS.has(name)) return undefined;
  // "verify off" or "server_name off" protects nothing, so nothing is lost on plain http.
  if (PROTECTIVE_ONLY_WHEN_ON.has(name) && !isOnWord(node.directive.args[0]?.value)) return undefined;
  return name.slice(0, name.indexOf('_ssl_') + '_ssl_'.length);
}

/** True when a block's subtree includes a file that could not be read (it may hold more paths). */
function hidesStatements(nodes: readonly ConfigNode[]): boolean {
  return depthFirstNodes(nodes).some((s) => s.directive.name === 'include' && (includeOf(s)?.files.length ?? 0) === 0);
}

function schemeFix(plain: readonly RequestPath[], prefix: string): Fix | undefined {
  const edits: TextEdit[] = [];
  for (const path of plain) {
    const arg = path.pass.directive.args[0];
    const scheme = path.target.scheme;
    const tlsScheme = scheme ? TLS_SCHEME[scheme] : undefined;
    if (!scheme || !tlsScheme || !arg.value.toLowerCase().startsWith(`${scheme}://`)) return undefined;
    // The argument's source starts with a quote when it was written quoted.
    const offset = path.pass.file.text.slice(arg.start, arg.end).toLowerCase().indexOf(`${scheme}://`);
    if (offset < 0) return undefined;
    edits.push({ file: path.pass.file.path, start: arg.start + offset, end: arg.start + offset + scheme.length, newText: tlsScheme });
    // A verified name without SNI is reported by tls.upstream-name-mismatch: send it too.
    if (isOn(path.ssl('verify')) && !isOn(path.ssl('server_name'))) edits.push(insertAfter(path.pass, [`${path.prefix}server_name on;`]));
  }
  // Switching to TLS without verification would leave tls.upstream-unverified behind, and
  // verification without a CA is refused by nginx: preferred only when both are in place.
  const verifies = plain.every((p) => isOn(p.ssl('verify')) && !p.ssl('trusted_certificate').isDefault);
  const target = plain.length === 1 ? `"${plain[0].pass.directive.args[0].value}"` : `the ${plain.length} ${prefix.replace(/_ssl_$/, '')}_pass lines`;
  return { title: `Connect to the upstream with TLS (change the scheme of ${target})`, safe: false, preferred: verifies, edits };
}

export const plainHttpProxySslRules: RuleFamily = {
  name: 'plain-http-proxy-ssl',
  rules: RULES,
  argumentsUnread: unreadBut('proxy_ssl_protocols', 'grpc_ssl_protocols', 'uwsgi_ssl_protocols', 'proxy_ssl_ciphers', 'grpc_ssl_ciphers', 'uwsgi_ssl_ciphers', 'proxy_ssl_verify', 'grpc_ssl_verify', 'uwsgi_ssl_verify'),
  argumentsReadAsSwitch: UPSTREAM_VERIFY_SWITCHES,
  // A setting is judged by the passes below its own block: one in a server by that server's.
  serverLocal: true,
  run(context: RuleContext): Finding[] {
    const focus = focusOf(context);
    // The blocks holding settings are blocks the checked files write to, so every path below
    // one of them is among the focused paths (touchesAncestry).
    const paths = focus.paths().filter((p) => p.family === 'http');
    if (paths.length === 0) return [];
    // Protective settings grouped by the block that holds them and their module prefix.
    const groups = new Map<ConfigNode | undefined, Map<string, ConfigNode[]>>();
    const nodes = focus.nodes;
    for (let at = 0; at < nodes.length; at++) {
      const node = nodes[at];
      const prefix = protectiveSetting(node);
      if (!prefix || !focus.touchesNode(node)) continue;
      const byPrefix = groups.get(node.parent) ?? new Map<string, ConfigNode[]>();
      groups.set(node.parent, byPrefix);
      const list = byPrefix.get(prefix);
      if (list) list.push(node);
      else byPrefix.set(prefix, [node]);
    }
    // The paths below each block that holds settings: one walk up from each path, so many
    // locations with their own settings cost no more than their number.
    const below = new Map<ConfigNode | undefined, RequestPath[]>();
    const addBelow = (level: ConfigNode | undefined, path: RequestPath): void => {
      if (!groups.has(level)) return;
      const list = below.get(level);
      if (list) list.push(path);
      else below.set(level, [path]);
    };
    // The top level, then each block around the pass (all different: no set of them is made
    // for each of the tree's 4,000 paths at every keystroke).
    for (const path of paths) {
      addBelow(undefined, path);
      for (let n = path.pass.parent; n; n = n.parent) addBelow(n, path);
    }
    const findings: Finding[] = [];
    for (const [level, byPrefix] of groups) {
      if (hidesStatements(level ? level.children : context.tree.nodes)) continue;
      for (const [prefix, settings] of byPrefix) {
        const users = (below.get(level) ?? []).filter((p) => p.prefix === prefix);
        if (users.length === 0 || users.some((p) => p.tls !== false || p.incomplete || p.target.isUnix && p.target.scheme === undefined)) continue;
        const first = settings[0];
        const names = [...new Set(settings.map((n) => n.directive.name))].join(', ');
        const where = users.length === 1 ? `${describePath(users[0])} proxies` : `every location that inherits ${settings.length === 1 ? 'it' : 'them'} proxies`;
        const place = level ? ` in "${describeBlock(level)}"` : '';
        const fix = schemeFix(users, prefix);
        findings.push({
          code: 'proxy.ssl-on-plain-http',
          file: first.file.path, ...statementRange(first),
          message: `${names}${place} ${settings.length === 1 ? 'has' : 'have'} no effect: ${where} over plain ${users[0].target.scheme}://, so nginx ignores the upstream TLS settings and the traffic to the upstream is cleartext.`,
          fixes: context.reportOnly ? undefined : fix ? [fix] : undefined,
          related: context.reportOnly ? undefined : users.slice(0, 5).map((p) => relatedAt(p.pass, `plain ${p.target.scheme}:// connection`)),
        });
      }
    }
    return findings;
  },
};
