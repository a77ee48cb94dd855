/**
 * Certificate and key files in the workspace, classified so that authoring actions can fill
 * in paths: CA bundles, server and client certificates, and private keys paired with the
 * certificate whose public key they hold. The walk is bounded (depth, file count, size) and
 * reads only files named like certificates or keys.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CertificateInspector } from '../certificates/certificateInspector';
import type { CertificateInfo, InspectedFile } from '../certificates/certificateTypes';

export interface WorkspaceCertificate {
  /** Absolute path. */
  path: string;
  kind: 'ca' | 'server' | 'client' | 'key';
  /** Subject of the (first) certificate; absent for keys. */
  subject?: string;
  /** Issuer of the (first) certificate; absent for keys. */
  issuer?: string;
  /** DNS names of a leaf's subjectAltName extension. */
  dnsNames?: string[];
  /**
   * The other half of a certificate/key pair: on a certificate, the key file holding its
   * private key; on a key, the certificate it belongs to. The same path on both sides when
   * one PEM file holds the certificate and its key.
   */
  matchesKeyOf?: string;
}

export interface CertificateSearchLimits {
  /** Directory levels below each folder; default 6. */
  maxDepth?: number;
  /** Candidate files inspected in total; default 500. */
  maxFiles?: number;
  /** Directory entries read in total, so huge trees end the walk early; default 20000. */
  maxEntries?: number;
}

const EXTENSIONS = new Set(['.crt', '.pem', '.key', '.cer']);
/** Folders that never hold a configuration's certificates but can be enormous. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'out', 'dist', '.vscode-test']);

/** Lists certificate-like files under `folders` (breadth first, sorted, bounded). */
async function candidateFiles(folders: readonly string[], limits: Required<CertificateSearchLimits>): Promise<string[]> {
  const found: string[] = [];
  let entries = 0;
  const queue: Array<{ dir: string; depth: number }> = folders.map((f) => ({ dir: path.resolve(f), depth: 0 }));
  const seen = new Set<string>();
  while (queue.length > 0 && found.length < limits.maxFiles && entries < limits.maxEntries) {
    const { dir, depth } = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    let listing: fs.Dirent[];
    try {
      listing = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    listing.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of listing) {
      if (++entries > limits.maxEntries || found.length >= limits.maxFiles) break;
      const full = path.join(dir, entry.name);
      // Symbolic links are not followed: a link to / must not turn the walk into a disk scan.
      if (entry.isDirectory()) {
        if (depth < limits.maxDepth && !SKIPPED_DIRS.has(entry.name)) queue.push({ dir: full, depth: depth + 1 });
      } else if (entry.isFile() && EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
        found.push(full);
      }
    }
  }
  return found;
}

/** A leaf's role, from its extended key usage; SANs decide when the EKU does not. */
function leafKind(leaf: CertificateInfo): 'server' | 'client' {
  const eku = leaf.extendedKeyUsage;
  const server = eku.includes('serverAuth');
  const client = eku.includes('clientAuth');
  if (server && !client) return 'server';
  if (client && !server) return 'client';
  return leaf.subjectAltNames.some((s) => s.startsWith('DNS:') || s.startsWith('IP:')) ? 'server' : 'client';
}

interface Classified {
  entry: WorkspaceCertificate;
  /** Public key of a leaf certificate or of a key. */
  publicKey?: string;
  /** A key in the same file as the certificate. */
  embeddedKey?: boolean;
}

function classify(file: InspectedFile): Classified | undefined {
  // nginx reads certificates and keys in PEM only; DER or PKCS#12 files are of no use here.
  if (file.kind !== 'pem') return undefined;
  const first = file.certificates[0];
  if (first) {
    if (first.isCA) {
      // A usable CA bundle holds CA certificates only (a key inside one is mtls.ca-bundle-unusable).
      if (file.certificates.some((c) => !c.isCA) || file.keys.length > 0) return undefined;
      return { entry: { path: file.path, kind: 'ca', subject: first.subject, issuer: first.issuer } };
    }
    const key = file.keys.find((k) => k.publicKeySha256 === first.publicKeySha256);
    return {
      entry: {
        path: file.path, kind: leafKind(first), subject: first.subject, issuer: first.issuer,
        dnsNames: first.subjectAltNames.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)), ...(key ? { matchesKeyOf: file.path } : {}),
      },
      publicKey: first.publicKeySha256,
      embeddedKey: key !== undefined,
    };
  }
  const key = file.keys[0];
  if (key && file.keys.length === 1 && !key.encrypted && key.publicKeySha256) {
    return { entry: { path: file.path, kind: 'key' }, publicKey: key.publicKeySha256 };
  }
  return undefined;
}

/**
 * Finds and classifies certificate, CA and key files under the workspace folders. Results are
 * in walk order (breadth first, names sorted). Leaves are paired with a key file holding the
 * same public key; a certificate that has several candidate keys is paired with the first one.
 */
export async function findWorkspaceCertificates(
  folders: readonly string[],
  inspector: CertificateInspector,
  limits: CertificateSearchLimits = {},
): Promise<WorkspaceCertificate[]> {
  const bounded: Required<CertificateSearchLimits> = {
    maxDepth: limits.maxDepth ?? 6,
    maxFiles: limits.maxFiles ?? 500,
    maxEntries: limits.maxEntries ?? 20000,
  };
  const classified: Classified[] = [];
  for (const file of await candidateFiles(folders, bounded)) {
    const result = classify(await inspector.inspect(file));
    if (result) classified.push(result);
  }
  const keysByPublicKey = new Map<string, Classified>();
  for (const c of classified) {
    if (c.entry.kind === 'key' && c.publicKey && !keysByPublicKey.has(c.publicKey)) keysByPublicKey.set(c.publicKey, c);
  }
  for (const c of classified) {
    if ((c.entry.kind !== 'server' && c.entry.kind !== 'client') || c.embeddedKey || !c.publicKey) continue;
    const key = keysByPublicKey.get(c.publicKey);
    if (!key) continue;
    c.entry.matchesKeyOf = key.entry.path;
    key.entry.matchesKeyOf ??= c.entry.path;
  }
  return classified.map((c) => c.entry);
}

/** A certificate (with its key file when it has one) chosen for an authoring action. */
export interface CertificateChoice {
  certificate: string;
  key: string;
}

/**
 * The one CA bundle of the workspace, or undefined when there is none or several. With
 * several, `issuers` (issuer subjects of the certificates in play) can still single one out.
 */
export function clearCaChoice(certificates: readonly WorkspaceCertificate[], issuers: readonly string[] = []): string | undefined {
  const cas = certificates.filter((c) => c.kind === 'ca');
  if (cas.length === 1) return cas[0].path;
  if (issuers.length > 0) {
    const matching = cas.filter((c) => c.subject !== undefined && issuers.includes(c.subject));
    if (matching.length === 1) return matching[0].path;
  }
  return undefined;
}

/**
 * The one certificate of `kind` that has a matching key, or undefined when none or several
 * identities do. Files of one identity (a leaf and its full chain share a key) count once.
 */
export function clearLeafChoice(certificates: readonly WorkspaceCertificate[], kind: 'server' | 'client'): CertificateChoice | undefined {
  const paired = certificates.filter((c) => c.kind === kind && c.matchesKeyOf !== undefined);
  const identities = new Map<string, WorkspaceCertificate[]>();
  for (const c of paired) {
    const group = identities.get(c.matchesKeyOf!) ?? [];
    group.push(c);
    identities.set(c.matchesKeyOf!, group);
  }
  if (identities.size !== 1) return undefined;
  const [[key, group]] = [...identities.entries()];
  // nginx sends the whole file as the chain: a server prefers its full-chain file, a client its leaf.
  const sorted = [...group].sort((a, b) => chainScore(b.path, kind) - chainScore(a.path, kind) || a.path.length - b.path.length || (a.path < b.path ? -1 : 1));
  return { certificate: sorted[0].path, key };
}

function chainScore(filePath: string, kind: 'server' | 'client'): number {
  const isChain = /chain/i.test(path.basename(filePath));
  return kind === 'server' ? Number(isChain) : -Number(isChain);
}
