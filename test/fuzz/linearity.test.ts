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

/**
 * Repeated directives at one level (issue 17: 20k/40k/80k `ssl_protocols` lines took
 * 2.4/12.9/48 s): the work is counted, not timed. Every array iterated (for…of, spread,
 * Array.from) adds its length to the count, so a list copied once per statement shows up as
 * n² elements visited.
 */
const REPEATED_SHAPES: Record<string, (n: number) => string> = {
  'ssl_protocols repeated in one server': (n) => 'server {\n    listen 443 ssl;\n' + '    ssl_protocols TLSv1.2;\n'.repeat(n) + '}\n',
  'ssl_protocols repeated at http level': (n) => 'ssl_protocols TLSv1.2 TLSv1.3;\n'.repeat(n) + 'server { listen 443 ssl; }\n',
  'proxy_ssl_protocols repeated in one location': (n) => 'server {\n    location / {\n' + '        proxy_ssl_protocols TLSv1.2;\n'.repeat(n) + '        proxy_pass https://backend;\n    }\n}\n',
};

async function elementsVisited(text: string): Promise<number> {
  const fs = new MemoryFileSystem({ [MAIN]: 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', [FILE]: text });
  const service = new NginxLanguageService({ fs, now: () => NOW });
  service.setWorkspaceFolders(['/lin']);
  service.configure({});
  const iterate = Array.prototype[Symbol.iterator];
  let visited = 0;
  Array.prototype[Symbol.iterator] = function counted(this: unknown[]) {
    visited += this.length;
    return iterate.call(this);
  };
  try {
    await service.validate(FILE);
  } finally {
    Array.prototype[Symbol.iterator] = iterate;
  }
  return visited;
}

describe('fuzz: linear work on repeated directives (counted, not timed)', () => {
  for (const [name, text] of Object.entries(REPEATED_SHAPES)) {
    it(`${name}: 20k, 40k and 80k lines visit elements in proportion`, async () => {
      const [n20, n40, n80] = [await elementsVisited(text(20_000)), await elementsVisited(text(40_000)), await elementsVisited(text(80_000))];
      // Linear work doubles and quadruples (plus a constant); a per-line copy of a list grows 4× and 16×.
      const detail = `elements visited: 20k ${n20}, 40k ${n40}, 80k ${n80}`;
      assert.ok(n40 / n20 < 2.5, detail);
      assert.ok(n80 / n20 < 5, detail);
    });
  }
});
