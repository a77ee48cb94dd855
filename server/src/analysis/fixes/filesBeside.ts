/**
 * Files in the folder of a file the configuration names, for fixes that fill in a partner file
 * (the key of a certificate, the CA that issued it). Bounded, so that a folder of thousands of
 * files is not read through on each analysis.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAX_CANDIDATES = 64;

/** Absolute paths of the files beside `resolved` whose names match `pattern`, sorted. */
export function filesBeside(resolved: string, pattern: RegExp): string[] {
  try {
    const dir = path.dirname(resolved);
    return fs.readdirSync(dir).filter((n) => pattern.test(n)).sort().slice(0, MAX_CANDIDATES).map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/** `found` written the way `written` is: in the same folder as written, so a relative path stays relative. */
export function writtenBeside(written: string, found: string): string {
  const folder = written.includes('/') ? written.slice(0, written.lastIndexOf('/') + 1) : '';
  return folder + path.basename(found);
}
