/**
 * "Generate test PKI": a CA, a server certificate for one host and a client certificate,
 * written into a folder without ever overwriting anything, plus the Server A / Server B
 * blocks that use them. For development and tests only: the CA key is written next to the
 * certificates so that more certificates can be issued.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createCertificate, writePki, type KeyType, type PkiFile } from '../pki/testPkiGenerator';
import { configPath, mtlsProxyServerBlock, mtlsServerBlock, renderTemplate } from './insertActions';

/**
 * Proposed server command id (for common/protocol.ts `ServerCommands`). Argument: a
 * GenerateTestPkiRequest as JSON (see parseGenerateTestPkiRequest; `now` is taken from the
 * server's clock). Returns a GenerateTestPkiResult.
 */
export const GENERATE_TEST_PKI_COMMAND = 'nginxMtls.server.generateTestPki';

export interface GenerateTestPkiRequest {
  /** Absolute folder to write into (created when missing). */
  folder: string;
  /** Common name of the CA. */
  caName: string;
  /** DNS name (or IP address) of the server: its certificate's subjectAltName. */
  serverHost: string;
  /** Common name of the client certificate. */
  clientName: string;
  keyType?: 'rsa' | 'ec';
  now: Date;
}

export interface TestPkiFiles {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Server certificate followed by the CA: what a TLS server sends as its chain. */
  chain: string;
}

export interface GenerateTestPkiResult {
  /** Absolute paths written. */
  written: string[];
  /** Always empty: existing files make the whole request fail instead. */
  skipped: string[];
  files: TestPkiFiles;
}

/** File names inside the folder. */
export const TEST_PKI_FILE_NAMES = {
  ca: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  chain: 'server-fullchain.crt',
  clientCert: 'client.crt',
  clientKey: 'client.key',
} as const;

const DAY = 86_400_000;
const MAX_NAME_LENGTH = 64;

function checkName(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${what} must be a non-empty string`);
  const trimmed = value.trim();
  if (trimmed.length > MAX_NAME_LENGTH) throw new Error(`${what} is longer than ${MAX_NAME_LENGTH} characters`);
  // Control characters would end up in certificate subjects and in the error messages shown to users.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new Error(`${what} contains control characters`);
  return trimmed;
}

function checkHost(value: unknown): string {
  const host = checkName('serverHost', value);
  if (net.isIP(host)) return host;
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host)) {
    throw new Error(`serverHost "${host}" is not a DNS name or an IP address`);
  }
  return host.toLowerCase();
}

/** Validates a request that came over the wire (untrusted), using `now` from the caller's clock. */
export function parseGenerateTestPkiRequest(raw: unknown, now: Date): GenerateTestPkiRequest {
  if (typeof raw !== 'object' || raw === null) throw new Error('the request must be an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.folder !== 'string' || !path.isAbsolute(r.folder)) throw new Error('folder must be an absolute path');
  const keyType = r.keyType ?? 'rsa';
  if (keyType !== 'rsa' && keyType !== 'ec') throw new Error('keyType must be "rsa" or "ec"');
  return {
    folder: path.normalize(r.folder),
    caName: checkName('caName', r.caName),
    serverHost: checkHost(r.serverHost),
    clientName: checkName('clientName', r.clientName),
    keyType,
    now,
  };
}

function filesIn(folder: string): TestPkiFiles {
  const at = (name: string): string => path.join(folder, name);
  return {
    ca: at(TEST_PKI_FILE_NAMES.ca),
    serverCert: at(TEST_PKI_FILE_NAMES.serverCert),
    serverKey: at(TEST_PKI_FILE_NAMES.serverKey),
    clientCert: at(TEST_PKI_FILE_NAMES.clientCert),
    clientKey: at(TEST_PKI_FILE_NAMES.clientKey),
    chain: at(TEST_PKI_FILE_NAMES.chain),
  };
}

/**
 * Generates the CA, server and client certificates and writes them to `request.folder`
 * (keys with mode 0600). Fails without writing anything when any of the files exists.
 */
export async function generateTestPki(request: GenerateTestPkiRequest): Promise<GenerateTestPkiResult> {
  const folder = path.resolve(request.folder);
  const existing = Object.values(TEST_PKI_FILE_NAMES).filter((name) => fs.existsSync(path.join(folder, name)));
  if (existing.length > 0) {
    throw new Error(`refusing to overwrite existing file(s) in ${folder}: ${existing.join(', ')}; nothing was written`);
  }
  const keyType: KeyType = request.keyType ?? 'rsa';
  const now = request.now.getTime();
  if (!Number.isFinite(now)) throw new Error('now is not a valid date');
  const ca = createCertificate({
    subject: [['CN', request.caName]],
    keyType,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    isCA: true,
  });
  const leafValidity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
  const server = createCertificate({
    subject: [['CN', request.serverHost]],
    keyType,
    issuer: ca,
    ...leafValidity,
    extendedKeyUsage: ['serverAuth'],
    sans: [net.isIP(request.serverHost) ? `IP:${request.serverHost}` : `DNS:${request.serverHost}`],
  });
  const client = createCertificate({
    subject: [['CN', request.clientName]],
    keyType,
    issuer: ca,
    ...leafValidity,
    extendedKeyUsage: ['clientAuth'],
  });
  const files: PkiFile[] = [
    { name: TEST_PKI_FILE_NAMES.ca, data: ca.pem },
    { name: TEST_PKI_FILE_NAMES.caKey, data: ca.key.pem, private: true },
    { name: TEST_PKI_FILE_NAMES.serverCert, data: server.pem },
    { name: TEST_PKI_FILE_NAMES.serverKey, data: server.key.pem, private: true },
    { name: TEST_PKI_FILE_NAMES.chain, data: server.pem + ca.pem },
    { name: TEST_PKI_FILE_NAMES.clientCert, data: client.pem },
    { name: TEST_PKI_FILE_NAMES.clientKey, data: client.key.pem, private: true },
  ];
  const result = writePki(folder, files);
  return {
    written: result.written.map((name) => path.join(folder, name)),
    skipped: result.skipped.map((name) => path.join(folder, name)),
    files: filesIn(folder),
  };
}

/** The first DNS name (else IP address) of the server certificate, read back from the file. */
function hostOfCertificate(file: string): string | undefined {
  try {
    const cert = new crypto.X509Certificate(fs.readFileSync(file));
    const names = (cert.subjectAltName ?? '').split(',').map((s) => s.trim());
    const dns = names.find((n) => n.startsWith('DNS:'));
    if (dns) return dns.slice(4);
    const ip = names.find((n) => n.startsWith('IP Address:'));
    return ip?.slice('IP Address:'.length);
  } catch {
    return undefined;
  }
}

export interface PkiInsertionOptions {
  /** Name the server answers to and the proxy verifies; default: read from files.serverCert. */
  serverHost?: string;
  /** One indentation step; default a tab (editors convert it like snippet text). */
  indentUnit?: string;
}

/**
 * The Server A block (requires client certificates issued by the generated CA) and the
 * Server B block (proxies to Server A with the client certificate, verifying it against the
 * CA), with paths relative to `confDir` when the files are under it.
 */
export function pkiInsertionText(files: TestPkiFiles, confDir: string | undefined, options: PkiInsertionOptions = {}): { serverBlock: string; proxyBlock: string } {
  const host = options.serverHost ?? hostOfCertificate(files.serverCert) ?? 'localhost';
  const unit = options.indentUnit ?? '\t';
  const p = (file: string): string => configPath(file, confDir);
  const serverBlock = renderTemplate([mtlsServerBlock({
    serverName: host,
    serverCertificate: p(files.chain),
    serverKey: p(files.serverKey),
    clientCa: p(files.ca),
  })], '', unit);
  const proxyBlock = renderTemplate([mtlsProxyServerBlock({
    upstreamHost: host,
    clientCertificate: p(files.clientCert),
    clientKey: p(files.clientKey),
    upstreamCa: p(files.ca),
  })], '', unit);
  return { serverBlock, proxyBlock };
}

export interface GenerateTestPkiCommandResult extends GenerateTestPkiResult {
  /** The blocks to offer for insertion ("Insert server block" / "Insert proxy block"). */
  insertion: { serverBlock: string; proxyBlock: string };
}

/**
 * The server side of GENERATE_TEST_PKI_COMMAND: validates the untrusted argument, generates
 * the files, and renders the blocks for the document the user came from (`confDir`: its conf
 * prefix, so paths under it are written relative).
 */
export async function runGenerateTestPkiCommand(raw: unknown, options: { now: Date; confDir?: string; indentUnit?: string }): Promise<GenerateTestPkiCommandResult> {
  const request = parseGenerateTestPkiRequest(raw, options.now);
  const result = await generateTestPki(request);
  const insertion = pkiInsertionText(result.files, options.confDir, { serverHost: request.serverHost, indentUnit: options.indentUnit });
  return { ...result, insertion };
}
