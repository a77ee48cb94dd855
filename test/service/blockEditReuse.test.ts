/**
 * Typing a new line into a block changes what its statements are (the name's first character
 * takes the next line's words as its arguments until the `;`, the name becomes one nginx knows):
 * the block-local families check that block's body again, the server-local ones the server's
 * (and those that compare servers, when the edit changes nothing they read across servers), and
 * keep their other findings; the others run again (service/blockEditReuse.ts). The findings must
 * be exactly those of a fresh analysis: in every rule fixture, lines are typed into and deleted
 * from its blocks.
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
import { findingsOutsideBlock } from '../../server/src/service/argumentEditReuse';
import type { Finding } from '../../server/src/analysis/finding';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';
import { makeTempDir, removeDir } from '../differential/nginxHarness';
import { type countingFamilies, findingsOf, forEachRuleFixture, freshFindings, openedCounting, reopened, savedAndOpened, writeServerPair } from './reuseHelpers';
import type { NginxLanguageService } from '../../server/src/service/languageService';
import { pki } from '../certificates/fixtures';
import { PAIRING_ACROSS_SERVERS, UPSTREAM_PEERS_ACROSS_SERVERS } from '../../server/src/analysis/crossServerNames';
import { mayAnswerUpstreams } from '../../server/src/analysis/rules/upstreamPeers';
import { serversNamed } from '../../server/src/model/serverNameIndex';
import { fileDirectivesOfRoles } from '../../server/src/analysis/tlsFileReferences';

const BLOCK_LOCAL = RULE_FAMILIES.filter((f) => f.blockLocal).map((f) => f.name);
const SERVER_LOCAL = RULE_FAMILIES.filter((f) => f.serverLocal).map((f) => f.name);
/** The families server-local unless an edit changes a statement they read across servers (RuleFamily.serverLocalUnless). */
const SERVER_LOCAL_UNLESS = RULE_FAMILIES.filter((f) => f.serverLocalUnless).map((f) => f.name);

/**
 * The steps of typing a line (its name first takes the next line's words), then deleting it:
 * each a text to check after the last. Some change statements that families read across
 * servers (a listen socket, a header set from the client certificate), the others do not.
 */
const TYPED_LINES = ['p', 'proxy_set_header', 'proxy_set_header X-Typed "v"', 'proxy_set_header X-Typed "v";', 'add_header X-Typed "v" always;', 'location /typed {', 'location /typed { return 204; }',
  'listen 127.0.0.1:8443 ssl;', 'proxy_set_header X-Client-Verify $ssl_client_verify;'];

/** How many of a block's first lines are deleted, each in turn (a server's listen, names, certificate and CA lines). */
const DELETED_LINES = 6;

/** The texts of typing into the block opened on line `line` of `text` (after that line): the typed lines in turn, the text itself, then each of the block's first lines deleted and the text again. */
function typingInto(text: string, line: number): string[] {
  const lines = text.split('\n');
  const withLine = (typed: string | undefined, dropAt = 0): string => [...lines.slice(0, line + 1), ...(typed === undefined ? [] : [`    ${typed}`]),
    ...lines.slice(line + 1, line + dropAt), ...lines.slice(line + 1 + dropAt)].join('\n');
  const deletions = Array.from({ length: DELETED_LINES }, (_, k) => [withLine(undefined, k + 1), text]).flat();
  return [...TYPED_LINES.map((typed) => withLine(typed)), text, ...deletions];
}

/**
 * A fixture written for the http context (its servers at the top level, as in a site file) put
 * inside `http {}`, as nginx.conf includes a site file: its servers then have the http level
 * above them, and the server-local families check the edited one alone. Other fixtures as written.
 */
function insideHttp(text: string): string {
  const declared = /^# nginx-mtls-context: http[ \t]*\n/m;
  if (!declared.test(text)) return text;
  return `events {}\nhttp {\n${text.replace(declared, '').split('\n').map((line) => (line ? `    ${line}` : line)).join('\n')}\n}\n`;
}

/** Lines that open a block whose statements are directives (not data, as in map or types). */
function plainBlockOpeners(text: string): number[] {
  const found: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(http|server|location\b[^{]*|if\b[^{]*|limit_except\b[^{]*|stream)\s*\{\s*(#.*)?$/.test(line)) found.push(i);
  });
  return found;
}

/**
 * Each statement line of the servers' bodies (indented twice) deleted in turn, then a name typed
 * before it (its name first takes the statement's words), the text restored after each, every
 * version compared with a fresh analysis (with `settings`): each of `families` must have checked
 * the edited server alone more often than there are such lines, and run over everything more than
 * twice (the lines the others read across servers).
 */
async function eachStatementEditedInTurn(edited: NginxLanguageService, counted: ReturnType<typeof countingFamilies>, dir: string, file: string, text: string,
  families: readonly string[], settings?: object): Promise<void> {
  const lines = text.split('\n');
  const bodyLines = lines.map((line, i) => i).filter((i) => /;\s*$/.test(lines[i]) && lines[i].startsWith('        '));
  const alone = new Map(families.map((f) => [f, 0]));
  const everywhere = new Map(families.map((f) => [f, 0]));
  const check = async (next: string, label: string): Promise<void> => {
    const scopedBefore = new Map(counted.scoped);
    const runsBefore = new Map(counted.runs);
    await reopened(edited, dir, file, next, label, settings);
    for (const f of families) {
      if (counted.scoped.get(f) !== scopedBefore.get(f)) alone.set(f, (alone.get(f) ?? 0) + 1);
      if (counted.runs.get(f) !== runsBefore.get(f)) everywhere.set(f, (everywhere.get(f) ?? 0) + 1);
    }
  };
  for (const at of bodyLines) {
    await check([...lines.slice(0, at), ...lines.slice(at + 1)].join('\n'), `line ${at + 1} deleted: ${lines[at].trim()}`);
    await check(text, 'the text again');
    await check([...lines.slice(0, at), '        p', ...lines.slice(at)].join('\n'), `a name typed before line ${at + 1}: ${lines[at].trim()}`);
    await check(text, 'the text again');
  }
  for (const f of families) {
    assert.ok((alone.get(f) ?? 0) > bodyLines.length, `${f} checked the edited server alone ${alone.get(f)} times`);
    assert.ok((everywhere.get(f) ?? 0) > 2, `${f} ran over everything ${everywhere.get(f)} times`);
  }
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
      const { counted, edited } = await savedAndOpened(dir, file, site);
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

  it('keeps a finding of another server whose related location points into the edited one only for a family reading it across servers, and not into the edited text', async () => {
    const main = '/etc/nginx/nginx.conf';
    const before = 'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        gzip on;\n    }\n    server {\n        listen 8080;\n    }\n}\n';
    const after = before.replace('gzip on;', 'p\n        gzip on;');
    const old = parseFile(main, before);
    const next = reparseFile(old, after);
    const edit = blockOnlyEdit(old, next);
    assert.ok(edit);
    assert.deepEqual([...edit.names].sort(), ['gzip', 'p'], 'the statements the edit changed: `gzip on;` before, `p gzip on;` after');
    const tree = await buildConfigTree({
      fs: new MemoryFileSystem({ [main]: after }), table: getDirectiveTable(), mainFile: main, rootContext: 'main',
      resolver: { confDir: '/etc/nginx', pathMappings: {} }, getParsed: async () => next,
    });
    const server = editedBlockNode(tree, edit, new Set([main]));
    assert.equal(server?.directive.name, 'server');
    const other = before.indexOf('listen 8080');
    const related = (start: number): Finding => ({ code: 'x', severity: 'warning', message: 'm', file: main, start: other, end: other + 6, related: [{ file: main, start, end: start + 6, message: 'r' }] });
    const listen = before.indexOf('listen 443');
    assert.equal(findingsOutsideBlock([related(listen)], server, edit), undefined, 'a family that reads servers only for themselves runs again');
    assert.equal(findingsOutsideBlock([related(listen)], server, edit, true)?.length, 1, 'one that reads the other server through statements the edit left alone keeps it');
    assert.equal(findingsOutsideBlock([related(before.indexOf('gzip on;'))], server, edit, true), undefined, 'not when it points into the edited text');
  });

  it('counts every trust store among what the certificate and upstream checks read across servers', () => {
    const stores = fileDirectivesOfRoles('ca-bundle');
    assert.ok(stores.length >= 5, stores.join(', '));
    for (const name of stores) assert.ok(PAIRING_ACROSS_SERVERS.has(name) && UPSTREAM_PEERS_ACROSS_SERVERS.has(name), name);
  });

  it('checks the edited server alone with the families reading other servers, unless the edit changes what they read there', async () => {
    const dir = makeTempDir('block-reuse-across');
    try {
      const p = pki('ec');
      const files: Record<string, string> = {
        'server.crt': p.server.pem, 'server.key': p.server.key.pem, 'root.pem': p.ca.pem,
        // The intermediate is in the CA pool (a trusted CA file), not in the client's own file.
        'chain-ca.pem': (p.intermediate?.pem ?? '') + p.ca.pem, 'client.pem': p.client.pem, 'client.key': p.client.key.pem,
      };
      for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
      const upstreamTls = '            proxy_ssl_verify on;\n            proxy_ssl_trusted_certificate chain-ca.pem;\n            proxy_ssl_server_name on;\n';
      // Server A verifies client certificates against the root and answers serverA.example.com;
      // B sends its client certificate to A (certificate-pairing judges it against A's CA file),
      // verifies a name A's certificate lacks (upstream-tls reads A's certificate), sets an
      // identity header that C's path to the same backend passes through (identity-header-siblings),
      // and C shares A's upstream sessions without B's certificate (session-reuse).
      const text = `events {}\nhttp {\n    server {\n        listen 443 ssl;\n        server_name serverA.example.com;\n        ssl_certificate server.crt;\n        ssl_certificate_key server.key;\n`
        + `        ssl_client_certificate root.pem;\n        ssl_verify_client on;\n        location / {\n            return 200;\n        }\n    }\n`
        + `    server {\n        listen 8080;\n        location / {\n            proxy_pass https://serverA.example.com;\n            proxy_ssl_certificate client.pem;\n            proxy_ssl_certificate_key client.key;\n`
        + `${upstreamTls}            proxy_ssl_name other.example.com;\n            proxy_set_header X-Client-DN $ssl_client_s_dn;\n        }\n    }\n`
        + `    server {\n        listen 8081;\n        location / {\n            proxy_pass https://serverA.example.com;\n${upstreamTls}        }\n    }\n}\n`;
      const file = path.join(dir, 'nginx.conf');
      const { counted, edited, found } = await savedAndOpened(dir, file, text);
      const codes = new Set(found.map((f) => f.code));
      for (const code of ['mtls.client-cert-untrusted', 'tls.upstream-name-mismatch', 'mtls.identity-header-not-cleared', 'tls.session-reuse-identity-leak']) assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
      // A in the workspace verifies B's client certificate: no note that an upstream it cannot see may lack the intermediate (until A's CA file goes).
      assert.ok(!found.some((f) => f.code === 'tls.chain-order-incomplete' && f.severity === 'information'), 'no note on the client certificate');
      // Each statement of the three servers deleted in turn (what the others read of it is gone), then typed before.
      await eachStatementEditedInTurn(edited, counted, dir, file, text, RULE_FAMILIES.filter((f) => f.serverLocalUnless).map((f) => f.name));
    } finally {
      removeDir(dir);
    }
  });

  it('checks the edited server alone with the upstream checks after its certificate line changes, unless it answers an upstream connection of the tree', async () => {
    const dir = makeTempDir('block-reuse-peers');
    try {
      writeServerPair(dir);
      const p = pki('ec');
      fs.writeFileSync(path.join(dir, 'ca.pem'), p.ca.pem + (p.intermediate?.pem ?? ''));
      const pair = '        ssl_certificate server.crt;\n        ssl_certificate_key server.key;\n';
      const verify = '            proxy_ssl_verify on;\n            proxy_ssl_trusted_certificate ca.pem;\n';
      // P1 answers 127.0.0.2:8443 through an upstream block (the pass names it in another case),
      // P2 127.0.0.1:9443 named in a pass, P3 a pass to its name on port 443 (found by its name
      // alone: it listens on 10443); N listens where nothing of the tree connects. The passes
      // verify names the certificate lacks (tls.upstream-name-mismatch, read from the peers'
      // certificates).
      const text = `events {}\nhttp {\n    upstream pool {\n        server 127.0.0.2:8443;\n    }\n`
        + `    server {\n        listen 127.0.0.2:8443 ssl;\n        server_name p1.example.com;\n${pair}    }\n`
        + `    server {\n        listen 9443 ssl;\n        server_name p2.example.com;\n${pair}    }\n`
        + `    server {\n        listen 10443 ssl;\n        server_name p3.example.com;\n${pair}    }\n`
        + `    server {\n        listen 11443 ssl;\n        server_name n.example.com;\n${pair}    }\n`
        + `    server {\n        listen 8080;\n`
        + `        location /a {\n            proxy_pass https://Pool;\n${verify}            proxy_ssl_name wrong-a.example.com;\n        }\n`
        + `        location /b {\n            proxy_pass https://127.0.0.1:9443;\n${verify}            proxy_ssl_name wrong-b.example.com;\n        }\n`
        + `        location /c {\n            proxy_pass https://p3.example.com;\n${verify}        }\n    }\n}\n`;
      const file = path.join(dir, 'nginx.conf');
      const { counted, edited, found } = await savedAndOpened(dir, file, text);
      assert.ok(found.filter((f) => f.code === 'tls.upstream-name-mismatch').length >= 2, `name checks against the peers' certificates: ${found.map((f) => f.code).join(', ')}`);
      const lines = text.split('\n');
      const certificateLines = lines.map((line, i) => i).filter((i) => lines[i].includes('ssl_certificate server.crt'));
      assert.equal(certificateLines.length, 4);
      const alone: string[] = [];
      for (const at of certificateLines) {
        const serverName = lines.slice(0, at).reverse().find((l) => l.includes('server_name'))?.trim() ?? '';
        // Within the line (the peers' messages name addresses with ports, which a finding moved
        // across a line break could not keep): a name typed before it, a character of it deleted.
        const edits = ['p ssl_certificate server.crt;', 'ssl_certificat server.crt;'].map((line) => [...lines.slice(0, at), `        ${line}`, ...lines.slice(at + 1)].join('\n'));
        for (const next of [edits[0], text, edits[1], text]) {
          const scopedBefore = counted.scoped.get('upstream-tls');
          await reopened(edited, dir, file, next, `${serverName}: certificate line ${at + 1} edited`);
          if (next !== text && counted.scoped.get('upstream-tls') !== scopedBefore) alone.push(serverName);
        }
      }
      // The peers' certificates are read by the checks of the location's passes: those run over everything.
      assert.deepEqual([...new Set(alone)], ['server_name n.example.com;'], 'only the server nothing connects to is checked alone');
      // What the rebuilt trees say of N, the state carried from tree to tree (treeState): not a
      // peer, until a location passing to its port is typed in, and no longer once it is deleted.
      const answersN = async (): Promise<boolean> => {
        const tree = await edited.analysis.buildTree(file);
        const n = serversNamed(tree, 'n.example.com')[0];
        assert.ok(n, 'server N');
        return mayAnswerUpstreams(n, tree);
      };
      assert.equal(await answersN(), false, 'N answers no upstream connection');
      const toN = text.replace('        location /c {', '        location /n { proxy_pass https://127.0.0.1:11443; }\n        location /c {');
      await reopened(edited, dir, file, toN, 'a location passing to N typed in');
      assert.equal(await answersN(), true, 'N answers the new location');
      await reopened(edited, dir, file, text, 'the location deleted again');
      assert.equal(await answersN(), false, 'N answers no upstream connection again');
    } finally {
      removeDir(dir);
    }
  });

  it('checks the edited server alone with the listen-group and client-verification checks, for an nginx whose defaults still allow TLSv1, unless the edit changes what they read across servers', async () => {
    const dir = makeTempDir('block-reuse-old-nginx');
    try {
      writeServerPair(dir);
      fs.writeFileSync(path.join(dir, 'root.pem'), pki('ec').ca.pem);
      // nginx 1.22.1, where a TLS server without ssl_protocols gets TLSv1: B speaks TLS through
      // A's listen parameter (a socket's, for every server on it); D's `ssl on` is deprecated, and
      // its fix asks whether D is its address's default server (E is, standing first); B enforces
      // verification through a map over $ssl_client_verify; the CA D lacks is offered from B's.
      const settings = { targetVersion: '1.22.1' };
      const pair = '        ssl_certificate server.crt;\n        ssl_certificate_key server.key;\n';
      const text = `events {}\nhttp {\n    map $ssl_client_verify $verified {\n        default 0;\n        SUCCESS 1;\n    }\n`
        + `    server {\n        listen 443 ssl;\n        server_name a.example.com;\n${pair}    }\n`
        + `    server {\n        listen 443;\n        server_name b.example.com;\n${pair}        ssl_verify_client optional;\n`
        + `        ssl_client_certificate root.pem;\n        add_header X-Verified $verified;\n    }\n`
        + `    server {\n        listen 8444;\n        server_name e.example.com;\n    }\n`
        + `    server {\n        listen 8444;\n        ssl on;\n        server_name d.example.com;\n${pair}        ssl_verify_client on;\n    }\n}\n`;
      const file = path.join(dir, 'nginx.conf');
      const { counted, edited, found } = await savedAndOpened(dir, file, text, settings);
      for (const code of ['tls.ssl-directive-deprecated', 'tls.weak-protocols-ciphers', 'tls.verify-client-no-ca']) assert.ok(found.some((f) => f.code === code), `${code} in ${[...new Set(found.map((f) => f.code))].join(', ')}`);
      assert.ok(found.some((f) => f.code === 'tls.verify-client-no-ca' && f.fixes?.length), 'the CA fix offers B\'s CA file');
      await eachStatementEditedInTurn(edited, counted, dir, file, text, ['protocols', 'client-verification'], settings);
    } finally {
      removeDir(dir);
    }
  });

  it('gives the findings of a fresh analysis in every rule fixture, running only the block-local families on the edited block', async () => {
    let compared = 0;
    let scoped = 0;
    let serverScoped = 0;
    // Per family server-local unless an edit changes what it reads across servers: how often it checked the edited server alone.
    const acrossScoped = new Map(SERVER_LOCAL_UNLESS.map((f) => [f, 0]));
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      const text = insideHttp(fs.readFileSync(file, 'utf8'));
      const { counted, edited } = await openedCounting(dir, file, text);
      for (const line of plainBlockOpeners(text).slice(0, 4)) {
        for (const next of typingInto(text, line)) {
          const scopedBefore = new Map(counted.scoped);
          edited.openDocument(file, next);
          const got = await findingsOf(edited, file);
          if (BLOCK_LOCAL.every((f) => counted.scoped.get(f) !== scopedBefore.get(f))) scoped++;
          if (SERVER_LOCAL.every((f) => counted.scoped.get(f) !== scopedBefore.get(f))) serverScoped++;
          for (const f of SERVER_LOCAL_UNLESS) if (counted.scoped.get(f) !== scopedBefore.get(f)) acrossScoped.set(f, (acrossScoped.get(f) ?? 0) + 1);
          assert.deepEqual(got, await freshFindings(dir, file, next), `${code}/${name}: typed after line ${line + 1}: ${JSON.stringify(next.split('\n').slice(line, line + 3))}`);
          compared++;
        }
      }
    });
    assert.ok(compared > 1000, `compared ${compared} edits`);
    console.log(`block edits: ${compared} compared with fresh analyses, ${scoped} ran the block-local families on the edited block only, ${serverScoped} the server-local ones on its server; `
      + `the families reading other servers checked the edited server alone: ${[...acrossScoped].map(([f, n]) => `${f} ${n}`).join(', ')}`);
    assert.ok(scoped > compared * 0.3, `the block-local families ran on the edited block only in ${scoped} of ${compared}`);
    assert.ok(SERVER_LOCAL.length > 0 && serverScoped > compared * 0.15, `the server-local families ran on the edited server only in ${serverScoped} of ${compared}`);
    assert.ok(SERVER_LOCAL_UNLESS.length >= 4, SERVER_LOCAL_UNLESS.join(', '));
    for (const [f, n] of acrossScoped) assert.ok(n > compared * 0.1, `${f} checked the edited server alone in ${n} of ${compared}`);
  });
});
