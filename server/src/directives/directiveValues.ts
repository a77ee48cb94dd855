/**
 * Keyword values nginx itself accepts for a directive, as data shared by completion and
 * validation: the `ngx_conf_enum_t` (one value) and `ngx_conf_bitmask_t` (one or more values)
 * tables that `ngx_conf_set_enum_slot` / `ngx_conf_set_bitmask_slot` commands point to.
 *
 * data/directiveValues.json is generated from nginx's source (every release from 1.22.0 to
 * HEAD of nginx/nginx) by scripts/directive-data/generate-directive-values.mjs; each entry
 * names the source file it was read from. Do not edit it by hand: re-run the script.
 */
import valuesData from './data/directiveValues.json';
import type { ModuleType } from './directiveTypes';
import { atLeast } from './versions';

export interface DirectiveValue {
  value: string;
  /** First nginx release with the value, when newer than 1.22.0. */
  since?: string;
  /** First nginx release without it. */
  removedIn?: string;
}

export interface DirectiveValueSet {
  /** `enum`: exactly one of the values; `bitmask`: one or more of them. */
  kind: 'enum' | 'bitmask';
  /** The argument the values start at (error_log's level is argument 1); 0 when absent. */
  argument?: number;
  /** nginx source file holding the table. */
  source: string;
  values: DirectiveValue[];
}

type ValuesData = { directives: Record<string, Partial<Record<ModuleType, DirectiveValueSet>>> };
const byDirective = (valuesData as unknown as ValuesData).directives;

/** The value set of `name` in modules of `moduleType`, or undefined when nginx has no table for it. */
export function directiveValueSet(name: string, moduleType: ModuleType): DirectiveValueSet | undefined {
  return Object.prototype.hasOwnProperty.call(byDirective, name) ? byDirective[name][moduleType] : undefined;
}

/** The values of a set that `version` of nginx accepts. */
export function valuesInVersion(set: DirectiveValueSet, version: string): string[] {
  return set.values
    .filter((v) => (!v.since || atLeast(version, v.since)) && (!v.removedIn || !atLeast(version, v.removedIn)))
    .map((v) => v.value);
}
