import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../server/src/parser/parser';
import { walkDirectives } from '../../server/src/parser/syntaxTree';
import { LineIndex } from '../../server/src/parser/lineIndex';

function names(text: string): string[] {
  const out: string[] = [];
  walkDirectives(parseConfig(text).statements, (d, parents) => {
    out.push([...parents.map((p) => p.name), d.name].join('>'));
  });
  return out;
}

function problems(text: string): string[] {
  return parseConfig(text).problems.map((p) => `${p.code}@${p.start}: ${p.message}`);
}

describe('parser', () => {
  it('builds nested blocks with exact ranges', () => {
    const text = 'http {\n  server {\n    listen 443 ssl;\n  }\n}\n';
    const file = parseConfig(text);
    assert.deepEqual(file.problems, []);
    const http = file.statements[0];
    assert.equal(http.terminator, '{');
    assert.equal(text.slice(http.start, http.end), text.trimEnd());
    const listen = http.block!.statements[0].block!.statements[0];
    assert.equal(text.slice(listen.start, listen.end), 'listen 443 ssl;');
    assert.deepEqual(listen.args.map((a) => a.value), ['443', 'ssl']);
    assert.equal(http.block!.closed, true);
  });

  it('keeps each statement\'s arguments and each block\'s statements apart (the parser reuses its working lists)', () => {
    const text = 'a 1 2 {\n  b 3 { c 4; }\n  d 5 6 7 { e; f 8; }\n}\ng 9 {\n  h;\n}\ni 10';
    const file = parseConfig(text);
    const shape = (list: readonly { name: string; args: { value: string }[]; block?: { statements: unknown[] } }[]): unknown[] =>
      list.map((d) => [d.name, d.args.map((a) => a.value), d.block ? shape(d.block.statements as typeof list) : null]);
    assert.deepEqual(shape(file.statements), [
      ['a', ['1', '2'], [['b', ['3'], [['c', ['4'], null]]], ['d', ['5', '6', '7'], [['e', [], null], ['f', ['8'], null]]]]],
      ['g', ['9'], [['h', [], null]]],
      ['i', ['10'], null],
    ]);
    const lists = new Set<unknown>();
    walkDirectives(file.statements, (d) => {
      assert.ok(!lists.has(d.args), `${d.name} has its own argument list`);
      lists.add(d.args);
      if (d.block) {
        assert.ok(!lists.has(d.block.statements));
        lists.add(d.block.statements);
      }
    });
    assert.equal(file.statements[2].terminator, 'missing');
  });

  it('keeps comments, attached to the following statement', () => {
    const file = parseConfig('# first\na; # trailing\nb;');
    assert.equal(file.comments.length, 2);
    assert.equal(file.statements[0].leadingComments?.[0].text, ' first');
    assert.equal(file.statements[1].leadingComments?.[0].text, ' trailing');
  });

  it('reports a stray "}" at top level and keeps going', () => {
    assert.deepEqual(problems('a;\n}\nb;'), ['nginx.unexpected-token@3: unexpected "}"']);
    assert.deepEqual(names('a;\n}\nb;'), ['a', 'b']);
  });

  it('reports a missing ";" before "}" with nginx wording and closes the block', () => {
    const text = 'server {\n  listen 80\n}\nnext;';
    assert.deepEqual(problems(text), [`nginx.unexpected-token@${text.indexOf('}')}: unexpected "}"`]);
    assert.deepEqual(names(text), ['server', 'server>listen', 'next']);
  });

  it('reports an unclosed block at the end of the file and at its "{"', () => {
    const text = 'http {\n  server {\n  }\n';
    const file = parseConfig(text);
    assert.deepEqual(file.problems.map((p) => p.code).sort(), ['nginx.unclosed-block', 'nginx.unexpected-eof']);
    const eof = file.problems.find((p) => p.code === 'nginx.unexpected-eof')!;
    assert.equal(eof.message, 'unexpected end of file, expecting "}"');
    assert.equal(eof.start, text.length);
    assert.equal(file.problems.find((p) => p.code === 'nginx.unclosed-block')!.start, 5);
    assert.equal(file.statements[0].block!.closed, false);
  });

  it('reports end of file inside a statement', () => {
    assert.deepEqual(problems('a b'), ['nginx.unexpected-eof@3: unexpected end of file, expecting ";" or "}"']);
  });

  it('reports ";" and "{" without a directive name', () => {
    assert.deepEqual(problems(';'), ['nginx.unexpected-token@0: unexpected ";"']);
    const text = '{ a; }\nb;';
    assert.deepEqual(problems(text), ['nginx.unexpected-token@0: unexpected "{"']);
    assert.deepEqual(names(text), ['b']);
  });

  it('parses a missing ";" as one longer statement, like nginx', () => {
    const file = parseConfig('ssl_certificate a.crt\nssl_certificate_key a.key;');
    assert.equal(file.statements.length, 1);
    assert.deepEqual(file.statements[0].args.map((a) => a.value), ['a.crt', 'ssl_certificate_key', 'a.key']);
  });

  it('keeps Lua block bodies raw and continues after them', () => {
    const text = 'location / {\n  content_by_lua_block {\n    ngx.say("}")\n    local t = { 1, 2 }\n  }\n  proxy_pass http://a;\n}';
    const file = parseConfig(text);
    assert.deepEqual(file.problems, []);
    const lua = file.statements[0].block!.statements[0];
    assert.ok(lua.block?.raw);
    assert.match(text.slice(lua.block!.raw!.start, lua.block!.raw!.end), /ngx\.say\("}"\)/);
    assert.deepEqual(names(text), ['location', 'location>content_by_lua_block', 'location>proxy_pass']);
  });

  it('recovers after an unclosed quote and still parses later lines', () => {
    const text = 'a "b;\nc d;\ne f;\n';
    const file = parseConfig(text);
    assert.ok(file.problems.some((p) => p.code === 'nginx.unterminated-string'));
    assert.deepEqual(names(text), ['a', 'e']);
  });

  it('never throws on hostile input, and its output stays proportional to the input', () => {
    const inputs = ['{'.repeat(5000), '}'.repeat(5000), '"'.repeat(3001), "'\\".repeat(2000), '\u0000\uffff\ud800', '#'.repeat(10000), 'a '.repeat(50000)];
    for (const input of inputs) {
      const file = parseConfig(input);
      assert.ok(Array.isArray(file.statements));
      // Work is bounded by what is produced: at most one statement and one problem per character.
      assert.ok(file.statements.length <= input.length && file.problems.length <= input.length);
      for (const p of file.problems) assert.ok(p.start >= 0 && p.end <= input.length && p.start <= p.end);
    }
  });

  it('stops recursing past the nesting limit', () => {
    const deep = 'a {'.repeat(400) + '}'.repeat(400);
    const file = parseConfig(deep);
    assert.ok(file.problems.some((p) => p.code === 'nginx.too-deep'));
    assert.ok(!file.problems.some((p) => p.code === 'nginx.unexpected-token'));
  });
});

describe('line index', () => {
  it('converts offsets to positions and back', () => {
    const text = 'ab\ncd\r\nef';
    const index = new LineIndex(text);
    assert.deepEqual(index.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(index.positionAt(4), { line: 1, character: 1 });
    assert.deepEqual(index.positionAt(text.length), { line: 2, character: 2 });
    assert.equal(index.offsetAt({ line: 2, character: 1 }), 8);
    assert.equal(index.offsetAt({ line: 9, character: 0 }), text.length);
    assert.equal(index.lineCount, 3);
  });
});
