/**
 * What nginx's own handlers accept, read from its sources by
 * scripts/directive-data/generate-single-valued.mjs (data/singleValued.json): which directives
 * refuse a repeat in one block, which insist on "on"/"off", and the fixed value lists of the
 * ngx_conf_enum_t / ngx_conf_bitmask_t tables. Data for nginx 1.22.1 and for current nginx;
 * a target version before 1.23 reads the 1.22.1 tables.
 */
import singleValued from './data/singleValued.json';
import { compareVersions } from './versions';

export interface AllowedValues {
  /** enum: exactly one of the values; bitmask: one or more of them. */
  kind: 'enum' | 'bitmask';
  values: readonly string[];
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
  const revision = revisionFor(version);
  const own = (table: Readonly<Record<string, readonly string[]>>): readonly string[] | undefined =>
    Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  const enumValues = own(ENUMS[revision]);
  if (enumValues) return { kind: 'enum', values: enumValues };
  const bits = own(BITMASKS[revision]);
  return bits ? { kind: 'bitmask', values: bits } : undefined;
}

/** nginx compares table values without regard to case (ngx_strcasecmp). */
export function isAllowed(allowed: AllowedValues, value: string): boolean {
  const lower = value.toLowerCase();
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
