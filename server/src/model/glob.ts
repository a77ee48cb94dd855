/**
 * Expansion of `include` masks the way nginx does it with glob(3) (ngx_open_glob):
 * `*`, `?` and `[…]` within one path segment, results sorted, no match is not an error.
 */
import * as path from 'node:path';
import type { FileSystem } from './fileSystem';

export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * The RegExp source of a `[…]` class starting at `open` (`[!…]` negates, as in glob(3)) and
 * the index of its `]`; an unclosed `[` is a literal bracket.
 */
export function bracketClass(pattern: string, open: number): { source: string; close: number } {
  const close = pattern.indexOf(']', open + 2);
  if (close < 0) return { source: '\\[', close: open };
  let cls = pattern.slice(open + 1, close);
  if (cls.startsWith('!')) cls = '^' + cls.slice(1);
  return { source: '[' + cls.replace(/\\/g, '\\\\') + ']', close };
}

function segmentRegExp(segment: string): RegExp {
  let re = '^';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const bracket = bracketClass(segment, i);
      re += bracket.source;
      i = bracket.close;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

/**
 * Paths matching an absolute glob pattern, sorted like glob(3), at most `limit` of them.
 * Hidden files match only when the segment itself starts with a dot, as in glob(3).
 */
export async function expandGlob(fs: FileSystem, pattern: string, limit = 10000): Promise<string[]> {
  const root = path.parse(pattern).root;
  const segments = pattern.slice(root.length).split('/').filter((s) => s.length > 0);
  let current = [root];
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    const last = index === segments.length - 1;
    const next: string[] = [];
    if (!hasGlob(segment)) {
      for (const base of current) next.push(path.join(base, segment));
    } else {
      const re = segmentRegExp(segment);
      for (const base of current) {
        const names = await fs.readDirectory(base);
        if (!names) continue;
        for (const name of names.sort()) {
          if (name.startsWith('.') && !segment.startsWith('.')) continue;
          if (re.test(name)) next.push(path.join(base, name));
          if (next.length >= limit) break;
        }
      }
    }
    current = next;
    if (!last && current.length === 0) break;
  }
  const files: string[] = [];
  for (const candidate of current) {
    const st = await fs.stat(candidate);
    // glob(3) returns FIFOs and devices too, and nginx then opens them: kept, so the include
    // reports them (see FileSystem.refusal). Directories are left out (not reported yet).
    if (st && !st.isDirectory) files.push(candidate);
    if (files.length >= limit) break;
  }
  return files.sort();
}
