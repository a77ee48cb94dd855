/**
 * Typing a new line into a block changes what its statements are (the name's first character
 * takes the next line's words as its arguments until the `;`, the name becomes one nginx knows):
 * the block-local families check that block's body again, the server-local ones the server's,
 * and keep their other findings; the others run again (service/blockEditReuse.ts). The findings must be exactly those of a fresh
 * analysis: in every rule fixture, lines are typed into and deleted from its blocks.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { getDirectiveTable } from '../../server/src/directives/directiveTable';
import { buildConfigTree } from '../../server/src/model/configTree';
import { parseFile, reparseFile } from '../../server/src/model/parsedFile';
import { blockOnlyEdit, editedBlockNode } from '../../server/src/service/blockEditReuse';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';
import { makeTempDir, removeDir } from '../differential/nginxHarness';
import { findingsOf, forEachRuleFixture, freshFindings, openedCounting, reopened, writeServerPair } from './reuseHelpers';

const BLOCK_LOCAL = RULE_FAMILIES.filter((f) => f.blockLocal).map((f) => f.name);
const SERVER_LOCAL = RULE_FAMILIES.filter((f) => f.serverLocal).map((f) => f.name);

/** The steps of typing a line, then deleting it, and deleting the statement below it: each a text to check after the last. */
const TYPED_LINES = ['p', 'proxy_set_header', 'proxy_set_header X-Typed "v"', 'proxy_set_header X-Typed "v";', 'add_header X-Typed "v" always;', 'location /typed {', 'location /typed { return 204; }'];

/** The texts of typing into the block opened on line `line` of `text` (after that line): the typed lines in turn, the text itself, the block's first line deleted, the text again. */
function typingInto(text: string, line: number): string[] {
  const lines = text.split('\n');
  const withLine = (typed: string | undefined, drop = 0): string => [...lines.slice(0, line + 1), ...(typed === undefined ? [] : [`    ${typed}`]), ...lines.slice(line + 1 + drop)].join('\n');
  return [...TYPED_LINES.map((typed) => withLine(typed)), text, withLine(undefined, 1), text];
}

/** Lines that open a block whose statements are directives (not data, as in map or types). */
function plainBlockOpeners(text: string): number[] {
  const found: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(http|server|location\b[^{]*|if\b[^{]*|limit_except\b[^{]*|stream)\s*\{\s*(#.*)?$/.test(line)) found.push(i);
  });
  return found;
}

describe('typing statements into one block', () => {
  it('is a block edit when the parse read again only that block\'s body and no include changed', () => {
    const base = 'http {\n    server {\n        listen 443 ssl;\n        include snippets/a.conf;\n        gzip on;\n    }\n    map $a $b { x y; }\n}\n';
    const edit = (from: string, to: string) => {
      assert.ok(base.includes(from), from);
      const before = parseFile('/etc/nginx/nginx.conf', base);
      return blockOnlyEdit(before, reparseFile(before, base.replace(from, to)));
    };
    assert.equal(edit('gzip on;', 'p\n        gzip on;')?.block.name, 'server', 'a name typed in the server block');
    assert.equal(edit('gzip on;', 'p\n        gzip on;')?.linesMove, true);
    assert.equal(edit('gzip on;', 'gzip on; etag off;')?.block.name, 'server', 'a statement typed on the same line');
    assert.equal(edit('gzip on;', 'gzip on; etag off;')?.linesMove, undefined);
    assert.equal(edit('include snippets/a.conf;', 'include snippets/b.conf;'), undefined, 'an include edited');
    assert.equal(edit('gzip on;', 'include x.conf;\n        gzip on;'), undefined, 'an include typed');
    assert.equal(edit('x y;', 'x y z;'), undefined, 'in a map');
    assert.equal(edit('    server {', '    server x {'), undefined, 'a header: the http body\'s statement parsed again holds an include');
    assert.equal(edit('    map $a $b {', '    map $a $c {')?.block.name, 'http', 'a header: an edit of the body around it');
    const before = parseFile('/etc/nginx/nginx.conf', base);
    const skipped = reparseFile(before, base.replace('gzip on;', 'g\n        gzip on;'));
    assert.equal(blockOnlyEdit(before, reparseFile(skipped, base.replace('gzip on;', 'gz\n        gzip on;'))), undefined, 'not from the parse analysed last');
  });

  it('takes the block\'s node only when no statement of another file whose findings are wanted stands in it', async () => {
    const main = '/etc/nginx/nginx.conf';
    const snippet = '/etc/nginx/s.conf';
    const files: Record<string, string> = { [main]: 'events {}\nhttp {\n    server {\n        include s.conf;\n        gzip on;\n    }\n}\n', [snippet]: 'etag off;\n' };
    const before = parseFile(main, files[main]);
    const after = reparseFile(before, files[main].replace('gzip on;', 'p\n        gzip on;'));
    const edit = blockOnlyEdit(before, after);
    assert.ok(edit, 'a name typed below the include');
    const tree = await buildConfigTree({
      fs: new MemoryFileSystem(files), table: getDirectiveTable(), mainFile: main, rootContext: 'main',
      resolver: { confDir: '/etc/nginx', pathMappings: {} },
      getParsed: async (p) => (p === main ? after : p === snippet ? parseFile(p, files[snippet]) : undefined),
    });
    assert.equal(editedBlockNode(tree, edit, new Set([main]))?.directive.name, 'server', 'the snippet\'s findings are not wanted');
    assert.equal(editedBlockNode(tree, edit, new Set([main, snippet])), undefined, 'they are: the block\'s check again would leave them out');
  });

  it('in a site file of a tree, checks the edited server alone, with the http level in nginx.conf left to it', async () => {
    const dir = makeTempDir('block-reuse-site');
    try {
      writeServerPair(dir);
      fs.mkdirSync(path.join(dir, 'sites'));
      // The http level writes a certificate the servers without their own inherit, and an upstream client certificate.
      fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    ssl_certificate server.crt;\n    ssl_certificate_key server.key;\n    proxy_ssl_certificate missing-client.crt;\n    include sites/*.conf;\n}\n');
      const server = (name: string, own: string): string => `server {\n    listen 443 ssl;\n    server_name ${name};\n${own}    location / {\n        proxy_pass https://backend.internal;\n        proxy_set_header X-Client-Cert $ssl_client_escaped_cert;\n    }\n}\n`;
      const site = server('a.example.test', '    ssl_certificate server.crt;\n    ssl_certificate_key server.key;\n') + server('b.example.test', '');
      const file = path.join(dir, 'sites/a.conf');
      fs.writeFileSync(file, site);
      const { counted, edited } = await openedCounting(dir, file, site);
      let scoped = 0;
      const typed = (line: string): string => site.replace('    server_name a.example.test;\n', `    server_name a.example.test;\n    ${line}\n`);
      for (const text of [typed('p'), typed('proxy_ssl_verify'), typed('proxy_ssl_verify on;'), site, typed('ssl_ciphers'), site, site.replace('    ssl_certificate server.crt;\n', '')]) {
        const before = counted.scoped.get('certificate-files');
        await reopened(edited, dir, file, text, JSON.stringify(text.slice(0, 160)));
        if (counted.scoped.get('certificate-files') !== before) scoped++;
      }
      assert.ok(scoped >= 4, `certificate-files checked the edited server alone ${scoped} times`);
    } finally {
      removeDir(dir);
    }
  });

  it('gives the findings of a fresh analysis in every rule fixture, running only the block-local families on the edited block', async () => {
    let compared = 0;
    let scoped = 0;
    let serverScoped = 0;
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      const text = fs.readFileSync(file, 'utf8');
      const { counted, edited } = await openedCounting(dir, file, text);
      for (const line of plainBlockOpeners(text).slice(0, 2)) {
        for (const next of typingInto(text, line)) {
          const scopedBefore = new Map(counted.scoped);
          edited.openDocument(file, next);
          const got = await findingsOf(edited, file);
          if (BLOCK_LOCAL.every((f) => counted.scoped.get(f) !== scopedBefore.get(f))) scoped++;
          if (SERVER_LOCAL.every((f) => counted.scoped.get(f) !== scopedBefore.get(f))) serverScoped++;
          assert.deepEqual(got, await freshFindings(dir, file, next), `${code}/${name}: typed after line ${line + 1}: ${JSON.stringify(next.split('\n').slice(line, line + 3))}`);
          compared++;
        }
      }
    });
    assert.ok(compared > 1000, `compared ${compared} edits`);
    console.log(`block edits: ${compared} compared with fresh analyses, ${scoped} ran the block-local families on the edited block only, ${serverScoped} the server-local ones on its server`);
    assert.ok(scoped > compared * 0.3, `the block-local families ran on the edited block only in ${scoped} of ${compared}`);
    assert.ok(SERVER_LOCAL.length > 0 && serverScoped > compared * 0.15, `the server-local families ran on the edited server only in ${serverScoped} of ${compared}`);
  });
});
