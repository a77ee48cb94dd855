import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FoldingRangeKind, SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { parseFile } from '../../server/src/model/parsedFile';
import { documentSymbols, foldingRanges } from '../../server/src/service/symbols';

const TEXT = [
  '# Main configuration',            // 0
  '# for the mTLS gateway',          // 1
  'events {',                        // 2
  '}',                               // 3
  'http {',                          // 4
  '  upstream backend {',            // 5
  '    server 10.0.0.1:8443;',       // 6
  '  }',                             // 7
  '  map $ssl_client_verify $ok {',  // 8
  '    default 0;',                  // 9
  '  }',                             // 10
  '  server {',                      // 11
  '    listen 443 ssl;',             // 12
  '    server_name api.example.com www.example.com;', // 13
  '    include snippets/tls.conf;',  // 14
  '    location = /health {',        // 15
  '      return 200;',               // 16
  '    }',                           // 17
  '    location @fallback { return 502; }', // 18
  '    if ($ssl_client_verify != SUCCESS) {', // 19
  '      return 403;',               // 20
  '    }',                           // 21
  '  }',                             // 22
  '}',                               // 23
  '',
].join('\n');
const file = parseFile('/etc/nginx/nginx.conf', TEXT);

function flatten(symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [`${'  '.repeat(depth)}${s.name}`, ...flatten(s.children ?? [], depth + 1)]);
}

function contains(outer: DocumentSymbol['range'], inner: DocumentSymbol['range']): boolean {
  const before = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

describe('documentSymbols', () => {
  const symbols = documentSymbols(file);

  it('builds a tree of blocks named after what identifies them', () => {
    assert.deepEqual(flatten(symbols), [
      'events',
      'http',
      '  upstream backend',
      '  map $ssl_client_verify $ok',
      '  server api.example.com www.example.com',
      '    include snippets/tls.conf',
      '    location = /health',
      '    location @fallback',
      '    if ($ssl_client_verify != SUCCESS)',
    ]);
  });

  it('has valid LSP shapes: kinds, details, selection inside range', () => {
    const http = symbols[1];
    assert.equal(http.kind, SymbolKind.Namespace);
    const server = http.children!.find((s) => s.name.startsWith('server'))!;
    assert.equal(server.kind, SymbolKind.Class);
    assert.equal(server.detail, 'listen 443 ssl');
    assert.deepEqual(server.range, { start: { line: 11, character: 2 }, end: { line: 22, character: 3 } });
    assert.deepEqual(server.selectionRange, { start: { line: 11, character: 2 }, end: { line: 11, character: 8 } });
    assert.equal(http.children![0].kind, SymbolKind.Struct);
    const check = (list: DocumentSymbol[]): void => {
      for (const s of list) {
        assert.ok(s.name.length > 0);
        assert.ok(contains(s.range, s.selectionRange), `${s.name}: selectionRange outside range`);
        for (const child of s.children ?? []) assert.ok(contains(s.range, child.range), `${child.name} outside ${s.name}`);
        check(s.children ?? []);
      }
    };
    check(symbols);
  });

  it('names a server without server_name after its listen', () => {
    const only = documentSymbols(parseFile('/x', 'server { listen 8443 ssl; }'));
    assert.equal(only[0].name, 'server 8443 ssl');
  });
});

describe('foldingRanges', () => {
  it('folds multi-line blocks (keeping the closing brace visible) and comment runs', () => {
    const ranges = foldingRanges(file);
    assert.deepEqual(ranges, [
      { startLine: 0, endLine: 1, kind: FoldingRangeKind.Comment },
      { startLine: 4, endLine: 22 },
      { startLine: 5, endLine: 6 },
      { startLine: 8, endLine: 9 },
      { startLine: 11, endLine: 21 },
      { startLine: 15, endLine: 16 },
      { startLine: 19, endLine: 20 },
    ]);
  });

  it('does not join a trailing comment with the comment lines below it', () => {
    const ranges = foldingRanges(parseFile('/x', 'a; # trailing\n# one\nb;\n# two\n# three\n'));
    assert.deepEqual(ranges, [{ startLine: 3, endLine: 4, kind: FoldingRangeKind.Comment }]);
  });
});
