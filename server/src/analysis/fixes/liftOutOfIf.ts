/**
 * Quick fix for a directive nginx refuses inside `if` (most often proxy_set_header, which
 * lacks NGX_HTTP_LIF_CONF). `if ($h) { proxy_set_header X $h; }` needs no `if`: nginx does
 * not send a header whose value is empty. Any other condition becomes a `map` at http level
 * that computes the value, and the header is set unconditionally.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header
 */
import type { ConfigNode } from '../../model/configTree';
import { inheritedFrom, own } from '../../model/effectiveConfig';
import type { ConfigTree } from '../../model/configTree';
import type { Fix, TextEdit } from '../finding';
import { indentUnit, indentationAt, insertBefore, quoteArg, removeStatement, replaceStatement } from './textEdits';

/** Directives whose empty value means "not sent", and that take variables. */
const HEADER_DIRECTIVES = new Set(['proxy_set_header', 'grpc_set_header']);

interface Condition {
  variable: string;
  operator?: string;
  operand?: string;
}

/** Reads `if (...)` arguments as ngx_http_rewrite_if_condition does: strips the parentheses. */
export function parseCondition(ifNode: ConfigNode): Condition | undefined {
  const words = ifNode.directive.args.map((a) => a.value);
  if (words.length === 0) return undefined;
  words[0] = words[0].replace(/^\(/, '');
  words[words.length - 1] = words[words.length - 1].replace(/\)$/, '');
  const parts = words.filter((w, i) => !(w === '' && (i === 0 || i === words.length - 1)));
  const variable = parts[0];
  if (!variable || !/^\$[A-Za-z0-9_]+$/.test(variable)) return undefined;
  if (parts.length === 1) return { variable };
  if (parts.length === 3 && ['=', '!=', '~', '~*', '!~', '!~*'].includes(parts[1])) return { variable, operator: parts[1], operand: parts[2] };
  return undefined;
}

/** Map entries producing `value` when the condition holds and "" otherwise. */
function mapEntries(condition: Condition, value: string): [string, string][] | undefined {
  const v = quoteArg(value);
  const operand = condition.operand ?? '';
  switch (condition.operator) {
    case undefined: return [['""', '""'], ['"0"', '""'], ['default', v]];
    case '=': return [[quoteArg(operand === '' ? '' : operand), v], ['default', '""']];
    case '!=': return [[quoteArg(operand), '""'], ['default', v]];
    case '~': return [[quoteArg(`~${operand}`), v], ['default', '""']];
    case '~*': return [[quoteArg(`~*${operand}`), v], ['default', '""']];
    case '!~': return [[quoteArg(`~${operand}`), '""'], ['default', v]];
    case '!~*': return [[quoteArg(`~*${operand}`), '""'], ['default', v]];
    default: return undefined;
  }
}

function mapVariableName(headerName: string, tree: ConfigTree | undefined, taken: string): string {
  const base = `$${headerName.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}_value`;
  let name = base;
  const used = tree ? variablesOf(tree) : variableNames([taken]);
  for (let i = 2; used.has(name); i++) name = `${base}${i}`;
  return name;
}

/** Every `$name` / `${name}` written in the tree's files, computed once per tree (a scan per fix is quadratic). */
const treeVariables = new WeakMap<ConfigTree, Set<string>>();

function variablesOf(tree: ConfigTree): Set<string> {
  let names = treeVariables.get(tree);
  if (!names) {
    names = variableNames([...tree.files.values()].map((u) => u.parsed.text));
    treeVariables.set(tree, names);
  }
  return names;
}

function variableNames(texts: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(/\$\{?([A-Za-z0-9_]+)/g)) names.add('$' + m[1]);
  return names;
}

/** The http-level `server` block to put a map before (maps are http-level only). */
function serverAtHttpLevel(node: ConfigNode): ConfigNode | undefined {
  for (let n: ConfigNode | undefined = node; n; n = n.parent) {
    if (n.directive.name === 'server' && n.context === 'http') return n;
  }
  return undefined;
}

/** Removes the directive from the `if`, or the whole `if` when it held nothing else. */
function takeOut(node: ConfigNode, ifNode: ConfigNode, replacement: string): TextEdit[] {
  if (ifNode.children.length === 1) return [replaceStatement(ifNode, replacement)];
  return [insertBefore(ifNode, [replacement]), removeStatement(node)];
}

/**
 * Fixes for a directive that stands inside an `if` where nginx does not allow it.
 * Returns no fix when the directive cannot be expressed without the `if`.
 */
export function liftOutOfIf(node: ConfigNode, tree?: ConfigTree): Fix[] {
  const ifNode = node.parent;
  if (!ifNode || ifNode.directive.name !== 'if') return [];
  const name = node.directive.name;
  const args = node.directive.args;
  if (!HEADER_DIRECTIVES.has(name) || args.length !== 2) return [];
  const condition = parseCondition(ifNode);
  if (!condition) return [];
  const header = args[0];
  const value = args[1].value;
  const source = node.file.text.slice(node.directive.start, node.directive.end);
  // Lifting adds a header line to the enclosing block, which can stop it inheriting others.
  const enclosing = ifNode.parent;
  const dropsInherited = enclosing !== undefined && own(enclosing, name).length === 0 && tree !== undefined && inheritedFrom(enclosing, name, tree) !== undefined;
  if (!condition.operator && value === condition.variable) {
    return [{
      title: `Set ${header.value} unconditionally (an empty ${condition.variable} is not sent, so the "if" is not needed)`,
      safe: !dropsInherited && ifNode.context === 'location',
      preferred: true,
      edits: takeOut(node, ifNode, source),
    }];
  }
  const server = serverAtHttpLevel(ifNode);
  const entries = mapEntries(condition, value);
  if (!server || !entries) return [];
  const variable = mapVariableName(header.value, tree, node.file.text);
  const unit = indentUnit(server.file);
  const indent = indentationAt(server.file, server.directive.start);
  const width = Math.max(...entries.map(([k]) => k.length));
  const mapText = [`map ${condition.variable} ${variable} {`, ...entries.map(([k, v]) => `${indent}${unit}${k.padEnd(width)} ${v};`), `${indent}}`].join('\n') + '\n';
  const mapEdit: TextEdit = { file: server.file.path, start: server.directive.start, end: server.directive.start, newText: `${mapText}\n${indent}` };
  const replacement = `${name} ${quoteArg(header.value)} ${variable};`;
  return [{
    title: `Compute ${header.value} with a map and set it unconditionally`,
    safe: false,
    preferred: true,
    edits: [mapEdit, ...takeOut(node, ifNode, replacement)],
  }];
}
