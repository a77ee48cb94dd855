/**
 * Certificate pairing rules: what only shows when files are read together. A key that does
 * not belong to its certificate, a chain in the wrong order, a certificate for the wrong
 * purpose or the wrong names, and, when both ends of an mTLS hop are in the workspace,
 * a client certificate the server's CA will not accept.
 */
import { buildChain, isIssuedBy, keyMatchesCertificate } from '../../certificates/certificateInspector';
import type { CertificateInfo, InspectedFile } from '../../certificates/certificateTypes';
import type { ConfigNode } from '../../model/configTree';
import { serversNamed } from '../../model/serverNameIndex';
import { atLeast } from '../../directives/versions';
import type { Finding, RuleMeta } from '../finding';
import { nginxRefuses } from '../nginxWording';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { focusOf } from '../analysisFocus';
import { collectFileReferences, fileDirectiveInfo, nearestInScope, scopedValue, skipReason, TLS_FAMILIES, type FileReference } from '../tlsFileReferences';
import { nginxLoads } from './certificateFileRules';
import { certificateNameLabels, certificateNameMatches } from './tlsRuleSupport';

const RULES: RuleMeta[] = [
  { code: 'tls.key-mismatch', category: 'certificate', severity: 'error', title: 'Private key does not belong to the certificate', nginxRefuses: true },
  { code: 'tls.chain-order-incomplete', category: 'certificate', severity: 'error', title: 'Certificate chain out of order or incomplete', nginxRefuses: false },
  { code: 'tls.eku-mismatch', category: 'certificate', severity: 'warning', title: 'Certificate not meant for this purpose (extended key usage)', nginxRefuses: false },
  { code: 'tls.server-name-not-in-cert', category: 'certificate', severity: 'warning', title: 'server_name not covered by the certificate', nginxRefuses: false },
  { code: 'mtls.client-cert-untrusted', category: 'certificate', severity: 'warning', title: "Client certificate not issued by the server's client CA", nginxRefuses: false },
  { code: 'tls.verify-depth-too-small', category: 'certificate', severity: 'warning', title: 'Verify depth shorter than the chain', nginxRefuses: false },
];

function range(ref: FileReference): Pick<Finding, 'file' | 'start' | 'end'> {
  return { file: ref.node.file.path, start: ref.arg.start, end: ref.arg.end };
}

export const certificatePairingRules: RuleFamily = {
  name: 'certificate-pairing',
  rules: RULES,
  async run(context: RuleContext): Promise<Finding[]> {
    const wanted = focusOf(context).wanted;
    const refs = pairingReferences(context).filter((r) => r.resolved);
    const inspected = new Map<FileReference, InspectedFile>();
    // Thousands of directives name a few files: inspect each file once.
    const byPath = new Map<string, InspectedFile>();
    for (const ref of refs) {
      if (ref.info.role === 'certificate' || ref.info.role === 'key' || ref.info.role === 'ca-bundle') {
        const resolved = ref.resolved as string;
        let file = byPath.get(resolved);
        if (!file) {
          file = await context.inspect(resolved);
          byPath.set(resolved, file);
        }
        inspected.set(ref, file);
      }
    }
    const findings: Finding[] = [];
    const caPool = [...new Set(refs.filter((r) => r.info.role === 'ca-bundle').map((r) => inspected.get(r)))]
      .flatMap((file) => file?.certificates ?? []);
    const verifierFiles = inspectedByNode(context, refs, inspected, byPath);
    const missingByFile = new Map<InspectedFile, CertificateInfo | null>();
    const chainOrderByFile = new Map<InspectedFile, Pick<Finding, 'code' | 'severity' | 'message'> | null>();
    const certificates = refs.filter((r) => r.info.role === 'certificate');
    // A key directive in a checked file can pair with a certificate elsewhere; otherwise only
    // certificates named in the checked files matter.
    const keysWanted = refs.some((r) => r.info.role === 'key' && wanted.has(r.node.file.path));
    for (const certRef of certificates) {
      if (!keysWanted && !wanted.has(certRef.node.file.path)) continue;
      const certFile = inspected.get(certRef);
      if (!certFile || certFile.certificates.length === 0) continue;
      const keyRef = pairedKey(certRef, context);
      const keyFile = keyRef ? inspected.get(keyRef) ?? (keyRef.resolved ? await context.inspect(keyRef.resolved) : undefined) : undefined;
      if (wanted.has(certRef.node.file.path) || (keyRef && wanted.has(keyRef.node.file.path))) {
        if (keyRef && keyFile) findings.push(...keyMismatch(certRef, certFile, keyRef, keyFile, context));
        let order = chainOrderByFile.get(certFile);
        if (order === undefined) {
          order = chainOrderProblem(certFile);
          chainOrderByFile.set(certFile, order);
        }
        const orderFinding = order ? { ...order, ...range(certRef), message: order.message.replace(/\{FILE\}/g, certRef.written) } : undefined;
        if (orderFinding) findings.push(orderFinding);
        if (!orderFinding) {
          // Thousands of servers share a few certificate files: judge each file once.
          let missing = missingByFile.get(certFile);
          if (missing === undefined) {
            missing = missingIntermediateIssuer(certFile, caPool) ?? null;
            missingByFile.set(certFile, missing);
          }
          if (missing && certRef.info.family === 'ssl') findings.push(missingIntermediateFinding(certRef, certFile, missing));
          // A client certificate is verified by the upstream: judged against its CA file when the
          // workspace holds that server (crossHopChecks), otherwise only noted.
          else if (missing && localVerifiers(context, certRef, verifierFiles).length === 0) findings.push(clientMissingIntermediateNote(certRef, certFile, missing));
        }
      }
      if (wanted.has(certRef.node.file.path)) {
        findings.push(...ekuCheck(certRef, certFile.certificates[0]));
        if (certRef.info.family === 'ssl') findings.push(...serverNames(certRef, certFile.certificates[0]));
      }
    }
    findings.push(...crossHopChecks(context, refs, inspected, verifierFiles, caPool, wanted));
    return findings.filter((f) => wanted.has(f.file));
  },
};

/**
 * The references this family reads: those of the checked files, every CA file of the tree
 * (the pool for chains, and the CA of the server at the other end of an mTLS hop), and the
 * certificates a key of a checked file can pair with (those at or below the key's level).
 */
function pairingReferences(context: RuleContext): FileReference[] {
  const focus = focusOf(context);
  if (focus.whole) return collectFileReferences(context);
  const own = collectFileReferences(context, focus.nodes);
  // A key pairs with the certificates of its own level and of the blocks inside it.
  const keyLevels = new Set(own.filter((r) => r.info.role === 'key').map((r) => r.node.parent ?? null));
  const certificates: ConfigNode[] = [];
  if (keyLevels.has(null) || [...keyLevels].some((level) => level?.context === 'main')) {
    for (const name of CERTIFICATE_DIRECTIVES) certificates.push(...focus.named(name));
  } else {
    // Usually a server's own key: its certificates are found inside it, not among thousands.
    const visit = (nodes: readonly ConfigNode[]): void => {
      for (const node of nodes) {
        if (CERTIFICATE_DIRECTIVES.includes(node.directive.name.value)) certificates.push(node);
        if (node.children.length > 0) visit(node.children);
      }
    };
    for (const level of keyLevels) if (level && !hasAncestorIn(level, keyLevels)) visit(level.children);
  }
  // Thousands of servers name the same few CA files: one reference per file written is
  // enough for the pool, and crossHopChecks finds the others by path.
  const caNodes: ConfigNode[] = [];
  for (const name of CA_DIRECTIVES) {
    const seen = new Set<string>();
    for (const node of focus.named(name)) {
      const written = node.directive.args[0]?.value;
      if (written === undefined || seen.has(written)) continue;
      seen.add(written);
      caNodes.push(node);
    }
  }
  const peers = [...caNodes, ...certificates].filter((node) => !focus.touchesNode(node));
  const elsewhere = collectFileReferences(context, peers);
  return [...own, ...elsewhere];
}

function hasAncestorIn(node: ConfigNode, blocks: ReadonlySet<ConfigNode | null>): boolean {
  for (let n = node.parent; n; n = n.parent) if (blocks.has(n)) return true;
  return false;
}

const CA_DIRECTIVES = TLS_FAMILIES.flatMap((family) => ['client_certificate', 'trusted_certificate'].map((suffix) => `${family}_${suffix}`))
  .filter((name) => fileDirectiveInfo(name)?.role === 'ca-bundle');
const CERTIFICATE_DIRECTIVES = TLS_FAMILIES.map((family) => `${family}_certificate`);

/** The key nginx pairs with this certificate: same index among the key directives in scope. */
function pairedKey(certRef: FileReference, context: RuleContext): FileReference | undefined {
  const family = certRef.info.family;
  const certs = nearestInScope(certRef.node.parent, `${family}_certificate`, context.tree.nodes);
  const keys = nearestInScope(certRef.node.parent, `${family}_certificate_key`, context.tree.nodes);
  const index = certs.indexOf(certRef.node);
  const keyNode = keys[index >= 0 ? index : 0];
  if (!keyNode || keyNode.directive.args.length === 0) return undefined;
  const arg = keyNode.directive.args[0];
  if (arg.hasVariable || /^(data|engine|store):/.test(arg.value)) return undefined;
  return { node: keyNode, info: { family, role: 'key', suffix: 'certificate_key' }, arg, written: arg.value, resolved: context.resolvePath(arg.value) };
}

function keyMismatch(certRef: FileReference, certFile: InspectedFile, keyRef: FileReference, keyFile: InspectedFile, context: RuleContext): Finding[] {
  const key = keyFile.keys[0];
  const leaf = certFile.certificates[0];
  if (!key || key.encrypted && !key.publicKeySha256) return [];
  const match = keyMatchesCertificate(key, leaf);
  if (match !== false) return [];
  const load = nginxLoads(certRef, context);
  const sameType = key.keyAlgorithm === undefined || key.keyAlgorithm === leaf.keyAlgorithm;
  const keyRange = { file: keyRef.node.file.path, start: keyRef.arg.start, end: keyRef.arg.end };
  const otherIndex = certFile.certificates.findIndex((c, i) => i > 0 && keyMatchesCertificate(key, c) === true);
  if (otherIndex > 0) {
    // The key fits a later certificate of the file: the chain is out of order.
    return [{
      code: 'tls.key-mismatch', ...keyRange, nginxRefuses: load.loads,
      message: load.loads
        ? nginxRefuses(`SSL_CTX_use_PrivateKey("${keyRef.written}") failed (key values mismatch)`, `The key belongs to certificate #${otherIndex + 1} of "${certRef.written}" ("${certFile.certificates[otherIndex].subject}"), not to the first one: put the server certificate first in the file.`)
        : `The key belongs to certificate #${otherIndex + 1} of "${certRef.written}", not to the first one: put the server certificate first in the file.`,
    }];
  }
  if (!sameType) {
    return [{
      code: 'tls.key-mismatch', ...keyRange,
      message: `The key is ${key.keyAlgorithm} but the certificate "${leaf.subject}" has an ${leaf.keyAlgorithm} key. nginx -t does not notice this; every handshake then fails ("no shared cipher" or a signature error).`,
    }];
  }
  return [{
    code: 'tls.key-mismatch', ...keyRange, nginxRefuses: load.loads,
    message: load.loads
      ? nginxRefuses(`SSL_CTX_use_PrivateKey("${keyRef.written}") failed (key values mismatch)`, `The key does not belong to "${leaf.subject}" from ${certRef.written} (public key SHA-256 ${leaf.publicKeySha256.slice(0, 16)}… vs ${key.publicKeySha256?.slice(0, 16)}…).`)
      : `The key does not belong to "${leaf.subject}" from ${certRef.written}.`,
  }];
}

/** What is wrong with the order of a certificate file's chain, once per file ({FILE} stands for its path). */
function chainOrderProblem(certFile: InspectedFile): Pick<Finding, 'code' | 'severity' | 'message'> | null {
  const certs = certFile.certificates;
  if (certs.length < 2) return null;
  const leaf = certs[0];
  if (leaf.isCA && certs.slice(1).some((c) => !c.isCA)) {
    return { code: 'tls.chain-order-incomplete', message: `The first certificate of the file is a CA ("${leaf.subject}") while a later one is not: nginx uses the first certificate as the server's own, so put the leaf first, then its intermediates.` };
  }
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!isIssuedBy(certs[i], certs[i + 1])) {
      return { code: 'tls.chain-order-incomplete', severity: 'warning', message: `Certificate #${i + 2} ("${certs[i + 1].subject}") did not issue certificate #${i + 1} ("${certs[i].subject}"): each certificate should be followed by its issuer.` };
    }
  }
  return null;
}

/**
 * The chain in the file stops at a certificate whose issuer is an intermediate CA found in a
 * CA file of the configuration: peers that only trust the root cannot build the chain.
 */
function missingIntermediateIssuer(certFile: InspectedFile, pool: CertificateInfo[]): CertificateInfo | undefined {
  const certs = certFile.certificates;
  const last = certs[certs.length - 1];
  if (!last || last.selfSigned || certs.some((c) => c !== last && isIssuedBy(last, c))) return undefined;
  const issuer = pool.find((ca) => ca.subject === last.issuer && isIssuedBy(last, ca));
  return issuer && !issuer.selfSigned ? issuer : undefined;
}

function missingIntermediateFinding(certRef: FileReference, certFile: InspectedFile, issuer: CertificateInfo): Finding {
  const certs = certFile.certificates;
  const last = certs[certs.length - 1];
  return {
    code: 'tls.chain-order-incomplete', severity: 'warning', ...range(certRef),
    message: `The chain in ${certRef.written} ends at "${last.subject}", issued by the intermediate CA "${issuer.subject}", which is not in the file: clients that trust only the root cannot verify it. Append the intermediate certificate after the ${certs.length === 1 ? 'certificate' : 'chain'}.`,
  };
}

function clientMissingIntermediateNote(certRef: FileReference, certFile: InspectedFile, issuer: CertificateInfo): Finding {
  const certs = certFile.certificates;
  const last = certs[certs.length - 1];
  return {
    code: 'tls.chain-order-incomplete', severity: 'information', ...range(certRef),
    message: `This client certificate chain ends at "${last.subject}", issued by the intermediate CA "${issuer.subject}", which ${certRef.written} does not include. The upstream verifies this client certificate against its own CA file, which this workspace does not show: if that file holds only the root, the upstream rejects the handshake. Append the intermediate to ${certRef.written} unless the upstream trusts the intermediate itself.`,
  };
}

function ekuCheck(certRef: FileReference, leaf: CertificateInfo): Finding[] {
  if (leaf.extendedKeyUsage.length === 0 || leaf.extendedKeyUsage.includes('anyExtendedKeyUsage')) return [];
  const needed = certRef.info.family === 'ssl' ? 'serverAuth' : 'clientAuth';
  if (leaf.extendedKeyUsage.includes(needed)) return [];
  const purpose = needed === 'serverAuth' ? 'a TLS server' : 'a TLS client';
  return [{ code: 'tls.eku-mismatch', ...range(certRef), message: `"${leaf.subject}" is not meant for ${purpose}: its extended key usage is ${leaf.extendedKeyUsage.join(', ')} without ${needed}, so peers that check it reject the handshake.` }];
}

function certificateNames(cert: CertificateInfo): { dns: string[]; ips: string[] } {
  const dns = cert.subjectAltNames.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const ips = cert.subjectAltNames.filter((s) => s.startsWith('IP:') || s.startsWith('IP Address:')).map((s) => s.replace(/^IP( Address)?:/, ''));
  if (dns.length === 0 && ips.length === 0 && cert.subjectCommonName) dns.push(cert.subjectCommonName);
  return { dns, ips };
}

function serverNames(certRef: FileReference, leaf: CertificateInfo): Finding[] {
  const server = certRef.node.parent;
  if (!server || server.directive.name.value !== 'server' || server.context !== 'http') return [];
  // A server_name may come from an included file: each name is reported in its own file.
  const names = server.children.filter((c) => c.directive.name.value === 'server_name').flatMap((c) => c.directive.args.map((arg) => ({ arg, file: c.file.path })));
  const { dns, ips } = certificateNames(leaf);
  const findings: Finding[] = [];
  for (const { arg, file } of names) {
    const name = arg.value;
    if (!name || name === '_' || name === '""' || name.startsWith('~') || name.includes('$') || name.startsWith('.') || name === 'localhost') continue;
    if (/^[\d.]+$/.test(name) || name.includes(':')) {
      if (ips.includes(name)) continue;
    } else if (name.startsWith('*') || name.endsWith('*')) {
      if (dns.some((d) => d.toLowerCase() === name.toLowerCase())) continue;
    } else if (certificateNameMatches(dns, name)) continue;
    findings.push({
      code: 'tls.server-name-not-in-cert', file, start: arg.start, end: arg.end,
      message: `"${name}" is not among the names of the certificate ${certRef.written} (${certificateNameLabels(leaf).join(', ') || 'no names'}); clients connecting to it get a name mismatch error.`,
    });
  }
  return findings;
}

interface HttpsTarget {
  host: string;
  port: string;
}

function httpsTarget(location: ConfigNode): HttpsTarget | undefined {
  const pass = location.children.find((c) => c.directive.name.value === 'proxy_pass');
  const url = pass?.directive.args[0];
  if (!url || url.hasVariable) return undefined;
  const match = /^https:\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?/i.exec(url.value);
  return match ? { host: match[1].toLowerCase(), port: match[2] ?? '443' } : undefined;
}

/** http servers of the tree that answer TLS for `host` on `port` (Server A for a Server B location). */
function serversFor(context: RuleContext, target: HttpsTarget): ConfigNode[] {
  return serversNamed(context.tree, target.host).filter((server) => {
    if (server.context !== 'http') return false;
    const listens = server.children.filter((c) => c.directive.name.value === 'listen');
    return listens.some((l) => l.directive.args.some((a) => a.value === 'ssl') && (l.directive.args[0]?.value.split(':').pop() ?? '') === target.port);
  });
}

type InspectedForNode = (node: ConfigNode | undefined) => InspectedFile | undefined;

/** The inspected file of a directive, also for CA directives whose file another reference read. */
function inspectedByNode(context: RuleContext, refs: FileReference[], inspected: Map<FileReference, InspectedFile>, byPath: ReadonlyMap<string, InspectedFile>): InspectedForNode {
  const byNode = new Map<ConfigNode, FileReference>();
  for (const ref of refs) byNode.set(ref.node, ref);
  return (node) => {
    if (!node) return undefined;
    const ref = byNode.get(node);
    if (ref) return inspected.get(ref);
    const arg = node.directive.args[0];
    return arg && !skipReason(arg) ? byPath.get(context.resolvePath(arg.value)) : undefined;
  };
}

interface LocalVerifier {
  server: ConfigNode;
  /** The host the proxy_pass names, for messages when the server has no server_name. */
  host: string;
  /** The certificates of the server's client CA files (its trust store for client certificates). */
  pool: CertificateInfo[];
}

/** Servers of the workspace that receive this proxy_ssl_certificate and whose client CA file is readable. */
function localVerifiers(context: RuleContext, ref: FileReference, inspectedFor: InspectedForNode): LocalVerifier[] {
  if (ref.info.family !== 'proxy_ssl' || ref.info.role !== 'certificate' || !ref.node.parent) return [];
  const target = httpsTarget(ref.node.parent);
  if (!target) return [];
  const verifiers: LocalVerifier[] = [];
  for (const server of serversFor(context, target)) {
    const caNodes = nearestInScope(server, 'ssl_client_certificate', context.tree.nodes);
    const trustedNodes = atLeast(context.settings.targetVersion, '1.27.2') ? nearestInScope(server, 'ssl_trusted_certificate', context.tree.nodes) : [];
    const pool = [...caNodes, ...trustedNodes].flatMap((node) => inspectedFor(node)?.certificates ?? []);
    if (pool.length > 0) verifiers.push({ server, host: target.host, pool });
  }
  return verifiers;
}

/** True when the chain built from `client` ends at (or is issued by) a certificate of the trust store. */
function anchoredIn(chain: CertificateInfo[], pool: CertificateInfo[]): boolean {
  const anchor = chain[chain.length - 1];
  return pool.some((ca) => ca.fingerprintSha256 === anchor.fingerprintSha256) || pool.some((ca) => isIssuedBy(anchor, ca));
}

/** CA certificates the workspace holds: its CA files, and the intermediates of the chains it sends. */
function knownIntermediates(caPool: CertificateInfo[], inspected: ReadonlyMap<FileReference, InspectedFile>): CertificateInfo[] {
  const chains = [...new Set(inspected.values())].flatMap((file) => file.certificates.slice(1));
  return [...caPool, ...chains].filter((c) => c.isCA && !c.selfSigned);
}

function crossHopChecks(context: RuleContext, refs: FileReference[], inspected: Map<FileReference, InspectedFile>, inspectedFor: InspectedForNode, caPool: CertificateInfo[], wanted: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  for (const ref of refs) {
    if (!wanted.has(ref.node.file.path)) continue;
    const clientFile = inspected.get(ref);
    const client = clientFile?.certificates[0];
    if (!client || !clientFile) continue;
    for (const { server, host, pool } of localVerifiers(context, ref, inspectedFor)) {
      const serverName = server.children.find((c) => c.directive.name.value === 'server_name')?.directive.args[0]?.value ?? host;
      const where = `${serverName} (${relative(server)})`;
      const sent = clientFile.certificates.slice(1);
      const chain = buildChain(client, [...sent, ...pool]);
      const anchor = chain[chain.length - 1];
      if (!anchoredIn(chain, pool)) {
        // The server trusts the root, but an intermediate known elsewhere in the workspace is neither sent nor trusted.
        const withKnown = buildChain(client, [...sent, ...pool, ...knownIntermediates(caPool, inspected)]);
        const missing = anchoredIn(withKnown, pool) ? withKnown.slice(1).find((c) => !sent.includes(c) && !pool.includes(c)) : undefined;
        findings.push({
          code: 'mtls.client-cert-untrusted', ...range(ref),
          message: missing
            ? `The server ${where} verifies clients against ${pool.filter((c) => c.isCA).map((c) => `"${c.subject}"`).join(', ')}, which issued the intermediate CA "${missing.subject}" of this client certificate, but neither ${ref.written} nor that CA file includes the intermediate: the server cannot build the chain and answers 400 "The SSL certificate error". Append the intermediate to ${ref.written}.`
            : `The server ${where} verifies clients against ${pool.filter((c) => c.isCA).map((c) => `"${c.subject}"`).join(', ') || 'a CA bundle'}, which did not issue this client certificate ("${client.subject}", issued by "${client.issuer}"): it will answer 400 "The SSL certificate error".`,
        });
        continue;
      }
      const depthValue = scopedValue(server, 'ssl_verify_depth', context.tree.nodes, '1');
      const depth = Number.parseInt(depthValue, 10);
      const intermediates = Math.max(0, chain.length - (pool.some((ca) => ca.fingerprintSha256 === anchor.fingerprintSha256) ? 2 : 1));
      if (Number.isFinite(depth) && intermediates > depth) {
        findings.push({ code: 'tls.verify-depth-too-small', ...range(ref), message: `This client certificate needs ${intermediates} intermediate CA${intermediates === 1 ? '' : 's'} to reach the trusted CA, but the server ${where} has ssl_verify_depth ${depth}: it will reject the chain as too long.` });
      }
    }
  }
  return findings;
}

function relative(node: ConfigNode): string {
  const line = node.file.lines.positionAt(node.directive.start).line + 1;
  const parts = node.file.path.split('/');
  return `${parts.slice(-2).join('/')}:${line}`;
}
