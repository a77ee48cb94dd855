/**
 * Files the product writes (convert-to-PEM, the test PKI writers) never overwrite an
 * existing file, appear atomically (a failed write leaves neither the target nor a
 * temporary file behind), and private keys get mode 0600 whatever the umask.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generatePki, pkiFiles, writePki } from '../../server/src/pki/testPkiGenerator';
import { convertToPem, writeNewFileAtomically } from '../../server/src/service/convertToPem';
import { generateTestPki, TEST_PKI_FILE_NAMES } from '../../server/src/service/generateTestPki';

const pki = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:00:00Z') });

/** Runs `work` with fs.promises.open patched so that writes to files in `dir` fail halfway. */
async function withFailingAsyncWrites<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const realOpen = fs.promises.open;
  fs.promises.open = (async (file: fs.PathLike, ...rest: unknown[]) => {
    const handle = await (realOpen as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(file, ...rest);
    if (path.dirname(String(file)) === dir) {
      handle.writeFile = (async (data: string | Uint8Array) => {
        const bytes = Buffer.from(data);
        await handle.write(bytes.subarray(0, bytes.length >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }) as typeof handle.writeFile;
    }
    return handle;
  }) as typeof fs.promises.open;
  try {
    return await work();
  } finally {
    fs.promises.open = realOpen;
  }
}

/** Runs `work` with fs.writeFileSync failing halfway for file descriptors (writePki writes through fds). */
function withFailingSyncWrites<T>(work: () => T): T {
  // The module object itself: `import * as` gives a read-only namespace view of it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeFs = require('node:fs') as { writeFileSync: unknown };
  const real = fs.writeFileSync;
  nodeFs.writeFileSync = (file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (typeof file === 'number') {
      const bytes = Buffer.from(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      fs.writeSync(file, bytes.subarray(0, bytes.length >> 1));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return (real as (...a: unknown[]) => void)(file, data, ...rest);
  };
  try {
    return work();
  } finally {
    nodeFs.writeFileSync = real;
  }
}

const mode = (file: string): number => fs.statSync(file).mode & 0o777;
const temporaries = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp') || n.startsWith('.'));

describe('files the product writes', () => {
  let root: string;
  let counter = 0;
  const freshDir = (): string => {
    const d = path.join(root, `d${counter++}`);
    fs.mkdirSync(d);
    return d;
  };

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-writes-'));
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('convert to PEM never overwrites: an existing name.pem makes it pick name-2.pem, untouched', async () => {
    const dir = freshDir();
    const source = path.join(dir, 'client.der');
    fs.writeFileSync(source, createPrivateKey(pki.client.key.pem).export({ type: 'pkcs8', format: 'der' }));
    fs.writeFileSync(path.join(dir, 'client.pem'), 'precious\n');
    const result = await convertToPem(source);
    assert.equal(result.written, path.join(dir, 'client-2.pem'));
    assert.equal(fs.readFileSync(path.join(dir, 'client.pem'), 'utf8'), 'precious\n');
    assert.match(fs.readFileSync(result.written, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(mode(result.written), 0o600, 'a converted private key is 0600');
    assert.deepEqual(temporaries(dir), []);
  });

  it('convert to PEM of a certificate: a new file, no temporaries', async () => {
    const dir = freshDir();
    const source = path.join(dir, 'server.der');
    fs.writeFileSync(source, new X509Certificate(pki.server.pem).raw);
    const result = await convertToPem(source);
    assert.equal(result.kind, 'certificate');
    assert.equal(new X509Certificate(fs.readFileSync(result.written)).fingerprint256, new X509Certificate(pki.server.pem).fingerprint256);
    assert.deepEqual(temporaries(dir), []);
  });

  it('writeNewFileAtomically refuses an existing target and leaves it as it was', async () => {
    const dir = freshDir();
    const target = path.join(dir, 'key.pem');
    fs.writeFileSync(target, 'precious\n');
    await assert.rejects(writeNewFileAtomically(target, pki.server.key.pem, 0o600), /EEXIST/);
    assert.equal(fs.readFileSync(target, 'utf8'), 'precious\n');
    assert.deepEqual(temporaries(dir), []);
  });

  it('a write that fails halfway leaves no target and no temporary file (convert to PEM)', async () => {
    const dir = freshDir();
    const source = path.join(dir, 'client.der');
    fs.writeFileSync(source, createPrivateKey(pki.client.key.pem).export({ type: 'pkcs8', format: 'der' }));
    await withFailingAsyncWrites(dir, () => assert.rejects(convertToPem(source), /ENOSPC/));
    assert.deepEqual(fs.readdirSync(dir), ['client.der'], 'a partial file was left behind');
  });

  it('writePki refuses to overwrite anything, and writes nothing when one file exists', () => {
    const dir = freshDir();
    fs.writeFileSync(path.join(dir, 'server.key'), 'precious\n');
    assert.throws(() => writePki(dir, pki), /refusing to overwrite/);
    assert.deepEqual(fs.readdirSync(dir), ['server.key']);
    assert.equal(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), 'precious\n');
    const skipped = writePki(dir, pki, { skipExisting: true });
    assert.deepEqual(skipped.skipped, ['server.key']);
    assert.equal(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), 'precious\n');
  });

  it('writePki gives keys 0600 and the rest 0644 even with umask 000, without temporaries', () => {
    const dir = freshDir();
    const previous = process.umask(0o000);
    try {
      writePki(dir, pki);
    } finally {
      process.umask(previous);
    }
    for (const f of pkiFiles(pki)) assert.equal(mode(path.join(dir, f.name)), f.private ? 0o600 : 0o644, f.name);
    assert.deepEqual(temporaries(dir), []);
  });

  it('a writePki write that fails halfway leaves no target and no temporary file', () => {
    const dir = freshDir();
    assert.throws(() => withFailingSyncWrites(() => writePki(dir, pki)), /ENOSPC/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('the "generate test PKI" command refuses an occupied folder and writes keys 0600', async () => {
    const dir = freshDir();
    fs.writeFileSync(path.join(dir, TEST_PKI_FILE_NAMES.clientKey), 'precious\n');
    const request = { folder: dir, caName: 'Test CA', serverHost: 'a.example.com', clientName: 'client', keyType: 'ec' as const, now: new Date('2025-06-01T00:00:00Z') };
    await assert.rejects(generateTestPki(request), /refusing to overwrite/);
    assert.deepEqual(fs.readdirSync(dir), [TEST_PKI_FILE_NAMES.clientKey]);
    const other = freshDir();
    const result = await generateTestPki({ ...request, folder: other });
    for (const file of result.written) assert.equal(mode(file), /\.key$/.test(file) ? 0o600 : 0o644, file);
    assert.deepEqual(temporaries(other), []);
  });
});
