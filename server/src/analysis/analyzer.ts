/**
 * Runs rule families over an assembled configuration. Each family is isolated: one that
 * throws is reported as an internal finding and the others still deliver theirs.
 * Settings turn rules off or change their severity; inline comments suppress findings.
 */
import type { ConfigNode } from '../model/configTree';
import { findingCopy, type Finding, type RuleMeta, type Severity } from './finding';
import { ruleContextOf, type RuleContext, type RuleFamily } from './ruleContext';
import { narrowedTo } from './analysisFocus';
import { asNotLoaded } from './nginxWording';
import { RULE_FAMILIES } from './ruleRegistry';
import { isSuppressed, readSuppressions } from './suppressions';

export interface ResolvedFinding extends Finding {
  severity: Severity;
}

export interface AnalysisResult {
  findings: ResolvedFinding[];
  /** Families that threw, with the error text, for the log. */
  failures: { family: string; error: string }[];
  /**
   * What each family that ran (or was reused) gave, before settings and suppressions: what a
   * later run may reuse for a family the edit in between cannot have changed (see
   * service/argumentEditReuse.ts). Families that threw or were turned off have no entry.
   */
  byFamily?: ReadonlyMap<string, readonly Finding[]>;
  /**
   * Each family finding and what it became (severity set, maybe reworded), for a later run that
   * reuses it: the very finding object gives the very same result, so that what is built from a
   * result (each diagnostic's JSON, service/diagnosticParts.ts) can be reused as well.
   */
  resolutions?: ReadonlyMap<Finding, Resolution>;
}

/** A family finding's result, and whether its context was guessed then (the wording differs). */
export interface Resolution {
  readonly finding: ResolvedFinding;
  readonly guessed: boolean;
}

/** What a run takes of a family's last findings instead of running it over everything (see service/argumentEditReuse.ts). */
export interface ReusedFamily {
  /** The last run's findings moved to the current text: all of them, or with `rerunIn` those outside that block's body. */
  kept: readonly Finding[];
  /** A block whose body a block-local family (RuleFamily.blockLocal) checks again; what it finds there joins `kept`. */
  rerunIn?: ConfigNode;
  /** With `rerunIn`: only the block's own statements are checked again (RuleFamily.statementLocal). */
  ownStatementsOnly?: true;
  /** With `rerunIn` (a server, for RuleFamily.serverLocal): the block above it whose own statements the family checks again too; what it finds on them joins `kept`. */
  levelAbove?: ConfigNode;
  /**
   * Statements of these directives a family judges again wherever they stand
   * (RuleFamily.argumentsReadFor): what it finds on them (`holds`) joins `kept`, which has none.
   */
  rerunFor?: { names: ReadonlySet<string>; holds: (place: { file: string; start: number }) => boolean };
  /**
   * Blocks a family judges again (RuleFamily.inheritedArrays): what it finds on their own
   * statements (`holds`) joins `kept`, which has none.
   */
  rerunOn?: { blocks: readonly ConfigNode[]; holds: (place: { file: string; start: number }) => boolean };
}

/** True when `finding` lies in the body of `block` (between its braces, in the block's own file). */
export function inBody(finding: { file: string; start: number }, block: ConfigNode): boolean {
  const body = block.directive.block;
  return body !== undefined && finding.file === block.file.path && finding.start > body.start && finding.start < body.end;
}

/**
 * True when `finding` lies on one of the block's own statements: in its body (see inBody) and
 * not inside the body of a block of the same file nested in it.
 */
export function onOwnStatements(finding: { file: string; start: number }, block: ConfigNode): boolean {
  if (!inBody(finding, block)) return false;
  for (const child of block.children) {
    const body = child.directive.block;
    if (body && child.file === block.file && finding.start > body.start && finding.start < body.end) return false;
  }
  return true;
}

/** Set by whoever started an analysis once its result is no longer wanted (a newer edit came). */
export interface CancellationFlag {
  readonly cancelled: boolean;
}

/** Thrown at the next check point of an analysis whose CancellationFlag was set. */
export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled: its result is out of date');
  }
}

export function throwIfCancelled(cancellation: CancellationFlag | undefined): void {
  if (cancellation?.cancelled) throw new AnalysisCancelled();
}

/**
 * Runs `families` over `given` (a context; see ruleContextOf). A family with an entry in `reused` does not run over
 * everything: the kept findings (of an earlier run, moved to the current text) are taken as
 * what it gives, with what it finds in the body of `rerunIn` when that is set; a finding that
 * `earlier` (that run's resolutions) holds gives the same result object.
 */
export async function analyze(given: RuleContext, families: readonly RuleFamily[] = RULE_FAMILIES, cancellation?: CancellationFlag,
  reused?: ReadonlyMap<string, ReusedFamily>, earlier?: ReadonlyMap<Finding, Resolution>): Promise<AnalysisResult> {
  const context = ruleContextOf(given);
  const metas = new Map<string, RuleMeta>();
  for (const family of families) for (const rule of family.rules) metas.set(rule.code, rule);
  const raw: Finding[] = [];
  const failures: AnalysisResult['failures'] = [];
  const byFamily = new Map<string, readonly Finding[]>();
  // The families that check one block's body again share one context, and so one focus of it
  // (one for those that check its own statements only, one for the server-local families' level
  // above the server).
  const scoped: { body?: RuleContext; own?: RuleContext; level?: RuleContext } = {};
  for (const family of families) {
    if (family.rules.every((r) => context.settings.rules[r.code] === 'off')) continue;
    const reuse = reused?.get(family.name);
    if (reuse && !reuse.rerunIn && !reuse.rerunFor && !reuse.rerunOn) {
      byFamily.set(family.name, reuse.kept);
      for (const finding of reuse.kept) raw.push(finding);
      continue;
    }
    // Let the language server answer requests between families on large configurations.
    await new Promise<void>((resolve) => setImmediate(resolve));
    // The turn just given is where a cancellation arrives.
    throwIfCancelled(cancellation);
    try {
      const block = reuse?.rerunIn;
      const only = reuse?.rerunFor;
      const on = reuse?.rerunOn;
      let found: readonly Finding[];
      if (only && reuse) {
        const again = await family.run(narrowedTo(context, { onlyDirectives: only.names }));
        found = [...reuse.kept, ...again.filter(only.holds)];
      } else if (on && reuse) {
        const again = await family.run(narrowedTo(context, { onlyBlocks: on.blocks }));
        found = [...reuse.kept, ...again.filter(on.holds)];
      } else if (block && reuse) {
        const own = reuse.ownStatementsOnly === true;
        const key = own ? 'own' : 'body';
        if (scoped[key]?.within !== block) scoped[key] = ruleContextOf(own ? { ...context, within: block, ownStatementsOnly: true } : { ...context, within: block });
        const again = await family.run(scoped[key] as RuleContext);
        const level = reuse.levelAbove;
        if (level && scoped.level?.within !== level) scoped.level = ruleContextOf({ ...context, within: level, ownStatementsOnly: true });
        const onLevel = level ? (await family.run(scoped.level as RuleContext)).filter((f) => onOwnStatements(f, level)) : [];
        found = [...reuse.kept, ...again.filter((f) => (own ? onOwnStatements(f, block) : inBody(f, block))), ...onLevel];
      } else {
        found = await family.run(context);
      }
      byFamily.set(family.name, found);
      // One push per finding: spreading 100k findings into push's arguments overflows the stack.
      for (let at = 0; at < found.length; at++) raw.push(found[at]);
    } catch (error) {
      failures.push({ family: family.name, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  }
  const files = new Map(context.files.map((f) => [f.path, f]));
  const suppressions = new Map(context.files.map((f) => [f.path, readSuppressions(f)]));
  // In the order of the result (stable: findings at one place keep the order families gave
  // them), so that repeats of a finding stand next to each other and need no key per finding.
  raw.sort(byPlace);
  const findings: ResolvedFinding[] = [];
  const resolutions = new Map<Finding, Resolution>();
  // An analysis no other follows (the command line's): nothing of this run is reused.
  const remember = context.oneShot !== true;
  const samePlace = new SamePlaceFindings();
  for (let at = 0; at < raw.length; at++) {
    const finding = raw[at];
    const file = files.get(finding.file);
    if (!file) continue;
    const override = context.settings.rules[finding.code];
    if (override === 'off') continue;
    if (isSuppressed(finding, file, suppressions.get(finding.file) ?? [])) continue;
    if (!samePlace.isNew(finding)) continue;
    const severity: Severity = override ?? finding.severity ?? metas.get(finding.code)?.severity ?? 'warning';
    // A file checked on its own in a guessed context is not loaded by nginx (yet).
    const guessed = context.contextGuessed && finding.nginxRefuses === true;
    let resolution = earlier?.get(finding);
    if (!resolution || resolution.finding.severity !== severity || resolution.guessed !== guessed) {
      // A rule that made fixes or related locations nothing shows does not pass them on.
      const copy = findingCopy(finding, finding.start, finding.end, severity, context.reportOnly !== true) as ResolvedFinding;
      if (guessed) {
        copy.message = asNotLoaded(finding.message);
        copy.nginxRefuses = false;
      }
      resolution = { guessed, finding: copy };
    }
    if (remember) resolutions.set(finding, resolution);
    findings.push(resolution.finding);
  }
  return { findings, failures, byFamily, ...(remember ? { resolutions } : {}) };
}

function byPlace(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start;
}

/**
 * The findings kept so far at the current place (file and start), to drop repeats of one
 * (same end, code and message: two families, or two trees, reporting the same thing).
 * Findings arrive sorted by place, so only the current place's are remembered.
 */
class SamePlaceFindings {
  /**
   * The findings at the current place: the first `count` of the array. The array is reused from
   * place to place: emptied by setting its length, V8 gave back its storage and the next push
   * made new room, for each of the 681 places of the bench's 5k-line file at every keystroke
   * (85 KB, issue #15).
   */
  private readonly kept: Finding[] = [];
  private count = 0;
  /** Keys of the kept findings, once a place holds so many that comparing each would add up. */
  private keys: Set<string> | undefined;

  /** True for the first of its kind at its place (and remembers it). */
  isNew(finding: Finding): boolean {
    const first = this.count > 0 ? this.kept[0] : undefined;
    if (first === undefined || first.file !== finding.file || first.start !== finding.start) {
      this.keep(0, finding);
      this.keys = undefined;
      return true;
    }
    if (this.keys) {
      const key = repeatKey(finding);
      if (this.keys.has(key)) return false;
      this.keys.add(key);
    } else {
      for (let i = 0; i < this.count; i++) {
        const other = this.kept[i];
        if (other.end === finding.end && other.code === finding.code && other.message === finding.message) return false;
      }
      if (this.count >= 16) this.keys = new Set([...this.kept.slice(0, this.count), finding].map(repeatKey));
    }
    this.keep(this.count, finding);
    return true;
  }

  /** Makes `finding` the one at `index`, the last kept. */
  private keep(index: number, finding: Finding): void {
    if (index < this.kept.length) this.kept[index] = finding;
    else this.kept.push(finding);
    this.count = index + 1;
  }
}

function repeatKey(finding: Finding): string {
  return `${finding.end}\0${finding.code}\0${finding.message}`;
}
