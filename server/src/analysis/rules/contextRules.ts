/**
 * Directive rules nginx applies while reading the configuration (ngx_conf_handler() and
 * ngx_conf_set_flag_slot()): unknown directives, directives outside their contexts, blocks
 * versus plain statements, argument counts and on/off values.
 */
import { checksOnOff, refusesRepeat } from '../../directives/directiveValues';
import type { DirectiveTable } from '../../directives/directiveTable';
import type { ConfigNode } from '../../model/configTree';
import { includedByOf } from '../../model/configTree';
import { focusOf } from '../analysisFocus';
import type { Finding, RuleMeta } from '../finding';
import { declarationName } from '../../model/contextInference';
import { missingSemicolonFix, missingSemicolonHint } from '../argumentChecks';
import { liftOutOfIf } from '../fixes/liftOutOfIf';
import { closestName, nginxRefuses } from '../nginxWording';
import type { FindingDetail, RuleContext, RuleFamily } from '../ruleContext';
import { settingHint } from '../settingHints';
import { nameHasVariable } from '../../parser/parser';

const RULES: RuleMeta[] = [
  { code: 'nginx.unknown-directive', category: 'context', severity: 'error', title: 'Directive nginx does not know', nginxRefuses: true, preferredFix: true },
  { code: 'nginx.directive-not-allowed', category: 'context', severity: 'error', title: 'Directive not allowed in this block', nginxRefuses: true, preferredFix: true },
  { code: 'nginx.invalid-argument-count', category: 'context', severity: 'error', title: 'Wrong number of arguments', nginxRefuses: true },
  { code: 'nginx.missing-block', category: 'context', severity: 'error', title: 'Block directive used without "{"', nginxRefuses: true },
  { code: 'nginx.missing-semicolon', category: 'context', severity: 'error', title: 'Plain directive followed by a block instead of ";"', nginxRefuses: true },
  { code: 'nginx.invalid-flag', category: 'context', severity: 'error', title: 'on/off directive with another value', nginxRefuses: true },
  { code: 'nginx.duplicate-directive', category: 'context', severity: 'error', title: 'Directive set twice in the same block', nginxRefuses: true },
];

/** Second and later occurrences of single-valued directives among one block's statements. */
function duplicates(context: FindingDetail, statements: readonly ConfigNode[], wanted: ReadonlySet<string>): Finding[] {
  const seen = new Map<string, ConfigNode>();
  const findings: Finding[] = [];
  for (let at = 0; at < statements.length; at++) {
    const node = statements[at];
    const name = node.directive.name;
    if (!refusesRepeat(name) || node.context === 'custom-body' || node.context === 'unknown') continue;
    const first = seen.get(name);
    if (!first) {
      seen.set(name, node);
      continue;
    }
    if (!wanted.has(node.file.path)) continue;
    const firstLine = first.file.lines.lineAt(first.directive.start) + 1;
    findings.push({
      code: 'nginx.duplicate-directive', file: node.file.path, start: node.directive.start, end: node.directive.nameEnd, nginxRefuses: true,
      message: nginxRefuses(`"${name}" directive is duplicate`, `It is already set in this block on line ${firstLine}${first.file === node.file ? '' : ` of ${first.file.path}`}; nginx takes one value per block.`),
      related: context.reportOnly ? undefined : [{ file: first.file.path, start: first.directive.start, end: first.directive.end, message: 'first set here' }],
    });
  }
  return findings;
}

const NO_RANGE = Object.freeze({ start: 0, end: 0 });

function directiveRange(node: ConfigNode): { start: number; end: number } {
  const d = node.directive;
  const last = d.args.length > 0 ? d.args[d.args.length - 1].end : d.nameEnd;
  return { start: d.start, end: last };
}

/** Remembered "did you mean" answers per table: the same misspelling comes back on every keystroke, and each answer compares it with every known directive. */
const suggestions = new WeakMap<DirectiveTable, Map<string, string | undefined>>();
const MAX_REMEMBERED_SUGGESTIONS = 4096;

function suggestionFor(name: string, table: DirectiveTable): string | undefined {
  let known = suggestions.get(table);
  if (!known) {
    known = new Map();
    suggestions.set(table, known);
  }
  if (known.has(name)) return known.get(name);
  const suggestion = closestName(name, table.names());
  if (known.size >= MAX_REMEMBERED_SUGGESTIONS) known.clear();
  known.set(name, suggestion);
  return suggestion;
}

export const contextRules: RuleFamily = {
  name: 'context',
  rules: RULES,
  // A statement is judged by its name, argument count and enclosing blocks, a repeat among its own block.
  blockLocal: true,
  statementLocal: true,
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const version = context.settings.targetVersion;
    const table = context.table;
    const focus = focusOf(context);
    const wanted = focus.wanted;
    // A repeat is reported on itself: only levels holding a statement of a checked file matter.
    for (const block of focus.containers) findings.push(...duplicates(context, block ? block.children : context.tree.nodes, wanted));
    const nodes = focus.nodes;
    for (let at = 0; at < nodes.length; at++) {
      const node = nodes[at];
      if (node.context === 'custom-body' || node.context === 'unknown') continue;
      const d = node.directive;
      const name = d.name;
      const verdict = table.check(name, node.context, d.args.length, d.terminator, version);
      // Nearly every statement is fine: what a finding needs is made only for one (a keystroke on a 5k-line file checks every statement).
      const range = verdict.result === 'ok' ? NO_RANGE : directiveRange(node);
      const base = { file: node.file.path, nginxRefuses: true } as const;
      switch (verdict.result) {
        case 'ok':
          break;
        case 'unknown': {
          const suggestion = nameHasVariable(d, node.file.text) ? undefined : suggestionFor(name, table);
          findings.push({
            ...base, code: 'nginx.unknown-directive', start: d.start, end: d.nameEnd,
            message: nginxRefuses(`unknown directive "${name}"`, suggestion ? `Did you mean "${suggestion}"?` : undefined),
            fixes: context.reportOnly ? undefined : suggestion ? [{ title: `Change to "${suggestion}"`, safe: false, preferred: true, edits: [{ file: node.file.path, start: d.start, end: d.nameEnd, newText: suggestion }] }] : undefined,
          });
          break;
        }
        case 'unknown-in-version':
          findings.push({
            ...base, code: 'nginx.unknown-directive', start: d.start, end: d.nameEnd,
            message: nginxRefuses(`unknown directive "${name}"`, `"${name}" was ${verdict.reason}; the target version is ${version} (change it with ${settingHint('targetVersion', context.surface)}).`),
          });
          break;
        case 'not-allowed': {
          if (context.contextGuessed && guessMayBeWrong(node, context)) break;
          findings.push({
            ...base, code: 'nginx.directive-not-allowed', ...range,
            message: nginxRefuses(`"${name}" directive is not allowed here`, `It is not valid inside ${describeContext(node)}.${context.contextGuessed ? guessedNote(context) : ''}`),
            fixes: context.reportOnly ? undefined : node.parent?.directive.name === 'if' ? liftOutOfIf(node, context.tree) : undefined,
          });
          break;
        }
        case 'wrong-arg-count': {
          const hint = missingSemicolonHint(node, context);
          findings.push({
            ...base, code: 'nginx.invalid-argument-count', ...range,
            message: nginxRefuses(`invalid number of arguments in "${name}" directive`, hint),
            fixes: context.reportOnly ? undefined : hint ? missingSemicolonFix(node, context) : undefined,
          });
          break;
        }
        case 'no-opening-brace':
          findings.push({ ...base, code: 'nginx.missing-block', ...range, message: nginxRefuses(`directive "${name}" has no opening "{"`) });
          break;
        case 'not-terminated':
          findings.push({ ...base, code: 'nginx.missing-semicolon', ...range, message: nginxRefuses(`directive "${name}" is not terminated by ";"`) });
          break;
      }
      // By handler, not by the NGX_CONF_FLAG arity flag: uwsgi_cache_background_update is declared TAKE1 yet read by the flag slot.
      if (verdict.result === 'ok' && checksOnOff(name, version) && d.args.length === 1) {
        const arg = d.args[0];
        const value = arg.value.toLowerCase();
        if (value !== 'on' && value !== 'off') {
          findings.push({
            ...base, code: 'nginx.invalid-flag', start: arg.start, end: arg.end,
            message: nginxRefuses(`invalid value "${arg.value}" in "${name}" directive, it must be "on" or "off"`),
            fixes: context.reportOnly ? undefined : [{ title: 'Change to "on"', safe: false, edits: [{ file: node.file.path, start: arg.start, end: arg.end, newText: 'on' }] },
              { title: 'Change to "off"', safe: false, edits: [{ file: node.file.path, start: arg.start, end: arg.end, newText: 'off' }] }],
          });
        }
      }
    }
    return findings;
  },
};

const CONTEXT_NAMES: Record<string, string> = {
  main: 'the main (top-level) context',
  events: 'an "events" block',
  http: 'the "http" block',
  server: 'an http "server" block',
  location: 'a "location" block',
  'if-in-server': 'an "if" block at server level',
  'if-in-location': 'an "if" block in a location',
  limit_except: 'a "limit_except" block',
  upstream: 'an http "upstream" block',
  stream: 'the "stream" block',
  'stream-server': 'a stream "server" block',
  'stream-upstream': 'a stream "upstream" block',
  mail: 'the "mail" block',
  'mail-server': 'a mail "server" block',
};

/**
 * In a file checked on its own, a directive that another context would accept where it
 * stands may be right and the guessed context wrong. Without the list (a caller that did not
 * infer), the file's top-level statements are the ones not judged.
 */
function guessMayBeWrong(node: ConfigNode, context: RuleContext): boolean {
  if (context.acceptedSomewhere) return node.file.path === context.tree.mainFile && context.acceptedSomewhere.has(node.directive);
  return !node.parent && !includedByOf(node);
}

function guessedNote(context: RuleContext): string {
  const root = context.tree.rootContext;
  return ` No context accepts every directive of this file; it was checked as ${CONTEXT_NAMES[root] ?? root} (a guess: nothing includes it). `
    + `If it is included somewhere else, say where with a comment such as "# nginx-mtls-context: ${declarationName(root) ?? 'location'}".`;
}

function describeContext(node: ConfigNode): string {
  return CONTEXT_NAMES[node.context] ?? 'this block';
}
