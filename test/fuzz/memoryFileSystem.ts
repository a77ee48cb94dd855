/**
 * An in-memory FileSystem for the model (server/src/model/fileSystem.ts): files by absolute
 * path, directories implied by the paths. Optional hooks let hostile tests make a read fail
 * or a directory listing explode without touching the disk.
 */
import * as path from 'node:path';
import type { FileStat, FileSystem, ReadRefusal } from '../../server/src/model/fileSystem';

export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, string>();
  /** Counts every call, so tests can bound the work done (linear, not exploding). */
  calls = 0;
  /** Called before a read; return an Error to make that read fail as if the file vanished. */
  failRead?: (filePath: string) => boolean;

  /** Paths that exist but are refused like NodeFileSystem refuses them: a FIFO or device, or a /proc file past the limit. */
  private readonly specials = new Map<string, ReadRefusal>();

  constructor(files: Record<string, string> = {}, specials: Record<string, ReadRefusal> = {}) {
    for (const [p, text] of Object.entries(files)) this.write(p, text);
    for (const [p, why] of Object.entries(specials)) this.specials.set(path.resolve(p), why);
  }

  refusal(filePath: string): ReadRefusal | undefined {
    return this.specials.get(path.resolve(filePath));
  }

  write(filePath: string, text: string): void {
    this.files.set(path.resolve(filePath), text);
  }

  delete(filePath: string): void {
    this.files.delete(path.resolve(filePath));
  }

  async readText(filePath: string): Promise<string | undefined> {
    this.calls++;
    const key = path.resolve(filePath);
    if (this.failRead?.(key)) return undefined;
    return this.files.get(key);
  }

  async stat(filePath: string): Promise<FileStat | undefined> {
    this.calls++;
    const key = path.resolve(filePath);
    const special = this.specials.get(key);
    if (special) return { isFile: special === 'too-large', isDirectory: false, size: 0, mtimeMs: 0 };
    const text = this.files.get(key);
    if (text !== undefined) return { isFile: true, isDirectory: false, size: text.length, mtimeMs: 0 };
    if (this.isDirectory(key)) return { isFile: false, isDirectory: true, size: 0, mtimeMs: 0 };
    return undefined;
  }

  async readDirectory(dirPath: string): Promise<string[] | undefined> {
    this.calls++;
    const key = path.resolve(dirPath);
    if (!this.isDirectory(key)) return undefined;
    const prefix = key === '/' ? '/' : key + '/';
    const names = new Set<string>();
    for (const p of this.files.keys()) {
      if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]);
    }
    return [...names];
  }

  private isDirectory(key: string): boolean {
    const prefix = key === '/' ? '/' : key + '/';
    for (const p of this.files.keys()) if (p.startsWith(prefix)) return true;
    return false;
  }
}
