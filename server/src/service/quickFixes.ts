/**
 * Quick fixes and "fix all" as LSP code actions. Rules describe fixes as plain offset edits
 * (possibly in several files, e.g. a map inserted at http level); here they become
 * WorkspaceEdits at the service edge.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit as LspTextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import type { ResolvedFinding } from '../analysis/analyzer';
import type { Fix, TextEdit } from '../analysis/finding';
import type { ParsedFile } from '../model/parsedFile';
import { toDiagnostic, toRange } from './lspConvert';

/** The code action kind of "fix all" for this extension (a sub-kind of source.fixAll). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.nginxMtls`;

/** Resolves the file of an edit; edits in files we cannot map to positions are dropped. */
export type FileLookup = (filePath: string) => ParsedFile | undefined;

function workspaceEdit(edits: readonly TextEdit[], file: ParsedFile, toUri: (p: string) => string, lookup?: FileLookup): WorkspaceEdit | undefined {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const edit of edits) {
    const target = edit.file === file.path ? file : lookup?.(edit.file);
    if (!target) return undefined;
    const uri = toUri(edit.file);
    (changes[uri] ??= []).push({ range: toRange(target, edit.start, edit.end), newText: edit.newText });
  }
  return { changes };
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  // Two insertions at the same offset would interleave unpredictably, so they count as overlapping.
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

/**
 * One quick-fix action per fix of every finding whose range touches `range` (offsets in
 * `file`), with the finding attached as its diagnostic.
 */
export function quickFixActions(
  file: ParsedFile,
  findings: readonly ResolvedFinding[],
  range: { start: number; end: number },
  toUri: (p: string) => string,
  lookup?: FileLookup,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const finding of findings) {
    if (finding.file !== file.path || !finding.fixes?.length) continue;
    if (finding.end < range.start || finding.start > range.end) continue;
    const diagnostic: Diagnostic = toDiagnostic(file, finding, toUri);
    for (const fix of finding.fixes) {
      const edit = fix.edits.length > 0 ? workspaceEdit(fix.edits, file, toUri, lookup) : undefined;
      // Fixes that write files run as a server command when the user picks them.
      const command = fix.command ? { title: fix.title, command: fix.command.command, arguments: fix.command.arguments } : undefined;
      if (!edit && !command) continue;
      const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic] };
      if (edit) action.edit = edit;
      if (command) action.command = command;
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
  }
  return actions;
}

/** The fix "fix all" applies to a finding: its preferred safe fix, else its first safe fix. */
export function fixAllChoice(finding: ResolvedFinding): Fix | undefined {
  return finding.fixes?.find((f) => f.safe && f.preferred) ?? finding.fixes?.find((f) => f.safe);
}

/** The fix an editor offers first (isPreferred), safe or not: what the preferred-fix test applies. */
export function preferredFix(finding: ResolvedFinding): Fix | undefined {
  return finding.fixes?.find((f) => f.preferred && f.edits.length > 0);
}

/**
 * The edits "fix all" makes in one file: for each finding, its preferred safe fix (else its
 * first safe fix). Edits must stay inside this file, and a fix whose edits overlap an
 * already chosen one is skipped (the next run picks it up). The editor's fix-all and
 * `nginx-mtls check --fix` both call this, so they cannot choose differently. `choose` picks
 * a finding's fix (default: fixAllChoice; the preferred-fix test passes preferredFix).
 */
export function fixAllEdits(filePath: string, findings: readonly ResolvedFinding[], choose: (finding: ResolvedFinding) => Fix | undefined = fixAllChoice): { edits: TextEdit[]; fixed: ResolvedFinding[] } {
  const chosen: TextEdit[] = [];
  const seenFixes = new Set<string>();
  const fixed: ResolvedFinding[] = [];
  for (const finding of findings) {
    if (finding.file !== filePath) continue;
    const fix = choose(finding);
    if (!fix || fix.edits.some((e) => e.file !== filePath)) continue;
    const key = JSON.stringify(fix.edits);
    if (seenFixes.has(key)) {
      fixed.push(finding);
      continue;
    }
    if (fix.edits.some((e) => chosen.some((c) => overlaps(c, e)))) continue;
    seenFixes.add(key);
    chosen.push(...fix.edits);
    fixed.push(finding);
  }
  chosen.sort((a, b) => a.start - b.start);
  return { edits: chosen, fixed };
}

/** Applies every safe fix of the file at once (see fixAllEdits). */
export function fixAllAction(file: ParsedFile, findings: readonly ResolvedFinding[], toUri: (p: string) => string): CodeAction | undefined {
  const { edits, fixed } = fixAllEdits(file.path, findings);
  if (edits.length === 0) return undefined;
  return {
    title: 'Fix all safe nginx mTLS problems',
    kind: FIX_ALL_KIND,
    diagnostics: fixed.map((f) => toDiagnostic(file, f, toUri)),
    edit: { changes: { [toUri(file.path)]: edits.map((e) => ({ range: toRange(file, e.start, e.end), newText: e.newText })) } },
  };
}

/** Applies offset edits to a text (for tests and the CLI): non-overlapping, any order. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
