/**
 * Paths that are not ordinary files: a FIFO (opening one blocks, so the test never opens it),
 * /proc files (stat says 0 bytes, reading yields gigabytes), symlinks and empty files. Reads
 * are bounded by the bytes actually read and special files are refused with a diagnostic at
 * the directive; the assertions count bytes read, never time.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_CONFIG_BYTES, NodeFileSystem, READ_CHUNK_BYTES, readRegularFileBounded } from '../../server/src/model/fileSystem';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';

const PAGEMAP = '/proc/self/pagemap';
const hasPagemap = fs.existsSync(PAGEMAP);

/** Made before the tests are declared, so that a system without mkfifo skips them with a reason. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-special-'));
const fifo = makeFifo(path.join(dir, 'pipe.conf'));

function makeFifo(file: string): string | undefined {
  try {
    execFileSync('mkfifo', [file]);
    return file;
  } catch {
    return undefined;
  }
}

describe('special files are refused or read within a bound', () => {
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function treeOf(mainText: string): Promise<{ problems: { code: string; message: string; line: number }[]; bytesRead: number; mainBytes: number }> {
    const main = path.join(dir, `main-${Math.random().toString(36).slice(2)}.conf`);
    fs.writeFileSync(main, mainText);
    const nodeFs = new NodeFileSystem();
    const analysis = new WorkspaceAnalysis({ fs: nodeFs });
    const tree = await analysis.buildTree(main);
    const parsed = await analysis.getParsed(main);
    const problems = tree.problems.map((p) => ({ code: p.code, message: p.message, line: parsed!.lines.positionAt(p.start).line }));
    return { problems, bytesRead: nodeFs.counter.bytesRead, mainBytes: Buffer.byteLength(mainText) };
  }

  it('include /proc/self/pagemap (stat size 0): reading stops past the 16 MiB limit, reported as too large', { skip: hasPagemap ? false : 'no /proc/self/pagemap on this system' }, async () => {
    const { problems, bytesRead } = await treeOf(`events {}\nhttp {\n    include ${PAGEMAP};\n}\n`);
    assert.deepEqual(problems.map((p) => [p.code, p.line]), [['nginx.include-not-read', 2]], JSON.stringify(problems));
    assert.match(problems[0].message, /too large.*16 MiB/);
    // The main file plus at most one piece past the limit of the /proc file.
    assert.ok(bytesRead <= MAX_CONFIG_BYTES + READ_CHUNK_BYTES + 1024, `${bytesRead} bytes read`);
  });

  it('a password-file sized read of /proc/self/pagemap stops at its own bound', { skip: hasPagemap ? false : 'no /proc/self/pagemap on this system' }, () => {
    const counter = { bytesRead: 0 };
    const read = readRegularFileBounded(PAGEMAP, 64 * 1024, counter);
    assert.deepEqual(read, { refusal: 'too-large' });
    assert.ok(counter.bytesRead > 64 * 1024 && counter.bytesRead <= 64 * 1024 + READ_CHUNK_BYTES, `${counter.bytesRead} bytes read`);
  });

  it('include of a FIFO: refused without opening it, reported as not a regular file', { skip: fifo ? false : 'mkfifo is not available' }, async () => {
    const { problems, bytesRead, mainBytes } = await treeOf(`events {}\nhttp {\n    include ${fifo};\n    include ${path.join(dir, 'pipe*.conf')};\n}\n`);
    const notRead = problems.filter((p) => p.code === 'nginx.include-not-read');
    // Once named, once through a mask.
    assert.deepEqual(notRead.map((p) => p.line), [2, 3], JSON.stringify(problems));
    for (const p of notRead) assert.match(p.message, /not a regular file/);
    assert.ok(!problems.some((p) => p.code === 'nginx.include-not-found'), JSON.stringify(problems));
    // Only the main file's own bytes (read twice at most: a file just written is not cached): the FIFO was never read.
    assert.ok(bytesRead <= 2 * mainBytes, `${bytesRead} bytes read`);
  });

  it('a FIFO as a certificate: a diagnostic at ssl_certificate saying it is not a regular file', { skip: fifo ? false : 'mkfifo is not available' }, async () => {
    const main = path.join(dir, 'tls.conf');
    fs.writeFileSync(main, `events {}\nhttp {\n    server {\n        listen 443 ssl;\n        ssl_certificate ${fifo};\n        ssl_certificate_key ${fifo};\n    }\n}\n`);
    const analysis = new WorkspaceAnalysis({ fs: new NodeFileSystem() });
    const result = (await analysis.analyzeFiles([main], [main])).get(main)!;
    const onFifo = result.findings.filter((f) => /not a regular file/.test(f.message));
    assert.equal(onFifo.length, 2, JSON.stringify(result.findings.map((f) => [f.code, f.message])));
    assert.deepEqual(onFifo.map((f) => result.file.lines.positionAt(f.start).line), [4, 5]);
  });

  it('false-positive guard: an empty file and a symlink to a regular file are read as usual', async () => {
    fs.writeFileSync(path.join(dir, 'empty.inc'), '');
    fs.writeFileSync(path.join(dir, 'real.inc'), 'map $host $x { default 1; }\n');
    fs.symlinkSync(path.join(dir, 'real.inc'), path.join(dir, 'link.inc'));
    const { problems } = await treeOf(`events {}\nhttp {\n    include ${path.join(dir, 'empty.inc')};\n    include ${path.join(dir, 'link.inc')};\n}\n`);
    assert.deepEqual(problems, []);
  });
});
