/**
 * An identity header that nginx sets for a backend in one place and not in another place
 * that proxies to the same backend. nginx passes the client's request headers through unless
 * `proxy_set_header` overwrites them (an empty value removes the header), so where the
 * header is not set the backend receives whatever the client sent under that name, and a
 * backend that trusts `X-Client-DN` from nginx cannot tell the two apart.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header
 */
import type { ConfigNode } from '../../model/configTree';
import { isOn, type RequestPath } from '../../model/effectiveConfig';
import { focusOf } from '../analysisFocus';
import type { Finding, Fix, RuleMeta } from '../finding';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { insertAfter, quoteArg } from '../fixes/textEdits';
import { describePath, statementRange } from './tlsRuleSupport';

const RULES: RuleMeta[] = [
  { code: 'mtls.identity-header-not-cleared', category: 'mtls', severity: 'warning', title: 'Identity header set for a backend in one place but passed through from the client in another', nginxRefuses: false, preferredFix: true },
];

/** nginx's client-certificate values: a header carrying one is identity the backend will trust. */
const VERIFIED_VALUE = /\$\{?ssl_client_/;

const HEADER_DIRECTIVE: Partial<Record<RequestPath['module'], string>> = { proxy: 'proxy_set_header', grpc: 'grpc_set_header' };

/** Which backend a path reaches: the upstream block, or host and port as written (lower case). */
function backendKey(path: RequestPath): string | undefined {
  const t = path.target;
  if (t.hasVariable) return undefined;
  if (t.upstreamBlock) return `upstream ${t.host.toLowerCase()}`;
  const port = t.port ?? (path.tls === true ? '443' : '80');
  return `${t.host.toLowerCase()}:${port}`;
}

/** The header statements in effect at a path (its own level's, or the nearest inherited). */
function headerStatements(path: RequestPath, directive: string): ConfigNode[] {
  return path.get(directive).nodes.filter((n) => n.directive.args.length >= 2);
}

/**
 * Clears the header where it is passed through. Preferred only where adding a line loses
 * nothing: the block already writes its own header lines, or inherits none (a first line in
 * a block would otherwise drop every inherited one, see proxy.header-inheritance-drop).
 */
function clearFix(path: RequestPath, directive: string, header: string): Fix {
  const effective = path.get(directive);
  const own = effective.nodes.filter((n) => n.parent === path.block);
  const anchor = own[own.length - 1] ?? path.pass;
  const losesNothing = own.length > 0 || effective.nodes.length === 0;
  return {
    title: `Remove the client's ${header} here (${directive} ${header} "")`, safe: false, preferred: losesNothing,
    edits: [insertAfter(anchor, [`${directive} ${quoteArg(header)} "";`])],
  };
}

export const identitySiblingRules: RuleFamily = {
  name: 'identity-header-siblings',
  rules: RULES,
  run(context: RuleContext): Finding[] {
    const focus = focusOf(context);
    // Every path to a backend matters (a header set in another file protects this one), but
    // findings land only on the paths of the wanted files.
    const wanted = new Set(focus.paths());
    const byBackend = new Map<string, RequestPath[]>();
    for (const path of focus.allPaths()) {
      if (path.family !== 'http' || !HEADER_DIRECTIVE[path.module]) continue;
      const key = backendKey(path);
      if (key === undefined) continue;
      const list = byBackend.get(key);
      if (list) list.push(path);
      else byBackend.set(key, [path]);
    }
    const findings: Finding[] = [];
    for (const paths of byBackend.values()) {
      if (paths.length < 2 || paths.some((p) => p.incomplete)) continue;
      // Identity headers that some path sets from nginx's client-certificate variables.
      const setters = new Map<string, { header: string; node: ConfigNode }>();
      for (const path of paths) {
        for (const n of headerStatements(path, HEADER_DIRECTIVE[path.module]!)) {
          const name = n.directive.args[0].value;
          if (VERIFIED_VALUE.test(n.directive.args[1].value) && !setters.has(name.toLowerCase())) setters.set(name.toLowerCase(), { header: name, node: n });
        }
      }
      if (setters.size === 0) continue;
      for (const path of paths) {
        if (!wanted.has(path)) continue;
        const directive = HEADER_DIRECTIVE[path.module]!;
        // With request headers off, nothing the client sent reaches the backend.
        if (path.module === 'proxy' && !isOn(path.get('proxy_pass_request_headers'))) continue;
        const handled = new Set(headerStatements(path, directive).map((n) => n.directive.args[0].value.toLowerCase()));
        for (const [lower, { header, node }] of setters) {
          if (handled.has(lower)) continue;
          findings.push({
            code: 'mtls.identity-header-not-cleared',
            file: path.pass.file.path, ...statementRange(path.pass),
            message: `${describePath(path)} proxies to the same backend as a place that sets "${header}" from the client certificate, but does not set or clear "${header}" itself: here the backend receives whatever the client sends under that name, so a client can claim any identity. Clear it with ${directive} ${quoteArg(header)} "".`,
            fixes: [clearFix(path, directive, header)],
            related: [{ file: node.file.path, ...statementRange(node), message: `"${header}" set from the client certificate here` }],
          });
        }
      }
    }
    return findings;
  },
};
