/**
 * What nginx learns from OpenSSL: cipher strings, ssl_ecdh_curve groups, DH parameters and
 * the stapling warnings, plus inline (data:) certificates and keys. The fixtures of
 * test/fixtures/rules/{tls.cipher-list-no-match,tls.ecdh-curve-unknown,tls.dhparam-unusable,
 * tls.stapling-ignored} name files generated here: certificates from the test PKI, DH
 * parameters from the RFC 2409/3526 groups Node knows by name (no stored blobs).
 */
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResolvedFinding } from '../../../server/src/analysis/analyzer';
import { cipherListVerdict, groupListVerdict, readDhParameters } from '../../../server/src/certificates/opensslSettings';
import { NodeFileSystem } from '../../../server/src/model/fileSystem';
import { createCertificate, dhParametersPem, generatePki, type GeneratedCertificate } from '../../../server/src/pki/testPkiGenerator';
import { NginxLanguageService } from '../../../server/src/service/languageService';
import { DEFAULT_SETTINGS } from '../../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../../server/src/service/workspaceAnalysis';
import { FIXTURES } from './mtlsRuleHelpers';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const CODES = ['tls.cipher-list-no-match', 'tls.ecdh-curve-unknown', 'tls.dhparam-unusable', 'tls.stapling-ignored'];

let dir: string;
let leaf: GeneratedCertificate;
let otherKeyPem: string;

function generateFiles(): void {
  const pki = generatePki({ notBefore: new Date(NOW.getTime() - 10 * DAY), notAfter: new Date(NOW.getTime() + 365 * DAY), intermediate: true });
  const intermediate = pki.intermediate as GeneratedCertificate;
  const validity = { notBefore: new Date(NOW.getTime() - 10 * DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) };
  leaf = createCertificate({ subject: 'CN=server.example.com', key: pki.server.key, issuer: intermediate, ...validity, sans: ['DNS:server.example.com'], extendedKeyUsage: ['serverAuth'], ocspUrl: 'http://ocsp.example.com/' });
  const noOcsp = createCertificate({ subject: 'CN=server.example.com', key: pki.server.key, issuer: intermediate, ...validity, sans: ['DNS:server.example.com'], extendedKeyUsage: ['serverAuth'] });
  const selfSigned = createCertificate({ subject: 'CN=self.example.com', ...validity, sans: ['DNS:self.example.com'], ocspUrl: 'http://ocsp.example.com/' });
  otherKeyPem = pki.client.key.pem;
  const files: Record<string, string> = {
    'server-chain.pem': leaf.pem + intermediate.pem,
    'server-leaf.pem': leaf.pem,
    'server-no-ocsp-chain.pem': noOcsp.pem + intermediate.pem,
    'server.key': pki.server.key.pem,
    'intermediate.pem': intermediate.pem,
    'self-signed.pem': selfSigned.pem,
    'self-signed.key': selfSigned.key.pem,
    'dh-768.pem': dhParametersPem('modp1'),
    'dh-1024.pem': dhParametersPem('modp2'),
    'dh-2048.pem': dhParametersPem('modp14'),
    'cert-then-dh.pem': leaf.pem + dhParametersPem('modp14'),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text, { mode: name.endsWith('.key') ? 0o600 : 0o644 });
}

function analysis(targetVersion = '1.22.1'): WorkspaceAnalysis {
  return new WorkspaceAnalysis({ fs: new NodeFileSystem(), now: () => NOW, settings: { ...DEFAULT_SETTINGS, targetVersion } });
}

async function checkConfig(text: string, targetVersion = '1.22.1', name = 'nginx.conf'): Promise<ResolvedFinding[]> {
  const conf = path.join(dir, name);
  fs.writeFileSync(conf, text);
  const result = await analysis(targetVersion).analyzeFiles([conf], [conf]);
  return result.get(conf)?.findings ?? [];
}

const server = (body: string): string => `events {}\nhttp {\n    server {\n        listen 443 ssl;\n${body}\n    }\n}\n`;
const CERT = '        ssl_certificate server-chain.pem;\n        ssl_certificate_key server.key;\n';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-openssl-'));
  generateFiles();
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('OpenSSL setting fixtures (files generated at test time)', () => {
  for (const code of CODES) {
    const names = fs.readdirSync(path.join(FIXTURES, code)).sort();
    it(`${code} has bad, good and false-positive fixtures`, () => {
      for (const prefix of ['bad', 'good', 'fp']) assert.ok(names.some((n) => n.startsWith(prefix)), `${code} has no ${prefix} fixture`);
    });
    for (const name of names) {
      it(`${code}/${name}`, async () => {
        const findings = (await checkConfig(fs.readFileSync(path.join(FIXTURES, code, name), 'utf8'), '1.22.1', `${code}-${name}`)).filter((f) => f.code === code);
        if (name.startsWith('bad')) assert.ok(findings.length > 0, `${name} should report ${code}`);
        else assert.deepEqual(findings.map((f) => f.message), [], `${name} must not report ${code}`);
      });
    }
  }
});

describe('cipher strings, as OpenSSL 3 (and nginx 1.22.1 -t on Debian 12) judge them', () => {
  // Each answer was measured with nginx -t: "match" passed, "none" failed with "no cipher match".
  const MEASURED: Record<string, 'match' | 'none' | 'legacy'> = {
    NOPE: 'none',
    'HIGH:!aNULL:FOO': 'match',
    TLS_AES_128_GCM_SHA256: 'none',
    'EECDH+AESGCM': 'match',
    '!ALL': 'none',
    eNULL: 'match',
    RC4: 'legacy',
    'DEFAULT:@SECLEVEL=5': 'match',
    'HIGH:!aNULL:!MD5': 'match',
    // Entries may be separated by blanks or commas; Node alone would read the first as one TLS 1.3 name.
    'TLS_AES_128_GCM_SHA256 HIGH': 'match',
    'TLS_AES_128_GCM_SHA256,NOPE': 'none',
  };
  for (const [value, expected] of Object.entries(MEASURED)) {
    it(`"${value}" → ${expected}`, () => {
      const verdict = cipherListVerdict(value);
      const got = verdict.matches ? 'match' : verdict.legacy ? 'legacy' : 'none';
      assert.equal(got, expected);
    });
  }
});

describe('ssl_ecdh_curve groups', () => {
  it('names each unknown group, and tells the ones newer OpenSSL releases know', () => {
    assert.deepEqual(groupListVerdict('X25519:nocurve'), { unknown: ['nocurve'], newer: [], emptyElement: false });
    assert.deepEqual(groupListVerdict('auto').unknown, []);
    assert.deepEqual(groupListVerdict('AUTO').unknown, ['AUTO']);
    assert.equal(groupListVerdict('prime256v1:').emptyElement, true);
    const pq = groupListVerdict('X25519MLKEM768:X25519');
    if (pq.unknown.length > 0) assert.deepEqual(pq.newer, ['X25519MLKEM768']);
  });

  it('a refused group leaves nothing behind that makes the next key unreadable', () => {
    // Node leaves OpenSSL's error for a refused ecdhCurve on the thread's error queue; without
    // draining it, the next key parse failed and a good key was reported as unreadable.
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    for (const list of [`X25519:nocurve${process.pid}`, `NOCURVE${Date.now()}`]) {
      assert.deepEqual(groupListVerdict(list).unknown.length, 1);
      assert.equal(createPrivateKey(key).asymmetricKeyType, 'rsa');
    }
  });

  it('a post-quantum group is a warning, not an error: the host may run OpenSSL 3.5', async () => {
    const findings = (await checkConfig(server(`${CERT}        ssl_ecdh_curve X25519MLKEM768:X25519;`))).filter((f) => f.code === 'tls.ecdh-curve-unknown');
    if (groupListVerdict('X25519MLKEM768').unknown.length === 0) return assert.deepEqual(findings, []);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /group 'X25519MLKEM768' cannot be set/);
  });
});

describe('DH parameters', () => {
  it('reads the prime size of PKCS#3 and X9.42 blocks, after other blocks', () => {
    assert.equal(readDhParameters(dhParametersPem('modp2'))?.bits, 1024);
    assert.equal(readDhParameters(leaf.pem + dhParametersPem('modp14'))?.bits, 2048);
    assert.equal(readDhParameters(dhParametersPem('modp1').replace(/DH PARAMETERS/g, 'X9.42 DH PARAMETERS'))?.label, 'X9.42 DH PARAMETERS');
    assert.equal(readDhParameters(leaf.pem), undefined);
  });

  it('quotes nginx: an error below 1024 bits, a warning at 1024', async () => {
    const small = (await checkConfig(server(`${CERT}        ssl_dhparam dh-768.pem;`))).find((f) => f.code === 'tls.dhparam-unusable');
    assert.equal(small?.severity, 'error');
    assert.match(small?.message ?? '', /^nginx rejects this: SSL_CTX_set_tmp_dh\(".*dh-768\.pem"\) failed \(SSL: error:0A00018A:SSL routines::dh key too small\)/);
    const medium = (await checkConfig(server(`${CERT}        ssl_dhparam dh-1024.pem;`))).find((f) => f.code === 'tls.dhparam-unusable');
    assert.equal(medium?.severity, 'warning');
  });
});

describe('settings nginx does not apply', () => {
  it('a bad value in a server without a certificate is a note (nginx -t passes)', async () => {
    const findings = await checkConfig('events {}\nhttp {\n    server {\n        listen 80;\n        ssl_ciphers NOPE;\n        ssl_ecdh_curve nocurve;\n    }\n}\n');
    const ours = findings.filter((f) => CODES.includes(f.code));
    assert.deepEqual(ours.map((f) => `${f.code} ${f.severity}`), ['tls.cipher-list-no-match information', 'tls.ecdh-curve-unknown information']);
  });

  it('a legacy-only string: a warning where nginx applies it, a note where it does not', async () => {
    const applied = await checkConfig(server(`${CERT}        ssl_ciphers RC4;`));
    assert.equal(applied.find((f) => f.code === 'tls.cipher-list-no-match')?.severity, 'warning');
    const unused = await checkConfig('events {}\nhttp {\n    server {\n        listen 80;\n        ssl_ciphers RC4;\n    }\n}\n');
    assert.equal(unused.find((f) => f.code === 'tls.cipher-list-no-match')?.severity, 'information');
  });

  it('proxy_ssl_ciphers counts only where the location proxies over TLS', async () => {
    const plain = await checkConfig('events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://127.0.0.1:8080;\n            proxy_ssl_ciphers NOPE;\n        }\n    }\n}\n');
    assert.equal(plain.find((f) => f.code === 'tls.cipher-list-no-match')?.severity, 'information');
    const tls = await checkConfig('events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            proxy_pass https://127.0.0.1:8443;\n            proxy_ssl_ciphers NOPE;\n        }\n    }\n}\n');
    assert.match(tls.find((f) => f.code === 'tls.cipher-list-no-match')?.message ?? '', /^nginx rejects this: SSL_CTX_set_cipher_list\("NOPE"\) failed/);
  });
});

describe('inline (data:) certificates and keys', () => {
  const inline = (pem: string): string => `"data:${pem.replace(/\n/g, '\\n')}"`;
  const keyBody = (pem: string): string => pem.split('\n').filter((l) => l && !l.startsWith('-----'))[1];

  it('garbage inline certificate is an error in nginx\'s wording', async () => {
    const findings = await checkConfig(server(`        ssl_certificate "data:-----BEGIN CERTIFICATE-----\\nnot base64\\n-----END CERTIFICATE-----";\n        ssl_certificate_key server.key;`));
    const notPem = findings.find((f) => f.code === 'tls.not-pem');
    assert.equal(notPem?.severity, 'error');
    assert.match(notPem?.message ?? '', /^nginx rejects this: cannot load certificate "data:…": PEM_read_bio_X509_AUX\(\) failed/);
  });

  it('an inline key that does not match is refused, and no key text reaches any message', async () => {
    const keyPem = otherKeyPem;
    const findings = await checkConfig(server(`        ssl_certificate ${inline(leaf.pem)};\n        ssl_certificate_key ${inline(keyPem)};`));
    assert.ok(findings.some((f) => f.code === 'tls.key-mismatch' && f.severity === 'error' && f.message.includes('SSL_CTX_use_PrivateKey("data:…")')), findings.map((f) => f.code).join(', '));
    assert.ok(findings.some((f) => f.code === 'tls.private-key-exposure'));
    for (const f of findings) assert.ok(!f.message.includes(keyBody(keyPem)) && !f.message.includes('PRIVATE KEY-----'), `${f.code} shows key material`);
  });

  it('a matching inline pair passes; before 1.15.10 the value is not read inline', async () => {
    const good = await checkConfig(server(`        ssl_certificate ${inline(leaf.pem)};\n        ssl_certificate_key server.key;`));
    assert.deepEqual(good.filter((f) => f.severity === 'error').map((f) => f.message), []);
    const old = await checkConfig(server(`        ssl_certificate "data:garbage";\n        ssl_certificate_key server.key;`), '1.15.9');
    assert.ok(!old.some((f) => f.code === 'tls.not-pem'));
  });

  it('hover shows the inline certificate and key, never the key text', async () => {
    const keyPem = fs.readFileSync(path.join(dir, 'server.key'), 'utf8');
    const text = `events {}\nhttp {\n    server {\n        listen 443 ssl;\n        ssl_certificate ${inline(leaf.pem)};\n        ssl_certificate_key ${inline(keyPem)};\n    }\n}\n`;
    const conf = path.join(dir, 'hover.conf');
    fs.writeFileSync(conf, text);
    const service = new NginxLanguageService({ now: () => NOW });
    service.setWorkspaceFolders([dir]);
    service.configure({ targetVersion: '1.22.1' });
    const lines = text.split('\n');
    const hoverAt = async (needle: string): Promise<string> => {
      const line = lines.findIndex((l) => l.includes(needle));
      const hover = await service.hover(conf, { line, character: lines[line].indexOf('"data:') + 3 });
      return (hover?.contents as { value: string } | undefined)?.value ?? '';
    };
    const certHover = await hoverAt('ssl_certificate ');
    assert.match(certHover, /server\.example\.com/);
    assert.doesNotMatch(certHover, /Not opened/);
    const keyHover = await hoverAt('ssl_certificate_key');
    assert.match(keyHover, /RSA/);
    assert.ok(!keyHover.includes(keyBody(keyPem)) && !keyHover.includes('PRIVATE KEY-----'), 'the hover shows key material');
  });
});
