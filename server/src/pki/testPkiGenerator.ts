/**
 * Test PKI generator: CA, optional intermediate, server and client certificates with RSA,
 * ECDSA (P-256/P-384) or Ed25519 keys.
 *
 * Certificates are assembled by hand with node-forge's ASN.1 encoder and signed with Node's
 * `crypto.sign`, because forge's own certificate code can only sign with RSA. Keys come from
 * `crypto.generateKeyPairSync`. The clock is always passed in (no hidden Date.now()), and
 * serial numbers are derived from the certificate contents, so only the random key material
 * differs between two runs with the same options.
 *
 * Intended for tests, fixtures and example scenarios — never for production keys.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as nodePath from 'path';
import forge from 'node-forge';
import { children, bytesOf, isSeq, parseDer, toDerBuffer, is, CONTEXT } from '../certificates/asn1';
import { EXTENDED_KEY_USAGES, KEY_USAGE_BITS, OID } from '../certificates/oids';

const asn1 = forge.asn1;
type Node = forge.asn1.Asn1;

export type KeyType = 'rsa' | 'ec' | 'ed25519';
export type HashAlg = 'sha256' | 'sha1';
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];
/** "CN=host, O=Example" (no escaped commas) or [["CN","host"],["O","Example"]] (DER order). */
export type SubjectSpec = string | Array<[string, string]>;

export interface KeyOptions {
  keyType?: KeyType;
  /** RSA modulus size; default 2048. */
  rsaBits?: number;
  /** EC curve; default P-256. */
  curve?: 'P-256' | 'P-384';
}

export interface GeneratedKey {
  keyType: KeyType;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  /** PKCS#8 PEM ("PRIVATE KEY"). */
  pem: string;
  /** PKCS#8 DER. */
  der: Buffer;
  /** SubjectPublicKeyInfo DER. */
  spkiDer: Buffer;
}

export interface CertificateOptions {
  subject: SubjectSpec;
  /** Subject key; generated from keyType/rsaBits/curve when absent. */
  key?: GeneratedKey;
  keyType?: KeyType;
  rsaBits?: number;
  curve?: 'P-256' | 'P-384';
  /** Issuing certificate (with its key); self-signed when absent. */
  issuer?: GeneratedCertificate;
  /** Hex serial; derived from the contents when absent. */
  serialNumber?: string;
  notBefore: Date;
  notAfter: Date;
  isCA?: boolean;
  pathLength?: number;
  /** Defaults: CA → keyCertSign+cRLSign; RSA leaf → digitalSignature+keyEncipherment; other leaf → digitalSignature. Pass [] to omit. */
  keyUsage?: KeyUsageName[];
  /** Names (serverAuth, clientAuth, …) or dotted OIDs. Omitted when empty/absent. */
  extendedKeyUsage?: string[];
  /** "DNS:name", "IP:addr", "email:x", "URI:x"; bare names become DNS, bare addresses IP. */
  sans?: string[];
  /** Digest for RSA/ECDSA signatures (ignored for Ed25519); 'sha1' makes weak-signature fixtures. */
  hashAlg?: HashAlg;
  /** OCSP responder URL, written as an Authority Information Access entry (what OCSP stapling needs). */
  ocspUrl?: string;
}

export interface GeneratedCertificate {
  pem: string;
  der: Buffer;
  key: GeneratedKey;
  /** DER of the subject Name (used as the issuer name of certificates it signs). */
  subjectDer: Buffer;
  /** Subject key identifier (SHA-1 of the public key bits). */
  subjectKeyId: Buffer;
}

// ---------------------------------------------------------------------------------------------
// Keys

export function generateKey(opts: KeyOptions = {}): GeneratedKey {
  const keyType = opts.keyType ?? 'rsa';
  let pair: crypto.KeyPairKeyObjectResult;
  if (keyType === 'rsa') pair = crypto.generateKeyPairSync('rsa', { modulusLength: opts.rsaBits ?? 2048 });
  else if (keyType === 'ec') pair = crypto.generateKeyPairSync('ec', { namedCurve: opts.curve ?? 'P-256' });
  else if (keyType === 'ed25519') pair = crypto.generateKeyPairSync('ed25519');
  else throw new Error(`unsupported key type: ${String(keyType)}`);
  return keyFromObjects(keyType, pair.privateKey);
}

function keyFromObjects(keyType: KeyType, privateKey: crypto.KeyObject): GeneratedKey {
  const publicKey = crypto.createPublicKey(privateKey);
  return {
    keyType,
    privateKey,
    publicKey,
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    der: privateKey.export({ type: 'pkcs8', format: 'der' }) as Buffer,
    spkiDer: publicKey.export({ type: 'spki', format: 'der' }) as Buffer,
  };
}

/** Loads a PEM/DER private key (unencrypted, or with `passphrase`). */
export function loadKey(data: string | Buffer, passphrase?: string): GeneratedKey {
  const isPem = typeof data === 'string' || data.includes('-----BEGIN');
  const privateKey = isPem
    ? crypto.createPrivateKey({ key: data, format: 'pem', passphrase })
    : crypto.createPrivateKey({ key: data as Buffer, format: 'der', type: 'pkcs8', passphrase });
  const t = privateKey.asymmetricKeyType;
  const keyType: KeyType = t === 'rsa' ? 'rsa' : t === 'ec' ? 'ec' : t === 'ed25519' ? 'ed25519' : (() => {
    throw new Error(`unsupported key type: ${t}`);
  })();
  return keyFromObjects(keyType, privateKey);
}

/** PKCS#1 "RSA PRIVATE KEY" PEM (RSA keys only). */
export function rsaPkcs1Pem(key: GeneratedKey): string {
  if (key.keyType !== 'rsa') throw new Error('PKCS#1 encoding needs an RSA key');
  return key.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
}

/** SEC1 "EC PRIVATE KEY" PEM (EC keys only). */
export function ecSec1Pem(key: GeneratedKey): string {
  if (key.keyType !== 'ec') throw new Error('SEC1 encoding needs an EC key');
  return key.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
}

/** Encrypted PKCS#8 "ENCRYPTED PRIVATE KEY" PEM (PBES2, PBKDF2 — OpenSSL defaults). */
export function encryptedPkcs8Pem(key: GeneratedKey, passphrase: string, cipher = 'aes-256-cbc'): string {
  return key.privateKey.export({ type: 'pkcs8', format: 'pem', cipher, passphrase }) as string;
}

/** Legacy OpenSSL encrypted PEM with "Proc-Type: 4,ENCRYPTED" headers (RSA → PKCS#1, EC → SEC1). */
export function legacyEncryptedPem(key: GeneratedKey, passphrase: string, cipher = 'aes-256-cbc'): string {
  if (key.keyType === 'ed25519') throw new Error('legacy PEM encryption needs an RSA or EC key');
  const type = key.keyType === 'rsa' ? 'pkcs1' : 'sec1';
  return key.privateKey.export({ type, format: 'pem', cipher, passphrase }) as string;
}

export function pemEncode(label: string, der: Buffer): string {
  const b64 = der.toString('base64');
  const lines: string[] = [`-----BEGIN ${label}-----`];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  lines.push(`-----END ${label}-----`, '');
  return lines.join('\n');
}

export function pemDecode(pem: string): Buffer {
  const m = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(pem);
  if (!m) throw new Error('no PEM block found');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

// ---------------------------------------------------------------------------------------------
// ASN.1 building blocks

const U = asn1.Class.UNIVERSAL;
const C = asn1.Class.CONTEXT_SPECIFIC;
const Ty = asn1.Type;

const seq = (items: Node[]): Node => asn1.create(U, Ty.SEQUENCE, true, items);
const set = (items: Node[]): Node => asn1.create(U, Ty.SET, true, items);
const oid = (o: string): Node => asn1.create(U, Ty.OID, false, asn1.oidToDer(o).getBytes());
const octets = (b: Buffer): Node => asn1.create(U, Ty.OCTETSTRING, false, b.toString('binary'));
const bitString = (b: Buffer, unusedBits = 0): Node => asn1.create(U, Ty.BITSTRING, false, String.fromCharCode(unusedBits) + b.toString('binary'));
const integer = (n: number): Node => asn1.create(U, Ty.INTEGER, false, asn1.integerToDer(n).getBytes());
const bool = (v: boolean): Node => asn1.create(U, Ty.BOOLEAN, false, String.fromCharCode(v ? 0xff : 0));
const nullNode = (): Node => asn1.create(U, Ty.NULL, false, '');
const der = (n: Node): Buffer => toDerBuffer(n);
const fromDer = (b: Buffer): Node => {
  const p = parseDer(b);
  if (!p) throw new Error('internal: invalid DER');
  return p.node;
};

const NAME_OIDS: Record<string, string> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  serialNumber: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  emailAddress: '1.2.840.113549.1.9.1',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
};

export function parseSubject(spec: SubjectSpec): Array<[string, string]> {
  if (Array.isArray(spec)) return spec;
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new Error(`bad subject component "${part}" (expected TYPE=value)`);
      return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()] as [string, string];
    });
}

function nameNode(spec: SubjectSpec): Node {
  return seq(
    parseSubject(spec).map(([type, value]) => {
      const o = NAME_OIDS[type] ?? (/^\d+(\.\d+)+$/.test(type) ? type : undefined);
      if (!o) throw new Error(`unknown subject attribute type "${type}"`);
      let v: Node;
      if (type === 'C') v = asn1.create(U, Ty.PRINTABLESTRING, false, value);
      else if (type === 'emailAddress' || type === 'DC') v = asn1.create(U, Ty.IA5STRING, false, value);
      else v = asn1.create(U, Ty.UTF8, false, forge.util.encodeUtf8(value));
      return set([seq([oid(o), v])]);
    }),
  );
}

function timeNode(d: Date): Node {
  if (isNaN(d.getTime())) throw new Error('invalid date');
  const y = d.getUTCFullYear();
  if (y >= 1950 && y < 2050) return asn1.create(U, Ty.UTCTIME, false, asn1.dateToUtcTime(d));
  return asn1.create(U, Ty.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

function ipBytes(ip: string): Buffer {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!net.isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  let addr = ip;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(addr);
  if (v4) {
    const b = v4.slice(1, 5).map(Number);
    addr = addr.slice(0, -v4[0].length) + ((b[0] << 8) | b[1]).toString(16) + ':' + ((b[2] << 8) | b[3]).toString(16);
  }
  const parse = (s: string): number[] => (s ? s.split(':').map((x) => parseInt(x, 16)) : []);
  const halves = addr.split('::');
  const h = parse(halves[0]);
  const r = halves.length > 1 ? parse(halves[1]) : [];
  const groups = halves.length > 1 ? [...h, ...new Array<number>(Math.max(0, 8 - h.length - r.length)).fill(0), ...r] : h;
  if (groups.length !== 8) throw new Error(`cannot parse IPv6 address ${ip}`);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function generalName(entry: string): Node {
  const m = /^(DNS|IP|email|URI):(.*)$/.exec(entry);
  const [type, value] = m ? [m[1], m[2]] : [net.isIP(entry) ? 'IP' : 'DNS', entry];
  switch (type) {
    case 'DNS':
      return asn1.create(C, 2, false, value);
    case 'IP':
      return asn1.create(C, 7, false, ipBytes(value).toString('binary'));
    case 'email':
      return asn1.create(C, 1, false, value);
    default:
      return asn1.create(C, 6, false, value);
  }
}

function extension(o: string, critical: boolean, value: Node): Node {
  const parts = [oid(o)];
  if (critical) parts.push(bool(true));
  parts.push(octets(der(value)));
  return seq(parts);
}

function keyUsageBits(names: KeyUsageName[]): Node {
  const bits = names.map((n) => {
    const i = KEY_USAGE_BITS.indexOf(n);
    if (i < 0) throw new Error(`unknown key usage ${n}`);
    return i;
  });
  const high = Math.max(...bits);
  const bytes = Buffer.alloc((high >> 3) + 1);
  for (const b of bits) bytes[b >> 3] |= 0x80 >> (b & 7);
  return bitString(bytes, 7 - (high & 7));
}

const EKU_BY_NAME: Record<string, string> = Object.fromEntries(Object.entries(EXTENDED_KEY_USAGES).map(([k, v]) => [v, k]));

/** SHA-1 over the subjectPublicKey BIT STRING contents (RFC 5280 method 1). */
function keyIdentifier(spkiDer: Buffer): Buffer {
  const spki = fromDer(spkiDer);
  const bits = bytesOf(children(spki)[1]);
  return crypto.createHash('sha1').update(Buffer.from(bits.slice(1), 'binary')).digest();
}

function signatureAlgorithm(keyType: KeyType, hash: HashAlg): { algId: Node; digest: string | null } {
  if (keyType === 'rsa') return { algId: seq([oid(hash === 'sha1' ? OID.sha1WithRSAEncryption : OID.sha256WithRSAEncryption), nullNode()]), digest: hash };
  if (keyType === 'ec') return { algId: seq([oid(hash === 'sha1' ? OID.ecdsaWithSHA1 : OID.ecdsaWithSHA256)]), digest: hash };
  return { algId: seq([oid(OID.ed25519)]), digest: null };
}

function serialBytes(hex: string): Buffer {
  let h = hex.replace(/[^0-9a-fA-F]/g, '');
  if (!h) throw new Error('empty serial number');
  if (h.length % 2) h = '0' + h;
  let b = Buffer.from(h, 'hex');
  while (b.length > 1 && b[0] === 0 && !(b[1] & 0x80)) b = b.subarray(1);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Certificates

export function createCertificate(opts: CertificateOptions): GeneratedCertificate {
  const key = opts.key ?? generateKey({ keyType: opts.keyType, rsaBits: opts.rsaBits, curve: opts.curve });
  const subjectDer = der(nameNode(opts.subject));
  const issuerDer = opts.issuer ? opts.issuer.subjectDer : subjectDer;
  const signer = opts.issuer ? opts.issuer.key : key;
  const hash = opts.hashAlg ?? 'sha256';
  const sig = signatureAlgorithm(signer.keyType, hash);
  const ski = keyIdentifier(key.spkiDer);
  const aki = opts.issuer ? opts.issuer.subjectKeyId : ski;

  const serial = opts.serialNumber
    ? serialBytes(opts.serialNumber)
    : (() => {
        const h = crypto
          .createHash('sha256')
          .update(issuerDer)
          .update(subjectDer)
          .update(key.spkiDer)
          .update(String(opts.notBefore.getTime()))
          .update(String(opts.notAfter.getTime()))
          .digest()
          .subarray(0, 16);
        h[0] = (h[0] & 0x3f) | 0x40; // positive, minimal, fixed length
        return Buffer.from(h);
      })();

  const exts: Node[] = [];
  const isCA = opts.isCA ?? false;
  const bc: Node[] = [];
  if (isCA) bc.push(bool(true));
  if (isCA && opts.pathLength !== undefined) bc.push(integer(opts.pathLength));
  exts.push(extension(OID.basicConstraints, true, seq(bc)));
  const ku = opts.keyUsage ?? (isCA ? ['keyCertSign', 'cRLSign'] : key.keyType === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']);
  if (ku.length) exts.push(extension(OID.keyUsage, true, keyUsageBits(ku)));
  if (opts.extendedKeyUsage?.length) {
    exts.push(
      extension(
        OID.extKeyUsage,
        false,
        seq(
          opts.extendedKeyUsage.map((e) => {
            const o = EKU_BY_NAME[e] ?? (/^\d+(\.\d+)+$/.test(e) ? e : undefined);
            if (!o) throw new Error(`unknown extended key usage ${e}`);
            return oid(o);
          }),
        ),
      ),
    );
  }
  if (opts.sans?.length) exts.push(extension(OID.subjectAltName, false, seq(opts.sans.map(generalName))));
  // id-pe-authorityInfoAccess with one id-ad-ocsp access description (RFC 5280 4.2.2.1).
  if (opts.ocspUrl) exts.push(extension('1.3.6.1.5.5.7.1.1', false, seq([seq([oid('1.3.6.1.5.5.7.48.1'), generalName(`URI:${opts.ocspUrl}`)])])));
  exts.push(extension(OID.subjectKeyIdentifier, false, octets(ski)));
  exts.push(extension(OID.authorityKeyIdentifier, false, seq([asn1.create(C, 0, false, aki.toString('binary'))])));

  const tbs = seq([
    asn1.create(C, 0, true, [integer(2)]),
    asn1.create(U, Ty.INTEGER, false, serial.toString('binary')),
    sig.algId,
    fromDer(issuerDer),
    seq([timeNode(opts.notBefore), timeNode(opts.notAfter)]),
    fromDer(subjectDer),
    fromDer(key.spkiDer),
    asn1.create(C, 3, true, [seq(exts)]),
  ]);
  const tbsDer = der(tbs);
  const signature = crypto.sign(sig.digest, tbsDer, signer.privateKey);
  const certDer = Buffer.concat([derHeader(0x30, tbsDer.length + der(sig.algId).length + der(bitString(signature)).length), tbsDer, der(sig.algId), der(bitString(signature))]);
  return { pem: pemEncode('CERTIFICATE', certDer), der: certDer, key, subjectDer, subjectKeyId: ski };
}

function derHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}

/** Wraps an existing certificate + key (e.g. a CA loaded from disk) so it can issue certificates. */
export function loadCertificate(certPemOrDer: string | Buffer, key: GeneratedKey): GeneratedCertificate {
  const certDer = typeof certPemOrDer === 'string' || certPemOrDer.includes('-----BEGIN') ? pemDecode(certPemOrDer.toString()) : certPemOrDer;
  const x = new crypto.X509Certificate(certDer);
  if (!x.checkPrivateKey(key.privateKey)) throw new Error('certificate and key do not match');
  const tbs = children(fromDer(certDer))[0];
  const f = children(tbs);
  const v = is(f[0], CONTEXT, 0) ? 1 : 0;
  const subject = f[v + 4];
  if (!isSeq(subject)) throw new Error('cannot read the certificate subject');
  // Prefer the certificate's own SKI extension; fall back to computing it.
  let ski: Buffer | undefined;
  const extsWrap = f.find((n) => is(n, CONTEXT, 3));
  for (const ext of children(children(extsWrap)[0])) {
    const parts = children(ext);
    if (forge.asn1.derToOid(bytesOf(parts[0])) === OID.subjectKeyIdentifier) {
      const inner = parseDer(Buffer.from(bytesOf(parts[parts.length - 1]), 'binary'));
      if (inner) ski = Buffer.from(bytesOf(inner.node), 'binary');
    }
  }
  return { pem: pemEncode('CERTIFICATE', certDer), der: certDer, key, subjectDer: der(subject), subjectKeyId: ski ?? keyIdentifier(key.spkiDer) };
}

// ---------------------------------------------------------------------------------------------
// Whole PKI

export interface PkiOptions extends KeyOptions {
  /** Validity of the leaf certificates. */
  notBefore: Date;
  notAfter: Date;
  /** Validity of the CA certificates; defaults to notBefore − 1 day … notAfter + 365 days. */
  caNotBefore?: Date;
  caNotAfter?: Date;
  hashAlg?: HashAlg;
  caSubject?: SubjectSpec;
  /** Create an intermediate CA between the root and the leaves. */
  intermediate?: boolean;
  intermediateSubject?: SubjectSpec;
  serverSubject?: SubjectSpec;
  clientSubject?: SubjectSpec;
  /** Server SANs; default ["DNS:server.example.com"]. */
  serverSans?: string[];
  /** Extra IP SAN for the server certificate. */
  serverIp?: string;
  clientSans?: string[];
  /** Key type for the CAs (default: keyType). */
  caKeyType?: KeyType;
}

export interface GeneratedPki {
  ca: GeneratedCertificate;
  intermediate?: GeneratedCertificate;
  server: GeneratedCertificate;
  client: GeneratedCertificate;
  /** Issuer of the leaves (intermediate when present, otherwise the root). */
  issuer: GeneratedCertificate;
}

const DAY = 86_400_000;

export function generatePki(opts: PkiOptions): GeneratedPki {
  const keyOpts: KeyOptions = { keyType: opts.keyType, rsaBits: opts.rsaBits, curve: opts.curve };
  const caKeyOpts: KeyOptions = { ...keyOpts, keyType: opts.caKeyType ?? opts.keyType };
  const caNotBefore = opts.caNotBefore ?? new Date(opts.notBefore.getTime() - DAY);
  const caNotAfter = opts.caNotAfter ?? new Date(opts.notAfter.getTime() + 365 * DAY);
  const hashAlg = opts.hashAlg;
  const ca = createCertificate({
    subject: opts.caSubject ?? 'O=Example Test PKI, CN=Example Test Root CA',
    key: generateKey(caKeyOpts),
    notBefore: caNotBefore,
    notAfter: caNotAfter,
    isCA: true,
    hashAlg,
  });
  let issuer = ca;
  let intermediate: GeneratedCertificate | undefined;
  if (opts.intermediate) {
    intermediate = createCertificate({
      subject: opts.intermediateSubject ?? 'O=Example Test PKI, CN=Example Test Intermediate CA',
      key: generateKey(caKeyOpts),
      issuer: ca,
      notBefore: caNotBefore,
      notAfter: caNotAfter,
      isCA: true,
      pathLength: 0,
      hashAlg,
    });
    issuer = intermediate;
  }
  const serverSans = [...(opts.serverSans ?? ['DNS:server.example.com'])];
  if (opts.serverIp) serverSans.push(`IP:${opts.serverIp}`);
  const serverSubject = opts.serverSubject ?? `O=Example Test PKI, CN=${(serverSans.find((s) => s.startsWith('DNS:')) ?? 'DNS:server').slice(4)}`;
  const server = createCertificate({
    subject: serverSubject,
    key: generateKey(keyOpts),
    issuer,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    extendedKeyUsage: ['serverAuth'],
    sans: serverSans,
    hashAlg,
  });
  const client = createCertificate({
    subject: opts.clientSubject ?? 'O=Example Test PKI, CN=client1',
    key: generateKey(keyOpts),
    issuer,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    extendedKeyUsage: ['clientAuth'],
    sans: opts.clientSans,
    hashAlg,
  });
  return { ca, intermediate, server, client, issuer };
}

/**
 * PKCS#12 archive (DER) with the certificate, its key and an optional chain, built with
 * node-forge (RSA keys only). 3DES/SHA-1 MAC so OpenSSL 3 reads it without the legacy provider.
 */
export function toPkcs12(cert: GeneratedCertificate, passphrase: string, chain: GeneratedCertificate[] = []): Buffer {
  if (cert.key.keyType !== 'rsa') throw new Error('PKCS#12 generation via node-forge supports RSA keys only');
  const forgeKey = forge.pki.privateKeyFromPem(cert.key.pem);
  const certs = [cert, ...chain].map((c) => forge.pki.certificateFromPem(c.pem));
  const p12 = forge.pkcs12.toPkcs12Asn1(forgeKey, certs, passphrase, { algorithm: '3des', friendlyName: 'test' });
  return Buffer.from(asn1.toDer(p12).getBytes(), 'binary');
}

// ---------------------------------------------------------------------------------------------
// Writing files

export interface PkiFile {
  /** File name relative to the target directory (no path separators). */
  name: string;
  data: string | Buffer;
  /** Private keys are written with mode 0600, everything else 0644. */
  private?: boolean;
}

export interface WritePkiOptions {
  /** Leave existing files alone and report them as skipped instead of failing. */
  skipExisting?: boolean;
}

export interface WritePkiResult {
  written: string[];
  skipped: string[];
}

/**
 * Writes files atomically and without ever overwriting: each file is written to a temporary
 * name in the same directory (opened with `wx`), fsynced, then hard-linked to its final name
 * (link fails with EEXIST instead of replacing, unlike rename) and the temporary is removed.
 * Where hard links are unsupported, falls back to an existence check + rename.
 * Private keys get mode 0600. Throws a clear error if a file exists (unless skipExisting).
 */
export function writePki(dir: string, spec: PkiFile[] | GeneratedPki, opts: WritePkiOptions = {}): WritePkiResult {
  const files = Array.isArray(spec) ? spec : pkiFiles(spec);
  fs.mkdirSync(dir, { recursive: true });
  const result: WritePkiResult = { written: [], skipped: [] };
  for (const f of files) {
    if (!f.name || f.name !== nodePath.basename(f.name) || f.name === '.' || f.name === '..') {
      throw new Error(`invalid PKI file name "${f.name}"`);
    }
  }
  if (!opts.skipExisting) {
    const existing = files.filter((f) => fs.existsSync(nodePath.join(dir, f.name))).map((f) => f.name);
    if (existing.length) throw new Error(`refusing to overwrite existing file(s) in ${dir}: ${existing.join(', ')}`);
  }
  for (const f of files) {
    const target = nodePath.join(dir, f.name);
    if (fs.existsSync(target)) {
      if (opts.skipExisting) {
        result.skipped.push(f.name);
        continue;
      }
      throw new Error(`refusing to overwrite existing file ${target}`);
    }
    const mode = f.private ? 0o600 : 0o644;
    const tmp = nodePath.join(dir, `.${f.name}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    const fd = fs.openSync(tmp, 'wx', mode);
    try {
      fs.fchmodSync(fd, mode); // umask-independent
      fs.writeFileSync(fd, f.data);
      fs.fsyncSync(fd);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fs.closeSync(fd);
    try {
      try {
        fs.linkSync(tmp, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') {
          if (opts.skipExisting) {
            result.skipped.push(f.name);
            continue;
          }
          throw new Error(`refusing to overwrite existing file ${target}`);
        }
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw e;
        if (fs.existsSync(target)) throw new Error(`refusing to overwrite existing file ${target}`);
        fs.renameSync(tmp, target);
      }
      result.written.push(f.name);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return result;
}

/**
 * Standard file set for a generated PKI: ca.crt/ca.key, [intermediate.crt/key], server.crt/key,
 * server_fullchain.crt (server + intermediate), client.crt/key, client_chain.pem (client + intermediate + CA).
 */
export function pkiFiles(pki: GeneratedPki): PkiFile[] {
  const files: PkiFile[] = [
    { name: 'ca.crt', data: pki.ca.pem },
    { name: 'ca.key', data: pki.ca.key.pem, private: true },
  ];
  if (pki.intermediate) {
    files.push({ name: 'intermediate.crt', data: pki.intermediate.pem });
    files.push({ name: 'intermediate.key', data: pki.intermediate.key.pem, private: true });
  }
  const chainTail = pki.intermediate ? pki.intermediate.pem : '';
  files.push(
    { name: 'server.crt', data: pki.server.pem },
    { name: 'server.key', data: pki.server.key.pem, private: true },
    { name: 'server_fullchain.crt', data: pki.server.pem + chainTail },
    { name: 'client.crt', data: pki.client.pem },
    { name: 'client.key', data: pki.client.key.pem, private: true },
    { name: 'client_chain.pem', data: pki.client.pem + chainTail + pki.ca.pem },
  );
  return files;
}

/** An unsigned big-endian INTEGER, with the leading zero DER needs when the top bit is set. */
function unsignedInteger(value: Buffer): Node {
  const body = value[0] & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value;
  return asn1.create(U, Ty.INTEGER, false, body.toString('binary'));
}

/**
 * PKCS#3 DH parameters (`BEGIN DH PARAMETERS`) of a group Node knows by name: modp1 (768 bits),
 * modp2 (1024), modp14 (2048) and so on. Instant, unlike generating a safe prime.
 */
export function dhParametersPem(group: string): string {
  const dh = crypto.getDiffieHellman(group);
  const body = der(seq([unsignedInteger(dh.getPrime()), unsignedInteger(dh.getGenerator())])).toString('base64');
  return `-----BEGIN DH PARAMETERS-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END DH PARAMETERS-----\n`;
}
