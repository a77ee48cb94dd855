/** Include rules: targets that do not exist, cycles, and masks or trees that expand to too much. */
import type { Finding, RuleMeta } from '../finding';
import { nginxRefuses } from '../nginxWording';
import { notOnThisMachine } from '../notOnThisMachine';
import type { TreeProblem } from '../../model/configTree';
import type { RuleContext, RuleFamily } from '../ruleContext';

const RULES: RuleMeta[] = [
  { code: 'nginx.include-not-found', category: 'include', severity: 'error', title: 'Included file does not exist', nginxRefuses: true },
  { code: 'nginx.include-cycle', category: 'include', severity: 'error', title: 'Files include each other in a cycle', nginxRefuses: true },
  { code: 'nginx.include-too-deep', category: 'include', severity: 'warning', title: 'Includes nested too deeply to follow', nginxRefuses: false },
  { code: 'nginx.include-not-read', category: 'include', severity: 'information', title: 'Included path not read (special or too large)', nginxRefuses: false },
  { code: 'nginx.include-budget', category: 'include', severity: 'information', title: 'Configuration too large to follow every include', nginxRefuses: false },
  { code: 'nginx.include-too-many', category: 'include', severity: 'warning', title: 'Include mask matches too many files', nginxRefuses: false },
  { code: 'nginx.include-not-on-this-machine', category: 'include', severity: 'information', title: 'Included file only the production host has: not checked', nginxRefuses: false },
  { code: 'nginx.include-not-checked', category: 'include', severity: 'information', title: 'Relative include not checked: the conf prefix is unknown', nginxRefuses: false },
];

const REFUSED = new Set(['nginx.include-not-found', 'nginx.include-cycle']);

export const includeRules: RuleFamily = {
  name: 'include',
  rules: RULES,
  run(context: RuleContext): Finding[] {
    const wanted = new Set(context.files.map((f) => f.path));
    return context.tree.problems.filter((p) => wanted.has(p.file)).map((p) => findingOf(p, context));
  },
};

function findingOf(p: TreeProblem, context: RuleContext): Finding {
  // A missing file that only the production host can have: unknown here, not wrong.
  if (p.missingTarget !== undefined && !context.isKnownLocation(p.missingTarget)) {
    return notOnThisMachine({ code: 'nginx.include-not-on-this-machine', file: p.file, start: p.start, end: p.end, written: p.missingTarget, unchecked: 'what it sets', surface: context.surface, reportOnly: context.reportOnly });
  }
  return {
    code: p.code,
    file: p.file,
    start: p.start,
    end: p.end,
    nginxRefuses: REFUSED.has(p.code),
    message: p.code === 'nginx.include-not-found' && p.message.startsWith('open()')
      ? nginxRefuses(p.message, p.message.includes('(2:') ? 'The included file does not exist; relative paths resolve against the directory of the main nginx.conf.' : undefined)
      : p.message,
  };
}
