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
import { sharedMessage, type RuleContext, type RuleFamily } from '../ruleContext';
import { insertAfter, quoteArg } from '../fixes/textEdits';
import { describePath, relatedAt, statementRange } from './tlsRuleSupport';
import { unreadBut } from '../unreadArguments';
import { HEADERS_ACROSS_SERVERS } from '../crossServerNames';
import { StringMemo } from '../../model/stringMemo';

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

/** The backend a path is compared under; undefined for paths this rule does not compare. */
function comparedBackend(path: RequestPath): string | undefined {
  return path.family === 'http' && HEADER_DIRECTIVE[path.module] ? backendKey(path) : undefined;
}

/** An identity header a path sets from the client certificate: its name as written, lower-cased, and the statement. */
interface Setter {
  lower: string;
  header: string;
  node: ConfigNode;
}

/** The first setter of each lower-case name, in configuration order. */
type Setters = readonly Setter[];

const NO_SETTERS: Setters = Object.freeze([]);

/**
 * What the rule reads of one path, kept with the path object (which is replaced when its
 * settings change): the identity headers it sets from the client certificate, and the
 * lower-case names of every header it sets or clears. Arrays, not a Map and a Set: a path
 * sets a handful of headers, and the two hash tables took 2.5 MB over the benchmark tree's
 * 4,000 paths (issue #15).
 */
interface HeaderSummary {
  setters: Setters;
  handled: readonly string[];
}

const summaries = new WeakMap<RequestPath, HeaderSummary>();

/** Header names lower-cased, one string per spelling (each toLowerCase() of a name with capitals is a new string). */
const lowerCased = new StringMemo((name) => name.toLowerCase());

function headerSummary(path: RequestPath): HeaderSummary {
  let summary = summaries.get(path);
  if (!summary) {
    let setters: Setter[] | undefined;
    const statements = headerStatements(path, HEADER_DIRECTIVE[path.module]!);
    const handled: string[] = new Array(statements.length);
    for (let at = 0; at < statements.length; at++) {
      const n = statements[at];
      const name = n.directive.args[0].value;
      const lower = lowerCased.get(name);
      handled[at] = lower;
      if (VERIFIED_VALUE.test(n.directive.args[1].value) && !setters?.some((s) => s.lower === lower)) (setters ??= []).push({ lower, header: name, node: n });
    }
    summary = { setters: setters ?? NO_SETTERS, handled };
    summaries.set(path, summary);
  }
  return summary;
}

/**
 * The identity headers some path of a backend group sets, the first setter of each name in
 * configuration order; null when the group is not compared. Kept per group array: an edit
 * that changes a member gives its group a new array.
 */
const groupSetters = new WeakMap<readonly RequestPath[], Setters | null>();

function settersOf(paths: readonly RequestPath[]): Setters | null {
  let setters = groupSetters.get(paths);
  if (setters === undefined) {
    setters = null;
    if (paths.length >= 2 && !paths.some((p) => p.incomplete)) {
      const found: Setter[] = [];
      for (const path of paths) {
        for (const setter of headerSummary(path).setters) if (!found.some((s) => s.lower === setter.lower)) found.push(setter);
      }
      if (found.length > 0) setters = found;
    }
    groupSetters.set(paths, setters);
  }
  return setters;
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
  argumentsUnread: unreadBut('proxy_set_header'),
  // headerSummary(): of a line without a variable, the header's name if a value follows it.
  headerNamesRead: new Set(['proxy_set_header']),
  serverLocalUnless: HEADERS_ACROSS_SERVERS,
  run(context: RuleContext): Finding[] {
    const focus = focusOf(context);
    // Every path to a backend matters (a header set in another file protects this one), but
    // findings land only on the paths of the wanted files: only their groups are looked at.
    const byBackend = focus.pathGroups('identity-header-backend', comparedBackend);
    let groups: Iterable<readonly RequestPath[]>;
    let wanted: (path: RequestPath) => boolean;
    if (focus.whole) {
      groups = byBackend.values();
      wanted = () => true;
    } else {
      // Its findings land on the pass statement: the paths whose pass a wanted file holds (an
      // http-level edit in nginx.conf reaches every path of the tree, but holds none of them),
      // or the server checked again holds (RuleContext.within).
      const focused = new Set(focus.pathsWhere(focus.touchesNode));
      const keys = new Set<string>();
      for (const path of focused) {
        const key = comparedBackend(path);
        if (key !== undefined) keys.add(key);
      }
      groups = [...keys].map((key) => byBackend.get(key) ?? []);
      wanted = (path) => focused.has(path);
    }
    const findings: Finding[] = [];
    for (const paths of groups) {
      const setters = settersOf(paths);
      if (!setters) continue;
      for (const path of paths) {
        if (!wanted(path)) continue;
        const directive = HEADER_DIRECTIVE[path.module]!;
        // With request headers off, nothing the client sent reaches the backend.
        if (path.module === 'proxy' && !isOn(path.get('proxy_pass_request_headers'))) continue;
        const handled = headerSummary(path).handled;
        for (const { lower, header, node } of setters) {
          if (handled.includes(lower)) continue;
          findings.push({
            code: 'mtls.identity-header-not-cleared',
            file: path.pass.file.path, ...statementRange(path.pass),
            message: sharedMessage(context, `${describePath(path)} proxies to the same backend as a place that sets "${header}" from the client certificate, but does not set or clear "${header}" itself: here the backend receives whatever the client sends under that name, so a client can claim any identity. Clear it with ${directive} ${quoteArg(header)} "".`),
            fixes: context.reportOnly ? undefined : [clearFix(path, directive, header)],
            related: context.reportOnly ? undefined : [relatedAt(node, `"${header}" set from the client certificate here`)],
          });
        }
      }
    }
    return findings;
  },
};
