/** What the command line refuses before checking anything (exit status 2). */
import { DOCS_BASE } from '../analysis/finding';
import { closestName } from '../analysis/nginxWording';
import { allRules } from '../analysis/ruleRegistry';

export class UsageError extends Error {}

/**
 * The code closest to a mistyped one: a near spelling, or the one code that ends with what
 * was typed (`upstream-unverified` for `tls.upstream-unverified`).
 */
export function closestRuleCode(code: string, codes: readonly string[] = allRules().map((r) => r.code)): string | undefined {
  const bySuffix = codes.filter((c) => c.endsWith(`.${code}`));
  return bySuffix.length === 1 ? bySuffix[0] : closestName(code, codes);
}

/** "unknown rule" with the closest code, for --rule and explain alike. */
export function unknownRule(code: string, where: string): UsageError {
  const suggestion = closestRuleCode(code);
  return new UsageError(`${where}unknown rule "${code}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; `
    + `\`nginx-mtls rules\` lists them, and they are documented at ${DOCS_BASE}`);
}
