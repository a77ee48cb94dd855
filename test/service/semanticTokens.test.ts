/** Semantic tokens from the syntax tree (issue #14): what each word is to nginx. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getDirectiveTable, type ContextKind } from '../../server/src/directives/directiveTable';
import { parseFile } from '../../server/src/model/parsedFile';
import { encodeTokens, semanticTokens, SEMANTIC_TOKENS_LEGEND, tokenDelta, type SemanticToken } from '../../server/src/service/semanticTokens';

interface Options {
  rootContext?: ContextKind;
  contextKnown?: boolean;
  targetVersion?: string;
}

function tokensOf(text: string, options: Options = {}): { file: ReturnType<typeof parseFile>; tokens: SemanticToken[] } {
  const file = parseFile('/c/nginx.conf', text);
  const tokens = semanticTokens(file, {
    table: getDirectiveTable(),
    rootContext: options.rootContext ?? 'main',
    contextKnown: options.contextKnown ?? true,
    targetVersion: options.targetVersion ?? '1.22.1',
  });
  return { file, tokens };
}

/** `word → type[+modifiers]` for every token, in order. */
function described(text: string, options: Options = {}): string[] {
  const { tokens } = tokensOf(text, options);
  return tokens.map((t) => `${text.slice(t.start, t.end)} → ${[t.type, ...t.modifiers].join('+')}`);
}

describe('semantic tokens', () => {
  it('tells block directives, simple directives, strings, numbers, variables and comments apart', () => {
    const text = [
      '# main config',
      'events {}',
      'http {',
      '  server {',
      '    listen 443 ssl;',
      '    add_header X-Client "cn=$ssl_client_s_dn";',
      '    set $target "backend";',
      '    client_max_body_size 10m;',
      '  }',
      '}',
    ].join('\n');
    assert.deepEqual(described(text), [
      '# main config → comment',
      'events → keyword',
      'http → keyword',
      'server → keyword',
      'listen → function',
      '443 → number',
      'add_header → function',
      '"cn= → string',
      '$ssl_client_s_dn → variable+defaultLibrary',
      '" → string',
      'set → function',
      '$target → variable+declaration',
      '"backend" → string',
      'client_max_body_size → function',
      '10m → number',
    ]);
  });

  it('marks the regular expressions of location, if, rewrite, server_name and map keys', () => {
    const text = [
      'http {',
      '  map $http_host $tenant {',
      '    ~^(?<t>[a-z]+)\\.example\\.com$ $t;',
      '    default none;',
      '  }',
      '  server {',
      '    server_name ~^www\\.(.+)$ example.com;',
      '    location ~* \\.php$ {',
      '      if ($request_uri ~ ^/old/(.*)$) { return 301 /new/$1; }',
      '      rewrite ^/a/(.*)$ /b/$1 last;',
      '    }',
      '    location @fallback { return 404; }',
      '  }',
      '  upstream backend { server 127.0.0.1:8443; }',
      '}',
    ].join('\n');
    const lines = described(text);
    for (const expected of [
      '~^(?<t>[a-z]+)\\.example\\.com$ → regexp',
      '~^www\\.(.+)$ → regexp',
      '\\.php$ → regexp',
      '^/old/(.*)$ → regexp',
      '^/a/(.*)$ → regexp',
      '$tenant → variable+declaration',
      '$http_host → variable+defaultLibrary',
      '@fallback → function',
      'backend → type',
      'upstream → keyword',
      '$1 → variable',
    ]) assert.ok(lines.includes(expected), `missing "${expected}" in:\n${lines.join('\n')}`);
    // `if` keeps the grammar's control-keyword colour: no token.
    assert.ok(!lines.some((l) => l.startsWith('if →')), lines.join('\n'));
    // The `)` closing the condition is not part of the regex.
    assert.ok(!lines.some((l) => l.startsWith('^/old/(.*)$)')), lines.join('\n'));
    // Unquoted words the grammar colours (paths, keywords) get no token that would override it.
    assert.ok(!lines.some((l) => l.startsWith('example.com ') || l.startsWith('last ') || l.startsWith('/b/')), lines.join('\n'));
  });

  it('marks directives nginx refuses as invalid, but not where the block is only guessed', () => {
    const text = ['http {', '  server {', '    ssl_verify_clinet on;', '    worker_processes 2;', '    ssl_verify_client on;', '  }', '}'].join('\n');
    const lines = described(text);
    assert.ok(lines.includes('ssl_verify_clinet → function+invalid'), lines.join('\n'));
    assert.ok(lines.includes('worker_processes → function+invalid'), lines.join('\n'));
    assert.ok(lines.includes('ssl_verify_client → function'), lines.join('\n'));
    // A snippet checked on its own, context guessed: a misplaced directive is not painted red.
    const guessed = described('worker_processes 2;\nssl_verify_client on;\n', { rootContext: 'server', contextKnown: false });
    assert.ok(guessed.includes('worker_processes → function'), guessed.join('\n'));
    // Inside blocks whose bodies are not directives, nothing is invalid.
    const body = described('http { types { text/html html; } }');
    assert.ok(!body.some((l) => l.includes('invalid')), body.join('\n'));
  });

  it('marks directives a later nginx removed as deprecated, and those missing in the target as invalid', () => {
    const text = 'http { server { ssl on; } }';
    assert.ok(described(text, { targetVersion: '1.22.1' }).includes('ssl → function+deprecated'));
    assert.ok(described(text, { targetVersion: '1.30.0' }).includes('ssl → function+invalid'));
  });

  it('cuts tokens at line breaks and encodes them relative to the previous one', () => {
    const text = 'http {\n  add_header X "a\nb";\n}\n';
    const { file, tokens } = tokensOf(text);
    assert.deepEqual(tokens.map((t) => text.slice(t.start, t.end)), ['http', 'add_header', '"a', 'b"']);
    const data = encodeTokens(file, tokens);
    const types = SEMANTIC_TOKENS_LEGEND.tokenTypes;
    assert.deepEqual(data, [
      0, 0, 4, types.indexOf('keyword'), 0,
      1, 2, 10, types.indexOf('function'), 0,
      0, 13, 2, types.indexOf('string'), 0,
      1, 0, 2, types.indexOf('string'), 0,
    ]);
  });

  it('never lets tokens overlap and survives broken input', () => {
    for (const text of ['http { server { listen 443 ssl', 'if ($a ~ ) {', '"unterminated $x', 'a "$" ${ } $ ; }}}{{', '\u0000\ud800 #']) {
      const { tokens } = tokensOf(text);
      for (let i = 1; i < tokens.length; i++) assert.ok(tokens[i].start >= tokens[i - 1].end, `overlap in ${JSON.stringify(text)}`);
      for (const t of tokens) assert.ok(t.end > t.start && !/[\r\n]/.test(text.slice(t.start, t.end)));
    }
  });
});

describe('semantic token deltas', () => {
  it('sends only the changed middle of the encoded tokens', () => {
    assert.deepEqual(tokenDelta([1, 2, 3, 4, 5], [1, 2, 9, 9, 4, 5]), [{ start: 2, deleteCount: 1, data: [9, 9] }]);
    assert.deepEqual(tokenDelta([1, 2, 3], [1, 2, 3]), []);
    assert.deepEqual(tokenDelta([], [7, 8]), [{ start: 0, deleteCount: 0, data: [7, 8] }]);
    assert.deepEqual(tokenDelta([1, 1, 1], [1, 1]), [{ start: 2, deleteCount: 1, data: [] }]);
    // Applying the edit to the old array gives the new one, whatever the arrays.
    for (const [a, b] of [[[0, 1, 0, 1], [0, 1]], [[5, 5, 5, 6], [5, 6, 5, 6, 5]], [[1, 2, 3], [3, 2, 1]]]) {
      const copy = [...a];
      for (const e of tokenDelta(a, b)) copy.splice(e.start, e.deleteCount, ...e.data);
      assert.deepEqual(copy, b);
    }
  });
});
