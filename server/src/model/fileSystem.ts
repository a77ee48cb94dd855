/**
 * File access for the model, behind an interface so tests and the language server can
 * overlay unsaved editor buffers, and so nothing in the model touches `fs` directly.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  mtimeMs: number;
}

export interface FileSystem {
  /** The file's text, or undefined when it cannot be read as a regular file. */
  readText(filePath: string): Promise<string | undefined>;
  stat(filePath: string): Promise<FileStat | undefined>;
  /** Entry names of a directory, or undefined when it is not one. */
  readDirectory(dirPath: string): Promise<string[] | undefined>;
}

/** Config files larger than this are not read (a generated config of 50 MB is not typed by hand). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * The real disk. The calls are synchronous inside the async interface on purpose: a config
 * tree is hundreds of small files, and one thread-pool round trip per stat/open/read/close
 * costs far more than the read itself (measured on the 201-file benchmark tree: 400 ms async, 20 ms sync).
 * So that thousands of files do not hold up the language server's other requests, the
 * event loop gets a turn after every YIELD_AFTER_MS of file access.
 */
export class NodeFileSystem implements FileSystem {
  private sliceStart = 0;
  /**
   * Texts read before, with the stat they were read under. A file whose stat (inode, size,
   * modification and change times, to the microsecond) is unchanged is not read again: on every keystroke the
   * language server checks that the other files of a large tree are still the same, and one
   * stat is much cheaper than open/read/close plus comparing the whole text.
   */
  private readonly texts = new Map<string, { identity: string; text: string }>();

  private async yieldSometimes(): Promise<void> {
    const now = performance.now();
    if (now - this.sliceStart < YIELD_AFTER_MS) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }

  async readText(filePath: string): Promise<string | undefined> {
    await this.yieldSometimes();
    const st = rawStat(filePath);
    if (!st || !st.isFile() || st.size > MAX_CONFIG_BYTES) {
      this.texts.delete(filePath);
      return undefined;
    }
    const identity = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    const cached = this.texts.get(filePath);
    if (cached && cached.identity === identity) return cached.text;
    try {
      const text = nodeFs.readFileSync(filePath).toString('utf8');
      // A file modified within the clock's resolution of this read could change again without
      // its times moving: such a read is not remembered.
      if (Date.now() - st.mtimeMs > RECENT_WRITE_MS) this.texts.set(filePath, { identity, text });
      else this.texts.delete(filePath);
      return text;
    } catch {
      this.texts.delete(filePath);
      return undefined;
    }
  }

  async stat(filePath: string): Promise<FileStat | undefined> {
    await this.yieldSometimes();
    return statSync(filePath);
  }

  async readDirectory(dirPath: string): Promise<string[] | undefined> {
    await this.yieldSometimes();
    try {
      return nodeFs.readdirSync(dirPath);
    } catch {
      return undefined;
    }
  }
}

/** Longest stretch of synchronous file access before the event loop gets a turn. */
const YIELD_AFTER_MS = 10;

/** Reads of files written more recently than this are not cached (see NodeFileSystem.texts). */
const RECENT_WRITE_MS = 2000;

function rawStat(filePath: string): nodeFs.Stats | undefined {
  try {
    return nodeFs.statSync(filePath, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function statSync(filePath: string): FileStat | undefined {
  const st = rawStat(filePath);
  return st && { isFile: st.isFile(), isDirectory: st.isDirectory(), size: st.size, mtimeMs: st.mtimeMs };
}

/** Editor buffers layered over another file system: open documents win over the disk. */
export class OverlayFileSystem implements FileSystem {
  private readonly overlays = new Map<string, string>();

  constructor(private readonly base: FileSystem) {}

  setOverlay(filePath: string, text: string): void {
    this.overlays.set(path.resolve(filePath), text);
  }

  deleteOverlay(filePath: string): void {
    this.overlays.delete(path.resolve(filePath));
  }

  hasOverlay(filePath: string): boolean {
    return this.overlays.has(path.resolve(filePath));
  }

  async readText(filePath: string): Promise<string | undefined> {
    const overlay = this.overlays.get(path.resolve(filePath));
    return overlay ?? this.base.readText(filePath);
  }

  async stat(filePath: string): Promise<FileStat | undefined> {
    const overlay = this.overlays.get(path.resolve(filePath));
    if (overlay !== undefined) return { isFile: true, isDirectory: false, size: overlay.length, mtimeMs: 0 };
    return this.base.stat(filePath);
  }

  readDirectory(dirPath: string): Promise<string[] | undefined> {
    return this.base.readDirectory(dirPath);
  }
}
