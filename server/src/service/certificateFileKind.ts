/**
 * What a certificate-ish file holds, told from its PEM labels (`-----BEGIN X509 CRL-----`),
 * so path completion offers a CRL for `*_crl` even when it is named `.crt`, and never a key
 * where a certificate goes. Files without PEM labels are left to their name ending.
 */

export type PemContent = 'certificate' | 'key' | 'crl' | 'dhparam';

/** What each file directive reads; `text` means a plain file (passwords), not PEM. */
export type FileDirectiveKind = PemContent | 'text' | 'other';

/** The kinds of PEM block in `head` (the start of a file); empty when it has none. */
export function pemContents(head: string): Set<PemContent> {
  const kinds = new Set<PemContent>();
  for (const match of head.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)) {
    const label = match[1];
    if (label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE' || label === 'X509 CERTIFICATE') kinds.add('certificate');
    else if (label.endsWith('PRIVATE KEY')) kinds.add('key');
    else if (label === 'X509 CRL') kinds.add('crl');
    else if (label === 'DH PARAMETERS') kinds.add('dhparam');
  }
  return kinds;
}

/**
 * Whether a file fits a directive judged by content: true/false when its PEM labels decide,
 * undefined when they do not (no labels, or a directive that does not read PEM).
 */
export function fitsByContent(head: string, wanted: FileDirectiveKind): boolean | undefined {
  if (wanted === 'other') return undefined;
  const kinds = pemContents(head);
  if (kinds.size === 0) return undefined;
  // A password file is plain text: a PEM file is never one.
  if (wanted === 'text') return false;
  return kinds.has(wanted);
}
