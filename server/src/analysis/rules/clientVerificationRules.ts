/**
 * Client certificate verification on the server side (ssl_verify_client). nginx checks for a
 * CA only in servers that have their own TLS context (a certificate or ssl_reject_handshake),
 * and from 1.27.2 accepts ssl_trusted_certificate as the CA list.
 * https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_verify_client
 */
import { atLeast } from '../../directives/versions';
import type { ConfigNode } from '../../model/configTree';
import { allStatements, type Family, type ServerScope } from '../../model/effectiveConfig';
import { focusOf } from '../analysisFocus';
import type { Finding, Fix, RuleMeta } from '../finding';
import { nginxRefuses } from '../nginxWording';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { insertAfter, insertIntoBlock } from '../fixes/textEdits';
import { hasCertificate, listenSockets, relatedAt, statementRange } from './tlsRuleSupport';
import { isOn } from '../../model/effectiveConfig';
import { unreadBut } from '../unreadArguments';
import { VERIFICATION_ACROSS_SERVERS } from '../crossServerNames';

const RULES: RuleMeta[] = [
  { code: 'tls.verify-client-no-ca', category: 'tls', severity: 'error', title: 'ssl_verify_client without a CA certificate', nginxRefuses: true },
  { code: 'mtls.verification-not-enforced', category: 'mtls', severity: 'warning', title: 'Client certificates are requested or trusted but not enforced', nginxRefuses: false, preferredFix: true },
];

/** nginx's message, which changed when ssl_trusted_certificate started to count (1.27.2, commit 18afcda9). */
export function verifyClientNoCaWording(version: string): string {
  return atLeast(version, '1.27.2')
    ? 'no ssl_client_certificate or ssl_trusted_certificate for ssl_verify_client'
    : 'no ssl_client_certificate for ssl_verify_client';
}

/** Variables that stand for "the client certificate verified": $ssl_client_verify and maps over it. */
function verificationVariables(context: RuleContext): Set<string> {
  const names = new Set(['ssl_client_verify']);
  let grew = true;
  const maps = focusOf(context).named('map').filter((node) => node.directive.args.length === 2);
  while (grew) {
    grew = false;
    for (const map of maps) {
      const source = map.directive.args[0].value;
      const result = map.directive.args[1].value.replace(/^\$/, '');
      if (names.has(result)) continue;
      if ([...names].some((n) => source.includes(`$${n}`) || source.includes(`\${${n}}`))) {
        names.add(result);
        grew = true;
      }
    }
  }
  return names;
}

function checksVerification(scope: ServerScope, variables: Set<string>): boolean {
  const statements = allStatements(scope.statements);
  for (let at = 0; at < statements.length; at++) {
    const node = statements[at];
    for (const arg of node.directive.args) {
      if (!arg.hasVariable) continue;
      for (const v of variables) if (arg.value.includes(`$${v}`) || arg.value.includes(`\${${v}}`)) return true;
    }
  }
  return false;
}

/** Per tree: a walk per server scope would make large configs quadratic. */
const caCandidateCache = new WeakMap<RuleContext['tree'], string[]>();

function caCandidates(context: RuleContext): string[] {
  const cached = caCandidateCache.get(context.tree);
  if (cached) return cached;
  const paths = new Set<string>();
  for (const node of focusOf(context).named('ssl_client_certificate')) {
    if (node.directive.args[0]) paths.add(node.directive.args[0].value);
  }
  const list = [...paths];
  caCandidateCache.set(context.tree, list);
  return list;
}

/** The server's own statement that gives it its TLS context (its certificate), else the `server` line. */
function ownAnchor(scope: ServerScope): ConfigNode {
  const own = scope.statements.find((n) => n.directive.name === 'ssl_certificate' || n.directive.name === 'ssl_reject_handshake');
  return own ?? (scope.node as ConfigNode);
}

function checkScope(context: RuleContext, scope: ServerScope, family: Family, tls: boolean, variables: Set<string>, findings: Finding[]): void {
  if (scope.incomplete) return;
  const version = context.settings.targetVersion;
  const verify = scope.get('ssl_verify_client');
  const mode = verify.args[0] ?? 'off';
  const ownContext = hasCertificate(scope) || isOn(scope.get('ssl_reject_handshake'));
  // Stream servers check only with a `listen ... ssl` (ngx_stream_ssl_merge_conf returns early).
  const checked = family === 'stream' ? tls && ownContext : ownContext;
  const verifyNode = verify.nodes[0];
  if ((mode === 'on' || mode === 'optional') && checked && verifyNode) {
    const ca = scope.get('ssl_client_certificate');
    const trusted = scope.get('ssl_trusted_certificate');
    const trustedCounts = atLeast(version, '1.27.2');
    if (ca.isDefault && (!trustedCounts || trusted.isDefault)) {
      const note = !trusted.isDefault && !trustedCounts
        ? ` ssl_trusted_certificate satisfies this only from nginx 1.27.2; the target version is ${version}.`
        : ' Name the CA that issues the client certificates with ssl_client_certificate.';
      const fixes: Fix[] = context.reportOnly ? [] : caCandidates(context).slice(0, 3).map((p) => ({
        title: `Verify clients against ${p} (ssl_client_certificate)`, safe: false,
        edits: [insertAfter(verifyNode, [`ssl_client_certificate ${p};`])],
      }));
      // Inherited from an outer level, the problem is this server's (it lacks the CA, other
      // servers may name theirs): reported on the server, the inherited statement related.
      const inherited = scope.node !== undefined && verify.level !== scope.levels[scope.levels.length - 1];
      const at = inherited ? ownAnchor(scope) : verifyNode;
      findings.push({
        code: 'tls.verify-client-no-ca', file: at.file.path, ...statementRange(at), nginxRefuses: true,
        message: nginxRefuses(verifyClientNoCaWording(version), inherited
          ? `This server inherits "ssl_verify_client ${mode}" and no CA. ${note.trim()}`
          : note.trim()),
        fixes: fixes.length > 0 ? fixes : undefined,
        related: context.reportOnly ? undefined : inherited ? [relatedAt(verifyNode, `ssl_verify_client ${mode}, inherited from here`)] : undefined,
      });
    }
  }
  // A client CA the server never uses.
  if (mode === 'off' && tls) {
    const statements = scope.statements;
    for (let at = 0; at < statements.length; at++) {
      const node = statements[at];
      if (node.directive.name !== 'ssl_client_certificate') continue;
      findings.push({
        code: 'mtls.verification-not-enforced', file: node.file.path, ...statementRange(node),
        message: `A client CA is configured but ssl_verify_client is ${verify.isDefault ? 'off by default' : 'off'}: clients are never asked for a certificate, so nothing is authenticated.`,
        fixes: context.reportOnly ? undefined : [{ title: 'Require client certificates (ssl_verify_client on)', safe: false, preferred: true,
          edits: [verify.nodes[0] && verify.level === scope.levels[scope.levels.length - 1]
            ? { file: verify.nodes[0].file.path, start: verify.nodes[0].directive.args[0].start, end: verify.nodes[0].directive.args[0].end, newText: 'on' }
            : insertAfter(node, ['ssl_verify_client on;'])] }],
      });
    }
  }
  if ((mode === 'optional' || mode === 'optional_no_ca') && (tls || checked) && verifyNode && !checksVerification(scope, variables)) {
    const fixes: Fix[] = !context.reportOnly && mode === 'optional' && scope.node
      ? [{ title: 'Refuse requests without a verified certificate (if ($ssl_client_verify != SUCCESS) { return 403; })', safe: false,
        edits: [verify.level === scope.levels[scope.levels.length - 1]
          ? insertAfter(verifyNode, ['if ($ssl_client_verify != SUCCESS) { return 403; }'])
          : insertIntoBlock(scope.node, ['if ($ssl_client_verify != SUCCESS) { return 403; }'])] }]
      : [];
    findings.push({
      code: 'mtls.verification-not-enforced', file: verifyNode.file.path, ...statementRange(verifyNode),
      message: `"ssl_verify_client ${mode}" lets clients through without a valid certificate, and nothing in this server checks $ssl_client_verify: requests with no or a failed certificate are served like verified ones.`,
      fixes: fixes.length > 0 ? fixes : undefined,
    });
  }
  if (mode === 'optional_no_ca' && checked && verifyNode) {
    const ocsp = scope.get('ssl_ocsp');
    const ocspNode = ocsp.nodes[0];
    if (ocspNode && ocsp.args[0] !== 'off') {
      findings.push({
        code: 'mtls.verification-not-enforced', severity: 'error', file: ocspNode.file.path, ...statementRange(ocspNode), nginxRefuses: true,
        message: nginxRefuses('"ssl_ocsp" is incompatible with "ssl_verify_client optional_no_ca"',
          'OCSP needs a verified chain; use "ssl_verify_client optional" with a CA, or turn ssl_ocsp off.'),
        related: context.reportOnly ? undefined : [relatedAt(verifyNode, 'optional_no_ca set here')],
      });
    }
  }
}

/** The inherited settings checkScope() places findings on (besides the server's own statements). */
const PLACED_ON = ['ssl_verify_client', 'ssl_ocsp'];

export const clientVerificationRules: RuleFamily = {
  name: 'client-verification',
  rules: RULES,
  argumentsUnread: unreadBut('ssl_trusted_certificate'),
  serverLocalUnless: VERIFICATION_ACROSS_SERVERS,
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const focus = focusOf(context);
    const variables = verificationVariables(context);
    // Findings land on a server's own statements and on the statements it takes these from.
    for (const scope of focus.serverScopes('http')) {
      if (focus.scopeTouches(scope, PLACED_ON)) checkScope(context, scope, 'http', focus.addressGroups().byServer.get(scope)?.tls ?? false, variables, findings);
    }
    for (const scope of focus.serverScopes('stream')) {
      if (!focus.scopeTouches(scope, PLACED_ON)) continue;
      const tls = listenSockets(scope.statements, false).some((s) => s.ssl);
      checkScope(context, scope, 'stream', tls, variables, findings);
    }
    return findings;
  },
};
