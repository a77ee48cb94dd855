/**
 * The `ignore` globs of the project file, the `nginxMtls.ignore` setting and `--ignore`:
 * files that are neither checked nor reported. Written like .gitignore lines, relative to a
 * base folder (the project file's folder, the workspace folder, the working directory):
 *   `legacy.conf`      (no slash) that name in any folder below the base
 *   `conf.d/old-*.conf`  (a slash) anchored at the base
 *   `vendor/`, `vendor`  a folder: everything below it
 *   `**`, `*`, `?`, `[…]`, `{a,b}`  as in VS Code's globs; `*` stays within one folder
 * Each glob is made absolute once (`toAbsoluteIgnoreGlob`), so that globs from different
 * bases can be merged into one list and matched against absolute file paths.
 */
import * as path from 'node:path';
import { bracketClass } from '../model/glob';

export function toAbsoluteIgnoreGlob(base: string, glob: string): string {
  let pattern = glob.trim().replace(/\\/g, '/');
  if (path.posix.isAbsolute(pattern)) return pattern;
  if (pattern.startsWith('./')) pattern = pattern.slice(2);
  const folderOnly = pattern.endsWith('/');
  if (folderOnly) pattern = pattern.replace(/\/+$/, '');
  // Like .gitignore: a name without a slash matches at any depth.
  if (!pattern.includes('/')) pattern = `**/${pattern}`;
  return path.posix.join(base.replace(/\\/g, '/'), pattern);
}

/** True when every "{" has its "}" (an unbalanced brace is taken literally). */
function balancedBraces(glob: string): boolean {
  let depth = 0;
  for (const c of glob) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/** A VS Code-style glob (`**`, `*`, `?`, `[…]`, `{a,b}`) as an anchored RegExp over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  const alternatives = balancedBraces(glob);
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith('**/', i)) { re += '(?:.*/)?'; i += 2; }
    else if (glob.startsWith('**', i)) { re += '.*'; i += 1; }
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{' && alternatives) { re += '(?:'; braces++; }
    else if (c === '}' && braces > 0) { re += ')'; braces--; }
    else if (c === ',' && braces > 0) re += '|';
    else if (c === '[') {
      const bracket = bracketClass(glob, i);
      re += bracket.source;
      i = bracket.close;
    } else re += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`);
  } catch {
    // A class such as [z-a] is not a valid expression: the glob then matches itself literally.
    return new RegExp(`^${glob.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')}$`);
  }
}

/** Compiled once per settings change; a file is ignored when it or a folder above it matches. */
export class IgnoreMatcher {
  private readonly patterns: RegExp[];

  constructor(absoluteGlobs: readonly string[]) {
    this.patterns = absoluteGlobs.map(globToRegExp);
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  ignores(filePath: string): boolean {
    if (this.patterns.length === 0) return false;
    let candidate = path.resolve(filePath).replace(/\\/g, '/');
    for (;;) {
      if (this.patterns.some((re) => re.test(candidate))) return true;
      const parent = path.posix.dirname(candidate);
      if (parent === candidate) return false;
      candidate = parent;
    }
  }
}
