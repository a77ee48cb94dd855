/**
 * A small reader for JSON with comments (the format of `.nginx-mtls.json`, VS Code's
 * settings files and tsconfig.json): `//` and `/* *\/` comments and trailing commas are
 * accepted. Besides the value it keeps where each value and property name starts, so that
 * problems can point at the line and column of the offending key. Never throws: a syntax
 * error comes back as a problem with its position, and the value is then undefined.
 */

export type JsoncValue = null | boolean | number | string | JsoncValue[] | { [key: string]: JsoncValue };

/** Where a value (and, for a property, its name) sits in the text. */
export interface JsoncSpan {
  offset: number;
  length: number;
}

export interface JsoncNode {
  value: JsoncValue;
  span: JsoncSpan;
  /** For objects: each property's name span and value node, in text order. */
  properties?: { key: string; keySpan: JsoncSpan; node: JsoncNode }[];
  /** For arrays: the element nodes. */
  items?: JsoncNode[];
}

export interface JsoncSyntaxError {
  message: string;
  offset: number;
}

class SyntaxFailure extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** Nesting deeper than this is refused rather than risking the stack on hostile input. */
const MAX_DEPTH = 200;

export function parseJsonc(text: string): { root?: JsoncNode; error?: JsoncSyntaxError } {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const describe = (at: number): string => (at >= text.length ? 'the end of the file' : `"${text[at]}"`);
  const fail = (message: string, at = pos): never => { throw new SyntaxFailure(message, at); };

  function skipTrivia(): void {
    for (;;) {
      const ch = text[pos];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') { pos++; continue; }
      if (ch === '/' && text[pos + 1] === '/') {
        while (pos < text.length && text[pos] !== '\n') pos++;
        continue;
      }
      if (ch === '/' && text[pos + 1] === '*') {
        const end = text.indexOf('*/', pos + 2);
        if (end < 0) fail('a /* comment is never closed with */');
        pos = end + 2;
        continue;
      }
      return;
    }
  }

  function readString(): string {
    const start = pos;
    pos++;
    let out = '';
    for (;;) {
      if (pos >= text.length || text[pos] === '\n') fail('a string is not closed with "', start);
      const ch = text[pos];
      if (ch === '"') { pos++; return out; }
      if (ch === '\\') {
        const esc = text[pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (esc !== undefined && esc in simple) { out += simple[esc]; pos += 2; continue; }
        if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
          continue;
        }
        fail(`unknown escape "\\${esc ?? ''}" in a string`);
      }
      if (ch.charCodeAt(0) < 0x20) fail('a control character in a string (write it as an escape such as \\t)');
      out += ch;
      pos++;
    }
  }

  function readValue(depth: number): JsoncNode {
    if (depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    skipTrivia();
    const start = pos;
    const ch = text[pos];
    if (ch === '{') return readObject(depth);
    if (ch === '[') return readArray(depth);
    if (ch === '"') {
      const value = readString();
      return { value, span: { offset: start, length: pos - start } };
    }
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 64));
    if (number && (ch === '-' || (ch >= '0' && ch <= '9'))) {
      pos += number[0].length;
      return { value: Number(number[0]), span: { offset: start, length: number[0].length } };
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos) && !/[A-Za-z0-9_]/.test(text[pos + word.length] ?? '')) {
        pos += word.length;
        return { value, span: { offset: start, length: word.length } };
      }
    }
    if (ch === "'") return fail('strings take double quotes (") in JSON');
    return fail(`expected a value, found ${describe(pos)}`);
  }

  function readObject(depth: number): JsoncNode {
    const start = pos;
    pos++;
    const value: { [key: string]: JsoncValue } = {};
    const properties: NonNullable<JsoncNode['properties']> = [];
    for (;;) {
      skipTrivia();
      if (text[pos] === '}') { pos++; break; }
      if (text[pos] !== '"') fail(`expected a property name in double quotes or "}", found ${describe(pos)}`);
      const keyStart = pos;
      const key = readString();
      const keySpan = { offset: keyStart, length: pos - keyStart };
      skipTrivia();
      if (text[pos] !== ':') fail(`expected ":" after "${key}", found ${describe(pos)}`);
      pos++;
      const node = readValue(depth + 1);
      // defineProperty: a key named __proto__ is an ordinary key here, never the prototype.
      Object.defineProperty(value, key, { value: node.value, enumerable: true, writable: true, configurable: true });
      properties.push({ key, keySpan, node });
      skipTrivia();
      if (text[pos] === ',') { pos++; continue; }
      if (text[pos] === '}') { pos++; break; }
      fail(`expected "," or "}" after a property, found ${describe(pos)}`);
    }
    return { value, span: { offset: start, length: pos - start }, properties };
  }

  function readArray(depth: number): JsoncNode {
    const start = pos;
    pos++;
    const items: JsoncNode[] = [];
    for (;;) {
      skipTrivia();
      if (text[pos] === ']') { pos++; break; }
      items.push(readValue(depth + 1));
      skipTrivia();
      if (text[pos] === ',') { pos++; continue; }
      if (text[pos] === ']') { pos++; break; }
      fail(`expected "," or "]" in a list, found ${describe(pos)}`);
    }
    return { value: items.map((i) => i.value), span: { offset: start, length: pos - start }, items };
  }

  try {
    skipTrivia();
    if (pos >= text.length) return { error: { message: 'the file is empty; it should hold an object such as {}', offset: pos } };
    const root = readValue(0);
    skipTrivia();
    if (pos < text.length) fail(`unexpected ${describe(pos)} after the end of the value`);
    return { root };
  } catch (error) {
    if (error instanceof SyntaxFailure) return { error: { message: error.message, offset: Math.min(error.offset, text.length) } };
    throw error;
  }
}
