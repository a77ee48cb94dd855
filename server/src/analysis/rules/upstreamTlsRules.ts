/**
 * TLS towards upstreams: proxy_pass https:// / grpc_pass grpcs:// / uwsgi_pass suwsgi:// and
 * stream `proxy_ssl on`. nginx does not verify upstream certificates unless told to
 * (`proxy_ssl_verify off` by default), checks the name of `proxy_ssl_name` (default: the host
 * of proxy_pass, i.e. the upstream block name), and sends SNI only with
 * `proxy_ssl_server_name on`. https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_verify
 */
import type { ConfigNode } from '../../model/configTree';
import { effective, isOn, isOnWord, levelsFor, levelsIncomplete, type EffectiveValue, type RequestPath } from '../../model/effectiveConfig';
import { focusOf, type AnalysisFocus } from '../analysisFocus';
import { placeInBlock } from '../findingPlacement';
import type { Finding, Fix, RuleMeta } from '../finding';
import { nginxRefuses } from '../nginxWording';
import { sharedMessage, type FindingDetail, type RuleContext, type RuleFamily } from '../ruleContext';
import { insertAfter, quoteArg } from '../fixes/textEdits';
import { matchingKeyFor } from '../fixes/matchingKey';
import { issuingCaFileFor } from '../fixes/issuingCa';
import { localPeerCertificates, mayAnswerUpstreams, upstreamNameKind, type LocalPeerCertificate } from './upstreamPeers';
import { argRange, describePath, effectiveOptions, relatedAt, statementRange } from './tlsRuleSupport';
import { unreadBut, UPSTREAM_VERIFY_SWITCHES } from '../unreadArguments';
import { UPSTREAM_PEERS_ACROSS_SERVERS } from '../crossServerNames';

const RULES: RuleMeta[] = [
  { code: 'tls.upstream-unverified', category: 'tls', severity: 'warning', title: 'Upstream TLS certificate is not verified', nginxRefuses: false, preferredFix: true },
  { code: 'tls.upstream-verify-no-ca', category: 'tls', severity: 'error', title: 'Upstream verification without trusted CA certificates', nginxRefuses: true },
  { code: 'mtls.client-cert-not-sent', category: 'mtls', severity: 'error', title: 'Upstream client certificate without key, or key without certificate', nginxRefuses: true, preferredFix: true },
  { code: 'tls.upstream-name-mismatch', category: 'tls', severity: 'error', title: 'Upstream certificate name cannot match', nginxRefuses: false, preferredFix: true },
];

/** The trust directive nginx names in its message for each module. */
function moduleName(path: RequestPath): string {
  return path.prefix.replace(/_ssl_$/, '');
}

/**
 * Turns verification on. The CA: the configured one; else the CA file that issued a local
 * peer's certificate when the workspace has it; else the system bundle, preferred only for a
 * name a public CA can certify (a private upstream's certificate would fail against it).
 */
async function verifyFixes(context: RuleContext, path: RequestPath): Promise<Fix[]> {
  const trusted = path.ssl('trusted_certificate');
  const statements = [`${path.prefix}verify on;`];
  let title = `Verify the upstream certificate against ${trusted.args[0]} (${path.prefix}verify on)`;
  let preferred = true;
  if (trusted.isDefault) {
    const name = verifiedName(path);
    const ca = name ? await localIssuingCa(context, path, name) : undefined;
    if (ca) {
      statements.push(`${path.prefix}trusted_certificate ${quoteArg(ca)};`);
      title = `Verify the upstream certificate against ${ca}, the CA of its certificate (${path.prefix}verify on)`;
    } else {
      statements.push(`${path.prefix}trusted_certificate /etc/ssl/certs/ca-certificates.crt;`);
      title = `Verify the upstream certificate (${path.prefix}verify on + the system CA bundle; adjust the CA file)`;
      preferred = name !== undefined && !path.target.isIp && upstreamNameKind(name) === 'public-dns';
    }
  }
  // Verifying a name without sending it as SNI is reported by nameChecks: the fix must not leave that behind.
  if (!isOn(path.ssl('server_name'))) statements.push(`${path.prefix}server_name on;`);
  return [{ title, safe: false, preferred, edits: [insertAfter(path.pass, statements)] }];
}

/** The name nginx checks in the upstream's certificate (proxy_ssl_name, else the pass host), without port. */
function verifiedName(path: RequestPath): string | undefined {
  const sslName = path.ssl('name');
  const name = sslName.isDefault ? path.target.host : sslName.args[0];
  return name && !name.includes('$') ? name.replace(/:\d+$/, '') : undefined;
}

async function localIssuingCa(context: RuleContext, path: RequestPath, name: string): Promise<string | undefined> {
  for (const peer of await localPeerCertificates(context, path, name)) {
    const ca = await issuingCaFileFor(context, peer.written);
    if (ca) return ca;
  }
  return undefined;
}

async function upstreamUnverified(context: RuleContext, path: RequestPath): Promise<Finding | undefined> {
  if (path.tls !== true) return undefined;
  const verify = path.ssl('verify');
  if (isOn(verify)) return undefined;
  const cert = path.ssl('certificate');
  const sendsClientCert = !cert.isDefault && cert.args[0] !== '';
  const trusted = path.ssl('trusted_certificate');
  const what = path.module === 'stream-proxy' ? 'This stream server connects with TLS' : `${describePath(path)} connects with TLS`;
  let message = `${what} but never checks the upstream's certificate (${path.prefix}verify is ${verify.isDefault ? 'off by default' : 'off'}): anyone who can intercept the connection can impersonate the upstream.`;
  if (!trusted.isDefault) message += ` ${path.prefix}trusted_certificate ${trusted.args[0]} is configured but unused while verification is off.`;
  if (sendsClientCert) message += ` The client certificate ${cert.args[0]} is presented to an unauthenticated peer.`;
  return {
    code: 'tls.upstream-unverified',
    severity: sendsClientCert ? 'error' : 'warning',
    file: path.pass.file.path, ...argRange(path.pass),
    message: sharedMessage(context, message),
    fixes: context.reportOnly ? undefined : await verifyFixes(context, path),
    related: context.reportOnly ? undefined : trusted.nodes[0] ? [relatedAt(trusted.nodes[0], 'trusted CA configured here')] : undefined,
  };
}

async function clientCertPairs(context: RuleContext, path: RequestPath, findings: Finding[]): Promise<void> {
  const cert = path.ssl('certificate');
  const key = path.ssl('certificate_key');
  const certSet = !cert.isDefault && cert.args[0] !== undefined && cert.args[0] !== '';
  const keySet = !key.isDefault && key.args[0] !== undefined && key.args[0] !== '';
  if (certSet && !keySet) {
    // nginx loads the client certificate only where the connection uses TLS (ngx_http_proxy_set_ssl),
    // which is the only place this is called from.
    const node = cert.nodes[0];
    findings.push({
      code: 'mtls.client-cert-not-sent', file: node.file.path, ...statementRange(node), nginxRefuses: true,
      message: nginxRefuses(`no "${path.prefix}certificate_key" is defined for certificate "${cert.args[0]}"`,
        `Add ${path.prefix}certificate_key with the private key of this certificate.`),
      fixes: context.reportOnly ? undefined : await missingKeyFixes(context, path, node),
    });
  } else if (keySet && !certSet) {
    const node = key.nodes[0];
    findings.push({
      code: 'mtls.client-cert-not-sent', file: node.file.path, ...statementRange(node),
      message: `${path.prefix}certificate_key without ${path.prefix}certificate: nginx silently sends no client certificate, so an upstream that requires one answers 400 "No required SSL certificate was sent".`,
    });
  }
}

/** The missing key line, when the certificate's folder holds exactly one key that matches it. */
async function missingKeyFixes(context: RuleContext, path: RequestPath, certNode: ConfigNode): Promise<Fix[] | undefined> {
  const key = await matchingKeyFor(context, certNode.directive.args[0].value);
  if (!key) return undefined;
  return [{ title: `Add the matching key (${path.prefix}certificate_key ${key})`, safe: false, preferred: true, edits: [insertAfter(certNode, [`${path.prefix}certificate_key ${quoteArg(key)};`])] }];
}

function verifyWithoutCa(context: FindingDetail, path: RequestPath, findings: Finding[], covered: Set<ConfigNode>): void {
  const verify = path.ssl('verify');
  if (!isOn(verify) || path.tls === false) return;
  const node = verify.nodes[0];
  covered.add(node);
  if (!path.ssl('trusted_certificate').isDefault) return;
  const mod = moduleName(path);
  findings.push({
    code: 'tls.upstream-verify-no-ca', file: node.file.path, ...statementRange(node), nginxRefuses: true,
    message: nginxRefuses(`no ${mod}_ssl_trusted_certificate for ${mod}_ssl_verify`,
      `${describePath(path)} verifies the upstream but names no CA file to verify against.`),
    fixes: context.reportOnly ? undefined : [{
      title: `Add ${mod}_ssl_trusted_certificate (system CA bundle; adjust the path)`, safe: false,
      edits: [insertAfter(node, [`${mod}_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;`])],
    }],
  });
}

/**
 * Verify on where nothing evaluates it: nginx accepts it, but a TLS location added later fails.
 * A path that evaluates a wanted verify statement inherits from its level, so it is among
 * the focused paths and `covered` knows it.
 */
function unusedVerifyWithoutCa(context: RuleContext, covered: Set<ConfigNode>, findings: Finding[]): void {
  const options = effectiveOptions(context);
  const nodes = focusOf(context).nodes;
  for (let at = 0; at < nodes.length; at++) {
    const node = nodes[at];
    const name = node.directive.name;
    if (!VERIFY_DIRECTIVE.test(name) || covered.has(node)) continue;
    if (!isOnWord(node.directive.args[0]?.value)) continue;
    if (node.context === 'if-in-location' || node.context === 'if-in-server' || node.context === 'limit_except') continue;
    const mod = name.replace(/_ssl_verify$/, '');
    const trusted = effective(node, `${mod}_ssl_trusted_certificate`, context.tree, options);
    if (!trusted.isDefault || levelsIncomplete(levelsFor(node, context.tree))) continue;
    if (node.context === 'stream-server' || node.context === 'stream') {
      if (!isOn(effective(node, 'proxy_ssl', context.tree, options))) continue;
    }
    findings.push({
      code: 'tls.upstream-verify-no-ca', severity: 'warning', file: node.file.path, ...statementRange(node),
      message: `${name} on without ${mod}_ssl_trusted_certificate: no TLS upstream uses it yet, but nginx refuses the configuration ("no ${mod}_ssl_trusted_certificate for ${name}") as soon as one does.`,
    });
  }
}

const VERIFY_DIRECTIVE = /^(proxy|grpc|uwsgi)_ssl_verify$/;

/** True when nginx checks the upstream certificate's name on this path. */
function checksName(path: RequestPath): boolean {
  return path.tls === true && isOn(path.ssl('verify'));
}

async function nameChecks(context: RuleContext, path: RequestPath, findings: Finding[]): Promise<void> {
  if (!checksName(path)) return;
  const sslName = path.ssl('name');
  const target = path.target;
  const checkName = sslName.isDefault ? target.host : sslName.args[0];
  if (!checkName || checkName.includes('$')) return;
  const hostOnly = checkName.replace(/:\d+$/, '');
  // A peer served from this tree is checked against its real certificate, whatever the name.
  const peers = await localPeerCertificates(context, path, hostOnly);
  const mismatch = peers.find((p) => !p.covers);
  if (mismatch) findings.push(localMismatch(context, path, hostOnly, mismatch));
  else if (peers.length === 0 && sslName.isDefault) {
    const guess = unknownPeerName(context, path);
    if (guess) {
      findings.push(guess);
      return;
    }
  }
  // SNI matters for name-based upstreams: without it they present their default certificate.
  const serverNameDirective = path.ssl('server_name');
  if (!isOn(serverNameDirective) && !target.isIp && !/^\d/.test(hostOnly)) {
    const anchor = sslName.nodes[0] ?? path.pass;
    findings.push({
      code: 'tls.upstream-name-mismatch', severity: 'information', file: anchor.file.path, ...argRange(anchor),
      message: `nginx verifies the name "${hostOnly}" but sends no SNI (${path.prefix}server_name is off): an upstream that hosts several names presents its default certificate, which may not match. Turn ${path.prefix}server_name on.`,
      fixes: context.reportOnly ? undefined : [{ title: `Send SNI (${path.prefix}server_name on)`, safe: false, preferred: true, edits: [insertAfter(anchor, [`${path.prefix}server_name on;`])] }],
    });
  }
  hostHeaderCheck(context, path, hostOnly, findings);
}

/**
 * No *_ssl_name and no peer whose certificate we can read: nginx verifies the upstream block
 * name or the IP address of the pass target. A registered DNS name is what certificates carry
 * (the usual way to name an upstream after its host), so it says nothing; a name only a
 * private CA could issue may still be in the upstream's certificate, so that is information.
 */
function unknownPeerName(context: FindingDetail, path: RequestPath): Finding | undefined {
  const target = path.target;
  const passFile = path.pass.file.path;
  if (target.upstreamBlock) {
    if (upstreamNameKind(target.host) === 'public-dns') return undefined;
    const candidates = upstreamServerNames(target.upstreamBlock);
    return {
      code: 'tls.upstream-name-mismatch', severity: 'information', file: passFile, ...argRange(path.pass),
      message: `With verification on and no ${path.prefix}name, nginx checks the upstream certificate against the upstream block name "${target.host}". Public CAs do not issue certificates for such a name; unless the upstream's certificate comes from a private CA that lists "${target.host}", every request fails with 502 (upstream SSL certificate does not match "${target.host}"). Set ${path.prefix}name to a DNS name of the upstream certificate, or name the upstream block after it.`,
      related: context.reportOnly ? undefined : [relatedAt(target.upstreamBlock, 'upstream block')],
      fixes: context.reportOnly ? undefined : candidates.slice(0, 3).map((host, i) => ({
        title: `Verify the name "${host}" (${path.prefix}name ${host} + ${path.prefix}server_name on)`, safe: false, preferred: i === 0,
        edits: [insertAfter(path.pass, [`${path.prefix}name ${host};`, `${path.prefix}server_name on;`])],
      })),
    };
  }
  if (!target.isIp) return undefined;
  // An IP address can be in a certificate (private CAs issue IP subject alternative names),
  // and the peer's certificate is not readable here: what nginx will find is unknown.
  return {
    code: 'tls.upstream-name-mismatch', severity: 'information', file: passFile, ...argRange(path.pass),
    message: `With verification on and no ${path.prefix}name, nginx checks the upstream certificate against the IP address ${target.host}. Unless that certificate lists the address as an IP subject alternative name (private CAs can issue one; public CAs rarely do), every request fails with 502 (upstream SSL certificate does not match "${target.host}"). Set ${path.prefix}name to a DNS name of the upstream certificate if it has none for ${target.host}.`,
  };
}

/** The `proxy_set_header Host …` statement a proxied path sends. */
function hostHeader(path: RequestPath): ConfigNode | undefined {
  if (path.module !== 'proxy') return undefined;
  return path.get('proxy_set_header').nodes.find((n) => n.directive.args[0]?.value.toLowerCase() === 'host');
}

/** `proxy_set_header Host $host` sends the client's name while TLS verified another one. */
function hostHeaderCheck(context: FindingDetail, path: RequestPath, verifiedName: string, findings: Finding[]): void {
  const host = hostHeader(path);
  const value = host?.directive.args[1];
  if (!host || !value || !/^\$(host|http_host|server_name)$/.test(value.value)) return;
  // From a shared snippet (proxy_params) the problem is this location's TLS name: report at its include.
  const placed = placeInBlock(host, path.block, `Host ${value.value} is set here`);
  const inPlace = placed.anchor === host;
  findings.push({
    code: 'tls.upstream-name-mismatch', severity: 'warning', file: placed.anchor.file.path,
    ...(inPlace ? { start: value.start, end: value.end } : statementRange(placed.anchor)),
    message: sharedMessage(context, `The upstream receives Host "${value.value}" (the client's name) while TLS was verified for "${verifiedName}": the upstream picks its virtual server by a name it has no certificate for, and an nginx upstream that requires client certificates answers 421 Misdirected Request when Host and SNI differ.`),
    related: context.reportOnly || placed.related.length === 0 ? undefined : placed.related,
    // Rewriting a shared snippet would change every block that includes it: only offered in place.
    fixes: context.reportOnly ? undefined : inPlace ? [{ title: 'Send the upstream\'s own name (Host $proxy_host)', safe: false, preferred: true, edits: [{ file: host.file.path, start: value.start, end: value.end, newText: '$proxy_host' }] }] : undefined,
  });
}

/** A peer of this tree whose certificate does not cover the verified name: certain to fail. */
function localMismatch(context: FindingDetail, path: RequestPath, name: string, peer: LocalPeerCertificate): Finding {
  return {
    code: 'tls.upstream-name-mismatch', file: path.pass.file.path, ...argRange(path.pass),
    message: `The upstream certificate ${peer.written} (served by ${peer.label}) covers ${peer.labels.join(', ') || 'no name'} but not "${name}": verification fails with 502 (upstream SSL certificate does not match "${name}").`,
    related: context.reportOnly ? undefined : [relatedAt(peer.node, 'certificate of the upstream server')],
    fixes: context.reportOnly ? undefined : peer.names.filter((n) => !n.startsWith('*')).slice(0, 3).map((n, i) => ({
      title: `Verify the name "${n}" (${path.prefix}name ${n})`, safe: false, preferred: i === 0,
      edits: [insertAfter(path.pass, [`${path.prefix}name ${n};`])],
    })),
  };
}

function upstreamServerNames(block: ConfigNode): string[] {
  const names: string[] = [];
  for (const child of block.children) {
    if (child.directive.name !== 'server') continue;
    const host = (child.directive.args[0]?.value ?? '').replace(/:\d+$/, '');
    if (host && !/^[\d.]+$/.test(host) && !host.startsWith('[') && !host.startsWith('unix:') && !names.includes(host)) names.push(host);
  }
  return names;
}

/**
 * The settings this family places findings on (besides the pass statement and an include in the
 * path's block): a client certificate or key without the other, verification without a CA, the
 * verified name, the Host header.
 */
const PLACED_ON_NAMES = [
  'proxy_ssl_certificate', 'proxy_ssl_certificate_key', 'proxy_ssl_verify', 'proxy_ssl_name',
  'grpc_ssl_certificate', 'grpc_ssl_certificate_key', 'grpc_ssl_verify', 'grpc_ssl_name',
  'uwsgi_ssl_certificate', 'uwsgi_ssl_certificate_key', 'uwsgi_ssl_verify', 'uwsgi_ssl_name',
  'proxy_set_header',
];
const PLACED_ON: ReadonlySet<string> = new Set(PLACED_ON_NAMES);

/**
 * True when nameChecks() can place a finding in a checked file besides on the pass: on the
 * verified name, on the Host header, or on the include in the path's block that brings it.
 */
function nameFindingsWanted(focus: AnalysisFocus, path: RequestPath): boolean {
  if (focus.wanted.has(path.block.file.path) || touches(focus, path.ssl('name'))) return true;
  // The headers are read only when a checked file writes one: a path that read them is made again when they change.
  if (!focus.writes('proxy_set_header')) return false;
  const host = hostHeader(path);
  return host !== undefined && focus.touchesNode(host);
}

/**
 * True when a finding about the path can land in a checked file. This family places them only
 * on the pass statement, on statements of the path's block's file (an include there) and on the
 * effective statements of the settings named `placedOn`, so a level counts only where a checked
 * file sets one of those there and the path takes that setting from it: nginx.conf writes to
 * the http level of every path of the tree, and an http-level upstream verify setting touches
 * only the paths that do not set their own.
 */
function pathTouches(path: RequestPath, focus: AnalysisFocus, placedOn: ReadonlySet<string>): boolean {
  const wanted = focus.wanted;
  if (wanted.has(path.pass.file.path) || wanted.has(path.block.file.path)) return true;
  const levels = focus.levelsSetting(placedOn);
  if (levels.size === 0) return false;
  // Indexed loops, not names.some(…) or for…of: a closure for each level of each of 4,000 paths
  // came to 1 MB a keystroke at the http level of the benchmark tree's nginx.conf, and the
  // iterators of code not yet optimised to a few hundred KB.
  const chain = path.levels;
  for (let i = 0; i < chain.length; i++) {
    const level = chain[i];
    const names = levels.get(level.node ?? null);
    if (!names) continue;
    for (let k = 0; k < names.length; k++) if (usesSetting(path, names[k]) && path.get(names[k]).level === level) return true;
  }
  return false;
}

/**
 * True when the path's module reads the setting (its own module's, or the Host header of a
 * proxied path): asking a proxied path for grpc_ssl_verify would make it depend on that too, and
 * every keystroke in an http-level grpc_ssl_verify would make all the tree's paths again.
 */
function usesSetting(path: RequestPath, name: string): boolean {
  return name.startsWith(path.prefix) || (name === 'proxy_set_header' && path.module === 'proxy');
}

/** True when a statement of the effective value is one a finding may be placed on. */
function touches(focus: AnalysisFocus, value: EffectiveValue): boolean {
  // An indexed loop: a closure (or an iterator, until the code is optimised) for each of the
  // 4,000 paths' questions showed in a keystroke's allocations.
  const nodes = value.nodes;
  for (let i = 0; i < nodes.length; i++) if (focus.touchesNode(nodes[i])) return true;
  return false;
}

export const upstreamTlsRules: RuleFamily = {
  name: 'upstream-tls',
  rules: RULES,
  // It reads the Host header; the fix that turns verification on looks for the peer's CA among
  // the configured CA files, server-side ones too, and names one only when its certificates
  // verify the peer.
  argumentsUnread: unreadBut('ssl_trusted_certificate', 'proxy_set_header', 'proxy_ssl_verify', 'grpc_ssl_verify', 'uwsgi_ssl_verify'),
  argumentsReadAsCertificates: new Set(['ssl_trusted_certificate', 'ssl_client_certificate']),
  // Of the request headers, only the Host line (hostHeader()).
  headerLinesRead: new Map([['proxy_set_header', new Set(['host'])]]),
  argumentsReadAsSwitch: UPSTREAM_VERIFY_SWITCHES,
  serverLocalUnless: UPSTREAM_PEERS_ACROSS_SERVERS,
  // Another server's upstream checks read a server's certificate only when it answers them.
  acrossServersOnlyFrom: new Map([['ssl_certificate', mayAnswerUpstreams]]),
  async run(context: RuleContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    const covered = new Set<ConfigNode>();
    const focus = focusOf(context);
    const paths = PLACED_ON_NAMES.some(focus.writes) ? focus.paths() : focus.pathsHeld();
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i];
      // Every check below reports a missing setting, which an unreadable include may hold.
      if (path.incomplete) continue;
      // Its findings could not land in the checked files. Nor is its verify statement in one
      // (it would touch them), so unusedVerifyWithoutCa() never asks whether it covers that.
      if (!pathTouches(path, focus, PLACED_ON)) continue;
      // Each check only where what it reports on can be in a checked file: nginx.conf's
      // http-level proxy_ssl_verify reaches every path, and its own finding is verifyWithoutCa's.
      const onPass = focus.touchesNode(path.pass);
      if (onPass) {
        const unverified = await upstreamUnverified(context, path);
        if (unverified) findings.push(unverified);
      }
      if (path.tls !== false && (touches(focus, path.ssl('certificate')) || touches(focus, path.ssl('certificate_key')))) await clientCertPairs(context, path, findings);
      verifyWithoutCa(context, path, findings, covered);
      if (checksName(path) && (onPass || nameFindingsWanted(focus, path))) await nameChecks(context, path, findings);
    }
    unusedVerifyWithoutCa(context, covered, findings);
    return findings;
  },
};
