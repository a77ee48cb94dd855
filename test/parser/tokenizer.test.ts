import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../server/src/parser/parser';
import { Tokenizer, unescapeWord, type Token } from '../../server/src/parser/tokenizer';
import { mulberry32 } from '../differential/nginxHarness';

function tokens(text: string): Token[] {
  const t = new Tokenizer(text);
  const out: Token[] = [];
  for (;;) {
    const token = t.next();
    out.push(token);
    if (token.type === 'eof') return out;
  }
}

/** Compact view: words as their value, punctuation as itself, comments as #text. */
function shape(text: string): string[] {
  return tokens(text).map((t) => {
    if (t.type === 'word') return t.word.quote ? `${t.word.quote}${t.word.value}${t.word.quote}` : t.word.value;
    if (t.type === 'comment') return `#${t.comment.text}`;
    return t.type;
  });
}

describe('tokenizer (ngx_conf_read_token rules)', () => {
  it('splits words at whitespace, ";" and "{"', () => {
    assert.deepEqual(shape('listen 443 ssl;\nserver{a b;}'), ['listen', '443', 'ssl', ';', 'server', '{', 'a', 'b', ';', '}', 'eof']);
  });

  it('keeps "}" and "#" that stand inside a word', () => {
    assert.deepEqual(shape('return 200 a}b#c;'), ['return', '200', 'a}b#c', ';', 'eof']);
  });

  it('treats "#" at a word start as a comment up to the line end', () => {
    assert.deepEqual(shape('a b; # note ; {\nc;'), ['a', 'b', ';', '# note ; {', 'c', ';', 'eof']);
  });

  it('reads double- and single-quoted words and unescapes them like nginx', () => {
    assert.deepEqual(shape(`log_format x "a \\"b\\" c" 'd\\'e';`), ['log_format', 'x', '"a "b" c"', "'d'e'", ';', 'eof']);
    assert.equal(unescapeWord('a\\tb\\nc\\\\d\\x'), 'a\tb\nc\\d\\x');
  });

  it('unescapes like nginx\'s copy loop, read a character at a time, whatever the backslashes', () => {
    // ngx_conf_read_token(): a backslash before " ' \\ t r n stands for that character (or
    // tab, CR, LF) and the pair is consumed; any other backslash is copied as it is.
    const copyLoop = (raw: string): string => {
      let out = '';
      for (let i = 0; i < raw.length; i++) {
        const next = raw[i + 1];
        if (raw[i] === '\\' && next !== undefined && '"\'\\trn'.includes(next)) {
          out += next === 't' ? '\t' : next === 'r' ? '\r' : next === 'n' ? '\n' : next;
          i++;
        } else {
          out += raw[i];
        }
      }
      return out;
    };
    const random = mulberry32(7);
    const alphabet = ['\\', '"', "'", 't', 'r', 'n', 'x', '$', '{'];
    for (let n = 0; n < 20000; n++) {
      let raw = '';
      for (let length = Math.floor(random() * 9); length > 0; length--) raw += alphabet[Math.floor(random() * alphabet.length)];
      assert.equal(unescapeWord(raw), copyLoop(raw), JSON.stringify(raw));
    }
  });

  it('keeps quotes in the middle of a word as part of the word', () => {
    assert.deepEqual(shape('add_header X a"b c";'), ['add_header', 'X', 'a"b', 'c"', ';', 'eof']);
  });

  it('does not open a block at "${"', () => {
    assert.deepEqual(shape('set $a ${b}c;'), ['set', '$a', '${b}c', ';', 'eof']);
    const word = tokens('x ${host};').find((t) => t.type === 'word' && t.word.value === '${host}');
    assert.ok(word && word.type === 'word' && word.word.hasVariable);
  });

  it('opens a block when "{" follows a word that ends in a non-variable', () => {
    assert.deepEqual(shape('location /a{ }'), ['location', '/a', '{', '}', 'eof']);
  });

  it('accepts ")" right after a closing quote, as in if conditions', () => {
    assert.deepEqual(shape('if ($a = "b") { }'), ['if', '($a', '=', '"b"', '{', '}', 'eof']);
  });

  it('reports a character glued to a closing quote with nginx wording', () => {
    const t = new Tokenizer('a "b"c;');
    while (t.next().type !== 'eof') { /* drain */ }
    assert.equal(t.problems.length, 1);
    assert.equal(t.problems[0].message, 'unexpected "c"');
    assert.equal(t.problems[0].start, 5);
  });

  it('escapes a quote character with a backslash, in and out of quotes', () => {
    assert.deepEqual(shape('a \\"b;'), ['a', '"b', ';', 'eof']);
    assert.deepEqual(shape('a "x\\"y";'), ['a', '"x"y"', ';', 'eof']);
  });

  it('recovers from an unclosed quote at the end of its line and reports both problems', () => {
    const t = new Tokenizer('a "b;\nc d;\n');
    const seen: string[] = [];
    for (;;) {
      const token = t.next();
      if (token.type === 'eof') break;
      seen.push(token.type === 'word' ? token.word.value : token.type);
    }
    assert.deepEqual(seen, ['a', 'b;', 'c', 'd', ';']);
    assert.deepEqual(t.problems.map((p) => p.code), ['nginx.unterminated-string', 'nginx.unexpected-eof']);
    assert.equal(t.problems[1].message, 'unexpected end of file, expecting ";" or "}"');
  });

  it('gives exact offsets for every word', () => {
    const text = '  proxy_pass  "https://a b" ;';
    const words = tokens(text).filter((t) => t.type === 'word');
    assert.deepEqual(words.map((t) => (t.type === 'word' ? text.slice(t.word.start, t.word.end) : '')), ['proxy_pass', '"https://a b"']);
  });

  it('handles CRLF line endings and tabs as whitespace', () => {
    assert.deepEqual(shape('a\tb;\r\n# c\r\nd;'), ['a', 'b', ';', '# c', 'd', ';', 'eof']);
  });

  it('skips Lua block bodies with strings, comments and long brackets', () => {
    const text = 'content_by_lua_block { local s = "}" -- }\n local t = [[ } ]] local u = { a = 1 } --[==[ } ]==] }\nnext;';
    const t = new Tokenizer(text);
    t.next();
    assert.equal(t.next().type, '{');
    const close = t.skipLuaBlock();
    assert.equal(text[close], '}');
    assert.equal(text.slice(close + 1).trim(), 'next;');
    const after = t.next();
    assert.ok(after.type === 'word' && after.word.value === 'next');
  });

  it('reports -1 for a Lua block that never closes', () => {
    const t = new Tokenizer('x { a = {');
    t.next();
    t.next();
    assert.equal(t.skipLuaBlock(), -1);
  });
});

describe('tokenizer advance() (the parser reads tokens without an object each)', () => {
  it('reads the same tokens, ranges, words and comments as next()', () => {
    const text = 'a "b c" \'d\'e;\r\n# note\r\n{ x; } } ;\nf $g ${h}i "unterminated\n#\nlast';
    const objects = tokens(text);
    const t = new Tokenizer(text);
    const kinds = ['word', ';', '{', '}', 'comment', 'eof'];
    for (const expected of objects) {
      const kind = t.advance();
      assert.equal(kinds[kind], expected.type);
      if (expected.type === 'word') {
        assert.deepEqual(t.word, expected.word);
        assert.deepEqual([t.tokenStart, t.tokenEnd], [expected.word.start, expected.word.end]);
      } else if (expected.type === 'comment') {
        assert.deepEqual(t.comment, expected.comment);
        assert.deepEqual([t.tokenStart, t.tokenEnd], [expected.comment.start, expected.comment.end]);
      } else {
        assert.deepEqual([t.tokenStart, t.tokenEnd], [expected.start, expected.end]);
      }
    }
    // The end is given again, as next() gives it again.
    assert.equal(kinds[t.advance()], 'eof');
  });
});

/**
 * `count` words of `alphabet`, of `minLength` to `minLength + lengths - 1` characters, one in
 * `repeatOneIn` a repeat of an earlier word: seeded, so every run reads the same words.
 */
function randomWords(seed: number, count: number, alphabet: string, minLength: number, lengths: number, repeatOneIn: number): string[] {
  const next = mulberry32(seed);
  const random = (n: number): number => Math.floor(next() * n);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    let word = '';
    for (let n = minLength + random(lengths); n > 0; n--) word += alphabet[random(alphabet.length)];
    words.push(random(repeatOneIn) === 0 ? words[random(words.length)] ?? word : word);
  }
  return words;
}

describe('tokenizer: short words shared between statements', () => {
  it('gives each word its own characters, however many short words share the table', () => {
    // Many more distinct short words than the table has slots, so slots are taken over again
    // and again; words of the same length and hash slot differ only in their characters.
    const words = randomWords(11, 30000, 'abcxyz019_.-/:$', 1, 14, 4);
    const text = words.map((w) => `d ${w};`).join('\n');
    const seen = tokens(text).flatMap((t) => (t.type === 'word' && t.word.start > 0 && text[t.word.start - 1] === ' ' ? [t.word] : []));
    assert.equal(seen.length, words.length);
    seen.forEach((w, i) => {
      assert.equal(w.value, words[i]);
      assert.equal(w.hasVariable, /\$(?:[A-Za-z0-9_]|\{)/.test(words[i]), words[i]);
    });
  });

  it('gives each long directive name its own characters, whether the name table shares it or not', () => {
    // More distinct long names than the name table holds, of lengths around the 13-character
    // boundary, some quoted or escaped (never shared), many repeated.
    const names = randomWords(12, 20000, 'abcxyz_019', 11, 6, 2);
    const written = names.map((n, i) => (i % 7 === 3 ? `"${n}"` : i % 11 === 5 ? n.replace('_', '\\_') : n));
    const text = written.map((n) => `${n} 1;`).join('\n');
    const statements = parseConfig(text).statements;
    assert.equal(statements.length, names.length);
    statements.forEach((d, i) => {
      // A quoted name loses its quotes; `\\_` is no escape nginx knows, so the backslash stays.
      assert.equal(d.name, i % 7 === 3 ? names[i] : written[i], `statement ${i}`);
      assert.equal(d.nameEnd - d.start, written[i].length, `statement ${i}: the name's extent`);
    });
  });

  it('reads words with escapes, variables and the 12/13-character boundary as before', () => {
    const cases = ['abcdefghijkl', 'abcdefghijklm', '$host', 'a${b}c', 'x\\;y', 'a\\"b', 'on', 'on'];
    const values = tokens(cases.map((w) => `${w};`).join(' ')).flatMap((t) => (t.type === 'word' ? [[t.word.value, t.word.hasVariable]] : []));
    assert.deepEqual(values, [['abcdefghijkl', false], ['abcdefghijklm', false], ['$host', true], ['a${b}c', true], ['x\\;y', false], ['a"b', false], ['on', false], ['on', false]]);
  });
});
