/**
 * The disk as the editor's language service reads it: what was read from a path within the last
 * `freshForMs` is answered again without going to the disk. At every keystroke the service makes
 * sure that each file of the tree is still what it was; on a file of the bench's 100k-line tree
 * the stats of its 200 files and certificates were 45% of a keystroke's time (#15). The editor
 * reports files changed on disk (workspace/didChangeWatchedFiles), and each report forgets what
 * was read (`forget`); without such reports (an editor that watches no files) a change on disk is
 * seen by the first check that comes `freshForMs` after it. The command line reads the disk as it
 * is each time (it checks once).
 */
import type { AtHand, FileStat, FileSystem, ReadRefusal } from './fileSystem';

/** How long what was read from the disk is taken as still true, in the editor's language service. */
export const DISK_FRESH_MS = 1000;

interface Recent<T> {
  at: number;
  value: T;
}

export class RecentDiskReads implements FileSystem {
  private readonly texts = new Map<string, Recent<string | undefined>>();
  private readonly stats = new Map<string, Recent<FileStat | undefined>>();
  private readonly directories = new Map<string, Recent<string[] | undefined>>();

  constructor(private readonly disk: FileSystem, private readonly freshForMs = DISK_FRESH_MS, private readonly clock: () => number = () => performance.now()) {}

  readText(filePath: string): Promise<string | undefined> {
    return this.recent(this.texts, filePath, () => this.disk.readText(filePath));
  }

  refusal(filePath: string): ReadRefusal | undefined {
    return this.disk.refusal?.(filePath);
  }

  stat(filePath: string): Promise<FileStat | undefined> {
    return this.recent(this.stats, filePath, () => this.disk.stat(filePath));
  }

  /** A copy each time: callers may keep or sort what they get. */
  async readDirectory(dirPath: string): Promise<string[] | undefined> {
    const names = await this.recent(this.directories, dirPath, () => this.disk.readDirectory(dirPath));
    return names && [...names];
  }

  textAtHand(filePath: string): AtHand<string | undefined> {
    return this.fresh(this.texts, filePath);
  }

  statAtHand(filePath: string): AtHand<FileStat | undefined> {
    return this.fresh(this.stats, filePath);
  }

  directoryAtHand(dirPath: string): AtHand<readonly string[] | undefined> {
    return this.fresh(this.directories, dirPath);
  }

  /** Forgets what was read of `filePath` (and of its folder's listing), or of every path. */
  forget(filePath?: string): void {
    if (filePath === undefined) {
      this.texts.clear();
      this.stats.clear();
      this.directories.clear();
      return;
    }
    this.texts.delete(filePath);
    this.stats.delete(filePath);
    // A file created or deleted changes its folder's listing (include globs read it).
    this.directories.clear();
  }

  /** Not async: a fresh answer costs one resolved promise (the checks ask about every file of a tree at each keystroke). */
  private recent<T>(cache: Map<string, Recent<T>>, key: string, read: () => Promise<T>): Promise<T> {
    const known = this.fresh(cache, key);
    if (known) return Promise.resolve(known.value);
    return this.readAndRemember(cache, key, this.clock(), read);
  }

  /** The remembered read of `key` while it is fresh (the record itself: nothing is made). */
  private fresh<T>(cache: Map<string, Recent<T>>, key: string): Recent<T> | undefined {
    const known = cache.get(key);
    return known && this.clock() - known.at < this.freshForMs ? known : undefined;
  }

  private async readAndRemember<T>(cache: Map<string, Recent<T>>, key: string, now: number, read: () => Promise<T>): Promise<T> {
    const value = await read();
    // Bounded: paths come from what users write (a glob over a huge folder, a path typed letter by letter).
    if (cache.size >= 20000) cache.clear();
    cache.set(key, { at: now, value });
    return value;
  }
}
