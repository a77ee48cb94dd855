/** Every rule family, in the order they run. Add a family here to ship its rules. */
import type { RuleMeta } from './finding';
import type { RuleFamily } from './ruleContext';
import { certificateFileRules } from './rules/certificateFileRules';
import { certificatePairingRules } from './rules/certificatePairingRules';
import { clientChainRules } from './rules/clientChainRules';
import { contextRules } from './rules/contextRules';
import { valueRules } from './rules/valueRules';
import { includeRules } from './rules/includeRules';
import { syntaxRules } from './rules/syntaxRules';
import { clientVerificationRules } from './rules/clientVerificationRules';
import { headerInheritanceRules } from './rules/headerInheritanceRules';
import { identityHeaderRules } from './rules/identityHeaderRules';
import { listenDeprecationRules } from './rules/listenDeprecationRules';
import { opensslSettingRules } from './rules/opensslSettingRules';
import { identitySiblingRules } from './rules/identitySiblingRules';
import { protocolRules } from './rules/protocolRules';
import { sessionReuseRules } from './rules/sessionReuseRules';
import { streamProxySslRules } from './rules/streamProxySslRules';
import { plainHttpProxySslRules } from './rules/plainHttpProxySslRules';
import { tlsListenRules } from './rules/tlsListenRules';
import { upstreamTlsRules } from './rules/upstreamTlsRules';

export const RULE_FAMILIES: readonly RuleFamily[] = [
  syntaxRules,
  contextRules,
  valueRules,
  includeRules,
  certificateFileRules,
  certificatePairingRules,
  clientChainRules,
  upstreamTlsRules,
  clientVerificationRules,
  identityHeaderRules,
  identitySiblingRules,
  headerInheritanceRules,
  sessionReuseRules,
  tlsListenRules,
  protocolRules,
  opensslSettingRules,
  listenDeprecationRules,
  streamProxySslRules,
  plainHttpProxySslRules,
];

export function allRules(families: readonly RuleFamily[] = RULE_FAMILIES): RuleMeta[] {
  return families.flatMap((f) => f.rules);
}

export function ruleByCode(code: string, families: readonly RuleFamily[] = RULE_FAMILIES): RuleMeta | undefined {
  return allRules(families).find((r) => r.code === code);
}
