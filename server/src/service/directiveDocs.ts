/**
 * Documentation texts for directives and variables, as markdown: syntax, default, contexts,
 * module and versions from the generated table, a short description written by us
 * (descriptions.json), and a link to nginx.org. Shared by hover and completion.
 */
import descriptionData from '../directives/data/descriptions.json';
import variableData from '../directives/data/variables.json';
import type { ContextKind } from '../directives/directiveTable';
import type { DirectiveEntry, ModuleType } from '../directives/directiveTypes';
import { compareVersions } from '../directives/versions';

interface DescriptionData {
  directives: Record<string, string>;
  variables: Record<string, string>;
}

interface VariableData {
  variables: Record<string, { modules: { module: string; url: string }[]; prefix?: boolean }>;
}

const descriptions = descriptionData as DescriptionData;
const variables = (variableData as VariableData).variables;

/** Human names of nginx's context flags (`NGX_HTTP_SRV_CONF` → `server`). */
const CONTEXT_FLAG_NAMES: Record<string, string> = {
  NGX_MAIN_CONF: 'main',
  NGX_EVENT_CONF: 'events',
  NGX_HTTP_MAIN_CONF: 'http',
  NGX_HTTP_SRV_CONF: 'server',
  NGX_HTTP_LOC_CONF: 'location',
  NGX_HTTP_SIF_CONF: 'if in server',
  NGX_HTTP_LIF_CONF: 'if in location',
  NGX_HTTP_LMT_CONF: 'limit_except',
  NGX_HTTP_UPS_CONF: 'upstream',
  NGX_STREAM_MAIN_CONF: 'stream',
  NGX_STREAM_SRV_CONF: 'server (stream)',
  NGX_STREAM_UPS_CONF: 'upstream (stream)',
  NGX_MAIL_MAIN_CONF: 'mail',
  NGX_MAIL_SRV_CONF: 'server (mail)',
  NGX_ANY_CONF: 'any',
};

/** The module type whose directives a context accepts. */
const CONTEXT_MODULE_TYPE: Partial<Record<ContextKind, ModuleType>> = {
  main: 'CORE', events: 'EVENT',
  http: 'HTTP', server: 'HTTP', location: 'HTTP', 'if-in-server': 'HTTP', 'if-in-location': 'HTTP', limit_except: 'HTTP', upstream: 'HTTP',
  stream: 'STREAM', 'stream-server': 'STREAM', 'stream-upstream': 'STREAM',
  mail: 'MAIL', 'mail-server': 'MAIL',
};

/** Human names of the contexts an entry is allowed in, in nginx's documentation order. */
export function contextNames(entry: DirectiveEntry): string[] {
  return entry.flags.map((f) => CONTEXT_FLAG_NAMES[f]).filter((n): n is string => n !== undefined);
}

/** Our own short description of a directive, when we wrote one. */
export function directiveDescription(name: string): string | undefined {
  return descriptions.directives[name];
}

/**
 * The entries worth showing for a directive in a context: those of the context's module
 * type (http, stream, mail…), or every entry when none matches or the context is unknown.
 * Entries of the same module are shown once.
 */
export function entriesForContext(entries: readonly DirectiveEntry[], context: ContextKind | undefined): DirectiveEntry[] {
  const type = context ? CONTEXT_MODULE_TYPE[context] : undefined;
  const matching = type ? entries.filter((e) => e.moduleType === type) : [];
  const chosen = matching.length > 0 ? matching : [...entries];
  const seen = new Set<string>();
  return chosen.filter((e) => {
    if (seen.has(e.module)) return false;
    seen.add(e.module);
    return true;
  });
}

export interface DocsOptions {
  /** The context the directive stands in, to pick between http/stream/mail entries. */
  context?: ContextKind;
  /** The nginx version the user targets, to say when a directive is missing in it. */
  targetVersion?: string;
}

/** Markdown documentation of a directive; undefined for unknown names. */
export function directiveMarkdown(name: string, entries: readonly DirectiveEntry[], options: DocsOptions = {}): string | undefined {
  if (entries.length === 0) return undefined;
  const shown = entriesForContext(entries, options.context);
  const parts: string[] = [];
  parts.push(`**${name}** — ${shown.map((e) => `\`${e.module}\``).join(', ')}`);
  const description = directiveDescription(name);
  if (description) parts.push(description);
  for (const entry of shown) {
    const lines: string[] = [];
    if (shown.length > 1) lines.push(`*${entry.module}*`);
    if (entry.syntax && entry.syntax.length > 0) lines.push('```nginx\n' + entry.syntax.join('\n') + '\n```');
    const facts: string[] = [];
    if (entry.default !== undefined) facts.push(`Default: \`${name} ${entry.default};\``);
    const contexts = contextNames(entry);
    if (contexts.length > 0) facts.push(`Context: ${contexts.join(', ')}`);
    const versions: string[] = [];
    if (entry.since) versions.push(`since nginx ${entry.since}`);
    if (entry.removedIn) versions.push(`removed in ${entry.removedIn}`);
    if (entry.thirdParty) versions.push('third-party module');
    if (versions.length > 0) facts.push(`Version: ${versions.join(', ')}`);
    const missing = options.targetVersion ? missingIn(entry, options.targetVersion) : undefined;
    if (missing) facts.push(`⚠ ${missing}`);
    if (entry.url) facts.push(`[Documentation on nginx.org](${entry.url})`);
    if (facts.length > 0) lines.push(facts.join('  \n'));
    parts.push(lines.join('\n\n'));
  }
  return parts.join('\n\n');
}

function missingIn(entry: DirectiveEntry, version: string): string | undefined {
  if (entry.removedIn && compareVersions(version, entry.removedIn) >= 0) return `Not available in the target nginx ${version}: removed in ${entry.removedIn}.`;
  if (entry.since && compareVersions(version, entry.since) < 0) return `Not available in the target nginx ${version}: added in ${entry.since}.`;
  return undefined;
}

export interface VariableInfo {
  /** The name as listed, with `$`; prefix families end with `_` (`$http_`). */
  name: string;
  modules: { module: string; url: string }[];
  /** True for families such as `$http_` that take any suffix. */
  prefix: boolean;
  description?: string;
}

/** Every built-in variable (and variable family) of nginx, sorted by name. */
export function allVariables(): VariableInfo[] {
  return Object.keys(variables).map((name) => variableInfo(name) as VariableInfo);
}

/**
 * A built-in variable by name (with `$`). Names of a family (`$http_x_client_cert`)
 * resolve to the family (`$http_`), the longest matching prefix winning.
 */
export function variableInfo(name: string): VariableInfo | undefined {
  const exact = variables[name];
  if (exact) return { name, modules: exact.modules, prefix: exact.prefix === true, description: descriptions.variables[name] };
  let best: string | undefined;
  for (const [candidate, entry] of Object.entries(variables)) {
    if (entry.prefix && name.startsWith(candidate) && name.length > candidate.length && (!best || candidate.length > best.length)) best = candidate;
  }
  return best ? variableInfo(best) : undefined;
}

/** Markdown documentation of a variable; undefined when nginx defines no such variable. */
export function variableMarkdown(name: string): string | undefined {
  const info = variableInfo(name);
  if (!info) return undefined;
  const title = info.prefix ? `**${info.name}**\\* (any suffix)` : `**${info.name}**`;
  const parts = [`${title} — ${info.modules.map((m) => `\`${m.module}\``).join(', ')}`];
  if (info.description) parts.push(info.description);
  parts.push(info.modules.map((m) => `[${m.module} on nginx.org](${m.url})`).join('  \n'));
  return parts.join('\n\n');
}

/** True when a variable of this module can be used in the given context (http vs stream). */
export function variableFitsContext(info: VariableInfo, context: ContextKind): boolean {
  const type = CONTEXT_MODULE_TYPE[context];
  if (type === 'HTTP') return info.modules.some((m) => !m.module.startsWith('ngx_stream_') && !m.module.startsWith('ngx_mail_'));
  if (type === 'STREAM') return info.modules.some((m) => m.module.startsWith('ngx_stream_'));
  return true;
}
