/** Every rule family, in the order they run. Add a family here to ship its rules. */
import type { RuleMeta } from './finding';
import type { RuleFamily } from './ruleContext';
import { certificateFileRules } from './rules/certificateFileRules';
import { certificatePairingRules } from './rules/certificatePairingRules';
import { contextRules } from './rules/contextRules';
import { includeRules } from './rules/includeRules';
import { syntaxRules } from './rules/syntaxRules';

export const RULE_FAMILIES: readonly RuleFamily[] = [
  syntaxRules,
  contextRules,
  includeRules,
  certificateFileRules,
  certificatePairingRules,
];

export function allRules(families: readonly RuleFamily[] = RULE_FAMILIES): RuleMeta[] {
  return families.flatMap((f) => f.rules);
}

export function ruleByCode(code: string, families: readonly RuleFamily[] = RULE_FAMILIES): RuleMeta | undefined {
  return allRules(families).find((r) => r.code === code);
}
