/**
 * Trust stores: the files nginx hands to OpenSSL as trust anchors (ssl_client_certificate,
 * ssl_trusted_certificate, proxy_/grpc_/uwsgi_ssl_trusted_certificate). They are judged as a
 * set: OpenSSL picks, among the certificates that could anchor a chain, one that is valid at
 * the time of the handshake, so an expired entry next to a valid one costs nothing. Only a
 * store in which no entry can anchor anything breaks verification.
 */
import * as path from 'node:path';
import type { CertificateInfo } from './certificateTypes';

/**
 * Where operating systems keep the trust stores their package managers write (Debian/Ubuntu,
 * RHEL/Fedora, Arch, openSUSE, Alpine, FreeBSD). Nobody edits these by hand and their content
 * changes from host to host, so the checker never judges their individual entries.
 */
const SYSTEM_TRUST_STORE_DIRECTORIES: readonly string[] = [
  '/etc/ssl/certs/',
  '/etc/pki/',
  '/usr/share/ca-certificates/',
  '/etc/ca-certificates/',
  '/var/lib/ca-certificates/',
  '/usr/local/share/certs/',
];

/** Bundles that sit directly in a directory shared with other files. */
const SYSTEM_TRUST_STORE_FILES: readonly string[] = ['/etc/ssl/cert.pem', '/etc/ssl/ca-bundle.pem'];

/** True for a path inside a system trust store (see SYSTEM_TRUST_STORE_DIRECTORIES). */
export function isSystemTrustStore(filePath: string | undefined): boolean {
  if (!filePath || !filePath.startsWith('/')) return false;
  const normal = path.posix.normalize(filePath);
  return SYSTEM_TRUST_STORE_FILES.includes(normal) || SYSTEM_TRUST_STORE_DIRECTORIES.some((dir) => normal.startsWith(dir));
}

/**
 * A certificate that can end a chain when it sits in a trust store: a CA, or a self-signed
 * certificate trusted as itself (pinning a self-signed upstream; OpenSSL accepts that).
 */
export function canAnchorTrust(cert: CertificateInfo): boolean {
  return cert.isCA || cert.selfSigned;
}

export type EntryState = 'expired' | 'not-yet-valid' | 'expiring';

export interface StaleEntry {
  certificate: CertificateInfo;
  state: EntryState;
}

export interface TrustStoreAssessment {
  /** Entries that can anchor a chain (CAs and self-signed certificates). */
  anchors: CertificateInfo[];
  /** Anchors valid now. */
  usable: CertificateInfo[];
  /** Anchors expired, not yet valid, or expiring within the warning window. */
  stale: StaleEntry[];
  /** False when the file held more certificates than were parsed: absent anchors prove nothing. */
  complete: boolean;
}

const DAY = 86_400_000;

export function assessTrustStore(certificates: readonly CertificateInfo[], certificateCount: number | undefined, now: Date, warnDays: number): TrustStoreAssessment {
  const anchors = certificates.filter(canAnchorTrust);
  const usable: CertificateInfo[] = [];
  const stale: StaleEntry[] = [];
  const at = now.getTime();
  for (const certificate of anchors) {
    const notAfter = Date.parse(certificate.notAfter);
    const notBefore = Date.parse(certificate.notBefore);
    if (notAfter < at) stale.push({ certificate, state: 'expired' });
    else if (notBefore > at) stale.push({ certificate, state: 'not-yet-valid' });
    else {
      usable.push(certificate);
      if (notAfter - at < warnDays * DAY) stale.push({ certificate, state: 'expiring' });
    }
  }
  return { anchors, usable, stale, complete: (certificateCount ?? certificates.length) <= certificates.length };
}

/** The date after which none of the usable anchors is valid any more. */
export function lastExpiry(usable: readonly CertificateInfo[]): string | undefined {
  return usable.map((c) => c.notAfter).sort().pop();
}
