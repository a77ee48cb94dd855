/**
 * Plain-object results of inspecting certificate, key and CA files.
 * Nothing here may ever carry private key material: keys are described by type, size,
 * encryption and the SHA-256 fingerprint of their *public* half only.
 */

/** What a file turned out to be, judged by its bytes (not its name). */
export type FileKind =
  | 'pem'            // text with at least one PEM block (see blocks for labels)
  | 'der-certificate'
  | 'der-private-key'
  | 'pkcs12'
  | 'pkcs7'          // DER PKCS#7 (PEM PKCS#7 is 'pem' with label PKCS7)
  | 'der-csr'
  | 'der-other'      // DER we could not classify
  | 'empty'
  | 'text'           // text without any PEM block
  | 'binary'         // non-text, not DER
  | 'missing'
  | 'unreadable'     // EACCES etc.
  | 'directory'
  | 'not-regular'    // FIFO, socket, device
  | 'too-large';     // over the size cap, not read

export type KeyAlgorithm = 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'DH' | 'unknown';

export interface CertificateInfo {
  /** Index of the certificate within its file (0-based). */
  index: number;
  /** PEM label it came from ("CERTIFICATE", "TRUSTED CERTIFICATE") or "DER". */
  label: string;
  subject: string;           // one-line, e.g. "CN=serverA.example.com, O=Example"
  issuer: string;
  subjectCommonName?: string;
  /** SANs as "DNS:name", "IP:1.2.3.4", "email:…", "URI:…". */
  subjectAltNames: string[];
  serialNumber: string;      // hex, upper case
  notBefore: string;         // ISO 8601
  notAfter: string;          // ISO 8601
  keyAlgorithm: KeyAlgorithm;
  keySize?: number;          // bits for RSA/DSA
  curve?: string;            // e.g. "prime256v1" / "P-256"
  signatureAlgorithm: string; // e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA256"
  isCA: boolean;
  pathLength?: number;
  keyUsage: string[];        // e.g. ["digitalSignature","keyCertSign"]
  extendedKeyUsage: string[]; // e.g. ["serverAuth","clientAuth"] (names, OIDs when unknown)
  selfSigned: boolean;
  fingerprintSha256: string; // "AB:CD:…"
  /** SHA-256 of the DER SubjectPublicKeyInfo, hex; equal for a cert and its matching key. */
  publicKeySha256: string;
  /** DER of the certificate, base64, for chain checks (public data). */
  derBase64: string;
}

export interface PrivateKeyInfo {
  index: number;
  label: string;             // "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "DER"
  encrypted: boolean;
  /** Set when the key could be opened (unencrypted, or decrypted with a supplied passphrase). */
  keyAlgorithm?: KeyAlgorithm;
  keySize?: number;
  curve?: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo derived from the key, hex. */
  publicKeySha256?: string;
  /** When encrypted and passphrases were given: whether one of them opened it. */
  passphraseAccepted?: boolean;
  /** Why the key could not be parsed, if it could not (never contains key bytes). */
  error?: string;
  /** Container format: "pkcs8", "pkcs1", "sec1", "encrypted-pkcs8", "legacy-encrypted" (Proc-Type), "openssh". */
  format?: string;
  /** How an encrypted key is protected, e.g. "PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)". */
  encryption?: string;
}

/** A certificate revocation list (PEM "X509 CRL" block or DER CRL). */
export interface CrlInfo {
  index: number;
  issuer: string;            // one-line, same style as CertificateInfo.issuer
  thisUpdate?: string;       // ISO 8601
  nextUpdate?: string;       // ISO 8601
  revokedCount: number;
  signatureAlgorithm: string;
}

export interface InspectedFile {
  path: string;
  kind: FileKind;
  size?: number;
  mtimeMs?: number;
  /** File mode bits (st_mode & 0o777) when stat worked. */
  mode?: number;
  /** PEM block labels in file order, e.g. ["CERTIFICATE","CERTIFICATE","PRIVATE KEY"]. */
  pemLabels: string[];
  certificates: CertificateInfo[];
  keys: PrivateKeyInfo[];
  /** Human-readable reason when kind is an error kind or parsing partly failed. */
  error?: string;
  /** True when the PEM text uses CRLF line endings (nginx accepts it; informational). */
  crlf?: boolean;
  /** Number of certificates found in the file, including any beyond the parsing cap. */
  certificateCount?: number;
  /** True when only the first certificates/blocks were parsed (see certificateCount). */
  truncated?: boolean;
  /** CRLs found in the file (PEM "X509 CRL" blocks or a DER CRL). */
  crls?: CrlInfo[];
  /** For DER/binary containers: what the structure is, e.g. "PKCS#12 (PFX)", "X.509 CRL", "DH parameters". */
  description?: string;
}
