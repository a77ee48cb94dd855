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

/** Every field of a Finding: adding one to the interface fails to compile until it is listed here, and copied by findingCopy(). */
export const FINDING_FIELDS: { readonly [K in keyof Finding]-?: true } = {
  code: true, severity: true, message: true, file: true, start: true, end: true, fixes: true, related: true, nginxRefuses: true,
};

/**
 * A copy of a finding at `start`..`end` with `severity`: each field written out, as a spread
 * would (absent ones left absent, a field written as undefined kept). Findings come in many
 * shapes (each rule writes its own literal), and V8 spreads an object of a shape it has seen too
 * many of slowly: `{ ...finding }` took about 1 µs a finding, 0.4-0.7 ms for the 5k-line bench
 * file's 681 at each keystroke, this a tenth of that (#15). Without `details`, the copy has
 * neither fixes nor related locations (findings that are only reported: RuleContext.reportOnly).
 */
export function findingCopy<T extends Finding>(finding: T, start = finding.start, end = finding.end, severity = finding.severity, details = true): T {
  // The severity in the literal, not added to it: an added field is a separate property store
  // per finding (0.5 MB over the bench tree's 15,000, issue #15).
  const copy: Finding = severity !== undefined || 'severity' in finding
    ? { code: finding.code, message: finding.message, file: finding.file, start, end, severity }
    : { code: finding.code, message: finding.message, file: finding.file, start, end };
  if (details && 'fixes' in finding) copy.fixes = finding.fixes;
  if (details && 'related' in finding) copy.related = finding.related;
  if ('nginxRefuses' in finding) copy.nginxRefuses = finding.nginxRefuses;
  return copy as T;
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
