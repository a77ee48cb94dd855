/**
 * The certificate lists nginx loads: for each server (ssl_*) or TLS request path
 * (proxy_ssl_*, grpc_ssl_*, uwsgi_ssl_*), the effective certificate and key statements after
 * inheritance. nginx inherits the certificate array and the key array separately
 * (ngx_conf_merge_ptr_value on each, in 1.22.1 as on HEAD), so a server may pair the http
 * level's certificates with its own keys. Servers that inherit the same statements share
 * one list: it is judged once.
 */
import type { ConfigNode } from '../model/configTree';
import { effective, type EffectiveValue } from '../model/effectiveConfig';
import { focusOf } from './analysisFocus';
import type { RuleContext } from './ruleContext';
import { effectiveOptions } from './rules/tlsRuleSupport';
import { TLS_FAMILIES, type TlsFamily } from './tlsFileReferences';

export interface CertificateList {
  family: TlsFamily;
  certs: readonly ConfigNode[];
  keys: readonly ConfigNode[];
  /** The servers or blocks that load this list (empty for a list judged where it is written). */
  users: readonly ConfigNode[];
  /** False when nothing loads the list yet (a proxy_ssl_certificate no TLS upstream uses). */
  loads: boolean;
}

function written(value: EffectiveValue): readonly ConfigNode[] {
  return value.isDefault ? [] : value.nodes;
}

const listsOfAnalysis = new WeakMap<RuleContext, CertificateList[]>();

/** Every list of the tree whose findings can land in the checked files (once per analysis: two rule families ask). */
export function certificateLists(context: RuleContext): CertificateList[] {
  let lists = listsOfAnalysis.get(context);
  if (!lists) {
    lists = computeLists(context);
    listsOfAnalysis.set(context, lists);
  }
  return lists;
}

function computeLists(context: RuleContext): CertificateList[] {
  const focus = focusOf(context);
  const lists = new Map<string, CertificateList>();
  const ids = new Map<ConfigNode, number>();
  const idOf = (node: ConfigNode): number => {
    let id = ids.get(node);
    if (id === undefined) {
      id = ids.size;
      ids.set(node, id);
    }
    return id;
  };
  const add = (family: TlsFamily, certs: readonly ConfigNode[], keys: readonly ConfigNode[], user: ConfigNode | undefined, loads: boolean): void => {
    if (certs.length === 0) return;
    const id = `${family} ${certs.map(idOf).join(',')} / ${keys.map(idOf).join(',')}`;
    const known = lists.get(id);
    if (known) {
      if (user) (known.users as ConfigNode[]).push(user);
      known.loads ||= loads;
      return;
    }
    lists.set(id, { family, certs, keys, users: user ? [user] : [], loads });
  };
  for (const family of ['http', 'stream'] as const) {
    for (const scope of focus.touchedScopes(family)) {
      add('ssl', written(scope.get('ssl_certificate')), written(scope.get('ssl_certificate_key')), scope.node, true);
    }
  }
  for (const path of focus.paths()) {
    if (path.tls === false) continue;
    // These are single values: nginx refuses a second one at a level ("is duplicate").
    add(path.prefix.slice(0, -1) as TlsFamily, written(path.ssl('certificate')).slice(0, 1), written(path.ssl('certificate_key')).slice(0, 1), path.block, true);
  }
  // Certificates no server or TLS path loads: an upstream client certificate kept for later,
  // or a snippet whose servers are elsewhere. Judged where they are written, as nginx would
  // load them once something uses them. An http-level list that every server of a complete
  // configuration replaces is never loaded and is left alone.
  const covered = new Set([...lists.values()].flatMap((list) => list.certs));
  const options = effectiveOptions(context);
  for (const family of TLS_FAMILIES) {
    for (const cert of focus.touchedNamed(`${family}_certificate`)) {
      if (covered.has(cert)) continue;
      if (family === 'ssl' && context.tree.rootContext === 'main' && underHttpOrStream(cert)) continue;
      const certs = effective(cert, `${family}_certificate`, context.tree, options);
      const keys = effective(cert, `${family}_certificate_key`, context.tree, options);
      const certNodes = certs.isDefault ? [cert] : written(certs);
      // nginx loads server certificates per server after the merge: one written at the http or
      // stream level of a snippet is opened only if some server (in other files) inherits it.
      const loads = family === 'ssl' && !httpOrStreamLevel(cert);
      add(family, family === 'ssl' ? certNodes : certNodes.slice(0, 1), family === 'ssl' ? written(keys) : written(keys).slice(0, 1), undefined, loads);
    }
  }
  return [...lists.values()];
}

/** True for a statement written directly at the http or stream level (of the main block or of a snippet checked in that context). */
function httpOrStreamLevel(node: ConfigNode): boolean {
  return node.context === 'http' || node.context === 'stream';
}

/** True for a statement inside the main http or stream block. */
export function underHttpOrStream(node: ConfigNode): boolean {
  for (let n = node.parent; n; n = n.parent) {
    const name = n.directive.name;
    if ((name === 'http' || name === 'stream') && n.context === 'main') return true;
  }
  return false;
}
