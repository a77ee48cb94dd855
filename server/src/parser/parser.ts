/**
 * Error-tolerant parser: tokens → statements and blocks, the way ngx_conf_parse() groups
 * them, but never giving up. Every problem nginx would stop at is recorded with nginx's
 * wording and parsing goes on, so one pass yields every syntax error of a file.
 */
import type { Block, Comment, ConfigFile, Directive, SyntaxProblem, Word } from './syntaxTree';
import { Tokenizer, type Token } from './tokenizer';

/** Nesting deeper than this is not nginx configuration; it is skipped, not recursed into. */
const MAX_DEPTH = 200;

/** Directives whose block body is Lua code for lua-nginx-module's own lexer. */
export function isLuaBlockDirective(name: string): boolean {
  return name.endsWith('_by_lua_block');
}

class Parser {
  private readonly tokenizer: Tokenizer;
  private readonly comments: Comment[] = [];
  private readonly problems: SyntaxProblem[] = [];
  private pendingComments: Comment[] = [];
  private lookahead: Token | undefined;

  constructor(private readonly text: string) {
    this.tokenizer = new Tokenizer(text);
  }

  parse(): ConfigFile {
    const statements = this.parseStatements(undefined, 0);
    const problems = dedupe([...this.tokenizer.problems, ...this.problems]);
    problems.sort((a, b) => a.start - b.start || a.end - b.end);
    return { text: this.text, statements, comments: this.comments, problems };
  }

  private next(): Token {
    if (this.lookahead) {
      const token = this.lookahead;
      this.lookahead = undefined;
      return token;
    }
    for (;;) {
      const token = this.tokenizer.next();
      if (token.type !== 'comment') return token;
      this.comments.push(token.comment);
      this.pendingComments.push(token.comment);
    }
  }

  private problem(code: string, message: string, start: number, end: number, missingSemicolonAt?: number): void {
    this.problems.push(missingSemicolonAt === undefined ? { code, message, start, end } : { code, message, start, end, missingSemicolonAt });
  }

  /** Parses statements until `}` (when `open` is given) or the end of the text. */
  private parseStatements(open: number | undefined, depth: number): Directive[] {
    const statements: Directive[] = [];
    for (;;) {
      const token = this.next();
      switch (token.type) {
        case 'eof':
          if (open !== undefined) this.reportUnclosedBlock(open);
          return statements.slice();
        case '}':
          if (open !== undefined) {
            this.lookahead = token;
            return statements.slice();
          }
          this.problem('nginx.unexpected-token', 'unexpected "}"', token.start, token.end);
          break;
        case ';':
          this.problem('nginx.unexpected-token', 'unexpected ";"', token.start, token.end);
          break;
        case '{': {
          // A block without a directive name: nginx refuses it; its body is skipped so
          // that the braces still balance for the rest of the file.
          this.problem('nginx.unexpected-token', 'unexpected "{"', token.start, token.end);
          this.parseBlockBody(token.start, depth + 1, false);
          break;
        }
        case 'word':
          statements.push(this.parseDirective(token.word, depth));
          break;
        case 'comment':
          break;
      }
    }
  }

  private parseDirective(name: Word, depth: number): Directive {
    const leading = this.pendingComments;
    this.pendingComments = [];
    const args: Word[] = [];
    const directive: Directive = { kind: 'directive', name, args, terminator: 'missing', start: name.start, end: name.end };
    if (leading.length > 0) directive.leadingComments = leading;
    // A pushed-to array keeps spare capacity; a 100k-line tree has 100k argument lists.
    const done = (): Directive => {
      directive.args = args.slice();
      return directive;
    };
    for (;;) {
      const token = this.next();
      switch (token.type) {
        case 'word':
          args.push(token.word);
          directive.end = token.word.end;
          continue;
        case ';':
          directive.terminator = ';';
          directive.end = token.end;
          return done();
        case '{':
          directive.terminator = '{';
          directive.block = this.parseBlockBody(token.start, depth + 1, isLuaBlockDirective(name.value));
          directive.end = directive.block.end;
          return done();
        case '}':
          // `name args }`: the statement lacks its `;`. nginx says `unexpected "}"`.
          this.problem('nginx.unexpected-token', 'unexpected "}"', token.start, token.end, directive.end);
          this.lookahead = token;
          return done();
        case 'eof':
          this.problem('nginx.unexpected-eof', 'unexpected end of file, expecting ";" or "}"', token.start, token.end);
          this.lookahead = token;
          return done();
        case 'comment':
          continue;
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
    const token = this.next();
    if (token.type === '}') {
      return { start: open, end: token.end, closed: true, statements };
    }
    return { start: open, end: this.text.length, closed: false, statements };
  }

  private skipBalanced(open: number): Block {
    let level = 0;
    for (;;) {
      const token = this.next();
      if (token.type === 'eof') {
        this.reportUnclosedBlock(open);
        return { start: open, end: this.text.length, closed: false, statements: [] };
      }
      if (token.type === '{') level++;
      if (token.type === '}') {
        if (level === 0) return { start: open, end: token.end, closed: true, statements: [] };
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
