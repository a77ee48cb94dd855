/**
 * Client chains across an mTLS hop: when both ends are in the workspace, the client
 * certificate a proxy presents (proxy_ssl_certificate) is judged against the server that
 * receives it: issued by a CA that server trusts, with a chain no longer than its
 * ssl_verify_depth. The one family that reads ssl_verify_depth, so that typing into that
 * setting runs it alone and not the certificate-pairing checks of every server.
 */
import { buildChain, isIssuedBy } from '../../certificates/certificateInspector';
import type { CertificateInfo, InspectedFile } from '../../certificates/certificateTypes';
import type { ConfigNode } from '../../model/configTree';
import { effective } from '../../model/effectiveConfig';
import type { Finding, RuleMeta } from '../finding';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { referenceRange, type FileReference } from '../tlsFileReferences';
import { unreadBut } from '../unreadArguments';
import { CA_FILES_READ_AS_CERTIFICATES, localVerifiers, pairingInputs, receivingServers, type InspectedForNode } from './pairingInputs';
import { focusOf } from '../analysisFocus';
import { effectiveOptions } from './tlsRuleSupport';

const RULES: RuleMeta[] = [
  { code: 'mtls.client-cert-untrusted', category: 'certificate', severity: 'warning', title: "Client certificate not issued by the server's client CA", nginxRefuses: false },
  { code: 'tls.verify-depth-too-small', category: 'certificate', severity: 'warning', title: 'Verify depth shorter than the chain', nginxRefuses: false },
];

export const clientChainRules: RuleFamily = {
  name: 'client-chains',
  rules: RULES,
  argumentsUnread: unreadBut('ssl_verify_depth', 'ssl_trusted_certificate'),
  argumentsReadAsCertificates: CA_FILES_READ_AS_CERTIFICATES,
  async run(context: RuleContext): Promise<Finding[]> {
    // Only a client certificate sent to a server of the workspace is judged: without one (most
    // upstreams are not in the workspace), the references, files and CA pool are not gathered.
    const focus = focusOf(context);
    const sent = focus.named('proxy_ssl_certificate');
    if (!sent.some((node) => focus.wanted.has(node.file.path) && (receivingServers(context, node)?.servers.length ?? 0) > 0)) return [];
    const { refs, inspected, inspectedFor, caPool, wanted } = await pairingInputs(context);
    return crossHopChecks(context, refs, inspected, inspectedFor, caPool, wanted).filter((f) => wanted.has(f.file));
  },
};

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
      const serverName = server.children.find((c) => c.directive.name === 'server_name')?.directive.args[0]?.value ?? host;
      const where = `${serverName} (${relative(server)})`;
      const sent = clientFile.certificates.slice(1);
      const chain = buildChain(client, [...sent, ...pool]);
      const anchor = chain[chain.length - 1];
      if (!anchoredIn(chain, pool)) {
        // The server trusts the root, but an intermediate known elsewhere in the workspace is neither sent nor trusted.
        const withKnown = buildChain(client, [...sent, ...pool, ...knownIntermediates(caPool, inspected)]);
        const missing = anchoredIn(withKnown, pool) ? withKnown.slice(1).find((c) => !sent.includes(c) && !pool.includes(c)) : undefined;
        findings.push({
          code: 'mtls.client-cert-untrusted', ...referenceRange(ref),
          message: missing
            ? `The server ${where} verifies clients against ${pool.filter((c) => c.isCA).map((c) => `"${c.subject}"`).join(', ')}, which issued the intermediate CA "${missing.subject}" of this client certificate, but neither ${ref.written} nor that CA file includes the intermediate: the server cannot build the chain and answers 400 "The SSL certificate error". Append the intermediate to ${ref.written}.`
            : `The server ${where} verifies clients against ${pool.filter((c) => c.isCA).map((c) => `"${c.subject}"`).join(', ') || 'a CA bundle'}, which did not issue this client certificate ("${client.subject}", issued by "${client.issuer}"): it will answer 400 "The SSL certificate error".`,
        });
        continue;
      }
      const depthValue = effective(server, 'ssl_verify_depth', context.tree, effectiveOptions(context)).args[0] ?? '1';
      const depth = Number.parseInt(depthValue, 10);
      const intermediates = Math.max(0, chain.length - (pool.some((ca) => ca.fingerprintSha256 === anchor.fingerprintSha256) ? 2 : 1));
      if (Number.isFinite(depth) && intermediates > depth) {
        findings.push({ code: 'tls.verify-depth-too-small', ...referenceRange(ref), message: `This client certificate needs ${intermediates} intermediate CA${intermediates === 1 ? '' : 's'} to reach the trusted CA, but the server ${where} has ssl_verify_depth ${depth}: it will reject the chain as too long.` });
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
