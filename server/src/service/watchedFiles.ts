/**
 * Which files a client should watch for the server (workspace/didChangeWatchedFiles): nginx
 * configs and TLS files anywhere in the workspace by name, and the exact files the last
 * checks read (certificates, keys, CRLs, DH parameters, password files, included configs),
 * which may lie outside the workspace: /etc/letsencrypt/live/…, /etc/ssl/…. A certificate
 * renewed on disk is then checked again in any editor, not only in VS Code.
 */
import * as path from 'node:path';
import type { FileSystemWatcher } from 'vscode-languageserver-protocol';
import { isInside } from '../model/knownLocations';
import { PROJECT_FILE_NAME } from '../project/projectKeys';

/** Extensions of nginx configs and of the files TLS directives name. */
const WATCHED_EXTENSIONS = ['conf', 'crt', 'pem', 'key', 'der', 'p12', 'pfx', 'csr', 'cer', 'crl', 'pass'];
/** Config files without one of those extensions. */
const WATCHED_NAMES = ['nginx.conf', 'mime.types', '*.nginx', '*.nginxconf'];
/** Debian's folders of extension-less site files. */
const SITE_FOLDERS = ['sites-available', 'sites-enabled'];

/** Workspace-relative globs (the client resolves them against each workspace folder). */
export const WATCHED_FILE_GLOBS = [
  `**/*.{${WATCHED_EXTENSIONS.join(',')}}`,
  `**/{${WATCHED_NAMES.join(',')}}`,
  `**/{${SITE_FOLDERS.join(',')}}/*`,
  // The project file: the server reads it again and checks everything again.
  `**/${PROJECT_FILE_NAME}`,
];

/** At most this many exact files are watched; real configurations name a few dozen. */
export const MAX_WATCHED_PATHS = 2000;

/** True when one of WATCHED_FILE_GLOBS already covers `filePath` (a file inside a workspace folder). */
export function coveredByGlobs(filePath: string): boolean {
  const name = path.basename(filePath);
  const extension = path.extname(name).slice(1);
  return WATCHED_EXTENSIONS.includes(extension)
    || name === 'nginx.conf' || name === 'mime.types' || extension === 'nginx' || extension === 'nginxconf'
    || SITE_FOLDERS.includes(path.basename(path.dirname(filePath)));
}

/** A glob that matches `text` literally: the glob syntax characters are put in brackets. */
export function literalGlob(text: string): string {
  return text.replace(/[*?[\]{}]/g, (c) => `[${c}]`);
}

/**
 * The watchers to register: the globs, and each exact file that they do not already cover
 * (outside the workspace folders, or named otherwise). With `relativePatternSupport` a file
 * is watched as its folder plus its name, which clients watch however far from the workspace
 * it lies; without it, as an absolute path.
 */
export function watchersFor(paths: Iterable<string>, workspaceFolders: readonly string[], relativePatternSupport: boolean, toUri: (p: string) => string): FileSystemWatcher[] {
  const watchers: FileSystemWatcher[] = WATCHED_FILE_GLOBS.map((globPattern) => ({ globPattern }));
  const exact = [...new Set(paths)]
    // Unsaved documents live under a path with a NUL byte (see languageService): nothing to watch there.
    .filter((p) => path.isAbsolute(p) && !p.includes('\0') && !(coveredByGlobs(p) && workspaceFolders.some((f) => isInside(p, f))))
    .sort()
    .slice(0, MAX_WATCHED_PATHS);
  for (const p of exact) {
    watchers.push({
      globPattern: relativePatternSupport
        ? { baseUri: toUri(path.dirname(p)), pattern: literalGlob(path.basename(p)) }
        : literalGlob(p),
    });
  }
  return watchers;
}

/** The most recently added paths, at most `limit` of them (the oldest go first). */
export class RecentPaths {
  private readonly paths = new Set<string>();
  constructor(private readonly limit: number) {}

  add(filePath: string): void {
    this.paths.delete(filePath);
    this.paths.add(filePath);
    if (this.paths.size > this.limit) this.paths.delete(this.paths.values().next().value as string);
  }

  list(): string[] {
    return [...this.paths];
  }
}
