/** Shared fixtures for the certificate tests: a PKI per key type generated once per process. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import forge from 'node-forge';
import {
  GeneratedPki,
  KeyType,
  generatePki,
} from '../../server/src/pki/testPkiGenerator';

export const NOW = new Date('2025-06-01T00:00:00Z');
export const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
export const NOT_AFTER = new Date('2026-01-01T00:00:00Z');
/** NOW expressed in seconds, for `openssl verify -attime`. */
export const NOW_EPOCH = String(Math.floor(NOW.getTime() / 1000));

const pkis = new Map<KeyType, GeneratedPki>();

export function pki(keyType: KeyType): GeneratedPki {
  let p = pkis.get(keyType);
  if (!p) {
    p = generatePki({
      keyType,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      intermediate: true,
      serverSans: ['DNS:serverA.example.com', 'DNS:www.example.com'],
      serverIp: '192.0.2.10',
    });
    pkis.set(keyType, p);
  }
  return p;
}

let tmpRoot: string | undefined;
export function tmpDir(name: string): string {
  if (!tmpRoot) {
    tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-cert-test-'));
    process.on('exit', () => fs.rmSync(tmpRoot!, { recursive: true, force: true }));
  }
  const d = path.join(tmpRoot, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

export function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString('latin1');
}

export function opensslBuffer(args: string[], input?: string | Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Body lines (base64) of every PEM block in `pem`, for "no key material leaked" scans. */
export function pemBodyLines(pem: string): string[] {
  return pem
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length >= 16 && !l.startsWith('-----') && !l.includes(':'));
}

/** Asserts that `haystack` contains no line of the key PEMs and no secret string. */
export function findLeaks(haystack: string, keyPems: string[], secrets: string[] = []): string[] {
  const leaks: string[] = [];
  // JSON escapes "/" not, but does escape nothing else in base64; compare raw.
  for (const pem of keyPems) for (const line of pemBodyLines(pem)) if (haystack.includes(line)) leaks.push(`key line ${line.slice(0, 12)}…`);
  for (const s of secrets) if (haystack.includes(s)) leaks.push(`secret ${s.slice(0, 3)}…`);
  // DER of keys as base64 chunks
  for (const pem of keyPems) {
    const der = Buffer.from(pemBodyLines(pem).join(''), 'base64');
    const b64 = der.toString('base64');
    for (let i = 0; i + 24 <= b64.length; i += 200) if (haystack.includes(b64.slice(i, i + 24))) leaks.push('key der chunk');
    const hex = der.toString('hex');
    for (let i = 0; i + 32 <= hex.length; i += 200) if (haystack.toLowerCase().includes(hex.slice(i, i + 32))) leaks.push('key hex chunk');
  }
  return leaks;
}

/** Rewrites the PBKDF2 iteration count inside an "ENCRYPTED PRIVATE KEY" PEM. */
export function withPbkdf2Iterations(encryptedPem: string, iterations: number): string {
  const body = encryptedPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const node = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(body, 'base64').toString('binary')));
  // EncryptedPrivateKeyInfo.encryptionAlgorithm.parameters.keyDerivationFunc.parameters.iterationCount
  const algId = (node.value as forge.asn1.Asn1[])[0];
  const pbes2Params = (algId.value as forge.asn1.Asn1[])[1];
  const kdf = (pbes2Params.value as forge.asn1.Asn1[])[0];
  const kdfParams = (kdf.value as forge.asn1.Asn1[])[1];
  const iter = (kdfParams.value as forge.asn1.Asn1[])[1];
  const hex = iterations.toString(16);
  let bytes = Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  iter.value = bytes.toString('binary');
  const der = Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${b64}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
}
