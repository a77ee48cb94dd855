/**
 * Certificate pairing rules: what only shows when files are read together. A key that does
 * not belong to its certificate, a chain in the wrong order, a certificate for the wrong
 * purpose or the wrong names. A client certificate judged against the server that receives
 * it is the client-chain family's (clientChainRules.ts).
 */
import { isIssuedBy, keyMatchesCertificate } from '../../certificates/certificateInspector';
import type { CertificateInfo, InspectedFile, PrivateKeyInfo } from '../../certificates/certificateTypes';
import type { ConfigNode } from '../../model/configTree';
import type { Finding, RuleMeta } from '../finding';
import { nginxRefuses } from '../nginxWording';
import type { FindingDetail, RuleContext, RuleFamily } from '../ruleContext';
import { collectFileReferences, fileDirectivesOfRoles, referenceRange, type FileReference } from '../tlsFileReferences';
import { focusOf } from '../analysisFocus';
import { certificateLists, type CertificateList } from '../certificateLists';
import { fillSlots, servingSlots, type LoadPair } from '../certificateSlots';
import { certificateNameLabels, certificateNameMatches } from './tlsRuleSupport';
import { unreadBut } from '../unreadArguments';
import { CA_FILES_READ_AS_CERTIFICATES, localVerifiers, pairingInputs } from './pairingInputs';
import { PAIRING_ACROSS_SERVERS } from '../crossServerNames';

const RULES: RuleMeta[] = [
  { code: 'tls.key-mismatch', category: 'certificate', severity: 'error', title: 'Private key does not belong to the certificate', nginxRefuses: true },
  { code: 'tls.certificate-not-served', category: 'certificate', severity: 'warning', title: 'Certificate loaded but never served (no key of its type, or replaced)', nginxRefuses: false },
  { code: 'tls.chain-order-incomplete', category: 'certificate', severity: 'error', title: 'Certificate chain out of order or incomplete', nginxRefuses: false },
  { code: 'tls.eku-mismatch', category: 'certificate', severity: 'warning', title: 'Certificate not meant for this purpose (extended key usage)', nginxRefuses: false },
  { code: 'tls.server-name-not-in-cert', category: 'certificate', severity: 'warning', title: 'server_name not covered by the certificate', nginxRefuses: false },
];

export const certificatePairingRules: RuleFamily = {
  name: 'certificate-pairing',
  rules: RULES,
  argumentsUnread: unreadBut('ssl_trusted_certificate'),
  argumentsReadAsCertificates: CA_FILES_READ_AS_CERTIFICATES,
  serverLocalUnless: PAIRING_ACROSS_SERVERS,
  async run(context: RuleContext): Promise<Finding[]> {
    const { wanted, refs, inspected, caPool, inspectedFor } = await pairingInputs(context);
    const findings: Finding[] = [];
    const missingByFile = new Map<InspectedFile, CertificateInfo | null>();
    const chainOrderByFile = new Map<InspectedFile, Pick<Finding, 'code' | 'severity' | 'message'> | null>();
    const certificates = refs.filter((r) => r.info.role === 'certificate' && wanted.has(r.node.file.path));
    for (const certRef of certificates) {
      const certFile = inspected.get(certRef);
      if (!certFile || certFile.certificates.length === 0) continue;
      let order = chainOrderByFile.get(certFile);
      if (order === undefined) {
        order = chainOrderProblem(certFile);
        chainOrderByFile.set(certFile, order);
      }
      const orderFinding = order ? { ...order, ...referenceRange(certRef), message: order.message.replace(/\{FILE\}/g, certRef.written) } : undefined;
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
        // workspace holds that server (clientChainRules.ts), otherwise only noted.
        else if (missing && localVerifiers(context, certRef, inspectedFor).length === 0) findings.push(clientMissingIntermediateNote(certRef, certFile, missing));
      }
      findings.push(...ekuCheck(certRef, certFile.certificates[0]));
      if (certRef.info.family === 'ssl') findings.push(...serverNames(certRef, certFile.certificates[0]));
    }
    // What a list's slots give lands on its own certificate and key statements: a list written
    // in other files is not loaded again (an http-level keystroke in nginx.conf reaches every
    // server of the tree, and their lists stand in the site files). Checked files without a
    // certificate or key statement have no list to judge: the lists are not even made.
    if (LIST_DIRECTIVES.some(focusOf(context).writes)) {
      for (const list of certificateLists(context)) {
        if (list.certs.some((n) => wanted.has(n.file.path)) || list.keys.some((n) => wanted.has(n.file.path))) findings.push(...await slotFindings(list, context));
      }
    }
    return findings.filter((f) => wanted.has(f.file));
  },
};

/** The statements certificateLists() puts in lists. */
const LIST_DIRECTIVES = fileDirectivesOfRoles('certificate', 'key');

/** A statement's reference and the file nginx opens for it; no file for data: values and variables. */
interface LoadedStatement {
  ref: FileReference;
  file?: InspectedFile;
}

async function loadStatement(node: ConfigNode, context: RuleContext): Promise<LoadedStatement | undefined> {
  const ref = collectFileReferences(context, [node])[0];
  if (!ref) return undefined;
  return { ref, file: ref.resolved ? await context.inspect(ref.resolved) : undefined };
}

/**
 * The pairs nginx loads for a list, in order; undefined when nginx loads them per handshake
 * (a variable in any of them) and nothing is known before. Only the pairs with a key: nginx
 * refuses a list with fewer keys than certificates before loading any (tlsListenRules).
 */
async function loadPairs(list: CertificateList, context: RuleContext): Promise<LoadPair<FileReference>[] | undefined> {
  if ([...list.certs, ...list.keys].some((n) => n.directive.args[0]?.hasVariable)) return undefined;
  const pairs: LoadPair<FileReference>[] = [];
  for (let i = 0; i < Math.min(list.certs.length, list.keys.length); i++) {
    const cert = await loadStatement(list.certs[i], context);
    const key = await loadStatement(list.keys[i], context);
    if (!cert || !key) return pairs;
    pairs.push({ certRef: cert.ref, keyRef: key.ref, certificate: cert.file?.certificates[0], chain: cert.file?.certificates, key: key.file?.keys[0] });
  }
  return pairs;
}

/** What OpenSSL makes of the list: the key nginx -t refuses, or certificates that are never served. */
async function slotFindings(list: CertificateList, context: RuleContext): Promise<Finding[]> {
  const pairs = await loadPairs(list, context);
  if (!pairs || pairs.length === 0) return [];
  const outcome = fillSlots(pairs);
  if (outcome.refused) return [refusedKey(context, outcome.refused.pair, outcome.refused.holder, list)];
  if (!outcome.known || pairs.length < list.certs.length) return [];
  const findings: Finding[] = [];
  const serving = servingSlots(outcome);
  for (const slot of outcome.slots.values()) {
    if (!slot.cert || slot.key) continue;
    const { pair, certificate } = slot.cert;
    const key = pair.key as PrivateKeyInfo;
    const what = `"${certificate.subject}" in ${pair.certRef.written} has an ${certificate.keyAlgorithm} key, but ${pair.keyRef.written}, paired with it, is an ${key.keyAlgorithm} key, and OpenSSL pairs each certificate with the key of its own type`;
    if (serving.length === 0) {
      findings.push(placed(context, pair.keyRef, 'key', pair.certRef, 'certificate', {
        code: 'tls.key-mismatch',
        severity: list.loads ? 'error' : 'warning',
        message: `${what}: no certificate here gets its key. nginx -t does not notice this; every handshake then fails ("no shared cipher" or a handshake failure alert).`,
      }));
    } else {
      const served = serving.map((s) => `"${s.cert?.certificate.subject}" (${s.kind})`).join(', ');
      findings.push(placed(context, pair.certRef, 'certificate', pair.keyRef, 'key', {
        code: 'tls.certificate-not-served',
        message: `${what}: this certificate is never served. Handshakes use ${served}; clients that accept only ${certificate.keyAlgorithm} certificates fail. Pair it with its own key.`,
      }));
    }
  }
  for (const { earlier, later } of outcome.replaced) {
    const first = earlier.certificate as CertificateInfo;
    const second = later.certificate as CertificateInfo;
    if (first.fingerprintSha256 === second.fingerprintSha256) continue;
    findings.push(placed(context, earlier.certRef, 'certificate', later.certRef, 'certificate', {
      code: 'tls.certificate-not-served',
      message: `"${first.subject}" in ${earlier.certRef.written} is never served: ${later.certRef.written}, loaded after it, also has an ${first.keyAlgorithm} key, and OpenSSL keeps one certificate per key type (the later one).`,
    }, 'the certificate that replaces it'));
  }
  return findings;
}

/** The key nginx -t refuses: it does not fit the certificate in the slot of its type. */
function refusedKey(context: FindingDetail, pair: LoadPair<FileReference>, holder: { pair: LoadPair<FileReference>; certificate: CertificateInfo }, list: CertificateList): Finding {
  const key = pair.key as PrivateKeyInfo;
  const keyRef = pair.keyRef;
  const certRef = holder.pair.certRef;
  const leaf = holder.certificate;
  const nginxSays = `SSL_CTX_use_PrivateKey("${keyRef.nginxPath ?? keyRef.written}") failed (key values mismatch)`;
  let why: string;
  const otherIndex = holder.pair === pair ? (pair.chain ?? []).findIndex((c, i) => i > 0 && keyMatchesCertificate(key, c) === true) : -1;
  if (otherIndex > 0) {
    why = `The key belongs to certificate #${otherIndex + 1} of "${certRef.written}" ("${(pair.chain ?? [])[otherIndex].subject}"), not to the first one: put the server certificate first in the file.`;
  } else if (holder.pair !== pair) {
    why = `The key is ${key.keyAlgorithm}, so OpenSSL checks it against the ${leaf.keyAlgorithm} certificate loaded before it, "${leaf.subject}" from ${certRef.written}${pair.certificate ? `, not against ${pair.certRef.written}` : ''}: OpenSSL keeps one certificate per key type.`;
  } else {
    why = `The key does not belong to "${leaf.subject}" from ${certRef.written} (public key SHA-256 ${leaf.publicKeySha256.slice(0, 16)}… vs ${key.publicKeySha256?.slice(0, 16)}…).`;
  }
  return placed(context, keyRef, 'key', certRef, 'certificate', list.loads
    ? { code: 'tls.key-mismatch', nginxRefuses: true, message: nginxRefuses(nginxSays, why) }
    : { code: 'tls.key-mismatch', severity: 'warning', message: `${why} nginx does not load this pair yet (no TLS upstream uses it), but refuses it once one does.` });
}

function depthOf(node: ConfigNode): number {
  let depth = 0;
  for (let n = node.parent; n; n = n.parent) depth++;
  return depth;
}

/**
 * A finding about two statements goes on the one written at the inner level: that is the
 * server's (or location's) own statement, the one to change for it, while the outer one is
 * inherited and may be right for other servers. The other statement is related information.
 */
function placed(context: FindingDetail, natural: FileReference, naturalRole: string, other: FileReference, otherRole: string, finding: Omit<Finding, 'file' | 'start' | 'end'>, otherNote?: string): Finding {
  const [at, rel, relRole] = depthOf(other.node) > depthOf(natural.node) ? [other, natural, naturalRole] : [natural, other, otherRole];
  const inherited = rel.node.parent !== at.node.parent;
  const note = rel === other && otherNote ? otherNote : inherited ? `the ${relRole}, inherited from here` : `the ${relRole}`;
  const related = context.reportOnly || rel.node === at.node ? undefined : [{ file: rel.node.file.path, start: rel.arg.start, end: rel.arg.end, message: note }];
  return { ...finding, ...referenceRange(at), related };
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
    code: 'tls.chain-order-incomplete', severity: 'warning', ...referenceRange(certRef),
    message: `The chain in ${certRef.written} ends at "${last.subject}", issued by the intermediate CA "${issuer.subject}", which is not in the file: clients that trust only the root cannot verify it. Append the intermediate certificate after the ${certs.length === 1 ? 'certificate' : 'chain'}.`,
  };
}

function clientMissingIntermediateNote(certRef: FileReference, certFile: InspectedFile, issuer: CertificateInfo): Finding {
  const certs = certFile.certificates;
  const last = certs[certs.length - 1];
  return {
    code: 'tls.chain-order-incomplete', severity: 'information', ...referenceRange(certRef),
    message: `This client certificate chain ends at "${last.subject}", issued by the intermediate CA "${issuer.subject}", which ${certRef.written} does not include. The upstream verifies this client certificate against its own CA file, which this workspace does not show: if that file holds only the root, the upstream rejects the handshake. Append the intermediate to ${certRef.written} unless the upstream trusts the intermediate itself.`,
  };
}

function ekuCheck(certRef: FileReference, leaf: CertificateInfo): Finding[] {
  if (leaf.extendedKeyUsage.length === 0 || leaf.extendedKeyUsage.includes('anyExtendedKeyUsage')) return [];
  const needed = certRef.info.family === 'ssl' ? 'serverAuth' : 'clientAuth';
  if (leaf.extendedKeyUsage.includes(needed)) return [];
  const purpose = needed === 'serverAuth' ? 'a TLS server' : 'a TLS client';
  return [{ code: 'tls.eku-mismatch', ...referenceRange(certRef), message: `"${leaf.subject}" is not meant for ${purpose}: its extended key usage is ${leaf.extendedKeyUsage.join(', ')} without ${needed}, so peers that check it reject the handshake.` }];
}

function certificateNames(cert: CertificateInfo): { dns: string[]; ips: string[] } {
  const dns = cert.subjectAltNames.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const ips = cert.subjectAltNames.filter((s) => s.startsWith('IP:') || s.startsWith('IP Address:')).map((s) => s.replace(/^IP( Address)?:/, ''));
  if (dns.length === 0 && ips.length === 0 && cert.subjectCommonName) dns.push(cert.subjectCommonName);
  return { dns, ips };
}

function serverNames(certRef: FileReference, leaf: CertificateInfo): Finding[] {
  const server = certRef.node.parent;
  if (!server || server.directive.name !== 'server' || server.context !== 'http') return [];
  // A server_name may come from an included file: each name is reported in its own file.
  const names = server.children.filter((c) => c.directive.name === 'server_name').flatMap((c) => c.directive.args.map((arg) => ({ arg, file: c.file.path })));
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

