/**
 * All-or-nothing inheritance of header arrays: a block with any `proxy_set_header`
 * (`grpc_set_header`, `add_header`) inherits none from the levels above
 * (ngx_conf_merge_ptr_value on headers_source, ngx_http_proxy_module.c). Dropped identity
 * headers are worse than missing: nginx then passes the client's own header of that name.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header
 */
import { parseConfig } from '../../parser/parser';
import type { Directive } from '../../parser/syntaxTree';
import type { ConfigNode } from '../../model/configTree';
import { focusOf } from '../analysisFocus';
import { placeInBlock } from '../findingPlacement';
import { own, inheritedFrom } from '../../model/effectiveConfig';
import type { Finding, RuleMeta, Severity } from '../finding';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { insertBefore, sourceOf } from '../fixes/textEdits';
import { protectiveRole, type ProtectiveRole } from './identityHeaderRules';
import { relatedAt, statementRange, where } from './tlsRuleSupport';
import { UNREAD_BY_HEADER_INHERITANCE } from '../unreadArguments';

const RULES: RuleMeta[] = [
  { code: 'proxy.header-inheritance-drop', category: 'proxy', severity: 'warning', title: 'Block silently drops inherited headers', nginxRefuses: false, preferredFix: true },
];

const FAMILIES = ['proxy_set_header', 'grpc_set_header', 'add_header'];

const BLOCK_CONTEXTS = new Set(['server', 'location', 'if-in-location', 'if-in-server', 'limit_except']);

interface ProtectiveDrop {
  label: string;
  role: ProtectiveRole;
}

/**
 * What a header statement protects, per syntax object (its text does not change while it is the
 * same object): the blocks that drop inherited headers mostly drop the same few of the level
 * above, and each of the benchmark tree's 2,000 servers asked again for every one of them.
 */
const protectiveDropOf = new WeakMap<Directive, ProtectiveDrop | null>();

/** The dropped statements that protect the backend, with their role, for the message and severity. */
function protectiveDrops(dropped: readonly ConfigNode[]): ProtectiveDrop[] {
  const found: ProtectiveDrop[] = [];
  for (const node of dropped) {
    let drop = protectiveDropOf.get(node.directive);
    if (drop === undefined) {
      const [name, value] = node.directive.args;
      const role = name && protectiveRole(name.value, value?.value);
      drop = role ? { label: `${name.value} (${role})`, role } : null;
      protectiveDropOf.set(node.directive, drop);
    }
    if (drop) found.push(drop);
  }
  return found;
}

/** Error when a client can now claim an identity; warning for any other changed request; information when only clears of harmless headers go. */
function dropSeverity(family: string, dropped: readonly ConfigNode[], protective: readonly { role: ProtectiveRole }[]): Severity {
  if (protective.some((p) => p.role === 'client identity')) return 'error';
  if (protective.length > 0 || family === 'add_header' || !clearsOnly(dropped)) return 'warning';
  return 'information';
}

/** Statements whose only effect is to clear a client header (`Accept-Encoding ""`). */
function clearsOnly(dropped: readonly ConfigNode[]): boolean {
  return dropped.every((n) => n.directive.args[1]?.value === '');
}

function blockContext(node: ConfigNode): string | undefined {
  return node.children[0]?.context;
}

/**
 * True when the statement's text parses alone without a problem. A statement that ends with `;`
 * keeps its text as long as it keeps its syntax object (an edit inside it parses it again), so the
 * answer is kept per syntax object: every block below a typed-into http-level header asked again
 * for each of the http level's headers at every keystroke (issue #15).
 */
function copiesCleanly(node: ConfigNode): boolean {
  const directive = node.directive;
  if (directive.terminator !== ';') return false;
  let clean = cleanCopies.get(directive);
  if (clean === undefined) {
    clean = parseConfig(sourceOf(node)).problems.length === 0;
    cleanCopies.set(directive, clean);
  }
  return clean;
}

const cleanCopies = new WeakMap<Directive, boolean>();

export const headerInheritanceRules: RuleFamily = {
  name: 'header-inheritance',
  rules: RULES,
  // A block's drop depends on its own header lines and those of the levels around it, and is reported in it.
  blockLocal: true,
  argumentsUnread: UNREAD_BY_HEADER_INHERITANCE,
  // Each header array is judged per block against the level the block inherits it from.
  inheritedArrays: new Set(FAMILIES),
  run(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    // A finding lands on the block's own first header line: only blocks holding a statement
    // of a checked file can get one.
    for (const block of context.onlyBlocks ?? focusOf(context).containers) {
      if (!block || !block.directive.block || !BLOCK_CONTEXTS.has(blockContext(block) ?? '')) continue;
      for (const family of FAMILIES) {
        const mine = own(block, family);
        if (mine.length === 0) continue;
        const from = inheritedFrom(block, family, context.tree);
        if (!from) continue;
        const redefined = new Set(mine.map((n) => n.directive.args[0]?.value.toLowerCase()));
        const dropped = own(from, family).filter((n) => !redefined.has(n.directive.args[0]?.value.toLowerCase()));
        if (dropped.length === 0) continue;
        const protective = family === 'add_header' ? [] : protectiveDrops(dropped);
        const names = dropped.map((n) => n.directive.args[0]?.value ?? '').join(', ');
        const first = mine[0];
        // The drop comes from this block, not from a shared snippet it includes: report at its include.
        const placed = placeInBlock(first, block, `the block's first ${family}, from the included file`);
        const fromLabel = from.node ? `"${from.node.directive.name}${from.node.directive.args.length ? ' ' + from.node.directive.args.map((a) => a.value).join(' ') : ''}" (${where(from.node)})` : 'the enclosing level';
        let message = `This block sets its own ${family}, so nginx no longer applies the ${dropped.length} inherited from ${fromLabel}: ${names}.`;
        if (protective.length > 0) message += ` The backend now receives whatever the client sends under ${protective.length === 1 ? 'this name' : 'these names'}, which it may trust: ${protective.map((p) => p.label).join(', ')}.`;
        else if (family !== 'add_header' && clearsOnly(dropped)) message += ` The client's own ${dropped.length === 1 ? 'header of that name now reaches' : 'headers of those names now reach'} the backend again.`;
        findings.push({
          code: 'proxy.header-inheritance-drop',
          severity: dropSeverity(family, dropped, protective),
          file: placed.anchor.file.path, ...statementRange(placed.anchor),
          message,
          related: context.reportOnly ? undefined : [...placed.related, ...dropped.map((n) => relatedAt(n, 'no longer applied in that block'))],
          // Copying is offered only when every copied statement stands on its own without a syntax problem.
          fixes: context.reportOnly ? undefined : dropped.every(copiesCleanly) ? [{ title: `Copy the inherited ${family} lines into this block`, safe: false, preferred: true,
            edits: [insertBefore(placed.anchor, dropped.map(sourceOf))] }] : undefined,
        });
      }
    }
    return findings;
  },
};
