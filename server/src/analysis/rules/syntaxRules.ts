/**
 * Syntax rules: what the tokenizer and parser found (unexpected tokens, unclosed quotes
 * and blocks, end of file inside a statement). nginx stops at the first of these.
 */
import type { Finding, RuleMeta } from '../finding';
import { nginxRefuses } from '../nginxWording';
import type { RuleContext, RuleFamily } from '../ruleContext';

const RULES: RuleMeta[] = [
  { code: 'nginx.unexpected-token', category: 'syntax', severity: 'error', title: 'Unexpected ";", "{" or "}", or a character glued to a quoted word', nginxRefuses: true, preferredFix: true },
  { code: 'nginx.unexpected-eof', category: 'syntax', severity: 'error', title: 'The file ends inside a statement or block', nginxRefuses: true },
  { code: 'nginx.unterminated-string', category: 'syntax', severity: 'error', title: 'A quote is never closed', nginxRefuses: true },
  { code: 'nginx.unclosed-block', category: 'syntax', severity: 'error', title: 'A "{" is never closed', nginxRefuses: true },
  { code: 'nginx.too-deep', category: 'syntax', severity: 'warning', title: 'Blocks nested too deeply to check', nginxRefuses: false },
];

/** Problems whose message is nginx's own wording (others are our explanation of one). */
const NGINX_WORDED = new Set(['nginx.unexpected-token', 'nginx.unexpected-eof']);

export const syntaxRules: RuleFamily = {
  name: 'syntax',
  rules: RULES,
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const file of context.files) {
      for (const problem of file.syntax.problems) {
        findings.push({
          code: problem.code,
          message: NGINX_WORDED.has(problem.code) ? nginxRefuses(problem.message) : problem.message,
          file: file.path,
          start: problem.start,
          end: problem.end,
          nginxRefuses: problem.code !== 'nginx.too-deep',
          // `name args }`: the statement's own end is where its `;` belongs.
          fixes: context.reportOnly ? undefined : problem.missingSemicolonAt === undefined ? undefined : [{ title: 'Add the missing ";"', safe: false, preferred: true,
            edits: [{ file: file.path, start: problem.missingSemicolonAt, end: problem.missingSemicolonAt, newText: ';' }] }],
        });
      }
    }
    return findings;
  },
};
