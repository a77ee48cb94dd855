/**
 * What the certificate-pairing and client-chain families both read: the certificate, key and
 * CA references they judge, each file inspected once, the tree's pool of CA certificates and
 * the servers of the workspace that verify a client certificate. Computed once per analysis
 * when both run; after an edit that only one of them reads (service/argumentEditReuse.ts) that
 * one computes it alone.
 */
import type { CertificateInfo, InspectedFile } from '../../certificates/certificateTypes';
import type { ConfigNode } from '../../model/configTree';
import { effective } from '../../model/effectiveConfig';
import { serversNamed } from '../../model/serverNameIndex';
import { isBuiltTree, namedGroups } from '../../model/treeIndexes';
import { atLeast } from '../../directives/versions';
import type { RuleContext } from '../ruleContext';
import { focusOf } from '../analysisFocus';
import { collectFileReferences, fileDirectivesOfRoles, skipReason, type FileReference } from '../tlsFileReferences';
import { effectiveOptions } from './tlsRuleSupport';

export interface PairingInputs {
  /** The files whose findings are wanted. */
  wanted: ReadonlySet<string>;
  /** The references of the checked files and one of each CA file of the tree, with a resolved path. */
  refs: FileReference[];
  /** The inspected file of each certificate, key and CA reference. */
  inspected: Map<FileReference, InspectedFile>;
  /** The certificates of every CA file: the pool chains are built from. */
  caPool: CertificateInfo[];
  /** The inspected file of a statement, also of a CA statement whose file another reference read. */
  inspectedFor: InspectedForNode;
}

const inputsOfAnalysis = new WeakMap<RuleContext, Promise<PairingInputs>>();

/** The inputs of one analysis (computed by the first family that asks). */
export function pairingInputs(context: RuleContext): Promise<PairingInputs> {
  let inputs = inputsOfAnalysis.get(context);
  if (!inputs) {
    inputs = computeInputs(context);
    inputsOfAnalysis.set(context, inputs);
  }
  return inputs;
}

async function computeInputs(context: RuleContext): Promise<PairingInputs> {
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
  const caPool = [...new Set(refs.filter((r) => r.info.role === 'ca-bundle').map((r) => inspected.get(r)))]
    .flatMap((file) => file?.certificates ?? []);
  return { wanted: focusOf(context).wanted, refs, inspected, caPool, inspectedFor: inspectedByNode(context, refs, inspected, byPath) };
}

/**
 * The references the two families read: those of the checked files and every CA file of the
 * tree (the pool for chains, and the CA of the server at the other end of an mTLS hop).
 * Certificates and keys are paired per server or request path (certificateLists).
 */
function pairingReferences(context: RuleContext): FileReference[] {
  const focus = focusOf(context);
  if (focus.whole) return collectFileReferences(context);
  const own = collectFileReferences(context, focus.nodes);
  // Thousands of servers name the same few CA files: one reference per file written is
  // enough for the pool, and crossHopChecks finds the others by path.
  // The first statement of each file written, kept per tree (updated for the edited file's).
  const caNodes: ConfigNode[] = [];
  for (const name of CA_DIRECTIVES) {
    const firsts = [...namedGroups(context.tree, name, 'written', firstArgument).values()].map((nodes) => nodes[0]);
    // A derived index keeps its groups in another order; nodes of a built tree have order keys.
    if (isBuiltTree(context.tree.nodes)) firsts.sort((a, b) => (a.order as number) - (b.order as number));
    caNodes.push(...firsts);
  }
  const elsewhere = collectFileReferences(context, caNodes.filter((node) => !focus.touchesNode(node)));
  return [...own, ...elsewhere];
}

function firstArgument(node: ConfigNode): string | undefined {
  return node.directive.args[0]?.value;
}

const CA_DIRECTIVES = fileDirectivesOfRoles('ca-bundle');

/**
 * The CA directives the two families read only as the certificates of their files (the pool,
 * the verifying servers' trust stores): RuleFamily.argumentsReadAsCertificates.
 */
export const CA_FILES_READ_AS_CERTIFICATES: ReadonlySet<string> = new Set(CA_DIRECTIVES);

interface HttpsTarget {
  host: string;
  port: string;
}

function httpsTarget(location: ConfigNode): HttpsTarget | undefined {
  const pass = location.children.find((c) => c.directive.name === 'proxy_pass');
  const url = pass?.directive.args[0];
  if (!url || url.hasVariable) return undefined;
  const match = /^https:\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?/i.exec(url.value);
  return match ? { host: match[1].toLowerCase(), port: match[2] ?? '443' } : undefined;
}

/** http servers of the tree that answer TLS for `host` on `port` (Server A for a Server B location). */
function serversFor(context: RuleContext, target: HttpsTarget): ConfigNode[] {
  return serversNamed(context.tree, target.host).filter((server) => {
    if (server.context !== 'http') return false;
    const listens = server.children.filter((c) => c.directive.name === 'listen');
    return listens.some((l) => l.directive.args.some((a) => a.value === 'ssl') && (l.directive.args[0]?.value.split(':').pop() ?? '') === target.port);
  });
}

export type InspectedForNode = (node: ConfigNode | undefined) => InspectedFile | undefined;

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

export interface LocalVerifier {
  server: ConfigNode;
  /** The host the proxy_pass names, for messages when the server has no server_name. */
  host: string;
  /** The certificates of the server's client CA files (its trust store for client certificates). */
  pool: CertificateInfo[];
}

/** The http servers of the workspace that a proxy_ssl_certificate statement's location sends its certificate to (with their host). */
export function receivingServers(context: RuleContext, node: ConfigNode): { host: string; servers: ConfigNode[] } | undefined {
  const target = node.parent && httpsTarget(node.parent);
  return target ? { host: target.host, servers: serversFor(context, target) } : undefined;
}

/** Servers of the workspace that receive this proxy_ssl_certificate and whose client CA file is readable. */
export function localVerifiers(context: RuleContext, ref: FileReference, inspectedFor: InspectedForNode): LocalVerifier[] {
  if (ref.info.family !== 'proxy_ssl' || ref.info.role !== 'certificate') return [];
  const receiving = receivingServers(context, ref.node);
  if (!receiving) return [];
  const verifiers: LocalVerifier[] = [];
  for (const server of receiving.servers) {
    const setting = (name: string) => effective(server, name, context.tree, effectiveOptions(context));
    const caNodes = setting('ssl_client_certificate').nodes;
    const trustedNodes = atLeast(context.settings.targetVersion, '1.27.2') ? setting('ssl_trusted_certificate').nodes : [];
    const pool = [...caNodes, ...trustedNodes].flatMap((node) => inspectedFor(node)?.certificates ?? []);
    if (pool.length > 0) verifiers.push({ server, host: receiving.host, pool });
  }
  return verifiers;
}

