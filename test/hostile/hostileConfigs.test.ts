/**
 * Hostile configurations on disk, checked through the language service (NodeFileSystem):
 * include masks matching thousands of files, include cycles, includes reaching outside the
 * workspace, a 20 MB file, 100,000 nested braces, NUL bytes. Each gets a clear diagnostic
 * (or is skipped with a reason) and none blocks the event loop for more than 100 ms.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { blockingOf, MAX_BLOCK_MS } from './eventLoopProbe';

const NOW = new Date('2025-06-01T00:00:00Z');

describe('hostile configurations', () => {
  let dir: string;
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-hostile-conf-'));
    fs.mkdirSync(path.join(dir, 'many'));
    for (let i = 0; i < 6000; i++) fs.writeFileSync(path.join(dir, 'many', `f${String(i).padStart(5, '0')}.conf`), `# file ${i}\nadd_header X-${i} v;\n`);
    write('a.conf', 'include b.conf;\n');
    write('b.conf', 'include a.conf;\n');
    write('big.conf', 'server { listen 80; location / { return 200; } }\n'.repeat(Math.ceil((20 * 1024 * 1024) / 50)));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Validates `files` with `main` as the main config, in a fresh service, measuring event-loop blocking. */
  async function check(main: string, files: string[] = [main]) {
    return blockingOf(async () => {
      const service = new NginxLanguageService({ now: () => NOW });
      service.setWorkspaceFolders([dir]);
      service.configure({ mainConfig: main });
      const out = new Map<string, { code: string; line: number; message: string }[]>();
      for (const file of files) {
        const { diagnostics } = await service.validate(file);
        out.set(file, diagnostics.map((d) => ({ code: String(d.code), line: d.range.start.line, message: typeof d.message === "string" ? d.message : d.message.value })));
      }
      return out;
    });
  }

  it(`an include mask matching 6,000 files: cut off at 5,000 with a warning`, async () => {
    const main = write('main-glob.conf', 'events {}\nhttp {\n    include many/*.conf;\n}\n');
    const { result, maxGapMs } = await check(main);
    const diagnostics = result.get(main)!;
    assert.ok(diagnostics.some((d) => d.code === 'nginx.include-too-many' && d.line === 2 && /5000/.test(d.message)), JSON.stringify(diagnostics));
    assert.ok(maxGapMs < MAX_BLOCK_MS, `event loop blocked for ${maxGapMs.toFixed(0)} ms`);
  });

  it('include cycles a → b → a and a self-include: reported where the cycle closes', async () => {
    const main = write('main-cycle.conf', 'events {}\nhttp {\n    include a.conf;\n}\n');
    const self = write('self.conf', 'events {}\nhttp {\n    include self.conf;\n}\n');
    const cycle = await check(main, [main, path.join(dir, 'a.conf'), path.join(dir, 'b.conf')]);
    const all = [...cycle.result.values()].flat();
    assert.ok(all.some((d) => d.code === 'nginx.include-cycle' && /a\.conf → b\.conf → a\.conf/.test(d.message)), JSON.stringify(all));
    assert.ok(cycle.maxGapMs < MAX_BLOCK_MS);
    const selfCheck = await check(self);
    assert.ok(selfCheck.result.get(self)!.some((d) => d.code === 'nginx.include-cycle' && d.line === 2), JSON.stringify(selfCheck.result.get(self)));
    assert.ok(selfCheck.maxGapMs < MAX_BLOCK_MS);
  });

  it('includes reaching outside the workspace: no crash, bounded, and nothing of the outside files in any message', async () => {
    const main = write('main-outside.conf', 'events {}\nhttp {\n    include ../../../../../../../../etc/passwd;\n    include /etc/*.conf;\n    include /proc/self/environ;\n}\n');
    const { result, maxGapMs } = await check(main);
    const text = JSON.stringify(result.get(main));
    const passwd = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0] : '';
    if (passwd) assert.ok(!text.includes(passwd.split(':')[0] + ':x:'), 'a line of /etc/passwd appears in a diagnostic');
    assert.ok(!text.includes('PATH='), 'the environment appears in a diagnostic');
    assert.ok(maxGapMs < MAX_BLOCK_MS, `event loop blocked for ${maxGapMs.toFixed(0)} ms`);
  });

  it('a 20 MB included file: not read (over the 16 MiB limit), said on the include as what was not checked', async () => {
    const main = write('main-big.conf', 'events {}\nhttp {\n    include big.conf;\n}\n');
    const { result, maxGapMs } = await check(main);
    const diagnostics = result.get(main)!;
    // nginx reads a 20 MB file: not reading it is the checker's limit, not an error in the config.
    assert.ok(diagnostics.some((d) => d.code === 'nginx.include-not-read' && d.line === 2 && /too large.*16 MiB/.test(d.message)), JSON.stringify(diagnostics));
    assert.ok(!diagnostics.some((d) => d.code === 'nginx.include-not-found'), JSON.stringify(diagnostics));
    assert.ok(maxGapMs < MAX_BLOCK_MS, `event loop blocked for ${maxGapMs.toFixed(0)} ms`);
  });

  // An open 1 MB document: validated in the server's worker thread, see test/lsp/largeDocument.test.ts
  // (the in-process service parses 1 MB in one stretch; the server keeps answering meanwhile).

  it('100,000 nested braces: nesting past 200 levels is reported and skipped', async () => {
    const main = write('main-braces.conf', 'events {}\nhttp {\n' + 'server {'.repeat(100_000) + '\n}\n' + '{'.repeat(100_000) + '\n');
    const { result, maxGapMs } = await check(main);
    const diagnostics = result.get(main)!;
    assert.ok(diagnostics.some((d) => d.code === 'nginx.too-deep'), JSON.stringify(diagnostics.slice(0, 5)));
    assert.ok(diagnostics.length < 2000, `${diagnostics.length} diagnostics: one per unclosed brace is too many to be useful`);
    assert.ok(maxGapMs < MAX_BLOCK_MS, `event loop blocked for ${maxGapMs.toFixed(0)} ms`);
  });

  it('NUL bytes: reported as nginx reports them, ranges intact', async () => {
    const main = write('main-nul.conf', 'events {}\nhttp {\0\n    server\0 { listen 443\0 ssl; ssl_certificate /tmp/a\0b.crt; }\n}\n\0');
    const { result, maxGapMs } = await check(main);
    const diagnostics = result.get(main)!;
    assert.ok(diagnostics.some((d) => d.code === 'nginx.unknown-directive' && d.message.includes('\0')), JSON.stringify(diagnostics));
    assert.ok(diagnostics.some((d) => d.line === 2 && /tls\./.test(d.code)), JSON.stringify(diagnostics));
    assert.ok(maxGapMs < MAX_BLOCK_MS);
  });
});
