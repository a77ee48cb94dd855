/**
 * Markdown rendering of inspected certificate/key/CA/CRL files for hovers.
 * Pure: the clock comes from `opts.now`. Renders only public data (never key material).
 */
import { CertificateInfo, CrlInfo, FileKind, InspectedFile, PrivateKeyInfo } from './certificateTypes';
import { keyMatchesCertificate } from './certificateInspector';
import { WEAK_SIGNATURE_ALGORITHMS } from './oids';

export type FileRole = 'certificate' | 'key' | 'ca-bundle' | 'crl' | 'other';

export interface HoverRenderOptions {
  now: Date;
  /** Key file configured next to this certificate (ssl_certificate_key for ssl_certificate). */
  pairedKey?: InspectedFile;
  /** Certificate file configured next to this key. */
  pairedCertificate?: InspectedFile;
  role?: FileRole;
  resolvedPath?: string;
}

const DAY = 86_400_000;
const MAX_BUNDLE_LIST = 25;
const MAX_SANS = 12;

const KIND_TITLES: Record<FileKind, string> = {
  pem: 'PEM file',
  'der-certificate': 'DER certificate',
  'der-private-key': 'DER private key',
  pkcs12: 'PKCS#12 archive',
  pkcs7: 'PKCS#7 file',
  'der-csr': 'DER certificate request',
  'der-other': 'DER data',
  empty: 'Empty file',
  text: 'Text file without PEM blocks',
  binary: 'Binary file',
  missing: 'File not found',
  unreadable: 'Unreadable file',
  directory: 'Directory, not a file',
  'not-regular': 'Not a regular file',
  'too-large': 'File too large to inspect',
};

/** Escapes text for Markdown (outside code spans). */
function md(s: string): string {
  return s.replace(/[\\`*_[\]<>|~]/g, '\\$&').replace(/\r?\n/g, ' ');
}

/** Inline code span that survives backticks in the value. */
function code(s: string): string {
  const clean = s.replace(/\r?\n/g, ' ');
  const runs = clean.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function date(iso: string): string {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 10);
}

/** "(123 days left)", "(expired 5 days ago)", "(not yet valid: starts in 3 days)". */
export function describeValidity(notBefore: string, notAfter: string, now: Date): { text: string; expired: boolean; notYetValid: boolean } {
  const nb = new Date(notBefore).getTime();
  const na = new Date(notAfter).getTime();
  const t = now.getTime();
  if (!isNaN(nb) && t < nb) {
    const days = Math.ceil((nb - t) / DAY);
    return { text: `not yet valid: starts in ${plural(days, 'day')}`, expired: false, notYetValid: true };
  }
  if (!isNaN(na) && t > na) {
    const days = Math.floor((t - na) / DAY);
    return { text: days === 0 ? 'expired less than a day ago' : `expired ${plural(days, 'day')} ago`, expired: true, notYetValid: false };
  }
  if (isNaN(na)) return { text: 'unknown expiry', expired: false, notYetValid: false };
  const days = Math.floor((na - t) / DAY);
  return { text: days === 0 ? 'expires within a day' : `${plural(days, 'day')} left`, expired: false, notYetValid: false };
}

function keyDescription(k: { keyAlgorithm?: string; keySize?: number; curve?: string }): string {
  if (!k.keyAlgorithm) return 'unknown key type';
  if (k.curve) return `${k.keyAlgorithm} ${k.curve}${k.keySize ? ` (${k.keySize} bits)` : ''}`;
  if (k.keyAlgorithm === 'RSA' || k.keyAlgorithm === 'RSA-PSS' || k.keyAlgorithm === 'DSA') {
    return `${k.keyAlgorithm}${k.keySize ? ` ${k.keySize} bits` : ''}`;
  }
  return k.keyAlgorithm;
}

function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

function fileSummary(file: InspectedFile): string {
  const parts: string[] = [];
  const certCount = file.certificateCount ?? file.certificates.length;
  if (certCount) parts.push(plural(certCount, 'certificate'));
  if (file.keys.length) parts.push(plural(file.keys.length, 'private key'));
  if (file.crls?.length) parts.push(plural(file.crls.length, 'CRL'));
  if (file.kind === 'pem') {
    const other = file.pemLabels.filter(
      (l) => !/CERTIFICATE$/.test(l) && !/PRIVATE KEY$/.test(l) && l !== 'X509 CRL' && l !== 'PKCS7',
    );
    for (const l of [...new Set(other)]) parts.push(`${l} block`);
  }
  return parts.join(', ');
}

function renderCertificate(c: CertificateInfo, n: number, total: number, now: Date, lines: string[]): void {
  const name = c.subjectCommonName ?? c.subject;
  lines.push(`**Certificate${total > 1 ? ` ${n}/${total}` : ''}** — ${code(name || '(empty subject)')}${c.isCA ? ' (CA)' : ''}`);
  lines.push('');
  lines.push(`- **Subject:** ${code(c.subject || '(empty)')}`);
  lines.push(`- **Issuer:** ${c.selfSigned ? 'self-signed' : code(c.issuer || '(empty)')}`);
  if (c.subjectAltNames.length) {
    const shown = c.subjectAltNames.slice(0, MAX_SANS).map(code).join(', ');
    const more = c.subjectAltNames.length > MAX_SANS ? `, …and ${c.subjectAltNames.length - MAX_SANS} more` : '';
    lines.push(`- **SANs:** ${shown}${more}`);
  } else {
    lines.push('- **SANs:** none');
  }
  const v = describeValidity(c.notBefore, c.notAfter, now);
  const vText = v.expired || v.notYetValid ? `**${v.text}**` : v.text;
  lines.push(`- **Valid:** ${date(c.notBefore)} → ${date(c.notAfter)} (${vText})`);
  lines.push(`- **Key:** ${keyDescription(c)}`);
  const weak = WEAK_SIGNATURE_ALGORITHMS.has(c.signatureAlgorithm) ? ' — **weak**' : '';
  lines.push(`- **Signature:** ${md(c.signatureAlgorithm)}${weak}`);
  lines.push(`- **Basic constraints:** ${c.isCA ? `CA:TRUE${c.pathLength !== undefined ? `, pathlen:${c.pathLength}` : ''}` : 'CA:FALSE'}`);
  if (c.keyUsage.length) lines.push(`- **Key usage:** ${md(c.keyUsage.join(', '))}`);
  if (c.extendedKeyUsage.length) lines.push(`- **Extended key usage:** ${md(c.extendedKeyUsage.join(', '))}`);
  lines.push(`- **Serial:** ${code(c.serialNumber)}`);
  lines.push(`- **SHA-256 fingerprint:** ${code(c.fingerprintSha256)}`);
  lines.push('');
}

function keyStateText(k: PrivateKeyInfo): string {
  const parts: string[] = [];
  parts.push(k.keyAlgorithm ? keyDescription(k) : k.encrypted ? 'type unknown until decrypted' : 'unreadable');
  if (k.format) parts.push(FORMAT_NAMES[k.format] ?? k.format);
  if (k.encrypted) {
    let s = 'encrypted';
    if (k.encryption) s += ` with ${k.encryption}`;
    if (k.passphraseAccepted === true) s += '; passphrase accepted';
    else if (k.passphraseAccepted === false) s += '; **no supplied passphrase opens it**';
    else s += '; needs a passphrase (ssl_password_file)';
    parts.push(s);
  } else {
    parts.push('not encrypted');
  }
  return parts.join(', ');
}

const FORMAT_NAMES: Record<string, string> = {
  pkcs8: 'PKCS#8',
  pkcs1: 'PKCS#1',
  sec1: 'SEC1',
  'encrypted-pkcs8': 'encrypted PKCS#8',
  'legacy-encrypted': 'legacy PEM',
  openssh: 'OpenSSH format',
};

function matchLine(key: PrivateKeyInfo, cert: CertificateInfo, where: string): string {
  const m = keyMatchesCertificate(key, cert);
  if (m === true) return `✓ matches the certificate${where}`;
  if (m === false) return `✗ **does not match** the certificate${where}`;
  return `cannot check against the certificate${where} (key not opened)`;
}

function renderKey(k: PrivateKeyInfo, total: number, lines: string[], cert?: CertificateInfo, certWhere = ''): void {
  lines.push(`**Private key${total > 1 ? ` ${k.index + 1}/${total}` : ''}** — ${md(keyStateText(k))}`);
  if (cert) lines.push(`- ${matchLine(k, cert, certWhere)}`);
  if (k.error) lines.push(`- ⚠ ${md(k.error)}`);
  lines.push('');
}

function renderBundle(file: InspectedFile, now: Date, lines: string[], title = 'CA bundle', skip = 0): void {
  const total = (file.certificateCount ?? file.certificates.length) - skip;
  const list = file.certificates.slice(skip);
  let expired = 0;
  for (const c of list) if (describeValidity(c.notBefore, c.notAfter, now).expired) expired++;
  lines.push(`**${title}** — ${plural(total, 'certificate')}${expired ? `, **${expired} expired**` : ''}`);
  lines.push('');
  list.slice(0, MAX_BUNDLE_LIST).forEach((c, i) => {
    const v = describeValidity(c.notBefore, c.notAfter, now);
    const vText = v.expired || v.notYetValid ? `**${v.text}**` : v.text;
    const ca = c.isCA ? '' : ' (not a CA)';
    lines.push(`${i + 1 + skip}. ${code(c.subject || '(empty)')}${ca} — until ${date(c.notAfter)} (${vText})`);
  });
  if (total > MAX_BUNDLE_LIST) lines.push(`\n…and ${total - MAX_BUNDLE_LIST} more`);
  lines.push('');
}

function renderCrl(crl: CrlInfo, now: Date, lines: string[]): void {
  lines.push(`**CRL** — issuer ${code(crl.issuer || '(empty)')}`);
  lines.push('');
  if (crl.thisUpdate) lines.push(`- **This update:** ${date(crl.thisUpdate)}`);
  if (crl.nextUpdate) {
    const overdue = new Date(crl.nextUpdate).getTime() < now.getTime();
    lines.push(`- **Next update:** ${date(crl.nextUpdate)}${overdue ? ' (**overdue** — nginx rejects clients with an expired CRL)' : ''}`);
  }
  lines.push(`- **Revoked certificates:** ${crl.revokedCount}`);
  lines.push(`- **Signature:** ${md(crl.signatureAlgorithm)}`);
  lines.push('');
}

/** Compact Markdown for a hover over a certificate/key/CA/CRL path. */
export function renderInspectedFileMarkdown(file: InspectedFile, opts: HoverRenderOptions): string {
  const lines: string[] = [];
  const { now } = opts;
  const summary = fileSummary(file);
  lines.push(`**${KIND_TITLES[file.kind] ?? file.kind}**${summary ? ` — ${md(summary)}` : ''}${file.crlf ? ' (CRLF line endings)' : ''}`);
  lines.push('');
  lines.push(code(opts.resolvedPath ?? file.path));
  lines.push('');
  if (file.description) {
    lines.push(md(file.description));
    lines.push('');
  }
  if (file.error) {
    lines.push(`⚠ ${md(file.error)}`);
    lines.push('');
  }

  const certs = file.certificates;
  const total = file.certificateCount ?? certs.length;
  const isBundle = (opts.role === 'ca-bundle' && total > 1) || total > 2;
  if (certs.length) {
    lines.push('---');
    lines.push('');
    if (isBundle && opts.role === 'certificate') {
      // full chain for ssl_certificate: the leaf in detail, the rest as a list
      renderCertificate(certs[0], 1, total, now, lines);
      renderBundle(file, now, lines, 'Chain', 1);
    } else if (isBundle) {
      renderBundle(file, now, lines);
    } else {
      certs.forEach((c, i) => renderCertificate(c, i + 1, file.certificateCount ?? certs.length, now, lines));
    }
  }

  const leaf = certs[0];
  // key(s) in this file
  if (file.keys.length) {
    lines.push('---');
    lines.push('');
    const pairedCert = leaf ?? opts.pairedCertificate?.certificates[0];
    const where = leaf ? ' in this file' : opts.pairedCertificate ? ` (${code(basename(opts.pairedCertificate.path))})` : '';
    for (const k of file.keys) renderKey(k, file.keys.length, lines, pairedCert, where);
  } else if (opts.pairedCertificate && opts.role === 'key' && !opts.pairedCertificate.certificates.length) {
    lines.push(`Paired certificate ${code(basename(opts.pairedCertificate.path))} has no readable certificate.`);
    lines.push('');
  }

  // paired key for a certificate file
  if (leaf && opts.pairedKey && opts.role !== 'ca-bundle') {
    const k = opts.pairedKey.keys[0];
    lines.push('---');
    lines.push('');
    if (k) {
      lines.push(`**Certificate key** ${code(basename(opts.pairedKey.path))}: ${md(keyStateText(k))}`);
      lines.push(`- ${matchLine(k, leaf, '')}`);
    } else {
      lines.push(`**Certificate key** ${code(basename(opts.pairedKey.path))}: no private key found (${md(KIND_TITLES[opts.pairedKey.kind] ?? opts.pairedKey.kind)})`);
    }
    lines.push('');
  }

  for (const crl of file.crls ?? []) renderCrl(crl, now, lines);

  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
