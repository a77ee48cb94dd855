/**
 * The editor's view of the disk (model/recentDiskReads.ts): what was read within the last
 * second is answered again without a read, a change the editor reports is read at once, and
 * anything older than the window is read again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverlayFileSystem, type FileStat, type FileSystem } from '../../server/src/model/fileSystem';
import { RecentDiskReads } from '../../server/src/model/recentDiskReads';
import { nodesNamed } from '../../server/src/model/treeIndexes';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';

/** A disk held in maps, counting the reads that reach it. */
class CountingDisk implements FileSystem {
  readonly files = new Map<string, string>();
  readonly folders = new Map<string, string[]>();
  reads = 0;
  async readText(filePath: string): Promise<string | undefined> {
    this.reads++;
    return this.files.get(filePath);
  }
  async stat(filePath: string): Promise<FileStat | undefined> {
    this.reads++;
    const text = this.files.get(filePath);
    return text === undefined ? undefined : { isFile: true, isDirectory: false, size: text.length, mtimeMs: 0 };
  }
  async readDirectory(dirPath: string): Promise<string[] | undefined> {
    this.reads++;
    return this.folders.get(dirPath);
  }
}

function setup(): { disk: CountingDisk; recent: RecentDiskReads; advance: (ms: number) => void } {
  const disk = new CountingDisk();
  let now = 1000;
  const recent = new RecentDiskReads(disk, 1000, () => now);
  return { disk, recent, advance: (ms) => { now += ms; } };
}

describe('recent disk reads', () => {
  it('answers a read within the window from the last one, and reads again after it', async () => {
    const { disk, recent, advance } = setup();
    disk.files.set('/a.conf', 'one');
    assert.equal(await recent.readText('/a.conf'), 'one');
    disk.files.set('/a.conf', 'two');
    advance(999);
    assert.equal(await recent.readText('/a.conf'), 'one', 'within the window: not read again');
    assert.equal(disk.reads, 1);
    advance(1);
    assert.equal(await recent.readText('/a.conf'), 'two');
    assert.equal(disk.reads, 2);
  });

  it('remembers absent files and stats too, each path on its own', async () => {
    const { disk, recent } = setup();
    assert.equal(await recent.stat('/missing.crt'), undefined);
    assert.equal(await recent.readText('/missing.conf'), undefined);
    disk.files.set('/missing.crt', 'x');
    assert.equal(await recent.stat('/missing.crt'), undefined);
    assert.equal((await recent.stat('/other.crt')), undefined);
    assert.equal(disk.reads, 3);
  });

  it('reads at once what the editor says changed: one path, or every path', async () => {
    const { disk, recent } = setup();
    disk.files.set('/a.conf', 'one');
    disk.files.set('/b.conf', 'one');
    await recent.readText('/a.conf');
    await recent.readText('/b.conf');
    disk.files.set('/a.conf', 'two');
    disk.files.set('/b.conf', 'two');
    recent.forget('/a.conf');
    assert.equal(await recent.readText('/a.conf'), 'two');
    assert.equal(await recent.readText('/b.conf'), 'one');
    recent.forget();
    assert.equal(await recent.readText('/b.conf'), 'two');
  });

  it('lists a folder again once a file in it changed (include globs read listings), and hands out copies', async () => {
    const { disk, recent } = setup();
    disk.folders.set('/conf.d', ['a.conf']);
    const first = await recent.readDirectory('/conf.d');
    first?.push('changed by the caller');
    assert.deepEqual(await recent.readDirectory('/conf.d'), ['a.conf']);
    disk.folders.set('/conf.d', ['a.conf', 'b.conf']);
    recent.forget('/conf.d/b.conf');
    assert.deepEqual(await recent.readDirectory('/conf.d'), ['a.conf', 'b.conf']);
  });

  it('has at hand what a read would answer, without reading, only while it is fresh', async () => {
    const { disk, recent, advance } = setup();
    disk.files.set('/a.conf', 'one');
    disk.folders.set('/conf.d', ['a.conf']);
    assert.equal(recent.textAtHand('/a.conf'), undefined, 'never read: only a read can tell');
    await recent.readText('/a.conf');
    await recent.stat('/missing.crt');
    await recent.readDirectory('/conf.d');
    const reads = disk.reads;
    assert.deepEqual(recent.textAtHand('/a.conf')?.value, 'one');
    assert.ok(recent.statAtHand('/missing.crt') !== undefined, 'a missing file is an answer too');
    assert.equal(recent.statAtHand('/missing.crt')?.value, undefined);
    assert.deepEqual(recent.directoryAtHand('/conf.d')?.value, ['a.conf']);
    assert.equal(disk.reads, reads, 'nothing read');
    advance(1000);
    assert.equal(recent.textAtHand('/a.conf'), undefined, 'past the window');
    assert.equal(recent.statAtHand('/missing.crt'), undefined);
    await recent.readText('/a.conf');
    recent.forget('/a.conf');
    assert.equal(recent.textAtHand('/a.conf'), undefined, 'forgotten');
    const overlay = new OverlayFileSystem(recent);
    overlay.setOverlay('/a.conf', 'typed');
    assert.equal(overlay.textAtHand('/a.conf')?.value, 'typed', 'an open document');
    assert.equal(overlay.statAtHand('/a.conf')?.value?.isFile, true);
    assert.equal(overlay.textAtHand('/b.conf'), undefined);
  });

  it('lets a cached tree see an included file changed on disk once the window has passed, and an open document at once', async () => {
    const { disk, recent, advance } = setup();
    disk.files.set('/etc/nginx/nginx.conf', 'events {}\nhttp {\n    include /etc/nginx/site.conf;\n}\n');
    disk.files.set('/etc/nginx/site.conf', 'server { listen 443 ssl; }\n');
    const overlay = new OverlayFileSystem(recent);
    const analysis = new WorkspaceAnalysis({ fs: overlay });
    const listen = async (): Promise<string | undefined> => {
      const tree = await analysis.buildTree('/etc/nginx/nginx.conf');
      return nodesNamed(tree.nodes, 'listen')[0]?.directive.args[0]?.value;
    };
    assert.equal(await listen(), '443');
    disk.files.set('/etc/nginx/site.conf', 'server { listen 8443 ssl; }\n');
    advance(500);
    assert.equal(await listen(), '443', 'within the window the disk is taken as read');
    advance(600);
    assert.equal(await listen(), '8443', 'after it, the change is seen');
    overlay.setOverlay('/etc/nginx/site.conf', 'server { listen 9443 ssl; }\n');
    assert.equal(await listen(), '9443', 'an open document wins at once');
  });
});
