/**
 * Server-side TLS sockets. nginx enables TLS per listen address (the `ssl` flag of every
 * `listen` on an address is ORed) and checks only the default server of an ssl address for a
 * certificate (ngx_http_ssl_init). A non-default server without a certificate keeps the
 * default server's SSL context after SNI, so its own ssl_* settings, ssl_verify_client
 * included, never apply. https://nginx.org/en/docs/http/configuring_https_servers.html
 */
import type { ServerScope } from '../../model/effectiveConfig';
import { focusOf } from '../analysisFocus';
import { isOn } from '../../model/effectiveConfig';
import { atLeast } from '../../directives/versions';
import type { Finding, Fix, RuleMeta } from '../finding';
import { nginxRefuses } from '../nginxWording';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { insertAfter, insertIntoBlock, sourceOf } from '../fixes/textEdits';
import { hasCertificate, listenSockets, relatedAt, statementRange, where, type ListenSocket } from './tlsRuleSupport';
import { UNREAD_BY_TLS_FAMILIES } from '../unreadArguments';

const RULES: RuleMeta[] = [
  { code: 'tls.listen-ssl-no-cert', category: 'tls', severity: 'error', title: 'TLS listener without a certificate', nginxRefuses: true },
  { code: 'tls.sni-server-without-cert', category: 'tls', severity: 'warning', title: 'Server on a TLS address without its own certificate', nginxRefuses: false },
];

const NO_CERT = 'no "ssl_certificate" is defined for the "listen ... ssl" directive';

function rejects(scope: ServerScope): boolean {
  return isOn(scope.get('ssl_reject_handshake'));
}

function rejectFix(scope: ServerScope, socket: ListenSocket): Fix[] {
  return [{
    title: 'Refuse TLS handshakes for this server (ssl_reject_handshake on)', safe: false,
    edits: [insertAfter(socket.node, ['ssl_reject_handshake on;'])],
  }];
}

function httpListeners(context: RuleContext, findings: Finding[]): void {
  const version = context.settings.targetVersion;
  const focus = focusOf(context);
  // Each finding lands on a statement of one server's levels: servers the checked files do
  // not touch are read only as peers on an address.
  const scopes = focus.touchedScopes('http');
  const touchedSet = new Set(scopes);
  const touches = (scope: ServerScope): boolean => touchedSet.has(scope);
  const { groups, byServer } = focus.addressGroups();
  // Only the addresses of those servers can get findings.
  const addresses = new Set<string>();
  for (const scope of scopes) for (const socket of byServer.get(scope)?.sockets ?? []) addresses.add(socket.address);
  for (const group of groups) {
    if (!group.ssl || !addresses.has(group.address)) continue;
    const first = group.defaultServer;
    // A certificate may sit in an include we cannot read, or outside a snippet checked alone.
    if (group.servers.some((s) => s.scope.incomplete)) continue;
    const defaultOk = hasCertificate(first.scope);
    if (!defaultOk && !rejects(first.scope)) {
      // nginx names the line of the server block that owns the address (cscf->line).
      const owner = first.scope.node ?? first.socket.node;
      if (touches(first.scope)) findings.push({
        code: 'tls.listen-ssl-no-cert', file: first.socket.node.file.path, ...statementRange(first.socket.node), nginxRefuses: true,
        message: nginxRefuses(`${NO_CERT} in ${where(owner)}`, `This server is the default server for ${group.address}; give it ssl_certificate and ssl_certificate_key, or ssl_reject_handshake on.`),
        fixes: context.reportOnly ? undefined : atLeast(version, '1.19.4') ? rejectFix(first.scope, first.socket) : undefined,
      });
      continue;
    }
    for (const member of group.servers) {
      if (member.scope === first.scope || !touches(member.scope) || hasCertificate(member.scope) || rejects(member.scope)) continue;
      if (!defaultOk) {
        // With a rejecting default server nginx checks every other server of the address.
        const owner = member.scope.node ?? member.socket.node;
        findings.push({
          code: 'tls.listen-ssl-no-cert', file: member.socket.node.file.path, ...statementRange(member.socket.node), nginxRefuses: true,
          message: nginxRefuses(`${NO_CERT} in ${where(owner)}`, `The default server of ${group.address} rejects handshakes, so nginx requires a certificate in every other server on it.`),
          fixes: context.reportOnly ? undefined : rejectFix(member.scope, member.socket),
        });
        continue;
      }
      const verify = member.scope.get('ssl_verify_client');
      const lost = !verify.isDefault && verify.args[0] !== 'off'
        ? ` Its "ssl_verify_client ${verify.args[0]}" never applies: clients are not asked for a certificate and every request fails with 400.`
        : ' Its own ssl_* settings never apply.';
      const defaultCerts = first.scope.get('ssl_certificate').nodes.concat(first.scope.get('ssl_certificate_key').nodes);
      findings.push({
        code: 'tls.sni-server-without-cert', file: member.socket.node.file.path, ...statementRange(member.socket.node),
        message: `This server shares the TLS address ${group.address} but has no certificate: after SNI nginx keeps the default server's TLS context, so clients get that server's certificate (a name mismatch for this server).${lost}`,
        related: context.reportOnly ? undefined : first.scope.node ? [relatedAt(first.scope.node, 'default server of this address')] : undefined,
        fixes: context.reportOnly ? undefined : member.scope.node && defaultCerts.length > 0 ? [{
          title: 'Give this server its own certificate (copy the default server\'s; replace with this name\'s certificate)', safe: false,
          edits: [insertAfter(member.socket.node, defaultCerts.map(sourceOf))],
        }] : undefined,
      });
    }
  }
  // ssl_verify_client / ssl_client_certificate in a server no TLS address reaches: no effect.
  for (const scope of scopes) {
    const info = byServer.get(scope);
    if (!info || info.tls || info.sockets.length === 0 || scope.incomplete) continue;
    for (const node of scope.statements) {
      const name = node.directive.name;
      if (name !== 'ssl_verify_client' && name !== 'ssl_client_certificate') continue;
      if (name === 'ssl_verify_client' && node.directive.args[0]?.value === 'off') continue;
      findings.push({
        code: 'tls.sni-server-without-cert', file: node.file.path, ...statementRange(node),
        message: `"${name}" has no effect: none of this server's listen addresses accepts TLS (add "ssl" to a listen directive).`,
      });
    }
  }
  // More certificates than keys (paired by position).
  for (const scope of scopes) {
    const certs = scope.get('ssl_certificate');
    if (certs.isDefault || scope.incomplete) continue;
    const keys = scope.get('ssl_certificate_key');
    const keyCount = keys.isDefault ? 0 : keys.nodes.length;
    if (keyCount >= certs.nodes.length) continue;
    const unpaired = certs.nodes[keyCount];
    findings.push({
      code: 'tls.listen-ssl-no-cert', file: unpaired.file.path, ...statementRange(unpaired), nginxRefuses: true,
      message: nginxRefuses(`no "ssl_certificate_key" is defined for certificate "${unpaired.directive.args[0]?.value ?? ''}"`,
        'Certificates and keys are paired by position; add the matching ssl_certificate_key.'),
    });
  }
}

function streamListeners(context: RuleContext, findings: Finding[]): void {
  const version = context.settings.targetVersion;
  const focus = focusOf(context);
  for (const scope of focus.serverScopes('stream')) {
    if (!focus.touchesLevels(scope.levels)) continue;
    const sockets = listenSockets(scope.statements, false).filter((s) => s.ssl);
    if (sockets.length === 0 || scope.incomplete) continue;
    const certs = scope.get('ssl_certificate');
    if (certs.isDefault && !isOn(scope.get('ssl_reject_handshake'))) {
      const listen = sockets[0].node;
      findings.push({
        code: 'tls.listen-ssl-no-cert', file: listen.file.path, ...statementRange(listen), nginxRefuses: true,
        message: nginxRefuses(`${NO_CERT} in ${where(listen)}`, 'Give this stream server ssl_certificate and ssl_certificate_key.'),
        fixes: context.reportOnly ? undefined : scope.node ? [{ title: 'Add a certificate and key (fill in the paths)', safe: false,
          edits: [insertIntoBlock(scope.node, ['ssl_certificate /etc/nginx/ssl/server.crt;', 'ssl_certificate_key /etc/nginx/ssl/server.key;'])] }] : undefined,
      });
      continue;
    }
    const keys = scope.get('ssl_certificate_key');
    const keyCount = keys.isDefault ? 0 : keys.nodes.length;
    if (certs.isDefault || keyCount >= certs.nodes.length) continue;
    const unpaired = certs.nodes[keyCount];
    const path = unpaired.directive.args[0]?.value ?? '';
    const listen = sockets[0].node;
    // 1.22.1's stream module words this differently from the http module (ngx_stream_ssl_module.c 741-764).
    const wording = atLeast(version, '1.27.0')
      ? `no "ssl_certificate_key" is defined for certificate "${path}"`
      : keyCount === 0
        ? `no "ssl_certificate_key" is defined for the "listen ... ssl" directive in ${where(listen)}`
        : `no "ssl_certificate_key" is defined for certificate "${path}" and the "listen ... ssl" directive in ${where(listen)}`;
    findings.push({
      code: 'tls.listen-ssl-no-cert', file: unpaired.file.path, ...statementRange(unpaired), nginxRefuses: true,
      message: nginxRefuses(wording, 'Certificates and keys are paired by position; add the matching ssl_certificate_key.'),
    });
  }
}

export const tlsListenRules: RuleFamily = {
  name: 'tls-listen',
  rules: RULES,
  argumentsUnread: UNREAD_BY_TLS_FAMILIES,
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    httpListeners(context, findings);
    streamListeners(context, findings);
    return findings;
  },
};
