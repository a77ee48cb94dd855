/**
 * What nginx learns from OpenSSL when it applies a TLS setting, asked of Node's own OpenSSL:
 * whether a cipher string selects any cipher (SSL_CTX_set_cipher_list), whether every group
 * of an ssl_ecdh_curve list is known (SSL_CTX_set1_curves_list), and what a DH parameters
 * file holds (PEM_read_bio_DHparams, then SSL_CTX_set_tmp_dh's security check).
 *
 * Node's OpenSSL (process.versions.openssl) and the one nginx is linked against on the
 * production host may differ. Measured on Debian 12: Node 3.0.19 and nginx 1.22.1 running
 * with 3.0.19 agree on every string of test/certificates/opensslSettings.test.ts. Where they
 * can differ, the answer says so instead of claiming a refusal:
 * - cipher families OpenSSL 3 builds leave out (RC4, DES, 3DES, IDEA, SEED, export suites)
 *   still exist in OpenSSL 1.1.1 builds, so a string selecting only those is `legacy`;
 * - groups that newer OpenSSL releases added (ML-KEM hybrids from 3.5, brainpool TLS 1.3
 *   names from 3.2) are `newer` when Node's OpenSSL does not know them;
 * - the DH size OpenSSL accepts depends on its security level, which the system's
 *   openssl.cnf sets (level 2 on Debian, Ubuntu and RHEL; the library default is 1).
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import * as tls from 'node:tls';
import { bytesOf, children, is, parseDer, T, UNIVERSAL } from './asn1';
import { blockDer, splitPem } from './pem';

export type CipherListVerdict =
  /** At least one cipher matches: SSL_CTX_set_cipher_list succeeds. */
  | { matches: true }
  /** No cipher matches here; `legacy` when an older OpenSSL build could still match one. */
  | { matches: false; legacy: boolean };

const cipherCache = new Map<string, CipherListVerdict>();

/**
 * Tokens naming cipher families that OpenSSL 3 builds no longer offer but 1.1.1 builds did
 * (3DES is in 1.1.1's MEDIUM; RC4/IDEA/SEED depend on build options).
 */
const LEGACY_CIPHER = /(^|[-+!])(RC4|RC2|DES|3DES|DES-CBC3|IDEA|SEED|EXP|EXPORT\d*|MD5)([-+]|$)/i;

/**
 * Does the cipher string nginx passes to SSL_CTX_set_cipher_list select any cipher?
 * TLS 1.3 suite names (TLS_AES_…) are not TLS 1.2 ciphers: OpenSSL's cipher-list parser
 * matches nothing with them, and nginx (unlike Node's createSecureContext, which moves them
 * to SSL_CTX_set_ciphersuites) refuses a string made only of them.
 */
export function cipherListVerdict(value: string): CipherListVerdict {
  let verdict = cipherCache.get(value);
  if (verdict) return verdict;
  // OpenSSL separates entries with colons, commas or blanks; Node treats an entry starting
  // with TLS_ as a TLS 1.3 suite, so each entry is passed on its own.
  const tokens = value.split(/[:, ]+/).filter((t) => t.length > 0);
  const classic = tokens.filter((t) => !/^TLS_/.test(t)).join(':');
  if (classic === '') {
    verdict = { matches: false, legacy: false };
  } else {
    try {
      tls.createSecureContext({ ciphers: classic });
      verdict = { matches: true };
    } catch {
      verdict = { matches: false, legacy: tokens.some((t) => LEGACY_CIPHER.test(t)) };
    }
  }
  if (cipherCache.size > 500) cipherCache.clear();
  cipherCache.set(value, verdict);
  return verdict;
}

/** Group names that OpenSSL releases after 3.0 added: unknown to an older OpenSSL, fine on a newer one. */
const NEWER_GROUPS = /^(X25519MLKEM768|SecP256r1MLKEM768|SecP384r1MLKEM1024|MLKEM512|MLKEM768|MLKEM1024|X25519Kyber768Draft00|brainpoolP256r1tls13|brainpoolP384r1tls13|brainpoolP512r1tls13)$/i;

export interface GroupListVerdict {
  /** Names Node's OpenSSL does not know, in the order written. */
  unknown: string[];
  /** The subset of `unknown` that newer OpenSSL releases know. */
  newer: string[];
  /** True when the list has an empty element (`X25519::P-256`, a trailing colon), which OpenSSL refuses too. */
  emptyElement: boolean;
}

const groupCache = new Map<string, boolean>();

let probeKeyPem: string | undefined;

/**
 * Node (20, OpenSSL 3.0) leaves the error of a refused `ecdhCurve` on OpenSSL's error queue,
 * and the next key parse in this thread fails with it ("passed invalid argument"): a good key
 * would then be reported as unreadable. Parsing a known-good key until it succeeds takes the
 * stale entries off the queue (one parse is enough in practice; the bound keeps it finite).
 */
function drainOpenSslErrorQueue(): void {
  probeKeyPem ??= generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      createPrivateKey(probeKeyPem);
      return;
    } catch {
      // a stale error surfaced and is gone from the queue now; try again
    }
  }
}

function groupKnown(name: string): boolean {
  let known = groupCache.get(name);
  if (known === undefined) {
    try {
      tls.createSecureContext({ ecdhCurve: name });
      known = true;
    } catch {
      known = false;
      drainOpenSslErrorQueue();
    }
    if (groupCache.size > 500) groupCache.clear();
    groupCache.set(name, known);
  }
  return known;
}

/**
 * The groups of an ssl_ecdh_curve value that SSL_CTX_set1_curves_list would refuse. `auto`
 * (lower case only) is nginx's own keyword and never reaches OpenSSL.
 */
export function groupListVerdict(value: string): GroupListVerdict {
  if (value === 'auto') return { unknown: [], newer: [], emptyElement: false };
  const names = value.split(':');
  // Node's own keyword: OpenSSL does not know it as a group name.
  const unknown = names.filter((n) => n.length > 0 && (n === 'auto' || !groupKnown(n)));
  return { unknown, newer: unknown.filter((n) => NEWER_GROUPS.test(n)), emptyElement: names.some((n) => n.length === 0) };
}

export interface DhParameters {
  /** The PEM label of the block nginx reads (`DH PARAMETERS` or `X9.42 DH PARAMETERS`). */
  label: string;
  /** Bit length of the prime; undefined when the block does not decode. */
  bits?: number;
}

const DH_LABELS = new Set(['DH PARAMETERS', 'X9.42 DH PARAMETERS']);

/**
 * The first DH parameters block of a PEM text, as PEM_read_bio_DHparams finds it: it skips
 * blocks of other kinds (a certificate before the parameters is fine). Undefined when there
 * is none, which nginx refuses with "no start line".
 */
export function readDhParameters(text: string): DhParameters | undefined {
  const block = splitPem(text, 64).blocks.find((b) => DH_LABELS.has(b.label));
  if (!block) return undefined;
  // DHParameter and X9.42 DomainParameters both start with the prime p.
  const prime = children(parseDer(blockDer(block))?.node)[0];
  if (!is(prime, UNIVERSAL, T.INTEGER)) return { label: block.label };
  const raw = bytesOf(prime).replace(/^\0+/, '');
  const bits = raw.length === 0 ? 0 : (raw.length - 1) * 8 + (32 - Math.clz32(raw.charCodeAt(0)));
  return { label: block.label, bits };
}

/** Security bits OpenSSL grants a finite-field group of this size (BN_security_bits). */
export function dhSecurityBits(bits: number): number {
  if (bits >= 15360) return 256;
  if (bits >= 7680) return 192;
  if (bits >= 3072) return 128;
  if (bits >= 2048) return 112;
  if (bits >= 1024) return 80;
  return 0;
}

/** The minimum security bits of each OpenSSL security level (SSL_CTX_set_security_level). */
export const SECURITY_LEVEL_BITS: readonly number[] = [0, 80, 112, 128, 192, 256];

/** The `@SECLEVEL=n` a cipher string sets, if any (the last one wins, as in OpenSSL). */
export function cipherStringSecurityLevel(value: string): number | undefined {
  let level: number | undefined;
  for (const m of value.matchAll(/@SECLEVEL=(\d)/g)) level = Number(m[1]);
  return level;
}
