/**
 * Argument checks of nginx handlers that parse their own arguments, simulated on our statement
 * (nginx 1.22.1 sources): `error_page` (ngx_http_core_error_page) and the parameters of `listen`
 * (ngx_http/stream/mail_core_listen). Each returns nginx's wording and the argument it stops at.
 * They matter most when a ";" is missing: nginx then reads the next directive as more arguments
 * and stops at the first one its handler refuses, on the line where the statement finally ends.
 */
import type { ConfigNode } from '../model/configTree';
import type { Word } from '../parser/syntaxTree';
import { atLeast } from '../directives/versions';
import type { Fix } from './finding';
import type { RuleContext } from './ruleContext';

export interface ArgumentProblem {
  wording: string;
  arg: Word;
}

/** ngx_atoi: decimal digits only. */
const ATOI = /^\d+$/;

export function errorPageProblem(args: readonly Word[]): ArgumentProblem | undefined {
  if (args.length < 2) return undefined;
  const beforeUri = args[args.length - 2];
  let codes = args.length - 1;
  if (beforeUri.value.startsWith('=')) {
    if (args.length === 2 || (beforeUri.value.length > 1 && !ATOI.test(beforeUri.value.slice(1)))) return { wording: `invalid value "${beforeUri.value}"`, arg: beforeUri };
    codes--;
  }
  for (const arg of args.slice(0, codes)) {
    if (!ATOI.test(arg.value) || Number(arg.value) === 499) return { wording: `invalid value "${arg.value}"`, arg };
    const code = Number(arg.value);
    if (code < 300 || code > 599) return { wording: `value "${arg.value}" must be between 300 and 599`, arg };
  }
  return undefined;
}

/** The listen parameters each module's handler knows (exact names, or prefixes ending in "="). */
const LISTEN_PARAMETERS: Record<'http' | 'stream' | 'mail', readonly string[]> = {
  http: ['default_server', 'default', 'bind', 'setfib=', 'fastopen=', 'backlog=', 'rcvbuf=', 'sndbuf=', 'accept_filter=', 'deferred', 'ipv6only=o', 'reuseport', 'ssl', 'http2', 'spdy', 'so_keepalive=', 'proxy_protocol'],
  stream: ['udp', 'bind', 'fastopen=', 'backlog=', 'rcvbuf=', 'sndbuf=', 'ipv6only=o', 'reuseport', 'ssl', 'so_keepalive=', 'proxy_protocol'],
  mail: ['bind', 'backlog=', 'rcvbuf=', 'sndbuf=', 'ipv6only=o', 'ssl', 'so_keepalive=', 'proxy_protocol'],
};

function listenFamily(node: ConfigNode): 'http' | 'stream' | 'mail' {
  return node.context.startsWith('stream') ? 'stream' : node.context.startsWith('mail') ? 'mail' : 'http';
}

/** The first listen parameter nginx does not know: `invalid parameter "…"`. */
export function listenProblem(node: ConfigNode, version: string): ArgumentProblem | undefined {
  const known = [...LISTEN_PARAMETERS[listenFamily(node)], ...(atLeast(version, '1.25.0') && listenFamily(node) === 'http' ? ['quic'] : [])];
  for (const arg of node.directive.args.slice(1)) {
    const value = arg.value;
    if (!known.some((p) => (p.endsWith('=') || p.endsWith('=o') ? value.startsWith(p) : value === p))) return { wording: `invalid parameter "${value}"`, arg };
  }
  return undefined;
}

/** Where a `;` is probably missing: arguments run onto the next line and that line starts like a directive. */
function missingSemicolonPlace(node: ConfigNode, context: RuleContext): { after: string; line: number; offset: number } | undefined {
  const { directive, file } = node;
  const args = directive.args;
  const nameLine = file.lines.lineAt(directive.start);
  // Arguments come in text order: when the last one is on the name's line, they all are.
  if (args.length === 0 || file.lines.lineAt(args[args.length - 1].start) === nameLine) return undefined;
  for (const arg of args) {
    const line = file.lines.lineAt(arg.start);
    if (line > nameLine && !arg.quote && context.table.isKnown(arg.value)) {
      const previous = directive.args[directive.args.indexOf(arg) - 1];
      const start = previous ? previous.start : directive.start;
      const end = previous ? previous.end : directive.nameEnd;
      return { after: file.text.slice(start, end), line: file.lines.lineAt(end) + 1, offset: end };
    }
  }
  return undefined;
}

/** When arguments run onto the next line and that line starts like a directive, a `;` is probably missing. */
export function missingSemicolonHint(node: ConfigNode, context: RuleContext): string | undefined {
  const place = missingSemicolonPlace(node, context);
  return place && `Is a ";" missing after "${place.after}" on line ${place.line}?`;
}

/**
 * The `;` the hint suggests, as a quick fix. Not preferred: it is a guess from the layout, so
 * fix-all does not apply it; the author confirms it with one click.
 */
export function missingSemicolonFix(node: ConfigNode, context: RuleContext): Fix[] | undefined {
  const place = missingSemicolonPlace(node, context);
  return place && [{ title: `Add the missing ";" after "${place.after}" (line ${place.line})`, safe: false, preferred: false,
    edits: [{ file: node.file.path, start: place.offset, end: place.offset, newText: ';' }] }];
}
