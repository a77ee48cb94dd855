/**
 * Inline suppressions:
 *   # nginx-mtls-disable-next-line <code> [<code>…] [-- reason]
 *   # nginx-mtls-disable-file <code> [<code>…] [-- reason]
 * Without codes, every finding on that line (or in that file) is suppressed.
 */
import type { ParsedFile } from '../model/parsedFile';
import type { Finding } from './finding';

const DIRECTIVE = /^\s*nginx-mtls-disable-(next-line|file)\b(.*)$/;

interface Suppression {
  /** Zero-based line the suppression applies to; -1 for the whole file. */
  line: number;
  codes: Set<string>;
}

/** A parse never changes, so neither do its suppressions: read once per parse, not per analysis. */
const readByParse = new WeakMap<ParsedFile, readonly Suppression[]>();

export function readSuppressions(file: ParsedFile): readonly Suppression[] {
  let result = readByParse.get(file);
  if (!result) {
    result = scanSuppressions(file);
    readByParse.set(file, result);
  }
  return result;
}

function scanSuppressions(file: ParsedFile): Suppression[] {
  const result: Suppression[] = [];
  for (const comment of file.syntax.comments) {
    // Most comments are prose: the pattern runs only where its key word is.
    if (!comment.text.includes('nginx-mtls-disable-')) continue;
    const match = DIRECTIVE.exec(comment.text);
    if (!match) continue;
    const list = match[2].split('--')[0];
    const codes = new Set(list.split(/[\s,]+/).filter((c) => c.length > 0));
    if (match[1] === 'file') {
      result.push({ line: -1, codes });
    } else {
      const line = file.lines.lineAt(comment.start);
      // The next line that holds something other than a comment or blank space.
      let target = line + 1;
      while (target < file.lines.lineCount) {
        const start = file.lines.lineStart(target);
        const end = target + 1 < file.lines.lineCount ? file.lines.lineStart(target + 1) : file.text.length;
        const content = file.text.slice(start, end).trim();
        if (content.length > 0 && !content.startsWith('#')) break;
        target++;
      }
      result.push({ line: target, codes });
    }
  }
  return result;
}

export function isSuppressed(finding: Finding, file: ParsedFile, suppressions: readonly Suppression[]): boolean {
  if (suppressions.length === 0) return false;
  const line = file.lines.lineAt(finding.start);
  return suppressions.some((s) => (s.line === -1 || s.line === line) && (s.codes.size === 0 || s.codes.has(finding.code)));
}
