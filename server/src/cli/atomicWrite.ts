/**
 * Writing a fixed configuration back without ever leaving a half-written file: nginx reading
 * the folder at the wrong moment (a reload, a crash of this process, a full disk) sees the old
 * file or the new one, never a mixture.
 */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as path from 'node:path';

/** Why a file was not written; the caller says it to the user. */
export class RefusedWrite extends Error {}

/**
 * Replaces `filePath` with `text`, provided its bytes on disk are still `expected` (what the
 * fixes were computed from). The new text goes to a temporary file in the same folder
 * (created exclusively, so nothing that already exists is overwritten or followed), is
 * flushed to disk, gets the original's permission bits and is renamed over the original.
 * Symbolic links are refused rather than replaced: renaming over a link would turn it into
 * a plain file, and writing through it would change a file elsewhere, perhaps one shared by
 * other configurations.
 */
export function writeFileAtomically(filePath: string, text: string, expected: string): void {
  const st = nodeFs.lstatSync(filePath);
  if (st.isSymbolicLink()) throw new RefusedWrite('is a symbolic link; name the file it points to, to fix that file');
  if (!st.isFile()) throw new RefusedWrite('not a regular file');
  const current = nodeFs.readFileSync(filePath);
  // Also catches bytes that are not UTF-8: they were read as U+FFFD and would be lost.
  if (!current.equals(Buffer.from(expected, 'utf8'))) throw new RefusedWrite('changed while it was checked, or is not UTF-8 text');
  const temp = path.join(path.dirname(filePath), `.${path.basename(filePath)}.nginx-mtls-${randomBytes(6).toString('hex')}.tmp`);
  const fd = nodeFs.openSync(temp, 'wx', st.mode & 0o7777);
  try {
    try {
      nodeFs.writeFileSync(fd, text, 'utf8');
      // The umask may have narrowed the mode given to open.
      nodeFs.fchmodSync(fd, st.mode & 0o7777);
      nodeFs.fsyncSync(fd);
    } finally {
      nodeFs.closeSync(fd);
    }
    nodeFs.renameSync(temp, filePath);
  } catch (error) {
    nodeFs.rmSync(temp, { force: true });
    throw error;
  }
}
