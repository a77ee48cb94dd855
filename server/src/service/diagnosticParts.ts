/**
 * A file's diagnostics as the UTF-8 JSON of each, remembered across checks, and joined into the
 * array the protocol sends (see encodedDiagnostics.ts).
 *
 * A finding is never changed once made, and the checks that keep findings across an edit
 * (comment and argument edits, commentEditReuse.ts; analysis/analyzer.ts resolves a kept finding
 * to the same object) keep the very object only when none of its offsets moved: it lies before
 * the edit, whose lines and columns the edit leaves alone. So the same object in the same file
 * has the same JSON, unless a related location points into another file that was read again
 * since; that is checked. A new object (moved past the edit, or found again by a family that ran
 * again) gets the bytes of a last diagnostic on the same line when the finding converts to that
 * diagnostic field by field (convertsTo), which checking is cheaper than converting it.
 *
 * On a 5k-line file (~680 diagnostics, 590 KB), every keystroke converted them all (2.5 ms),
 * compared the text with the last one sent (2.7 ms: the comparison flattens a fresh string) and,
 * when different, encoded it (2.4 ms). Now mostly the bytes of the last check are reused, the
 * comparison is mostly by reference, and joining copies bytes (issue #15).
 */
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import type { ResolvedFinding } from '../analysis/analyzer';
import type { ParsedFile } from '../model/parsedFile';
import { lspSeverity, rememberingUris, toDiagnostic } from './lspConvert';

interface Part {
  /** The files of the related locations in other files, in order, as read when the JSON was made. */
  readonly related: readonly (ParsedFile | undefined)[];
  readonly diagnostic: Diagnostic;
  readonly utf8: Uint8Array;
}

/** A finding and its part, as converted. */
interface Converted {
  readonly finding: ResolvedFinding;
  readonly part: Part;
}

/**
 * A file's parts of one conversion, in the order of its findings: by offset, as an analysis
 * gives them, so by line too. A finding is looked for among the last conversion's by walking
 * both lists together (the very same object starts where it started), and a new finding object
 * among those whose diagnostic starts on its line, found by halving. Unsorted findings only miss
 * parts they could have reused. Two maps rebuilt at every keystroke (by finding, and by message,
 * where the thousands of findings of a 50k-line file that share a few messages were each
 * compared with all of theirs: 120 ms a keystroke) did this before (issue #15).
 */
type Conversion = readonly Converted[];

const NO_FILES: readonly (ParsedFile | undefined)[] = [];
const NO_RELATED: NonNullable<ResolvedFinding['related']> = [];
const NOTHING_CONVERTED: Conversion = [];

export class DiagnosticParts {
  /**
   * Per file, its last conversion; replaced on each conversion. Only the last one can be reused
   * by the next, so nothing older is kept.
   */
  private readonly last = new Map<string, Conversion>();

  constructor(private readonly toUri: (p: string) => string, private readonly relatedFile: (p: string) => ParsedFile | undefined) {}

  /** The UTF-8 JSON of each finding's diagnostic, in order; joinedUtf8 of them is JSON.stringify of toDiagnostic's objects. */
  parts(file: ParsedFile, findings: readonly ResolvedFinding[]): Uint8Array[] {
    const uriOf = rememberingUris(this.toUri);
    const before = this.last.get(file.path) ?? NOTHING_CONVERTED;
    const now: Converted[] = [];
    const parts: Uint8Array[] = [];
    // The first of `before` that does not start before the current finding.
    let cursor = 0;
    for (const finding of findings) {
      const related = this.otherFiles(finding, file.path);
      while (cursor < before.length && before[cursor].finding.start < finding.start) cursor++;
      let part = sameFinding(before, cursor, finding);
      if (!part || part.related.length !== related.length || !part.related.every((f, i) => f === related[i])) {
        // A finding moved past an edit, or found again by a family that ran again, is a new
        // object; below the edit's line its diagnostic is mostly the same as before, which is
        // checked without building it.
        const same = partOnLine(before, file.lines.lineAt(finding.start), (p) => convertsTo(file, finding, p.diagnostic, uriOf, this.relatedFile));
        if (same) {
          part = { related, diagnostic: same.diagnostic, utf8: same.utf8 };
        } else {
          const diagnostic = toDiagnostic(file, finding, uriOf, this.relatedFile);
          // Buffer.from: small texts share a pooled buffer instead of one allocation each.
          part = { related, diagnostic, utf8: Buffer.from(JSON.stringify(diagnostic), 'utf8') };
        }
      }
      now.push({ finding, part });
      parts.push(part.utf8);
    }
    this.last.set(file.path, now);
    return parts;
  }

  /** The files of the finding's related locations outside `filePath`, in order (mostly none: one shared empty list). */
  private otherFiles(finding: ResolvedFinding, filePath: string): readonly (ParsedFile | undefined)[] {
    let files: (ParsedFile | undefined)[] | undefined;
    for (const r of finding.related ?? NO_RELATED) if (r.file !== filePath) (files ??= []).push(this.relatedFile(r.file));
    return files ?? NO_FILES;
  }

  /** Forgets a file's parts (it was closed). */
  forget(filePath: string): void {
    this.last.delete(filePath);
  }
}

/** The part of `finding` itself in `before`, among those from `from` on that start where it does. */
function sameFinding(before: Conversion, from: number, finding: ResolvedFinding): Part | undefined {
  for (let i = from; i < before.length && before[i].finding.start === finding.start; i++) {
    if (before[i].finding === finding) return before[i].part;
  }
  return undefined;
}

/** The first part of `before` whose diagnostic starts on `line` and that `accept` takes. */
function partOnLine(before: Conversion, line: number, accept: (part: Part) => boolean): Part | undefined {
  let low = 0;
  for (let high = before.length; low < high;) {
    const mid = (low + high) >> 1;
    if (before[mid].part.diagnostic.range.start.line < line) low = mid + 1;
    else high = mid;
  }
  for (let i = low; i < before.length && before[i].part.diagnostic.range.start.line === line; i++) {
    if (accept(before[i].part)) return before[i].part;
  }
  return undefined;
}

/**
 * Whether toDiagnostic(file, finding, uriOf, relatedFile) would give `diagnostic` (as JSON),
 * found without building it: field by field, in the order and with the omissions toDiagnostic
 * has (related locations in files it cannot read are left out; with none given, none at all).
 */
function convertsTo(file: ParsedFile, finding: ResolvedFinding, diagnostic: Diagnostic, uriOf: (p: string) => string, relatedFile: (p: string) => ParsedFile | undefined): boolean {
  if (diagnostic.message !== finding.message || diagnostic.code !== finding.code || diagnostic.severity !== lspSeverity(finding.severity)
    || !rangeIs(file, finding.start, finding.end, diagnostic.range)) return false;
  const info = diagnostic.relatedInformation;
  if (!finding.related) return info === undefined;
  if (!info) return false;
  let i = 0;
  for (const r of finding.related) {
    const other = relatedFile(r.file);
    if (!other) continue;
    const given = info[i++];
    if (!given || given.message !== r.message || given.location.uri !== uriOf(r.file) || !rangeIs(other, r.start, r.end, given.location.range)) return false;
  }
  return i === info.length;
}

function rangeIs(file: ParsedFile, start: number, end: number, range: Range): boolean {
  return file.lines.isAt(start, range.start) && file.lines.isAt(end, range.end);
}

const OPEN = 0x5b; // [
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

/** The JSON array of the parts, in an ArrayBuffer of its own (it may be moved to another thread, see encodedDiagnostics.ts). */
export function joinedUtf8(parts: readonly Uint8Array[]): Uint8Array {
  let size = 2 + Math.max(0, parts.length - 1);
  for (const part of parts) size += part.byteLength;
  const out = new Uint8Array(size);
  out[0] = OPEN;
  let at = 1;
  parts.forEach((part, i) => {
    if (i > 0) out[at++] = COMMA;
    out.set(part, at);
    at += part.byteLength;
  });
  out[at] = CLOSE;
  return out;
}

/** Whether two lists of parts hold the same bytes (mostly the very same arrays, compared by reference first). */
export function sameParts(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i] || Buffer.compare(part, b[i]) === 0);
}
