/**
 * Completion: directive names valid in the context at the cursor (with argument snippets
 * derived from the documented syntax), keyword arguments, `$variables`, file paths for
 * certificate/key/include directives, and `upstream` names after `proxy_pass http://`.
 */
import * as path from 'node:path';
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Range,
} from 'vscode-languageserver-types';
import { allVariables, directiveMarkdown, entriesForContext, variableFitsContext, variableMarkdown } from './directiveDocs';
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { DirectiveEntry, ModuleType } from '../directives/directiveTypes';
import type { ParsedFile } from '../model/parsedFile';
import { walkDirectives, type Directive, type Word } from '../parser/syntaxTree';
import { contextAtOffset, type OffsetContext } from './contextAtOffset';
import { snippetItems } from './snippetCompletion';
import { extensionItems, headerNameItems, locationModifierItems, mimeTypeItems, namedLocationItems, type ValuePosition } from './argumentValues';
import { fitsByContent, type FileDirectiveKind } from './certificateFileKind';
import { directiveValueSet, valuesInVersion } from '../directives/directiveValues';
import { toRange } from './lspConvert';

export interface CompletionOptions {
  table: DirectiveTable;
  /** Context of the file's top level (from the ConfigTree or inferContext). */
  rootContext: ContextKind;
  /** nginx version the user targets: directives missing in it are not offered. */
  targetVersion: string;
  /**
   * Entry names of an absolute directory; names ending with `/` are directories.
   * Without it no file paths are offered.
   */
  listFiles?: (dir: string) => Promise<string[]>;
  /** nginx's conf prefix: the main config's directory, which relative paths resolve against. */
  confDir: string;
  /** Maps a path as written to a local absolute path (path mappings); defaults to joining with confDir. */
  resolvePath?: (written: string) => string;
  /** Names of the http `upstream` blocks of the configuration (and of those whose context is unknown). */
  upstreamNames: string[];
  /** Names of the stream `upstream` blocks; without it stream `proxy_pass` offers `upstreamNames`. */
  streamUpstreamNames?: string[];
  /** `@name`s of named locations elsewhere in the configuration (the file's own are always found). */
  namedLocations?: string[];
  /**
   * The first few kilobytes of a file as text, so certificate paths can be told apart by their
   * PEM labels; undefined when unreadable. Without it files are judged by their name ending.
   */
  readHead?: (file: string) => Promise<string | undefined>;
}

/** Directives whose first argument is a file, and the file name endings that fit them. */
const CERTIFICATE = ['.crt', '.pem', '.cer'];
const KEY = ['.key', '.pem'];
const CRL = ['.crl', '.pem'];
const PASSWORDS = ['.txt', '.pass', '.passwd'];
const UPSTREAM_TLS_FILES: Record<string, string[]> = {
  certificate: CERTIFICATE,
  certificate_key: KEY,
  trusted_certificate: CERTIFICATE,
  crl: CRL,
  password_file: PASSWORDS,
};
export const FILE_DIRECTIVES: Record<string, string[]> = {
  ssl_certificate: CERTIFICATE,
  ssl_certificate_key: KEY,
  ssl_client_certificate: CERTIFICATE,
  ssl_trusted_certificate: CERTIFICATE,
  ssl_crl: CRL,
  ssl_dhparam: ['.pem'],
  ssl_password_file: PASSWORDS,
  ssl_session_ticket_key: ['.key'],
  ssl_stapling_file: ['.der', '.ocsp', '.resp'],
  include: ['.conf', '.types', '_params', '.nginx', ''],
};
for (const prefix of ['proxy_ssl_', 'grpc_ssl_', 'uwsgi_ssl_']) {
  for (const [suffix, endings] of Object.entries(UPSTREAM_TLS_FILES)) FILE_DIRECTIVES[prefix + suffix] = endings;
}

/** What a file directive reads, so a file's PEM labels can decide whether it fits. */
function fileDirectiveKind(name: string): FileDirectiveKind {
  if (name.endsWith('_certificate_key')) return 'key';
  if (name.endsWith('_certificate')) return 'certificate';
  if (name.endsWith('_crl')) return 'crl';
  if (name === 'ssl_dhparam') return 'dhparam';
  if (name.endsWith('_password_file')) return 'text';
  return 'other';
}

/** Name endings worth opening to read PEM labels (other files are judged by name only). */
const PEM_LIKE = ['.crt', '.pem', '.cer', '.key', '.crl'];

/**
 * Where an upstream group name starts in the first argument of a `*_pass` directive:
 * after `http(s)://` for proxy_pass, `grpc(s)://` for grpc_pass, at the start for stream's
 * proxy_pass and for fastcgi/uwsgi/scgi/memcached_pass. Undefined when no name fits.
 */
function upstreamNameStart(name: string, typed: string, context: ContextKind): number | undefined {
  const scheme = (pattern: RegExp, optional: boolean): number | undefined => {
    const match = pattern.exec(typed);
    if (match) return match[0].length;
    return optional && !typed.includes(':') ? 0 : undefined;
  };
  switch (name) {
    case 'proxy_pass':
      return context === 'stream-server' ? scheme(/^$/, true) : scheme(/^https?:\/\//, false);
    case 'grpc_pass':
      return scheme(/^grpcs?:\/\//, true);
    case 'uwsgi_pass':
      return scheme(/^s?uwsgi:\/\//, true);
    case 'fastcgi_pass':
    case 'scgi_pass':
    case 'memcached_pass':
      return scheme(/^$/, true);
    default:
      return undefined;
  }
}

/** Completion items at `offset` of `file`. */
export async function complete(file: ParsedFile, offset: number, options: CompletionOptions): Promise<CompletionItem[]> {
  const at = contextAtOffset(file, offset, { table: options.table, rootContext: options.rootContext });
  const target = at.target;
  switch (target.kind) {
    case 'comment':
    case 'raw-body':
      return [];
    case 'statement-start':
      if (inTypesBlock(at)) return mimeTypeItems(toRange(file, offset, offset));
      return [...directiveItems(file, at, offset, offset, options, true), ...snippetItems(at.context, toRange(file, offset, offset))];
    case 'directive-name':
      if (inTypesBlock(at)) return mimeTypeItems(toRange(file, target.word.start, replaceEnd(file, target.word, offset)));
      return directiveNameItems(file, at, target.directive, target.word, offset, options);
    case 'argument':
      return argumentItems(file, at, offset, options);
  }
}

/** Directive names where a name is being typed, and the snippets valid there when the statement has nothing after it yet. */
function directiveNameItems(file: ParsedFile, at: OffsetContext, directive: Directive, word: Word, offset: number, options: CompletionOptions): CompletionItem[] {
  const end = replaceEnd(file, word, offset);
  const bare = !hasArgumentsOnSameLine(file.text, directive);
  const items = directiveItems(file, at, word.start, end, options, bare);
  if (bare && at.context !== 'custom-body') items.push(...snippetItems(at.context, toRange(file, word.start, end)));
  return items;
}

/** True inside `types {}`, whose lines are `mime/type extension...;` rather than directives. */
function inTypesBlock(at: OffsetContext): boolean {
  return at.context === 'custom-body' && at.enclosing[at.enclosing.length - 1]?.name === 'types';
}

/**
 * Where a completion's range ends: the end of the word under the cursor, so that choosing an
 * item in the middle of a word replaces all of it (a closing quote stays).
 */
function replaceEnd(file: ParsedFile, word: Word | undefined, offset: number): number {
  if (!word || offset > word.end) return offset;
  const last = file.text[word.end - 1];
  const closed = word.quote !== undefined && word.end - word.start >= 2 && last === word.quote;
  return Math.max(offset, closed ? word.end - 1 : word.end);
}

function hasArgumentsOnSameLine(text: string, directive: Directive): boolean {
  const lineEnd = lineEndAfter(text, directive.nameEnd);
  if (directive.args.length > 0 && directive.args[0].start < lineEnd) return true;
  const terminatorAt = directive.block ? directive.block.start : directive.terminator === ';' ? directive.end - 1 : -1;
  return terminatorAt >= 0 && terminatorAt < lineEnd;
}

function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

function directiveItems(file: ParsedFile, at: OffsetContext, start: number, end: number, options: CompletionOptions, withSnippet: boolean): CompletionItem[] {
  if (at.context === 'custom-body') return [];
  const range = toRange(file, start, end);
  const items: CompletionItem[] = [];
  for (const name of options.table.names()) {
    if (!options.table.isAllowedIn(name, at.context, options.targetVersion)) continue;
    const available = options.table.entriesForVersion(name, options.targetVersion);
    if (available.length === 0) continue;
    const entries = entriesForContext(available, at.context);
    const entry = entries[0];
    const snippet = withSnippet ? directiveSnippet(name, entry) : undefined;
    const markdown = directiveMarkdown(name, available, { context: at.context, targetVersion: options.targetVersion });
    const isBlock = entry.flags.includes('NGX_CONF_BLOCK');
    items.push({
      label: name,
      kind: isBlock ? CompletionItemKind.Module : CompletionItemKind.Keyword,
      detail: entry.module,
      documentation: markdown ? { kind: MarkupKind.Markdown, value: markdown } : undefined,
      // nginx's own modules first, third-party ones after them.
      sortText: (entry.thirdParty ? '1' : '0') + name,
      filterText: name,
      insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: { range, newText: snippet ?? name },
    });
  }
  return items;
}

/** Escapes text for a snippet placeholder (`$`, `}` and `\` are special). */
function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, (c) => '\\' + c);
}

/** Escapes a value of a `${1|a,b|}` choice (`,` and `|` are special too). */
function escapeChoice(text: string): string {
  return text.replace(/[$}\\,|]/g, (c) => '\\' + c);
}

/** The words of a documented syntax line after the name, with `[…]` groups kept whole. */
function syntaxTokens(name: string, syntax: string): string[] {
  let rest = syntax.trim();
  if (rest.startsWith(name)) rest = rest.slice(name.length);
  rest = rest.replace(/\{\s*\.\.\.\s*\}\s*$/, '').replace(/;\s*$/, '').trim();
  const tokens: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of rest) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ' ' && depth === 0) {
      if (current) tokens.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current) tokens.push(current);
  // `a | b | c` written with spaces is one alternative list.
  const merged: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === '|' && merged.length > 0 && i + 1 < tokens.length) {
      merged[merged.length - 1] += ' | ' + tokens[++i];
    } else {
      merged.push(tokens[i]);
    }
  }
  return merged;
}

const KEYWORD = /^[A-Za-z][\w.]*$/;

/** Alternatives of `on | off | optional`, or undefined when the token is not a plain keyword list. */
function alternatives(token: string): string[] | undefined {
  const parts = token.split('|').map((p) => p.trim());
  return parts.length > 1 && parts.every((p) => KEYWORD.test(p)) ? parts : undefined;
}

/**
 * The snippet inserted for a directive name: `name ${1|on,off|};` for flags, a choice for
 * documented keyword lists, placeholders named after the syntax otherwise, and
 * `name ${1} {\n\t$0\n}` for blocks.
 */
export function directiveSnippet(name: string, entry: DirectiveEntry): string {
  const flags = entry.flags;
  if (flags.includes('NGX_CONF_BLOCK')) {
    return flags.includes('NGX_CONF_NOARGS') ? `${name} {\n\t$0\n}` : `${name} \${1} {\n\t$0\n}`;
  }
  if (flags.includes('NGX_CONF_FLAG')) return `${name} \${1|on,off|};`;
  if (flags.includes('NGX_CONF_NOARGS')) return `${name};`;
  const syntax = entry.syntax?.[0];
  const tokens = syntax ? syntaxTokens(name, syntax) : [];
  const required = tokens.filter((t) => !t.startsWith('[') && t !== '...' && t !== '&hellip;');
  if (required.length === 0) {
    return entry.default ? `${name} \${1:${escapeSnippet(entry.default)}};` : `${name} $1;`;
  }
  const parts = required.map((token, i) => {
    const choice = alternatives(token);
    return choice ? `\${${i + 1}|${choice.map(escapeChoice).join(',')}|}` : `\${${i + 1}:${escapeSnippet(token)}}`;
  });
  return `${name} ${parts.join(' ')};`;
}

/** Placeholder words of the documented syntax that are not keywords to type. */
const PLACEHOLDERS = new Set(['value', 'parameters', 'size', 'level', 'response', 'text', 'address', 'group', 'method', 'header', 'flag', 'keepidle', 'keepintvl', 'keepcnt', 'file', 'name', 'path', 'number', 'time', 'string', 'uri', 'url', 'code', 'zone', 'format', 'condition', 'variable', 'port', 'mask', 'key', 'interval', 'rate', 'timeout']);

/**
 * Keyword arguments documented for a directive at argument `index`: `on`/`off` for flags,
 * the alternatives of a required `a | b` token at its own position, a single required word
 * only when another syntax line has something else there (`access_log off;` beside
 * `access_log path …`: otherwise it names a placeholder such as `field` or `ciphers`), and
 * `[option]`s and `name=` parameters from their position in the syntax on.
 */
export function keywordArguments(name: string, entry: DirectiveEntry, index: number): string[] {
  if (entry.flags.includes('NGX_CONF_FLAG')) return index === 0 ? ['on', 'off'] : [];
  const lines = (entry.syntax ?? []).map((syntax) => syntaxTokens(name, syntax));
  const words = new Set<string>();
  for (const tokens of lines) {
    let required = 0;
    tokens.forEach((token, position) => {
      const optional = token.startsWith('[');
      // An option may come anywhere after the required arguments before it (listen 443 ssl).
      if (!optional) required++;
      if (optional ? index < required : index !== position) return;
      const inner = optional ? token.slice(1, -1) : token;
      // `[http2 | quic]` lists alternatives; `ipv6only=on|off` is one parameter.
      const parts = inner.split(/\s+\|\s+/).map((p) => p.trim());
      const literal = optional || parts.length > 1 || lines.some((other) => other !== tokens && other[position] !== undefined && other[position] !== token);
      if (!literal) return;
      for (const part of parts) {
        const param = /^([a-z_]+)=/.exec(part);
        if (param) words.add(param[1] + '=');
        else if (KEYWORD.test(part) && !PLACEHOLDERS.has(part.toLowerCase()) && !/^level\d$/.test(part)) words.add(part);
      }
    });
  }
  return [...words];
}

/** The module family of a context, for directives declared by several (ssl_protocols in http, stream, mail). */
const FAMILY: Partial<Record<ContextKind, ModuleType>> = {
  main: 'CORE', events: 'EVENT', http: 'HTTP', server: 'HTTP', location: 'HTTP', 'if-in-server': 'HTTP', 'if-in-location': 'HTTP',
  limit_except: 'HTTP', upstream: 'HTTP', stream: 'STREAM', 'stream-server': 'STREAM', 'stream-upstream': 'STREAM', mail: 'MAIL', 'mail-server': 'MAIL',
};

/**
 * Values from nginx's own enum/bitmask table for the directive: an enum value is the only
 * argument, bitmask values may fill every position (less those already given).
 */
function tableValues(directive: Directive, index: number, context: ContextKind, version: string): string[] {
  const name = directive.name;
  const families = FAMILY[context] ? [FAMILY[context]!] : (['HTTP', 'STREAM', 'MAIL', 'CORE', 'EVENT'] as ModuleType[]);
  for (const family of families) {
    const set = directiveValueSet(name, family);
    if (!set) continue;
    const first = set.argument ?? 0;
    if (set.kind === 'enum') return index === first ? valuesInVersion(set, version) : [];
    if (index < first) return [];
    const given = new Set(directive.args.filter((_, i) => i !== index).map((a) => a.value));
    return valuesInVersion(set, version).filter((v) => !given.has(v));
  }
  return [];
}

function hasValueTable(name: string, context: ContextKind): boolean {
  const family = FAMILY[context];
  return family ? directiveValueSet(name, family) !== undefined : false;
}

async function argumentItems(file: ParsedFile, at: OffsetContext, offset: number, options: CompletionOptions): Promise<CompletionItem[]> {
  const target = at.target;
  if (target.kind !== 'argument') return [];
  const directive = target.directive;
  const name = directive.name;
  const wordStart = target.word?.start ?? offset;
  const wordEnd = replaceEnd(file, target.word, offset);
  const typed = file.text.slice(wordStart, offset);

  const variable = /\$(\{?)([A-Za-z0-9_]*)$/.exec(typed);
  if (variable && target.word?.quote !== "'") {
    return variableItems(file, at.context, wordStart + variable.index, variableEnd(file.text, offset, wordEnd));
  }
  const position: ValuePosition = { directive, index: target.index, typed, range: toRange(file, wordStart, wordEnd) };
  // headers-more takes `"Name: value"` in quotes: header names are completed inside them.
  if (at.inString) return headerNameItems(position);
  if (inTypesBlock(at)) return target.index >= 0 ? extensionItems(name, position.range) : [];

  const items: CompletionItem[] = [];
  if (target.index === 0 && FILE_DIRECTIVES[name] && options.listFiles) {
    items.push(...(await pathItems(file, wordStart, typed, offset, wordEnd, name, options)));
  }
  const nameStart = target.index === 0 ? upstreamNameStart(name, typed, at.context) : undefined;
  if (nameStart !== undefined && !/[/:]/.test(typed.slice(nameStart))) {
    const range = toRange(file, wordStart + nameStart, wordEnd);
    const names = at.context === 'stream-server' ? options.streamUpstreamNames ?? options.upstreamNames : options.upstreamNames;
    for (const upstream of [...new Set(names)].sort()) {
      items.push({ label: upstream, kind: CompletionItemKind.Reference, detail: 'upstream', textEdit: { range, newText: upstream } });
    }
  }
  items.push(...headerNameItems(position), ...namedLocationItems(position, file, options.namedLocations ?? []), ...locationModifierItems(position));
  if (name === 'default_type' && target.index === 0) items.push(...mimeTypeItems(position.range));
  const entries = entriesForContext(options.table.entriesForVersion(name, options.targetVersion), at.context);
  if (entries.length > 0) {
    // nginx's own value table, when it has one, is the whole truth (the documented syntax
    // mixes in placeholders such as `browser`); otherwise the documented keywords.
    const fromTable = tableValues(directive, target.index, at.context, options.targetVersion);
    const keywords = new Set<string>(fromTable);
    if (!hasValueTable(name, at.context)) for (const entry of entries) for (const word of keywordArguments(name, entry, target.index)) keywords.add(word);
    // A keyword already given (`listen 443 ssl`, a bitmask value) is not offered again.
    for (const arg of directive.args) if (arg !== target.word) keywords.delete(arg.value);
    const source = FAMILY[at.context] ? directiveValueSet(name, FAMILY[at.context]!)?.source : undefined;
    for (const word of keywords) {
      const fromNginx = source !== undefined && fromTable.includes(word);
      items.push({
        label: word,
        kind: CompletionItemKind.EnumMember,
        detail: fromNginx ? `${name} value` : `${name} parameter`,
        documentation: fromNginx ? `A value nginx accepts for ${name} (its table in ${source}).` : `From the documented syntax of ${name}.`,
        textEdit: { range: position.range, newText: word },
      });
    }
  }
  return items;
}

/** The end of a `$name` or `${name}` being completed: the rest of its name after the cursor. */
function variableEnd(text: string, offset: number, limit: number): number {
  let end = offset;
  while (end < limit && /[A-Za-z0-9_]/.test(text[end])) end++;
  if (text[end] === '}' && end < limit) end++;
  return end;
}

function variableItems(file: ParsedFile, context: ContextKind, start: number, end: number): CompletionItem[] {
  const range = toRange(file, start, end);
  const braced = file.text[start + 1] === '{';
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const info of allVariables()) {
    if (!variableFitsContext(info, context)) continue;
    seen.add(info.name);
    const markdown = variableMarkdown(info.name);
    const bare = info.name.slice(1);
    items.push({
      label: info.name,
      kind: CompletionItemKind.Variable,
      detail: info.prefix ? `${info.modules[0].module} (any suffix)` : info.modules[0].module,
      documentation: markdown ? { kind: MarkupKind.Markdown, value: markdown } : undefined,
      filterText: braced ? '${' + bare : info.name,
      textEdit: { range, newText: braced && !info.prefix ? '${' + bare + '}' : braced ? '${' + bare : info.name },
    });
  }
  for (const name of userVariables(file)) {
    if (seen.has(name)) continue;
    seen.add(name);
    const bare = name.slice(1);
    items.push({
      label: name,
      kind: CompletionItemKind.Variable,
      detail: 'defined in this file',
      filterText: braced ? '${' + bare : name,
      textEdit: { range, newText: braced ? '${' + bare + '}' : name },
    });
  }
  return items;
}

/** Which argument of a directive defines a variable (`set $x`, `map $in $out`…); -1 = the last one. */
const DEFINING_ARGUMENT: Record<string, number> = {
  set: 0, map: 1, geo: -1, split_clients: 1, perl_set: 0, js_set: 0, auth_request_set: 0, set_by_lua: 0, set_by_lua_block: 0, set_by_lua_file: 0,
};

/** Variables the file itself defines with `set`, `map`, `geo`… */
export function userVariables(file: ParsedFile): string[] {
  const names = new Set<string>();
  walkDirectives(file.syntax.statements, (directive) => {
    const index = DEFINING_ARGUMENT[directive.name];
    if (index === undefined) return;
    const arg = index < 0 ? directive.args[directive.args.length - 1] : directive.args[index];
    if (arg && /^\$[A-Za-z0-9_]+$/.test(arg.value)) names.add(arg.value);
  });
  return [...names].sort();
}

async function pathItems(file: ParsedFile, wordStart: number, typed: string, offset: number, wordEnd: number, directiveName: string, options: CompletionOptions): Promise<CompletionItem[]> {
  const endings = FILE_DIRECTIVES[directiveName];
  const wanted = fileDirectiveKind(directiveName);
  const listFiles = options.listFiles;
  if (!listFiles) return [];
  const quote = typed.startsWith('"') || typed.startsWith("'") ? 1 : 0;
  const written = typed.slice(quote);
  if (written.includes('$') || /^(data|engine|store):/.test(written)) return [];
  const slash = written.lastIndexOf('/');
  const dirWritten = slash >= 0 ? written.slice(0, slash + 1) : '';
  const dir = dirWritten === ''
    ? options.confDir
    : options.resolvePath ? options.resolvePath(dirWritten) : path.isAbsolute(dirWritten) ? dirWritten : path.join(options.confDir, dirWritten);
  let entries: string[];
  try {
    entries = await listFiles(dir);
  } catch {
    return [];
  }
  // Only the path segment under the cursor is replaced: the rest of the path stays.
  const slashAfter = file.text.indexOf('/', offset);
  const range = toRange(file, wordStart + quote + dirWritten.length, slashAfter >= 0 && slashAfter < wordEnd ? slashAfter : wordEnd);
  const items: CompletionItem[] = [];
  for (const entry of entries.sort()) {
    const isDir = entry.endsWith('/');
    const base = isDir ? entry.slice(0, -1) : entry;
    if (base.startsWith('.')) continue;
    if (!isDir && !(await fileFits(path.join(dir, base), base, endings, wanted, options))) continue;
    items.push({
      label: isDir ? base + '/' : base,
      kind: isDir ? CompletionItemKind.Folder : CompletionItemKind.File,
      detail: isDir ? 'folder' : `file for ${directiveName}`,
      sortText: (isDir ? '1' : '0') + base,
      textEdit: { range, newText: isDir ? base + '/' : base },
      // Descend into folders right away.
      command: isDir ? { title: 'Suggest', command: 'editor.action.triggerSuggest' } : undefined,
    });
  }
  return items.sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
}

/** Judges a file by its PEM labels when it has some (and they can be read), by its name otherwise. */
async function fileFits(fullPath: string, fileName: string, endings: string[], wanted: FileDirectiveKind, options: CompletionOptions): Promise<boolean> {
  if (options.readHead && wanted !== 'other' && fits(fileName, PEM_LIKE.concat(endings))) {
    const head = await options.readHead(fullPath);
    const byContent = head === undefined ? undefined : fitsByContent(head, wanted);
    if (byContent !== undefined) return byContent;
  }
  return fits(fileName, endings);
}

function fits(fileName: string, endings: string[]): boolean {
  const lower = fileName.toLowerCase();
  return endings.some((e) => (e === '' ? !lower.includes('.') : lower.endsWith(e)));
}

/** The LSP range of a completion, exposed for tests. */
export function itemRange(item: CompletionItem): Range | undefined {
  const edit = item.textEdit;
  return edit && 'range' in edit ? edit.range : undefined;
}
