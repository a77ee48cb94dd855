/**
 * Signature help for directive arguments: the documented syntax lines of the directive (for
 * the http, stream or mail entry that fits the block), split into parameters, with the
 * parameter the cursor's argument fills highlighted. Directives the documentation gives no
 * syntax for get one built from nginx's own argument flags (NGX_CONF_TAKE12 → `value [value]`).
 */
import { MarkupKind, type ParameterInformation, type SignatureHelp, type SignatureInformation } from 'vscode-languageserver-types';
import type { ContextKind, DirectiveTable } from '../directives/directiveTable';
import type { DirectiveEntry } from '../directives/directiveTypes';
import type { ParsedFile } from '../model/parsedFile';
import type { Directive, Word } from '../parser/syntaxTree';
import { contextAtOffset } from './contextAtOffset';
import { directiveDescription, entriesForContext } from './directiveDocs';

export interface SignatureHelpOptions {
  table: DirectiveTable;
  rootContext?: ContextKind;
}

/** One parameter of a syntax line, as offsets into the line's label. */
export interface SyntaxParameter {
  start: number;
  end: number;
  /** Written in square brackets: may be left out. */
  optional: boolean;
  /** Followed by `…`: takes every remaining argument. */
  variadic: boolean;
  /** Literal words the parameter accepts (`on`, `off`, `ssl`, `setfib=`), lower case; empty for placeholders. */
  keywords: string[];
}

export interface ParsedSyntax {
  /** The syntax line without its terminator, e.g. `add_header name value [always]`. */
  label: string;
  parameters: SyntaxParameter[];
}

/** Placeholders in the documentation are lower-case nouns; literal words are what nginx reads as is. */
const PLACEHOLDERS = new Set([
  'address', 'port', 'path', 'name', 'value', 'file', 'mask', 'uri', 'url', 'string', 'number', 'size', 'time', 'text', 'code',
  'regex', 'replacement', 'flag', 'field', 'key', 'parameters', 'condition', 'ciphers', 'level', 'format', 'zone', 'rate',
]);

/**
 * Splits a documented syntax line into parameters. Words at bracket depth 0 are separated
 * by blanks; `a | b | c` is one parameter with three alternatives; `…` (or `...`) marks the
 * parameter before it as taking the remaining arguments.
 */
export function parseSyntaxLine(line: string): ParsedSyntax {
  const text = line.replace(/&hellip;/g, '…').replace(/\s*(?:\{\s*\.\.\.\s*\}|;)\s*$/, '').trim();
  const words: { start: number; end: number }[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '(') depth++;
    if (c === ']' || c === ')') depth = Math.max(0, depth - 1);
    const blank = c === undefined || (/\s/.test(c) && depth === 0);
    if (blank && start >= 0) {
      words.push({ start, end: i });
      start = -1;
    } else if (!blank && start < 0) start = i;
  }
  const parameters: SyntaxParameter[] = [];
  // The first word is the directive's name.
  for (let w = 1; w < words.length; w++) {
    const word = text.slice(words[w].start, words[w].end);
    const previous = parameters[parameters.length - 1];
    if ((word === '…' || word === '...') && previous) {
      previous.end = words[w].end;
      previous.variadic = true;
      continue;
    }
    if (word === '|' && previous && w + 1 < words.length) {
      previous.end = words[++w].end;
      previous.keywords = keywordsOf(text.slice(previous.start, previous.end));
      continue;
    }
    const written = text.slice(words[w].start, words[w].end);
    // `(condition)` of `if` is written as several arguments: `($uri ~ ^/a)`.
    parameters.push({ start: words[w].start, end: words[w].end, optional: written.startsWith('['), variadic: written.startsWith('('), keywords: keywordsOf(written) });
  }
  return { label: text, parameters };
}

/** The literal words a parameter accepts: `on | off` → on, off; `[ipv6only=on|off]` → ipv6only=. */
function keywordsOf(written: string): string[] {
  const inner = written.replace(/^\[\s*/, '').replace(/\s*\]$/, '');
  const out: string[] = [];
  for (const alternative of inner.split('|').map((a) => a.trim()).filter((a) => a.length > 0)) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(alternative);
    if (assignment) {
      out.push(assignment[1].toLowerCase() + '=');
      continue;
    }
    // A bare word or operator is literal unless it names a placeholder (`file | mask`).
    if (/^[^\s[\]]+$/.test(alternative) && !PLACEHOLDERS.has(alternative.toLowerCase()) && !/[:.…]/.test(alternative.replace(/^TLSv1\.\d$/, ''))) {
      out.push(alternative.toLowerCase());
    }
  }
  return out;
}

function matchesKeyword(parameter: SyntaxParameter, value: string): boolean {
  const lower = value.toLowerCase();
  return parameter.keywords.some((k) => (k.endsWith('=') ? lower.startsWith(k) : lower === k));
}

/**
 * The parameter argument `index` fills, given the arguments written so far. Optional
 * parameters with literal words (`[ssl]`, `[ipv6only=on|off]`) may come in any order, so a
 * written word that names one selects it; an optional literal a word does not match is
 * skipped; a variadic parameter takes every argument from there on. Undefined when the
 * argument is one too many.
 */
export function activeParameter(syntax: ParsedSyntax, args: readonly string[], index: number): number | undefined {
  const params = syntax.parameters;
  let next = 0;
  let active: number | undefined;
  const used = new Set<number>();
  for (let i = 0; i <= index; i++) {
    const value = args[i] ?? '';
    const named = value === '' ? -1 : params.findIndex((p) => p.optional && p.keywords.length > 0 && matchesKeyword(p, value));
    if (named >= 0) {
      active = named;
      used.add(named);
      next = Math.max(next, named + 1);
      continue;
    }
    // A blank among order-free options: the first option not written yet.
    if (value === '' && params[next]?.optional && params[next].keywords.length > 0) {
      const unused = params.findIndex((p, k) => k >= firstOption(params, next) && p.optional && p.keywords.length > 0 && !used.has(k));
      if (unused >= 0) {
        active = unused;
        continue;
      }
    }
    // Skip optional literals this word is not (e.g. the `=`/`~` modifier of `location`).
    while (value !== '' && next < params.length - 1 && params[next].optional && params[next].keywords.length > 0 && !matchesKeyword(params[next], value)) next++;
    if (next >= params.length) {
      const variadic = params.findIndex((p) => p.variadic);
      active = variadic >= 0 ? variadic : undefined;
      continue;
    }
    active = next;
    if (!params[next].variadic) next++;
  }
  return active;
}

/** Where the run of optional keyword parameters that contains `at` begins. */
function firstOption(params: readonly SyntaxParameter[], at: number): number {
  let start = at;
  while (start > 0 && params[start - 1].optional && params[start - 1].keywords.length > 0) start--;
  return start;
}

/** A syntax line made from nginx's argument flags, for directives documented without one. */
export function syntaxFromFlags(name: string, flags: readonly string[]): string {
  const block = flags.includes('NGX_CONF_BLOCK') ? ' { ... }' : ';';
  const has = (flag: string): boolean => flags.includes(flag);
  let args: string;
  if (has('NGX_CONF_FLAG')) args = ' on | off';
  else if (has('NGX_CONF_ANY')) args = ' [value …]';
  else if (has('NGX_CONF_1MORE')) args = ' value …';
  else if (has('NGX_CONF_2MORE')) args = ' value value …';
  else {
    const counts = flags.flatMap((f) => {
      const m = /^NGX_CONF_TAKE(\d+)$/.exec(f);
      return m ? [...m[1]].map(Number) : f === 'NGX_CONF_NOARGS' ? [0] : [];
    });
    const least = counts.length > 0 ? Math.min(...counts) : 0;
    const most = counts.length > 0 ? Math.max(...counts) : 0;
    args = Array.from({ length: most }, (_, i) => (i < least ? ' value' : ' [value]')).join('');
  }
  return `${name}${args}${block}`;
}

function syntaxLines(name: string, entry: DirectiveEntry): string[] {
  return entry.syntax && entry.syntax.length > 0 ? entry.syntax : [syntaxFromFlags(name, entry.flags)];
}

/** Signature help at `offset`: only on an argument (or the blank where one goes) of a known directive. */
export function signatureHelp(file: ParsedFile, offset: number, options: SignatureHelpOptions): SignatureHelp | undefined {
  const at = contextAtOffset(file, offset, options);
  const target = at.target.kind === 'argument' ? at.target : unterminatedBefore(file, offset, at.enclosing);
  if (!target) return undefined;
  const { directive, index } = target;
  const name = directive.name;
  const entries = entriesForContext(options.table.entries(name), at.context);
  if (entries.length === 0) return undefined;
  const lines = [...new Set(entries.flatMap((e) => syntaxLines(name, e)))];
  const syntaxes = lines.map(parseSyntaxLine);
  const values = writtenArguments(file.text, directive.args, offset);
  const description = directiveDescription(name);
  const entry = entries[0];
  const documentation = [description, entry.default !== undefined ? `Default: \`${name} ${entry.default};\`` : undefined].filter((p) => p).join('\n\n');
  const signatures: SignatureInformation[] = syntaxes.map((syntax) => ({
    label: syntax.label,
    documentation: documentation ? { kind: MarkupKind.Markdown, value: documentation } : undefined,
    parameters: syntax.parameters.map((p): ParameterInformation => ({ label: [p.start, p.end] })),
    activeParameter: activeParameter(syntax, values, index) ?? syntax.parameters.length,
  }));
  // The first syntax line the arguments written so far fit.
  const fits = syntaxes.findIndex((s) => activeParameter(s, values, Math.max(0, directive.args.length - 1)) !== undefined || s.parameters.length === 0);
  const activeSignature = Math.max(0, fits);
  return { signatures, activeSignature, activeParameter: signatures[activeSignature].activeParameter };
}

/**
 * While a statement is being typed it has no `;` yet, so the blank after its last word is
 * not part of it. The statement that ends on the cursor's line, with only blanks up to the
 * cursor, is the one being typed: the cursor is at its next argument.
 */
function unterminatedBefore(file: ParsedFile, offset: number, enclosing: readonly Directive[]): { directive: Directive; index: number } | undefined {
  let before = offset;
  while (before > 0 && (file.text[before - 1] === ' ' || file.text[before - 1] === '\t')) before--;
  if (before === offset) return undefined;
  const statements = enclosing.length > 0 ? enclosing[enclosing.length - 1].block?.statements ?? [] : file.syntax.statements;
  const directive = statements.find((d) => d.terminator === 'missing' && d.end === before);
  return directive ? { directive, index: directive.args.length } : undefined;
}

/** Argument values as far as they are typed: the word under the cursor only up to the cursor. */
function writtenArguments(text: string, args: readonly Word[], offset: number): string[] {
  return args.map((arg) => (offset >= arg.start && offset <= arg.end ? text.slice(arg.quote ? arg.start + 1 : arg.start, offset) : arg.value));
}
