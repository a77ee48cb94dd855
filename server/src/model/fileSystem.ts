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
  /**
   * Why the last readText of an existing path gave undefined, when the reason is the file
   * itself (not a regular file, or too large) rather than its absence: diagnostics say which.
   */
  refusal?(filePath: string): ReadRefusal | undefined;
  stat(filePath: string): Promise<FileStat | undefined>;
  /** Entry names of a directory, or undefined when it is not one. */
  readDirectory(dirPath: string): Promise<string[] | undefined>;
  /**
   * What readText, stat and readDirectory would answer, when the answer is at hand without
   * reading anything (an open document, a read the cache still takes as fresh); undefined
   * when only a read can tell. Optional: a file system without them is always read.
   */
  textAtHand?(filePath: string): AtHand<string | undefined>;
  statAtHand?(filePath: string): AtHand<FileStat | undefined>;
  directoryAtHand?(dirPath: string): AtHand<readonly string[] | undefined>;
}

/** An answer known without reading: `value` is what the read would give. */
export type AtHand<T> = { readonly value: T } | undefined;

/** Config files larger than this are not read (a generated config of 50 MB is not typed by hand). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** Files that exist but are not read as configuration text. */
export type ReadRefusal = 'not-regular' | 'too-large';

export type BoundedRead = { bytes: Buffer } | { refusal: ReadRefusal } | { failed: true };

/**
 * Read in pieces that start at a page and double up to READ_CHUNK_BYTES, so a file whose stat
 * lies about its size costs at most one piece past the limit. Whole powers of two: some /proc
 * files refuse reads that are not a multiple of 8 bytes.
 */
export const READ_CHUNK_BYTES = 256 * 1024;
const FIRST_PIECE_BYTES = 4096;

/**
 * The bytes of a regular file, at most `maxBytes` of them. The size from stat is only a
 * hint: files under /proc report 0 and then yield gigabytes (/proc/self/pagemap), so reading
 * stops once more than `maxBytes` bytes have actually arrived. Opened non-blocking so that a
 * path swapped for a FIFO after the stat cannot hang the read. `counter` (if given) adds up
 * the bytes read, for tests that bound the work.
 */
export function readRegularFileBounded(filePath: string, maxBytes: number, counter?: { bytesRead: number }): BoundedRead {
  let fd: number;
  let st: nodeFs.Stats;
  try {
    st = nodeFs.statSync(filePath);
    if (!st.isFile()) return { refusal: 'not-regular' };
    if (st.size > maxBytes) return { refusal: 'too-large' };
    fd = nodeFs.openSync(filePath, nodeFs.constants.O_RDONLY | (nodeFs.constants.O_NONBLOCK ?? 0));
  } catch {
    return { failed: true };
  }
  try {
    if (!nodeFs.fstatSync(fd).isFile()) return { refusal: 'not-regular' };
    const pieces: Buffer[] = [];
    let total = 0;
    let size = FIRST_PIECE_BYTES;
    while (size <= st.size && size < READ_CHUNK_BYTES) size *= 2;
    for (;; size = Math.min(size * 2, READ_CHUNK_BYTES)) {
      const piece = Buffer.allocUnsafe(size);
      const got = nodeFs.readSync(fd, piece, 0, piece.length, null);
      if (counter) counter.bytesRead += got;
      if (got === 0) break;
      total += got;
      if (total > maxBytes) return { refusal: 'too-large' };
      pieces.push(got === piece.length ? piece : piece.subarray(0, got));
    }
    return { bytes: Buffer.concat(pieces, total) };
  } catch {
    return { failed: true };
  } finally {
    nodeFs.closeSync(fd);
  }
}

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

  /** Bytes read from disk by readText so far (tests bound the work with it). */
  readonly counter = { bytesRead: 0 };
  /** Existing paths readText refused, and why (see FileSystem.refusal). */
  private readonly refusals = new Map<string, ReadRefusal>();

  async readText(filePath: string): Promise<string | undefined> {
    await this.yieldSometimes();
    this.refusals.delete(filePath);
    const st = rawStat(filePath);
    if (!st || !st.isFile() || st.size > MAX_CONFIG_BYTES) {
      this.texts.delete(filePath);
      if (st) this.refuse(filePath, st.isFile() ? 'too-large' : 'not-regular');
      return undefined;
    }
    const identity = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    const cached = this.texts.get(filePath);
    if (cached && cached.identity === identity) return cached.text;
    const read = readRegularFileBounded(filePath, MAX_CONFIG_BYTES, this.counter);
    if (!('bytes' in read)) {
      this.texts.delete(filePath);
      if ('refusal' in read) this.refuse(filePath, read.refusal);
      return undefined;
    }
    const text = read.bytes.toString('utf8');
    // A file modified within the clock's resolution of this read could change again without
    // its times moving: such a read is not remembered.
    if (Date.now() - st.mtimeMs > RECENT_WRITE_MS) this.texts.set(filePath, { identity, text });
    else this.texts.delete(filePath);
    return text;
  }

  refusal(filePath: string): ReadRefusal | undefined {
    return this.refusals.get(filePath);
  }

  private refuse(filePath: string, why: ReadRefusal): void {
    // Kept for the diagnostic that follows the read; a hostile tree cannot make it grow without end.
    if (this.refusals.size >= 1024) this.refusals.clear();
    this.refusals.set(filePath, why);
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

/**
 * `filePath` resolved to an absolute path, without the work when it already is one: the
 * checks ask about each file of a tree at every keystroke, by the absolute paths the tree
 * recorded, and `path.resolve` copied each of them (a quarter of what a keystroke on a file of
 * the bench's 100k-line tree allocated, #15). A POSIX path that starts with `/` and holds no
 * `//`, no `/.` (a `.` or `..` step, or a hidden name: those take the long way) and no `/` at
 * its end is what path.resolve would give.
 */
export function resolvedPath(filePath: string): string {
  if (path.sep === '/' && filePath.charCodeAt(0) === 47 && !filePath.includes('//') && !filePath.includes('/.')
    && (filePath.length === 1 || filePath.charCodeAt(filePath.length - 1) !== 47)) return filePath;
  return path.resolve(filePath);
}

/** Editor buffers layered over another file system: open documents win over the disk. */
export class OverlayFileSystem implements FileSystem {
  private readonly overlays = new Map<string, string>();

  constructor(private readonly base: FileSystem) {}

  setOverlay(filePath: string, text: string): void {
    this.overlays.set(resolvedPath(filePath), text);
  }

  deleteOverlay(filePath: string): void {
    this.overlays.delete(resolvedPath(filePath));
  }

  hasOverlay(filePath: string): boolean {
    return this.overlays.has(resolvedPath(filePath));
  }

  // Not async: an open document's text, or the base's own promise, without a promise of ours
  // around it (a throw still comes back as a rejection, as from an async method).
  readText(filePath: string): Promise<string | undefined> {
    const overlay = this.overlays.get(resolvedPath(filePath));
    if (overlay !== undefined) return Promise.resolve(overlay);
    try {
      return this.base.readText(filePath);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  refusal(filePath: string): ReadRefusal | undefined {
    return this.overlays.has(resolvedPath(filePath)) ? undefined : this.base.refusal?.(filePath);
  }

  stat(filePath: string): Promise<FileStat | undefined> {
    const overlay = this.overlays.get(resolvedPath(filePath));
    if (overlay !== undefined) return Promise.resolve(overlayStat(overlay));
    try {
      return this.base.stat(filePath);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  readDirectory(dirPath: string): Promise<string[] | undefined> {
    return this.base.readDirectory(dirPath);
  }

  textAtHand(filePath: string): AtHand<string | undefined> {
    const overlay = this.overlays.get(resolvedPath(filePath));
    return overlay !== undefined ? { value: overlay } : this.base.textAtHand?.(filePath);
  }

  statAtHand(filePath: string): AtHand<FileStat | undefined> {
    const overlay = this.overlays.get(resolvedPath(filePath));
    return overlay !== undefined ? { value: overlayStat(overlay) } : this.base.statAtHand?.(filePath);
  }

  directoryAtHand(dirPath: string): AtHand<readonly string[] | undefined> {
    return this.base.directoryAtHand?.(dirPath);
  }
}

/** What stat answers for an open document: a regular file of the buffer's length. */
function overlayStat(text: string): FileStat {
  return { isFile: true, isDirectory: false, size: text.length, mtimeMs: 0 };
}
