/**
 * Where the project file is found, for the command line: in the folder of each checked path
 * and upward, stopping at the first folder that has `.git` (the repository root: a project
 * file above a repository belongs to something else) or at the root of the file system.
 * Reads the disk directly; the language server reads the file at each workspace folder root.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseProjectConfig, unusableProjectFile, type ProjectFileResult } from './projectConfig';
import { PROJECT_FILE_NAME } from './projectKeys';

/** A project file is a few hundred bytes; anything this large is not one. */
export const MAX_PROJECT_FILE_BYTES = 1024 * 1024;

function exists(p: string): 'file' | 'other' | undefined {
  try {
    return statSync(p).isFile() ? 'file' : 'other';
  } catch {
    return undefined;
  }
}

/** The nearest project file from `folder` upward, within the repository that holds it. */
export function findProjectFile(folder: string): string | undefined {
  let current = path.resolve(folder);
  for (;;) {
    const candidate = path.join(current, PROJECT_FILE_NAME);
    if (exists(candidate) === 'file') return candidate;
    // A worktree or submodule has a .git file rather than a folder: both mark the root.
    if (exists(path.join(current, '.git'))) return undefined;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Reads and parses a project file; a file that cannot be read comes back as a problem. */
export function readProjectFile(filePath: string): ProjectFileResult {
  const resolved = path.resolve(filePath);
  const unreadable = (message: string): ProjectFileResult => unusableProjectFile(resolved, message);
  let size: number;
  try {
    const st = statSync(resolved);
    if (!st.isFile()) return unreadable('not a regular file');
    size = st.size;
  } catch (error) {
    return unreadable((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (size > MAX_PROJECT_FILE_BYTES) return unreadable(`larger than ${MAX_PROJECT_FILE_BYTES / 1024} KiB; not a ${PROJECT_FILE_NAME}`);
  try {
    return parseProjectConfig(readFileSync(resolved, 'utf8'), resolved);
  } catch (error) {
    return unreadable(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
