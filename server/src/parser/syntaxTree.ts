/**
 * The syntax tree of one nginx configuration file. Every node carries UTF-16 offsets
 * into the text it was parsed from ([start, end) like String#slice), so ranges can be
 * turned into LSP positions at the service edge and edits can be made without re-printing.
 */

/** One word of a directive: its name or an argument. */
export interface Word {
  /** The value nginx sees: quotes removed and `\"`, `\'`, `\\`, `\t`, `\r`, `\n` unescaped. */
  value: string;
  /** Offset of the first character (the opening quote for quoted words). */
  start: number;
  /** Offset just past the last character (past the closing quote). */
  end: number;
  /** The quote character when the word was quoted. */
  quote?: '"' | "'";
  /** True when the word contains a `$variable` (nginx may evaluate it at run time). */
  readonly hasVariable: boolean;
}

export interface Comment {
  kind: 'comment';
  /** Text after `#`, without the line break. */
  text: string;
  start: number;
  end: number;
}

/** A `{ … }` body. */
export interface Block {
  /** Offset of `{`. */
  start: number;
  /** Offset just past `}`; the end of the text when the block is not closed. */
  end: number;
  closed: boolean;
  statements: Directive[];
  /**
   * Set for blocks whose body is not nginx syntax (`*_by_lua_block`): the body text range
   * between the braces, kept verbatim.
   */
  raw?: { start: number; end: number };
}

export interface Directive {
  /**
   * The directive's name as nginx sees it (quotes removed, escapes undone). The name's word
   * spans `start` to `nameEnd`; nameWord() (parser.ts) reads it again from the text for the
   * few callers that want its quote or whether it holds a variable. A string, not a Word: a
   * separate object per statement took 4.3 MB over the benchmark tree's 79,000 statements
   * (issue #15).
   */
  name: string;
  /** Offset just past the name (past its closing quote when quoted). */
  nameEnd: number;
  args: Word[];
  /** Present when the directive opened a block. */
  block?: Block;
  /** How the statement ended: `;`, `{`, or missing (recovered from an error). */
  terminator: ';' | '{' | 'missing';
  /** Offset of the first character of the name (its opening quote when quoted). */
  start: number;
  /** Offset just past `;` or the block's `}` (or the last word when missing). */
  end: number;
  /** Comments that stood between the previous statement and this one, or trailing on its line. */
  leadingComments?: Comment[];
}

export interface SyntaxProblem {
  /** Stable code, e.g. `nginx.unexpected-token`. */
  code: string;
  /** nginx's own wording where nginx reports the same problem. */
  message: string;
  start: number;
  end: number;
  /** Where the missing `;` of the statement goes, when the problem is exactly that. */
  missingSemicolonAt?: number;
}

export interface ConfigFile {
  text: string;
  statements: Directive[];
  comments: Comment[];
  problems: SyntaxProblem[];
}

/** Calls `visit` for every directive in document order, with its parent chain (outermost first). */
export function walkDirectives(
  statements: readonly Directive[],
  visit: (directive: Directive, parents: readonly Directive[]) => void | 'skip',
  parents: Directive[] = [],
): void {
  for (const directive of statements) {
    const result = visit(directive, parents);
    if (result !== 'skip' && directive.block) {
      parents.push(directive);
      walkDirectives(directive.block.statements, visit, parents);
      parents.pop();
    }
  }
}
