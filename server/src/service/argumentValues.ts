/**
 * Value completions that depend on which argument of which directive the cursor is on:
 * header names, MIME types, named locations (`@name`) and location modifiers. Each function
 * returns nothing when the position does not take such a value, so completion.ts can ask all.
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type Range } from 'vscode-languageserver-types';
import mimeData from '../directives/data/mimeTypes.json';
import { REQUEST_HEADERS, RESPONSE_HEADERS, type HeaderName } from '../directives/headerNames';
import type { ParsedFile } from '../model/parsedFile';
import { walkDirectives, type Directive } from '../parser/syntaxTree';

/** conf/mime.types of nginx's source: MIME type → file extensions (see scripts/directive-data/generate-mime-types.mjs). */
export const MIME_TYPES: Readonly<Record<string, readonly string[]>> = (mimeData as { types: Record<string, string[]> }).types;

/** Where the value is typed: the directive, the argument index, what is typed so far and the range a choice replaces. */
export interface ValuePosition {
  directive: Directive;
  index: number;
  typed: string;
  range: Range;
}

/** Directives whose first argument names a request header (sent upstream) or a response header. */
const REQUEST_HEADER_DIRECTIVES = new Set(['proxy_set_header', 'grpc_set_header']);
const RESPONSE_HEADER_DIRECTIVES = new Set(['add_header', 'proxy_hide_header', 'proxy_pass_header', 'grpc_hide_header', 'grpc_pass_header', 'fastcgi_hide_header', 'fastcgi_pass_header', 'uwsgi_hide_header', 'uwsgi_pass_header', 'scgi_hide_header', 'scgi_pass_header']);
/** headers-more: every argument that is not an option (`-s 404`, `-t text/html`) is a header (`Name: value` when setting). */
const MORE_HEADERS: Record<string, { headers: readonly HeaderName[]; withValue: boolean }> = {
  more_set_headers: { headers: RESPONSE_HEADERS, withValue: true },
  more_clear_headers: { headers: RESPONSE_HEADERS, withValue: false },
  more_set_input_headers: { headers: REQUEST_HEADERS, withValue: true },
  more_clear_input_headers: { headers: REQUEST_HEADERS, withValue: false },
};

export function headerNameItems(at: ValuePosition): CompletionItem[] {
  const name = at.directive.name;
  let headers: readonly HeaderName[] | undefined;
  let suffix = '';
  if (at.index === 0 && REQUEST_HEADER_DIRECTIVES.has(name)) headers = REQUEST_HEADERS;
  else if (at.index === 0 && RESPONSE_HEADER_DIRECTIVES.has(name)) headers = RESPONSE_HEADERS;
  else if (MORE_HEADERS[name] && !at.typed.startsWith('-') && !isOptionValue(at.directive, at.index)) {
    headers = MORE_HEADERS[name].headers;
    suffix = MORE_HEADERS[name].withValue ? ': ' : '';
  }
  if (!headers) return [];
  const quote = /^["']/.test(at.typed) ? at.typed[0] : '';
  // A header with a value needs quotes around `Name: value` (it holds a space).
  const open = quote || (suffix ? '"' : '');
  return headers.map((header) => ({
    label: header.name,
    kind: CompletionItemKind.Field,
    detail: headers === REQUEST_HEADERS ? 'request header' : 'response header',
    documentation: { kind: MarkupKind.Markdown, value: header.description },
    filterText: quote + header.name,
    textEdit: { range: at.range, newText: open + header.name + suffix },
  }));
}

/** True when argument `index` is the value of a `-s`/`-t` option of headers-more. */
function isOptionValue(directive: Directive, index: number): boolean {
  const previous = directive.args[index - 1]?.value;
  return previous === '-s' || previous === '-t';
}

/** MIME types, for `default_type` and the first word of a `types {}` line. */
export function mimeTypeItems(range: Range): CompletionItem[] {
  return Object.entries(MIME_TYPES).map(([type, extensions]) => ({
    label: type,
    kind: CompletionItemKind.Constant,
    detail: 'MIME type',
    documentation: `Extensions in nginx's mime.types: ${extensions.join(' ')}`,
    textEdit: { range, newText: type },
  }));
}

/** The extensions nginx's mime.types maps to `type`, for the later words of a `types {}` line. */
export function extensionItems(type: string, range: Range): CompletionItem[] {
  return (MIME_TYPES[type] ?? []).map((extension) => ({
    label: extension,
    kind: CompletionItemKind.Value,
    detail: `file extension for ${type}`,
    textEdit: { range, newText: extension },
  }));
}

/**
 * Where nginx takes a URI that may be a named location (checked in nginx's source: the last
 * argument of try_files (ngx_http_try_files_module.c) and of error_page
 * (ngx_http_special_response.c), and post_action (ngx_http_request.c)).
 */
function takesNamedLocation(directive: Directive, index: number): boolean {
  const last = index >= directive.args.length - 1;
  switch (directive.name) {
    case 'try_files':
    case 'error_page':
      return index >= 1 && last;
    case 'post_action':
      return index === 0;
    default:
      return false;
  }
}

/** `@name`s of the named locations in `file`. */
export function namedLocationsIn(file: ParsedFile): string[] {
  const names = new Set<string>();
  walkDirectives(file.syntax.statements, (directive) => {
    const first = directive.args[0]?.value;
    if (directive.name === 'location' && directive.block && first?.startsWith('@') && first.length > 1) names.add(first);
  });
  return [...names];
}

export function namedLocationItems(at: ValuePosition, file: ParsedFile, elsewhere: readonly string[]): CompletionItem[] {
  if (!takesNamedLocation(at.directive, at.index) || !(at.typed === '' || at.typed.startsWith('@'))) return [];
  const names = [...new Set([...namedLocationsIn(file), ...elsewhere])].sort();
  return names.map((name) => ({
    label: name,
    kind: CompletionItemKind.Reference,
    detail: 'named location',
    textEdit: { range: at.range, newText: name },
  }));
}

/** The modifiers of `location` (ngx_http_core_location in ngx_http_core_module.c). */
const LOCATION_MODIFIERS: ReadonlyArray<[string, string]> = [
  ['=', 'exact match of the URI; searching stops there'],
  ['^~', 'prefix match that skips the regular expressions when it is the longest'],
  ['~', 'case-sensitive regular expression'],
  ['~*', 'case-insensitive regular expression'],
];

export function locationModifierItems(at: ValuePosition): CompletionItem[] {
  if (at.directive.name !== 'location' || at.index !== 0 || /[^=^~*]/.test(at.typed)) return [];
  return LOCATION_MODIFIERS.map(([modifier, meaning], i) => ({
    label: modifier,
    kind: CompletionItemKind.Operator,
    detail: meaning,
    sortText: String(i),
    textEdit: { range: at.range, newText: modifier },
  }));
}
