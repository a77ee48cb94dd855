/**
 * The open documents as the editor sent them, with every incremental change checked before
 * it is applied. vscode-languageserver-textdocument trusts change ranges: a range past the
 * end of the text corrupts its line table, and every later edit then lands in the wrong
 * place, so diagnostics, fixes and formatting would be computed on text the editor does not
 * have. Here a change is applied only when its range exists in the document:
 *
 * - a character past the end of its line means the end of that line (the LSP spec says so);
 * - the position just after the last line ({line: lineCount, character: 0}) means the end
 *   of the text, as clients that count a final line break write it;
 * - anything else (a line past that, negative or fractional numbers, a start after the end)
 *   cannot be placed without guessing: the document is marked desynchronised and its
 *   changes are ignored until the editor sends the whole text again (a full-text change or
 *   a new didOpen).
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver-types';

export type ChangeOutcome =
  /** The changes were applied; `clamped` of them needed a position clamped to the text. */
  | { kind: 'applied'; document: TextDocument; clamped: number }
  /** This change made the document unusable: `reason` says why. */
  | { kind: 'desynchronised'; reason: string }
  /** The document was already desynchronised and no full text came: nothing was applied. */
  | { kind: 'still-desynchronised'; reason: string }
  /** No such open document. */
  | { kind: 'unknown' };

interface Entry {
  document: TextDocument;
  /** Why the text is no longer known, while it is not. */
  desynchronised?: string;
}

export class DocumentStore {
  private readonly entries = new Map<string, Entry>();

  open(uri: string, languageId: string, version: number, text: string): TextDocument {
    const document = TextDocument.create(uri, languageId, version, text);
    this.entries.set(uri, { document });
    return document;
  }

  /** Applies the changes of one didChange in order, stopping at the first impossible one. */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): ChangeOutcome {
    const entry = this.entries.get(uri);
    if (!entry) return { kind: 'unknown' };
    let clamped = 0;
    for (const change of changes) {
      if (!('range' in change) || change.range === undefined) {
        // The whole text: whatever happened before, the document is known again.
        entry.document = TextDocument.create(uri, entry.document.languageId, version, change.text);
        entry.desynchronised = undefined;
        continue;
      }
      if (entry.desynchronised) continue;
      const placed = placeRange(entry.document, change.range);
      if (typeof placed === 'string') {
        entry.desynchronised = placed;
        return { kind: 'desynchronised', reason: placed };
      }
      if (placed.clamped) clamped++;
      TextDocument.update(entry.document, [{ range: placed.range, text: change.text }], version);
    }
    if (entry.desynchronised) return { kind: 'still-desynchronised', reason: entry.desynchronised };
    return { kind: 'applied', document: entry.document, clamped };
  }

  close(uri: string): boolean {
    return this.entries.delete(uri);
  }

  isOpen(uri: string): boolean {
    return this.entries.has(uri);
  }

  /** The document, when its text is known (open and not desynchronised). */
  get(uri: string): TextDocument | undefined {
    const entry = this.entries.get(uri);
    return entry && !entry.desynchronised ? entry.document : undefined;
  }

  /** Why the document's text is not known, or undefined when it is (or is not open). */
  desynchronised(uri: string): string | undefined {
    return this.entries.get(uri)?.desynchronised;
  }

  /** The documents whose text is known. */
  all(): TextDocument[] {
    return [...this.entries.values()].filter((e) => !e.desynchronised).map((e) => e.document);
  }
}

/** The range as it lies in the document, or why it cannot be placed there. */
function placeRange(document: TextDocument, range: Range): { range: Range; clamped: boolean } | string {
  const start = placePosition(document, range.start);
  if (typeof start === 'string') return `the change starts ${start}`;
  const end = placePosition(document, range.end);
  if (typeof end === 'string') return `the change ends ${end}`;
  if (document.offsetAt(start.position) > document.offsetAt(end.position)) {
    return `the change starts (line ${range.start.line + 1}) after it ends (line ${range.end.line + 1})`;
  }
  return { range: { start: start.position, end: end.position }, clamped: start.clamped || end.clamped };
}

function placePosition(document: TextDocument, position: Position): { position: Position; clamped: boolean } | string {
  const { line, character } = position ?? {};
  const lines = document.lineCount;
  if (!Number.isSafeInteger(line) || !Number.isSafeInteger(character) || line < 0 || character < 0) {
    return `at an invalid position (${JSON.stringify(position)})`;
  }
  if (line > lines || (line === lines && character > 0)) {
    return `at line ${line + 1}, but the document has ${lines} line${lines === 1 ? '' : 's'}`;
  }
  // offsetAt clamps a character past the end of its line (and the line after the last) to the end.
  const placed = document.positionAt(document.offsetAt(position));
  return { position: placed, clamped: placed.line !== line || placed.character !== character };
}
