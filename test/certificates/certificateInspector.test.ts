import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import {
  CertificateInspector,
  MAX_CERTIFICATES_PARSED,
  buildChain,
  classifyFsError,
  inspectBuffer,
  isIssuedBy,
  keyMatchesCertificate,
  parseSubjectAltNames,
} from '../../server/src/certificates/certificateInspector';
import { splitPem } from '../../server/src/certificates/pem';
import {
  createCertificate,
  ecSec1Pem,
  encryptedPkcs8Pem,
  generateKey,
  legacyEncryptedPem,
  rsaPkcs1Pem,
  toPkcs12,
} from '../../server/src/pki/testPkiGenerator';
import { NOT_AFTER, NOT_BEFORE, findLeaks, openssl, opensslBuffer, pki, tmpDir, withPbkdf2Iterations } from './fixtures';

const PASS = 'correct horse battery staple';

function write(dir: string, name: string, data: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
}

function opensslSpkiSha256(certPath: string): string {
  const pub = openssl(['x509', '-in', certPath, '-noout', '-pubkey']);
  const der = opensslBuffer(['pkey', '-pubin', '-outform', 'DER'], pub);
  return crypto.createHash('sha256').update(der).digest('hex');
}

describe('certificates: fields', () => {
  for (const keyType of ['rsa', 'ec', 'ed25519'] as const) {
    test(`${keyType} server certificate fields match openssl`, () => {
      const dir = tmpDir(`fields-${keyType}`);
      const p = pki(keyType);
      const certPath = write(dir, 'server.crt', p.server.pem);
      const r = inspectBuffer(certPath, fs.readFileSync(certPath));
      assert.equal(r.kind, 'pem');
      assert.deepEqual(r.pemLabels, ['CERTIFICATE']);
      assert.equal(r.error, undefined);
      assert.equal(r.certificates.length, 1);
      const c = r.certificates[0];
      assert.equal(c.subject, 'O=Example Test PKI, CN=serverA.example.com');
      assert.equal(c.subjectCommonName, 'serverA.example.com');
      assert.equal(c.issuer, 'O=Example Test PKI, CN=Example Test Intermediate CA');
      assert.deepEqual(c.subjectAltNames, ['DNS:serverA.example.com', 'DNS:www.example.com', 'IP:192.0.2.10']);
      assert.equal(c.notBefore, NOT_BEFORE.toISOString());
      assert.equal(c.notAfter, NOT_AFTER.toISOString());
      assert.equal(c.isCA, false);
      assert.equal(c.selfSigned, false);
      assert.deepEqual(c.extendedKeyUsage, ['serverAuth']);
      assert.equal(c.label, 'CERTIFICATE');
      assert.equal(c.index, 0);

      // cross-check with openssl
      const serial = openssl(['x509', '-in', certPath, '-noout', '-serial']).trim().replace(/^serial=/, '');
      assert.equal(c.serialNumber, serial.toUpperCase());
      const fp = openssl(['x509', '-in', certPath, '-noout', '-fingerprint', '-sha256']).trim().split('=')[1];
      assert.equal(c.fingerprintSha256, fp);
      assert.equal(c.publicKeySha256, opensslSpkiSha256(certPath));
      assert.equal(Buffer.from(c.derBase64, 'base64').equals(p.server.der), true);
      const text = openssl(['x509', '-in', certPath, '-noout', '-text']);
      const sigAlg = /Signature Algorithm: (\S+)/.exec(text)![1];
      assert.equal(c.signatureAlgorithm, sigAlg);
      if (keyType === 'rsa') {
        assert.equal(c.keyAlgorithm, 'RSA');
        assert.equal(c.keySize, 2048);
        assert.equal(c.signatureAlgorithm, 'sha256WithRSAEncryption');
        assert.deepEqual(c.keyUsage, ['digitalSignature', 'keyEncipherment']);
        assert.match(text, /Public-Key: \(2048 bit\)/);
      } else if (keyType === 'ec') {
        assert.equal(c.keyAlgorithm, 'EC');
        assert.equal(c.curve, 'prime256v1');
        assert.equal(c.keySize, 256);
        assert.equal(c.signatureAlgorithm, 'ecdsa-with-SHA256');
        assert.match(text, /NIST CURVE: P-256/);
        assert.deepEqual(c.keyUsage, ['digitalSignature']);
      } else {
        assert.equal(c.keyAlgorithm, 'Ed25519');
        assert.equal(c.signatureAlgorithm, 'ED25519');
        assert.deepEqual(c.keyUsage, ['digitalSignature']);
      }
      assert.match(text, /Digital Signature/);
      assert.match(text, /TLS Web Server Authentication/);
    });
  }

  test('CA certificates: isCA, pathLength, key usage, self-signed', () => {
    const p = pki('rsa');
    const root = inspectBuffer('ca.crt', Buffer.from(p.ca.pem)).certificates[0];
    assert.equal(root.isCA, true);
    assert.equal(root.selfSigned, true);
    assert.equal(root.pathLength, undefined);
    assert.deepEqual(root.keyUsage, ['keyCertSign', 'cRLSign']);
    assert.equal(root.subject, root.issuer);
    const inter = inspectBuffer('int.crt', Buffer.from(p.intermediate!.pem)).certificates[0];
    assert.equal(inter.isCA, true);
    assert.equal(inter.pathLength, 0);
    assert.equal(inter.selfSigned, false);
    const client = inspectBuffer('client.crt', Buffer.from(p.client.pem)).certificates[0];
    assert.deepEqual(client.extendedKeyUsage, ['clientAuth']);
  });

  test('openssl-made certificate with several extensions', () => {
    const dir = tmpDir('openssl-made');
    const key = path.join(dir, 'k.pem');
    const crt = path.join(dir, 'c.pem');
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '30', '-sha384',
      '-subj', '/C=DE/O=Acme, Inc/OU=Ops/CN=acme.test',
      '-addext', 'subjectAltName=DNS:acme.test,IP:::1,email:ops@acme.test,URI:https://acme.test/x',
      '-addext', 'keyUsage=critical,digitalSignature,keyAgreement',
      '-addext', 'extendedKeyUsage=serverAuth,clientAuth,codeSigning,emailProtection,timeStamping,OCSPSigning',
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:3']);
    const r = inspectBuffer(crt, fs.readFileSync(crt));
    const c = r.certificates[0];
    assert.equal(c.subject, 'C=DE, O=Acme\\, Inc, OU=Ops, CN=acme.test');
    assert.equal(c.signatureAlgorithm, 'sha384WithRSAEncryption');
    assert.deepEqual(c.subjectAltNames, ['DNS:acme.test', 'IP:0:0:0:0:0:0:0:1', 'email:ops@acme.test', 'URI:https://acme.test/x']);
    assert.deepEqual(c.keyUsage, ['digitalSignature', 'keyAgreement']);
    assert.deepEqual(c.extendedKeyUsage, ['serverAuth', 'clientAuth', 'codeSigning', 'emailProtection', 'timeStamping', 'OCSPSigning']);
    assert.equal(c.isCA, true);
    assert.equal(c.pathLength, 3);
    assert.equal(c.selfSigned, true);
    const enddate = openssl(['x509', '-in', crt, '-noout', '-enddate']).trim().replace('notAfter=', '');
    assert.equal(c.notAfter, new Date(enddate).toISOString());
  });

  test('weak signature algorithms are named (sha1 RSA and ECDSA)', () => {
    for (const keyType of ['rsa', 'ec'] as const) {
      const cert = createCertificate({ subject: 'CN=weak', keyType, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, hashAlg: 'sha1' });
      const c = inspectBuffer('w.crt', Buffer.from(cert.pem)).certificates[0];
      assert.equal(c.signatureAlgorithm, keyType === 'rsa' ? 'sha1WithRSAEncryption' : 'ecdsa-with-SHA1');
      assert.equal(c.selfSigned, true);
    }
  });

  test('md5WithRSAEncryption via openssl', () => {
    const dir = tmpDir('md5');
    const crt = path.join(dir, 'c.pem');
    try {
      openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', crt, '-days', '2', '-md5', '-subj', '/CN=md5']);
    } catch {
      return; // openssl build refuses MD5 signatures; nothing to check
    }
    const c = inspectBuffer(crt, fs.readFileSync(crt)).certificates[0];
    assert.equal(c.signatureAlgorithm, 'md5WithRSAEncryption');
  });

  test('GeneralizedTime dates (after 2049)', () => {
    const cert = createCertificate({ subject: 'CN=far', keyType: 'ec', notBefore: NOT_BEFORE, notAfter: new Date('2060-03-04T05:06:07Z') });
    const c = inspectBuffer('far.crt', Buffer.from(cert.pem)).certificates[0];
    assert.equal(c.notAfter, '2060-03-04T05:06:07.000Z');
  });

  test('parseSubjectAltNames handles quoting and IP entries', () => {
    assert.deepEqual(parseSubjectAltNames('DNS:a.example, IP Address:10.0.0.1, DNS:"we, ird", URI:http://x/'), [
      'DNS:a.example',
      'IP:10.0.0.1',
      'DNS:we, ird',
      'URI:http://x/',
    ]);
    assert.deepEqual(parseSubjectAltNames(undefined), []);
  });
});

describe('PEM layouts', () => {
  test('combined certificate + key in both orders', () => {
    const p = pki('rsa');
    for (const [name, data, labels] of [
      ['cert-first', p.server.pem + p.server.key.pem, ['CERTIFICATE', 'PRIVATE KEY']],
      ['key-first', p.server.key.pem + p.server.pem, ['PRIVATE KEY', 'CERTIFICATE']],
    ] as const) {
      const r = inspectBuffer(name, Buffer.from(data));
      assert.equal(r.kind, 'pem');
      assert.deepEqual(r.pemLabels, labels);
      assert.equal(r.certificates.length, 1);
      assert.equal(r.keys.length, 1);
      assert.equal(r.keys[0].encrypted, false);
      assert.equal(r.keys[0].keyAlgorithm, 'RSA');
      assert.equal(r.keys[0].keySize, 2048);
      assert.equal(r.keys[0].format, 'pkcs8');
      assert.equal(keyMatchesCertificate(r.keys[0], r.certificates[0]), true);
    }
  });

  test('CRLF line endings, leading text, indentation and several certificates', () => {
    const p = pki('ec');
    const text = `Bag Attributes\r\n  friendlyName: x\r\nsubject=/CN=whatever\r\n\r\n${p.server.pem}\n\n  ${p.intermediate!.pem}trailing text\n${p.ca.pem}`;
    const crlf = text.replace(/\r?\n/g, '\r\n');
    const r = inspectBuffer('chain.pem', Buffer.from(crlf));
    assert.equal(r.kind, 'pem');
    assert.equal(r.crlf, true);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.pemLabels, ['CERTIFICATE', 'CERTIFICATE', 'CERTIFICATE']);
    assert.deepEqual(r.certificates.map((c) => c.subjectCommonName), ['serverA.example.com', 'Example Test Intermediate CA', 'Example Test Root CA']);
    assert.deepEqual(r.certificates.map((c) => c.index), [0, 1, 2]);
    assert.equal(r.certificateCount, 3);
  });

  test('openssl x509 -text output (text before the PEM block)', () => {
    const dir = tmpDir('text-before');
    const crt = write(dir, 'server.crt', pki('rsa').server.pem);
    const withText = openssl(['x509', '-in', crt, '-text']);
    const r = inspectBuffer('t.pem', Buffer.from(withText));
    assert.equal(r.kind, 'pem');
    assert.equal(r.certificates.length, 1);
  });

  test('TRUSTED CERTIFICATE', () => {
    const dir = tmpDir('trusted');
    const crt = write(dir, 'ca.crt', pki('rsa').ca.pem);
    const trusted = openssl(['x509', '-in', crt, '-trustout', '-addtrust', 'serverAuth']);
    assert.match(trusted, /BEGIN TRUSTED CERTIFICATE/);
    const r = inspectBuffer('t.pem', Buffer.from(trusted));
    assert.deepEqual(r.pemLabels, ['TRUSTED CERTIFICATE']);
    assert.equal(r.certificates.length, 1);
    assert.equal(r.certificates[0].label, 'TRUSTED CERTIFICATE');
    assert.equal(r.certificates[0].subjectCommonName, 'Example Test Root CA');
    assert.equal(r.certificates[0].fingerprintSha256, new crypto.X509Certificate(pki('rsa').ca.pem).fingerprint256);
  });

  test('key encodings: PKCS#1, SEC1 (with EC PARAMETERS), PKCS#8, Ed25519', () => {
    const rsa = generateKey({ keyType: 'rsa', rsaBits: 1024 });
    let r = inspectBuffer('k1', Buffer.from(rsaPkcs1Pem(rsa)));
    assert.deepEqual(r.pemLabels, ['RSA PRIVATE KEY']);
    assert.equal(r.keys[0].format, 'pkcs1');
    assert.equal(r.keys[0].keyAlgorithm, 'RSA');
    assert.equal(r.keys[0].keySize, 1024);

    const ec = generateKey({ keyType: 'ec' });
    r = inspectBuffer('k2', Buffer.from(ecSec1Pem(ec)));
    assert.deepEqual(r.pemLabels, ['EC PRIVATE KEY']);
    assert.equal(r.keys[0].curve, 'prime256v1');

    const withParams = openssl(['ecparam', '-genkey', '-name', 'secp384r1']);
    r = inspectBuffer('k3', Buffer.from(withParams));
    assert.deepEqual(r.pemLabels, ['EC PARAMETERS', 'EC PRIVATE KEY']);
    assert.equal(r.keys.length, 1);
    assert.equal(r.keys[0].keyAlgorithm, 'EC');
    assert.equal(r.keys[0].curve, 'secp384r1');
    assert.equal(r.keys[0].keySize, 384);
    assert.equal(r.error, undefined);

    const ed = generateKey({ keyType: 'ed25519' });
    r = inspectBuffer('k4', Buffer.from(ed.pem));
    assert.equal(r.keys[0].keyAlgorithm, 'Ed25519');
    assert.equal(r.keys[0].publicKeySha256, crypto.createHash('sha256').update(ed.spkiDer).digest('hex'));
  });

  test('other PEM blocks: CSR, DH parameters, PKCS7, X509 CRL', () => {
    const dir = tmpDir('other-pem');
    const p = pki('rsa');
    const key = write(dir, 'server.key', p.server.key.pem);
    const csr = openssl(['req', '-new', '-key', key, '-subj', '/CN=csr.example']);
    let r = inspectBuffer('csr.pem', Buffer.from(csr));
    assert.equal(r.kind, 'pem');
    assert.deepEqual(r.pemLabels, ['CERTIFICATE REQUEST']);
    assert.equal(r.certificates.length, 0);

    const dh = openssl(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048']);
    r = inspectBuffer('dh.pem', Buffer.from(dh));
    assert.deepEqual(r.pemLabels, ['DH PARAMETERS']);

    const chainPath = write(dir, 'chain.pem', p.server.pem + p.intermediate!.pem);
    const p7 = openssl(['crl2pkcs7', '-nocrl', '-certfile', chainPath]);
    r = inspectBuffer('p7.pem', Buffer.from(p7));
    assert.deepEqual(r.pemLabels, ['PKCS7']);
    assert.equal(r.certificates.length, 2);
    assert.equal(r.certificates[0].label, 'PKCS7');
    assert.deepEqual(new Set(r.certificates.map((c) => c.subjectCommonName)), new Set(['serverA.example.com', 'Example Test Intermediate CA']));

    // CRL signed by the intermediate CA
    write(dir, 'index.txt', '');
    write(dir, 'crlnumber', '1000\n');
    write(dir, 'ca.cnf', `[ca]\ndefault_ca = d\n[d]\ndatabase = ${dir}/index.txt\ncrlnumber = ${dir}/crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n`);
    const ik = write(dir, 'int.key', p.intermediate!.key.pem);
    const ic = write(dir, 'int.crt', p.intermediate!.pem);
    const crlPath = path.join(dir, 'crl.pem');
    openssl(['ca', '-config', path.join(dir, 'ca.cnf'), '-gencrl', '-keyfile', ik, '-cert', ic, '-out', crlPath]);
    r = inspectBuffer(crlPath, fs.readFileSync(crlPath));
    assert.deepEqual(r.pemLabels, ['X509 CRL']);
    assert.equal(r.crls?.length, 1);
    assert.equal(r.crls![0].issuer, 'O=Example Test PKI, CN=Example Test Intermediate CA');
    assert.equal(r.crls![0].revokedCount, 0);
    assert.equal(r.crls![0].signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.ok(r.crls![0].nextUpdate);
    const crlDer = opensslBuffer(['crl', '-in', crlPath, '-outform', 'DER']);
    r = inspectBuffer('crl.der', crlDer);
    assert.equal(r.kind, 'der-other');
    assert.equal(r.description, 'X.509 CRL');
    assert.equal(r.crls?.length, 1);
  });

  test('malformed PEM: missing END, mismatched END, bad base64', () => {
    const p = pki('ec');
    const body = p.server.pem.split('\n').slice(1, -2).join('\n');
    let r = inspectBuffer('x', Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n`));
    assert.equal(r.kind, 'text');
    assert.match(r.error!, /no END line/);
    r = inspectBuffer('x', Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n-----END PRIVATE KEY-----\n${p.ca.pem}`));
    assert.equal(r.kind, 'pem');
    assert.equal(r.certificates.length, 1);
    assert.match(r.error!, /mismatched/);
    r = inspectBuffer('x', Buffer.from(`-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n`));
    assert.match(r.error!, /base64/);
    r = inspectBuffer('x', Buffer.from(`-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`));
    assert.equal(r.kind, 'pem');
    assert.equal(r.certificates.length, 0);
    assert.match(r.error!, /not a valid X\.509 certificate/);
    const split = splitPem('-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----');
    assert.equal(split.blocks[0].headers['Proc-Type'], '4,ENCRYPTED');
    assert.equal(split.blocks[0].body, 'AAAA');
  });
});

describe('DER and other file kinds', () => {
  test('DER certificate and DER keys', () => {
    const p = pki('ec');
    let r = inspectBuffer('c.der', p.server.der);
    assert.equal(r.kind, 'der-certificate');
    assert.equal(r.certificates.length, 1);
    assert.equal(r.certificates[0].label, 'DER');
    assert.equal(r.certificates[0].subjectCommonName, 'serverA.example.com');

    r = inspectBuffer('k.der', p.server.key.der);
    assert.equal(r.kind, 'der-private-key');
    assert.equal(r.keys[0].label, 'DER');
    assert.equal(r.keys[0].format, 'pkcs8');
    assert.equal(keyMatchesCertificate(r.keys[0], inspectBuffer('c', p.server.der).certificates[0]), true);

    const sec1 = p.server.key.privateKey.export({ type: 'sec1', format: 'der' }) as Buffer;
    r = inspectBuffer('k.sec1.der', sec1);
    assert.equal(r.kind, 'der-private-key');
    assert.equal(r.keys[0].format, 'sec1');
    assert.equal(r.keys[0].curve, 'prime256v1');

    const rsa = pki('rsa').server.key;
    const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'der' }) as Buffer;
    r = inspectBuffer('k.pkcs1.der', pkcs1);
    assert.equal(r.kind, 'der-private-key');
    assert.equal(r.keys[0].format, 'pkcs1');
    assert.equal(r.keys[0].keySize, 2048);

    const encDer = rsa.privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: PASS }) as Buffer;
    r = inspectBuffer('k.enc.der', encDer, { passphrases: ['nope', PASS] });
    assert.equal(r.kind, 'der-private-key');
    assert.equal(r.keys[0].encrypted, true);
    assert.equal(r.keys[0].passphraseAccepted, true);
    assert.equal(r.keys[0].keyAlgorithm, 'RSA');
    assert.match(r.keys[0].encryption!, /PBKDF2/);
  });

  test('PKCS#12 (node-forge and openssl)', () => {
    const dir = tmpDir('p12');
    const p = pki('rsa');
    let r = inspectBuffer('a.p12', toPkcs12(p.server, PASS, [p.intermediate!]));
    assert.equal(r.kind, 'pkcs12');
    assert.match(r.description!, /PKCS#12/);
    const crt = write(dir, 'server.crt', p.server.pem);
    const key = write(dir, 'server.key', p.server.key.pem);
    const out = path.join(dir, 'b.p12');
    openssl(['pkcs12', '-export', '-in', crt, '-inkey', key, '-out', out, '-passout', `pass:${PASS}`]);
    r = inspectBuffer(out, fs.readFileSync(out));
    assert.equal(r.kind, 'pkcs12');
    assert.equal(r.keys.length, 0);
    assert.equal(r.certificates.length, 0);
  });

  test('PKCS#7 DER and CSR DER', () => {
    const dir = tmpDir('p7der');
    const p = pki('rsa');
    const crt = write(dir, 'c.pem', p.server.pem + p.intermediate!.pem + p.ca.pem);
    const der = opensslBuffer(['crl2pkcs7', '-nocrl', '-certfile', crt, '-outform', 'DER']);
    let r = inspectBuffer('p7.der', der);
    assert.equal(r.kind, 'pkcs7');
    assert.equal(r.certificates.length, 3);
    assert.equal(r.certificateCount, 3);
    const key = write(dir, 'k.pem', p.server.key.pem);
    const csr = opensslBuffer(['req', '-new', '-key', key, '-subj', '/CN=csr', '-outform', 'DER']);
    r = inspectBuffer('csr.der', csr);
    assert.equal(r.kind, 'der-csr');
  });

  test('empty, whitespace, text, binary garbage', () => {
    assert.equal(inspectBuffer('e', Buffer.alloc(0)).kind, 'empty');
    assert.equal(inspectBuffer('e', Buffer.from(' \n\t\r\n')).kind, 'empty');
    const t = inspectBuffer('t', Buffer.from('server {\n  listen 443 ssl;\n}\n'));
    assert.equal(t.kind, 'text');
    assert.match(t.error!, /no PEM block/);
    const rnd = crypto.createHash('sha512').update('seed').digest();
    const garbage = Buffer.concat([Buffer.from([0x00, 0xff, 0x13]), rnd, rnd]);
    assert.equal(inspectBuffer('g', garbage).kind, 'binary');
    const derLike = Buffer.concat([Buffer.from([0x30, 0x82, 0xff, 0xff]), rnd]);
    assert.equal(inspectBuffer('g2', derLike).kind, 'binary');
    assert.equal(inspectBuffer('zero', Buffer.alloc(4096)).kind, 'binary');
    const starts0 = inspectBuffer('zero-text', Buffer.from('0123 is not DER\n'));
    assert.equal(starts0.kind, 'text');
    assert.equal(inspectBuffer('utf16', Buffer.from('\ufeff-----BEGIN CERTIFICATE-----', 'utf16le')).kind, 'text');
    const spki = inspectBuffer('pub.der', pki('ec').server.key.spkiDer);
    assert.equal(spki.kind, 'der-other');
    assert.match(spki.description!, /public key/);
  });
});

describe('encrypted keys', () => {
  const rsa = () => pki('rsa').server.key;

  test('PKCS#8 encrypted: no passphrase, right, wrong, several', () => {
    const pem = encryptedPkcs8Pem(rsa(), PASS);
    let r = inspectBuffer('k', Buffer.from(pem));
    assert.deepEqual(r.pemLabels, ['ENCRYPTED PRIVATE KEY']);
    const k0 = r.keys[0];
    assert.equal(k0.encrypted, true);
    assert.equal(k0.keyAlgorithm, undefined);
    assert.equal(k0.passphraseAccepted, undefined);
    assert.equal(k0.publicKeySha256, undefined);
    assert.match(k0.encryption!, /PBES2 \(PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC\)/);

    r = inspectBuffer('k', Buffer.from(pem), { passphrases: [PASS] });
    assert.equal(r.keys[0].passphraseAccepted, true);
    assert.equal(r.keys[0].keyAlgorithm, 'RSA');
    assert.equal(keyMatchesCertificate(r.keys[0], inspectBuffer('c', Buffer.from(pki('rsa').server.pem)).certificates[0]), true);

    r = inspectBuffer('k', Buffer.from(pem), { passphrases: ['wrong'] });
    assert.equal(r.keys[0].passphraseAccepted, false);
    assert.equal(r.keys[0].keyAlgorithm, undefined);
    assert.match(r.keys[0].error!, /passphrase/);
    assert.ok(!r.keys[0].error!.includes('wrong'));

    r = inspectBuffer('k', Buffer.from(pem), { passphrases: ['a', 'b', PASS] });
    assert.equal(r.keys[0].passphraseAccepted, true);
  });

  test('legacy Proc-Type encrypted keys (RSA and EC)', () => {
    for (const key of [rsa(), pki('ec').server.key]) {
      const pem = legacyEncryptedPem(key, PASS);
      assert.match(pem, /Proc-Type: 4,ENCRYPTED/);
      let r = inspectBuffer('k', Buffer.from(pem));
      assert.equal(r.keys[0].encrypted, true);
      assert.equal(r.keys[0].format, 'legacy-encrypted');
      assert.match(r.keys[0].encryption!, /AES-256-CBC/);
      r = inspectBuffer('k', Buffer.from(pem), { passphrases: ['x', PASS] });
      assert.equal(r.keys[0].passphraseAccepted, true);
      assert.equal(r.keys[0].publicKeySha256, crypto.createHash('sha256').update(key.spkiDer).digest('hex'));
      r = inspectBuffer('k', Buffer.from(pem), { passphrases: ['x'] });
      assert.equal(r.keys[0].passphraseAccepted, false);
    }
  });

  test('huge PBKDF2 iteration count is refused before any key derivation', () => {
    // Deriving 2e9 iterations would take hours: getting this answer at all shows the count
    // was read and refused first (no clock needed to tell).
    const pem = withPbkdf2Iterations(encryptedPkcs8Pem(generateKey({ keyType: 'ec' }), PASS), 2_000_000_000);
    const r = inspectBuffer('k', Buffer.from(pem), { passphrases: [PASS] });
    assert.equal(r.keys[0].encrypted, true);
    assert.equal(r.keys[0].keyAlgorithm, undefined);
    assert.match(r.keys[0].error!, /iteration count \(2000000000\) exceeds 1,000,000/);
    assert.match(r.keys[0].encryption!, /2000000000 iterations/);
    // a modest count is still tried
    const ok = withPbkdf2Iterations(encryptedPkcs8Pem(generateKey({ keyType: 'ec' }), PASS), 2048);
    assert.equal(inspectBuffer('k', Buffer.from(ok), { passphrases: [PASS] }).keys[0].passphraseAccepted, true);
  });

  test('no key material or passphrase in results (JSON scan)', () => {
    const p = pki('rsa');
    const ec = pki('ec');
    const keyPems = [p.server.key.pem, rsaPkcs1Pem(p.server.key), ec.server.key.pem, ecSec1Pem(ec.server.key)];
    const inputs: Array<[Buffer, string[]]> = [
      [Buffer.from(p.server.pem + p.server.key.pem), []],
      [Buffer.from(p.server.key.pem + p.server.pem), [PASS]],
      [Buffer.from(rsaPkcs1Pem(p.server.key)), []],
      [Buffer.from(ecSec1Pem(ec.server.key)), []],
      [Buffer.from(encryptedPkcs8Pem(p.server.key, PASS)), [PASS]],
      [Buffer.from(encryptedPkcs8Pem(p.server.key, PASS)), ['bad-guess-1', 'bad-guess-2']],
      [Buffer.from(legacyEncryptedPem(ec.server.key, PASS)), [PASS]],
      [Buffer.from(legacyEncryptedPem(ec.server.key, PASS)), ['bad-guess-3']],
      [p.server.key.der, []],
      [Buffer.from(withPbkdf2Iterations(encryptedPkcs8Pem(p.server.key, PASS), 5_000_000)), [PASS]],
      // a corrupted key: body changed so parsing fails
      [Buffer.from(p.server.key.pem.replace(/\n[A-Za-z0-9+/]{64}\n/, (m) => m.replace(/[A-Z]/g, 'Q'))), []],
    ];
    for (const [data, passphrases] of inputs) {
      const json = JSON.stringify(inspectBuffer('k', data, { passphrases }));
      assert.deepEqual(findLeaks(json, keyPems, [PASS, 'bad-guess-1', 'bad-guess-2', 'bad-guess-3']), []);
    }
  });
});

describe('key matching and chains', () => {
  test('match, mismatch, different type, unopened', () => {
    const rsaP = pki('rsa');
    const ecP = pki('ec');
    const cert = inspectBuffer('c', Buffer.from(rsaP.server.pem)).certificates[0];
    const own = inspectBuffer('k', Buffer.from(rsaP.server.key.pem)).keys[0];
    const other = inspectBuffer('k', Buffer.from(rsaP.client.key.pem)).keys[0];
    const ecKey = inspectBuffer('k', Buffer.from(ecP.server.key.pem)).keys[0];
    const enc = inspectBuffer('k', Buffer.from(encryptedPkcs8Pem(rsaP.server.key, PASS))).keys[0];
    assert.equal(keyMatchesCertificate(own, cert), true);
    assert.equal(keyMatchesCertificate(other, cert), false);
    assert.equal(keyMatchesCertificate(ecKey, cert), false);
    assert.equal(keyMatchesCertificate(enc, cert), undefined);
    // cross-check with Node's own check
    assert.equal(new crypto.X509Certificate(rsaP.server.pem).checkPrivateKey(rsaP.server.key.privateKey), true);
  });

  test('isIssuedBy and buildChain', () => {
    for (const keyType of ['rsa', 'ec', 'ed25519'] as const) {
      const p = pki(keyType);
      const c = (pem: string) => inspectBuffer('c', Buffer.from(pem)).certificates[0];
      const leaf = c(p.server.pem);
      const inter = c(p.intermediate!.pem);
      const root = c(p.ca.pem);
      assert.equal(isIssuedBy(leaf, inter), true);
      assert.equal(isIssuedBy(inter, root), true);
      assert.equal(isIssuedBy(root, root), true);
      assert.equal(isIssuedBy(leaf, root), false);
      assert.equal(isIssuedBy(inter, leaf), false);
      const unrelated = c(createCertificate({ subject: 'CN=Unrelated', keyType: 'ec', notBefore: NOT_BEFORE, notAfter: NOT_AFTER, isCA: true }).pem);
      assert.deepEqual(buildChain(leaf, [unrelated, root, inter]).map((x) => x.subjectCommonName), [
        'serverA.example.com',
        'Example Test Intermediate CA',
        'Example Test Root CA',
      ]);
      assert.deepEqual(buildChain(leaf, [root]).map((x) => x.subjectCommonName), ['serverA.example.com']);
      assert.deepEqual(buildChain(root, [root, inter]).length, 1);
    }
    // same issuer name, different key: names match but the signature does not verify
    const a = pki('rsa');
    const impostor = createCertificate({
      subject: 'O=Example Test PKI, CN=Example Test Intermediate CA',
      keyType: 'ec',
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      isCA: true,
    });
    const leaf = inspectBuffer('c', Buffer.from(a.server.pem)).certificates[0];
    const fake = inspectBuffer('c', Buffer.from(impostor.pem)).certificates[0];
    assert.equal(fake.subject, leaf.issuer);
    assert.equal(isIssuedBy(leaf, fake), false);
    // works on plain JSON copies too (no hidden state needed)
    const copy = JSON.parse(JSON.stringify(leaf));
    const interCopy = JSON.parse(JSON.stringify(inspectBuffer('c', Buffer.from(a.intermediate!.pem)).certificates[0]));
    assert.equal(isIssuedBy(copy, interCopy), true);
    const verified = execFileSync('openssl', ['verify', '-attime', String(Math.floor(new Date('2025-06-01Z').getTime() / 1000)), '-CAfile', write(tmpDir('chainv'), 'ca.pem', a.ca.pem), '-untrusted', write(tmpDir('chainv'), 'int.pem', a.intermediate!.pem), write(tmpDir('chainv'), 'leaf.pem', a.server.pem)]).toString();
    assert.match(verified, /OK/);
  });
});

describe('large inputs', () => {
  test('10,000-certificate PEM file: bounded work, only the first 200 parsed', () => {
    const p = pki('ec');
    const one = p.server.pem + p.intermediate!.pem;
    const big = Buffer.from(one.repeat(5000));
    assert.ok(big.length > 5_000_000);
    const r = inspectBuffer('big.pem', big);
    assert.equal(r.kind, 'pem');
    assert.equal(r.certificateCount, 10_000);
    assert.equal(r.certificates.length, MAX_CERTIFICATES_PARSED);
    assert.equal(r.truncated, true);
    assert.match(r.error!, /only the first 200 were parsed/);
    assert.equal(r.pemLabels.length, 10_000);
  });

  test('deeply nested DER does not blow the stack', () => {
    // 0x30 0x80 repeated (indefinite-length SEQUENCEs) — 100k levels
    const nested = Buffer.alloc(200_000);
    for (let i = 0; i < nested.length; i += 2) {
      nested[i] = 0x30;
      nested[i + 1] = 0x80;
    }
    const r = inspectBuffer('nested.der', nested);
    assert.ok(['binary', 'der-other'].includes(r.kind));
  });
});

describe('CertificateInspector (file system)', () => {
  test('a stat made within statFreshForMs stands until the clock passes it, the file is invalidated or the stats are forgotten', async () => {
    const dir = tmpDir('fresh-stats');
    const file = path.join(dir, 'server.crt');
    const [ec, rsa] = [pki('ec').server.pem, pki('rsa').server.pem];
    fs.writeFileSync(file, ec);
    let now = 1_000;
    const ins = new CertificateInspector({ statFreshForMs: 1000, clock: () => now });
    const keyOf = async (): Promise<string | undefined> => {
      const r = await ins.inspect(file);
      return r.kind === 'pem' ? r.certificates[0]?.keyAlgorithm : r.kind;
    };
    assert.equal(await keyOf(), 'EC');
    fs.writeFileSync(file, rsa);
    now += 1000;
    assert.equal(await keyOf(), 'EC', 'a second after the stat: still taken as true');
    now += 1;
    assert.equal(await keyOf(), 'RSA', 'past the second: stat-ed again, the new file read');
    fs.writeFileSync(file, ec);
    ins.invalidate(file);
    assert.equal(await keyOf(), 'EC', 'invalidated: read at once');
    fs.rmSync(file);
    ins.forgetStats();
    assert.equal(await keyOf(), 'missing', 'stats forgotten: the removal seen at once');
    fs.writeFileSync(file, rsa);
    assert.equal(await keyOf(), 'missing', 'a missing file is a stat too');
    now += 1001;
    assert.equal(await keyOf(), 'RSA');
    // The default stats every time (the command line, tests with their own file system).
    const plain = new CertificateInspector();
    assert.equal((await plain.inspect(file)).kind, 'pem');
    fs.rmSync(file);
    assert.equal((await plain.inspect(file)).kind, 'missing');
  });

  test('missing, directory, FIFO, symlink loop, path through a file', async () => {
    const dir = tmpDir('fs-kinds');
    const ins = new CertificateInspector();
    let r = await ins.inspect(path.join(dir, 'nope.crt'));
    assert.equal(r.kind, 'missing');
    r = await ins.inspect(dir);
    assert.equal(r.kind, 'directory');
    const fifo = path.join(dir, 'pipe.crt');
    execFileSync('mkfifo', [fifo]);
    // Opening a FIFO for reading would wait for a writer forever: an answer means it was not opened.
    r = await ins.inspect(fifo);
    assert.equal(r.kind, 'not-regular');
    assert.match(r.error!, /FIFO/);
    r = await ins.inspect('/dev/zero');
    assert.equal(r.kind, 'not-regular');
    assert.match(r.error!, /character device/);
    fs.symlinkSync(path.join(dir, 'loop-b'), path.join(dir, 'loop-a'));
    fs.symlinkSync(path.join(dir, 'loop-a'), path.join(dir, 'loop-b'));
    r = await ins.inspect(path.join(dir, 'loop-a'));
    assert.equal(r.kind, 'unreadable');
    assert.match(r.error!, /symlink loop/);
    const file = write(dir, 'plain.txt', 'x');
    r = await ins.inspect(path.join(file, 'child'));
    assert.equal(r.kind, 'missing');
    // a symlink to a real certificate is followed
    const crt = write(dir, 'real.crt', pki('rsa').server.pem);
    fs.symlinkSync(crt, path.join(dir, 'link.crt'));
    r = await ins.inspect(path.join(dir, 'link.crt'));
    assert.equal(r.kind, 'pem');
    assert.equal(r.certificates.length, 1);
    assert.equal(typeof r.mode, 'number');
  });

  test('unreadable: classification of EACCES/EPERM (tests run as root, so use mocked errors)', async () => {
    assert.deepEqual(classifyFsError(Object.assign(new Error('x'), { code: 'EACCES' })).kind, 'unreadable');
    assert.match(classifyFsError({ code: 'EACCES' }).error, /permission denied/);
    assert.equal(classifyFsError({ code: 'EPERM' }).kind, 'unreadable');
    assert.equal(classifyFsError({ code: 'ENOENT' }).kind, 'missing');
    assert.equal(classifyFsError({ code: 'ELOOP' }).kind, 'unreadable');
    assert.equal(classifyFsError({ code: 'EISDIR' }).kind, 'directory');
    assert.equal(classifyFsError('weird').kind, 'unreadable');
    if (process.getuid && process.getuid() !== 0) {
      const dir = tmpDir('eacces');
      const f = write(dir, 'secret.key', 'x');
      fs.chmodSync(f, 0o000);
      const r = await new CertificateInspector().inspect(f);
      assert.equal(r.kind, 'unreadable');
    }
  });

  test('mocked EACCES on open is reported as unreadable', async (t) => {
    const dir = tmpDir('eacces-mock');
    const f = write(dir, 'server.key', pki('rsa').server.key.pem);
    t.mock.method(fs.promises, 'open', async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });
    const r = await new CertificateInspector().inspect(f);
    assert.equal(r.kind, 'unreadable');
    assert.match(r.error!, /permission denied/);
  });

  test('file vanishing between stat and read is missing', async (t) => {
    const dir = tmpDir('vanish');
    const f = write(dir, 'gone.crt', pki('rsa').server.pem);
    const realOpen = fs.promises.open;
    t.mock.method(fs.promises, 'open', async (...args: Parameters<typeof fs.promises.open>) => {
      fs.rmSync(f);
      return realOpen(...args);
    });
    const r = await new CertificateInspector().inspect(f);
    assert.equal(r.kind, 'missing');
    assert.match(r.error!, /disappeared/);
  });

  test('too-large: over the cap is not read; growth after stat is bounded', async (t) => {
    const dir = tmpDir('large');
    const ins = new CertificateInspector({ maxBytes: 1000 });
    const f = write(dir, 'big.pem', Buffer.alloc(1001, 0x41));
    let r = await ins.inspect(f);
    assert.equal(r.kind, 'too-large');
    assert.equal(r.size, 1001);
    const exact = write(dir, 'exact.pem', Buffer.alloc(1000, 0x41));
    r = await ins.inspect(exact);
    assert.equal(r.kind, 'text');

    const grow = write(dir, 'grow.pem', Buffer.alloc(500, 0x41));
    const realOpen = fs.promises.open;
    t.mock.method(fs.promises, 'open', async (...args: Parameters<typeof fs.promises.open>) => {
      fs.appendFileSync(grow, Buffer.alloc(100_000, 0x42));
      return realOpen(...args);
    });
    r = await ins.inspect(grow);
    assert.equal(r.kind, 'too-large');
    assert.match(r.error!, /grew/);
    // default cap is 1 MiB
    assert.equal(new CertificateInspector().maxBytes, 1024 * 1024);
  });

  test('cache: hit on second inspect, refreshed after replacement, invalidate, passphrase variants', async () => {
    const dir = tmpDir('cache');
    const p = pki('rsa');
    const f = write(dir, 'server.crt', p.server.pem);
    const ins = new CertificateInspector();
    const a = await ins.inspect(f);
    const b = await ins.inspect(f);
    assert.equal(a, b, 'second inspect should return the cached object');
    const [c1, c2] = await Promise.all([ins.inspect(f), ins.inspect(f)]);
    assert.equal(c1, c2);

    // replace the file with different contents and a different mtime
    const tmp = path.join(dir, 'server.crt.new');
    fs.writeFileSync(tmp, p.client.pem);
    fs.utimesSync(tmp, new Date('2024-01-01Z'), new Date('2024-01-01Z'));
    fs.renameSync(tmp, f);
    const d = await ins.inspect(f);
    assert.notEqual(d, a);
    assert.equal(d.certificates[0].subjectCommonName, 'client1');
    assert.equal(d.mtimeMs, new Date('2024-01-01Z').getTime());

    ins.invalidate(f);
    const e = await ins.inspect(f);
    assert.notEqual(e, d);
    assert.deepEqual(e, d);

    const k = write(dir, 'enc.key', encryptedPkcs8Pem(p.server.key, PASS));
    const k1 = await ins.inspect(k);
    const k2 = await ins.inspect(k, { passphrases: [PASS] });
    assert.equal(k1.keys[0].passphraseAccepted, undefined);
    assert.equal(k2.keys[0].passphraseAccepted, true);
    assert.equal(await ins.inspect(k, { passphrases: [PASS] }), k2);
    ins.clear();
    assert.notEqual(await ins.inspect(k, { passphrases: [PASS] }), k2);
  });

  test('cache is bounded', async () => {
    const dir = tmpDir('cache-bound');
    const ins = new CertificateInspector({ maxEntries: 3 });
    const files = [0, 1, 2, 3, 4].map((i) => write(dir, `f${i}.txt`, `hello ${i}\n`));
    const first = await ins.inspect(files[0]);
    for (const f of files.slice(1)) await ins.inspect(f);
    assert.notEqual(await ins.inspect(files[0]), first);
  });

  test('never throws on odd input', async () => {
    const ins = new CertificateInspector();
    const r = await ins.inspect('\0bad');
    assert.ok(['missing', 'unreadable'].includes(r.kind));
    assert.equal(inspectBuffer('x', null as unknown as Buffer).kind, 'binary');
  });
});
