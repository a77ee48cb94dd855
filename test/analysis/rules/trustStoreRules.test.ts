/**
 * Trust stores judged as sets of anchors, served chains as chains, client certificates from
 * the client side, certificate names labelled as what they are. The fixtures of
 * test/fixtures/rules/{tls.cert-validity,mtls.ca-bundle-unusable} name files that are generated
 * here (fixed clock), and /etc/ssl/certs is mapped to a generated stand-in of a system bundle,
 * so nothing depends on the host's trust store.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResolvedFinding } from '../../../server/src/analysis/analyzer';
import { isSystemTrustStore } from '../../../server/src/certificates/trustStores';
import { NodeFileSystem } from '../../../server/src/model/fileSystem';
import { createCertificate, generatePki, type GeneratedCertificate } from '../../../server/src/pki/testPkiGenerator';
import { applyEdits } from '../../../server/src/service/quickFixes';
import { DEFAULT_SETTINGS } from '../../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../../server/src/service/workspaceAnalysis';
import { FIXTURES } from './mtlsRuleHelpers';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const days = (n: number): Date => new Date(NOW.getTime() + n * DAY);
const SYSTEM_STORE = '/etc/ssl/certs';

let dir: string;

function root(subject: string, notBefore: Date, notAfter: Date): GeneratedCertificate {
  return createCertificate({ subject, notBefore, notAfter, isCA: true });
}

/** Every file the fixtures name, generated once. */
function generateFiles(): void {
  const pki = generatePki({ notBefore: days(-10), notAfter: days(365), intermediate: true, caSubject: 'CN=Fixture Root' });
  const intermediate = pki.intermediate as GeneratedCertificate;
  const expiredRootA = root('CN=Retired Root A', days(-4000), days(-30));
  const expiredRootB = root('CN=Retired Root B', days(-4000), days(-300));
  const expiredIntermediate = createCertificate({ subject: 'CN=Lapsed Intermediate', issuer: pki.ca, notBefore: days(-400), notAfter: days(-2), isCA: true });
  const files: Record<string, string> = {
    'ca.pem': pki.ca.pem,
    'server-chain.pem': pki.server.pem + intermediate.pem,
    'server.key': pki.server.key.pem,
    'client.pem': pki.client.pem + intermediate.pem,
    'client.key': pki.client.key.pem,
    'client-leaf.pem': pki.client.pem,
    'server-leaf.pem': pki.server.pem,
    'cas.pem': intermediate.pem + pki.ca.pem,
    // No subjectAltName at all: only a common name.
    'cn-only.pem': createCertificate({ subject: 'CN=legacy.example.com', key: pki.server.key, issuer: intermediate, notBefore: days(-10), notAfter: days(300), extendedKeyUsage: ['serverAuth'] }).pem + intermediate.pem,
    'client-expired.pem': createCertificate({ subject: 'CN=client1', key: pki.client.key, issuer: intermediate, notBefore: days(-100), notAfter: days(-1), extendedKeyUsage: ['clientAuth'] }).pem + intermediate.pem,
    'server-expired-intermediate.pem': createCertificate({ subject: 'CN=server.example.com', key: pki.server.key, issuer: expiredIntermediate, notBefore: days(-10), notAfter: days(300), sans: ['DNS:server.example.com'], extendedKeyUsage: ['serverAuth'] }).pem + expiredIntermediate.pem,
    'bundle-expired-and-valid.pem': expiredRootA.pem + pki.ca.pem,
    'bundle-all-expired.pem': expiredRootA.pem + expiredRootB.pem,
    'pinned-self-signed.pem': createCertificate({ subject: 'CN=pinned.example.com', notBefore: days(-10), notAfter: days(300), sans: ['DNS:pinned.example.com'], extendedKeyUsage: ['serverAuth'] }).pem,
    // Stand-in for the operating system's bundle: valid roots and a few long expired ones.
    'etc-ssl-certs/ca-certificates.crt': [expiredRootA, root('CN=System Root 1', days(-3000), days(3000)), expiredRootB, root('CN=System Root 2', days(-3000), days(3000))].map((c) => c.pem).join(''),
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text, { mode: name.endsWith('.key') ? 0o600 : 0o644 });
  }
}

function analysis(): WorkspaceAnalysis {
  return new WorkspaceAnalysis({
    fs: new NodeFileSystem(), now: () => NOW,
    settings: { ...DEFAULT_SETTINGS, pathMappings: { [SYSTEM_STORE]: path.join(dir, 'etc-ssl-certs') } },
  });
}

/** Analyzes a configuration written as the main config of the generated directory. */
async function checkConfig(text: string, name = 'nginx.conf'): Promise<ResolvedFinding[]> {
  const conf = path.join(dir, name);
  fs.writeFileSync(conf, text);
  const result = await analysis().analyzeFiles([conf], [conf]);
  return result.get(conf)?.findings ?? [];
}

const fixture = (code: string, name: string): string => fs.readFileSync(path.join(FIXTURES, code, name), 'utf8');
const serious = (f: ResolvedFinding): boolean => f.severity === 'error' || f.severity === 'warning';
const show = (findings: readonly ResolvedFinding[]): string => findings.map((f) => `${f.severity} ${f.code}: ${f.message}`).join('\n') || 'nothing';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-truststore-'));
  generateFiles();
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

for (const code of ['tls.cert-validity', 'mtls.ca-bundle-unusable', 'tls.chain-order-incomplete', 'mtls.client-cert-untrusted', 'tls.server-name-not-in-cert']) {
  describe(`${code} fixtures`, () => {
    for (const name of fs.readdirSync(path.join(FIXTURES, code)).sort()) {
      it(name, async () => {
        const findings = await checkConfig(fixture(code, name), `${code}-${name}`);
        const own = findings.filter((f) => f.code === code && serious(f));
        if (name.startsWith('bad')) assert.ok(own.length > 0, `${name} should report ${code}; got:\n${show(findings)}`);
        // A trust store never yields an error or a warning for a stale entry beside a usable one.
        else assert.deepEqual(own.map((f) => f.message), [], `${name} must not report ${code}`);
      });
    }
  });
}

describe('trust stores are judged as sets of anchors', () => {
  it('an expired root beside a valid one in a workspace bundle is information only', async () => {
    const findings = await checkConfig(fixture('tls.cert-validity', 'fp-upstream-bundle-expired-root.conf'));
    const validity = findings.filter((f) => f.code === 'tls.cert-validity');
    assert.deepEqual(validity.map((f) => f.severity), ['information'], show(findings));
    assert.match(validity[0].message, /"CN=Retired Root A" expired on/);
    assert.match(validity[0].message, /"CN=Fixture Root"/);
    assert.equal(findings.filter(serious).length, 0, show(findings));
  });

  it('the system bundle gets nothing, whatever its expired roots', async () => {
    const findings = await checkConfig(fixture('tls.cert-validity', 'fp-system-bundle.conf'));
    assert.deepEqual(findings.filter((f) => f.code.startsWith('tls.cert') || f.code.startsWith('mtls.ca-bundle')).map((f) => f.message), []);
    assert.equal(findings.filter(serious).length, 0, show(findings));
  });

  it('a bundle whose every root expired is an error saying verification fails', async () => {
    const findings = await checkConfig(fixture('mtls.ca-bundle-unusable', 'bad-all-expired.conf'));
    const unusable = findings.filter((f) => f.code === 'mtls.ca-bundle-unusable');
    assert.equal(unusable.length, 1, show(findings));
    assert.equal(unusable[0].severity, 'error');
    assert.match(unusable[0].message, /No certificate in this trust store is valid now/);
    assert.match(unusable[0].message, /certificate has expired/);
    assert.match(unusable[0].message, /502/);
    assert.equal(findings.filter((f) => f.code === 'tls.cert-validity').length, 0, 'one finding, not one per root');
  });

  it('an expired intermediate of a served chain is still an error', async () => {
    const findings = await checkConfig(fixture('tls.cert-validity', 'bad-served-expired-intermediate.conf'));
    const validity = findings.filter((f) => f.code === 'tls.cert-validity');
    assert.equal(validity.length, 1, show(findings));
    assert.equal(validity[0].severity, 'error');
    assert.match(validity[0].message, /Chain certificate "CN=Lapsed Intermediate" expired/);
  });

  it('a pinned self-signed upstream certificate is a usable anchor', async () => {
    const findings = await checkConfig(fixture('mtls.ca-bundle-unusable', 'fp-pinned-self-signed.conf'));
    assert.equal(findings.filter(serious).length, 0, show(findings));
  });

  it('classifies system trust stores in one place', () => {
    for (const p of ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
      '/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt', '/etc/ca-certificates/extracted/tls-ca-bundle.pem', '/etc/ssl/cert.pem', '/etc/ssl/certs/../certs/x.pem']) {
      assert.equal(isSystemTrustStore(p), true, p);
    }
    for (const p of ['/etc/nginx/ca.pem', '/etc/ssl/private/ca.pem', 'certs/ca.pem', '/home/u/etc/ssl/certs/ca.pem', '/etc/ssl/certs/../private/ca.pem']) {
      assert.equal(isSystemTrustStore(p), false, p);
    }
  });

  it("the preferred fix of tls.upstream-unverified (the system bundle) adds no finding on re-check", async () => {
    const text = 'events {}\nhttp {\n    server {\n        listen 8080;\n        location / {\n            proxy_pass https://backend.example.com;\n        }\n    }\n}\n';
    const before = await checkConfig(text, 'unverified.conf');
    const finding = before.find((f) => f.code === 'tls.upstream-unverified');
    assert.ok(finding, show(before));
    const fix = (finding.fixes ?? []).find((f) => f.preferred) ?? finding.fixes?.[0];
    assert.ok(fix && fix.edits.length > 0, 'a preferred fix with edits');
    const fixed = applyEdits(text, fix.edits);
    assert.match(fixed, /trusted_certificate \/etc\/ssl\/certs\/ca-certificates\.crt;/);
    const afterFix = await checkConfig(fixed, 'unverified.conf');
    const known = new Set(before.map((f) => f.code));
    assert.deepEqual(afterFix.filter((f) => !known.has(f.code)).map((f) => `${f.severity} ${f.code}: ${f.message}`), []);
    assert.equal(afterFix.some((f) => f.code === 'tls.upstream-unverified'), false, show(afterFix));
  });
});

describe('a client certificate sent upstream is judged from the client side', () => {
  it('without its intermediate, to an upstream the workspace does not hold: information in client wording', async () => {
    const findings = await checkConfig(fixture('tls.chain-order-incomplete', 'fp-client-leaf-unknown-upstream.conf'));
    const chain = findings.filter((f) => f.code === 'tls.chain-order-incomplete');
    assert.deepEqual(chain.map((f) => f.severity), ['information'], show(findings));
    assert.match(chain[0].message, /The upstream verifies this client certificate against its own CA file, which this workspace does not show/);
    assert.doesNotMatch(chain[0].message, /clients that trust only the root/);
  });

  it('a server sending its leaf without the intermediate keeps the warning', async () => {
    const findings = await checkConfig(fixture('tls.chain-order-incomplete', 'bad-served-leaf-only.conf'));
    assert.deepEqual(findings.filter((f) => f.code === 'tls.chain-order-incomplete').map((f) => f.severity), ['warning'], show(findings));
  });

  it('to an upstream of the workspace that trusts only the root: judged against its CA file', async () => {
    const findings = await checkConfig(fixture('mtls.client-cert-untrusted', 'bad-intermediate-not-sent.conf'));
    const untrusted = findings.filter((f) => f.code === 'mtls.client-cert-untrusted');
    assert.equal(untrusted.length, 1, show(findings));
    assert.match(untrusted[0].message, /neither client-leaf\.pem nor that CA file includes the intermediate/);
    assert.equal(findings.filter((f) => f.code === 'tls.chain-order-incomplete').length, 0, show(findings));
  });

  it('to an upstream of the workspace whose CA file holds the intermediate: nothing', async () => {
    const findings = await checkConfig(fixture('mtls.client-cert-untrusted', 'fp-upstream-trusts-intermediate.conf'));
    assert.deepEqual(findings.filter((f) => f.code === 'mtls.client-cert-untrusted' || f.code === 'tls.chain-order-incomplete').map((f) => f.message), []);
  });
});

describe('certificate names in messages', () => {
  it('a common name is shown as CN=, never as DNS:', async () => {
    const findings = await checkConfig(fixture('tls.server-name-not-in-cert', 'bad-cn-only.conf'));
    const f = findings.find((x) => x.code === 'tls.server-name-not-in-cert');
    assert.ok(f, show(findings));
    assert.match(f.message, /\(CN=legacy\.example\.com\)/);
    assert.doesNotMatch(f.message, /DNS:legacy/);
  });
});
