/**
 * Upstream TLS sessions are cached on the upstream peer, which every location proxying to
 * the same `upstream {}` or the same implicit `https://host:port` shares. With
 * proxy_ssl_session_reuse on (the default), a location without a client certificate can
 * resume the session another location authenticated with its certificate (reproduced on
 * 1.22.1; also 3scale/APIcast PR #610).
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_session_reuse
 */
import { clientIdentityKey, isOn, type RequestPath, type UpstreamTarget } from '../../model/effectiveConfig';
import { focusOf } from '../analysisFocus';
import type { Finding, Fix, RuleMeta } from '../finding';
import { sharedMessage, type RuleContext, type RuleFamily } from '../ruleContext';
import { insertAfter } from '../fixes/textEdits';
import { argRange, describePath } from './tlsRuleSupport';
import { unreadBut, UPSTREAM_VERIFY_SWITCHES } from '../unreadArguments';
import { PATHS_ACROSS_SERVERS } from '../crossServerNames';

const RULES: RuleMeta[] = [
  { code: 'tls.session-reuse-identity-leak', category: 'tls', severity: 'warning', title: 'TLS sessions shared between different client identities', nginxRefuses: false, preferredFix: true },
];

/** Related locations listed per finding (the message gives the full count). */
const MAX_RELATED = 5;

const DEFAULT_PORTS: Record<string, string> = { https: '443', grpcs: '443' };

/**
 * The upstream a path's sessions are cached on: an upstream block, or the implicit host:port one.
 * Kept per target object, which a path made again for a changed setting shares with the one it
 * replaces: typing into an http-level setting regroups the tree's 4,000 paths at each keystroke.
 */
function upstreamKey(path: RequestPath): string | undefined {
  let key = upstreamKeys.get(path.target);
  if (key === undefined) {
    key = computeUpstreamKey(path) ?? null;
    upstreamKeys.set(path.target, key);
  }
  return key ?? undefined;
}

/** upstreamKey() by target (null: none); a target belongs to the paths of one pass statement, so of one family. */
const upstreamKeys = new WeakMap<UpstreamTarget, string | null>();

function computeUpstreamKey(path: RequestPath): string | undefined {
  const t = path.target;
  if (t.hasVariable || t.isUnix) return undefined;
  if (t.upstreamBlock) return `${path.family}:block:${t.host.toLowerCase()}`;
  const port = t.port ?? DEFAULT_PORTS[t.scheme ?? ''];
  if (!port) return undefined;
  return `${path.family}:${t.host.toLowerCase()}:${port}`;
}

/** The upstream whose cached sessions a path reuses, when it reuses them. */
function reusingUpstream(path: RequestPath): string | undefined {
  return path.tls !== true || path.incomplete || !isOn(path.ssl('session_reuse')) ? undefined : upstreamKey(path);
}

function reuseOffFix(path: RequestPath): Fix {
  const reuse = path.ssl('session_reuse');
  const ownNode = reuse.nodes.find((n) => n.parent === path.block);
  const edit = ownNode && ownNode.directive.args[0]
    ? { file: ownNode.file.path, start: ownNode.directive.args[0].start, end: ownNode.directive.args[0].end, newText: 'off' }
    : insertAfter(path.pass, [`${path.prefix}session_reuse off;`]);
  return { title: `Do not reuse TLS sessions here (${path.prefix}session_reuse off)`, safe: true, preferred: true, edits: [edit] };
}

function summary(path: RequestPath): string {
  const cert = path.ssl('certificate');
  const verify = isOn(path.ssl('verify')) ? 'verify on' : 'verify off';
  return `${cert.isDefault ? 'no client certificate' : `client certificate ${cert.args[0]}`}, ${verify}`;
}

/** The first MAX_RELATED paths of a group whose identity is not `key`, in the group's order. */
function firstOthers(paths: readonly RequestPath[], keys: ReadonlyMap<RequestPath, string>, key: string): RequestPath[] {
  const others: RequestPath[] = [];
  for (let at = 0; at < paths.length && others.length < MAX_RELATED; at++) if (keys.get(paths[at]) !== key) others.push(paths[at]);
  return others;
}

export const sessionReuseRules: RuleFamily = {
  name: 'session-reuse',
  rules: RULES,
  argumentsUnread: unreadBut('proxy_ssl_verify', 'grpc_ssl_verify', 'uwsgi_ssl_verify'),
  // As clientIdentityKey() and summary() read it.
  argumentsReadAsSwitch: UPSTREAM_VERIFY_SWITCHES,
  serverLocalUnless: PATHS_ACROSS_SERVERS,
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const focus = focusOf(context);
    const wanted = focus.wanted;
    // Groups are kept per tree and compared as a whole, but only groups with a pass statement
    // in a checked file can get findings.
    const byUpstream = focus.pathGroups('session-reuse-upstream', reusingUpstream);
    let groups: Iterable<readonly RequestPath[]>;
    if (focus.whole) {
      groups = byUpstream.values();
    } else {
      const keys = new Set<string>();
      for (const path of focus.paths()) {
        const key = wanted.has(path.pass.file.path) ? reusingUpstream(path) : undefined;
        if (key !== undefined) keys.add(key);
      }
      groups = [...keys].map((key) => byUpstream.get(key) ?? []);
    }
    const summaries = new Map<RequestPath, string>();
    const summaryOf = (path: RequestPath): string => {
      let text = summaries.get(path);
      if (text === undefined) {
        text = summary(path);
        summaries.set(path, text);
      }
      return text;
    };
    for (const paths of groups) {
      // Only the statements being checked get findings (those of the checked files, or of the
      // server checked again: RuleContext.within); the whole group is still compared.
      if (!paths.some((p) => focus.touchesNode(p.pass))) continue;
      const keys = new Map(paths.map((p) => [p, clientIdentityKey(p)]));
      // How many paths of the group have each identity: a path's others are the rest, counted
      // without a list per path (a group of 2,000 paths made 4 million comparisons).
      const sharing = new Map<string, number>();
      for (const key of keys.values()) sharing.set(key, (sharing.get(key) ?? 0) + 1);
      if (sharing.size < 2) continue;
      for (const path of paths) {
        if (!focus.touchesNode(path.pass)) continue;
        const key = keys.get(path) as string;
        const others = paths.length - (sharing.get(key) as number);
        findings.push({
          code: 'tls.session-reuse-identity-leak', file: path.pass.file.path, ...argRange(path.pass),
          message: sharedMessage(context, `${describePath(path)} (${summaryOf(path)}) shares cached TLS sessions for ${path.pass.directive.args[0].value} with ${others} other block(s) that use a different client certificate or verification: a resumed session carries the other location's identity and verification result. Use a separate upstream {} block per identity, or turn ${path.prefix}session_reuse off.`),
          related: context.reportOnly ? undefined : firstOthers(paths, keys, key).map((o) => ({ file: o.pass.file.path, ...argRange(o.pass), message: `same upstream, ${summaryOf(o)}` })),
          fixes: context.reportOnly ? undefined : [reuseOffFix(path)],
        });
      }
    }
    return findings;
  },
};
