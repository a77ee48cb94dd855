/**
 * Messages that name a line of a file by its path (`inherited from "server"
 * (/etc/nginx/nginx.conf:558)`, as tlsRuleSupport.ts where() writes it) stay right after an
 * edit that adds or removes lines once that line number is moved with the text: a line before
 * the edit keeps its number, a line after it moves by the lines typed or deleted. Every
 * header-inheritance finding of the 5k-line bench file names its level's line this way, so each
 * Enter typed ran that family over the whole file again (issue #15). A text that names a line in
 * any other way (`on line 12`, a path given relative, a line the edit removed or the edit's own
 * line), or holds anything else a line number could hide in (`:443`), is not moved.
 */

/** How an edit moves the lines of its file: those after `line` (1-based, in the old text) by `delta`. */
export interface LineShift {
  line: number;
  delta: number;
}

/**
 * How the lines move when [start, oldEnd) of `before` became [start, newEnd) of `after`: those
 * after the edit's first line, by the line breaks it typed minus those it deleted (0 when it
 * typed as many as it deleted).
 */
export function lineShiftOf(before: { text: string }, after: { text: string; lines: { lineAt(offset: number): number } }, start: number, oldEnd: number, newEnd: number): LineShift {
  return { line: after.lines.lineAt(start) + 1, delta: lineBreaks(after.text, start, newEnd) - lineBreaks(before.text, start, oldEnd) };
}

/** How many line breaks text[start, end) holds. */
function lineBreaks(text: string, start: number, end: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', start); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** How a text may name a line (see commentEditReuse.ts): `line 12`, or `…:12` (a port looks alike). */
export const NAMES_A_LINE = /\bline \d|:\d/;

const escapedPaths = new Map<string, RegExp>();

/** `<file>:<line>` where no path character comes before the file's path, and no digit after the number. */
function referencesTo(file: string): RegExp {
  let pattern = escapedPaths.get(file);
  if (!pattern) {
    pattern = new RegExp(`(?<![\\w./-])${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)(?!\\d)`, 'g');
    if (escapedPaths.size >= 64) escapedPaths.clear();
    escapedPaths.set(file, pattern);
  }
  return pattern;
}

/**
 * `text` with the line numbers it gives for `file` moved by `shift`; the text itself when it
 * names no line; undefined when it names a line that cannot be moved (see above).
 */
export function withLinesMoved(text: string, file: string, shift: LineShift): string | undefined {
  if (!NAMES_A_LINE.test(text)) return text;
  let refused = false;
  const moved = text.replace(referencesTo(file), (whole, digits: string) => {
    const line = Number(digits);
    if (line < shift.line) return whole;
    // The edit's own line (a statement after the edit on it moves down), and lines it deleted.
    if (line === shift.line || (shift.delta < 0 && line <= shift.line - shift.delta)) refused = true;
    return `${file}:${line + shift.delta}`;
  });
  if (refused) return undefined;
  // Whatever else in the text looks like a line number is not known to stay right.
  const rest = moved.replace(referencesTo(file), '');
  return NAMES_A_LINE.test(rest) ? undefined : moved;
}
