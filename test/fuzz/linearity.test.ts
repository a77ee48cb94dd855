/**
 * Work grows linearly with the input: each shape is checked at n, 2n and 4n copies and the
 * work done (array elements iterated, characters scanned and copied: see test/workCount.ts)
 * is counted, not timed, so the result is the same on an idle laptop and a loaded CI box.
 * Linear work doubles and quadruples; a quadratic step grows 4× and 16×.
 * The times of these shapes are printed by the benchmark (`npm run bench`, hostile inputs).
 */
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { assertLinearAt } from '../workCount';
import { MemoryFileSystem } from './memoryFileSystem';
import { NOW, tokenSoup } from './properties';

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

/** A service whose workspace has `text` as a file the main config includes, validated. */
async function validated(text: string): Promise<NginxLanguageService> {
  const fs = new MemoryFileSystem({ [MAIN]: 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', [FILE]: text });
  const service = new NginxLanguageService({ fs, now: () => NOW });
  service.setWorkspaceFolders(['/lin']);
  service.configure({});
  await service.validate(FILE);
  return service;
}

/** Validation and every editor feature at the start, middle and end of the file. */
async function runAll(text: string): Promise<void> {
  const service = await validated(text);
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

describe('fuzz: linear work (counted, not timed)', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`${name}: n, 2n and 4n copies do work in proportion`, async () => {
      await assertLinearAt(name, shape.n, (size) => runAll(shape.text(size)));
    });
  }
});

/**
 * Repeated directives at one level (issue 17: 20k/40k/80k `ssl_protocols` lines took
 * 2.4/12.9/48 s): validation alone, at 20k, 40k and 80k lines.
 */
const REPEATED_SHAPES: Record<string, (n: number) => string> = {
  'ssl_protocols repeated in one server': (n) => 'server {\n    listen 443 ssl;\n' + '    ssl_protocols TLSv1.2;\n'.repeat(n) + '}\n',
  'ssl_protocols repeated at http level': (n) => 'ssl_protocols TLSv1.2 TLSv1.3;\n'.repeat(n) + 'server { listen 443 ssl; }\n',
  'proxy_ssl_protocols repeated in one location': (n) => 'server {\n    location / {\n' + '        proxy_ssl_protocols TLSv1.2;\n'.repeat(n) + '        proxy_pass https://backend;\n    }\n}\n',
};

describe('fuzz: linear work on repeated directives (counted, not timed)', () => {
  for (const [name, text] of Object.entries(REPEATED_SHAPES)) {
    it(`${name}: 20k, 40k and 80k lines do work in proportion`, async () => {
      await assertLinearAt(name, 20_000, (size) => validated(text(size)));
    });
  }
});
