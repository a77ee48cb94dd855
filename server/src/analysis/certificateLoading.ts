/**
 * When nginx opens a certificate or key file, decided from the certificate lists the pairing
 * rules judge (certificateLists), so that both rule families agree on what nginx loads:
 * - `startup`: a server or TLS path loads it while the configuration is loaded (nginx -t
 *   opens it).
 * - `handshake`: a certificate or key of the same list has a variable, so nginx compiles the
 *   whole list and opens the files during each handshake (ngx_http_ssl_compile_certificates;
 *   the proxy modules likewise per request). nginx -t does not open them.
 * - `unused`: the list would be loaded, but no TLS upstream uses it yet.
 * - `if-inherited`: an ssl_certificate written at the http or stream level of a file checked on
 *   its own, that no server in view takes: nginx opens it only for the servers that inherit it,
 *   and those (if any) are in files not in view. nginx -t passes while none does (measured).
 * - `never`: no list loads the statement: a key beyond the last certificate (nginx pairs key i
 *   with certificate i and ignores the rest) or an http/stream-level pair every server replaces
 *   (nginx loads certificates per server after the merge, never for the http level itself).
 * Measured with nginx 1.22.1 -t: missing files in each of these cases pass, and a missing
 * http-level pair that one server inherits fails.
 */
import type { ConfigNode } from '../model/configTree';
import { certificateLists, underHttpOrStream, type CertificateList } from './certificateLists';
import type { RuleContext } from './ruleContext';

export type LoadTime = 'startup' | 'handshake' | 'unused' | 'if-inherited' | 'never';

export interface CertificateLoad {
  when: LoadTime;
  /** For `handshake`: the statement with the variable; for `never` of a key: the list it is beyond. */
  because?: ConfigNode;
}

/** Stronger decisions win when a statement is in several lists: one server loading it at startup is enough for nginx -t to open it. */
const RANK: Record<LoadTime, number> = { startup: 3, handshake: 2, unused: 1, 'if-inherited': 1, never: 0 };

const cache = new WeakMap<RuleContext, Map<ConfigNode, CertificateLoad>>();

/** How nginx loads each certificate and key statement of the lists of this analysis. */
function loadsOf(context: RuleContext): Map<ConfigNode, CertificateLoad> {
  let loads = cache.get(context);
  if (loads) return loads;
  loads = new Map();
  const note = (node: ConfigNode, load: CertificateLoad): void => {
    const known = (loads as Map<ConfigNode, CertificateLoad>).get(node);
    if (!known || RANK[load.when] > RANK[known.when]) (loads as Map<ConfigNode, CertificateLoad>).set(node, load);
  };
  for (const list of certificateLists(context)) {
    const variable = [...list.certs, ...list.keys].find((n) => n.directive.args[0]?.hasVariable === true);
    const when: LoadTime = !list.loads ? (list.family === 'ssl' ? 'if-inherited' : 'unused') : variable ? 'handshake' : 'startup';
    for (const cert of list.certs) note(cert, { when, because: variable });
    list.keys.forEach((key, i) => note(key, i < list.certs.length ? { when, because: variable } : { when: 'never', because: lastCertificate(list) }));
  }
  cache.set(context, loads);
  return loads;
}

function lastCertificate(list: CertificateList): ConfigNode {
  return list.certs[list.certs.length - 1];
}

/**
 * How nginx loads the certificate or key written at `node`; undefined when no list holds it
 * and the configuration is not complete (a snippet whose servers are elsewhere), so the
 * caller keeps its own judgement.
 */
export function certificateLoad(node: ConfigNode, context: RuleContext): CertificateLoad | undefined {
  const known = loadsOf(context).get(node);
  if (known) return known;
  // In a configuration read from its main file, an http or stream statement no server or path
  // takes is never loaded (mail servers are not modelled: left to the caller).
  return context.tree.rootContext === 'main' && underHttpOrStream(node) ? { when: 'never' } : undefined;
}
