/**
 * Semantic tokens from the syntax tree: what a word *is* to nginx, which a TextMate grammar
 * can only guess from its shape (a directive in the wrong block, a built-in variable, the
 * regular expression of `if`, `rewrite` or a `map` key).
 *
 * Types follow the TextMate grammar (syntaxes/nginx.tmLanguage.json) so that themes colour
 * both alike, and are LSP standard types, which VS Code and Neovim themes colour without
 * configuration:
 *
 *   simple directive name        function   (grammar: entity.name.function.directive)
 *   block directive              keyword    (grammar: keyword.other.block; `include` and `if`
 *                                           keep the grammar's keyword.control colour)
 *   upstream name                type       (grammar: entity.name.type.upstream)
 *   named location `@name`       function   (grammar: entity.name.function.location.named)
 *   `$variable` / `${variable}`  variable   (+ defaultLibrary when nginx defines it)
 *   quoted argument              string
 *   regular expression argument  regexp
 *   number, size or time         number
 *   comment                      comment
 *
 * Modifiers: `deprecated` on a directive the target version still has but a later one
 * removes; `defaultLibrary` on nginx's built-in variables; `declaration` on the variable a
 * `set`, `map` or `geo` defines; and our own `invalid` on a directive name nginx would
 * refuse (unknown to it, or not allowed in that block). `invalid` is a modifier, not a type,
 * so a client that does not know it still colours the name as a directive; VS Code maps it
 * to `invalid.illegal` (package.json semanticTokenScopes), as the grammar does for a stray
 * brace. Other unquoted words (paths, URLs, on/off) get no token: the grammar's colours stay.
 */
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import { compareVersions } from '../directives/versions';
import type { ParsedFile } from '../model/parsedFile';
import type { Directive, Word } from '../parser/syntaxTree';
import { nameHasVariable, nameWord } from '../parser/parser';
import { variableInfo } from './directiveDocs';
import { variableSpans } from './hover';

export const TOKEN_TYPES = ['function', 'keyword', 'type', 'variable', 'string', 'regexp', 'number', 'comment'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'deprecated', 'defaultLibrary', 'invalid'] as const;

export type TokenType = typeof TOKEN_TYPES[number];
export type TokenModifier = typeof TOKEN_MODIFIERS[number];

/** The legend announced in the server's capabilities. */
export const SEMANTIC_TOKENS_LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

/** One token as offsets into the text; `encodeTokens` turns a list into LSP's relative integers. */
export interface SemanticToken {
  start: number;
  end: number;
  type: TokenType;
  modifiers: TokenModifier[];
}

export interface SemanticTokenOptions {
  table: DirectiveTable;
  /** The context of the file's top level. */
  rootContext: ContextKind;
  /** True when that context is known (the file is part of a main configuration, or declares it). */
  contextKnown: boolean;
  targetVersion: string;
}

/**
 * Statements the grammar already colours as control keywords (`keyword.control.import`,
 * `keyword.control.conditional`): a plain `keyword` token would change their colour in most
 * themes, so they get a token only when a modifier has something to say.
 */
const GRAMMAR_KEYWORDS = new Set(['include', 'if']);

/** Directives whose first argument is a regular expression. */
const REGEX_FIRST_ARGUMENT = new Set(['rewrite']);

/** Blocks whose body lines are `key value;` with keys that are regular expressions when they start with `~`. */
const REGEX_KEY_BODIES = new Set(['map']);

/** The argument holding the variable a directive defines (`set $x`, `map $in $out`, `geo [$in] $out`). */
function definingIndex(name: string, args: readonly Word[]): number | undefined {
  if (name === 'set' || name === 'perl_set' || name === 'js_set') return 0;
  if (name === 'map' || name === 'split_clients') return 1;
  if (name === 'geo') return args.length - 1;
  return undefined;
}

/** Unquoted numbers, sizes (`10m`, `1g`), times (`30s`, `1h30m`) and percentages. */
const NUMBER = /^(?:\d+(?:\.\d+)?(?:ms|[kKmMgGsShdwMy%])?|(?:\d+(?:ms|[smhdwMy]))+)$/;

/** The tokens of a file, sorted, not overlapping, none spanning a line break. */
export function semanticTokens(file: ParsedFile, options: SemanticTokenOptions): SemanticToken[] {
  const tokens: SemanticToken[] = [];
  for (const comment of file.syntax.comments) tokens.push({ start: comment.start, end: comment.end, type: 'comment', modifiers: [] });
  visit(file, file.syntax.statements, options.rootContext, undefined, options, tokens);
  return normalize(file.text, tokens);
}

function visit(file: ParsedFile, statements: readonly Directive[], context: ContextKind, parent: Directive | undefined, options: SemanticTokenOptions, out: SemanticToken[]): void {
  for (const directive of statements) {
    if (context === 'custom-body') bodyLineTokens(file, directive, parent, out);
    else directiveTokens(file, directive, context, options, out);
    if (directive.block && !directive.block.raw) {
      const child = context === 'custom-body' ? 'custom-body' : options.table.childContext(directive.name, context);
      visit(file, directive.block.statements, child, directive, options, out);
    }
  }
}

function directiveTokens(file: ParsedFile, directive: Directive, context: ContextKind, options: SemanticTokenOptions, out: SemanticToken[]): void {
  const name = directive.name;
  const isKeyword = directive.block !== undefined || GRAMMAR_KEYWORDS.has(name);
  const modifiers: TokenModifier[] = [];
  if (isDeprecated(options.table, name, options.targetVersion)) modifiers.push('deprecated');
  if (isRefused(file.text, directive, context, options)) modifiers.push('invalid');
  if (!GRAMMAR_KEYWORDS.has(name) || modifiers.length > 0) {
    out.push({ start: directive.start, end: directive.nameEnd, type: isKeyword ? 'keyword' : 'function', modifiers });
  }
  const args = directive.args;
  const regexIndexes = regexArguments(name, args);
  args.forEach((arg, index) => {
    if (regexIndexes.has(index)) out.push(regexToken(file.text, arg));
    else if (name === 'upstream' && index === 0 && directive.block) out.push({ start: arg.start, end: arg.end, type: 'type', modifiers: [] });
    else if (name === 'location' && arg.value.startsWith('@') && !arg.quote) out.push({ start: arg.start, end: arg.end, type: 'function', modifiers: [] });
    else argumentTokens(file.text, arg, definingIndex(name, args) === index, out);
  });
}

/** A line of a `map`/`geo`/`types` body: the key, then values (the key is a regex in a map when it starts with `~`). */
function bodyLineTokens(file: ParsedFile, line: Directive, body: Directive | undefined, out: SemanticToken[]): void {
  const words = [nameWord(line, file.text), ...line.args];
  words.forEach((word, index) => {
    if (index === 0 && body && REGEX_KEY_BODIES.has(body.name) && word.value.startsWith('~')) out.push(regexToken(file.text, word));
    else argumentTokens(file.text, word, false, out);
  });
}

function argumentTokens(text: string, arg: Word, defines: boolean, out: SemanticToken[]): void {
  const variables = variableSpans(text, arg);
  for (const v of variables) {
    const modifiers: TokenModifier[] = [];
    if (defines) modifiers.push('declaration');
    else if (variableInfo(v.name)) modifiers.push('defaultLibrary');
    out.push({ start: v.start, end: v.end, type: 'variable', modifiers });
  }
  if (arg.quote) {
    // Strings are split around their variables: tokens must not overlap.
    let from = arg.start;
    for (const v of variables) {
      if (v.start > from) out.push({ start: from, end: v.start, type: 'string', modifiers: [] });
      from = v.end;
    }
    if (arg.end > from) out.push({ start: from, end: arg.end, type: 'string', modifiers: [] });
  } else if (NUMBER.test(arg.value)) {
    out.push({ start: arg.start, end: arg.end, type: 'number', modifiers: [] });
  }
}

/** The regex token of a word, without the parenthesis an `if` condition closes with. */
function regexToken(text: string, word: Word): SemanticToken {
  const end = !word.quote && text[word.end - 1] === ')' ? word.end - 1 : word.end;
  return { start: word.start, end: Math.max(word.start + 1, end), type: 'regexp', modifiers: [] };
}

/** Indexes of the arguments that nginx compiles as regular expressions. */
function regexArguments(name: string, args: readonly Word[]): Set<number> {
  const indexes = new Set<number>();
  if (name === 'location' && args.length >= 2 && (args[0].value === '~' || args[0].value === '~*')) indexes.add(1);
  if (REGEX_FIRST_ARGUMENT.has(name) && args.length >= 1) indexes.add(0);
  if (name === 'if') {
    // `if ($uri ~* \.php$)`: the operand after a regex operator.
    args.forEach((arg, index) => {
      if (/^!?~\*?$/.test(arg.value) && index + 1 < args.length) indexes.add(index + 1);
    });
  }
  if (name === 'server_name') args.forEach((arg, index) => arg.value.startsWith('~') && indexes.add(index));
  return indexes;
}

/** A directive the target version has, that a later nginx removed. */
function isDeprecated(table: DirectiveTable, name: string, version: string): boolean {
  const entries = table.entriesForVersion(name, version);
  return entries.length > 0 && entries.every((e) => e.removedIn !== undefined && compareVersions(version, e.removedIn) < 0);
}

/**
 * True when nginx would refuse the directive by its name alone: unknown to it (or to the
 * target version), or not allowed in a block whose context we know. Where the context is
 * only guessed or unknown, nothing is marked: a red word on a correct line is the worst
 * thing highlighting can do.
 */
function isRefused(text: string, directive: Directive, context: ContextKind, options: SemanticTokenOptions): boolean {
  if (context === 'custom-body' || context === 'unknown' || nameHasVariable(directive, text)) return false;
  const verdict = options.table.check(directive.name, context, directive.args.length, directive.terminator, options.targetVersion);
  if (verdict.result === 'unknown' || verdict.result === 'unknown-in-version') return true;
  return verdict.result === 'not-allowed' && options.contextKnown;
}

/** Sorted, overlaps dropped (the earlier token wins), and every token cut at line breaks. */
function normalize(text: string, tokens: SemanticToken[]): SemanticToken[] {
  tokens.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SemanticToken[] = [];
  let covered = 0;
  for (const token of tokens) {
    if (token.start < covered || token.end <= token.start) continue;
    covered = token.end;
    let from = token.start;
    for (let i = token.start; i < token.end; i++) {
      if (text[i] === '\n' || text[i] === '\r') {
        if (i > from) out.push({ ...token, start: from, end: i });
        from = i + 1;
      }
    }
    if (token.end > from) out.push({ ...token, start: from, end: token.end });
  }
  return out;
}

/** LSP's encoding: per token, line delta, start delta, length, type index, modifier bits. */
export function encodeTokens(file: ParsedFile, tokens: readonly SemanticToken[]): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const token of tokens) {
    const position = file.lines.positionAt(token.start);
    const deltaLine = position.line - line;
    const deltaStart = deltaLine === 0 ? position.character - character : position.character;
    let bits = 0;
    for (const modifier of token.modifiers) bits |= 1 << TOKEN_MODIFIERS.indexOf(modifier);
    data.push(deltaLine, deltaStart, token.end - token.start, TOKEN_TYPES.indexOf(token.type), bits);
    line = position.line;
    character = position.character;
  }
  return data;
}

/**
 * The edit turning one encoded token array into another: the changed middle between their
 * common start and common end. Encoded tokens are relative to each other, so typing on one
 * line changes a few integers there and leaves the rest equal; one edit is all a client needs.
 */
export function tokenDelta(previous: readonly number[], current: readonly number[]): { start: number; deleteCount: number; data: number[] }[] {
  let start = 0;
  while (start < previous.length && start < current.length && previous[start] === current[start]) start++;
  let end = 0;
  while (end < previous.length - start && end < current.length - start && previous[previous.length - 1 - end] === current[current.length - 1 - end]) end++;
  if (start === previous.length && start === current.length) return [];
  return [{ start, deleteCount: previous.length - start - end, data: current.slice(start, current.length - end) }];
}
