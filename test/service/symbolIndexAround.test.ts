/**
 * SymbolIndex.around() builds the index only when the file has a symbol's token at the offset:
 * at every offset of these texts it finds exactly the occurrences the whole index finds there.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { parseFile } from '../../server/src/model/parsedFile';
import { SymbolIndex } from '../../server/src/service/symbolReferences';
import { REPO_ROOT } from '../lsp/lspClient';

const TEXTS = [
  'http {\n  map $http_upgrade $connection_upgrade { default upgrade; \'\' close; }\n  upstream backend { server 127.0.0.1:8080; }\n'
    + '  server {\n    set $a 1;set $b "${a}-$connection_upgrade";\n    location / { proxy_pass http://backend; try_files $uri @fallback; }\n'
    + '    location @fallback { return 200 $b; }\n    if ($a) { return 404; }\n  }\n}\n',
  // Unclosed blocks, a quote left open, a variable at the very end of the text.
  'server {\n  location @x { return 200 "$a\n  error_page 404 @x;\n  set $end $end',
  'server {\n  error_page 404 @x;\n  set $end $end',
  'stream {\n  upstream s { server 10.0.0.1:443; }\n  server { listen 443; proxy_pass s; }\n}\n',
  readFileSync(path.join(REPO_ROOT, 'examples/etc/nginx/sites-enabled/server-b'), 'utf8'),
];

const tokens = (index: SymbolIndex, file: ReturnType<typeof parseFile>, offset: number): string[] =>
  index.at(file, offset).map((o) => `${o.kind}:${o.name}:${o.start}-${o.end}:${o.role}`);

describe('SymbolIndex.around', () => {
  it('finds at every offset what the whole index finds there', () => {
    const options = { table: getDirectiveTable(), trees: [] };
    let withSymbol = 0;
    for (const text of TEXTS) {
      const file = parseFile('/virtual/symbols.conf', text);
      const whole = SymbolIndex.build(file, options);
      for (let offset = 0; offset <= text.length; offset++) {
        const expected = tokens(whole, file, offset);
        assert.deepEqual(tokens(SymbolIndex.around(file, offset, options), file, offset), expected, `offset ${offset}: ${JSON.stringify(text.slice(Math.max(0, offset - 10), offset + 10))}`);
        if (expected.length > 0) withSymbol++;
      }
    }
    // The texts do hold symbols at many offsets (the comparison is not between two empty lists).
    assert.ok(withSymbol > 100, String(withSymbol));
  });
});
