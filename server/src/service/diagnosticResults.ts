/**
 * Result ids for pull diagnostics (`textDocument/diagnostic`). Each answer carries a result
 * id; a client that sends back the id of the diagnostics it already shows, when they have
 * not changed since, gets an "unchanged" report instead of the whole list again. The id only
 * changes when the diagnostics do, so re-checking after an unrelated event costs the client
 * nothing.
 */
import type { DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { diagnosticsForMessage, sameDiagnostics, type EncodedDiagnostics } from './encodedDiagnostics';

interface LastReport {
  resultId: string;
  /** The diagnostics reported: equal bytes, equal diagnostics. */
  fingerprint: EncodedDiagnostics;
}

export class DiagnosticResults {
  private readonly last = new Map<string, LastReport>();
  private counter = 0;

  /** The report for `uri` now holding `diagnostics`, given the id of what the client holds. */
  report(uri: string, diagnostics: EncodedDiagnostics, previousResultId: string | undefined): DocumentDiagnosticReport {
    const fingerprint = diagnostics;
    let entry = this.last.get(uri);
    if (!entry || !sameDiagnostics(entry.fingerprint, fingerprint)) {
      entry = { resultId: `${++this.counter}`, fingerprint };
      this.last.set(uri, entry);
    }
    if (previousResultId === entry.resultId) return { kind: 'unchanged', resultId: entry.resultId };
    return { kind: 'full', resultId: entry.resultId, items: diagnosticsForMessage(diagnostics) };
  }

  /** The client no longer shows anything for `uri` (it closed the document). */
  forget(uri: string): void {
    this.last.delete(uri);
  }
}
