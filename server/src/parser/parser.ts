/**
 * Error-tolerant parser: tokens → statements and blocks, the way ngx_conf_parse() groups
 * them, but never giving up. Every problem nginx would stop at is recorded with nginx's
 * wording and parsing goes on, so one pass yields every syntax error of a file.
 */
import type { Block, Comment, ConfigFile, Directive, SyntaxProblem, Word } from './syntaxTree';
import { TokenKind, Tokenizer } from './tokenizer';

/** Nesting deeper than this is not nginx configuration; it is skipped, not recursed into. */
const MAX_DEPTH = 200;

/** No token pushed back. */
const NO_LOOKAHEAD = -1;

/** Directives whose block body is Lua code for lua-nginx-module's own lexer. */
export function isLuaBlockDirective(name: string): boolean {
  return name.endsWith('_by_lua_block');
}

class Parser {
  private readonly tokenizer: Tokenizer;
  private readonly comments: Comment[] = [];
  private readonly problems: SyntaxProblem[] = [];
  /** Comments read since the last statement began; created on the first one. */
  private pendingComments: Comment[] | undefined;
  /** A `}` or end of file that ended a statement, read again by the block around it. */
  private lookahead: TokenKind | typeof NO_LOOKAHEAD = NO_LOOKAHEAD;
  /** The range of the token next() returned. */
  private tokenStart = 0;
  private tokenEnd = 0;
  /**
   * Working lists: one per nesting depth for statements, one for arguments (a statement's
   * arguments are complete before its block is read). Each finished list is copied out at
   * its exact size, so nothing keeps the spare capacity pushing leaves behind.
   */
  private readonly statementLists: Directive[][] = [];
  private readonly argumentList: Word[] = [];

  constructor(private readonly text: string) {
    this.tokenizer = new Tokenizer(text);
  }

  /**
   * Parses only the body of the block whose `{` is at `open` (nested `depth` deep), as the
   * whole-file parse would reach it with nothing pending. See parser/incrementalParse.ts.
   */
  parseBodyAt(open: number, depth: number): BodyParse {
    this.tokenizer.seek(open + 1);
    const block = this.parseBlockBody(open, depth, false);
    const problems = this.sortedProblems();
    return { block, comments: this.comments, problems, commentsPending: this.pendingComments !== undefined };
  }

  /**
   * Parses statements of a block body nested `depth` deep from `from`, where the whole-file
   * parse would start a statement with nothing pending, until `done` accepts a statement just
   * parsed with no comment pending after it, or something else than a statement comes (the
   * body's `}`, a stray token, the end). See parser/incrementalParse.ts.
   */
  parseRunAt(from: number, depth: number, done: (statement: Directive) => boolean): RunParse {
    this.tokenizer.seek(from);
    const statements: Directive[] = [];
    for (;;) {
      const kind = this.next();
      if (kind !== TokenKind.word) {
        return { statements, stop: { kind, start: this.tokenStart }, comments: this.comments, problems: this.sortedProblems(), commentsPending: this.pendingComments !== undefined };
      }
      const statement = this.parseDirective(this.tokenizer.word as Word, depth);
      statements.push(statement);
      // Not while comments read inside the statement wait for the next one.
      if (this.pendingComments === undefined && done(statement)) return { statements, comments: this.comments, problems: this.sortedProblems(), commentsPending: false };
    }
  }

  parse(): ConfigFile {
    const statements = this.parseStatements(undefined, 0);
    const problems = this.sortedProblems();
    return { text: this.text, statements, comments: this.comments, problems };
  }

  /** Every problem found, once each, in text order. */
  private sortedProblems(): SyntaxProblem[] {
    const problems = dedupe([...this.tokenizer.problems, ...this.problems]);
    problems.sort((a, b) => a.start - b.start || a.end - b.end);
    return problems;
  }

  /** The next token that is not a comment (comments are collected on the way). */
  private next(): TokenKind {
    if (this.lookahead !== NO_LOOKAHEAD) {
      const kind = this.lookahead;
      this.lookahead = NO_LOOKAHEAD;
      return kind;
    }
    const tokenizer = this.tokenizer;
    for (;;) {
      const kind = tokenizer.advance();
      if (kind !== TokenKind.comment) {
        this.tokenStart = tokenizer.tokenStart;
        this.tokenEnd = tokenizer.tokenEnd;
        return kind;
      }
      const comment = tokenizer.comment as Comment;
      this.comments.push(comment);
      (this.pendingComments ??= []).push(comment);
    }
  }

  /** Hands the token just read (a `}` or the end) back to the next call of next(). */
  private pushBack(kind: TokenKind): void {
    this.lookahead = kind;
  }

  private problem(code: string, message: string, start: number, end: number, missingSemicolonAt?: number): void {
    this.problems.push(missingSemicolonAt === undefined ? { code, message, start, end } : { code, message, start, end, missingSemicolonAt });
  }

  /** Parses statements until `}` (when `open` is given) or the end of the text. */
  private parseStatements(open: number | undefined, depth: number): Directive[] {
    const statements = (this.statementLists[depth] ??= []);
    statements.length = 0;
    for (;;) {
      const kind = this.next();
      switch (kind) {
        case TokenKind.eof:
          if (open !== undefined) this.reportUnclosedBlock(open);
          return statements.slice();
        case TokenKind.close:
          if (open !== undefined) {
            this.pushBack(kind);
            return statements.slice();
          }
          this.problem('nginx.unexpected-token', 'unexpected "}"', this.tokenStart, this.tokenEnd);
          break;
        case TokenKind.semicolon:
          this.problem('nginx.unexpected-token', 'unexpected ";"', this.tokenStart, this.tokenEnd);
          break;
        case TokenKind.open: {
          // A block without a directive name: nginx refuses it; its body is skipped so
          // that the braces still balance for the rest of the file.
          this.problem('nginx.unexpected-token', 'unexpected "{"', this.tokenStart, this.tokenEnd);
          this.parseBlockBody(this.tokenStart, depth + 1, false);
          break;
        }
        case TokenKind.word:
          statements.push(this.parseDirective(this.tokenizer.word as Word, depth));
          break;
      }
    }
  }

  private parseDirective(name: Word, depth: number): Directive {
    const leading = this.pendingComments;
    this.pendingComments = undefined;
    const args = this.argumentList;
    args.length = 0;
    const directive: Directive = { name: this.tokenizer.nameOf(name), nameEnd: name.end, args, terminator: 'missing', start: name.start, end: name.end };
    if (leading) directive.leadingComments = leading;
    for (;;) {
      const kind = this.next();
      switch (kind) {
        case TokenKind.word: {
          const word = this.tokenizer.word as Word;
          args.push(word);
          directive.end = word.end;
          continue;
        }
        case TokenKind.semicolon:
          directive.args = args.slice();
          directive.terminator = ';';
          directive.end = this.tokenEnd;
          return directive;
        case TokenKind.open:
          // Copied before the body is read: the body's statements reuse the working list.
          directive.args = args.slice();
          directive.terminator = '{';
          directive.block = this.parseBlockBody(this.tokenStart, depth + 1, isLuaBlockDirective(name.value));
          directive.end = directive.block.end;
          return directive;
        case TokenKind.close:
          // `name args }`: the statement lacks its `;`. nginx says `unexpected "}"`.
          directive.args = args.slice();
          this.problem('nginx.unexpected-token', 'unexpected "}"', this.tokenStart, this.tokenEnd, directive.end);
          this.pushBack(kind);
          return directive;
        case TokenKind.eof:
          directive.args = args.slice();
          this.problem('nginx.unexpected-eof', 'unexpected end of file, expecting ";" or "}"', this.tokenStart, this.tokenEnd);
          this.pushBack(kind);
          return directive;
      }
    }
  }

  /** Parses from just after `{` through the matching `}`. */
  private parseBlockBody(open: number, depth: number, luaBody: boolean): Block {
    if (luaBody) {
      const bodyStart = open + 1;
      const close = this.tokenizer.skipLuaBlock();
      if (close < 0) {
        this.reportUnclosedBlock(open);
        return { start: open, end: this.text.length, closed: false, statements: [], raw: { start: bodyStart, end: this.text.length } };
      }
      return { start: open, end: close + 1, closed: true, statements: [], raw: { start: bodyStart, end: close } };
    }
    if (depth > MAX_DEPTH) {
      this.problem('nginx.too-deep', `blocks are nested more than ${MAX_DEPTH} levels deep; the rest of this block is not checked`, open, open + 1);
      return this.skipBalanced(open);
    }
    const statements = this.parseStatements(open, depth);
    const kind = this.next();
    if (kind === TokenKind.close) {
      return { start: open, end: this.tokenEnd, closed: true, statements };
    }
    // The end of the text (the tokenizer gives it again to the blocks around this one).
    return { start: open, end: this.text.length, closed: false, statements };
  }

  private skipBalanced(open: number): Block {
    let level = 0;
    for (;;) {
      const kind = this.next();
      if (kind === TokenKind.eof) {
        this.reportUnclosedBlock(open);
        return { start: open, end: this.text.length, closed: false, statements: [] };
      }
      if (kind === TokenKind.open) level++;
      if (kind === TokenKind.close) {
        if (level === 0) return { start: open, end: this.tokenEnd, closed: true, statements: [] };
        level--;
      }
    }
  }

  private reportUnclosedBlock(open: number): void {
    const end = this.text.length;
    this.problem('nginx.unexpected-eof', 'unexpected end of file, expecting "}"', end, end);
    this.problem('nginx.unclosed-block', 'this "{" is never closed', open, open + 1);
  }
}

/** One block body parsed on its own (Parser.parseBodyAt). */
export interface BodyParse {
  block: Block;
  comments: Comment[];
  problems: SyntaxProblem[];
  /** True when comments after the body's last statement wait for a statement after the block. */
  commentsPending: boolean;
}

/** Statements parsed from a point of a block body (Parser.parseRunAt). */
export interface RunParse {
  statements: Directive[];
  /** What ended the run when `done` accepted none: the token (not a word) and where it starts. */
  stop?: { kind: TokenKind; start: number };
  comments: Comment[];
  problems: SyntaxProblem[];
  /** True when comments read after the last statement wait for a statement to come. */
  commentsPending: boolean;
}

function dedupe(problems: SyntaxProblem[]): SyntaxProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.start}:${p.code}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Parses nginx configuration text. Never throws; problems are in the result. */
export function parseConfig(text: string): ConfigFile {
  return new Parser(text).parse();
}

/** Parses statements of a block body from `from` (see Parser.parseRunAt). */
export function parseRunAt(text: string, from: number, depth: number, done: (statement: Directive) => boolean): RunParse {
  return new Parser(text).parseRunAt(from, depth, done);
}

/** Parses the body of the block whose `{` is at `open` in `text` (see Parser.parseBodyAt). */
export function parseBlockBodyAt(text: string, open: number, depth: number): BodyParse {
  return new Parser(text).parseBodyAt(open, depth);
}

/** True when the directive's name holds a `$variable` (a `map` or `geo` line's key, say); cheap for the names without `$`. */
export function nameHasVariable(directive: Directive, text: string): boolean {
  return directive.name.includes('$') && nameWord(directive, text).hasVariable;
}

/**
 * The word of a directive's name, read again from the text it was parsed from: its quote and
 * whether it holds a variable, which the syntax tree does not keep (see Directive.name).
 */
export function nameWord(directive: Directive, text: string): Word {
  const tokenizer = new Tokenizer(text);
  tokenizer.seek(directive.start);
  if (tokenizer.advance() === TokenKind.word) {
    const word = tokenizer.word as Word;
    if (word.start === directive.start && word.end === directive.nameEnd) return word;
  }
  // The text no longer holds the statement where the tree says (never for a tree and its own text).
  return { value: directive.name, start: directive.start, end: directive.nameEnd, hasVariable: false };
}
