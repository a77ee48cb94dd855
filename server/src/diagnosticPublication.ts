/**
 * Which pushed diagnostics (clients that do not pull them) are sent again after an edit.
 *
 * Typing into a value at the http level of a large main config leaves every diagnostic where
 * it was: the lines and columns below the typed line do not move. Sending the same 600 KB
 * again at each keystroke only makes the editor read and redraw them. They are not sent when
 * they are byte for byte those last sent for the document and every change since then stayed
 * within one line: an editor that keeps the diagnostics it has where they are (or moves them
 * with the text on that line, which would have changed their columns here) then shows the
 * right ones. Any other change (a line added or removed, a whole new text, a position the
 * store had to clamp) sends them again, whatever they are, since an editor may have moved or
 * dropped the marks of the text it replaced. Language servers for other languages skip
 * unchanged diagnostics the same way.
 *
 * A client that wants to know when a check found nothing new (a test, a benchmark, a tool that
 * shows "checked") declares the experimental client capability
 * `{ nginxMtls: { diagnosticsUnchanged: true } }` and is then sent DIAGNOSTICS_UNCHANGED instead.
 */
import { sameDiagnostics, type EncodedDiagnostics } from './service/encodedDiagnostics';

/** Sent, to a client that asked for it, for a version whose diagnostics were not sent again. */
export const DIAGNOSTICS_UNCHANGED = 'nginxMtls/diagnosticsUnchanged';

export interface DiagnosticsUnchangedParams {
  uri: string;
  /** The document's version the check was of. */
  version: number;
}

/** One change of a didChange notification, as far as this needs it. */
interface ContentChange {
  range?: { start: { line: number }; end: { line: number } };
  text: string;
}

/** True when the client declared the experimental capability for DIAGNOSTICS_UNCHANGED. */
export function wantsUnchangedNotice(experimental: unknown): boolean {
  const ours = (experimental as { nginxMtls?: { diagnosticsUnchanged?: unknown } } | undefined)?.nginxMtls;
  return ours?.diagnosticsUnchanged === true;
}

export class DiagnosticPublication {
  /** The diagnostics last sent per document. */
  private readonly sent = new Map<string, EncodedDiagnostics>();
  /** Documents changed since then by more than edits within one line. */
  private readonly reshaped = new Set<string>();

  /** Notes the changes of one didChange; `clamped`: the store moved a position past a line's end. */
  changed(uri: string, changes: readonly ContentChange[], clamped: boolean): void {
    if (clamped || !changes.every(withinOneLine)) this.reshaped.add(uri);
  }

  /** True when `diagnostics` have to be sent for `uri` (see above); they are then taken as sent. */
  needsSending(uri: string, diagnostics: EncodedDiagnostics): boolean {
    const last = this.sent.get(uri);
    if (last && !this.reshaped.has(uri) && sameDiagnostics(last, diagnostics)) return false;
    this.sent.set(uri, diagnostics);
    this.reshaped.delete(uri);
    return true;
  }

  /** The document was closed, reopened or had its diagnostics withdrawn: the next ones are sent. */
  forget(uri: string): void {
    this.sent.delete(uri);
    this.reshaped.delete(uri);
  }
}

function withinOneLine(change: ContentChange): boolean {
  return change.range !== undefined && change.range.start.line === change.range.end.line && !/[\r\n]/.test(change.text);
}
