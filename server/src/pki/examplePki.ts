/**
 * Writes the certificate/key files used by the example scenario configs:
 *
 *   ca.crt / ca.key           RSA root CA ("Example Scenario CA")
 *   server.crt / server.key   RSA server certificate, SAN DNS:serverA.example.com, EKU serverAuth
 *   client.crt / client.key   RSA client certificate, EKU clientAuth
 *   client.der.crt            the client certificate in DER (the scenario's deliberate mistake)
 *   client_chain.pem          client certificate followed by the CA certificate
 *   other.key                 an unrelated RSA key (for a certificate/key mismatch)
 *   ec.crt / ec.key           ECDSA P-256 server certificate for serverA.example.com
 *
 * Idempotent: existing files are left untouched. Missing leaf certificates are signed by the
 * existing CA when ca.crt/ca.key are present, so a partially deleted set is repaired consistently.
 */
import * as fs from 'fs';
import * as nodePath from 'path';
import {
  GeneratedCertificate,
  PkiFile,
  WritePkiResult,
  createCertificate,
  generateKey,
  loadCertificate,
  loadKey,
  pemDecode,
  writePki,
} from './testPkiGenerator';

const DAY = 86_400_000;
export const SCENARIO_SERVER_NAME = 'serverA.example.com';
export const SCENARIO_FILES = [
  'ca.crt',
  'ca.key',
  'server.crt',
  'server.key',
  'client.crt',
  'client.key',
  'client.der.crt',
  'client_chain.pem',
  'other.key',
  'ec.crt',
  'ec.key',
] as const;

export interface ScenarioPkiResult extends WritePkiResult {
  /** Files not written because only part of a cert/key pair existed (left alone on purpose). */
  notes: string[];
}

/** Generates (or completes) the scenario PKI in `dir`. `now` fixes the validity windows. */
export function generateScenarioPki(dir: string, now: Date): ScenarioPkiResult {
  fs.mkdirSync(dir, { recursive: true });
  const exists = (name: string): boolean => fs.existsSync(nodePath.join(dir, name));
  const read = (name: string): Buffer => fs.readFileSync(nodePath.join(dir, name));
  const notes: string[] = [];
  const files: PkiFile[] = [];
  const leafNotBefore = new Date(now.getTime() - DAY);
  const leafNotAfter = new Date(now.getTime() + 365 * DAY);

  const pairMissing = (crt: string, key: string): boolean => {
    if (exists(crt) && exists(key)) return false;
    if (exists(crt) || exists(key)) {
      notes.push(`${crt}/${key}: only one of the pair exists; left alone (delete it to regenerate the pair)`);
      return false;
    }
    return true;
  };

  const needServer = pairMissing('server.crt', 'server.key');
  const needClient = pairMissing('client.crt', 'client.key');
  const needEc = pairMissing('ec.crt', 'ec.key');
  const needLeaves = needServer || needClient || needEc;

  // --- CA
  let ca: GeneratedCertificate | undefined;
  if (exists('ca.crt') && exists('ca.key')) {
    if (needLeaves) {
      try {
        ca = loadCertificate(read('ca.crt'), loadKey(read('ca.key')));
      } catch (e) {
        throw new Error(`cannot issue missing scenario certificates: existing ca.crt/ca.key in ${dir} cannot be used (${(e as Error).message})`);
      }
    }
  } else if (exists('ca.crt') || exists('ca.key')) {
    if (needLeaves) throw new Error(`cannot issue missing scenario certificates: only one of ca.crt/ca.key exists in ${dir}`);
    notes.push('ca.crt/ca.key: only one of the pair exists; left alone');
  } else {
    ca = createCertificate({
      subject: 'O=Example Scenario, CN=Example Scenario CA',
      keyType: 'rsa',
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 3650 * DAY),
      isCA: true,
    });
    files.push({ name: 'ca.crt', data: ca.pem }, { name: 'ca.key', data: ca.key.pem, private: true });
  }

  // --- leaves
  let clientPem: string | undefined;
  if (needServer && ca) {
    const server = createCertificate({
      subject: `O=Example Scenario, CN=${SCENARIO_SERVER_NAME}`,
      keyType: 'rsa',
      issuer: ca,
      notBefore: leafNotBefore,
      notAfter: leafNotAfter,
      extendedKeyUsage: ['serverAuth'],
      sans: [`DNS:${SCENARIO_SERVER_NAME}`],
    });
    files.push({ name: 'server.crt', data: server.pem }, { name: 'server.key', data: server.key.pem, private: true });
  }
  if (needClient && ca) {
    const client = createCertificate({
      subject: 'O=Example Scenario, CN=client1',
      keyType: 'rsa',
      issuer: ca,
      notBefore: leafNotBefore,
      notAfter: leafNotAfter,
      extendedKeyUsage: ['clientAuth'],
    });
    clientPem = client.pem;
    files.push({ name: 'client.crt', data: client.pem }, { name: 'client.key', data: client.key.pem, private: true });
  } else if (exists('client.crt')) {
    clientPem = read('client.crt').toString('latin1');
  }
  if (needEc && ca) {
    const ec = createCertificate({
      subject: `O=Example Scenario, CN=${SCENARIO_SERVER_NAME}`,
      keyType: 'ec',
      issuer: ca,
      notBefore: leafNotBefore,
      notAfter: leafNotAfter,
      extendedKeyUsage: ['serverAuth'],
      sans: [`DNS:${SCENARIO_SERVER_NAME}`],
    });
    files.push({ name: 'ec.crt', data: ec.pem }, { name: 'ec.key', data: ec.key.pem, private: true });
  }

  // --- derived files
  if (!exists('client.der.crt') && clientPem) {
    try {
      files.push({ name: 'client.der.crt', data: pemDecode(clientPem) });
    } catch {
      notes.push('client.der.crt: client.crt is not PEM; not derived');
    }
  }
  if (!exists('client_chain.pem') && clientPem) {
    const caPem = ca?.pem ?? (exists('ca.crt') ? read('ca.crt').toString('latin1') : undefined);
    if (caPem) files.push({ name: 'client_chain.pem', data: ensureNewline(clientPem) + caPem });
  }
  if (!exists('other.key')) files.push({ name: 'other.key', data: generateKey({ keyType: 'rsa' }).pem, private: true });

  const result = writePki(dir, files, { skipExisting: true });
  const skipped = SCENARIO_FILES.filter((f) => !result.written.includes(f) && exists(f));
  return { written: result.written, skipped: [...new Set([...result.skipped, ...skipped])], notes };
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : s + '\n';
}
