/**
 * When nginx opens certificate and key files, against the real `nginx -t`: each case names a
 * missing file (`missing/…`, relative to the conf prefix) where nginx opens it at startup, per
 * handshake, or never. nginx -t must exit as recorded here, and our finding on the missing
 * file must agree: an error in nginx's wording exactly when nginx -t refuses it, otherwise
 * the code recorded (a handshake-time warning, or information for a file nginx never opens).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkMain, formatFinding, makeTempDir, makeWorkspace, nginxAvailable, removeDir, runNginxTest, startIsolation, stopIsolation, writeHttpCase } from './nginxHarness';
import { generateTranscriptPki, opensslAvailable } from './opensslPki';

interface LoadCase {
  id: string;
  /** The http block's body; P/ stands for the PKI directory. */
  body: string;
  rc: 0 | 1;
  /** The code of our finding on each missing file. */
  code: 'tls.file-not-found' | 'tls.handshake-file-not-found' | 'tls.file-not-loaded';
}

const L = 'listen 127.0.0.1:18443 ssl;';
const GOOD = 'ssl_certificate P/server.crt; ssl_certificate_key P/server.key;';
const MISSING = 'ssl_certificate missing/default.crt; ssl_certificate_key missing/default.key;';

const CASES: LoadCase[] = [
  { id: 'variable-key', body: `server { ${L} ssl_certificate missing/pass.crt; ssl_certificate_key missing/$ssl_server_name.key; }`, rc: 0, code: 'tls.handshake-file-not-found' },
  { id: 'variable-second-pair', body: `server { ${L} ssl_certificate missing/first.crt; ssl_certificate_key P/server.key; ssl_certificate P/server.crt; ssl_certificate_key missing/$ssl_server_name.key; }`, rc: 0, code: 'tls.handshake-file-not-found' },
  { id: 'extra-key', body: `server { ${L} ${GOOD} ssl_certificate_key missing/extra.key; }`, rc: 0, code: 'tls.file-not-loaded' },
  { id: 'http-pair-replaced', body: `${MISSING} server { ${L} ${GOOD} } server { listen 127.0.0.1:18080; ${GOOD} }`, rc: 0, code: 'tls.file-not-loaded' },
  { id: 'http-key-replaced', body: `ssl_certificate P/server.crt; ssl_certificate_key missing/default.key; server { ${L} ssl_certificate_key P/server.key; }`, rc: 0, code: 'tls.file-not-loaded' },
  { id: 'http-pair-no-server', body: MISSING, rc: 0, code: 'tls.file-not-loaded' },
  // A server without TLS still inherits and loads the http-level pair.
  { id: 'http-pair-inherited', body: `${MISSING} server { ${L} ${GOOD} } server { listen 127.0.0.1:18080; }`, rc: 1, code: 'tls.file-not-found' },
];

test('certificate loading: missing files agree with nginx -t', { timeout: 180_000 }, async (t) => {
  if (!nginxAvailable() || !opensslAvailable()) {
    t.skip('nginx or openssl is not installed');
    return;
  }
  const root = makeTempDir('loads');
  await startIsolation();
  try {
    const pki = generateTranscriptPki(path.join(root, 'pki'));
    const problems: string[] = [];
    for (const c of CASES) {
      const { prefix, conf } = writeHttpCase(root, c.id, c.body, pki);
      const run = await runNginxTest(prefix, conf, false);
      if (run.status !== c.rc) {
        problems.push(`${c.id}: nginx -t exited ${run.status}, recorded ${c.rc}: ${run.stderr.trim()}`);
        continue;
      }
      const ours = (await checkMain(makeWorkspace('1.22.1'), conf)).filter((f) => f.message.includes(`${prefix}/missing/`));
      const shown = ours.map(formatFinding).join(' | ') || '(none)';
      const refuses = ours.filter((f) => f.nginxRefuses || f.severity === 'error');
      const agrees = ours.length > 0 && ours.every((f) => f.code === c.code) && (c.rc === 1 ? refuses.length > 0 : refuses.length === 0);
      if (!agrees) problems.push(`${c.id}: nginx -t exited ${c.rc}, expected ${c.code}; ours: ${shown}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    stopIsolation();
    removeDir(root);
  }
});
