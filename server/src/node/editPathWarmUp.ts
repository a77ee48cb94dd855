/**
 * Edits the validation worker makes to a copy of the document it just checked, and takes back,
 * before anyone types: a fresh thread runs the code of the first keystrokes unoptimised. On a
 * 5k-line file the first dozen comment keystrokes took 10-27 ms each against 4-5 ms after
 * (in-process, issue #15), and those few set the p95 of a session. The edits are the two kinds
 * the checks reuse most (a character typed and deleted at the end of a comment line, and inside
 * the value of a header line), on the document itself: a small made-up configuration did not
 * warm the same code, its loops were too short to be optimised.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { RESPONSE_AND_TUNING_DIRECTIVES } from '../analysis/unreadArguments';

/** Comment lines edited, each typed into and restored: enough for the first keystrokes' code to be optimised. */
const COMMENT_EDITS = 12;
const ARGUMENT_EDITS = 8;

/**
 * The texts to check in turn, each one character away from the one before; the last is `text`
 * again. None when the document has no comment line (nothing to learn from). Made one at a
 * time: on a 50k-line file each is 1.5 MB.
 */
export function* warmUpTexts(text: string): Generator<string> {
  const lines = text.split('\n');
  const comments = lines.flatMap((line, i) => (/^\s*#[^\r]*$/.test(line) ? [i] : []));
  if (comments.length === 0) return;
  const step = Math.max(1, Math.floor(comments.length / COMMENT_EDITS));
  for (let k = 0; k < COMMENT_EDITS && k * step < comments.length; k++) {
    const i = comments[k * step];
    const original = lines[i];
    lines[i] = `${original}x`;
    yield lines.join('\n');
    lines[i] = original;
    yield lines.join('\n');
  }
  const value = findValue(lines);
  if (value) {
    // Typed, then deleted, a character at a time.
    const original = lines[value.line];
    const typed = ARGUMENT_EDITS / 2;
    for (let k = 1; k <= ARGUMENT_EDITS; k++) {
      const length = k <= typed ? k : ARGUMENT_EDITS - k;
      lines[value.line] = `${original.slice(0, value.at)}${'x'.repeat(length)}${original.slice(value.at)}`;
      yield lines.join('\n');
    }
  }
}

/** A place inside the last argument of a plain statement whose arguments the TLS checks never read (typing there is an argument edit). */
function findValue(lines: readonly string[]): { line: number; at: number } | undefined {
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)([a-z_]+)(\s+[^;{}#$"'\\]*[^\s;{}#$"'\\])\s*;\s*$/.exec(lines[i]);
    if (match && RESPONSE_AND_TUNING_DIRECTIVES.has(match[2])) return { line: i, at: match[1].length + match[2].length + match[3].length };
  }
  return undefined;
}

/** What the rehearsal needs of a language service. */
export interface RehearsalTarget {
  openDocument(filePath: string, text: string): void;
  validateParts(filePath: string): Promise<unknown>;
}

/**
 * Checks each of warmUpTexts(text) in turn until `stop()` says a real request waits (asked
 * before each one), then gives the document its latest real text back (none when it was closed
 * meanwhile). Returns how many were checked. A failed check ends the rehearsal.
 */
export async function rehearseEdits(service: RehearsalTarget, filePath: string, text: string, stop: () => boolean, latestText: () => string | undefined): Promise<number> {
  let checked = 0;
  try {
    for (const edited of warmUpTexts(text)) {
      // A turn of the event loop before each: a request that came meanwhile is seen by stop()
      // (a rehearsed check that reads nothing from the disk never gives one otherwise).
      await nextTurn();
      if (stop()) break;
      service.openDocument(filePath, edited);
      await service.validateParts(filePath);
      checked++;
    }
  } catch {
    // Nothing of a rehearsal is reported; the real check that follows says what is wrong.
  } finally {
    const latest = latestText();
    if (latest !== undefined) service.openDocument(filePath, latest);
  }
  return checked;
}
