// A small expander for VS Code snippet bodies, used by tests to turn each snippet
// into the text VS Code would insert when the user accepts every default.
//
// Supported syntax (VS Code snippet grammar subset):
//   $1, ${1}                -> tabstop; expands to the default of a placeholder with the
//                              same index elsewhere in the body (VS Code mirrors it), else ''
//   $0                      -> final cursor position; ''
//   ${1:default}            -> default (may contain nested tabstops/placeholders/escapes)
//   ${1|a,b,c|}             -> first choice ('a'); '\,' '\|' '\\' escapes inside choices
//   \$  \}  \\              -> literal '$', '}', '\'
//   $NAME, ${NAME}, ${NAME:default}
//                           -> snippet variables; default if given, else the variable name
//                              (VS Code turns unknown variables into a placeholder of their
//                              name). Reported in `variables` so tests can flag unescaped
//                              nginx variables such as `$host`.
// Variable transforms (${NAME/re/fmt/}) are not supported and throw.
import * as fs from 'node:fs';

export interface ExpandResult {
  /** The fully expanded text. */
  text: string;
  /** Tab stop indices in order of first appearance (0 included if present). */
  tabstopOrder: number[];
  /** Snippet variables ($NAME / ${NAME...}) encountered, in order. */
  variables: string[];
}

type Node =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number }
  | { kind: 'placeholder'; index: number; children: Node[] }
  | { kind: 'choice'; index: number; options: string[] }
  | { kind: 'variable'; name: string; children: Node[] | null };

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): Node[] {
    const nodes = this.parseSeq(false);
    if (this.pos < this.src.length) {
      throw this.error('unexpected "}"');
    }
    return nodes;
  }

  private error(msg: string): Error {
    return new Error(`snippet syntax error at offset ${this.pos}: ${msg}\n${this.src}`);
  }

  /** Parses until end of input, or until an unescaped '}' when nested. */
  private parseSeq(nested: boolean): Node[] {
    const out: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) {
        out.push({ kind: 'text', value: text });
        text = '';
      }
    };
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\') {
        const next = this.src[this.pos + 1];
        if (next === '$' || next === '}' || next === '\\') {
          text += next;
          this.pos += 2;
        } else {
          text += ch;
          this.pos += 1;
        }
        continue;
      }
      if (ch === '}' && nested) {
        break;
      }
      if (ch === '$') {
        const node = this.parseDollar();
        if (node) {
          flush();
          out.push(node);
          continue;
        }
        text += '$';
        this.pos += 1;
        continue;
      }
      text += ch;
      this.pos += 1;
    }
    flush();
    return out;
  }

  /** At a '$'. Returns null when the '$' is a literal dollar sign. */
  private parseDollar(): Node | null {
    const rest = this.src.slice(this.pos);
    let m = /^\$(\d+)/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      return { kind: 'tabstop', index: Number(m[1]) };
    }
    m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      return { kind: 'variable', name: m[1], children: null };
    }
    m = /^\$\{(\d+)/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      const index = Number(m[1]);
      const c = this.src[this.pos];
      if (c === '}') {
        this.pos += 1;
        return { kind: 'tabstop', index };
      }
      if (c === ':') {
        this.pos += 1;
        const children = this.parseSeq(true);
        this.expect('}');
        return { kind: 'placeholder', index, children };
      }
      if (c === '|') {
        this.pos += 1;
        const options = this.parseChoices();
        return { kind: 'choice', index, options };
      }
      throw this.error(`unexpected ${JSON.stringify(c)} after tabstop index`);
    }
    m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      const name = m[1];
      const c = this.src[this.pos];
      if (c === '}') {
        this.pos += 1;
        return { kind: 'variable', name, children: null };
      }
      if (c === ':') {
        this.pos += 1;
        const children = this.parseSeq(true);
        this.expect('}');
        return { kind: 'variable', name, children };
      }
      if (c === '/') {
        throw this.error(`variable transforms are not supported (\${${name}/...})`);
      }
      throw this.error(`unexpected ${JSON.stringify(c)} after variable name`);
    }
    return null;
  }

  private parseChoices(): string[] {
    const options: string[] = [];
    let cur = '';
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\' && /[,|\\$}]/.test(this.src[this.pos + 1] ?? '')) {
        cur += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (ch === ',') {
        options.push(cur);
        cur = '';
        this.pos += 1;
        continue;
      }
      if (ch === '|' && this.src[this.pos + 1] === '}') {
        options.push(cur);
        this.pos += 2;
        return options;
      }
      cur += ch;
      this.pos += 1;
    }
    throw this.error('unterminated choice');
  }

  private expect(ch: string): void {
    if (this.src[this.pos] !== ch) {
      throw this.error(`expected ${JSON.stringify(ch)}`);
    }
    this.pos += 1;
  }
}

/** Parses a snippet body (string, or array of lines joined with '\n'). */
function parseBody(body: string | string[]): Node[] {
  const src = Array.isArray(body) ? body.join('\n') : body;
  return new Parser(src).parse();
}

export function expandSnippet(body: string | string[]): ExpandResult {
  const nodes = parseBody(body);
  const tabstopOrder: number[] = [];
  const variables: string[] = [];
  const defaults = new Map<number, Node[]>();

  // First pass: order of appearance and the defining placeholder of each index.
  const collect = (ns: Node[]) => {
    for (const n of ns) {
      if (n.kind === 'tabstop' || n.kind === 'placeholder' || n.kind === 'choice') {
        if (!tabstopOrder.includes(n.index)) tabstopOrder.push(n.index);
      }
      if (n.kind === 'placeholder') {
        if (!defaults.has(n.index)) defaults.set(n.index, n.children);
        collect(n.children);
      } else if (n.kind === 'choice') {
        if (!defaults.has(n.index)) defaults.set(n.index, [{ kind: 'text', value: n.options[0] ?? '' }]);
      } else if (n.kind === 'variable') {
        variables.push(n.name);
        if (n.children) collect(n.children);
      }
    }
  };
  collect(nodes);

  const render = (ns: Node[], stack: number[]): string => {
    let out = '';
    for (const n of ns) {
      switch (n.kind) {
        case 'text':
          out += n.value;
          break;
        case 'tabstop': {
          const d = defaults.get(n.index);
          if (d && !stack.includes(n.index)) out += render(d, [...stack, n.index]);
          break;
        }
        case 'placeholder':
          out += render(n.children, [...stack, n.index]);
          break;
        case 'choice':
          out += n.options[0] ?? '';
          break;
        case 'variable':
          out += n.children ? render(n.children, stack) : n.name;
          break;
      }
    }
    return out;
  };

  return { text: render(nodes, []), tabstopOrder, variables };
}

/** Convenience: just the expanded text. */
export function expandSnippetText(body: string | string[]): string {
  return expandSnippet(body).text;
}

export interface SnippetDefinition {
  prefix: string | string[];
  body: string | string[];
  description?: string;
  scope?: string;
}

/** Loads a .code-snippets file (plain JSON; VS Code also allows comments, which we strip). */
export function loadSnippets(file: string): Record<string, SnippetDefinition> {
  const raw = fs.readFileSync(file, 'utf8');
  return JSON.parse(stripJsonComments(raw)) as Record<string, SnippetDefinition>;
}

function stripJsonComments(s: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      out += c;
      if (c === '\\') {
        out += s[++i] ?? '';
      } else if (c === '"') {
        inString = false;
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && s[i + 1] === '*') {
      i += 2;
      while (i < s.length && !(s[i] === '*' && s[i + 1] === '/')) i++;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** All prefixes of a snippet as an array. */
export function prefixesOf(def: SnippetDefinition): string[] {
  return Array.isArray(def.prefix) ? def.prefix : [def.prefix];
}

export type SnippetContext = 'http' | 'server';

/**
 * Where an expanded snippet is meant to be inserted, judged by its first directive:
 * server/upstream/map/geo/split_clients blocks go into `http`, everything else
 * (location, if, plain directives) into a `server` block.
 */
export function snippetContext(expanded: string): SnippetContext {
  for (const raw of expanded.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const first = /^[^\s;{}]+/.exec(line)?.[0] ?? '';
    return ['server', 'upstream', 'map', 'geo', 'split_clients'].includes(first) ? 'http' : 'server';
  }
  return 'server';
}
