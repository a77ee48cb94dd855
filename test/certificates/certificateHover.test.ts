import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inspectBuffer } from '../../server/src/certificates/certificateInspector';
import { describeValidity, renderInspectedFileMarkdown } from '../../server/src/certificates/certificateHover';
import { InspectedFile } from '../../server/src/certificates/certificateTypes';
import { createCertificate, encryptedPkcs8Pem, rsaPkcs1Pem } from '../../server/src/pki/testPkiGenerator';
import { NOT_AFTER, NOT_BEFORE, NOW, findLeaks, pki } from './fixtures';

const PASS = 'hover-secret-passphrase';

describe('certificate hover markdown', () => {
  test('server certificate: subject, SANs, validity with days left, fingerprint, key match', () => {
    const p = pki('rsa');
    const cert = inspectBuffer('/etc/nginx/certs/server.crt', Buffer.from(p.server.pem));
    const key = inspectBuffer('/etc/nginx/certs/server.key', Buffer.from(p.server.key.pem));
    const md = renderInspectedFileMarkdown(cert, { now: NOW, pairedKey: key, role: 'certificate', resolvedPath: '/etc/nginx/certs/server.crt' });
    assert.match(md, /\*\*PEM file\*\* — 1 certificate/);
    assert.match(md, /`\/etc\/nginx\/certs\/server\.crt`/);
    assert.match(md, /\*\*Subject:\*\* `O=Example Test PKI, CN=serverA\.example\.com`/);
    assert.match(md, /\*\*Issuer:\*\* `O=Example Test PKI, CN=Example Test Intermediate CA`/);
    assert.match(md, /`DNS:serverA\.example\.com`, `DNS:www\.example\.com`, `IP:192\.0\.2\.10`/);
    // 2025-06-01 → 2026-01-01 = 214 days
    assert.match(md, /2025-01-01 → 2026-01-01 \(214 days left\)/);
    assert.match(md, /RSA 2048 bits/);
    assert.match(md, /sha256WithRSAEncryption/);
    assert.match(md, /CA:FALSE/);
    assert.match(md, /\*\*Key usage:\*\* digitalSignature, keyEncipherment/);
    assert.match(md, /\*\*Extended key usage:\*\* serverAuth/);
    assert.ok(md.includes(cert.certificates[0].fingerprintSha256));
    assert.ok(md.includes(cert.certificates[0].serialNumber));
    assert.match(md, /✓ matches the certificate/);

    const other = inspectBuffer('/x/other.key', Buffer.from(p.client.key.pem));
    const md2 = renderInspectedFileMarkdown(cert, { now: NOW, pairedKey: other, role: 'certificate' });
    assert.match(md2, /does not match/);
  });

  test('expired and not-yet-valid certificates', () => {
    const cert = inspectBuffer('c', Buffer.from(pki('ec').server.pem));
    const later = renderInspectedFileMarkdown(cert, { now: new Date('2026-01-11T12:00:00Z') });
    assert.match(later, /expired 10 days ago/);
    const earlier = renderInspectedFileMarkdown(cert, { now: new Date('2024-12-29T00:00:00Z') });
    assert.match(earlier, /not yet valid: starts in 3 days/);
    assert.match(renderInspectedFileMarkdown(cert, { now: NOW }), /EC prime256v1 \(256 bits\)/);
    assert.equal(describeValidity(NOT_BEFORE.toISOString(), NOT_AFTER.toISOString(), new Date('2025-12-31T23:00:00Z')).text, 'expires within a day');
    assert.equal(describeValidity(NOT_BEFORE.toISOString(), NOT_AFTER.toISOString(), new Date('2026-01-01T01:00:00Z')).text, 'expired less than a day ago');
    assert.equal(describeValidity(NOT_BEFORE.toISOString(), NOT_AFTER.toISOString(), new Date('2025-12-30T00:00:00Z')).text, '2 days left');
  });

  test('weak signature flagged; CA basic constraints', () => {
    const weak = createCertificate({ subject: 'CN=old', keyType: 'rsa', notBefore: NOT_BEFORE, notAfter: NOT_AFTER, hashAlg: 'sha1', isCA: true, pathLength: 1 });
    const md = renderInspectedFileMarkdown(inspectBuffer('w', Buffer.from(weak.pem)), { now: NOW });
    assert.match(md, /sha1WithRSAEncryption — \*\*weak\*\*/);
    assert.match(md, /CA:TRUE, pathlen:1/);
    assert.match(md, /\*\*Issuer:\*\* self-signed/);
  });

  test('key file: type, encryption state, match with paired certificate', () => {
    const p = pki('rsa');
    const certFile = inspectBuffer('/c/server.crt', Buffer.from(p.server.pem));
    const plain = inspectBuffer('/c/server.key', Buffer.from(rsaPkcs1Pem(p.server.key)));
    let md = renderInspectedFileMarkdown(plain, { now: NOW, role: 'key', pairedCertificate: certFile });
    assert.match(md, /\*\*Private key\*\* — RSA 2048 bits, PKCS#1, not encrypted/);
    assert.match(md, /✓ matches the certificate \(`server\.crt`\)/);

    const enc = inspectBuffer('/c/enc.key', Buffer.from(encryptedPkcs8Pem(p.server.key, PASS)));
    md = renderInspectedFileMarkdown(enc, { now: NOW, role: 'key', pairedCertificate: certFile });
    assert.match(md, /encrypted with PBES2/);
    assert.match(md, /needs a passphrase/);
    assert.match(md, /cannot check against the certificate/);

    const encOpened = inspectBuffer('/c/enc.key', Buffer.from(encryptedPkcs8Pem(p.server.key, PASS)), { passphrases: ['nope', PASS] });
    md = renderInspectedFileMarkdown(encOpened, { now: NOW, role: 'key', pairedCertificate: certFile });
    assert.match(md, /passphrase accepted/);
    assert.match(md, /✓ matches/);

    const wrong = inspectBuffer('/c/enc.key', Buffer.from(encryptedPkcs8Pem(p.server.key, PASS)), { passphrases: ['nope'] });
    md = renderInspectedFileMarkdown(wrong, { now: NOW, role: 'key' });
    assert.match(md, /no supplied passphrase opens it/);

    const ecKey = inspectBuffer('/c/ec.key', Buffer.from(pki('ec').server.key.pem));
    md = renderInspectedFileMarkdown(ecKey, { now: NOW, role: 'key', pairedCertificate: certFile });
    assert.match(md, /does not match/);

    for (const m of [md, renderInspectedFileMarkdown(plain, { now: NOW }), renderInspectedFileMarkdown(enc, { now: NOW })]) {
      assert.deepEqual(findLeaks(m, [p.server.key.pem, rsaPkcs1Pem(p.server.key), pki('ec').server.key.pem], [PASS]), []);
    }
  });

  test('combined cert+key file shows the in-file match', () => {
    const p = pki('ed25519');
    const md = renderInspectedFileMarkdown(inspectBuffer('both.pem', Buffer.from(p.server.key.pem + p.server.pem)), { now: NOW });
    assert.match(md, /1 certificate, 1 private key/);
    assert.match(md, /✓ matches the certificate in this file/);
    assert.match(md, /Ed25519/);
    assert.match(md, /ED25519/);
  });

  test('CA bundle lists subjects with validity; full chain for ssl_certificate', () => {
    const p = pki('rsa');
    const expired = createCertificate({ subject: 'CN=Old Root', keyType: 'ec', notBefore: new Date('2015-01-01Z'), notAfter: new Date('2020-01-01Z'), isCA: true });
    const bundle = inspectBuffer('ca-bundle.pem', Buffer.from(p.ca.pem + p.intermediate!.pem + expired.pem));
    const md = renderInspectedFileMarkdown(bundle, { now: NOW, role: 'ca-bundle' });
    assert.match(md, /\*\*CA bundle\*\* — 3 certificates, \*\*1 expired\*\*/);
    assert.match(md, /1\. `O=Example Test PKI, CN=Example Test Root CA` — until 2027-01-01/);
    assert.match(md, /3\. `CN=Old Root` — until 2020-01-01 \(\*\*expired 1978 days ago\*\*\)/);

    const full = inspectBuffer('fullchain.pem', Buffer.from(p.server.pem + p.intermediate!.pem + p.ca.pem));
    const fmd = renderInspectedFileMarkdown(full, { now: NOW, role: 'certificate', pairedKey: inspectBuffer('k', Buffer.from(p.server.key.pem)) });
    assert.match(fmd, /\*\*Certificate 1\/3\*\* — `serverA\.example\.com`/);
    assert.match(fmd, /\*\*Chain\*\* — 2 certificates/);
    assert.match(fmd, /2\. `O=Example Test PKI, CN=Example Test Intermediate CA`/);
    assert.match(fmd, /✓ matches the certificate/);
  });

  test('error kinds render a title and the reason', () => {
    const cases: Array<[InspectedFile, RegExp]> = [
      [{ path: '/x/missing.crt', kind: 'missing', pemLabels: [], certificates: [], keys: [], error: 'file not found' }, /\*\*File not found\*\*[\s\S]*file not found/],
      [{ path: '/x', kind: 'directory', pemLabels: [], certificates: [], keys: [], error: 'is a directory' }, /Directory, not a file/],
      [{ path: '/x/big', kind: 'too-large', size: 5e6, pemLabels: [], certificates: [], keys: [], error: 'over the limit' }, /File too large/],
      [inspectBuffer('/x/e', Buffer.alloc(0)), /\*\*Empty file\*\*/],
      [inspectBuffer('/x/t', Buffer.from('hello *world*\n')), /Text file without PEM blocks/],
    ];
    for (const [file, re] of cases) assert.match(renderInspectedFileMarkdown(file, { now: NOW }), re);
    const md = renderInspectedFileMarkdown(inspectBuffer('/x/d.der', pki('rsa').server.der), { now: NOW });
    assert.match(md, /\*\*DER certificate\*\* — 1 certificate/);
  });

  test('markdown special characters in names are contained', () => {
    const cert = createCertificate({ subject: [['CN', 'evil`*name*_[x](y)'], ['O', 'A|B']], keyType: 'ec', notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
    const md = renderInspectedFileMarkdown(inspectBuffer('e', Buffer.from(cert.pem)), { now: NOW });
    assert.match(md, /``CN=evil`\*name\*_\[x\]\(y\), O=A\|B``/);
  });

  test('rendering is deterministic for a fixed now', () => {
    const f = inspectBuffer('c', Buffer.from(pki('rsa').server.pem));
    assert.equal(renderInspectedFileMarkdown(f, { now: NOW }), renderInspectedFileMarkdown(f, { now: new Date(NOW) }));
  });
});
