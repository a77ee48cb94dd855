/**
 * Dual certificates and certificate/key inheritance against the real `nginx -t`: each case is
 * a server (or http level + server) written with the transcript PKI, nginx -t must exit as
 * recorded here, and our findings must agree: a refused key in nginx's wording exactly when
 * nginx refuses, and otherwise no finding that claims nginx refuses.
 *
 * Handshakes (recorded by hand with nginx 1.22.1 / OpenSSL 3 on a loopback port, `openssl
 * s_client -tls1_2 -sigalgs rsa_pss_rsae_sha256` and `-sigalgs ecdsa_secp256r1_sha256`):
 * crossed: both succeed; key-without-its-cert and cert-override-inherited-key: both fail
 * (handshake failure alert); slot-never-keyed: RSA succeeds, ECDSA fails; key-dropped-by-cert:
 * RSA fails, ECDSA succeeds. Those outcomes are what `expect` says for the cases nginx accepts.
 */
import { test } from 'node:test';
import { runHttpCases, type HttpCase } from './httpCases';
import { formatFinding } from './nginxHarness';

/** clean: nothing about pairing; refused: nginx's key values mismatch; fails: every handshake fails; not-served: a warning. */
type Expectation = 'clean' | 'refused' | 'fails' | 'not-served';

interface SlotCase extends HttpCase {
  expect: Expectation;
}

const L = 'listen 127.0.0.1:18443 ssl;';
const pair = (cert: string, key: string): string => `ssl_certificate P/${cert}; ssl_certificate_key P/${key};`;

const CASES: SlotCase[] = [
  { id: 'crossed', body: `server { ${L} ${pair('server.crt', 'ec.key')} ${pair('ec.crt', 'server.key')} }`, rc: 0, expect: 'clean' },
  { id: 'ed25519-plus-rsa', body: `server { ${L} ${pair('ed.crt', 'ed.key')} ${pair('server.crt', 'server.key')} }`, rc: 0, expect: 'clean' },
  { id: 'same-type-replaced', body: `server { ${L} ${pair('server.crt', 'server.key')} ${pair('leaf.crt', 'leaf.key')} }`, rc: 0, expect: 'not-served' },
  { id: 'same-type-crossed', body: `server { ${L} ${pair('server.crt', 'leaf.key')} ${pair('leaf.crt', 'server.key')} }`, rc: 1, expect: 'refused' },
  { id: 'key-without-its-cert', body: `server { ${L} ${pair('server.crt', 'ec.key')} }`, rc: 0, expect: 'fails' },
  { id: 'slot-never-keyed', body: `server { ${L} ${pair('server.crt', 'server.key')} ${pair('ec.crt', 'server.key')} }`, rc: 0, expect: 'not-served' },
  { id: 'key-dropped-by-cert', body: `server { ${L} ${pair('ec.crt', 'other.key')} ${pair('server.crt', 'ec.key')} }`, rc: 0, expect: 'not-served' },
  { id: 'second-ec-mismatch', body: `server { ${L} ${pair('server.crt', 'server.key')} ${pair('ec.crt', 'ec2.key')} }`, rc: 1, expect: 'refused' },
  { id: 'inherit-key-override-bad', body: `${pair('server.crt', 'server.key')} server { ${L} ssl_certificate_key P/other.key; }`, rc: 1, expect: 'refused' },
  { id: 'inherit-key-override-good', body: `${pair('server.crt', 'other.key')} server { ${L} ssl_certificate_key P/server.key; }`, rc: 0, expect: 'clean' },
  { id: 'http-pair-replaced', body: `${pair('server.crt', 'other.key')} server { ${L} ${pair('ec.crt', 'ec.key')} }`, rc: 0, expect: 'clean' },
  { id: 'cert-override-inherited-key', body: `${pair('ec.crt', 'ec.key')} server { ${L} ssl_certificate P/server.crt; }`, rc: 0, expect: 'fails' },
];

test('certificate slots: dual certificates and inherited pairs agree with nginx -t', { timeout: 180_000 }, (t) => runHttpCases(t, 'slots', CASES, (c, findings) => {
  const ours = findings.filter((f) => f.code === 'tls.key-mismatch' || f.code === 'tls.certificate-not-served');
  const refused = ours.filter((f) => f.nginxRefuses && /SSL_CTX_use_PrivateKey\(".*"\) failed \(key values mismatch\)/.test(f.message));
  const errors = ours.filter((f) => f.severity === 'error');
  const ok = c.expect === 'clean' ? ours.length === 0
    : c.expect === 'refused' ? refused.length === 1 && errors.length === 1
      : c.expect === 'fails' ? errors.length > 0 && ours.every((f) => !f.nginxRefuses)
        : errors.length === 0 && ours.some((f) => f.code === 'tls.certificate-not-served' && f.severity === 'warning');
  return ok ? undefined : `expected ${c.expect}, ours: ${ours.map(formatFinding).join(' | ') || '(none)'}`;
}));
