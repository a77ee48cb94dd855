/**
 * Names of the read-only documents the client shows (a rule's documentation, a certificate's
 * details) and the small decisions around them, without the vscode API so they can be tested
 * in plain Node. The documents live under schemes of their own, served by a content provider:
 * VS Code never offers to save them and never marks them dirty.
 */
import { DIAGNOSTIC_SOURCE } from '../../common/protocol';

export const RULE_DOC_SCHEME = 'nginx-mtls-rule';
export const CERTIFICATE_DETAILS_SCHEME = 'nginx-mtls-cert';

/** The path of a rule's document: `/<code>.md` (the `.md` makes VS Code treat it as Markdown). */
export function ruleDocPath(code: string): string {
  return `/${code}.md`;
}

/** The rule code a rule document's path names, if it is one. */
export function codeOfRuleDocPath(docPath: string): string | undefined {
  return /^\/([a-z]+\.[a-z0-9-]+)\.md$/.exec(docPath)?.[1];
}

/**
 * The name a certificate's details document shows in its tab (`/server.crt.md`); the file
 * itself travels in the query, so that two files with the same name stay two documents.
 */
export function certificateDetailsPath(fileName: string): string {
  return `/${fileName.replace(/[/\\]/g, '_')}.md`;
}

/** The code of one of our diagnostics as VS Code hands it to a code action provider. */
export function ruleCodeOfDiagnostic(diagnostic: { source?: string; code?: string | number | { value: string | number } }): string | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** A rule as the server's `listRules` returns it. */
export interface ListedRule {
  code: string;
  title: string;
  category: string;
  severity: string;
}

/** Quick-pick entries, one a rule: the code, its title beside it, category and default severity below. */
export function ruleQuickPickItems(rules: readonly ListedRule[]): { label: string; description: string; detail: string; code: string }[] {
  return rules.map((r) => ({ label: r.code, description: r.title, detail: `${r.category}, default severity ${r.severity}`, code: r.code }));
}

/** The title of the code action that explains a diagnostic's rule. */
export function explainActionTitle(code: string): string {
  return `Explain nginx-mtls rule ${code}`;
}
