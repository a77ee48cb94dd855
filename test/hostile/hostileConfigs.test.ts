/**
 * Hostile configurations on disk, checked through the language service (NodeFileSystem):
 * include masks matching thousands of files, include cycles, includes reaching outside the
 * workspace, a 20 MB file, 100,000 nested braces, NUL bytes. Each gets a clear diagnostic
 * (or is skipped with a reason), and the work is bounded: counted (test/workCount.ts), never
 * timed, and where the input has a size, linear at n, 2n and 4n.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { assertLinearAt, countWork } from '../workCount';

const NOW = new Date('2025-06-01T00:00:00Z');
/** Include masks over n, 2n and 4n files; the largest passes the 5,000-file cut-off. */
const MASK_SIZES = [1500, 3000, 6000] as const;

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
    for (const count of MASK_SIZES) {
      fs.mkdirSync(path.join(dir, `many-${count}`));
      for (let i = 0; i < count; i++) fs.writeFileSync(path.join(dir, `many-${count}`, `f${String(i).padStart(5, '0')}.conf`), `# file ${i}\nadd_header X-${i} v;\n`);
    }
    write('a.conf', 'include b.conf;\n');
    write('b.conf', 'include a.conf;\n');
    write('big.conf', 'server { listen 80; location / { return 200; } }\n'.repeat(Math.ceil((20 * 1024 * 1024) / 50)));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Validates `files` with `main` as the main config, in a fresh service, counting the work. */
  async function check(main: string, files: string[] = [main]) {
    return countWork(async () => {
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

  it(`an include mask matching 6,000 files: cut off at 5,000 with a warning; 1,500, 3,000 and 6,000 files cost work in proportion`, async () => {
    const mainFor = (count: number) => write(`main-glob-${count}.conf`, `events {}\nhttp {\n    include many-${count}/*.conf;\n}\n`);
    const [, , largest] = await assertLinearAt('include mask', MASK_SIZES[0], (count) => check(mainFor(count)));
    const main = mainFor(MASK_SIZES[2]);
    const { result } = await check(main);
    const diagnostics = result.get(main)!;
    assert.ok(diagnostics.some((d) => d.code === 'nginx.include-too-many' && d.line === 2 && /5000/.test(d.message)), JSON.stringify(diagnostics));
    // Past the cut-off nothing is read: 5,000 files of 30-odd bytes, not 6,000.
    const fileBytes = fs.statSync(path.join(dir, `many-${MASK_SIZES[2]}`, 'f05999.conf')).size;
    assert.ok(largest.bytesRead < 5001 * (fileBytes + 1) + 1024, `${largest.bytesRead} bytes read`);
  });

  it('include cycles a → b → a and a self-include: reported where the cycle closes', async () => {
    const main = write('main-cycle.conf', 'events {}\nhttp {\n    include a.conf;\n}\n');
    const self = write('self.conf', 'events {}\nhttp {\n    include self.conf;\n}\n');
    const cycle = await check(main, [main, path.join(dir, 'a.conf'), path.join(dir, 'b.conf')]);
    const all = [...cycle.result.values()].flat();
    assert.ok(all.some((d) => d.code === 'nginx.include-cycle' && /a\.conf → b\.conf → a\.conf/.test(d.message)), JSON.stringify(all));
    const selfCheck = await check(self);
    assert.ok(selfCheck.result.get(self)!.some((d) => d.code === 'nginx.include-cycle' && d.line === 2), JSON.stringify(selfCheck.result.get(self)));
  });

  it('includes reaching outside the workspace: no crash, bounded, and nothing of the outside files in any message', async () => {
    const main = write('main-outside.conf', 'events {}\nhttp {\n    include ../../../../../../../../etc/passwd;\n    include /etc/*.conf;\n    include /proc/self/environ;\n}\n');
    const { result } = await check(main);
    const text = JSON.stringify(result.get(main));
    const passwd = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0] : '';
    if (passwd) assert.ok(!text.includes(passwd.split(':')[0] + ':x:'), 'a line of /etc/passwd appears in a diagnostic');
    assert.ok(!text.includes('PATH='), 'the environment appears in a diagnostic');
  });

  it('a 20 MB included file: not read (over the 16 MiB limit), said on the include as what was not checked', async () => {
    const main = write('main-big.conf', 'events {}\nhttp {\n    include big.conf;\n}\n');
    const { result, work } = await check(main);
    const diagnostics = result.get(main)!;
    // nginx reads a 20 MB file: not reading it is the checker's limit, not an error in the config.
    assert.ok(diagnostics.some((d) => d.code === 'nginx.include-not-read' && d.line === 2 && /too large.*16 MiB/.test(d.message)), JSON.stringify(diagnostics));
    assert.ok(!diagnostics.some((d) => d.code === 'nginx.include-not-found'), JSON.stringify(diagnostics));
    // Refused on its size before any of it is read: only the small main file is.
    assert.ok(work.bytesRead < 64 * 1024, `${work.bytesRead} bytes read`);
  });

  // An open 1 MB document: validated in the server's worker thread, see test/lsp/largeDocument.test.ts
  // (the in-process service parses 1 MB in one stretch; the server keeps answering meanwhile).

  it('100,000 nested braces: nesting past 200 levels is reported and skipped; 25,000, 50,000 and 100,000 cost work in proportion', async () => {
    const mainFor = (n: number) => write(`main-braces-${n}.conf`, 'events {}\nhttp {\n' + 'server {'.repeat(n) + '\n}\n' + '{'.repeat(n) + '\n');
    await assertLinearAt('nested braces', 25_000, (n) => check(mainFor(n)));
    const main = mainFor(100_000);
    const { result } = await check(main);
    const diagnostics = result.get(main)!;
    assert.ok(diagnostics.some((d) => d.code === 'nginx.too-deep'), JSON.stringify(diagnostics.slice(0, 5)));
    assert.ok(diagnostics.length < 2000, `${diagnostics.length} diagnostics: one per unclosed brace is too many to be useful`);
  });

  it('NUL bytes: reported as nginx reports them, ranges intact', async () => {
    const main = write('main-nul.conf', 'events {}\nhttp {\0\n    server\0 { listen 443\0 ssl; ssl_certificate /tmp/a\0b.crt; }\n}\n\0');
    const { result } = await check(main);
    const diagnostics = result.get(main)!;
    assert.ok(diagnostics.some((d) => d.code === 'nginx.unknown-directive' && d.message.includes('\0')), JSON.stringify(diagnostics));
    assert.ok(diagnostics.some((d) => d.line === 2 && /tls\./.test(d.code)), JSON.stringify(diagnostics));
  });
});
