/**
 * `listen ... http2`: from 1.25.1 nginx has the `http2` directive and warns about the listen
 * parameter (ngx_http_core_listen, "the \"listen ... http2\" directive is deprecated, use the
 * \"http2\" directive instead"), pointing at the listen line. The parameter still works, so
 * this is a warning; before 1.25.1 the parameter is the only way and nothing is reported.
 */
import { atLeast } from '../../directives/versions';
import type { ConfigNode } from '../../model/configTree';
import { focusOf } from '../analysisFocus';
import type { Finding, RuleMeta, TextEdit } from '../finding';
import { insertAfter } from '../fixes/textEdits';
import type { RuleContext, RuleFamily } from '../ruleContext';
import { UNREAD_BY_TLS_FAMILIES } from '../unreadArguments';

const RULES: RuleMeta[] = [
  { code: 'tls.listen-http2-deprecated', category: 'tls', severity: 'warning', title: 'Deprecated "listen ... http2" parameter (use the "http2" directive)', nginxRefuses: false, preferredFix: true },
];

/** The edits that move the parameter to an `http2 on;` line (unless the server has one already). */
function moveToDirective(node: ConfigNode): TextEdit[] {
  const param = node.directive.args.find((a) => a.value === 'http2');
  if (!param) return [];
  const text = node.file.text;
  // Remove the parameter with the blank before it.
  let start = param.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  const edits: TextEdit[] = [{ file: node.file.path, start, end: param.end, newText: '' }];
  const siblings = node.parent?.children ?? [];
  if (!siblings.some((s) => s.directive.name === 'http2')) edits.push(insertAfter(node, ['http2 on;']));
  return edits;
}

export const listenDeprecationRules: RuleFamily = {
  name: 'listen-deprecations',
  rules: RULES,
  argumentsUnread: UNREAD_BY_TLS_FAMILIES,
  run(context: RuleContext): Finding[] {
    if (!atLeast(context.settings.targetVersion, '1.25.1')) return [];
    const findings: Finding[] = [];
    const nodes = focusOf(context).nodes;
    for (let at = 0; at < nodes.length; at++) {
      const node = nodes[at];
      if (node.directive.name !== 'listen' || node.context !== 'server') continue;
      const param = node.directive.args.slice(1).find((a) => a.value === 'http2');
      if (!param) continue;
      findings.push({
        code: 'tls.listen-http2-deprecated', file: node.file.path, start: param.start, end: param.end,
        message: `nginx ${context.settings.targetVersion} warns: the "listen ... http2" directive is deprecated, use the "http2" directive instead. HTTP/2 still works; "http2 on;" in the server does the same without the warning.`,
        fixes: context.reportOnly ? undefined : [{ title: 'Replace the "http2" parameter with "http2 on;"', safe: false, preferred: true, edits: moveToDirective(node) }],
      });
    }
    return findings;
  },
};
