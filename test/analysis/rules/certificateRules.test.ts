/**
 * Bad/good fixtures for the certificate file and pairing rules. Every certificate is
 * generated at test time with a fixed clock; configurations are written next to them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResolvedFinding } from '../../../server/src/analysis/analyzer';
import { NodeFileSystem } from '../../../server/src/model/fileSystem';
import { createCertificate, encryptedPkcs8Pem, generateKey, generatePki, toPkcs12, type GeneratedPki } from '../../../server/src/pki/testPkiGenerator';
import { DEFAULT_SETTINGS } from '../../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../../server/src/service/workspaceAnalysis';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const days = (n: number): Date => new Date(NOW.getTime() + n * DAY);

let dir: string;
let pki: GeneratedPki;
let counter = 0;

function write(name: string, data: string | Buffer, mode = 0o600): string {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  chmodSync(p, mode);
  return p;
}

/** Checks an http-level body (wrapped in a main config) and returns its findings. */
async function check(httpBody: string, version = DEFAULT_SETTINGS.targetVersion): Promise<ResolvedFinding[]> {
  const conf = write(`case${++counter}.conf`, `events {}\nhttp {\n${httpBody}\n}\n`, 0o644);
  const analysis = new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW, settings: { ...DEFAULT_SETTINGS, targetVersion: version } });
  const result = await analysis.analyzeFiles([conf], [conf]);
  return result.get(conf)?.findings ?? [];
}

function codes(findings: ResolvedFinding[], prefix = ''): string[] {
  return findings.map((f) => f.code).filter((c) => c.startsWith(prefix)).sort();
}

function server(lines: string): string {
  return `server {\n listen 443 ssl;\n server_name server.example.com;\n${lines}\n}`;
}

function pair(cert = 'server.crt', key = 'server.key'): string {
  return ` ssl_certificate ${dir}/${cert};\n ssl_certificate_key ${dir}/${key};`;
}

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-certrules-'));
  pki = generatePki({ notBefore: days(-10), notAfter: days(365) });
  write('ca.crt', pki.ca.pem, 0o644);
  write('server.crt', pki.server.pem, 0o644);
  write('server.key', pki.server.key.pem);
  write('client.crt', pki.client.pem, 0o644);
  write('client.key', pki.client.key.pem);
  write('server.der', pki.server.der, 0o644);
  write('server.key.der', pki.server.key.der);
  write('server.p12', toPkcs12(pki.server, 'secret'));
  write('other.key', generateKey().pem);
  write('ec.key', generateKey({ keyType: 'ec' }).pem);
  write('combined.pem', pki.server.key.pem + pki.server.pem);
  write('wrongorder.pem', pki.ca.pem + pki.server.pem, 0o644);
  write('chain.pem', pki.server.pem + pki.ca.pem, 0o644);
  write('csr.pem', '-----BEGIN CERTIFICATE REQUEST-----\nMIIBADCBpwIBADAA\n-----END CERTIFICATE REQUEST-----\n', 0o644);
  write('empty.pem', '', 0o644);
  write('garbage.bin', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02]), 0o644);
  write('server.enc.key', encryptedPkcs8Pem(pki.server.key, 'right horse'));
  write('pass.txt', 'wrong one\nright horse\n');
  write('wrongpass.txt', 'nope\n');
  const expired = createCertificate({ subject: 'CN=server.example.com', key: pki.server.key, issuer: pki.ca, notBefore: days(-400), notAfter: days(-5), sans: ['DNS:server.example.com'] });
  write('expired.crt', expired.pem, 0o644);
  const future = createCertificate({ subject: 'CN=server.example.com', key: pki.server.key, issuer: pki.ca, notBefore: days(5), notAfter: days(400), sans: ['DNS:server.example.com'] });
  write('future.crt', future.pem, 0o644);
  const soon = createCertificate({ subject: 'CN=server.example.com', key: pki.server.key, issuer: pki.ca, notBefore: days(-100), notAfter: days(10), sans: ['DNS:server.example.com'] });
  write('soon.crt', soon.pem, 0o644);
  const weakKey = generateKey({ rsaBits: 1024 });
  write('weak.crt', createCertificate({ subject: 'CN=server.example.com', key: weakKey, issuer: pki.ca, notBefore: days(-1), notAfter: days(300), sans: ['DNS:server.example.com'] }).pem, 0o644);
  write('weak.key', weakKey.pem);
  write('sha1.crt', createCertificate({ subject: 'CN=server.example.com', key: pki.server.key, issuer: pki.ca, notBefore: days(-1), notAfter: days(300), sans: ['DNS:server.example.com'], hashAlg: 'sha1' }).pem, 0o644);
  write('wildcard.crt', createCertificate({ subject: 'CN=*.example.com', key: pki.server.key, issuer: pki.ca, notBefore: days(-1), notAfter: days(300), sans: ['DNS:*.example.com'] }).pem, 0o644);
  write('clientonly.crt', createCertificate({ subject: 'CN=server.example.com', key: pki.server.key, issuer: pki.ca, notBefore: days(-1), notAfter: days(300), sans: ['DNS:server.example.com'], extendedKeyUsage: ['clientAuth'] }).pem, 0o644);
  const otherPki = generatePki({ notBefore: days(-10), notAfter: days(365), caSubject: 'CN=Other Root' });
  write('other-ca.crt', otherPki.ca.pem, 0o644);
  write('foreign-client.crt', otherPki.client.pem, 0o644);
  write('foreign-client.key', otherPki.client.key.pem);
  const deep = generatePki({ notBefore: days(-10), notAfter: days(365), intermediate: true, caSubject: 'CN=Deep Root' });
  write('deep-ca.crt', deep.ca.pem, 0o644);
  write('deep-client.pem', deep.client.pem + (deep.intermediate as { pem: string }).pem, 0o644);
  write('deep-client.key', deep.client.key.pem);
  write('deep-server.crt', deep.server.pem, 0o644);
  write('deep-server-chain.crt', deep.server.pem + (deep.intermediate as { pem: string }).pem, 0o644);
  write('deep-server.key', deep.server.key.pem);
  write('deep-cas.pem', (deep.intermediate as { pem: string }).pem + deep.ca.pem, 0o644);
  // A second server identity with an ECDSA key, and a second RSA one, for dual certificates.
  const ecKey = generateKey({ keyType: 'ec' });
  write('ecdsa.key', ecKey.pem);
  write('ecdsa.crt', createCertificate({ subject: 'CN=server.example.com', key: ecKey, issuer: pki.ca, notBefore: days(-1), notAfter: days(300), sans: ['DNS:server.example.com'] }).pem, 0o644);
  const rsa2 = generateKey();
  write('rsa2.key', rsa2.pem);
  write('rsa2.crt', createCertificate({ subject: 'CN=server.example.com', key: rsa2, issuer: pki.ca, notBefore: days(-1), notAfter: days(300), sans: ['DNS:server.example.com'] }).pem, 0o644);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('tls.file-not-found', () => {
  it('bad: a missing certificate nginx loads is an error in nginx wording', async () => {
    const findings = await check(server(` ssl_certificate ${dir}/nope.crt;\n ssl_certificate_key ${dir}/server.key;`));
    const f = findings.find((x) => x.code === 'tls.file-not-found');
    assert.ok(f);
    assert.equal(f.severity, 'error');
    assert.match(f.message, new RegExp(`^nginx rejects this: cannot load certificate "${dir}/nope.crt": BIO_new_file\\(\\) failed`));
  });

  it('bad: a missing key is reported with the key wording', async () => {
    const findings = await check(server(` ssl_certificate ${dir}/server.crt;\n ssl_certificate_key ${dir}/nope.key;`));
    assert.match(findings.find((x) => x.code === 'tls.file-not-found')?.message ?? '', /cannot load certificate key ".*nope\.key": BIO_new_file\(\) failed/);
  });

  it('warning only: a missing trusted CA while proxy_ssl_verify is off (nginx does not read it)', async () => {
    const findings = await check(`server {\n listen 8080;\n location / {\n  proxy_pass https://127.0.0.1:8443;\n  proxy_ssl_trusted_certificate ${dir}/nope-ca.crt;\n }\n}`);
    const f = findings.find((x) => x.code === 'tls.file-not-found');
    assert.ok(f);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /proxy_ssl_verify is off/);
  });

  it('warning only: an http- or stream-level pair of a file checked on its own that no server in it inherits', async () => {
    // nginx opens an http-level certificate only for the servers that inherit it; nginx -t passes without one.
    for (const [name, text] of [
      ['http-level.conf', `ssl_certificate ${dir}/nope-http.crt;\nssl_certificate_key ${dir}/nope-http.key;\nproxy_buffering off;\n`],
      ['http-level-overridden.conf', `ssl_certificate ${dir}/nope-http.crt;\nssl_certificate_key ${dir}/nope-http.key;\nserver {\n listen 443 ssl;\n${pair()}\n}\n`],
    ]) {
      const file = write(name, text, 0o644);
      const analysis = new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW });
      const result = await analysis.analyzeFiles([file], []);
      const missing = (result.get(file)?.findings ?? []).filter((f) => f.message.includes('nope-http'));
      assert.deepEqual(missing.map((f) => `${f.code} ${f.severity} ${f.nginxRefuses === true}`), ['tls.file-not-found warning false', 'tls.file-not-found warning false'], name);
      assert.match(missing[0].message, /only for the servers that inherit it/);
    }
    // A server in the same file that inherits the pair loads it: nginx -t refuses.
    const inherits = write('http-level-inherited.conf', `ssl_certificate ${dir}/nope-http.crt;\nssl_certificate_key ${dir}/server.key;\nserver {\n listen 443 ssl;\n}\n`, 0o644);
    const result = await new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW }).analyzeFiles([inherits], []);
    assert.deepEqual((result.get(inherits)?.findings ?? []).filter((f) => f.message.includes('nope-http')).map((f) => `${f.code} ${f.severity}`), ['tls.file-not-found error']);
  });

  it('good: existing files, data: values and variable paths are not reported', async () => {
    const findings = await check(server(`${pair()}\n ssl_trusted_certificate data:-----BEGIN;`) + `\nserver {\n listen 8443 ssl;\n ssl_certificate $ssl_server_name.crt;\n ssl_certificate_key $ssl_server_name.key;\n}`);
    assert.deepEqual(codes(findings, 'tls.file'), []);
  });
});

describe('tls.not-pem', () => {
  for (const [file, role, pattern] of [
    ['server.der', 'certificate', /PEM_read_bio_X509_AUX\(\) failed\. The file is a DER/],
    ['server.p12', 'certificate', /PKCS#12/],
    ['csr.pem', 'certificate', /signing request/],
    ['server.key', 'certificate', /private key but no certificate/],
    ['empty.pem', 'certificate', /empty/],
    ['garbage.bin', 'certificate', /binary/],
    ['server.key.der', 'key', /PEM_read_bio_PrivateKey\(\) failed\. The file is a DER/],
    ['server.crt', 'key', /certificate but no private key/],
  ] as const) {
    it(`bad: ${file} as ${role}`, async () => {
      const body = role === 'certificate' ? pair(file, 'server.key') : pair('server.crt', file);
      const f = (await check(server(body))).find((x) => x.code === 'tls.not-pem');
      assert.ok(f, `no tls.not-pem for ${file}`);
      assert.equal(f.severity, 'error');
      assert.match(f.message, /^nginx rejects this: /);
      assert.match(f.message, pattern);
    });
  }

  it('offers "Convert to PEM" for DER files', async () => {
    const f = (await check(server(pair('server.der', 'server.key')))).find((x) => x.code === 'tls.not-pem');
    assert.equal(f?.fixes?.[0]?.command?.command, 'nginxMtls.server.convertToPem');
  });

  it('good: PEM, combined key+cert in either order', async () => {
    assert.deepEqual(codes(await check(server(pair())), 'tls.not-pem'), []);
    assert.deepEqual(codes(await check(server(pair('combined.pem', 'combined.pem')))), []);
  });
});

describe('tls.key-mismatch', () => {
  it('bad: unrelated key, in nginx wording', async () => {
    const f = (await check(server(pair('server.crt', 'other.key')))).find((x) => x.code === 'tls.key-mismatch');
    assert.ok(f);
    assert.match(f.message, /SSL_CTX_use_PrivateKey\(".*other\.key"\) failed \(key values mismatch\)/);
  });

  it('bad: EC key with an RSA certificate, which nginx -t misses', async () => {
    const f = (await check(server(pair('server.crt', 'ec.key')))).find((x) => x.code === 'tls.key-mismatch');
    assert.ok(f);
    assert.doesNotMatch(f.message, /^nginx rejects this/);
    assert.match(f.message, /nginx -t does not notice/);
  });

  it('bad: chain in the wrong order (the key fits the second certificate)', async () => {
    const findings = await check(server(pair('wrongorder.pem', 'server.key')));
    assert.match(findings.find((x) => x.code === 'tls.key-mismatch')?.message ?? '', /certificate #2/);
    assert.ok(findings.some((x) => x.code === 'tls.chain-order-incomplete'));
  });

  it('good: matching pair and a correct chain', async () => {
    assert.deepEqual(codes(await check(server(pair('chain.pem', 'server.key')))), []);
  });
});

/** The text a finding marks in the case's configuration, and the line of its related location. */
function markedLine(f: ResolvedFinding): string {
  const text = readFileSync(f.file, 'utf8');
  return text.slice(text.lastIndexOf('\n', f.start) + 1, text.indexOf('\n', f.end)).trim();
}

describe('tls.key-mismatch and tls.certificate-not-served: OpenSSL slots per key type', () => {
  it('fp: RSA and ECDSA pairs written crossed load fine (one slot per key type)', async () => {
    const findings = await check(server(pair('server.crt', 'ecdsa.key') + '\n' + pair('ecdsa.crt', 'server.key')));
    assert.deepEqual(codes(findings, 'tls.key-mismatch').concat(codes(findings, 'tls.certificate-not-served')), []);
  });

  it('good: RSA and ECDSA each with its own key', async () => {
    const findings = await check(server(pair('server.crt', 'server.key') + '\n' + pair('ecdsa.crt', 'ecdsa.key')));
    assert.deepEqual(codes(findings, 'tls.key-mismatch').concat(codes(findings, 'tls.certificate-not-served')), []);
  });

  it('bad: an RSA key checked against the RSA certificate loaded before it, in nginx wording', async () => {
    const findings = await check(server(pair('server.crt', 'rsa2.key') + '\n' + pair('rsa2.crt', 'server.key')));
    const f = findings.find((x) => x.code === 'tls.key-mismatch');
    assert.ok(f);
    assert.match(f.message, /^nginx rejects this: SSL_CTX_use_PrivateKey\(".*rsa2\.key"\) failed \(key values mismatch\)/);
  });

  it('warning, not error: an ECDSA certificate whose slot only gets the RSA key (RSA still works)', async () => {
    const findings = await check(server(pair('server.crt', 'server.key') + '\n' + pair('ecdsa.crt', 'server.key')));
    assert.deepEqual(codes(findings, 'tls.key-mismatch'), []);
    const f = findings.find((x) => x.code === 'tls.certificate-not-served');
    assert.ok(f);
    assert.equal(f.severity, 'warning');
    assert.match(markedLine(f), /ecdsa\.crt/);
  });

  it('warning: a certificate replaced by a later one with the same key type', async () => {
    const findings = await check(server(pair('server.crt', 'server.key') + '\n' + pair('rsa2.crt', 'rsa2.key')));
    const f = findings.find((x) => x.code === 'tls.certificate-not-served');
    assert.ok(f);
    assert.match(markedLine(f), /server\.crt/);
    assert.match(f.message, /one certificate per key type/);
  });
});

describe('certificate/key pairing across inheritance levels', () => {
  it('bad: a server overriding only the key is judged with the inherited certificate, on its own key', async () => {
    const findings = await check(`${pair('server.crt', 'server.key')}\nserver {\n listen 443 ssl;\n server_name server.example.com;\n ssl_certificate_key ${dir}/other.key;\n}\nserver {\n listen 8443 ssl;\n server_name server.example.com;\n}`);
    const mismatches = findings.filter((x) => x.code === 'tls.key-mismatch');
    assert.equal(mismatches.length, 1, mismatches.map((m) => m.message).join('\n'));
    assert.match(markedLine(mismatches[0]), /other\.key/);
    assert.match(mismatches[0].message, /SSL_CTX_use_PrivateKey\(".*other\.key"\) failed/);
    assert.equal(mismatches[0].related?.length, 1);
    assert.match(mismatches[0].related?.[0].message ?? '', /inherited/);
  });

  it('fp: an http-level pair that every server replaces is never loaded', async () => {
    const findings = await check(`${pair('server.crt', 'other.key')}\nserver {\n listen 443 ssl;\n server_name server.example.com;\n${pair('server.crt', 'server.key')}\n}`);
    assert.deepEqual(codes(findings, 'tls.key-mismatch'), []);
  });

  it('fp: a server overriding the key of a mismatched http-level pair with the right one', async () => {
    const findings = await check(`${pair('server.crt', 'other.key')}\nserver {\n listen 443 ssl;\n server_name server.example.com;\n ssl_certificate_key ${dir}/server.key;\n}`);
    assert.deepEqual(codes(findings, 'tls.key-mismatch'), []);
  });

  it('bad: a server overriding the certificate with one of another type than the inherited key, on its own certificate', async () => {
    const findings = await check(`${pair('ecdsa.crt', 'ecdsa.key')}\nserver {\n listen 443 ssl;\n server_name server.example.com;\n ssl_certificate ${dir}/server.crt;\n}`);
    const f = findings.find((x) => x.code === 'tls.key-mismatch');
    assert.ok(f);
    assert.match(markedLine(f), /ssl_certificate .*server\.crt/);
    assert.match(f.message, /nginx -t does not notice/);
    assert.match(f.related?.[0].message ?? '', /key, inherited/);
  });
});

describe('tls.chain-order-incomplete: missing intermediate', () => {
  it('bad: leaf only, while the configuration knows its issuer is an intermediate', async () => {
    const findings = await check(server(`${pair('deep-server.crt', 'deep-server.key')}\n ssl_trusted_certificate ${dir}/deep-cas.pem;`));
    const f = findings.find((x) => x.code === 'tls.chain-order-incomplete');
    assert.match(f?.message ?? '', /intermediate CA "O=Example Test PKI, CN=Example Test Intermediate CA"/);
    assert.equal(f?.severity, 'warning');
  });

  it('good: leaf followed by its intermediate', async () => {
    const findings = await check(server(`${pair('deep-server-chain.crt', 'deep-server.key')}\n ssl_trusted_certificate ${dir}/deep-cas.pem;`));
    assert.deepEqual(codes(findings, 'tls.chain'), []);
  });
});

describe('tls.cert-validity (fixed clock)', () => {
  it('bad: expired, not yet valid, expiring soon', async () => {
    const expired = (await check(server(pair('expired.crt')))).find((x) => x.code === 'tls.cert-validity');
    assert.equal(expired?.severity, 'error');
    assert.match(expired?.message ?? '', /expired on \d{4}-\d\d-\d\d \(5 days ago\)/);
    const future = (await check(server(pair('future.crt')))).find((x) => x.code === 'tls.cert-validity');
    assert.match(future?.message ?? '', /not valid before/);
    const soon = (await check(server(pair('soon.crt')))).find((x) => x.code === 'tls.cert-validity');
    assert.equal(soon?.severity, 'warning');
    assert.match(soon?.message ?? '', /in 10 days/);
  });

  it('good: valid for a year', async () => {
    assert.deepEqual(codes(await check(server(pair())), 'tls.cert-validity'), []);
  });
});

describe('tls.encrypted-key-no-password', () => {
  it('bad: no password file', async () => {
    const f = (await check(server(pair('server.crt', 'server.enc.key')))).find((x) => x.code === 'tls.encrypted-key-no-password');
    assert.match(f?.message ?? '', /PEM_read_bio_PrivateKey\(\) failed.*ssl_password_file/);
  });

  it('bad: wrong passphrase', async () => {
    const f = (await check(server(`${pair('server.crt', 'server.enc.key')}\n ssl_password_file ${dir}/wrongpass.txt;`))).find((x) => x.code === 'tls.encrypted-key-no-password');
    assert.match(f?.message ?? '', /wrong passphrase/);
  });

  it('good: the second line of the password file opens it, and the key still matches', async () => {
    const findings = await check(server(`${pair('server.crt', 'server.enc.key')}\n ssl_password_file ${dir}/pass.txt;`));
    assert.deepEqual(codes(findings), []);
  });

  it('reads a password file once per check, however many keys it opens', async (t) => {
    const passFile = path.join(dir, 'pass.txt');
    let opened = 0;
    const open = fs.openSync;
    t.mock.method(fs, 'openSync', (...args: Parameters<typeof fs.openSync>) => {
      if (args[0] === passFile) opened++;
      return open(...args);
    });
    const servers = [1, 2, 3].map(() => server(pair('server.crt', 'server.enc.key'))).join('\n');
    const findings = await check(`ssl_password_file ${passFile};\n${servers}`);
    assert.deepEqual(codes(findings, 'tls.encrypted'), []);
    assert.equal(opened, 1);
  });

  it('never puts the passphrase into a message', async () => {
    const findings = await check(server(`${pair('server.crt', 'server.enc.key')}\n ssl_password_file ${dir}/wrongpass.txt;`));
    for (const f of findings) assert.doesNotMatch(JSON.stringify(f), /right horse|nope/);
  });
});

describe('tls.weak-key-signature, tls.private-key-exposure', () => {
  it('bad: 1024-bit RSA and a SHA-1 signature', async () => {
    assert.ok((await check(server(pair('weak.crt', 'weak.key')))).some((x) => x.code === 'tls.weak-key-signature' && /1024-bit/.test(x.message)));
    assert.ok((await check(server(pair('sha1.crt')))).some((x) => x.code === 'tls.weak-key-signature' && /sha1/i.test(x.message)));
  });

  it('bad: a world-readable key shows the chmod command', async () => {
    write('readable.key', pki.server.key.pem, 0o644);
    const f = (await check(server(pair('server.crt', 'readable.key')))).find((x) => x.code === 'tls.private-key-exposure');
    assert.match(f?.message ?? '', /chmod 600 '.*readable\.key'/);
  });

  it('good: 0600 keys, 2048-bit RSA, SHA-256', async () => {
    assert.deepEqual(codes(await check(server(pair()))), []);
  });
});

describe('mtls.ca-bundle-unusable', () => {
  it('bad: a leaf certificate as client CA; a CA file with a private key', async () => {
    const leaf = await check(server(`${pair()}\n ssl_client_certificate ${dir}/client.crt;\n ssl_verify_client on;`));
    assert.ok(leaf.some((x) => x.code === 'mtls.ca-bundle-unusable' && /no CA certificate/.test(x.message)));
    write('ca-with-key.pem', pki.ca.pem + pki.ca.key.pem, 0o644);
    const withKey = await check(server(`${pair()}\n ssl_client_certificate ${dir}/ca-with-key.pem;\n ssl_verify_client on;`));
    assert.ok(withKey.some((x) => x.code === 'mtls.ca-bundle-unusable' && /private key/.test(x.message)));
  });

  it('good: the CA certificate', async () => {
    assert.deepEqual(codes(await check(server(`${pair()}\n ssl_client_certificate ${dir}/ca.crt;\n ssl_verify_client on;`)), 'mtls'), []);
  });
});

describe('tls.eku-mismatch and tls.server-name-not-in-cert', () => {
  it('bad: a clientAuth-only certificate on a server', async () => {
    assert.ok((await check(server(pair('clientonly.crt')))).some((x) => x.code === 'tls.eku-mismatch'));
  });

  it('bad: a server certificate presented as client certificate', async () => {
    const findings = await check(`server {\n listen 8080;\n location / {\n  proxy_pass https://127.0.0.1:8443;\n  proxy_ssl_certificate ${dir}/server.crt;\n  proxy_ssl_certificate_key ${dir}/server.key;\n }\n}`);
    assert.ok(findings.some((x) => x.code === 'tls.eku-mismatch' && /clientAuth/.test(x.message)));
  });

  it('bad: server_name not covered; good: exact and wildcard SANs', async () => {
    const bad = await check(`server {\n listen 443 ssl;\n server_name other.example.org;\n${pair()}\n}`);
    assert.ok(bad.some((x) => x.code === 'tls.server-name-not-in-cert' && /other\.example\.org/.test(x.message)));
    assert.deepEqual(codes(await check(server(pair()))), []);
    assert.deepEqual(codes(await check(`server {\n listen 443 ssl;\n server_name a.example.com b.example.com;\n${pair('wildcard.crt')}\n}`)), []);
  });
});

describe('mtls.client-cert-untrusted and tls.verify-depth-too-small (both ends in the workspace)', () => {
  const serverA = (ca: string, depth = ''): string =>
    `server {\n listen 443 ssl;\n server_name server.example.com;\n${pair()}\n ssl_client_certificate ${dir}/${ca};\n ssl_verify_client on;\n${depth}\n location / { return 200; }\n}`;
  const serverB = (cert: string, key: string): string =>
    `server {\n listen 8080;\n location / {\n  proxy_pass https://server.example.com:443;\n  proxy_ssl_certificate ${dir}/${cert};\n  proxy_ssl_certificate_key ${dir}/${key};\n  proxy_ssl_trusted_certificate ${dir}/ca.crt;\n  proxy_ssl_verify on;\n  proxy_ssl_name server.example.com;\n  proxy_ssl_server_name on;\n }\n}`;

  it('bad: a client certificate from another CA', async () => {
    const findings = await check(serverA('ca.crt') + '\n' + serverB('foreign-client.crt', 'foreign-client.key'));
    const f = findings.find((x) => x.code === 'mtls.client-cert-untrusted');
    assert.match(f?.message ?? '', /did not issue this client certificate/);
  });

  it('bad: one intermediate with ssl_verify_depth 0', async () => {
    const findings = await check(serverA('deep-ca.crt', ' ssl_verify_depth 0;') + '\n' + serverB('deep-client.pem', 'deep-client.key'));
    assert.ok(findings.some((x) => x.code === 'tls.verify-depth-too-small'), JSON.stringify(findings.map((x) => x.message)));
  });

  it('good: the right CA, the default depth of 1 for one intermediate', async () => {
    assert.deepEqual(codes(await check(serverA('ca.crt') + '\n' + serverB('client.crt', 'client.key')), 'mtls.client'), []);
    assert.deepEqual(codes(await check(serverA('deep-ca.crt') + '\n' + serverB('deep-client.pem', 'deep-client.key')), 'tls.verify-depth'), []);
  });
});
