/** Conversions from the service's plain findings to LSP types, at the service edge only. */
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import type { ResolvedFinding } from '../analysis/analyzer';
import { docsUrl, type Severity } from '../analysis/finding';
import type { ParsedFile } from '../model/parsedFile';

export { DIAGNOSTIC_SOURCE } from '../../../common/protocol';
import { DIAGNOSTIC_SOURCE } from '../../../common/protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The protocol's number for a severity. */
export function lspSeverity(severity: Severity): DiagnosticSeverity {
  return SEVERITY[severity];
}

export function toRange(file: ParsedFile, start: number, end: number): Range {
  return { start: file.lines.positionAt(start), end: file.lines.positionAt(end) };
}

/** The documentation link of each rule code, built once (every diagnostic of every keystroke carries one). */
const docsLinks = new Map<string, { readonly href: string }>();

function docsLink(code: string): { readonly href: string } {
  let link = docsLinks.get(code);
  if (!link) {
    link = Object.freeze({ href: docsUrl(code) });
    docsLinks.set(code, link);
  }
  return link;
}

export function toDiagnostic(file: ParsedFile, finding: ResolvedFinding, toUri: (p: string) => string, relatedFile?: (p: string) => ParsedFile | undefined): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toRange(file, finding.start, finding.end),
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: docsLink(finding.code),
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (finding.related && relatedFile) {
    diagnostic.relatedInformation = finding.related.flatMap((r) => {
      const other = relatedFile(r.file);
      return other ? [{ location: { uri: toUri(r.file), range: toRange(other, r.start, r.end) }, message: r.message }] : [];
    });
  }
  return diagnostic;
}

/**
 * `toUri` remembering its answers: related locations mostly point into the same few files. On a
 * 5k-line file ~900 related locations in two files made the URIs a third of the conversion (#15).
 */
export function rememberingUris(toUri: (p: string) => string): (p: string) => string {
  const uris = new Map<string, string>();
  return (p) => {
    let uri = uris.get(p);
    if (uri === undefined) {
      uri = toUri(p);
      uris.set(p, uri);
    }
    return uri;
  };
}
