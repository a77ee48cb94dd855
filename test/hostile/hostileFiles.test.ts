/**
 * Certificate paths that point at hostile files: each is checked through WorkspaceAnalysis
 * (every rule family) and through hover, in process, with an event-loop probe; and through
 * the language server's hover over stdio. Each must give a clear diagnostic (or be skipped
 * with a reason) with bounded work, counted (test/workCount.ts), never timed: no more bytes
 * read than the inspection limit, no more certificates parsed than the parse limit, no key
 * decryption whose KDF is too costly, and work linear in the depth of nested ASN.1.
 *
 * The tests run as root in CI, where mode 000 does not stop a read: "no read permission"
 * and "disappears between stat and read" are made by patching fs.promises.open in this
 * process (the inspector opens files through it), and said so in the test names.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import forge from 'node-forge';
import { DEFAULT_MAX_BYTES, MAX_CERTIFICATES_PARSED } from '../../server/src/certificates/certificateInspector';
import { generatePki } from '../../server/src/pki/testPkiGenerator';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { LspTestClient } from '../lsp/lspClient';
import { assertLinearAt, countWork, type WorkCount } from '../workCount';

const NOW = new Date('2025-06-01T00:00:00Z');
const pki = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:00:00Z'), serverSans: ['DNS:a.example.com'] });

/** A nested SEQUENCE `depth` levels deep, written outside-in with precomputed lengths. */
export function nestedAsn1(depth: number): Buffer {
  const lengthBytes = (n: number): number[] => {
    if (n < 0x80) return [n];
    const out: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
    return [0x80 | out.length, ...out];
  };
  const contentSizes: number[] = new Array(depth + 1);
  contentSizes[depth] = 0;
  for (let level = depth - 1; level >= 0; level--) contentSizes[level] = 1 + lengthBytes(contentSizes[level + 1]).length + contentSizes[level + 1];
  const bytes: number[] = [];
  for (let level = 0; level < depth; level++) bytes.push(0x30, ...lengthBytes(contentSizes[level + 1]));
  return Buffer.from(bytes);
}

/** An encrypted PKCS#8 key (PBES2/PBKDF2) whose iteration count is rewritten to `iterations`. */
export function hugeIterationKey(passphrase: string, iterations: number): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
  const der = forge.util.decode64(pem.replace(/-----[^-]+-----|\s/g, ''));
  const asn1 = forge.asn1.fromDer(der);
  // EncryptedPrivateKeyInfo { AlgorithmIdentifier { PBES2, { kdf { PBKDF2, { salt, iterations, … } }, cipher } }, data }
  const algorithm = (asn1.value as forge.asn1.Asn1[])[0];
  const pbes2Params = (algorithm.value as forge.asn1.Asn1[])[1];
  const kdf = (pbes2Params.value as forge.asn1.Asn1[])[0];
  const kdfParams = (kdf.value as forge.asn1.Asn1[])[1];
  const count = (kdfParams.value as forge.asn1.Asn1[])[1];
  count.value = forge.asn1.integerToDer(iterations).getBytes();
  const body = forge.util.encode64(forge.asn1.toDer(asn1).getBytes(), 64);
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${body}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
}

/** Seeded pseudo-random bytes (xorshift), so the garbage is the same on every run. */
function garbage(length: number, seed = 12345): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

interface HostileCase {
  name: string;
  /** The directive and path written in the config. */
  directive: string;
  target: string;
  /** What the diagnostic (or hover) must say. */
  reason: RegExp;
  /** Extra statements in the server block. */
  extra?: string;
  /** Installs an fs-level fault for this case; returns the undo. */
  fault?: () => () => void;
  /** False for a valid file (no diagnostic expected, only bounded blocking). */
  diagnostic?: boolean;
}

describe('hostile certificate files', () => {
  let dir: string;
  const cases: HostileCase[] = [];
  const configs = new Map<string, { file: string; text: string; line: number; character: number }>();

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-hostile-'));
    const certs = path.join(dir, 'certs');
    fs.mkdirSync(path.join(certs, 'adir'), { recursive: true });
    fs.writeFileSync(path.join(certs, 'good.key'), pki.server.key.pem, { mode: 0o600 });
    fs.writeFileSync(path.join(certs, 'good.crt'), pki.server.pem);
    execFileSync('mkfifo', [path.join(certs, 'fifo.crt')]);
    fs.writeFileSync(path.join(certs, 'sparse.crt'), '');
    fs.truncateSync(path.join(certs, 'sparse.crt'), 2 * 1024 ** 3);
    fs.symlinkSync(path.join(certs, 'loop-b.crt'), path.join(certs, 'loop-a.crt'));
    fs.symlinkSync(path.join(certs, 'loop-a.crt'), path.join(certs, 'loop-b.crt'));
    fs.writeFileSync(path.join(certs, 'noread.crt'), pki.server.pem, { mode: 0o000 });
    fs.writeFileSync(path.join(certs, 'vanishing.crt'), pki.server.pem);
    fs.writeFileSync(path.join(certs, 'garbage.crt'), garbage(64 * 1024));
    fs.writeFileSync(path.join(certs, 'bundle-10k.pem'), pki.ca.pem.repeat(10_000));
    // Just under the 1 MiB inspection limit: every certificate up to the parse limit is parsed.
    fs.writeFileSync(path.join(certs, 'bundle-1mib.pem'), pki.ca.pem.repeat(Math.floor((1024 * 1024 - 1) / pki.ca.pem.length)));
    const nested = nestedAsn1(100_000);
    fs.writeFileSync(path.join(certs, 'nested.der'), nested);
    fs.writeFileSync(path.join(certs, 'nested.pem'), `-----BEGIN CERTIFICATE-----\n${nested.subarray(0, 600_000).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
    fs.writeFileSync(path.join(certs, 'pbkdf2.key'), hugeIterationKey('correct horse', 2 ** 31 - 1), { mode: 0o600 });
    fs.writeFileSync(path.join(certs, 'pass.txt'), 'correct horse\n', { mode: 0o600 });

    const at = (name: string): string => path.join(certs, name);
    const realOpen = fs.promises.open;
    const failOpen = (file: string, make: () => NodeJS.ErrnoException, before?: () => void) => () => {
      fs.promises.open = (async (p: fs.PathLike, ...rest: unknown[]) => {
        if (String(p) === file) {
          before?.();
          throw make();
        }
        return (realOpen as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(p, ...rest);
      }) as typeof fs.promises.open;
      return () => { fs.promises.open = realOpen; };
    };
    const errno = (code: string, message: string) => (): NodeJS.ErrnoException => Object.assign(new Error(message), { code });
    cases.push(
      { name: 'a directory', directive: 'ssl_certificate', target: at('adir'), reason: /directory/i },
      { name: 'a FIFO', directive: 'ssl_certificate', target: at('fifo.crt'), reason: /FIFO|named pipe|not a regular file/i },
      { name: '/dev/zero', directive: 'ssl_certificate', target: '/dev/zero', reason: /character device|not a regular file/i },
      { name: 'a 2 GB sparse file', directive: 'ssl_certificate', target: at('sparse.crt'), reason: /limit|too large/i },
      { name: 'a symlink loop', directive: 'ssl_certificate', target: at('loop-a.crt'), reason: /symbolic link|symlink|ELOOP/i },
      {
        name: 'a file without read permission (EACCES from a patched fs.promises.open: root reads mode 000)',
        directive: 'ssl_certificate', target: at('noread.crt'), reason: /permission denied/i,
        fault: failOpen(at('noread.crt'), errno('EACCES', 'EACCES: permission denied')),
      },
      {
        name: 'a file that disappears between stat and read (unlinked by a patched fs.promises.open)',
        directive: 'ssl_certificate', target: at('vanishing.crt'), reason: /disappeared|not found|does not exist/i,
        fault: failOpen(at('vanishing.crt'), errno('ENOENT', 'ENOENT: no such file or directory'), () => fs.rmSync(at('vanishing.crt'), { force: true })),
      },
      { name: 'binary garbage', directive: 'ssl_certificate', target: at('garbage.crt'), reason: /not PEM|DER|binary|no PEM/i },
      { name: 'a PEM with 10,000 certificates', directive: 'ssl_client_certificate', target: at('bundle-10k.pem'), reason: /limit|too large/i, extra: 'ssl_verify_client on;' },
      {
        name: 'a 1 MiB PEM bundle (1,300+ certificates, parsed up to the 200 limit)', directive: 'ssl_client_certificate', target: at('bundle-1mib.pem'), reason: /200|certificates/i, extra: 'ssl_verify_client on;', diagnostic: false,
      },
      { name: 'deeply nested ASN.1 (DER)', directive: 'ssl_certificate', target: at('nested.der'), reason: /not PEM|DER|ASN|structure|certificate/i },
      { name: 'deeply nested ASN.1 (PEM)', directive: 'ssl_certificate', target: at('nested.pem'), reason: /pars|ASN|DER|certificate/i },
      {
        name: 'an encrypted key with a PBKDF2 iteration count of 2^31-1', directive: 'ssl_certificate_key', target: at('pbkdf2.key'), reason: /iteration/i,
        extra: `ssl_password_file ${at('pass.txt')};`,
      },
    );
    for (const c of cases) {
      const certificate = c.directive === 'ssl_certificate' ? c.target : at('good.crt');
      const key = c.directive === 'ssl_certificate_key' ? c.target : at('good.key');
      const hostileLine = c.directive === 'ssl_certificate_key' ? `    ssl_certificate_key ${key};` : c.directive === 'ssl_certificate' ? `    ssl_certificate ${certificate};` : `    ${c.directive} ${c.target};`;
      const lines = [
        'server {',
        '    listen 443 ssl;',
        '    server_name a.example.com;',
        c.directive === 'ssl_certificate' ? hostileLine : `    ssl_certificate ${certificate};`,
        c.directive === 'ssl_certificate_key' ? hostileLine : `    ssl_certificate_key ${key};`,
        ...(c.directive !== 'ssl_certificate' && c.directive !== 'ssl_certificate_key' ? [hostileLine] : []),
        ...(c.extra ? [`    ${c.extra}`] : []),
        '}',
        '',
      ];
      const line = lines.indexOf(hostileLine);
      const file = path.join(dir, `case-${configs.size}.conf`);
      const text = `# nginx-mtls-context: http\n${lines.join('\n')}`;
      fs.writeFileSync(file, text);
      configs.set(c.name, { file, text, line: line + 1, character: hostileLine.indexOf(c.target) + 2 });
    }
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('builds every hostile file', () => {
    assert.equal(cases.length, 13);
    assert.equal(fs.statSync(path.join(dir, 'certs', 'sparse.crt')).size, 2 * 1024 ** 3);
  });

  /** Analyses the config in a fresh service (every rule family) and hovers on the hostile path. */
  async function analyzeAndHover(config: { file: string; line: number; character: number }) {
    const service = new NginxLanguageService({ now: () => NOW });
    service.configure({});
    const analysis = await service.analysis.analyzeStandalone(config.file);
    const hover = await service.hover(config.file, { line: config.line, character: config.character });
    return { analysis, hover };
  }

  /**
   * What a blocked event loop stood for: the hostile file is read at most up to the inspection
   * limit (plus the small config and good certificate and key), at most the parse limit of
   * certificates is parsed (the analysis and the hover may each parse them), and no key is
   * decrypted whose KDF was refused.
   */
  function assertBoundedWork(work: WorkCount, decryptions: number): void {
    const detail = JSON.stringify(work);
    assert.ok(work.bytesRead <= DEFAULT_MAX_BYTES + 1 + 64 * 1024, detail);
    assert.ok(work.certificatesParsed <= 2 * (MAX_CERTIFICATES_PARSED + 1), detail);
    assert.ok(work.keyDecryptions <= decryptions, detail);
  }

  // The case names, in the order `before` fills `cases` (tests are declared before it runs).
  const names = [
    'a directory', 'a FIFO', '/dev/zero', 'a 2 GB sparse file', 'a symlink loop',
    'a file without read permission (EACCES from a patched fs.promises.open: root reads mode 000)',
    'a file that disappears between stat and read (unlinked by a patched fs.promises.open)',
    'binary garbage', 'a PEM with 10,000 certificates', 'a 1 MiB PEM bundle (1,300+ certificates, parsed up to the 200 limit)',
    'deeply nested ASN.1 (DER)', 'deeply nested ASN.1 (PEM)', 'an encrypted key with a PBKDF2 iteration count of 2^31-1',
  ];
  for (const name of names) {
    it(`${name}: a clear diagnostic and hover, with bounded work`, async () => {
      const c = cases.find((x) => x.name === name);
      assert.ok(c, `no case named ${name}`);
      const config = configs.get(name)!;
      if (name.includes('disappears')) fs.writeFileSync(path.join(dir, 'certs', 'vanishing.crt'), pki.server.pem);
      const undo = c.fault?.();
      try {
        const { result, work } = await countWork(() => analyzeAndHover(config));
        assert.ok(result.analysis, 'the config was not analysed');
        assert.deepEqual(result.analysis.failures, []);
        const onLine = result.analysis.findings.filter((f) => result.analysis!.file.lines.positionAt(f.start).line === config.line);
        const messages = onLine.map((f) => `${f.code}: ${f.message}`).join('\n');
        if (c.diagnostic !== false) {
          assert.ok(onLine.length > 0, `no diagnostic on the hostile path; all findings: ${result.analysis.findings.map((f) => f.code).join(', ')}`);
          assert.match(messages, c.reason);
        }
        const hoverText = result.hover && typeof result.hover.contents === 'object' && 'value' in result.hover.contents ? result.hover.contents.value : '';
        assert.match(hoverText, c.reason, 'the hover does not say what is wrong');
        // A refused KDF is never run; an ordinary key needs no passphrase.
        assertBoundedWork(work, 0);
      } finally {
        undo?.();
      }
    });
  }

  it('deeply nested ASN.1 at 25,000, 50,000 and 100,000 levels: work in proportion (the depth limit cuts it off)', async () => {
    const key = path.join(dir, 'certs', 'good.key');
    await assertLinearAt('nested ASN.1', 25_000, async (depth) => {
      const target = path.join(dir, 'certs', `nested-${depth}.der`);
      fs.writeFileSync(target, nestedAsn1(depth));
      const hostileLine = `    ssl_certificate ${target};`;
      const file = path.join(dir, `nested-${depth}.conf`);
      fs.writeFileSync(file, ['# nginx-mtls-context: http', 'server {', '    listen 443 ssl;', hostileLine, `    ssl_certificate_key ${key};`, '}', ''].join('\n'));
      const { analysis } = await analyzeAndHover({ file, line: 3, character: hostileLine.indexOf(target) + 2 });
      assert.ok(analysis?.findings.some((f) => analysis.file.lines.positionAt(f.start).line === 3), `no diagnostic at depth ${depth}`);
    });
  });

  it('the language server answers hover on every hostile path over stdio', { timeout: 60_000 }, async () => {
    const client = new LspTestClient();
    try {
      await client.initialize(dir);
      for (const c of cases) {
        if (c.fault) continue; // faults are injected in this process only
        const config = configs.get(c.name)!;
        const uri = 'file://' + config.file;
        client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: config.text } });
        const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: config.line, character: config.character } });
        assert.ok(hover, `no hover for ${c.name}`);
        assert.match(hover.contents.value, c.reason, c.name);
        const diagnostics = await client.waitForDiagnostics(uri, 1);
        if (c.diagnostic !== false) assert.ok(diagnostics.some((d) => (d.range as { start: { line: number } }).start.line === config.line), `no diagnostic for ${c.name}`);
      }
    } finally {
      await client.shutdown();
    }
  });
});
