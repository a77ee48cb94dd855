/**
 * Work grows linearly with the input: each shape is checked at n and 4n copies, and the
 * 4n run may take at most LINEAR_FACTOR times as long (linear ≈ 4, quadratic ≈ 16).
 * Timings are the minimum of interleaved repeats, so a busy machine slows both sides alike;
 * n is large enough that the 4n run takes a few hundred milliseconds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { MemoryFileSystem } from './memoryFileSystem';
import { NOW, tokenSoup } from './properties';

const LINEAR_FACTOR = 9;
const REPEATS = 3;
const MAIN = '/lin/nginx.conf';
const FILE = '/lin/conf.d/x.conf';

const soup = fc.sample(tokenSoup, { seed: 7, numRuns: 40 }).join('\n');

/** Shapes that made parsers and rule engines quadratic elsewhere, and our own past quadratic cases. */
const SHAPES: Record<string, { n: number; text: (n: number) => string }> = {
  'TLS servers sharing :443 (certificates, client verification, proxies, if)': {
    n: 150,
    text: (n) => Array.from({ length: n }, (_, i) => `server { listen 443 ssl; server_name s${i}.example.com; ssl_certificate /nonexistent/c${i % 50}.crt; ssl_certificate_key /nonexistent/c${i % 50}.key; ssl_verify_client on; location / { proxy_pass https://up${i}; proxy_set_header X-Cert $ssl_client_cert; if ($x) { proxy_set_header A b; } } }\n`).join(''),
  },
  'headers and add_header in many locations': {
    n: 150,
    text: (n) => 'server { listen 443 ssl; proxy_set_header A b; add_header X y;\n' + Array.from({ length: n }, (_, i) => `location /l${i} { proxy_set_header B c; add_header Z w; proxy_pass https://b; }\n`).join('') + '}\n',
  },
  'suppression comments before unknown directives': {
    n: 150,
    text: (n) => '# nginx-mtls-context: server\n' + Array.from({ length: n }, (_, i) => `# nginx-mtls-disable-next-line nginx.unknown-directive -- why\n# another comment\nunknown_thing${i} x;\n`).join(''),
  },
  'unclosed quotes on every line': { n: 3000, text: (n) => '"a\n'.repeat(n) + "'b\n".repeat(n) },
  'unbalanced braces': { n: 8000, text: (n) => 'server {'.repeat(n) + '}'.repeat(n * 2) },
  'Lua block full of quotes and long brackets': { n: 20000, text: (n) => 'content_by_lua_block {' + '" [==[ --[[ \''.repeat(n) },
  'token soup': { n: 4, text: (n) => Array.from({ length: n }, () => soup).join('\n}\n') },
};

async function runAll(text: string): Promise<void> {
  const fs = new MemoryFileSystem({ [MAIN]: 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', [FILE]: text });
  const service = new NginxLanguageService({ fs, now: () => NOW });
  service.setWorkspaceFolders(['/lin']);
  service.configure({});
  await service.validate(FILE);
  const file = (await service.analysis.getParsed(FILE))!;
  const end = file.lines.positionAt(text.length);
  const middle = file.lines.positionAt(text.length >> 1);
  await service.hover(FILE, middle);
  await service.completion(FILE, end);
  await service.definition(FILE, middle);
  await service.documentSymbols(FILE);
  await service.foldingRanges(FILE);
  await service.documentLinks(FILE);
  await service.format(FILE, { tabSize: 4, insertSpaces: true });
  await service.codeActions(FILE, { start: { line: 0, character: 0 }, end }, ['quickfix', 'source.fixAll']);
}

async function timed(text: string): Promise<number> {
  const start = process.hrtime.bigint();
  await runAll(text);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('fuzz: linear time', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`${name}: 4n takes less than ${LINEAR_FACTOR}× n`, async () => {
      const small = shape.text(shape.n);
      const large = shape.text(4 * shape.n);
      await runAll(small); // warm-up: compile the hot paths before measuring
      let bestSmall = Infinity;
      let bestLarge = Infinity;
      for (let i = 0; i < REPEATS; i++) {
        bestSmall = Math.min(bestSmall, await timed(small));
        bestLarge = Math.min(bestLarge, await timed(large));
      }
      // Below a few milliseconds timer noise dominates; such a case is fast whatever its shape.
      const ratio = bestLarge / Math.max(bestSmall, 5);
      assert.ok(ratio < LINEAR_FACTOR, `n: ${bestSmall.toFixed(1)} ms, 4n: ${bestLarge.toFixed(1)} ms (ratio ${ratio.toFixed(1)})`);
    });
  }
});
