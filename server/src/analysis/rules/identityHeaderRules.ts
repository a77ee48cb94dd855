/**
 * Client identity forwarded to backends. nginx passes client request headers through
 * unchanged, so a header such as X-SSL-Cert taken from `$http_x_ssl_cert` is whatever the
 * client typed unless nginx itself verified a client certificate on this hop. And
 * `$ssl_client_cert` is deprecated: its multi-line value breaks HTTP header syntax.
 * https://nginx.org/en/docs/http/ngx_http_ssl_module.html#var_ssl_client_escaped_cert
 */
import type { ConfigNode } from '../../model/configTree';
import type { Word } from '../../parser/syntaxTree';
import { focusOf } from '../analysisFocus';
import { effective, enclosingServer, familyOf, levelsFor, levelsIncomplete } from '../../model/effectiveConfig';
import type { Finding, RuleMeta } from '../finding';
import type { FindingDetail, RuleContext, RuleFamily } from '../ruleContext';
import { CLIENT_IDENTITY_HEADER_VARIABLE, IDENTITY_HEADER_NAME, effectiveOptions, variableRanges } from './tlsRuleSupport';
import { unreadBut } from '../unreadArguments';

const RULES: RuleMeta[] = [
  { code: 'tls.deprecated-ssl-client-cert', category: 'tls', severity: 'warning', title: 'Deprecated $ssl_client_cert', nginxRefuses: false, preferredFix: true },
  { code: 'mtls.identity-header-spoofable', category: 'mtls', severity: 'warning', title: 'Client identity taken from a client-supplied header', nginxRefuses: false, preferredFix: true },
];

/** Directives whose second argument is sent to the backend. */
const FORWARDING = new Set(['proxy_set_header', 'grpc_set_header', 'fastcgi_param', 'uwsgi_param', 'scgi_param']);

/** What a request header that nginx sets for the backend protects, when it protects anything. */
export type ProtectiveRole = 'client identity' | 'client address';

/** Names of headers that carry the client's address or how it reached nginx (X-Forwarded-*, Forwarded, X-Real-IP…). */
const CLIENT_ADDRESS_HEADER_NAME = /^(?:x-forwarded-[a-z-]+|forwarded|x-real-ip|x-client-ip|client-ip|true-client-ip|x-original-forwarded-for|x-cluster-client-ip)$/i;

/** Names of headers that carry who the client is: certificate identity (X-SSL-*, X-Client-*) or an authenticated user. */
const CLIENT_IDENTITY_HEADER_NAME = /^(?:x-(?:ssl|tls|mtls|client)-[a-z0-9-]+|(?:x-)?remote-user|x-(?:auth|authenticated|forwarded)-(?:user|email|groups|preferred-username)[a-z-]*|x-user(?:-[a-z-]+)?)$/i;

const CLIENT_ADDRESS_VARIABLE = /\$\{?(?:remote_addr|binary_remote_addr|realip_remote_addr|proxy_add_x_forwarded_for|proxy_protocol_addr)\b/;
const CLIENT_IDENTITY_VARIABLE = /\$\{?(?:ssl_client_|remote_user\b)/;

/**
 * Why a header set for the backend protects it, if it does: it carries client identity or the
 * client's address, which the backend trusts because nginx overwrites whatever the client sent
 * under that name (an empty value clears the client's copy). The one classification behind
 * every rule that asks whether losing or forging a header matters.
 */
export function protectiveRole(name: string, value: string | undefined): ProtectiveRole | undefined {
  if (value !== undefined && CLIENT_IDENTITY_VARIABLE.test(value)) return 'client identity';
  if (value !== undefined && CLIENT_ADDRESS_VARIABLE.test(value)) return 'client address';
  if (CLIENT_ADDRESS_HEADER_NAME.test(name)) return 'client address';
  if (IDENTITY_HEADER_NAME.test(name) || CLIENT_IDENTITY_HEADER_NAME.test(name)) return 'client identity';
  return undefined;
}

/**
 * nginx's own variable for what a client-supplied identity header claims to carry, judged by
 * the header's name: the verified certificate, its subject or issuer DN, serial, fingerprint
 * or the verification result. Undefined when the name says too little to choose.
 */
export function verifiedVariableFor(variableName: string): string | undefined {
  const name = variableName.toLowerCase();
  if (/verify/.test(name)) return '$ssl_client_verify';
  if (/(^|_)i_?dn|issuer/.test(name)) return '$ssl_client_i_dn';
  if (/(^|_)s_?dn|(^|_)dn$|subject/.test(name)) return '$ssl_client_s_dn';
  if (/serial/.test(name)) return '$ssl_client_serial';
  if (/fingerprint/.test(name)) return '$ssl_client_fingerprint';
  if (/cert|x509/.test(name)) return '$ssl_client_escaped_cert';
  return undefined;
}

/**
 * A client-supplied header forwarded as identity where nginx does verify client certificates:
 * the verification proves who holds the certificate, yet the backend receives what the client
 * wrote in the header. The fix forwards the verified value instead.
 */
function forwardedOnVerifiedHop(context: FindingDetail, node: ConfigNode, headerName: string, v: { start: number; end: number; name: string }): Finding {
  const replacement = verifiedVariableFor(v.name);
  const written = node.file.text.slice(v.start, v.end);
  return {
    // A warning, not an error: in a proxy chain the verified clients may all be proxies that
    // vouch for the header (Server B forwarding its user's certificate to Server A).
    code: 'mtls.identity-header-spoofable', severity: 'warning',
    file: node.file.path, start: v.start, end: v.end,
    message: `"${headerName}" forwards $${v.name}, a request header the client sets itself. This hop verifies client certificates, but that does not vouch for the header: unless every certificate its CA issues belongs to a proxy trusted to set it, a client with any valid certificate can claim another identity to the backend.${replacement ? ` Forward nginx's verified ${replacement} instead.` : ' Forward nginx\'s own $ssl_client_* values instead.'}`,
    // Replaced inside what was written, so "${http_x}suffix" keeps its braces.
    fixes: context.reportOnly ? undefined : replacement ? [{ title: `Forward the verified value (${replacement})`, safe: false, preferred: true,
      edits: [{ file: node.file.path, start: v.start, end: v.end, newText: written.startsWith('${') ? `\${${replacement.slice(1)}}` : replacement }] }] : undefined,
  };
}

/**
 * True when an argument may use $ssl_client_cert: the name stands in the value as written
 * (unescaping changes only backslash pairs, and no backslash can stand inside a variable
 * name), so statements without it skip the search through their source text.
 */
function namesClientCert(args: readonly Word[]): boolean {
  for (const arg of args) if (arg.hasVariable && arg.value.includes('ssl_client_cert')) return true;
  return false;
}

export const identityHeaderRules: RuleFamily = {
  name: 'identity-headers',
  rules: RULES,
  argumentsUnread: unreadBut('proxy_set_header'),
  // A request header line gives findings only through the variables of its own value.
  argumentsReadForVariables: new Set(['proxy_set_header']),
  // Each finding lands on the statement judged, from its own words and the levels above it.
  serverLocal: true,
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const options = effectiveOptions(context);
    const nodes = focusOf(context).nodes;
    for (let at = 0; at < nodes.length; at++) {
      const node = nodes[at];
      if (node.context === 'custom-body') continue;
      const d = node.directive;
      // The stream module has no $ssl_client_escaped_cert; its $ssl_client_cert is not deprecated.
      const http = namesClientCert(d.args) && familyOf(node, context.tree) === 'http';
      for (let i = 0; http && i < d.args.length; i++) {
        for (const v of variableRanges(node, i, /^ssl_client_cert$/)) {
          findings.push({
            code: 'tls.deprecated-ssl-client-cert', file: node.file.path, start: v.start, end: v.end,
            message: '$ssl_client_cert is deprecated: its PEM value spans several lines (continuation lines start with a tab), which nginx backends reject with 400 "client sent invalid header line". Use $ssl_client_escaped_cert (URL-encoded PEM; the backend must URL-decode it).',
            fixes: context.reportOnly ? undefined : [{ title: 'Use $ssl_client_escaped_cert', safe: true, preferred: true,
              // Renamed inside what was written, so "${ssl_client_cert}x" keeps the braces that
              // end the name (without them nginx would read the unknown $ssl_client_escaped_certx).
              edits: [{ file: node.file.path, start: v.start, end: v.end, newText: node.file.text.slice(v.start, v.end).replace('ssl_client_cert', 'ssl_client_escaped_cert') }] }],
          });
        }
      }
      if (!FORWARDING.has(d.name) || d.args.length < 2) continue;
      const spoofable = variableRanges(node, 1, CLIENT_IDENTITY_HEADER_VARIABLE);
      if (spoofable.length === 0) continue;
      if (levelsIncomplete(levelsFor(node, context.tree))) continue;
      const server = enclosingServer(node);
      const verify = effective(node, 'ssl_verify_client', context.tree, options);
      const verified = verify.args[0] === 'on' && server !== undefined && !effective(server, 'ssl_certificate', context.tree, options).isDefault;
      const headerName = d.args[0].value;
      const identity = IDENTITY_HEADER_NAME.test(headerName) || d.name !== 'proxy_set_header';
      if (verified) {
        for (const v of spoofable) findings.push(forwardedOnVerifiedHop(context, node, headerName, v));
        continue;
      }
      for (const v of spoofable) {
        findings.push({
          code: 'mtls.identity-header-spoofable', severity: identity ? 'error' : 'warning',
          file: node.file.path, start: v.start, end: v.end,
          message: `"${headerName}" forwards $${v.name}, a request header any client can set, while this hop verifies no client certificate (ssl_verify_client is ${verify.args[0] ?? 'off'}): a client can claim any identity to the backend. Forward nginx's own $ssl_client_* values on a hop that verifies client certificates, or clear the header.`,
          fixes: context.reportOnly ? undefined : d.name === 'proxy_set_header' || d.name === 'grpc_set_header' ? [{
            title: `Stop forwarding the client's value (${d.name} ${headerName} "")`, safe: false,
            edits: [{ file: node.file.path, start: d.args[1].start, end: d.args[1].end, newText: '""' }],
          }] : undefined,
        });
      }
    }
    return findings;
  },
};
