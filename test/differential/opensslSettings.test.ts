/**
 * What nginx learns from OpenSSL, against the real `nginx -t` (1.22.1, OpenSSL 3 on Debian 12):
 * cipher strings, ssl_ecdh_curve groups, DH parameters, the stapling warnings and inline
 * (data:) certificates and keys. Each case records nginx -t's exit status and a piece of
 * nginx's own wording; the wording must appear in nginx's output and in our finding of the
 * recorded code, with the recorded severity. `none` cases must get no finding of the code at
 * error or warning level.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { dhParametersPem } from '../../server/src/pki/testPkiGenerator';
import { runHttpCases, type HttpCase } from './httpCases';
import { expandPki, formatFinding, withoutPem } from './nginxHarness';

interface OpensslCase extends HttpCase {
  code: string;
  /** Our finding: the severity it must have, or `none` (nothing above information). */
  ours: 'error' | 'warning' | 'information' | 'none';
  /** A piece of nginx's output (P/ is the PKI folder) that our message must quote too. */
  wording?: string;
  /** When our message quotes a different piece (nginx echoes inline key text, we never do). */
  ourWording?: string;
}

const L = 'listen 127.0.0.1:18443 ssl;';
const CERT = 'ssl_certificate P/server.crt; ssl_certificate_key P/server.key;';
const TLS = `${L} ${CERT}`;

/** A PEM file as an nginx quoted `data:` value (nginx turns \n back into newlines). */
function inline(pki: string, name: string): string {
  return `"data:${fs.readFileSync(path.join(pki, name), 'utf8').replace(/\n/g, '\\n')}"`;
}

function cases(pki: string): OpensslCase[] {
  fs.writeFileSync(path.join(pki, 'dh-768.pem'), dhParametersPem('modp1'));
  fs.writeFileSync(path.join(pki, 'dh-1024.pem'), dhParametersPem('modp2'));
  fs.writeFileSync(path.join(pki, 'dh-2048.pem'), dhParametersPem('modp14'));
  fs.writeFileSync(path.join(pki, 'cert-then-dh.pem'), fs.readFileSync(path.join(pki, 'server.crt'), 'utf8') + dhParametersPem('modp14'));
  const proxy = (scheme: string, ciphers: string): string => `server { listen 127.0.0.1:18080; location / { proxy_pass ${scheme}://127.0.0.1:9; proxy_ssl_ciphers ${ciphers}; } }`;
  return [
    { id: 'cipher-none', body: `server { ${TLS} ssl_ciphers NOPE-CIPHER; }`, rc: 1, code: 'tls.cipher-list-no-match', ours: 'error', wording: 'SSL_CTX_set_cipher_list("NOPE-CIPHER") failed (SSL: error:0A0000B9:SSL routines::no cipher match)' },
    { id: 'cipher-negated-all', body: `server { ${TLS} ssl_ciphers '!ALL'; }`, rc: 1, code: 'tls.cipher-list-no-match', ours: 'error', wording: 'SSL_CTX_set_cipher_list("!ALL") failed (SSL: error:0A0000B9:SSL routines::no cipher match)' },
    { id: 'cipher-partly-unknown', body: `server { ${TLS} ssl_ciphers 'HIGH:!aNULL:FOO'; }`, rc: 0, code: 'tls.cipher-list-no-match', ours: 'none' },
    // Blanks and commas separate entries too; a TLS 1.3 name beside a keyword does not fail the list.
    { id: 'cipher-blank-separated', body: `server { ${TLS} ssl_ciphers 'TLS_AES_128_GCM_SHA256 HIGH'; }`, rc: 0, code: 'tls.cipher-list-no-match', ours: 'none' },
    { id: 'cipher-comma-separated', body: `server { ${TLS} ssl_ciphers 'TLS_AES_128_GCM_SHA256,NOPE'; }`, rc: 1, code: 'tls.cipher-list-no-match', ours: 'error', wording: 'SSL_CTX_set_cipher_list("TLS_AES_128_GCM_SHA256,NOPE") failed (SSL: error:0A0000B9:SSL routines::no cipher match)' },
    { id: 'cipher-reject-handshake', body: `server { ${L} ssl_reject_handshake on; ssl_ciphers NOPE; }`, rc: 1, code: 'tls.cipher-list-no-match', ours: 'error', wording: 'SSL_CTX_set_cipher_list("NOPE") failed' },
    { id: 'cipher-server-without-cert', body: 'server { listen 127.0.0.1:18080; ssl_ciphers NOPE; }', rc: 0, code: 'tls.cipher-list-no-match', ours: 'information' },
    { id: 'cipher-proxy-tls13-only', body: proxy('https', 'TLS_AES_128_GCM_SHA256'), rc: 1, code: 'tls.cipher-list-no-match', ours: 'error', wording: 'SSL_CTX_set_cipher_list("TLS_AES_128_GCM_SHA256") failed (SSL: error:0A0000B9:SSL routines::no cipher match)' },
    { id: 'cipher-proxy-mixed', body: proxy('https', 'EECDH+AESGCM:TLS_AES_256_GCM_SHA384'), rc: 0, code: 'tls.cipher-list-no-match', ours: 'none' },
    { id: 'cipher-proxy-plain', body: proxy('http', 'NOPE'), rc: 0, code: 'tls.cipher-list-no-match', ours: 'information' },
    { id: 'cipher-grpcs', body: 'server { listen 127.0.0.1:18080; location / { grpc_pass grpcs://127.0.0.1:9; grpc_ssl_ciphers NOPE; } }', rc: 1, code: 'tls.cipher-list-no-match', ours: 'error', wording: 'SSL_CTX_set_cipher_list("NOPE") failed' },
    { id: 'curve-unknown', body: `server { ${TLS} ssl_ecdh_curve X25519:nocurve; }`, rc: 1, code: 'tls.ecdh-curve-unknown', ours: 'error', wording: `SSL_CTX_set1_curves_list("X25519:nocurve") failed (SSL: error:0A080106:SSL routines::passed invalid argument:group 'nocurve' cannot be set)` },
    { id: 'curve-upper-case-auto', body: `server { ${TLS} ssl_ecdh_curve AUTO; }`, rc: 1, code: 'tls.ecdh-curve-unknown', ours: 'error', wording: `group 'AUTO' cannot be set` },
    { id: 'curve-trailing-colon', body: `server { ${TLS} ssl_ecdh_curve 'prime256v1:'; }`, rc: 1, code: 'tls.ecdh-curve-unknown', ours: 'error', wording: 'SSL_CTX_set1_curves_list("prime256v1:") failed' },
    { id: 'curve-known', body: `server { ${TLS} ssl_ecdh_curve X25519:P-256:X448:ffdhe2048; }`, rc: 0, code: 'tls.ecdh-curve-unknown', ours: 'none' },
    { id: 'curve-auto', body: `server { ${TLS} ssl_ecdh_curve auto; }`, rc: 0, code: 'tls.ecdh-curve-unknown', ours: 'none' },
    { id: 'dh-not-dh', body: `server { ${TLS} ssl_dhparam P/server.crt; }`, rc: 1, code: 'tls.dhparam-unusable', ours: 'error', wording: 'PEM_read_bio_DHparams("P/server.crt") failed (SSL: error:0480006C:PEM routines::no start line:Expecting: DH PARAMETERS)' },
    { id: 'dh-768', body: `server { ${TLS} ssl_dhparam P/dh-768.pem; }`, rc: 1, code: 'tls.dhparam-unusable', ours: 'error', wording: 'SSL_CTX_set_tmp_dh("P/dh-768.pem") failed (SSL: error:0A00018A:SSL routines::dh key too small)' },
    // Refused here (Debian runs OpenSSL at security level 2); accepted at level 1: a warning.
    { id: 'dh-1024', body: `server { ${TLS} ssl_dhparam P/dh-1024.pem; }`, rc: 1, code: 'tls.dhparam-unusable', ours: 'warning', wording: 'SSL_CTX_set_tmp_dh("P/dh-1024.pem") failed (SSL: error:0A00018A:SSL routines::dh key too small)' },
    { id: 'dh-1024-level-1', body: `server { ${TLS} ssl_ciphers 'DEFAULT:@SECLEVEL=1'; ssl_dhparam P/dh-1024.pem; }`, rc: 0, code: 'tls.dhparam-unusable', ours: 'none' },
    { id: 'dh-2048', body: `server { ${TLS} ssl_dhparam P/dh-2048.pem; }`, rc: 0, code: 'tls.dhparam-unusable', ours: 'none' },
    { id: 'dh-after-certificate', body: `server { ${TLS} ssl_dhparam P/cert-then-dh.pem; }`, rc: 0, code: 'tls.dhparam-unusable', ours: 'none' },
    { id: 'dh-server-without-cert', body: 'server { listen 127.0.0.1:18080; ssl_dhparam P/server.crt; }', rc: 0, code: 'tls.dhparam-unusable', ours: 'information' },
    { id: 'stapling-no-issuer', body: `server { ${TLS} ssl_stapling on; }`, rc: 0, code: 'tls.stapling-ignored', ours: 'warning', wording: '"ssl_stapling" ignored, issuer certificate not found for certificate "P/server.crt"' },
    { id: 'stapling-no-ocsp-url', body: `server { ${TLS} ssl_stapling on; ssl_trusted_certificate P/ca.crt; }`, rc: 0, code: 'tls.stapling-ignored', ours: 'warning', wording: '"ssl_stapling" ignored, no OCSP responder URL in the certificate "P/server.crt"' },
    { id: 'stapling-responder', body: `server { ${TLS} ssl_stapling on; ssl_trusted_certificate P/ca.crt; ssl_stapling_responder http://127.0.0.1:9/; }`, rc: 0, code: 'tls.stapling-ignored', ours: 'none' },
    { id: 'stapling-chain-in-file', body: `server { ${L} ssl_certificate P/leaf.chain.pem; ssl_certificate_key P/leaf.key; ssl_stapling on; }`, rc: 0, code: 'tls.stapling-ignored', ours: 'warning', wording: '"ssl_stapling" ignored, no OCSP responder URL in the certificate "P/leaf.chain.pem"' },
    // nginx 1.22.1 has no "http2" directive: the listen parameter is the way, and nothing warns.
    { id: 'listen-http2-1.22', body: `server { listen 127.0.0.1:18443 ssl http2; ${CERT} }`, rc: 0, code: 'tls.listen-http2-deprecated', ours: 'none' },
    { id: 'inline-garbage', body: `server { ${L} ssl_certificate "data:-----BEGIN CERTIFICATE-----\\nnot base64\\n-----END CERTIFICATE-----"; ssl_certificate_key P/server.key; }`, rc: 1, code: 'tls.not-pem', ours: 'error', wording: 'PEM_read_bio_X509_AUX() failed', ourWording: 'cannot load certificate "data:…": PEM_read_bio_X509_AUX() failed' },
    { id: 'inline-key-mismatch', body: `server { ${L} ssl_certificate ${inline(pki, 'server.crt')}; ssl_certificate_key ${inline(pki, 'other.key')}; }`, rc: 1, code: 'tls.key-mismatch', ours: 'error', wording: 'SSL_CTX_use_PrivateKey("data:-----BEGIN PRIVATE KEY-----', ourWording: 'SSL_CTX_use_PrivateKey("data:…") failed' },
    { id: 'inline-pair', body: `server { ${L} ssl_certificate ${inline(pki, 'server.crt')}; ssl_certificate_key ${inline(pki, 'server.key')}; }`, rc: 0, code: 'tls.key-mismatch', ours: 'none' },
  ];
}

test('OpenSSL-level refusals and warnings agree with nginx -t', { timeout: 300_000 }, async (t) => {
  let pkiDir = '';
  await runHttpCases(t, 'openssl', (pki) => {
    pkiDir = pki;
    return cases(pki);
  }, (c, findings, _prefix, stderr) => {
    const ours = findings.filter((f) => f.code === c.code);
    const shown = ours.map(formatFinding).join(' | ') || '(none)';
    if (c.ours === 'none') {
      return ours.some((f) => f.severity === 'error' || f.severity === 'warning') ? `expected no ${c.code} finding; ours: ${shown}` : undefined;
    }
    const wording = c.wording === undefined ? undefined : expandPki(c.wording, pkiDir);
    if (wording && !stderr.includes(wording)) return `nginx's output lacks the recorded wording ${JSON.stringify(wording)}: ${withoutPem(stderr).trim()}`;
    const quoted = c.ourWording === undefined ? wording : expandPki(c.ourWording, pkiDir);
    const match = ours.find((f) => f.severity === c.ours && (!quoted || f.message.includes(quoted)));
    return match ? undefined : `expected a ${c.ours} ${c.code} quoting ${JSON.stringify(quoted ?? '')}; ours: ${shown}`;
  });
});
