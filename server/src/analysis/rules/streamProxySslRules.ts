/**
 * Stream proxying: all proxy_ssl_* directives are ignored unless `proxy_ssl on` (the merge
 * only sets up TLS when ssl_enable is set, ngx_stream_proxy_module.c), so the upstream
 * connection is plain TCP despite the certificate and verification settings.
 * https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#proxy_ssl
 */
import type { ConfigNode } from '../../model/configTree';
import { isOn, isOnWord, type ServerScope } from '../../model/effectiveConfig';
import { focusOf } from '../analysisFocus';
import type { Finding, Fix, RuleMeta } from '../finding';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { insertBefore } from '../fixes/textEdits';
import { statementRange } from './tlsRuleSupport';
import { unreadBut, UPSTREAM_VERIFY_SWITCHES } from '../unreadArguments';

const RULES: RuleMeta[] = [
  { code: 'stream.proxy-ssl-disabled', category: 'tls', severity: 'warning', title: 'Stream proxy_ssl_* settings without proxy_ssl on', nginxRefuses: false, preferredFix: true },
];

function sslSettings(statements: readonly ConfigNode[]): ConfigNode[] {
  return statements.filter((n) => n.directive.name.startsWith('proxy_ssl_'));
}

function serious(nodes: readonly ConfigNode[]): boolean {
  return nodes.some((n) => (n.directive.name === 'proxy_ssl_verify' && isOnWord(n.directive.args[0]?.value)) || n.directive.name === 'proxy_ssl_certificate');
}

/**
 * `proxy_ssl on`, plus SNI when the name is verified. Preferred only when the server already
 * verifies against a CA: otherwise turning TLS on leaves an unverified upstream (or, with
 * `proxy_ssl_verify on` and no CA, a configuration nginx refuses) and the fix would only trade
 * this finding for another.
 */
function turnOnFix(scope: ServerScope, first: ConfigNode): Fix {
  const verifies = isOn(scope.get('proxy_ssl_verify'));
  const statements = ['proxy_ssl on;'];
  if (verifies && !isOn(scope.get('proxy_ssl_server_name'))) statements.push('proxy_ssl_server_name on;');
  const preferred = verifies && !scope.get('proxy_ssl_trusted_certificate').isDefault;
  return { title: 'Connect to the upstream with TLS (proxy_ssl on)', safe: false, preferred, edits: [insertBefore(first, statements)] };
}

export const streamProxySslRules: RuleFamily = {
  name: 'stream-proxy-ssl',
  rules: RULES,
  argumentsUnread: unreadBut('proxy_ssl_verify'),
  argumentsReadAsSwitch: UPSTREAM_VERIFY_SWITCHES,
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const scopes = focusOf(context).serverScopes('stream');
    let anyOn = false;
    for (const scope of scopes) {
      const on = isOn(scope.get('proxy_ssl'));
      anyOn ||= on;
      if (on || scope.incomplete) continue;
      const settings = sslSettings(scope.statements);
      if (settings.length === 0) continue;
      const first = settings[0];
      findings.push({
        code: 'stream.proxy-ssl-disabled', severity: serious(settings) ? 'error' : 'warning',
        file: first.file.path, ...statementRange(first),
        message: `This stream server sets ${settings.map((n) => n.directive.name).join(', ')} but not "proxy_ssl on": nginx ignores them and connects to the upstream over plain TCP.`,
        fixes: context.reportOnly ? undefined : [turnOnFix(scope, first)],
      });
    }
    // Settings at stream level that no server turns on.
    const streamLevel = scopes.find((s) => s.levels.length > 1)?.levels[0];
    if (streamLevel && !anyOn && scopes.some((s) => s.statements.some((n) => n.directive.name === 'proxy_pass'))) {
      const settings = sslSettings(streamLevel.statements);
      if (settings.length > 0) {
        findings.push({
          code: 'stream.proxy-ssl-disabled', severity: serious(settings) ? 'error' : 'warning',
          file: settings[0].file.path, ...statementRange(settings[0]),
          message: `${settings.map((n) => n.directive.name).join(', ')} at stream level have no effect: no stream server turns "proxy_ssl on", so every upstream connection is plain TCP.`,
        });
      }
    }
    return findings;
  },
};
