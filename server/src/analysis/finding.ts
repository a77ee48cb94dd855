/** What rules report: plain objects with offsets into one file, no LSP types. */
import { githubHeadingAnchor } from './docsAnchor';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export type RuleCategory = 'syntax' | 'context' | 'include' | 'certificate' | 'tls' | 'mtls' | 'proxy';

export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** A command the editor runs for fixes that write files (e.g. converting DER to PEM). */
  command?: { command: string; arguments?: unknown[] };
  /** Safe fixes are applied by "fix all" without asking. */
  safe: boolean;
  preferred?: boolean;
}

export interface RelatedLocation {
  file: string;
  start: number;
  end: number;
  message: string;
}

export interface Finding {
  code: string;
  /** Overrides the rule's default severity (e.g. an error variant of a warning rule). */
  severity?: Severity;
  message: string;
  file: string;
  start: number;
  end: number;
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** True when `nginx -t` refuses the configuration for the same reason. */
  nginxRefuses?: boolean;
}

/** Metadata of one rule: stable code, default severity, short title and docs anchor. */
export interface RuleMeta {
  code: string;
  category: RuleCategory;
  severity: Severity;
  title: string;
  /** True when nginx itself rejects what the rule reports (the message then quotes nginx). */
  nginxRefuses: boolean;
  /**
   * True when findings of the rule can carry a preferred fix. The preferred-fix test applies
   * it to every bad fixture of the rule and checks the result with the rules and `nginx -t`;
   * it also fails when a rule offers a preferred fix without declaring it here.
   */
  preferredFix?: boolean;
}

export const DOCS_BASE = 'https://github.com/nginx-mtls/nginx-mtls/blob/main/docs/rules.md';

/** The rule's section of docs/rules.md on GitHub: the anchor of its `### <code>` heading. */
export function docsUrl(code: string): string {
  return `${DOCS_BASE}#${githubHeadingAnchor(code)}`;
}
