/**
 * A rule's documentation for an editor ("Explain this rule"): the rule's section of the
 * docs/rules.md embedded at build time, as one self-contained Markdown page. The language
 * server answers `nginxMtls.server.explainRule` and `nginxMtls.server.listRules` with these,
 * so every LSP client can show the docs offline; the VS Code client opens them read-only.
 */
import { DOCS_BASE, docsUrl, type RuleMeta } from '../analysis/finding';
import { allRules, ruleByCode } from '../analysis/ruleRegistry';
import { ruleDoc } from '../cli/ruleDocs';

/** One rule as a picker lists it. */
export interface RuleListItem {
  code: string;
  title: string;
  category: RuleMeta['category'];
  severity: RuleMeta['severity'];
}

export function ruleList(): RuleListItem[] {
  return allRules().map(({ code, title, category, severity }) => ({ code, title, category, severity }));
}

/**
 * The page of one rule: its code and title, category and default severity, the documented
 * text, and the link to the same section online. Undefined for a code no rule has.
 */
export function ruleExplanationMarkdown(code: string): string | undefined {
  const rule = ruleByCode(code);
  if (!rule) return undefined;
  const codes = allRules().map((r) => r.code);
  const doc = ruleDoc(rule.code, codes);
  const facts = [`category \`${rule.category}\``, `default severity \`${rule.severity}\``];
  if (rule.nginxRefuses) facts.push('`nginx -t` refuses it too');
  return [
    `# ${rule.code}`,
    '',
    `**${rule.title}** (${facts.join(', ')})`,
    '',
    doc ? pointLinksOnline(doc, codes) : '',
    '',
    `[This rule online](${docsUrl(rule.code)})`,
    '',
  ].join('\n');
}

/**
 * docs/rules.md links its sections by in-page anchors (`[x](#tls-upstream-name-mismatch)`),
 * which lead nowhere in a page holding one section: a link to a rule goes to that rule's
 * section online, any other to the same anchor in the online page.
 */
function pointLinksOnline(markdown: string, codes: readonly string[]): string {
  const ruleByLocalAnchor = new Map(codes.map((code) => [code.replace(/[^a-z0-9-]/g, '-'), code]));
  return markdown.replace(/\]\(#([^)\s]+)\)/g, (_, anchor: string) => {
    const code = ruleByLocalAnchor.get(anchor);
    return `](${code ? docsUrl(code) : `${DOCS_BASE}#${anchor}`})`;
  });
}
