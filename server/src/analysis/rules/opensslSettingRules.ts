/**
 * TLS settings nginx hands to OpenSSL when it builds a server's or an upstream's SSL context:
 * cipher strings (SSL_CTX_set_cipher_list), ssl_ecdh_curve (SSL_CTX_set1_curves_list) and
 * ssl_dhparam (PEM_read_bio_DHparams, SSL_CTX_set_tmp_dh), judged with Node's own OpenSSL
 * (certificates/opensslSettings.ts), plus the stapling warnings nginx prints while loading.
 *
 * nginx builds a server's context only when the server has a certificate or
 * ssl_reject_handshake on (ngx_http_ssl_merge_srv_conf in 1.22.1; a stream server also needs a
 * `listen ... ssl`), and an upstream's only where the path speaks TLS (proxy_pass https://,
 * grpcs://, suwsgi://, a variable, or stream proxy_ssl on). Measured with nginx 1.22.1 -t: a
 * bad value anywhere else passes, so it is reported as a note, not an error.
 */
import { X509Certificate } from 'node:crypto';
import { readRegularFileBounded } from '../../model/fileSystem';
import type { ConfigNode } from '../../model/configTree';
import type { RequestPath, ServerScope } from '../../model/effectiveConfig';
import {
  cipherListVerdict,
  cipherStringSecurityLevel,
  dhSecurityBits,
  groupListVerdict,
  readDhParameters,
  SECURITY_LEVEL_BITS,
} from '../../certificates/opensslSettings';
import type { CertificateInfo } from '../../certificates/certificateTypes';
import { INLINE_DATA_LABEL, isInlineData } from '../../certificates/inlineData';
import { focusOf } from '../analysisFocus';
import type { Finding, RuleMeta, Severity } from '../finding';
import { nginxRefuses } from '../nginxWording';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { nginxPrintedPath } from '../tlsFileReferences';
import { argRange, hasCertificate, relatedAt, statementRange } from './tlsRuleSupport';
import { unreadBut } from '../unreadArguments';

const RULES: RuleMeta[] = [
  { code: 'tls.cipher-list-no-match', category: 'tls', severity: 'error', title: 'Cipher string that selects no cipher', nginxRefuses: true },
  { code: 'tls.ecdh-curve-unknown', category: 'tls', severity: 'error', title: 'ssl_ecdh_curve names a group OpenSSL does not know', nginxRefuses: true },
  { code: 'tls.dhparam-unusable', category: 'tls', severity: 'error', title: 'ssl_dhparam file without DH parameters, or with a prime too small', nginxRefuses: true },
  { code: 'tls.stapling-ignored', category: 'tls', severity: 'warning', title: 'OCSP stapling that nginx ignores (no issuer or no responder URL)', nginxRefuses: false },
];

/** A setting nginx applies when it builds an SSL context, and who applies it. */
interface Applied {
  node: ConfigNode;
  /** The cipher string in effect next to it (its @SECLEVEL decides the DH size OpenSSL accepts). */
  ciphers?: string;
}

const APPLIED_SETTINGS = ['ssl_ciphers', 'ssl_ecdh_curve', 'ssl_dhparam'];

/**
 * The server-side settings of the servers that build an SSL context, by statement, and those
 * servers (`loading`, for the stapling checks: every one when `allLoading`). Without
 * `allLoading` the walk ends once each cipher, curve and DH statement of the checked files has
 * a server applying it: at the http level of nginx.conf the first server does.
 */
function serverSettings(context: RuleContext, allLoading: boolean): { applied: Map<ConfigNode, Applied>; loading: ServerScope[] } {
  const focus = focusOf(context);
  // By statement: the first server that applies it (thousands of servers each write their own).
  const applied = new Map<ConfigNode, Applied>();
  const loading: ServerScope[] = [];
  const unapplied = new Set(focus.nodes.filter((n) => APPLIED_SETTINGS.includes(n.directive.name)));
  for (const family of ['http', 'stream'] as const) {
    for (const scope of focus.serverScopes(family)) {
      if (!allLoading && unapplied.size === 0) return { applied, loading };
      if (!focus.touchesLevels(scope.levels) || !buildsContext(scope)) continue;
      loading.push(scope);
      const ciphers = scope.get('ssl_ciphers').args[0];
      for (const name of APPLIED_SETTINGS) {
        const node = scope.get(name).nodes[0];
        if (!node) continue;
        unapplied.delete(node);
        if (!applied.has(node)) applied.set(node, { node, ciphers });
      }
    }
  }
  return { applied, loading };
}

function buildsContext(scope: ServerScope): boolean {
  if (scope.family === 'stream') {
    return hasCertificate(scope) && scope.statements.some((s) => s.directive.name === 'listen' && s.directive.args.some((a) => a.value === 'ssl'));
  }
  return hasCertificate(scope) || scope.get('ssl_reject_handshake').args[0] === 'on';
}

/** The upstream cipher strings of every path that speaks TLS. */
function upstreamCiphers(context: RuleContext): ConfigNode[] {
  const nodes = new Set<ConfigNode>();
  for (const path of focusOf(context).paths() as readonly RequestPath[]) {
    if (path.tls === false) continue;
    const node = path.ssl('ciphers').nodes[0];
    if (node) nodes.add(node);
  }
  return [...nodes];
}

/** Severity and a sentence for a bad value nothing applies yet. */
function notApplied(context: RuleContext, what: string): { severity: Severity; note: string } {
  const complete = context.tree.rootContext === 'main';
  return {
    severity: complete ? 'information' : 'warning',
    note: complete
      ? ` nginx -t accepts it today only because ${what}; it fails as soon as one does.`
      : ` nginx applies it only where ${what.replace(/^no /, 'a ')}; there it fails.`,
  };
}

function cipherFinding(node: ConfigNode, applied: boolean, context: RuleContext): Finding | undefined {
  const arg = node.directive.args[0];
  if (!arg || arg.hasVariable) return undefined;
  const verdict = cipherListVerdict(arg.value);
  if (verdict.matches) return undefined;
  const name = node.directive.name;
  const wording = `SSL_CTX_set_cipher_list("${arg.value}") failed (SSL: error:0A0000B9:SSL routines::no cipher match)`;
  const tls13 = arg.value.split(/[:, ]+/).some((t) => t.startsWith('TLS_'))
    ? ' TLS 1.3 suite names (TLS_AES_…) do not count here: nginx hands this string to SSL_CTX_set_cipher_list, which selects TLS 1.2 ciphers only; TLS 1.3 suites are set with ssl_conf_command Ciphersuites.'
    : '';
  const range = argRange(node);
  if (!applied) {
    const { severity, note } = notApplied(context, name === 'ssl_ciphers' ? 'no server with a certificate uses it' : 'no TLS upstream uses it');
    return { code: 'tls.cipher-list-no-match', severity, file: node.file.path, ...range, message: `No cipher matches "${arg.value}" (OpenSSL: "no cipher match").${tls13}${note}` };
  }
  if (verdict.legacy) {
    return {
      code: 'tls.cipher-list-no-match', severity: 'warning', file: node.file.path, ...range,
      message: `The cipher string selects only suites that OpenSSL 3 no longer offers (it has RC4, DES, 3DES, IDEA, SEED or export suites): nginx linked with OpenSSL 3 refuses it with "${wording}"; an nginx linked with OpenSSL 1.1.1 may accept it, and those suites are weak anyway.`,
    };
  }
  return {
    code: 'tls.cipher-list-no-match', file: node.file.path, ...range, nginxRefuses: true,
    message: nginxRefuses(wording, `No cipher of OpenSSL ${process.versions.openssl} matches this string (checked with Node's OpenSSL).${tls13}`),
  };
}

function curveFinding(node: ConfigNode, applied: boolean, context: RuleContext): Finding | undefined {
  const arg = node.directive.args[0];
  if (!arg || arg.hasVariable) return undefined;
  const verdict = groupListVerdict(arg.value);
  if (verdict.unknown.length === 0 && !verdict.emptyElement) return undefined;
  const range = argRange(node);
  const first = verdict.unknown[0];
  const wording = first === undefined
    ? `SSL_CTX_set1_curves_list("${arg.value}") failed`
    : `SSL_CTX_set1_curves_list("${arg.value}") failed (SSL: error:0A080106:SSL routines::passed invalid argument:group '${first}' cannot be set)`;
  const explain = first === undefined
    ? 'The list has an empty entry (two colons in a row, or a colon at an end).'
    : `OpenSSL ${process.versions.openssl} knows no group named ${verdict.unknown.map((n) => `"${n}"`).join(', ')}, and one unknown name makes it refuse the whole list.${first === 'auto' || first === 'AUTO' ? ' Write "auto" alone, in lower case: it is nginx\'s own keyword.' : ''}`;
  if (verdict.newer.length === verdict.unknown.length && !verdict.emptyElement) {
    return {
      code: 'tls.ecdh-curve-unknown', severity: 'warning', file: node.file.path, ...range,
      message: `${verdict.newer.join(', ')} ${verdict.newer.length === 1 ? 'is' : 'are'} known only to newer OpenSSL releases (ML-KEM groups from 3.5): nginx linked with an older OpenSSL (Debian 12 has 3.0) refuses the whole list with "${wording}". Check the OpenSSL of the host with "nginx -V".`,
    };
  }
  if (!applied) {
    const { severity, note } = notApplied(context, 'no server with a certificate uses it');
    return { code: 'tls.ecdh-curve-unknown', severity, file: node.file.path, ...range, message: `${explain}${note}` };
  }
  return { code: 'tls.ecdh-curve-unknown', file: node.file.path, ...range, nginxRefuses: true, message: nginxRefuses(wording, explain) };
}

/** The DH parameters file as nginx resolves it, or undefined when other rules speak for it (missing, variable). */
function dhFinding(applied: Applied | undefined, node: ConfigNode, context: RuleContext): Finding | undefined {
  const arg = node.directive.args[0];
  if (!arg || arg.hasVariable || arg.value.startsWith('data:')) return undefined;
  const resolved = context.resolvePath(arg.value);
  const read = readRegularFileBounded(resolved, 1024 * 1024);
  // Missing, unreadable or huge files are the file rules' findings.
  if (!('bytes' in read)) return undefined;
  const nginxPath = nginxPrintedPath(arg.value, context);
  const params = readDhParameters(read.bytes.toString('latin1'));
  const range = argRange(node);
  const shown = resolved !== arg.value ? ` (file: ${resolved})` : '';
  if (!params) {
    const wording = `PEM_read_bio_DHparams("${nginxPath}") failed (SSL: error:0480006C:PEM routines::no start line:Expecting: DH PARAMETERS)`;
    const explain = `The file has no "BEGIN DH PARAMETERS" block${shown}. Generate one with: openssl dhparam -out ${arg.value} 2048 (or remove ssl_dhparam: the ECDHE suites need none).`;
    if (!applied) {
      const { severity, note } = notApplied(context, 'no server with a certificate uses it');
      return { code: 'tls.dhparam-unusable', severity, file: node.file.path, ...range, message: `${explain}${note}` };
    }
    return { code: 'tls.dhparam-unusable', file: node.file.path, ...range, nginxRefuses: true, message: nginxRefuses(wording, explain) };
  }
  if (params.bits === undefined) return undefined;
  const explicit = applied?.ciphers !== undefined ? cipherStringSecurityLevel(applied.ciphers) : undefined;
  const security = dhSecurityBits(params.bits);
  const wording = `SSL_CTX_set_tmp_dh("${nginxPath}") failed (SSL: error:0A00018A:SSL routines::dh key too small)`;
  const regenerate = `Generate 2048-bit parameters: openssl dhparam -out ${arg.value} 2048`;
  if (explicit === 0 && security < SECURITY_LEVEL_BITS[1]) {
    // Measured: nginx 1.22.1 on OpenSSL 3.0 refuses a 512-bit prime even at @SECLEVEL=0.
    return {
      code: 'tls.dhparam-unusable', severity: 'warning', file: node.file.path, ...range,
      message: `The DH prime has ${params.bits} bits${shown}. @SECLEVEL=0 does not make OpenSSL 3 accept it everywhere: nginx 1.22.1 with OpenSSL 3.0 still refuses a 512-bit prime with "${wording}". ${regenerate}.`,
    };
  }
  const level = explicit ?? 1;
  if (security < SECURITY_LEVEL_BITS[level]) {
    const explain = `The DH prime has ${params.bits} bits${shown}, below what OpenSSL accepts at security level ${level}${explicit === undefined ? ' (the lowest default of any OpenSSL 3 system)' : ' (set by @SECLEVEL in ssl_ciphers)'}. ${regenerate}.`;
    if (!applied) {
      const { severity, note } = notApplied(context, 'no server with a certificate uses it');
      return { code: 'tls.dhparam-unusable', severity, file: node.file.path, ...range, message: `${explain}${note}` };
    }
    return { code: 'tls.dhparam-unusable', file: node.file.path, ...range, nginxRefuses: true, message: nginxRefuses(wording, explain) };
  }
  // Between level 1 and level 2: the system's openssl.cnf decides (Debian, Ubuntu and RHEL use level 2).
  if (explicit === undefined && security < SECURITY_LEVEL_BITS[2]) {
    return {
      code: 'tls.dhparam-unusable', severity: 'warning', file: node.file.path, ...range,
      message: `The DH prime has ${params.bits} bits${shown}. Where OpenSSL runs at security level 2 (the default of Debian, Ubuntu and RHEL) nginx refuses it with "${wording}"; at level 1 it loads, but ${params.bits}-bit DH is breakable. ${regenerate}.`,
    };
  }
  return undefined;
}

/** Whether `issuer` issued `cert`, by signature and names (X509Certificate.checkIssued). */
function issues(issuer: CertificateInfo, cert: CertificateInfo): boolean {
  try {
    return new X509Certificate(Buffer.from(cert.derBase64, 'base64')).checkIssued(new X509Certificate(Buffer.from(issuer.derBase64, 'base64')));
  } catch {
    return false;
  }
}

function hasOcspUrl(cert: CertificateInfo): boolean | undefined {
  try {
    const access = new X509Certificate(Buffer.from(cert.derBase64, 'base64')).infoAccess ?? '';
    return /OCSP - URI:/.test(access);
  } catch {
    return undefined;
  }
}

/** Certificates of a PEM file nginx reads for stapling, or undefined when other rules speak for it. */
async function certificatesOf(node: ConfigNode, context: RuleContext): Promise<CertificateInfo[] | undefined> {
  const arg = node.directive.args[0];
  if (!arg || arg.hasVariable || /^(engine|store):/.test(arg.value)) return undefined;
  // Inline PEM (data:) is inspected from the value itself.
  const inspected = await context.inspect(isInlineData(arg.value) ? arg.value : context.resolvePath(arg.value));
  return inspected.kind === 'pem' && inspected.certificates.length > 0 ? inspected.certificates : undefined;
}

/**
 * `ssl_stapling on` where nginx finds no issuer certificate (in the certificate file after the
 * leaf, or in the CA files loaded into the context's store) or no OCSP responder URL: nginx
 * prints a warning without a file position and serves without stapling
 * (ngx_ssl_stapling_issuer, ngx_ssl_stapling_responder in 1.22.1).
 */
async function staplingFindings(scopes: readonly ServerScope[], context: RuleContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const focus = focusOf(context);
  for (const scope of scopes) {
    if (scope.family !== 'http') continue;
    const stapling = scope.get('ssl_stapling');
    const on = stapling.nodes[0];
    if (!on || stapling.args[0] !== 'on' || !scope.get('ssl_stapling_file').isDefault) continue;
    const responder = !scope.get('ssl_stapling_responder').isDefault;
    const stores: CertificateInfo[] = [];
    const verify = scope.get('ssl_verify_client').args[0];
    const storeNodes = [scope.get('ssl_trusted_certificate').nodes[0], verify !== undefined && verify !== 'off' ? scope.get('ssl_client_certificate').nodes[0] : undefined];
    let storeUnknown = false;
    for (const storeNode of storeNodes) {
      if (!storeNode) continue;
      const certs = await certificatesOf(storeNode, context);
      if (certs) stores.push(...certs);
      else storeUnknown = true;
    }
    for (const certNode of scope.get('ssl_certificate').nodes) {
      const key = `${on.file.path}:${on.directive.start}:${certNode.file.path}:${certNode.directive.start}`;
      if (seen.has(key) || !(focus.touchesNode(on) || focus.touchesNode(certNode))) continue;
      seen.add(key);
      const chain = await certificatesOf(certNode, context);
      if (!chain) continue;
      const leaf = chain[0];
      const written = certNode.directive.args[0].value;
      const nginxName = isInlineData(written) ? INLINE_DATA_LABEL : nginxPrintedPath(written, context);
      const related = context.reportOnly ? undefined : [relatedAt(certNode, 'the certificate')];
      const issuerFound = chain.slice(1).some((c) => issues(c, leaf)) || stores.some((c) => issues(c, leaf));
      if (!issuerFound) {
        if (storeUnknown) continue;
        findings.push({
          code: 'tls.stapling-ignored', file: on.file.path, ...statementRange(on), related,
          message: `nginx warns: "ssl_stapling" ignored, issuer certificate not found for certificate "${nginxName}". ${leaf.selfSigned
            ? 'The certificate is self-signed: no CA answers OCSP requests for it, so turn ssl_stapling off here.'
            : `Neither the certificate file (after the leaf) nor ssl_trusted_certificate holds the certificate of "${leaf.issuer}", so nginx cannot ask for OCSP responses. Append the intermediate CA certificate to the certificate file, or name it in ssl_trusted_certificate.`}`,
        });
        continue;
      }
      if (!responder && hasOcspUrl(leaf) === false) {
        findings.push({
          code: 'tls.stapling-ignored', file: on.file.path, ...statementRange(on), related,
          message: `nginx warns: "ssl_stapling" ignored, no OCSP responder URL in the certificate "${nginxName}". The certificate has no Authority Information Access OCSP entry, so stapling does nothing; set ssl_stapling_responder, or turn ssl_stapling off (several CAs, Let's Encrypt among them, no longer run OCSP).`,
        });
      }
    }
  }
  return findings;
}

/** The statements whose findings need the servers' settings: those serverSettings() collects, and ssl_stapling, where stapling findings land. */
const SERVER_SETTINGS = [...APPLIED_SETTINGS, 'ssl_stapling'];
const UPSTREAM_CIPHERS = ['proxy_ssl_ciphers', 'grpc_ssl_ciphers', 'uwsgi_ssl_ciphers'];

export const opensslSettingRules: RuleFamily = {
  name: 'openssl-settings',
  rules: RULES,
  argumentsUnread: unreadBut('ssl_ciphers', 'proxy_ssl_ciphers', 'grpc_ssl_ciphers', 'uwsgi_ssl_ciphers', 'ssl_ecdh_curve', 'ssl_stapling', 'ssl_trusted_certificate'),
  // The stapling checks look for the issuer among the certificates of the context's CA files.
  argumentsReadAsCertificates: new Set(['ssl_trusted_certificate', 'ssl_client_certificate']),
  // A setting in a server is applied by that server (and judged by it); one at the http or stream
  // level by the servers below, which pass it on.
  serverLocal: true,
  async run(context: RuleContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    const focus = focusOf(context);
    // Findings land on the cipher, curve and DH statements of the checked files, and on their
    // ssl_stapling statements: the servers are read only when the checked files write one (an
    // http-level keystroke in nginx.conf reaches every server).
    const { applied, loading } = SERVER_SETTINGS.some(focus.writes) ? serverSettings(context, focus.writes('ssl_stapling')) : { applied: new Map<ConfigNode, Applied>(), loading: [] };
    const upstream = new Set(UPSTREAM_CIPHERS.some(focus.writes) ? upstreamCiphers(context) : []);
    const nodes = focus.nodes;
    for (let at = 0; at < nodes.length; at++) {
      const node = nodes[at];
      if (node.context === 'custom-body') continue;
      const name = node.directive.name;
      let finding: Finding | undefined;
      if (/^(ssl|proxy_ssl|grpc_ssl|uwsgi_ssl)_ciphers$/.test(name)) {
        finding = cipherFinding(node, name === 'ssl_ciphers' ? applied.has(node) : upstream.has(node), context);
      } else if (name === 'ssl_ecdh_curve') {
        finding = curveFinding(node, applied.has(node), context);
      } else if (name === 'ssl_dhparam') {
        finding = dhFinding(applied.get(node), node, context);
      }
      if (finding) findings.push(finding);
    }
    if (focus.writes('ssl_stapling')) findings.push(...await staplingFindings(loading, context));
    return findings;
  },
};
