/**
 * When nginx opens certificate, key and upstream CA files, against the real `nginx -t`: each case
 * names a missing file (`missing/…`, relative to the conf prefix) where nginx opens it at startup,
 * per handshake, or never. nginx -t must exit as recorded here, and our finding on the missing
 * file must agree: an error in nginx's wording exactly when nginx -t refuses it, otherwise
 * the code recorded (a handshake-time warning, or information for a file nginx never opens).
 */
import { test } from 'node:test';
import { runHttpCases, type HttpCase } from './httpCases';
import { formatFinding } from './nginxHarness';

interface LoadCase extends HttpCase {
  /** The code of our finding on each missing file. */
  code: 'tls.file-not-found' | 'tls.handshake-file-not-found' | 'tls.file-not-loaded';
}

const L = 'listen 127.0.0.1:18443 ssl;';
const GOOD = 'ssl_certificate P/server.crt; ssl_certificate_key P/server.key;';
const MISSING = 'ssl_certificate missing/default.crt; ssl_certificate_key missing/default.key;';
const UPSTREAM_CA = 'proxy_ssl_trusted_certificate missing/upstream-ca.crt;';
const TLS_PASS = 'proxy_pass https://127.0.0.1:9;';

const CASES: LoadCase[] = [
  { id: 'variable-key', body: `server { ${L} ssl_certificate missing/pass.crt; ssl_certificate_key missing/$ssl_server_name.key; }`, rc: 0, code: 'tls.handshake-file-not-found' },
  { id: 'variable-second-pair', body: `server { ${L} ssl_certificate missing/first.crt; ssl_certificate_key P/server.key; ssl_certificate P/server.crt; ssl_certificate_key missing/$ssl_server_name.key; }`, rc: 0, code: 'tls.handshake-file-not-found' },
  { id: 'extra-key', body: `server { ${L} ${GOOD} ssl_certificate_key missing/extra.key; }`, rc: 0, code: 'tls.file-not-loaded' },
  { id: 'http-pair-replaced', body: `${MISSING} server { ${L} ${GOOD} } server { listen 127.0.0.1:18080; ${GOOD} }`, rc: 0, code: 'tls.file-not-loaded' },
  { id: 'http-key-replaced', body: `ssl_certificate P/server.crt; ssl_certificate_key missing/default.key; server { ${L} ssl_certificate_key P/server.key; }`, rc: 0, code: 'tls.file-not-loaded' },
  { id: 'http-pair-no-server', body: MISSING, rc: 0, code: 'tls.file-not-loaded' },
  // A server without TLS still inherits and loads the http-level pair.
  { id: 'http-pair-inherited', body: `${MISSING} server { ${L} ${GOOD} } server { listen 127.0.0.1:18080; }`, rc: 1, code: 'tls.file-not-found' },
  // An upstream CA file is read in the merge of each TLS location, with what that location inherits.
  { id: 'upstream-ca-location-verify-off', body: `server { listen 127.0.0.1:18080; proxy_ssl_verify on; ${UPSTREAM_CA} location / { ${TLS_PASS} proxy_ssl_verify off; } }`, rc: 0, code: 'tls.file-not-found' },
  { id: 'upstream-ca-http-level-inherited', body: `proxy_ssl_verify on; ${UPSTREAM_CA} server { listen 127.0.0.1:18080; location / { ${TLS_PASS} } }`, rc: 1, code: 'tls.file-not-found' },
  { id: 'upstream-ca-http-level-replaced', body: `proxy_ssl_verify on; ${UPSTREAM_CA} server { listen 127.0.0.1:18080; location / { ${TLS_PASS} proxy_ssl_trusted_certificate P/server.crt; } }`, rc: 0, code: 'tls.file-not-found' },
  { id: 'upstream-ca-verify-on-in-location', body: `server { listen 127.0.0.1:18080; ${UPSTREAM_CA} location / { ${TLS_PASS} proxy_ssl_verify ON; } }`, rc: 1, code: 'tls.file-not-found' },
  // In a stream block: each server with proxy_ssl on reads the CA file it ends up with, when it verifies.
  { id: 'stream-ca-server-verify-off', body: '', stream: `proxy_ssl on; proxy_ssl_verify on; ${UPSTREAM_CA} server { listen 127.0.0.1:18091; proxy_pass 127.0.0.1:9; proxy_ssl_verify off; }`, rc: 0, code: 'tls.file-not-found' },
  { id: 'stream-ca-inherited', body: '', stream: `${UPSTREAM_CA} server { listen 127.0.0.1:18091; proxy_pass 127.0.0.1:9; proxy_ssl on; proxy_ssl_verify on; }`, rc: 1, code: 'tls.file-not-found' },
  { id: 'stream-ca-no-tls', body: '', stream: `proxy_ssl_verify on; ${UPSTREAM_CA} server { listen 127.0.0.1:18091; proxy_pass 127.0.0.1:9; }`, rc: 0, code: 'tls.file-not-found' },
  { id: 'upstream-crl-nested-location', body: `server { listen 127.0.0.1:18080; proxy_ssl_crl missing/upstream.crl; location /a { proxy_ssl_verify on; proxy_ssl_trusted_certificate P/server.crt; location /a/b { ${TLS_PASS} } } }`, rc: 1, code: 'tls.file-not-found' },
];

test('certificate loading: missing files agree with nginx -t', { timeout: 180_000 }, (t) => runHttpCases(t, 'loads', CASES, (c, findings, prefix) => {
  const ours = findings.filter((f) => f.message.includes(`${prefix}/missing/`));
  const refuses = ours.filter((f) => f.nginxRefuses || f.severity === 'error');
  const agrees = ours.length > 0 && ours.every((f) => f.code === c.code) && (c.rc === 1 ? refuses.length > 0 : refuses.length === 0);
  return agrees ? undefined : `nginx -t exited ${c.rc}, expected ${c.code}; ours: ${ours.map(formatFinding).join(' | ') || '(none)'}`;
}));
