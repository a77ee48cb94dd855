/**
 * Values nginx checks while reading the configuration: numbers, sizes and times (its
 * ngx_conf_set_num/size/msec/sec slots) and the fixed value lists of its enum and bitmask
 * slots (`server_tokens`, `ssl_verify_client`, `*_ssl_protocols`, `proxy_http_version`…,
 * read from nginx's sources, see directives/directiveValues.ts). nginx stops at them with
 * `invalid value "…"` or `"…" directive invalid number`.
 */
import singleValued from '../../directives/data/singleValued.json';
import { allowedValues, isAllowed, type AllowedValues } from '../../directives/directiveValues';
import { errorPageProblem, listenProblem, missingSemicolonFix, missingSemicolonHint, type ArgumentProblem } from '../argumentChecks';
import type { ConfigNode } from '../../model/configTree';
import { focusOf } from '../analysisFocus';
import type { Word } from '../../parser/syntaxTree';
import type { Finding, RuleMeta } from '../finding';
import { nginxRefuses } from '../nginxWording';
import type { FindingDetail, RuleContext, RuleFamily } from '../ruleContext';

const RULES: RuleMeta[] = [
  { code: 'nginx.invalid-value', category: 'context', severity: 'error', title: 'Value nginx cannot parse', nginxRefuses: true },
  { code: 'nginx.duplicate-value', category: 'context', severity: 'warning', title: 'A value the same block already gave this directive', nginxRefuses: false, preferredFix: true },
  { code: 'nginx.proxy-pass-uri', category: 'context', severity: 'error', title: 'proxy_pass with a URI where nginx cannot use one', nginxRefuses: true },
];

/** `ssl_session_cache off | none | [builtin[:size]] [shared:name:size]` (ngx_http_ssl_session_cache). */
const SESSION_CACHE = /^(off|none|builtin(:\d+)?|shared:[^:\s]+:\d+[kKmM]?)$/;

const NUMBER: ReadonlySet<string> = new Set(singleValued.valueSlots.number);
const SIZE: ReadonlySet<string> = new Set(singleValued.valueSlots.size);
const TIME: ReadonlySet<string> = new Set(singleValued.valueSlots.time);

/** ngx_atoi: decimal digits only. */
const NUMBER_FORMAT = /^\d+$/;
/** ngx_parse_size: digits with an optional k/K/m/M. */
const SIZE_FORMAT = /^\d+[kKmM]?$/;
/** ngx_parse_time: number-unit groups (ms s m h d w M y), spaces between groups allowed. */
const TIME_FORMAT = /^(\d+(ms|[smhdwMy])?\s*)+$/;


/**
 * A handler's own refusal, from the argument it stops at to the end of the statement: nginx
 * names the line where the statement ends, which is the next directive's line when a ";" is missing.
 */
function handlerProblem(node: ConfigNode, problem: ArgumentProblem | undefined, context: RuleContext): Finding[] {
  if (!problem) return [];
  const args = node.directive.args;
  return [{
    code: 'nginx.invalid-value', file: node.file.path, start: problem.arg.start, end: args[args.length - 1].end, nginxRefuses: true,
    message: nginxRefuses(problem.wording, missingSemicolonHint(node, context)),
    fixes: context.reportOnly ? undefined : missingSemicolonFix(node, context),
  }];
}

function listValues(values: readonly string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function invalid(node: ConfigNode, arg: Word, wording: string, explanation: string): Finding {
  return { code: 'nginx.invalid-value', file: node.file.path, start: arg.start, end: arg.end, nginxRefuses: true, message: nginxRefuses(wording, explanation) };
}

/** What most statements give: one shared empty list instead of a new one per statement. */
const NONE = Object.freeze([]) as unknown as Finding[];

function hasVariableArgument(args: readonly Word[]): boolean {
  for (const arg of args) if (arg.hasVariable) return true;
  return false;
}

function check(node: ConfigNode, context: RuleContext, allowed: AllowedValues | undefined): Finding[] {
  const version = context.settings.targetVersion;
  const name = node.directive.name;
  const args = node.directive.args;
  if (args.length === 0 || hasVariableArgument(args)) return NONE;
  // A statement ended by "{" or by nothing is refused as such (contextRules), before its handler runs.
  if ((name === 'error_page' || name === 'listen') && node.directive.terminator !== ';') return NONE;
  if (name === 'error_page') return handlerProblem(node, errorPageProblem(args), context);
  // Only where a ";" is missing: listen's parameters change between versions and modules.
  if (name === 'listen') return missingSemicolonHint(node, context) ? handlerProblem(node, listenProblem(node, version), context) : NONE;
  if (allowed) {
    // An enum slot reads only the first argument; a bitmask slot reads each one and stops at the first unknown.
    const bad = allowed.kind === 'enum' ? (isAllowed(allowed, args[0].value) ? undefined : args[0]) : args.find((a) => !isAllowed(allowed, a.value));
    return bad ? [invalid(node, bad, `invalid value "${bad.value}"`, `"${name}" takes ${allowed.kind === 'enum' ? 'one of' : 'one or more of'} ${listValues(allowed.values)}.`)] : NONE;
  }
  if (name === 'ssl_session_cache') {
    return args.filter((a) => !SESSION_CACHE.test(a.value))
      .map((a) => invalid(node, a, `invalid session cache "${a.value}"`, 'Use off, none, builtin[:size] or shared:name:size (e.g. shared:SSL:10m).'));
  }
  if (name === 'proxy_pass') return proxyPassUri(node);
  if (args.length !== 1) return NONE;
  const arg = args[0];
  if (NUMBER.has(name) && !NUMBER_FORMAT.test(arg.value)) {
    return [invalid(node, arg, `"${name}" directive invalid number`, `"${arg.value}" is not a whole number.`)];
  }
  if (SIZE.has(name) && !SIZE_FORMAT.test(arg.value)) {
    return [invalid(node, arg, `"${name}" directive invalid value`, `"${arg.value}" is not a size such as 16k or 1m.`)];
  }
  if (TIME.has(name) && !TIME_FORMAT.test(arg.value)) {
    return [invalid(node, arg, `"${name}" directive invalid value`, `"${arg.value}" is not a time such as 30s, 5m or 1h30m.`)];
  }
  return NONE;
}

/**
 * nginx cannot replace the matched part of the URI where there is no prefix to replace: in a
 * regex or named location, inside `if` or `limit_except` (ngx_http_proxy_pass).
 */
function proxyPassUri(node: ConfigNode): Finding[] {
  const url = node.directive.args[0];
  const match = /^[a-z]+:\/\/[^/]+(\/.*)?$/i.exec(url.value);
  if (!match || match[1] === undefined || url.value.startsWith('unix:')) return [];
  const parent = node.parent;
  if (!parent) return [];
  const kind = parent.directive.name;
  const modifier = parent.directive.args[0]?.value ?? '';
  const inRegexOrNamed = kind === 'location' && (modifier === '~' || modifier === '~*' || modifier.startsWith('@'));
  if (!(kind === 'if' || kind === 'limit_except' || inRegexOrNamed)) return [];
  return [{
    code: 'nginx.proxy-pass-uri', file: node.file.path, start: url.start, end: url.end, nginxRefuses: true,
    message: nginxRefuses('"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block',
      `Remove "${match[1]}" from the URL (or rewrite the URI before proxy_pass).`),
  }];
}

/**
 * For each statement of a bitmask directive, the values the earlier statements of the same
 * name in the same block (and file) gave: computed once per block and name, so that thousands
 * of repeated lines cost linear work.
 */
class BlockValueIndex {
  private readonly firstAt = new Map<ConfigNode | undefined, Map<string, { order: Map<ConfigNode, number>; first: Map<string, number> }>>();

  /** Only values of the directive's table count: a statement with others is refused anyway, and the map stays small. */
  earlierValues(node: ConfigNode, allowed: AllowedValues): string[] {
    const name = node.directive.name;
    let byName = this.firstAt.get(node.parent);
    if (!byName) this.firstAt.set(node.parent, byName = new Map());
    let entry = byName.get(name);
    if (!entry) {
      entry = { order: new Map(), first: new Map() };
      let index = 0;
      const siblings = node.parent?.children ?? [];
      for (let s = 0; s < siblings.length; s++) {
        const sibling = siblings[s];
        if (sibling.directive.name !== name || sibling.file !== node.file) continue;
        entry.order.set(sibling, index);
        for (const a of sibling.directive.args) {
          const key = a.value.toLowerCase();
          if (!entry.first.has(key) && isAllowed(allowed, a.value)) entry.first.set(key, index);
        }
        index++;
      }
      byName.set(name, entry);
    }
    const at = entry.order.get(node);
    if (at === undefined) return [];
    return [...entry.first].filter(([, first]) => first < at).map(([value]) => value);
  }
}

/**
 * A bitmask slot ORs every value of every statement of one block into one field, and warns
 * when a value's bit is already set (ngx_conf_set_bitmask_slot: `[warn] duplicate value "…"`).
 * Matched by name without case, as nginx does; an inherited value is another field and does
 * not count. Statements from other files of the same block are left out (a missed warning,
 * never a wrong one).
 */
function duplicateValues(context: FindingDetail, node: ConfigNode, allowed: AllowedValues | undefined, blocks: BlockValueIndex): Finding[] {
  const name = node.directive.name;
  const args = node.directive.args;
  if (allowed?.kind !== 'bitmask' || args.some((a) => a.hasVariable || !isAllowed(allowed, a.value))) return NONE;
  const earlier = blocks.earlierValues(node, allowed);
  const seen = new Map<string, number>();
  for (const value of earlier) seen.set(value, -1);
  const findings: Finding[] = [];
  args.forEach((arg, index) => {
    const key = arg.value.toLowerCase();
    if (!seen.has(key)) {
      seen.set(key, index);
      return;
    }
    const inThisLine = seen.get(key) !== -1;
    // Removing the word is exactly what nginx does with it; a statement needs one value left.
    const removable = args.length > 1;
    const from = index > 0 ? args[index - 1].end : arg.start;
    const to = index > 0 ? arg.end : args[index + 1]?.start ?? arg.end;
    findings.push({
      code: 'nginx.duplicate-value', severity: 'warning', file: node.file.path, start: arg.start, end: arg.end,
      message: `nginx warns: duplicate value "${arg.value}". ${inThisLine ? `This "${name}" line` : `An earlier "${name}" line of this block`} already gives it (the values of every "${name}" line of a block add up), so this one changes nothing.`,
      fixes: context.reportOnly ? undefined : removable ? [{ title: `Remove the repeated "${arg.value}"`, safe: true, preferred: true, edits: [{ file: node.file.path, start: from, end: to, newText: '' }] }] : undefined,
    });
  });
  return findings;
}

export const valueRules: RuleFamily = {
  name: 'values',
  rules: RULES,
  // A statement is judged by its own arguments, a repeated value among its own block.
  blockLocal: true,
  statementLocal: true,
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const blocks = new BlockValueIndex();
    const version = context.settings.targetVersion;
    const nodes = focusOf(context).nodes;
    for (let at = 0; at < nodes.length; at++) {
      const node = nodes[at];
      if (node.context === 'custom-body' || node.context === 'unknown') continue;
      const allowed = allowedValues(node.directive.name, version);
      // Mostly NONE: no iterator made per statement for nothing.
      const wrong = check(node, context, allowed);
      if (wrong.length > 0) findings.push(...wrong);
      const repeated = duplicateValues(context, node, allowed, blocks);
      if (repeated.length > 0) findings.push(...repeated);
    }
    return findings;
  },
};
