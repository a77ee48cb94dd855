/**
 * nginx's configuration tokenizer, re-implemented from the state machine of
 * `ngx_conf_read_token()` in src/core/ngx_conf_file.c, in one pass over the string:
 *
 * - words end at whitespace, `;` or `{`; a `}` or `#` inside a word belongs to the word;
 * - `#` starts a comment only where a word could start;
 * - `"…"` and `'…'` quote a word when the quote stands at the word's start; after the
 *   closing quote nginx wants whitespace, `;`, `{` or `)` and reports `unexpected "x"`;
 * - a backslash makes the next character literal; `\"`, `\'`, `\\`, `\t`, `\r`, `\n` are
 *   unescaped in the word's value, other pairs are kept verbatim;
 * - `${` does not open a block (`$` directly followed by `{`).
 *
 * Unlike nginx it never stops at the first error: problems are collected and lexing goes on.
 */
import type { Comment, SyntaxProblem, Word } from './syntaxTree';

export type Token =
  | { type: 'word'; word: Word }
  | { type: ';' | '{' | '}'; start: number; end: number }
  | { type: 'comment'; comment: Comment }
  | { type: 'eof'; start: number; end: number };

/**
 * The kind of token advance() read. The parser's loop reads tokens this way, without an
 * object per token: the range is in tokenStart/tokenEnd, the word or comment beside it.
 */
export const TokenKind = { word: 0, semicolon: 1, open: 2, close: 3, comment: 4, eof: 5 } as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';
}

/** Space, tab, CR or LF, by character code (the tokenizer's hot loops avoid strings). */
export function isSpaceCode(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** True when the character code is `"` or `'`: a word that starts with one is quoted. */
export function isQuote(code: number): boolean {
  return code === 34 || code === 39;
}

/** What each escape nginx undoes stands for (see unescapeWord). */
const ESCAPED: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n' };

/**
 * Undoes nginx's escapes exactly like the copy loop at the end of ngx_conf_read_token():
 * `\"`, `\'`, `\\`, `\t`, `\r` and `\n`, read left to right; any other backslash stays. One
 * replace() makes the value as one flat string: appending a character at a time made a chain
 * of string pieces per word (28,000 of them, 0.9 MB, for the benchmark tree's 2,000 regular
 * expressions; issue #15).
 */
export function unescapeWord(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(["'\\trn])/g, (_, ch: string) => ESCAPED[ch]);
}

const VARIABLE = /\$(?:[A-Za-z0-9_]|\{)/;

/**
 * The words the tokenizer makes. Whether a word holds a `$variable` is worked out from its
 * value when asked (a getter on the class), not stored in each word: the field took 1.5 MB over
 * the benchmark tree's 193,000 words (issue #15). The value gives the same answer as the text
 * the word was read from: unescaping turns a backslash pair into a quote, a backslash or a
 * control character, none of which makes or unmakes `$name` or `${`.
 */
class PlainWord implements Word {
  constructor(public value: string, public start: number, public end: number) {}

  get hasVariable(): boolean {
    return this.value.includes('$') && VARIABLE.test(this.value);
  }
}

/** A quoted word: nginx expands variables inside double quotes only. */
class QuotedWord implements Word {
  constructor(public value: string, public start: number, public end: number, public quote: '"' | "'") {}

  get hasVariable(): boolean {
    return this.quote === '"' && this.value.includes('$') && VARIABLE.test(this.value);
  }
}

/** A word whose quote is never closed (nginx reads the rest of the file into it); its variables count whatever the quote. */
class UnclosedWord extends QuotedWord {
  override get hasVariable(): boolean {
    return VARIABLE.test(this.value);
  }
}

/**
 * Below this length a slice of the text is a copy of its characters (V8 makes a sliced string,
 * pointing into the text, from 13 characters on). Short words are mostly a small vocabulary:
 * directive names, `on`, `off`, `443`, `ssl`, `TLSv1.2`: one copy of each is kept and shared.
 */
const SLICED_STRING_MIN_LENGTH = 13;

/**
 * The short words seen last, by hash of their characters: a fixed table where a new word takes
 * the place of an older one with the same slot, so it never grows. The benchmark's tree has
 * 102,000 short plain words with 133 spellings (issue #15); a word found here costs no string.
 */
const SHARED_WORDS: (string | undefined)[] = new Array(4096);

function sharedWord(text: string, start: number, end: number, hash: number): string {
  const slot = (hash ^ (hash >>> 12) ^ (end - start)) & 4095;
  const known = SHARED_WORDS[slot];
  if (known !== undefined && known.length === end - start && text.startsWith(known, start)) return known;
  const word = text.slice(start, end);
  SHARED_WORDS[slot] = word;
  return word;
}

/**
 * Long directive names seen last (most TLS settings' names are longer than 12 characters): a
 * name of 13 characters or more was a slice of the text per statement, 35,000 of them (1.1 MB) in the
 * benchmark's tree, with 28 spellings (issue #15). Two ways per slot, so that two names of one
 * slot that alternate stay shared. Each kept name is a copy of its own (see detached), never
 * a slice of a text, which the table would keep alive.
 */
const SHARED_NAMES: (string | undefined)[] = new Array(2 * 512);

function sharedName(text: string, start: number, end: number, hash: number): string {
  const length = end - start;
  const slot = ((hash ^ (hash >>> 12) ^ length) & 511) << 1;
  const first = SHARED_NAMES[slot];
  if (first !== undefined && first.length === length && text.startsWith(first, start)) return first;
  const second = SHARED_NAMES[slot + 1];
  if (second !== undefined && second.length === length && text.startsWith(second, start)) return second;
  const name = detached(text.slice(start, end));
  SHARED_NAMES[slot + 1] = first;
  SHARED_NAMES[slot] = name;
  return name;
}

/**
 * A copy of `value` that does not keep the text it was cut from. V8 makes a substring of 13 or
 * more characters a view into its parent string. A full parse keeps one text alive, the one it
 * was parsed from; but the nodes an edit re-parses live on beside nodes parsed from earlier
 * texts, so views into each new text would keep every version of the file that was ever typed
 * (a 150 KB file, 300 comment edits: 23 MB more heap after GC), and a table of shared names
 * would keep the texts its names came from. Joining then cutting makes V8 flatten a copy of the
 * value alone, whose size is the value's.
 */
export function detached(value: string): string {
  return value.length < SLICED_STRING_MIN_LENGTH ? value : (' ' + value).slice(1);
}

export class Tokenizer {
  private pos = 0;
  /** The hash of the characters of the plain word advance() read last (see nameOf). */
  private wordHash = 0;
  readonly problems: SyntaxProblem[] = [];

  /** The range of the token advance() last read. */
  tokenStart = 0;
  tokenEnd = 0;
  /** The word advance() last read, when it returned TokenKind.word. */
  word: Word | undefined;
  /** The comment advance() last read, when it returned TokenKind.comment. */
  comment: Comment | undefined;

  constructor(readonly text: string) {}

  get offset(): number {
    return this.pos;
  }

  /** Continues lexing at `offset`, which must be a token boundary (used to re-read one block body). */
  seek(offset: number): void {
    this.pos = offset;
  }

  /** The next token as an object (for callers outside the parser's hot loop). */
  next(): Token {
    const kind = this.advance();
    switch (kind) {
      case TokenKind.word: return { type: 'word', word: this.word as Word };
      case TokenKind.comment: return { type: 'comment', comment: this.comment as Comment };
      case TokenKind.eof: return { type: 'eof', start: this.tokenStart, end: this.tokenEnd };
      default: return { type: kind === TokenKind.semicolon ? ';' : kind === TokenKind.open ? '{' : '}', start: this.tokenStart, end: this.tokenEnd };
    }
  }

  /** Reads the next token; what it read is in tokenStart, tokenEnd, word and comment. */
  advance(): TokenKind {
    const text = this.text;
    const length = text.length;
    let pos = this.pos;
    while (pos < length && isSpaceCode(text.charCodeAt(pos))) pos++;
    this.pos = pos;
    if (pos >= length) {
      this.tokenStart = length;
      this.tokenEnd = length;
      return TokenKind.eof;
    }
    const start = pos;
    const code = text.charCodeAt(start);
    if (code === 59 /* ; */ || code === 123 /* { */ || code === 125 /* } */) {
      this.pos = start + 1;
      this.tokenStart = start;
      this.tokenEnd = start + 1;
      return code === 59 ? TokenKind.semicolon : code === 123 ? TokenKind.open : TokenKind.close;
    }
    if (code === 35 /* # */) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = length;
      this.pos = end;
      // Without the \r of a CRLF line.
      const bodyEnd = end > start + 1 && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      this.comment = { kind: 'comment', text: text.slice(start + 1, bodyEnd), start, end: bodyEnd };
      this.tokenStart = start;
      this.tokenEnd = bodyEnd;
      return TokenKind.comment;
    }
    this.word = isQuote(code) ? this.quotedWord(code === 34 /* " */ ? '"' : "'") : this.plainWord();
    this.tokenStart = this.word.start;
    this.tokenEnd = this.word.end;
    return TokenKind.word;
  }

  private plainWord(): Word {
    const text = this.text;
    const length = text.length;
    const start = this.pos;
    let i = start;
    let variable = false;
    let escaped = false;
    let hash = 0;
    while (i < length) {
      const code = text.charCodeAt(i);
      if (code === 92 /* \\ */) { i += 2; variable = false; escaped = true; continue; }
      if (code === 123 /* { */ && variable) { i++; variable = false; continue; }
      variable = code === 36; /* $ */
      if (isSpaceCode(code) || code === 59 /* ; */ || code === 123 /* { */) break;
      hash = (Math.imul(hash, 31) + code) | 0;
      i++;
    }
    if (i > length) i = length;
    this.pos = i;
    this.wordHash = hash;
    if (escaped || i - start >= SLICED_STRING_MIN_LENGTH) {
      return new PlainWord(unescapeWord(text.slice(start, i)), start, i);
    }
    return new PlainWord(sharedWord(text, start, i, hash), start, i);
  }

  private quotedWord(quote: '"' | "'"): Word {
    const text = this.text;
    const length = text.length;
    const start = this.pos;
    let i = start + 1;
    while (i < length && text[i] !== quote) {
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= length) {
      // nginx reads to the end of the file and then fails. To keep checking the rest of
      // the file, the word is taken to end with its line and lexing resumes after it.
      let lineEnd = text.indexOf('\n', start);
      if (lineEnd < 0) lineEnd = length;
      // A CRLF line ends before its \r (else reformatting line breaks would change the word).
      else if (lineEnd > start + 1 && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      this.problems.push({
        code: 'nginx.unterminated-string',
        message: `the ${quote === '"' ? 'double' : 'single'} quote opened here is never closed, so nginx reads the rest of the file as one word`,
        start,
        end: lineEnd,
      });
      this.problems.push({
        code: 'nginx.unexpected-eof',
        message: 'unexpected end of file, expecting ";" or "}"',
        start: length,
        end: length,
      });
      this.pos = lineEnd;
      const raw = text.slice(start + 1, lineEnd);
      return new UnclosedWord(unescapeWord(raw), start, lineEnd, quote);
    }
    const end = i + 1;
    this.pos = end;
    const raw = text.slice(start + 1, i);
    const word = new QuotedWord(unescapeWord(raw), start, end, quote);
    if (end < length) {
      const after = text[end];
      if (after === ')') {
        // nginx treats `)` after a closing quote like a separator (for `if ($a = "b")`).
        this.pos = end + 1;
        word.end = end + 1;
      } else if (!isSpace(after) && after !== ';' && after !== '{') {
        this.problems.push({ code: 'nginx.unexpected-token', message: `unexpected "${after}"`, start: end, end: end + 1 });
      }
    }
    return word;
  }

  /**
   * The value of `word`, the word advance() read last, as a directive's name: a long name is
   * shared with the earlier statements of the same name (see SHARED_NAMES).
   */
  nameOf(word: Word): string {
    const length = word.end - word.start;
    // Quoted, escaped (the value is shorter than the text) or short: the word's own value.
    if (length < SLICED_STRING_MIN_LENGTH || !(word instanceof PlainWord) || word.value.length !== length) return word.value;
    return sharedName(this.text, word.start, word.end, this.wordHash);
  }

  /**
   * Skips the body of a `*_by_lua_block { … }`, which nginx hands to lua-nginx-module's own
   * lexer: braces balance outside Lua strings and comments. Call it right after the `{`.
   * Returns the offset of the closing `}`, or -1 when the text ends first.
   */
  skipLuaBlock(): number {
    const text = this.text;
    const length = text.length;
    let depth = 0;
    let i = this.pos;
    while (i < length) {
      const ch = text[i];
      if (ch === '-' && text[i + 1] === '-') {
        const long = longBracketLevel(text, i + 2);
        if (long >= 0) {
          i = skipLongBracket(text, i + 2, long);
        } else {
          const nl = text.indexOf('\n', i);
          i = nl < 0 ? length : nl + 1;
        }
        continue;
      }
      if (ch === '"' || ch === "'") {
        i++;
        while (i < length && text[i] !== ch && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
        i++;
        continue;
      }
      if (ch === '[') {
        const long = longBracketLevel(text, i);
        if (long >= 0) { i = skipLongBracket(text, i, long); continue; }
      }
      if (ch === '{') depth++;
      else if (ch === '}') {
        if (depth === 0) {
          this.pos = i + 1;
          return i;
        }
        depth--;
      }
      i++;
    }
    this.pos = length;
    return -1;
  }
}

/** For `[[`, `[=[`, `[==[`…: the number of `=`; -1 when the text at `at` is not a long bracket. */
function longBracketLevel(text: string, at: number): number {
  if (text[at] !== '[') return -1;
  let level = 0;
  let i = at + 1;
  while (text[i] === '=') { level++; i++; }
  return text[i] === '[' ? level : -1;
}

function skipLongBracket(text: string, at: number, level: number): number {
  const close = ']' + '='.repeat(level) + ']';
  const end = text.indexOf(close, at + level + 2);
  return end < 0 ? text.length : end + close.length;
}
