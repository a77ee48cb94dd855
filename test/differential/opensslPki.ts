/**
 * The test PKI of nginx-t-transcripts.md ("Test PKI" table), generated with the openssl
 * command line into a directory: CA, server (SAN serverA.example.com), client (clientAuth),
 * DER/PKCS#12/PKCS#8-encrypted/traditional variants, EC and Ed25519 pairs, an intermediate
 * CA with a leaf, and certificates valid in the past or the future.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PKI_PASSPHRASE = 'test-passphrase';

function openssl(cwd: string, args: string[], input?: string): void {
  execFileSync('openssl', args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], input });
}

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function rsaKey(dir: string, name: string): void {
  openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', name]);
}

function ecKey(dir: string, name: string): void {
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name]);
}

function write(dir: string, name: string, text: string): void {
  fs.writeFileSync(path.join(dir, name), text);
}

function read(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, name), 'utf8');
}

/** Issues `name.crt` for `name.key` from `issuer` with the given extensions. */
function issue(dir: string, name: string, subject: string, issuer: string, ext: string, days = 825): void {
  write(dir, `${name}.ext`, ext);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.crt`, '-CAkey', `${issuer}.key`, '-CAcreateserial',
    '-days', String(days), '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
}

/** Issues with explicit validity dates (openssl ca; `x509 -req` of OpenSSL 3.0 has no start date). */
function issueDated(dir: string, name: string, subject: string, start: string, end: string): void {
  const caDir = path.join(dir, '.ca');
  fs.mkdirSync(path.join(caDir, 'new'), { recursive: true });
  if (!fs.existsSync(path.join(caDir, 'index.txt'))) write(caDir, 'index.txt', '');
  if (!fs.existsSync(path.join(caDir, 'serial'))) write(caDir, 'serial', '1000\n');
  write(caDir, 'ca.cnf', [
    '[ca]', 'default_ca = d', '[d]', `database = ${path.join(caDir, 'index.txt')}`, `new_certs_dir = ${path.join(caDir, 'new')}`,
    `serial = ${path.join(caDir, 'serial')}`, 'default_md = sha256', 'policy = p', 'unique_subject = no', 'x509_extensions = e',
    '[p]', 'commonName = supplied', '[e]', 'basicConstraints = CA:FALSE', 'subjectAltName = DNS:serverA.example.com', '',
  ].join('\n'));
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
  openssl(dir, ['ca', '-batch', '-config', path.join(caDir, 'ca.cnf'), '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${name}.csr`,
    '-out', `${name}.crt`, '-startdate', start, '-enddate', end, '-notext']);
}

const SERVER_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:serverA.example.com\n';
const CLIENT_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n';
const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';

export interface PkiOptions {
  /** Also the past/future, EC, Ed25519, intermediate and odd-format files (the transcript cases need them). */
  full?: boolean;
}

/** Generates the PKI into `dir` (created). Returns `dir`. */
export function generateTranscriptPki(dir: string, options: PkiOptions = { full: true }): string {
  fs.mkdirSync(dir, { recursive: true });
  rsaKey(dir, 'ca.key');
  openssl(dir, ['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=Test CA', '-days', '3650', '-sha256',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ca.crt']);
  rsaKey(dir, 'server.key');
  issue(dir, 'server', '/CN=serverA.example.com', 'ca', SERVER_EXT);
  rsaKey(dir, 'client.key');
  issue(dir, 'client', '/CN=client.example.com/O=Test Clients', 'ca', CLIENT_EXT);
  openssl(dir, ['x509', '-in', 'client.crt', '-outform', 'DER', '-out', 'client.der.crt']);
  rsaKey(dir, 'other.key');
  if (!options.full) return dir;

  openssl(dir, ['x509', '-in', 'ca.crt', '-outform', 'DER', '-out', 'ca.der']);
  write(dir, 'ca.withkey.pem', read(dir, 'ca.crt') + read(dir, 'ca.key'));
  openssl(dir, ['pkey', '-in', 'client.key', '-outform', 'DER', '-out', 'client.der.key']);
  openssl(dir, ['pkcs12', '-export', '-in', 'client.crt', '-inkey', 'client.key', '-passout', `pass:${PKI_PASSPHRASE}`, '-out', 'client.p12']);
  write(dir, 'pass.txt', `${PKI_PASSPHRASE}\n`);
  write(dir, 'wrongpass.txt', 'not-the-passphrase\n');
  openssl(dir, ['pkcs8', '-topk8', '-in', 'server.key', '-v2', 'aes-256-cbc', '-passout', `pass:${PKI_PASSPHRASE}`, '-out', 'server.enc.key']);
  openssl(dir, ['rsa', '-in', 'server.key', '-traditional', '-out', 'server.rsa.key']);
  write(dir, 'server.combined.pem', read(dir, 'server.crt') + read(dir, 'server.key'));
  write(dir, 'server.keyfirst.pem', read(dir, 'server.key') + read(dir, 'server.crt'));
  write(dir, 'server.wrongorder.pem', read(dir, 'ca.crt') + read(dir, 'server.crt'));
  write(dir, 'server.crlf.crt', read(dir, 'server.crt').replace(/\r?\n/g, '\r\n'));
  write(dir, 'empty.pem', '');
  ecKey(dir, 'ec.key');
  issue(dir, 'ec', '/CN=serverA.example.com', 'ca', SERVER_EXT);
  ecKey(dir, 'ec2.key');
  openssl(dir, ['genpkey', '-algorithm', 'ED25519', '-out', 'ed.key']);
  issue(dir, 'ed', '/CN=serverA.example.com', 'ca', SERVER_EXT);
  rsaKey(dir, 'int.key');
  issue(dir, 'int', '/CN=Test Intermediate CA', 'ca', CA_EXT);
  rsaKey(dir, 'leaf.key');
  issue(dir, 'leaf', '/CN=serverA.example.com', 'int', SERVER_EXT);
  write(dir, 'leaf.chain.pem', read(dir, 'leaf.crt') + read(dir, 'int.crt'));
  rsaKey(dir, 'iclient.key');
  issue(dir, 'iclient', '/CN=iclient.example.com', 'int', CLIENT_EXT);
  rsaKey(dir, 'expired.key');
  issueDated(dir, 'expired', '/CN=serverA.example.com', '20200101000000Z', '20200201000000Z');
  rsaKey(dir, 'future.key');
  issueDated(dir, 'future', '/CN=serverA.example.com', '20300101000000Z', '20310101000000Z');
  return dir;
}
