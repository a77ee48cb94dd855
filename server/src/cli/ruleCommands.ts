/**
 * `nginx-mtls rules` (every rule code with its category and default severity) and
 * `nginx-mtls explain <code>` (a rule's documentation), so a CI log's code can be looked up
 * where the log is read, without the docs site.
 */
import { docsUrl, type RuleMeta } from '../analysis/finding';
import { allRules, ruleByCode } from '../analysis/ruleRegistry';
import { markdownForTerminal, ruleDoc } from './ruleDocs';
import { unknownRule, UsageError } from './usage';

/** `rules [--format text|json]`: one rule a line, columns aligned; or a JSON array. */
export function rulesCommand(args: readonly string[], out: (s: string) => void): number {
  let format = 'text';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--format' || arg.startsWith('--format=')) {
      format = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i] ?? '';
      if (format !== 'text' && format !== 'json') throw new UsageError(`rules: unknown format "${format}" (text or json)`);
    } else {
      throw new UsageError(`rules: unexpected argument "${arg}"`);
    }
  }
  const rules = allRules();
  if (format === 'json') {
    out(JSON.stringify(rules.map((r) => ({ code: r.code, category: r.category, severity: r.severity, nginxRefuses: r.nginxRefuses, title: r.title, docs: docsUrl(r.code) })), null, 2));
  } else {
    out(alignedRows(rules.map((r) => [r.code, r.category, r.severity, r.title])).join('\n'));
  }
  return 0;
}

/** Columns padded to their widest cell; the last column is left as it is. */
function alignedRows(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column].length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  '));
}

/** `explain <code>`: the rule's summary line, its documentation as plain text, its link. */
export function explainCommand(args: readonly string[], out: (s: string) => void): number {
  if (args.length !== 1 || args[0].startsWith('-')) throw new UsageError('explain needs one rule code, e.g. nginx-mtls explain tls.upstream-unverified');
  const rule = ruleByCode(args[0]);
  if (!rule) throw unknownRule(args[0], 'explain: ');
  const doc = ruleDoc(rule.code, allRules().map((r) => r.code));
  out([summary(rule), '', doc ? markdownForTerminal(doc) : rule.title, '', `Online: ${docsUrl(rule.code)}`].join('\n'));
  return 0;
}

function summary(rule: RuleMeta): string {
  return `${rule.code}: ${rule.title} (category ${rule.category}, default severity ${rule.severity}${rule.nginxRefuses ? ', nginx -t refuses it too' : ''})`;
}
