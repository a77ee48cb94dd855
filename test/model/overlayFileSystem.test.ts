/**
 * The editor's open documents laid over the disk (model/fileSystem.ts, OverlayFileSystem): keyed
 * by absolute path, with `resolvedPath` skipping path.resolve for a path that is already what it
 * would give (the checks ask about every file of a tree at each keystroke).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { OverlayFileSystem, resolvedPath, type FileSystem } from '../../server/src/model/fileSystem';
import { mulberry32 } from '../differential/nginxHarness';

/** A small deterministic generator (the same paths every run). */
function* pathsFrom(seed: number, count: number): Generator<string> {
  const pieces = ['/', '/', '/', 'a', 'etc', 'nginx', '.', '..', '.hidden', 'x.conf', '\0', ' ', '~', 'é', '\\'];
  const next = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    let p = '';
    const length = 1 + (i % 9);
    for (let k = 0; k < length; k++) p += pieces[Math.floor(next() * pieces.length)];
    yield p;
  }
}

describe('resolvedPath', { skip: path.sep !== '/' ? 'POSIX paths' : false }, () => {
  it('gives what path.resolve gives, for 20,000 made-up paths and the edge cases', () => {
    const edges = ['/', '//', '/a/', '/a//b', '/a/./b', '/a/../b', '/a/.', '/a/..', '/.hidden/x', '/a/b', '/\0unsaved/1', 'a', '', '.', '..', './a', '/a b/c'];
    let fast = 0;
    for (const p of [...edges, ...pathsFrom(7, 20_000)]) {
      assert.equal(resolvedPath(p), path.resolve(p), JSON.stringify(p));
      if (resolvedPath(p) === p) fast++;
    }
    assert.ok(fast > 1000, `${fast} paths were already resolved`);
  });
});

describe('OverlayFileSystem', () => {
  const throwing: FileSystem = {
    readText: () => { throw new Error('read failed'); },
    stat: () => { throw new Error('stat failed'); },
    readDirectory: async () => undefined,
  };

  it('answers an open document by any spelling of its path, and the disk for the rest', async () => {
    const disk: FileSystem = { readText: async (p) => `disk ${p}`, stat: async () => undefined, readDirectory: async () => undefined };
    const files = new OverlayFileSystem(disk);
    files.setOverlay('/etc/nginx/./nginx.conf', 'open');
    assert.equal(await files.readText('/etc/nginx/nginx.conf'), 'open');
    assert.equal(await files.readText('/etc//nginx/nginx.conf'), 'open');
    assert.deepEqual(await files.stat('/etc/nginx/nginx.conf'), { isFile: true, isDirectory: false, size: 4, mtimeMs: 0 });
    assert.equal(await files.readText('/etc/nginx/other.conf'), 'disk /etc/nginx/other.conf');
    files.deleteOverlay('/etc/nginx/nginx.conf');
    assert.equal(await files.readText('/etc/nginx/nginx.conf'), 'disk /etc/nginx/nginx.conf');
  });

  it('turns a file system that throws into a rejected promise, as an async method would', async () => {
    const files = new OverlayFileSystem(throwing);
    const read = files.readText('/etc/nginx/nginx.conf');
    const stat = files.stat('/etc/nginx/nginx.conf');
    await assert.rejects(read, /read failed/);
    await assert.rejects(stat, /stat failed/);
  });
});
