/**
 * Inspects certificate, key, CA-bundle and CRL files the way nginx/OpenSSL would see them.
 *
 * - `inspectBuffer` is pure and synchronous: bytes in, plain description out.
 * - `CertificateInspector` adds safe, bounded, cached file-system access.
 *
 * Security rules: no field, error string or log line ever contains private key bytes or a
 * passphrase. Keys are described by type/size and the SHA-256 of their *public* half.
 * Nothing here throws; failures become `kind`/`error` values.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as nodePath from 'path';
import { isUtf8 } from 'buffer';
import {
  Asn1,
  CONTEXT,
  T,
  UNIVERSAL,
  bigIntOf,
  bytesOf,
  children,
  formatName,
  is,
  isSeq,
  oidOf,
  parseDer,
  smallIntOf,
  timeOf,
  toDerBuffer,
} from './asn1';
import {
  CertificateInfo,
  CrlInfo,
  FileKind,
  InspectedFile,
  KeyAlgorithm,
  PrivateKeyInfo,
} from './certificateTypes';
import {
  CIPHERS,
  EXTENDED_KEY_USAGES,
  KEY_USAGE_BITS,
  OID,
  PBES1_AND_PKCS12_PBE,
  PKCS7_CONTENT_TYPES,
  SIGNATURE_ALGORITHMS,
} from './oids';
import { PemBlock, blockDer, blockToPem, containsPem, splitPem } from './pem';
import { INLINE_DATA_LABEL, inlineDataBytes, inlineDataDigest, isInlineData } from './inlineData';

// ---------------------------------------------------------------------------------------------
// Limits

/** Default size cap for files read from disk (1 MiB). */
export const DEFAULT_MAX_BYTES = 1024 * 1024;
/**
 * Certificates fully parsed per file; the rest are only counted. A system CA bundle holds
 * about 150; parsing costs ~0.4 ms each, so this keeps one file under 100 ms of the event loop.
 */
export const MAX_CERTIFICATES_PARSED = 200;
/** Private keys parsed per file. */
export const MAX_KEYS_PARSED = 32;
/** CRLs parsed per file. */
export const MAX_CRLS_PARSED = 32;
/** PEM blocks split per file (labels beyond this are not listed). */
export const MAX_PEM_BLOCKS = 100_000;
/** PBKDF2 / PKCS#12-PBE iteration counts above this are refused (decryption would hang). */
export const MAX_KDF_ITERATIONS = 1_000_000;
/** scrypt memory (128·N·r bytes) above this is refused. */
export const MAX_SCRYPT_MEMORY = 64 * 1024 * 1024;
/** Passphrases tried per key (nginx tries every line of ssl_password_file). */
export const MAX_PASSPHRASES_TRIED = 64;
const MAX_ERRORS = 20;

export interface InspectOptions {
  /** Passphrases to try, in order, on encrypted keys (like nginx's ssl_password_file). */
  passphrases?: string[];
}

const CERT_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);
const KEY_LABELS = new Set([
  'PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'DSA PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'ANY PRIVATE KEY',
  'OPENSSH PRIVATE KEY',
]);
const CRL_LABELS = new Set(['X509 CRL']);
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);

// ---------------------------------------------------------------------------------------------
// Public helpers

/** Maps an fs error to a file kind and a human-readable reason (exported for tests). */
export function classifyFsError(err: unknown): { kind: 'missing' | 'unreadable' | 'directory'; error: string } {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  switch (code) {
    case 'ENOENT':
      return { kind: 'missing', error: 'file not found' };
    case 'ENOTDIR':
      return { kind: 'missing', error: 'file not found (a path component is not a directory)' };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'unreadable', error: `permission denied (${code})` };
    case 'ELOOP':
      return { kind: 'unreadable', error: 'too many levels of symbolic links (symlink loop) (ELOOP)' };
    case 'EISDIR':
      return { kind: 'directory', error: 'is a directory' };
    case 'ENAMETOOLONG':
      return { kind: 'unreadable', error: 'file name too long (ENAMETOOLONG)' };
    default:
      return { kind: 'unreadable', error: code ? `cannot read file (${code})` : 'cannot read file' };
  }
}

/** True/false when the key's public half equals the certificate's; undefined when the key was not opened. */
export function keyMatchesCertificate(key: PrivateKeyInfo, cert: CertificateInfo): boolean | undefined {
  if (!key.publicKeySha256 || !cert.publicKeySha256) return undefined;
  return key.publicKeySha256 === cert.publicKeySha256;
}

const x509Cache = new WeakMap<CertificateInfo, crypto.X509Certificate | null>();

function x509Of(cert: CertificateInfo): crypto.X509Certificate | undefined {
  let x = x509Cache.get(cert);
  if (x === undefined) {
    try {
      x = new crypto.X509Certificate(Buffer.from(cert.derBase64, 'base64'));
    } catch {
      x = null;
    }
    x509Cache.set(cert, x);
  }
  return x ?? undefined;
}

/** Whether `cert` names `issuer` as its issuer and carries a valid signature by the issuer's key. */
export function isIssuedBy(cert: CertificateInfo, issuer: CertificateInfo): boolean {
  if (cert.issuer !== issuer.subject) return false;
  // A signature check is a pure function of the two certificates; configurations name the
  // same few files from thousands of servers.
  const key = `${cert.fingerprintSha256}>${issuer.fingerprintSha256}`;
  const known = signatureChecks.get(key);
  if (known !== undefined) return known;
  const c = x509Of(cert);
  const i = x509Of(issuer);
  let valid = false;
  if (c && i) {
    try {
      valid = c.verify(i.publicKey);
    } catch {
      valid = false;
    }
  }
  if (signatureChecks.size >= MAX_SIGNATURE_CHECKS) signatureChecks.clear();
  signatureChecks.set(key, valid);
  return valid;
}

const signatureChecks = new Map<string, boolean>();
const MAX_SIGNATURE_CHECKS = 10_000;

/**
 * Builds the chain leaf → … → root (as far as `pool` allows). Stops at a self-signed
 * certificate, when no issuer is found, or after 16 links. CA issuers are preferred.
 */
export function buildChain(leaf: CertificateInfo, pool: CertificateInfo[]): CertificateInfo[] {
  const chain: CertificateInfo[] = [leaf];
  const used = new Set<string>([leaf.fingerprintSha256]);
  let current = leaf;
  while (!current.selfSigned && chain.length < 16) {
    const candidates = pool.filter((c) => !used.has(c.fingerprintSha256) && c.subject === current.issuer);
    candidates.sort((a, b) => Number(b.isCA) - Number(a.isCA));
    const next = candidates.find((c) => isIssuedBy(current, c));
    if (!next) break;
    chain.push(next);
    used.add(next.fingerprintSha256);
    current = next;
  }
  return chain;
}

// ---------------------------------------------------------------------------------------------
// Pure inspection

/** Inspects file contents. Pure and synchronous; never throws. */
export function inspectBuffer(path: string, data: Buffer, opts: InspectOptions = {}): InspectedFile {
  try {
    return inspectBufferUnchecked(path, data, opts);
  } catch (e) {
    return {
      path,
      kind: 'binary',
      size: Buffer.isBuffer(data) ? data.length : undefined,
      pemLabels: [],
      certificates: [],
      keys: [],
      error: `internal error while inspecting the file (${e instanceof Error ? e.name : 'error'})`,
    };
  }
}

function base(path: string, kind: FileKind, size?: number): InspectedFile {
  return { path, kind, size, pemLabels: [], certificates: [], keys: [] };
}

class Errors {
  readonly list: string[] = [];
  private dropped = 0;
  add(msg: string): void {
    if (this.list.length < MAX_ERRORS) this.list.push(msg);
    else this.dropped++;
  }
  text(): string | undefined {
    if (!this.list.length) return undefined;
    return this.list.join('; ') + (this.dropped ? `; …and ${this.dropped} more problem(s)` : '');
  }
}

function inspectBufferUnchecked(path: string, data: Buffer, opts: InspectOptions): InspectedFile {
  const passphrases = (opts.passphrases ?? []).slice(0, MAX_PASSPHRASES_TRIED);
  if (data.length === 0) return { ...base(path, 'empty', 0), error: 'file is empty' };

  // UTF-16 text (Windows editors): not usable by OpenSSL.
  if (data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))) {
    return { ...base(path, 'text', data.length), error: 'file is UTF-16 encoded; nginx/OpenSSL need ASCII PEM' };
  }

  if (data[0] === 0x30) {
    const der = inspectDer(path, data, passphrases);
    if (der && (der.kind !== 'der-other' || !looksLikeText(data))) return der;
  }

  const text = data.toString('latin1');
  if (containsPem(text)) {
    const pem = inspectPem(path, data, text, passphrases);
    if (pem.kind === 'pem') return pem;
    // BEGIN markers without a usable block
    return { ...base(path, looksLikeText(data) ? 'text' : 'binary', data.length), error: pem.error };
  }
  if (looksLikeText(data)) {
    if (text.trim() === '') return { ...base(path, 'empty', data.length), error: 'file contains only whitespace' };
    return { ...base(path, 'text', data.length), error: 'no PEM block ("-----BEGIN …-----") found' };
  }
  return { ...base(path, 'binary', data.length), error: 'not PEM text and not a recognisable DER structure' };
}

function looksLikeText(data: Buffer): boolean {
  const n = Math.min(data.length, 64 * 1024);
  let control = 0;
  let high = 0;
  for (let i = 0; i < n; i++) {
    const b = data[i];
    if (b === 0) return false;
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b) || b === 0x7f) control++;
    else if (b >= 0x80) high++;
  }
  if (control > n * 0.01) return false;
  if (high === 0) return true;
  // Non-ASCII bytes: accept valid UTF-8 (ignoring a sequence cut at the sample end), or a little latin-1.
  let end = n;
  if (n < data.length) {
    let i = n - 1;
    let k = 0;
    while (i >= 0 && k < 3 && (data[i] & 0xc0) === 0x80) {
      i--;
      k++;
    }
    if (i >= 0 && data[i] >= 0xc0) end = i;
  }
  return isUtf8(data.subarray(0, end)) || high <= n * 0.05;
}

// --- PEM ---------------------------------------------------------------------------------------

function inspectPem(path: string, data: Buffer, text: string, passphrases: string[]): InspectedFile {
  const split = splitPem(text, MAX_PEM_BLOCKS);
  const errors = new Errors();
  for (const e of split.errors) errors.add(e);
  const result = base(path, 'pem', data.length);
  if (split.blocks.length === 0) {
    result.kind = 'text';
    result.error = errors.text() ?? 'no complete PEM block found';
    return result;
  }
  result.crlf = text.includes('\r\n');
  result.pemLabels = split.blocks.map((b) => b.label);
  if (split.truncated) errors.add(`only the first ${MAX_PEM_BLOCKS} PEM blocks were examined`);

  let certCount = 0;
  let keyCount = 0;
  const crls: CrlInfo[] = [];
  for (let i = 0; i < split.blocks.length; i++) {
    const block = split.blocks[i];
    const label = block.label;
    if (CERT_LABELS.has(label)) {
      certCount++;
      if (result.certificates.length >= MAX_CERTIFICATES_PARSED) continue;
      // DER input is faster than PEM; trailing X509_AUX data of TRUSTED CERTIFICATE is ignored.
      const parsed = parseCertificate(blockDer(block), result.certificates.length, label);
      if ('error' in parsed) errors.add(`certificate ${certCount}: ${parsed.error}`);
      else result.certificates.push(parsed.info);
    } else if (KEY_LABELS.has(label)) {
      keyCount++;
      if (result.keys.length >= MAX_KEYS_PARSED) continue;
      const key = inspectPemKey(block, result.keys.length, passphrases);
      result.keys.push(key);
    } else if (CRL_LABELS.has(label)) {
      if (crls.length >= MAX_CRLS_PARSED) continue;
      const crl = parseCrl(blockDer(block), crls.length);
      if (crl) crls.push(crl);
      else errors.add(`CRL ${crls.length + 1}: could not be parsed`);
    } else if (PKCS7_LABELS.has(label)) {
      const p7 = parseDer(blockDer(block));
      const certs = p7 ? pkcs7Certificates(p7.node) : undefined;
      if (!certs) {
        errors.add(`${label} block could not be parsed`);
        continue;
      }
      for (const der of certs) {
        certCount++;
        if (result.certificates.length >= MAX_CERTIFICATES_PARSED) continue;
        const parsed = parseCertificate(der, result.certificates.length, label);
        if ('error' in parsed) errors.add(`certificate ${certCount} (in ${label}): ${parsed.error}`);
        else result.certificates.push(parsed.info);
      }
    }
    // CERTIFICATE REQUEST, DH PARAMETERS, EC PARAMETERS, PUBLIC KEY…: listed in pemLabels only.
  }
  if (certCount > result.certificates.length && result.certificates.length >= MAX_CERTIFICATES_PARSED) {
    result.truncated = true;
    errors.add(`file holds ${certCount} certificates; only the first ${MAX_CERTIFICATES_PARSED} were parsed`);
  }
  if (keyCount > result.keys.length) {
    result.truncated = true;
    errors.add(`file holds ${keyCount} private keys; only the first ${MAX_KEYS_PARSED} were parsed`);
  }
  if (certCount) result.certificateCount = certCount;
  if (crls.length) result.crls = crls;
  for (const k of result.keys) if (k.error) errors.add(`private key ${k.index + 1}: ${k.error}`);
  result.error = errors.text();
  return result;
}

// --- certificates ------------------------------------------------------------------------------

function keyAlgorithmOf(type: string | undefined): KeyAlgorithm {
  switch (type) {
    case 'rsa':
      return 'RSA';
    case 'rsa-pss':
      return 'RSA-PSS';
    case 'ec':
      return 'EC';
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    case 'dsa':
      return 'DSA';
    case 'dh':
      return 'DH';
    default:
      return 'unknown';
  }
}

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp256k1: 256,
  secp224r1: 224,
  prime192v1: 192,
};

function describePublicKey(key: crypto.KeyObject, spkiDer?: Buffer): { keyAlgorithm: KeyAlgorithm; keySize?: number; curve?: string; publicKeySha256: string } {
  const keyAlgorithm = keyAlgorithmOf(key.asymmetricKeyType);
  const details = key.asymmetricKeyDetails ?? {};
  let keySize: number | undefined = details.modulusLength;
  const curve = details.namedCurve;
  if (keySize === undefined && curve) keySize = CURVE_BITS[curve];
  if (keySize === undefined && keyAlgorithm === 'Ed25519') keySize = 256;
  if (keySize === undefined && keyAlgorithm === 'Ed448') keySize = 456;
  const spki = spkiDer ?? (key.type === 'private' ? crypto.createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
  const publicKeySha256 = crypto.createHash('sha256').update(spki).digest('hex');
  return { keyAlgorithm, keySize, curve, publicKeySha256 };
}

function oneLineName(nodeName: string): string {
  return nodeName.split('\n').filter((s) => s.length > 0).join(', ');
}

function commonNameOf(nodeName: string): string | undefined {
  let cn: string | undefined;
  for (const line of nodeName.split('\n')) if (line.startsWith('CN=')) cn = line.slice(3).replace(/\\(.)/g, '$1');
  return cn;
}

/** Splits Node's `subjectAltName` ("DNS:a, IP Address:1.2.3.4, DNS:\"x, y\"") into entries. */
export function parseSubjectAltNames(san: string | undefined): string[] {
  if (!san) return [];
  const out: string[] = [];
  let i = 0;
  while (i < san.length) {
    while (san[i] === ' ' || san[i] === ',') i++;
    if (i >= san.length) break;
    const colon = san.indexOf(':', i);
    if (colon < 0) break;
    let type = san.slice(i, colon);
    i = colon + 1;
    let value = '';
    if (san[i] === '"') {
      // JSON-quoted value (Node quotes values containing separators)
      let j = i + 1;
      while (j < san.length && san[j] !== '"') j += san[j] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(san.slice(i, j + 1)) as string;
      } catch {
        value = san.slice(i + 1, j);
      }
      i = j + 1;
    } else {
      const end = san.indexOf(', ', i);
      value = end < 0 ? san.slice(i) : san.slice(i, end);
      i = end < 0 ? san.length : end;
    }
    if (type === 'IP Address') type = 'IP';
    out.push(`${type}:${value}`);
  }
  return out;
}

interface AsnCertDetails {
  signatureAlgorithm: string;
  /** basicConstraints cA flag when the extension is present. */
  basicConstraintsCA?: boolean;
  /** SubjectPublicKeyInfo DER, when it is in the canonical form Node would export. */
  canonicalSpki?: Buffer;
  notBefore?: Date;
  notAfter?: Date;
  pathLength?: number;
  keyUsage: string[];
  extendedKeyUsage: string[];
}

function certDetailsFromDer(der: Buffer): AsnCertDetails {
  const out: AsnCertDetails = { signatureAlgorithm: 'unknown', keyUsage: [], extendedKeyUsage: [] };
  const parsed = parseDer(der);
  if (!parsed) return out;
  const [tbs, sigAlg] = children(parsed.node);
  const sigOid = oidOf(children(sigAlg)[0]);
  if (sigOid) out.signatureAlgorithm = SIGNATURE_ALGORITHMS[sigOid] ?? sigOid;
  const fields = children(tbs);
  let idx = is(fields[0], CONTEXT, 0) ? 1 : 0;
  const validity = children(fields[idx + 3]);
  out.notBefore = timeOf(validity[0]);
  out.notAfter = timeOf(validity[1]);
  out.canonicalSpki = canonicalSpki(fields[idx + 5]);
  idx += 6;
  for (; idx < fields.length; idx++) {
    if (!is(fields[idx], CONTEXT, 3)) continue;
    for (const ext of children(children(fields[idx])[0])) {
      const parts = children(ext);
      const oid = oidOf(parts[0]);
      const valueNode = parts[parts.length - 1];
      if (!is(valueNode, UNIVERSAL, T.OCTETSTRING)) continue;
      const inner = parseDer(Buffer.from(bytesOf(valueNode), 'binary'));
      if (!inner) continue;
      if (oid === OID.basicConstraints) {
        const bc = children(inner.node);
        out.basicConstraintsCA = is(bc[0], UNIVERSAL, T.BOOLEAN) && bytesOf(bc[0]).charCodeAt(0) !== 0;
        const pl = bc.find((n) => is(n, UNIVERSAL, T.INTEGER));
        if (pl) out.pathLength = smallIntOf(pl);
      } else if (oid === OID.keyUsage && is(inner.node, UNIVERSAL, T.BITSTRING)) {
        const raw = bytesOf(inner.node);
        for (let bit = 0; bit < KEY_USAGE_BITS.length; bit++) {
          const byte = 1 + (bit >> 3);
          if (byte < raw.length && raw.charCodeAt(byte) & (0x80 >> (bit & 7))) out.keyUsage.push(KEY_USAGE_BITS[bit]);
        }
      } else if (oid === OID.extKeyUsage) {
        for (const n of children(inner.node)) {
          const e = oidOf(n);
          if (e) out.extendedKeyUsage.push(EXTENDED_KEY_USAGES[e] ?? e);
        }
      }
    }
  }
  return out;
}

/**
 * DER of a SubjectPublicKeyInfo when it is already in the form `KeyObject.export({type:'spki'})`
 * produces (RSA with NULL parameters, named-curve EC with an uncompressed point, EdDSA), so
 * hashing it gives the same publicKeySha256 as the key side without building a KeyObject.
 */
function canonicalSpki(spki: Asn1 | undefined): Buffer | undefined {
  if (!isSeq(spki)) return undefined;
  const [alg, bits] = children(spki);
  const [algOid, params] = children(alg);
  const o = oidOf(algOid);
  const key = bytesOf(bits);
  if (!is(bits, UNIVERSAL, T.BITSTRING) || key.charCodeAt(0) !== 0) return undefined;
  const ok =
    (o === OID.rsaEncryption && children(alg).length === 2 && is(params, UNIVERSAL, T.NULL)) ||
    (o === OID.ecPublicKey && children(alg).length === 2 && oidOf(params) !== undefined && key.charCodeAt(1) === 0x04) ||
    ((o === OID.ed25519 || o === OID.ed448) && children(alg).length === 1);
  return ok ? toDerBuffer(spki) : undefined;
}

function toIso(d: Date | undefined, fallback: string): string {
  if (d && !isNaN(d.getTime())) return d.toISOString();
  const p = new Date(fallback);
  return isNaN(p.getTime()) ? fallback : p.toISOString();
}

/**
 * Certificates parsed before, by their PEM text or DER bytes. The same certificate is read
 * many times: the intermediate appended to every fullchain file, a CA bundle named by every
 * server, a bundle that repeats itself. Parsing one costs about 0.2 ms (most of it in
 * X509Certificate), so a 1 MiB bundle took 100 ms of blocked event loop.
 */
const parsedCertificates = new Map<string, CertificateInfo>();
const MAX_PARSED_CERTIFICATES_KEPT = 5000;

/** Forgets every parsed certificate (a benchmark's cold run must parse them all again). */
export function forgetParsedCertificates(): void {
  parsedCertificates.clear();
}

/** Parses one certificate (PEM text or DER). */
function parseCertificate(input: string | Buffer, index: number, label: string): { info: CertificateInfo } | { error: string } {
  const key = typeof input === 'string' ? input : input.toString('base64');
  const known = parsedCertificates.get(key);
  if (known) {
    const info: CertificateInfo = { ...known, index, label: certificateLabel(label) };
    const x509 = x509Cache.get(known);
    if (x509 !== undefined) x509Cache.set(info, x509);
    return { info };
  }
  const parsed = parseCertificateUncached(input, index, label);
  if ('info' in parsed) {
    if (parsedCertificates.size >= MAX_PARSED_CERTIFICATES_KEPT) parsedCertificates.clear();
    parsedCertificates.set(key, parsed.info);
  }
  return parsed;
}

/** "X509 CERTIFICATE" blocks are certificates like any other. */
function certificateLabel(label: string): string {
  return label === 'X509 CERTIFICATE' ? 'CERTIFICATE' : label;
}

function parseCertificateUncached(input: string | Buffer, index: number, label: string): { info: CertificateInfo } | { error: string } {
  let x: crypto.X509Certificate;
  try {
    x = new crypto.X509Certificate(input);
  } catch (e) {
    return { error: `not a valid X.509 certificate${safeCode(e)}` };
  }
  try {
    const raw = x.raw;
    const details = certDetailsFromDer(raw);
    let pk: ReturnType<typeof describePublicKey> | undefined;
    let publicKey: crypto.KeyObject | undefined;
    try {
      publicKey = x.publicKey;
      pk = describePublicKey(publicKey, details.canonicalSpki);
    } catch {
      pk = undefined;
    }
    const subject = oneLineName(x.subject);
    const issuer = oneLineName(x.issuer);
    let selfSigned = false;
    if (subject === issuer && publicKey) {
      try {
        selfSigned = x.verify(publicKey);
      } catch {
        selfSigned = false;
      }
    }
    const info: CertificateInfo = {
      index,
      label: certificateLabel(label),
      subject,
      issuer,
      subjectCommonName: commonNameOf(x.subject),
      subjectAltNames: parseSubjectAltNames(x.subjectAltName),
      serialNumber: x.serialNumber.toUpperCase(),
      notBefore: toIso(details.notBefore, x.validFrom),
      notAfter: toIso(details.notAfter, x.validTo),
      keyAlgorithm: pk?.keyAlgorithm ?? 'unknown',
      keySize: pk?.keySize,
      curve: pk?.curve,
      signatureAlgorithm: details.signatureAlgorithm,
      // basicConstraints CA:TRUE as written (Node's x.ca also requires keyCertSign in keyUsage)
      isCA: details.basicConstraintsCA ?? x.ca,
      pathLength: details.pathLength,
      keyUsage: details.keyUsage,
      extendedKeyUsage: details.extendedKeyUsage,
      selfSigned,
      fingerprintSha256: x.fingerprint256,
      publicKeySha256: pk?.publicKeySha256 ?? '',
      derBase64: raw.toString('base64'),
    };
    if (info.subjectCommonName === undefined) delete info.subjectCommonName;
    if (info.keySize === undefined) delete info.keySize;
    if (info.curve === undefined) delete info.curve;
    if (info.pathLength === undefined) delete info.pathLength;
    x509Cache.set(info, x);
    return { info };
  } catch (e) {
    return { error: `certificate could not be read${safeCode(e)}` };
  }
}

// --- CRL / PKCS#7 -------------------------------------------------------------------------------

function parseCrl(der: Buffer, index: number): CrlInfo | undefined {
  const parsed = parseDer(der);
  if (!parsed || !isSeq(parsed.node)) return undefined;
  const [tbs, sigAlg] = children(parsed.node);
  if (!isSeq(tbs)) return undefined;
  const f = children(tbs);
  let i = is(f[0], UNIVERSAL, T.INTEGER) ? 1 : 0;
  i++; // signature AlgorithmIdentifier
  const issuer = f[i++];
  if (!isSeq(issuer)) return undefined;
  const thisUpdate = timeOf(f[i++]);
  let nextUpdate: Date | undefined;
  if (f[i] && (is(f[i], UNIVERSAL, T.UTCTIME) || is(f[i], UNIVERSAL, T.GENERALIZEDTIME))) nextUpdate = timeOf(f[i++]);
  const revoked = isSeq(f[i]) ? children(f[i]).length : 0;
  const sigOid = oidOf(children(sigAlg)[0]);
  const crl: CrlInfo = {
    index,
    issuer: formatName(issuer),
    thisUpdate: thisUpdate?.toISOString(),
    nextUpdate: nextUpdate?.toISOString(),
    revokedCount: revoked,
    signatureAlgorithm: sigOid ? SIGNATURE_ALGORITHMS[sigOid] ?? sigOid : 'unknown',
  };
  if (!crl.thisUpdate) delete crl.thisUpdate;
  if (!crl.nextUpdate) delete crl.nextUpdate;
  return crl;
}

/** Certificates (DER) inside a PKCS#7 SignedData ContentInfo; undefined when not PKCS#7. */
function pkcs7Certificates(contentInfo: Asn1): Buffer[] | undefined {
  const [typeNode, content] = children(contentInfo);
  const type = oidOf(typeNode);
  if (!type || !PKCS7_CONTENT_TYPES[type]) return undefined;
  if (type !== OID.pkcs7SignedData) return [];
  const signedData = children(content)[0];
  const certSet = children(signedData).find((n) => is(n, CONTEXT, 0) && Array.isArray(n.value));
  return children(certSet).filter(isSeq).map(toDerBuffer);
}

// --- keys ---------------------------------------------------------------------------------------

/** Error text that is safe to show: only Node/OpenSSL error codes, never messages with data. */
function safeCode(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  return /^[A-Z0-9_]{3,64}$/.test(code) ? ` (${code})` : '';
}

interface KdfCheck {
  description?: string;
  refuse?: string;
}

/** Describes an EncryptedPrivateKeyInfo's protection and refuses absurd KDF costs. */
function checkEncryptedPkcs8(der: Buffer): KdfCheck {
  const parsed = parseDer(der);
  if (!parsed) return { refuse: 'encrypted key structure is not valid DER' };
  const [algId] = children(parsed.node);
  const [algOidNode, params] = children(algId);
  const alg = oidOf(algOidNode);
  if (!alg) return { refuse: 'encrypted key has no encryption algorithm' };
  const tooMany = (n: bigint | undefined): string | undefined =>
    n === undefined
      ? 'missing iteration count'
      : n > BigInt(MAX_KDF_ITERATIONS)
        ? `its key-derivation iteration count (${n > 10n ** 15n ? 'over 10^15' : n.toString()}) exceeds ${MAX_KDF_ITERATIONS.toLocaleString('en-US')}; decrypting it would take far too long, so it was not attempted`
        : undefined;
  if (alg === OID.pbes2) {
    const [kdf, enc] = children(params);
    const [kdfOidNode, kdfParams] = children(kdf);
    const kdfOid = oidOf(kdfOidNode);
    const cipherOid = oidOf(children(enc)[0]);
    const cipher = cipherOid ? CIPHERS[cipherOid] ?? cipherOid : 'unknown cipher';
    if (kdfOid === OID.pbkdf2) {
      const p = children(kdfParams);
      const iterations = bigIntOf(p[1]);
      const prfNode = p.find((n, i) => i >= 2 && isSeq(n));
      const prfOid = prfNode ? oidOf(children(prfNode)[0]) : undefined;
      const prf = prfOid ? PRF_NAMES[prfOid] ?? prfOid : 'HMAC-SHA1';
      const description = `PBES2 (PBKDF2-${prf}, ${iterations ?? '?'} iterations, ${cipher})`;
      return { description, refuse: tooMany(iterations) };
    }
    if (kdfOid === OID.scrypt) {
      const p = children(kdfParams);
      const n = bigIntOf(p[1]);
      const r = bigIntOf(p[2]);
      const par = bigIntOf(p[3]);
      const description = `PBES2 (scrypt N=${n ?? '?'}, r=${r ?? '?'}, p=${par ?? '?'}, ${cipher})`;
      if (n === undefined || r === undefined || par === undefined) return { description, refuse: 'scrypt parameters are incomplete' };
      if (128n * n * r > BigInt(MAX_SCRYPT_MEMORY) || par > 16n) {
        return { description, refuse: 'its scrypt parameters would need too much memory/time, so decryption was not attempted' };
      }
      return { description };
    }
    return { description: `PBES2 (KDF ${kdfOid ?? 'unknown'}, ${cipher})` };
  }
  const pbe = PBES1_AND_PKCS12_PBE[alg];
  if (pbe) {
    const iterations = bigIntOf(children(params)[1]);
    return { description: `${pbe}, ${iterations ?? '?'} iterations`, refuse: tooMany(iterations) };
  }
  return { description: `encryption algorithm ${alg}` };
}

const PRF_NAMES: Record<string, string> = {
  '1.2.840.113549.2.7': 'HMAC-SHA1',
  '1.2.840.113549.2.8': 'HMAC-SHA224',
  '1.2.840.113549.2.9': 'HMAC-SHA256',
  '1.2.840.113549.2.10': 'HMAC-SHA384',
  '1.2.840.113549.2.11': 'HMAC-SHA512',
};

type KeyInput =
  | { format: 'pem'; key: string }
  | { format: 'der'; key: Buffer; type: 'pkcs8' | 'pkcs1' | 'sec1' };

function describeKey(info: PrivateKeyInfo, key: crypto.KeyObject): void {
  const d = describePublicKey(key);
  info.keyAlgorithm = d.keyAlgorithm;
  if (d.keySize !== undefined) info.keySize = d.keySize;
  if (d.curve !== undefined) info.curve = d.curve;
  info.publicKeySha256 = d.publicKeySha256;
}

/** Opens a key (trying passphrases when encrypted) and fills `info`. */
function openKey(info: PrivateKeyInfo, input: KeyInput, passphrases: string[], kdf?: KdfCheck): void {
  if (kdf?.description) info.encryption = kdf.description;
  if (!info.encrypted) {
    try {
      describeKey(info, crypto.createPrivateKey(input));
    } catch (e) {
      info.error = `the private key could not be parsed${safeCode(e)}`;
    }
    return;
  }
  if (kdf?.refuse) {
    info.error = `encrypted private key refused: ${kdf.refuse}`;
    return;
  }
  if (passphrases.length === 0) return; // encrypted, nothing to try
  for (const passphrase of passphrases) {
    let key: crypto.KeyObject;
    try {
      key = crypto.createPrivateKey({ ...input, passphrase });
    } catch {
      continue;
    }
    try {
      describeKey(info, key);
      info.passphraseAccepted = true;
    } catch (e) {
      info.passphraseAccepted = true;
      info.error = `the decrypted private key could not be read${safeCode(e)}`;
    }
    return;
  }
  info.passphraseAccepted = false;
  info.error =
    passphrases.length === 1
      ? 'the supplied passphrase does not open this encrypted key'
      : `none of the ${passphrases.length} supplied passphrases opens this encrypted key`;
}

function inspectPemKey(block: PemBlock, index: number, passphrases: string[]): PrivateKeyInfo {
  const label = block.label;
  const procType = block.headers['Proc-Type'] ?? '';
  const legacyEncrypted = /ENCRYPTED/i.test(procType);
  const info: PrivateKeyInfo = { index, label, encrypted: label === 'ENCRYPTED PRIVATE KEY' || legacyEncrypted };
  if (label === 'OPENSSH PRIVATE KEY') {
    info.format = 'openssh';
    info.error = 'OpenSSH private key format is not supported by nginx (convert it to PEM/PKCS#8)';
    return info;
  }
  let kdf: KdfCheck | undefined;
  if (label === 'ENCRYPTED PRIVATE KEY') {
    info.format = 'encrypted-pkcs8';
    kdf = checkEncryptedPkcs8(blockDer(block));
  } else if (legacyEncrypted) {
    info.format = 'legacy-encrypted';
    const dek = (block.headers['DEK-Info'] ?? '').split(',')[0].trim();
    kdf = { description: `legacy PEM encryption${dek ? ` (${dek})` : ''}` };
  } else {
    info.format = label === 'RSA PRIVATE KEY' ? 'pkcs1' : label === 'EC PRIVATE KEY' ? 'sec1' : label === 'PRIVATE KEY' ? 'pkcs8' : undefined;
    if (info.format === undefined) delete info.format;
  }
  openKey(info, { format: 'pem', key: blockToPem(block) }, passphrases, kdf);
  return info;
}

// --- DER ----------------------------------------------------------------------------------------

type DerClass =
  | { kind: 'der-certificate' }
  | { kind: 'der-private-key'; type: 'pkcs8' | 'pkcs1' | 'sec1'; encrypted: boolean }
  | { kind: 'pkcs12' }
  | { kind: 'pkcs7'; contentType: string }
  | { kind: 'der-csr' }
  | { kind: 'der-other'; description?: string; crl?: boolean };

function isAlgId(n: Asn1 | undefined): boolean {
  return isSeq(n) && oidOf(children(n)[0]) !== undefined;
}

function isTime(n: Asn1 | undefined): boolean {
  return is(n, UNIVERSAL, T.UTCTIME) || is(n, UNIVERSAL, T.GENERALIZEDTIME);
}

function classifyDerNode(node: Asn1): DerClass {
  if (!isSeq(node)) return { kind: 'der-other' };
  const c = children(node);
  // Certificate / CRL / CSR: SEQUENCE { tbs SEQUENCE, AlgorithmIdentifier, BIT STRING }
  if (c.length === 3 && isSeq(c[0]) && isAlgId(c[1]) && is(c[2], UNIVERSAL, T.BITSTRING)) {
    const f = children(c[0]);
    const v = is(f[0], CONTEXT, 0) ? 1 : 0;
    if (is(f[v], UNIVERSAL, T.INTEGER) && isAlgId(f[v + 1]) && isSeq(f[v + 2]) && isSeq(f[v + 3]) && isSeq(f[v + 5])) {
      return { kind: 'der-certificate' };
    }
    if (is(f[0], UNIVERSAL, T.INTEGER) && isSeq(f[1]) && isSeq(f[2]) && (f.length === 3 || is(f[3], CONTEXT, 0))) {
      return { kind: 'der-csr' };
    }
    const cv = is(f[0], UNIVERSAL, T.INTEGER) ? 1 : 0;
    if (isAlgId(f[cv]) && isSeq(f[cv + 1]) && isTime(f[cv + 2])) return { kind: 'der-other', description: 'X.509 CRL', crl: true };
    return { kind: 'der-other', description: 'signed ASN.1 structure' };
  }
  // PKCS#7 / CMS ContentInfo: SEQUENCE { OID 1.2.840.113549.1.7.x, [0] content }
  const firstOid = oidOf(c[0]);
  if (firstOid && PKCS7_CONTENT_TYPES[firstOid]) return { kind: 'pkcs7', contentType: PKCS7_CONTENT_TYPES[firstOid] };
  const version = is(c[0], UNIVERSAL, T.INTEGER) ? smallIntOf(c[0]) : undefined;
  // PKCS#12 PFX: SEQUENCE { INTEGER 3, ContentInfo, MacData? }
  if (version === 3 && isSeq(c[1]) && oidOf(children(c[1])[0])?.startsWith('1.2.840.113549.1.7.')) return { kind: 'pkcs12' };
  // PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0|1, AlgorithmIdentifier, OCTET STRING, … }
  if ((version === 0 || version === 1) && isAlgId(c[1]) && is(c[2], UNIVERSAL, T.OCTETSTRING)) {
    return { kind: 'der-private-key', type: 'pkcs8', encrypted: false };
  }
  // EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier, OCTET STRING }
  if (c.length === 2 && isAlgId(c[0]) && is(c[1], UNIVERSAL, T.OCTETSTRING)) {
    return { kind: 'der-private-key', type: 'pkcs8', encrypted: true };
  }
  // PKCS#1 RSAPrivateKey: SEQUENCE { INTEGER 0, n, e, d, p, q, dp, dq, qinv }
  if (version === 0 && c.length >= 9 && c.slice(0, 9).every((n) => is(n, UNIVERSAL, T.INTEGER))) {
    return { kind: 'der-private-key', type: 'pkcs1', encrypted: false };
  }
  // SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING, [0] params?, [1] publicKey? }
  if (version === 1 && is(c[1], UNIVERSAL, T.OCTETSTRING)) return { kind: 'der-private-key', type: 'sec1', encrypted: false };
  if (c.length >= 2 && c.every((n) => is(n, UNIVERSAL, T.INTEGER))) {
    if (c.length === 2 || c.length === 3) return { kind: 'der-other', description: 'DH parameters' };
    if (version === 0 && c.length === 6) return { kind: 'der-other', description: 'DSA private key' };
    return { kind: 'der-other', description: 'sequence of integers' };
  }
  if (c.length === 2 && isAlgId(c[0]) && is(c[1], UNIVERSAL, T.BITSTRING)) return { kind: 'der-other', description: 'public key (SubjectPublicKeyInfo), not a certificate' };
  return { kind: 'der-other' };
}

function inspectDer(path: string, data: Buffer, passphrases: string[]): InspectedFile | undefined {
  const parsed = parseDer(data);
  if (!parsed) return undefined;
  const cls = classifyDerNode(parsed.node);
  const result = base(path, cls.kind, data.length);
  const errors = new Errors();
  if (parsed.trailingBytes > 0) errors.add(`${parsed.trailingBytes} byte(s) of trailing data after the DER structure`);
  const der = data.subarray(0, data.length - parsed.trailingBytes);
  switch (cls.kind) {
    case 'der-certificate': {
      const p = parseCertificate(der, 0, 'DER');
      if ('error' in p) errors.add(p.error);
      else result.certificates.push(p.info);
      result.certificateCount = 1;
      result.description = 'DER X.509 certificate';
      break;
    }
    case 'der-private-key': {
      const info: PrivateKeyInfo = { index: 0, label: 'DER', encrypted: cls.encrypted, format: cls.encrypted ? 'encrypted-pkcs8' : cls.type };
      const kdf = cls.encrypted ? checkEncryptedPkcs8(der) : undefined;
      openKey(info, { format: 'der', key: der, type: cls.type }, passphrases, kdf);
      result.keys.push(info);
      if (info.error) errors.add(`private key: ${info.error}`);
      result.description = cls.encrypted ? 'DER encrypted PKCS#8 private key' : `DER ${cls.type.toUpperCase().replace('PKCS', 'PKCS#')} private key`;
      break;
    }
    case 'pkcs12':
      result.description = 'PKCS#12 (PFX) archive; nginx cannot load it directly (convert with openssl pkcs12)';
      break;
    case 'pkcs7': {
      result.description = `PKCS#7 ${cls.contentType}`;
      const certs = pkcs7Certificates(parsed.node) ?? [];
      certs.slice(0, MAX_CERTIFICATES_PARSED).forEach((c, i) => {
        const p = parseCertificate(c, result.certificates.length, 'PKCS7');
        if ('error' in p) errors.add(`certificate ${i + 1}: ${p.error}`);
        else result.certificates.push(p.info);
      });
      if (certs.length) result.certificateCount = certs.length;
      if (certs.length > MAX_CERTIFICATES_PARSED) result.truncated = true;
      break;
    }
    case 'der-csr':
      result.description = 'DER certificate signing request (PKCS#10)';
      break;
    case 'der-other':
      if (cls.description) result.description = cls.description;
      if (cls.crl) {
        const crl = parseCrl(der, 0);
        if (crl) result.crls = [crl];
      }
      break;
  }
  result.error = errors.text();
  return result;
}

// ---------------------------------------------------------------------------------------------
// File-system access with cache

interface CacheEntry {
  mtimeMs: number;
  size: number;
  result: InspectedFile;
}

const processSalt = crypto.randomBytes(16);

function passphraseKey(passphrases: string[] | undefined): string {
  if (!passphrases || passphrases.length === 0) return '';
  const h = crypto.createHmac('sha256', processSalt);
  for (const p of passphrases) h.update(String(p.length)).update(':').update(p).update('\0');
  return h.digest('base64');
}

export interface CertificateInspectorOptions {
  /** Files larger than this are not read (kind 'too-large'). Default 1 MiB. */
  maxBytes?: number;
  /** Maximum number of cached results (oldest evicted first). Default 5000. */
  maxEntries?: number;
  /**
   * How long a file's stat (which checks its cache entry) is taken as still true, in ms. Default
   * 0: each inspection stats the file. The editor's language service passes DISK_FRESH_MS, as
   * for configuration files (model/recentDiskReads.ts): each keystroke checks that every
   * certificate the last check read is unchanged, 1.4 ms of a keystroke on the bench's 5k-line
   * file (#15). invalidate() and forgetStats() forget them when the editor reports a change.
   */
  statFreshForMs?: number;
  /** The clock of statFreshForMs (default performance.now). */
  clock?: () => number;
}

/** A stat and when it was made, or the error it ended with. */
interface RecentStat {
  at: number;
  stats?: fs.Stats;
  error?: unknown;
}

/**
 * Reads and inspects files with a cache keyed by path + mtime + size (+ passphrases).
 * Results are shared between callers: treat them as read-only.
 */
export class CertificateInspector {
  readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly cache = new Map<string, Map<string, CacheEntry>>();
  private readonly inflight = new Map<string, Promise<InspectedFile>>();
  private count = 0;

  private readonly statFreshForMs: number;
  private readonly clock: () => number;
  private readonly recentStats = new Map<string, RecentStat>();

  constructor(opts: CertificateInspectorOptions = {}) {
    this.maxBytes = Math.max(0, opts.maxBytes ?? DEFAULT_MAX_BYTES);
    this.maxEntries = Math.max(1, opts.maxEntries ?? 5000);
    this.statFreshForMs = Math.max(0, opts.statFreshForMs ?? 0);
    this.clock = opts.clock ?? (() => performance.now());
  }

  /** Forgets the recent stats (statFreshForMs) of every file: the next inspections stat again. */
  forgetStats(): void {
    this.recentStats.clear();
  }

  /** The file's stat, or one made within statFreshForMs; throws what statSync throws. */
  private statOf(path: string): fs.Stats {
    if (this.statFreshForMs === 0) return fs.statSync(path);
    const key = nodePath.resolve(path);
    const now = this.clock();
    let recent = this.recentStats.get(key);
    if (!recent || now - recent.at > this.statFreshForMs) {
      try {
        recent = { at: now, stats: fs.statSync(path) };
      } catch (error) {
        recent = { at: now, error };
      }
      // Bounded like the cache: the oldest stat goes first.
      if (this.recentStats.size >= this.maxEntries) this.recentStats.delete(this.recentStats.keys().next().value as string);
      this.recentStats.delete(key);
      this.recentStats.set(key, recent);
    }
    if (recent.stats) return recent.stats;
    throw recent.error;
  }

  async inspect(path: string, opts: InspectOptions = {}): Promise<InspectedFile> {
    // An inline `data:` value is inspected from memory; it never names a file.
    if (isInlineData(path)) return this.inspectInline(path, opts);
    try {
      return await this.inspectUnchecked(path, opts);
    } catch (e) {
      return { ...base(path, 'unreadable'), error: `internal error while reading the file${safeCode(e)}` };
    }
  }

  private readonly inline = new Map<string, InspectedFile>();

  /** The PEM text of a `data:` value, cached by digest so that the text is not kept as a key. */
  private inspectInline(value: string, opts: InspectOptions): InspectedFile {
    const key = `${inlineDataDigest(value)}\0${passphraseKey(opts.passphrases)}`;
    let result = this.inline.get(key);
    if (!result) {
      result = inspectBuffer(INLINE_DATA_LABEL, inlineDataBytes(value), opts);
      if (this.inline.size >= 256) this.inline.clear();
      this.inline.set(key, result);
    }
    return result;
  }

  /** Forgets cached results for `path` (relative paths are resolved against the cwd). */
  invalidate(path: string): void {
    const key = nodePath.resolve(path);
    this.recentStats.delete(key);
    const m = this.cache.get(key);
    if (m) {
      this.count -= m.size;
      this.cache.delete(key);
    }
  }

  clear(): void {
    this.recentStats.clear();
    this.cache.clear();
    this.inline.clear();
    this.count = 0;
  }

  private async inspectUnchecked(path: string, opts: InspectOptions): Promise<InspectedFile> {
    let st: fs.Stats;
    try {
      // Synchronous: this stat only checks the cache entry of a file most of the time, and a
      // round trip through the thread pool cost more than the stat itself, for every
      // certificate of every keystroke (config files are stat-ed the same way, fileSystem.ts).
      st = this.statOf(path);
    } catch (e) {
      const c = classifyFsError(e);
      return { ...base(path, c.kind), error: c.error };
    }
    const statInfo = { mtimeMs: st.mtimeMs, mode: st.mode & 0o777 };
    if (st.isDirectory()) return { ...base(path, 'directory'), ...statInfo, error: 'is a directory, not a file' };
    if (!st.isFile()) return { ...base(path, 'not-regular'), ...statInfo, error: `not a regular file (${describeSpecial(st)})` };
    if (st.size > this.maxBytes) {
      return { ...base(path, 'too-large', st.size), ...statInfo, error: `file is ${st.size} bytes, over the ${this.maxBytes}-byte inspection limit; not read` };
    }

    const pk = passphraseKey(opts.passphrases);
    const cacheKey = nodePath.resolve(path);
    const entries = this.cache.get(cacheKey);
    const hit = entries?.get(pk);
    if (entries && hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.result.path === path) {
      // refresh LRU position
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, entries);
      return hit.result;
    }
    const flightKey = `${path}\0${st.mtimeMs}\0${st.size}\0${pk}`;
    const pending = this.inflight.get(flightKey);
    if (pending) return pending;
    const promise = this.readAndInspect(path, st, opts).finally(() => this.inflight.delete(flightKey));
    this.inflight.set(flightKey, promise);
    const result = await promise;
    if (result.kind !== 'missing' && result.kind !== 'unreadable') this.store(cacheKey, pk, { mtimeMs: st.mtimeMs, size: st.size, result });
    return result;
  }

  private store(path: string, pk: string, entry: CacheEntry): void {
    let m = this.cache.get(path);
    if (m) this.cache.delete(path);
    else m = new Map();
    if (!m.has(pk)) this.count++;
    m.set(pk, entry);
    this.cache.set(path, m);
    while (this.count > this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done) break;
      this.invalidate(oldest.value);
    }
  }

  private async readAndInspect(path: string, st: fs.Stats, opts: InspectOptions): Promise<InspectedFile> {
    const statInfo = { mtimeMs: st.mtimeMs, mode: st.mode & 0o777 };
    let fh: fs.promises.FileHandle;
    try {
      // O_NONBLOCK: if the path was swapped for a FIFO after stat, open must not hang.
      fh = await fs.promises.open(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (e) {
      const c = classifyFsError(e);
      return { ...base(path, c.kind), ...statInfo, error: c.kind === 'missing' ? 'file disappeared while being read' : c.error };
    }
    let data: Buffer;
    try {
      const st2 = await fh.stat();
      if (!st2.isFile()) {
        return { ...base(path, st2.isDirectory() ? 'directory' : 'not-regular'), ...statInfo, error: `not a regular file (${describeSpecial(st2)})` };
      }
      const cap = this.maxBytes + 1;
      let buf = Buffer.allocUnsafe(Math.min(cap, Math.max(st2.size, 0) + 1));
      let filled = 0;
      for (;;) {
        if (filled === buf.length) {
          if (buf.length >= cap) break;
          const bigger = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
          buf.copy(bigger, 0, 0, filled);
          buf = bigger;
        }
        const { bytesRead } = await fh.read(buf, filled, buf.length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled > this.maxBytes) {
        return { ...base(path, 'too-large', filled), ...statInfo, error: `file grew past the ${this.maxBytes}-byte inspection limit while being read; not inspected` };
      }
      data = buf.subarray(0, filled);
    } catch (e) {
      const c = classifyFsError(e);
      return { ...base(path, c.kind), ...statInfo, error: c.kind === 'missing' ? 'file disappeared while being read' : c.error };
    } finally {
      await fh.close().catch(() => undefined);
    }
    const result = inspectBuffer(path, data, opts);
    result.mtimeMs = st.mtimeMs;
    result.mode = st.mode & 0o777;
    return result;
  }
}

function describeSpecial(st: fs.Stats): string {
  if (st.isFIFO()) return 'named pipe (FIFO)';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isDirectory()) return 'directory';
  return 'special file';
}
