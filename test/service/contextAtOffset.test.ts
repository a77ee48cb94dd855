import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { parseFile } from '../../server/src/model/parsedFile';
import { contextAtOffset, wordPrefix } from '../../server/src/service/contextAtOffset';

const table = getDirectiveTable();
const TEXT = [
  'http {',                                   // 0
  '  server {',                               // 1
  '    listen 443 ssl;',                      // 2
  '    # a comment',                          // 3
  '    ssl_verify_client optional;',          // 4
  '    location /api {',                      // 5
  '      proxy_set_header X "$ssl_client_s_dn";',
  '      ',                                   // 7
  '    }',
  '    content_by_lua_block { local x = 1 }',
  '  }',
  '}',
  '',
].join('\n');
const file = parseFile('/etc/nginx/nginx.conf', TEXT);
const at = (needle: string, delta = 0) => contextAtOffset(file, TEXT.indexOf(needle) + delta, { table });

describe('contextAtOffset', () => {
  it('finds the context and the enclosing chain of a directive name', () => {
    const result = at('ssl_verify_client', 3);
    assert.equal(result.context, 'server');
    assert.deepEqual(result.enclosing.map((d) => d.name), ['http', 'server']);
    assert.equal(result.target.kind, 'directive-name');
    assert.equal(result.target.kind === 'directive-name' && result.target.word.value, 'ssl_verify_client');
  });

  it('reports arguments by index, and blank space between words as the next index', () => {
    const onArg = at('ssl;', 1);
    assert.equal(onArg.target.kind, 'argument');
    if (onArg.target.kind === 'argument') {
      assert.equal(onArg.target.index, 1);
      assert.equal(onArg.target.word?.value, 'ssl');
    }
    const spaced = parseFile('/x.conf', 'listen  443;');
    const between = contextAtOffset(spaced, 7, { table });
    assert.equal(between.target.kind, 'argument');
    if (between.target.kind === 'argument') {
      assert.equal(between.target.index, 0);
      assert.equal(between.target.word, undefined);
    }
  });

  it('knows when the cursor is inside a quoted string', () => {
    const result = at('$ssl_client_s_dn', 4);
    assert.equal(result.context, 'location');
    assert.equal(result.inString, true);
    assert.equal(result.target.kind === 'argument' && result.target.index, 1);
  });

  it('recognises comments, raw Lua bodies and statement starts', () => {
    assert.equal(at('a comment', 2).target.kind, 'comment');
    assert.equal(at('local x').target.kind, 'raw-body');
    const blank = contextAtOffset(file, file.lines.offsetAt({ line: 7, character: 6 }), { table });
    assert.equal(blank.target.kind, 'statement-start');
    assert.equal(blank.context, 'location');
    const afterSemicolon = at('ssl;', 4);
    assert.equal(afterSemicolon.target.kind, 'statement-start');
    assert.equal(afterSemicolon.context, 'server');
  });

  it('uses the given root context for snippets included elsewhere', () => {
    const snippet = parseFile('/etc/nginx/snippets/tls.conf', 'ssl_protocols TLSv1.3;\n');
    assert.equal(contextAtOffset(snippet, 2, { table, rootContext: 'server' }).context, 'server');
    assert.equal(contextAtOffset(snippet, 2, { table }).context, 'main');
  });

  it('treats the inside of an unclosed block as that block', () => {
    const open = parseFile('/x.conf', 'http {\n  server {\n    ');
    const result = contextAtOffset(open, open.text.length, { table });
    assert.equal(result.context, 'server');
    assert.equal(result.target.kind, 'statement-start');
  });

  it('gives the typed prefix of a word', () => {
    const result = at('ssl_verify_client', 7);
    assert.deepEqual(wordPrefix(file, result.target, TEXT.indexOf('ssl_verify_client') + 7), { start: TEXT.indexOf('ssl_verify_client'), text: 'ssl_ver' });
  });
});
