/**
 * What nginx's own handlers accept, as data shared by completion and validation. Two generated
 * tables, both read from nginx's sources:
 * - data/directiveValues.json (scripts/directive-data/generate-directive-values.mjs): the
 *   `ngx_conf_enum_t` / `ngx_conf_bitmask_t` values per module type, with the release each value
 *   appeared or went (1.22.0 to HEAD); completion offers them.
 * - data/singleValued.json (scripts/directive-data/generate-single-valued.mjs): which directives
 *   refuse a repeat in one block, which insist on "on"/"off", and the same value tables for
 *   nginx 1.22.1 and current nginx; the duplicate and invalid-value checks use it, and the
 *   mutation test (test/differential/directiveMutations.test.ts) holds it to real `nginx -t`.
 * They were generated side by side; folding the second's value lists into the first (which also
 * knows module types) is a known follow-up. Do not edit either by hand: re-run the scripts.
 */
import valuesData from './data/directiveValues.json';
import singleValued from './data/singleValued.json';
import type { ModuleType } from './directiveTypes';
import { atLeast, compareVersions } from './versions';

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

export interface AllowedValues {
  /** enum: exactly one of the values; bitmask: one or more of them. */
  kind: 'enum' | 'bitmask';
  values: readonly string[];
  /** The values in lower case, for a lookup without a scan (absent on hand-made sets). */
  lowerCase?: ReadonlySet<string>;
}

type Revision = '1.22.1' | 'HEAD';

function revisionFor(version: string): Revision {
  return compareVersions(version, '1.23.0') < 0 ? '1.22.1' : 'HEAD';
}

const REPEAT_REFUSED: ReadonlySet<string> = new Set(singleValued.directives);
const ON_OFF: Record<Revision, ReadonlySet<string>> = {
  '1.22.1': new Set(singleValued.onOffSlot['1.22.1']),
  HEAD: new Set(singleValued.onOffSlot.HEAD),
};
const ENUMS: Record<Revision, Readonly<Record<string, readonly string[]>>> = singleValued.enumValues;
const BITMASKS: Record<Revision, Readonly<Record<string, readonly string[]>>> = singleValued.bitmaskValues;

/** True when every nginx handler of `name` answers "is duplicate" to a second value in one block. */
export function refusesRepeat(name: string): boolean {
  return REPEAT_REFUSED.has(name);
}

/** True when the handler of `name` is ngx_conf_set_flag_slot ('it must be "on" or "off"'). */
export function checksOnOff(name: string, version: string): boolean {
  return ON_OFF[revisionFor(version)].has(name);
}

/** The fixed values nginx takes for `name` in `version`, when its handler has a value table. */
export function allowedValues(name: string, version: string): AllowedValues | undefined {
  // Asked for every statement of every analysis: one shared answer per revision and name.
  const known = ALLOWED[revisionFor(version)];
  let allowed = known.get(name);
  if (allowed === undefined) {
    const enumValues = ownEntry(ENUMS[revisionFor(version)], name);
    const bits = enumValues ? undefined : ownEntry(BITMASKS[revisionFor(version)], name);
    const values = enumValues ?? bits;
    allowed = values ? Object.freeze({ kind: enumValues ? 'enum' : 'bitmask', values, lowerCase: new Set(values.map((v) => v.toLowerCase())) }) : null;
    // Names come from what users type: bounded like the other per-name answers.
    if (known.size >= 8192) known.clear();
    known.set(name, allowed);
  }
  return allowed ?? undefined;
}

function ownEntry(table: Readonly<Record<string, readonly string[]>>, name: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
}

/** allowedValues() answers so far; null: the directive has no value table in that revision. */
const ALLOWED: Record<Revision, Map<string, AllowedValues | null>> = { '1.22.1': new Map(), HEAD: new Map() };

/** nginx compares table values without regard to case (ngx_strcasecmp). */
export function isAllowed(allowed: AllowedValues, value: string): boolean {
  const lower = value.toLowerCase();
  if (allowed.lowerCase) return allowed.lowerCase.has(lower);
  return allowed.values.some((v) => v.toLowerCase() === lower);
}

/** Every directive with a value table in `version` (for tests and mutation generators). */
export function directivesWithValueTables(version: string): string[] {
  const revision = revisionFor(version);
  return [...Object.keys(ENUMS[revision]), ...Object.keys(BITMASKS[revision])].sort();
}

/** Every directive that refuses a repeat (for tests and mutation generators). */
export function repeatRefusingDirectives(): readonly string[] {
  return singleValued.directives;
}

/** Every on/off directive in `version`. */
export function onOffDirectives(version: string): readonly string[] {
  return [...ON_OFF[revisionFor(version)]];
}
