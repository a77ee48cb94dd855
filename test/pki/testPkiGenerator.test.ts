import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import {
  createCertificate,
  ecSec1Pem,
  encryptedPkcs8Pem,
  generateKey,
  generatePki,
  legacyEncryptedPem,
  loadCertificate,
  loadKey,
  pemDecode,
  pkiFiles,
  rsaPkcs1Pem,
  toPkcs12,
  writePki,
} from '../../server/src/pki/testPkiGenerator';
import { SCENARIO_FILES, generateScenarioPki } from '../../server/src/pki/examplePki';
import { inspectBuffer, keyMatchesCertificate } from '../../server/src/certificates/certificateInspector';

const NOW = new Date('2025-06-01T00:00:00Z');
const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const NOT_AFTER = new Date('2026-01-01T00:00:00Z');
const AT = String(Math.floor(NOW.getTime() / 1000));

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-pki-test-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => fs.mkdtempSync(path.join(root, `d${n++}-`));

function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

describe('test PKI generator', () => {
  for (const keyType of ['rsa', 'ec', 'ed25519'] as const) {
    test(`${keyType}: chain verifies with openssl -x509_strict and purposes are right`, () => {
      const pki = generatePki({ keyType, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, intermediate: true, serverIp: '2001:db8::1' });
      const dir = freshDir();
      writePki(dir, pkiFiles(pki));
      const f = (name: string) => path.join(dir, name);
      const base = ['verify', '-attime', AT, '-x509_strict', '-CAfile', f('ca.crt'), '-untrusted', f('intermediate.crt')];
      assert.match(openssl([...base, '-purpose', 'sslserver', f('server.crt')]), /server\.crt: OK/);
      assert.match(openssl([...base, '-purpose', 'sslclient', f('client.crt')]), /client\.crt: OK/);
      assert.throws(() => openssl([...base, '-purpose', 'sslclient', f('server.crt')]));
      assert.throws(() => openssl([...base, '-purpose', 'sslserver', f('client.crt')]));
      // expired at a later time
      assert.throws(() => openssl(['verify', '-attime', String(Math.floor(new Date('2026-02-01Z').getTime() / 1000)), '-CAfile', f('ca.crt'), '-untrusted', f('intermediate.crt'), f('server.crt')]));

      const x = new crypto.X509Certificate(pki.server.pem);
      assert.equal(x.subjectAltName, 'DNS:server.example.com, IP Address:2001:DB8:0:0:0:0:0:1');
      assert.equal(x.checkPrivateKey(pki.server.key.privateKey), true);
      assert.equal(x.checkIssued(new crypto.X509Certificate(pki.intermediate!.pem)), true);
      assert.equal(x.validFrom, 'Jan  1 00:00:00 2025 GMT');
      assert.equal(x.validTo, 'Jan  1 00:00:00 2026 GMT');
      const text = openssl(['x509', '-in', f('server.crt'), '-noout', '-text']);
      assert.match(text, /Version: 3/);
      assert.match(text, /Subject Key Identifier/);
      assert.match(text, /Authority Key Identifier/);
      const expected = { rsa: 'sha256WithRSAEncryption', ec: 'ecdsa-with-SHA256', ed25519: 'ED25519' }[keyType];
      assert.match(text, new RegExp(`Signature Algorithm: ${expected}`));
      // the key files are PKCS#8 and match
      assert.match(pki.server.key.pem, /^-----BEGIN PRIVATE KEY-----/);
      const keyMod = openssl(['pkey', '-in', f('server.key'), '-pubout']);
      const certPub = openssl(['x509', '-in', f('server.crt'), '-noout', '-pubkey']);
      assert.equal(keyMod, certPub);
    });
  }

  test('without intermediate the leaves are issued by the root; writePki accepts a GeneratedPki', () => {
    const pki = generatePki({ keyType: 'ec', notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
    const dir = freshDir();
    assert.deepEqual(writePki(dir, pki).written, ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'server_fullchain.crt', 'client.crt', 'client.key', 'client_chain.pem']);
    assert.equal(pki.intermediate, undefined);
    assert.equal(pki.issuer, pki.ca);
    const ca = new crypto.X509Certificate(pki.ca.pem);
    assert.equal(new crypto.X509Certificate(pki.client.pem).verify(ca.publicKey), true);
    assert.equal(ca.ca, true);
    assert.equal(ca.checkIssued(ca), true);
  });

  test('sha1 and custom options', () => {
    const dir = freshDir();
    const cert = createCertificate({
      subject: [['C', 'NL'], ['O', 'Wëird Ünicode'], ['CN', 'weak.example']],
      keyType: 'rsa',
      rsaBits: 1024,
      serialNumber: '00ff01',
      notBefore: NOT_BEFORE,
      notAfter: new Date('2055-05-05T00:00:00Z'),
      hashAlg: 'sha1',
      sans: ['weak.example', '10.0.0.7', 'email:a@b.c', 'URI:https://weak.example/'],
      extendedKeyUsage: ['serverAuth', 'clientAuth', '1.2.3.4'],
      keyUsage: ['digitalSignature'],
    });
    fs.writeFileSync(path.join(dir, 'w.crt'), cert.pem);
    const text = openssl(['x509', '-in', path.join(dir, 'w.crt'), '-noout', '-text', '-nameopt', 'utf8']);
    assert.match(text, /Signature Algorithm: sha1WithRSAEncryption/);
    assert.match(text, /Serial Number: 65281 \(0xff01\)/);
    assert.match(text, /Not After : May  5 00:00:00 2055 GMT/);
    assert.match(text, /DNS:weak\.example, IP Address:10\.0\.0\.7, email:a@b\.c, URI:https:\/\/weak\.example\//);
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication, 1\.2\.3\.4/);
    assert.match(text, /Public-Key: \(1024 bit\)/);
    assert.match(text, /O ?= ?Wëird Ünicode/);
    const ec = createCertificate({ subject: 'CN=ec1', keyType: 'ec', curve: 'P-384', notBefore: NOT_BEFORE, notAfter: NOT_AFTER, hashAlg: 'sha1' });
    assert.equal(inspectBuffer('e', Buffer.from(ec.pem)).certificates[0].signatureAlgorithm, 'ecdsa-with-SHA1');
    assert.equal(inspectBuffer('e', Buffer.from(ec.pem)).certificates[0].curve, 'secp384r1');
  });

  test('deterministic structure: same key and options give the same certificate (RSA/Ed25519)', () => {
    for (const keyType of ['rsa', 'ed25519'] as const) {
      const key = generateKey({ keyType, rsaBits: 1024 });
      const opts = { subject: 'CN=det', key, notBefore: NOT_BEFORE, notAfter: NOT_AFTER };
      assert.equal(createCertificate(opts).pem, createCertificate(opts).pem);
    }
    const a = generatePki({ keyType: 'ec', notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
    const b = generatePki({ keyType: 'ec', notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
    const ia = inspectBuffer('a', Buffer.from(a.server.pem)).certificates[0];
    const ib = inspectBuffer('b', Buffer.from(b.server.pem)).certificates[0];
    for (const k of ['subject', 'issuer', 'notBefore', 'notAfter', 'signatureAlgorithm'] as const) assert.equal(ia[k], ib[k]);
    assert.deepEqual(ia.subjectAltNames, ib.subjectAltNames);
    assert.deepEqual(ia.keyUsage, ib.keyUsage);
  });

  test('key encodings: PKCS#1, SEC1, encrypted PKCS#8, legacy encrypted, DER; loadKey round trip', () => {
    const rsa = generateKey({ keyType: 'rsa', rsaBits: 1024 });
    const ec = generateKey({ keyType: 'ec' });
    const ed = generateKey({ keyType: 'ed25519' });
    assert.match(rsaPkcs1Pem(rsa), /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(ecSec1Pem(ec), /^-----BEGIN EC PRIVATE KEY-----/);
    assert.throws(() => rsaPkcs1Pem(ec), /RSA/);
    assert.throws(() => ecSec1Pem(rsa), /EC/);
    const enc = encryptedPkcs8Pem(ed, 'pw');
    assert.match(enc, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.match(openssl(['pkey', '-passin', 'pass:pw', '-noout', '-text'], enc), /ED25519 Private-Key/);
    const legacy = legacyEncryptedPem(rsa, 'pw');
    assert.match(legacy, /Proc-Type: 4,ENCRYPTED/);
    assert.match(legacy, /DEK-Info: AES-256-CBC,/);
    assert.equal(loadKey(legacy, 'pw').spkiDer.equals(rsa.spkiDer), true);
    assert.equal(loadKey(rsa.der).spkiDer.equals(rsa.spkiDer), true);
    assert.equal(loadKey(enc, 'pw').keyType, 'ed25519');
    assert.equal(pemDecode(rsa.pem).equals(rsa.der), true);
  });

  test('PKCS#12 (RSA) opens with openssl', () => {
    const pki = generatePki({ keyType: 'rsa', notBefore: NOT_BEFORE, notAfter: NOT_AFTER, intermediate: true });
    const p12 = toPkcs12(pki.server, 'p12pass', [pki.intermediate!]);
    const dir = freshDir();
    fs.writeFileSync(path.join(dir, 'a.p12'), p12);
    const certs = openssl(['pkcs12', '-in', path.join(dir, 'a.p12'), '-passin', 'pass:p12pass', '-nokeys']);
    assert.equal((certs.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
    const key = openssl(['pkcs12', '-in', path.join(dir, 'a.p12'), '-passin', 'pass:p12pass', '-nocerts', '-nodes']);
    assert.equal(crypto.createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(pki.server.key.spkiDer), true);
    assert.throws(() => toPkcs12(generatePki({ keyType: 'ec', notBefore: NOT_BEFORE, notAfter: NOT_AFTER }).server, 'x'), /RSA/);
  });

  test('loadCertificate lets an existing CA issue more certificates', () => {
    const pki = generatePki({ keyType: 'ec', notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
    const ca = loadCertificate(pki.ca.pem, loadKey(pki.ca.key.pem));
    assert.equal(ca.subjectDer.equals(pki.ca.subjectDer), true);
    assert.equal(ca.subjectKeyId.equals(pki.ca.subjectKeyId), true);
    const leaf = createCertificate({ subject: 'CN=later', keyType: 'rsa', issuer: ca, notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
    assert.equal(new crypto.X509Certificate(leaf.pem).verify(new crypto.X509Certificate(pki.ca.pem).publicKey), true);
    assert.throws(() => loadCertificate(pki.ca.pem, generateKey({ keyType: 'ec' })), /do not match/);
  });
});

describe('writePki', () => {
  test('modes, refuses to overwrite, skipExisting, no temp files left', () => {
    const dir = freshDir();
    const res = writePki(dir, [
      { name: 'a.crt', data: 'CERT\n' },
      { name: 'a.key', data: 'KEY\n', private: true },
    ]);
    assert.deepEqual(res, { written: ['a.crt', 'a.key'], skipped: [] });
    assert.equal(fs.statSync(path.join(dir, 'a.key')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(dir, 'a.crt')).mode & 0o777, 0o644);
    assert.throws(() => writePki(dir, [{ name: 'b.crt', data: 'x' }, { name: 'a.crt', data: 'NEW' }]), /refusing to overwrite existing file\(s\) in .*a\.crt/);
    assert.equal(fs.readFileSync(path.join(dir, 'a.crt'), 'utf8'), 'CERT\n');
    assert.equal(fs.existsSync(path.join(dir, 'b.crt')), false, 'nothing written when one target exists');
    const res2 = writePki(dir, [{ name: 'a.crt', data: 'NEW' }, { name: 'c.crt', data: 'C' }], { skipExisting: true });
    assert.deepEqual(res2, { written: ['c.crt'], skipped: ['a.crt'] });
    assert.equal(fs.readFileSync(path.join(dir, 'a.crt'), 'utf8'), 'CERT\n');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.crt', 'a.key', 'c.crt']);
    assert.throws(() => writePki(dir, [{ name: '../escape', data: 'x' }]), /invalid PKI file name/);
    assert.throws(() => writePki(dir, [{ name: 'sub/x', data: 'x' }]), /invalid PKI file name/);
  });

  test('umask does not widen key permissions', () => {
    const dir = freshDir();
    const old = process.umask(0o000);
    try {
      writePki(dir, [{ name: 'k.key', data: 'k', private: true }]);
    } finally {
      process.umask(old);
    }
    assert.equal(fs.statSync(path.join(dir, 'k.key')).mode & 0o777, 0o600);
  });
});

describe('scenario PKI', () => {
  test('writes every scenario file with the expected content', () => {
    const dir = freshDir();
    const res = generateScenarioPki(dir, NOW);
    assert.deepEqual([...res.written].sort(), [...SCENARIO_FILES].sort());
    const read = (f: string) => fs.readFileSync(path.join(dir, f));
    const insp = (f: string) => inspectBuffer(f, read(f));
    const server = insp('server.crt').certificates[0];
    assert.deepEqual(server.subjectAltNames, ['DNS:serverA.example.com']);
    assert.deepEqual(server.extendedKeyUsage, ['serverAuth']);
    const client = insp('client.crt').certificates[0];
    assert.deepEqual(client.extendedKeyUsage, ['clientAuth']);
    const der = insp('client.der.crt');
    assert.equal(der.kind, 'der-certificate');
    assert.equal(der.certificates[0].fingerprintSha256, client.fingerprintSha256);
    assert.equal(keyMatchesCertificate(insp('server.key').keys[0], server), true);
    assert.equal(keyMatchesCertificate(insp('other.key').keys[0], server), false);
    assert.equal(insp('other.key').keys[0].keyAlgorithm, 'RSA');
    const ec = insp('ec.crt').certificates[0];
    assert.equal(ec.keyAlgorithm, 'EC');
    assert.equal(keyMatchesCertificate(insp('ec.key').keys[0], ec), true);
    const chain = insp('client_chain.pem');
    assert.deepEqual(chain.certificates.map((c) => c.subjectCommonName), ['client1', 'Example Scenario CA']);
    for (const k of ['ca.key', 'server.key', 'client.key', 'other.key', 'ec.key']) assert.equal(fs.statSync(path.join(dir, k)).mode & 0o777, 0o600);
    const v = (f: string, purpose: string) => openssl(['verify', '-attime', AT, '-x509_strict', '-purpose', purpose, '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, f)]);
    assert.match(v('server.crt', 'sslserver'), /OK/);
    assert.match(v('ec.crt', 'sslserver'), /OK/);
    assert.match(v('client.crt', 'sslclient'), /OK/);
    assert.equal(server.notBefore, '2025-05-31T00:00:00.000Z');
    assert.equal(server.notAfter, '2026-06-01T00:00:00.000Z');
  });

  test('idempotent; a deleted pair is regenerated under the existing CA', () => {
    const dir = freshDir();
    generateScenarioPki(dir, NOW);
    const snapshot = new Map(SCENARIO_FILES.map((f) => [f, fs.readFileSync(path.join(dir, f), 'latin1')]));
    const again = generateScenarioPki(dir, NOW);
    assert.deepEqual(again.written, []);
    assert.deepEqual([...again.skipped].sort(), [...SCENARIO_FILES].sort());
    for (const [f, data] of snapshot) assert.equal(fs.readFileSync(path.join(dir, f), 'latin1'), data);

    fs.rmSync(path.join(dir, 'server.crt'));
    fs.rmSync(path.join(dir, 'server.key'));
    fs.rmSync(path.join(dir, 'client.der.crt'));
    const repaired = generateScenarioPki(dir, NOW);
    assert.deepEqual([...repaired.written].sort(), ['client.der.crt', 'server.crt', 'server.key']);
    assert.equal(fs.readFileSync(path.join(dir, 'ca.crt'), 'latin1'), snapshot.get('ca.crt'));
    assert.notEqual(fs.readFileSync(path.join(dir, 'server.crt'), 'latin1'), snapshot.get('server.crt'));
    assert.match(openssl(['verify', '-attime', AT, '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, 'server.crt')]), /OK/);
    assert.equal(fs.readFileSync(path.join(dir, 'client.der.crt')).equals(pemDecode(snapshot.get('client.crt')!)), true);

    // half a pair is left alone and reported
    fs.rmSync(path.join(dir, 'ec.key'));
    const half = generateScenarioPki(dir, NOW);
    assert.deepEqual(half.written, []);
    assert.match(half.notes.join('\n'), /ec\.crt\/ec\.key: only one of the pair exists/);
    assert.equal(fs.existsSync(path.join(dir, 'ec.key')), false);
  });
});
