/**
 * Typing inside the arguments of a directive that some rule families never read
 * (RuleFamily.argumentsUnread) reuses those families' last findings, moved past the edit
 * (argumentEditReuse.ts, WorkspaceAnalysis.runRules). The result must be exactly that of a
 * fresh analysis: every rule fixture gets such directives in its blocks, they are edited, and
 * each edit is checked both ways. Edits of the fixtures' own directives (read by some family or
 * not) are compared too, and the edits that must not be reused are checked to run every family.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import type { Finding } from '../../server/src/analysis/finding';
import type { ConfigNode } from '../../server/src/model/configTree';
import { UNREAD_BY_TLS_FAMILIES } from '../../server/src/analysis/unreadArguments';
import { parseFile } from '../../server/src/model/parsedFile';
import { walkDirectives } from '../../server/src/parser/syntaxTree';
import { applyMessage } from '../../server/src/node/validationRunner';
import { argumentOnlyEdit } from '../../server/src/service/argumentEditReuse';
import { NOW, pki } from '../certificates/fixtures';
import { makeTempDir, removeDir } from '../differential/nginxHarness';
import { countingFamilies, findingsOf, forEachRuleFixture, freshFindings, openedCounting, reopened, savedAndOpened, service, writeServerPair } from './reuseHelpers';
import { generatePki, pemEncode } from '../../server/src/pki/testPkiGenerator';

/** The families that check only the edited block's body after an argument edit (RuleFamily.blockLocal). */
const BLOCK_LOCAL = RULE_FAMILIES.filter((f) => f.blockLocal).map((f) => f.name);

/** A value for each unread directive, as an operator writes it. */
const SAMPLE_ARGUMENTS: Record<string, string> = {
  add_header: 'X-Frame-Options "DENY" always', add_trailer: 'X-Trace "t1"', expires: '1h', etag: 'on',
  error_log: '/var/log/nginx/site.error.log warn', log_not_found: 'off', server_tokens: 'off',
  gzip: 'on', gzip_types: 'text/css application/json', gzip_vary: 'on', gzip_min_length: '1000', gzip_comp_level: '5', gzip_proxied: 'any',
  client_max_body_size: '10m', client_body_timeout: '30s', client_header_timeout: '30s', keepalive_timeout: '65', send_timeout: '30s',
  proxy_read_timeout: '60s', proxy_send_timeout: '60s', proxy_connect_timeout: '5s', proxy_buffering: 'off', proxy_buffer_size: '8k', proxy_buffers: '8 8k',
  sendfile: 'on', tcp_nopush: 'on', tcp_nodelay: 'on',
  root: '/var/www/html', alias: '/var/www/static/', index: 'index.html index.htm', autoindex: 'off', charset: 'utf-8',
  default_type: 'application/octet-stream', limit_rate: '100k', client_body_buffer_size: '16k',
  ssl_session_timeout: '4h', ssl_session_tickets: 'off', ssl_buffer_size: '4k', ssl_early_data: 'off', ssl_prefer_server_ciphers: 'on',
  ssl_verify_depth: '2', proxy_ssl_verify_depth: '2', grpc_ssl_verify_depth: '3', uwsgi_ssl_verify_depth: '1',
  ssl_protocols: 'TLSv1.2 TLSv1.3', proxy_ssl_protocols: 'TLSv1.2', grpc_ssl_protocols: 'TLSv1.3', uwsgi_ssl_protocols: 'TLSv1.2',
  ssl_ciphers: 'HIGH:!aNULL:!MD5', proxy_ssl_ciphers: 'HIGH:!aNULL', grpc_ssl_ciphers: 'DEFAULT', uwsgi_ssl_ciphers: 'HIGH',
  ssl_session_cache: 'shared:SSL:10m', ssl_stapling: 'on', ssl_stapling_verify: 'on', ssl_ecdh_curve: 'X25519:prime256v1',
  ssl_conf_command: 'Options PrioritizeChaCha', proxy_ssl_conf_command: 'Options PrioritizeChaCha',
  ssl_trusted_certificate: '/etc/nginx/ssl/ca.pem', proxy_set_header: 'X-Forwarded-Proto https',
  proxy_ssl_verify: 'on', grpc_ssl_verify: 'on', uwsgi_ssl_verify: 'off',
};

/** After each line that opens a block, a line with the next unread directive (in turn over the whole list). */
function withUnreadDirectives(text: string, firstIndex: number): { text: string; inserted: string[] } {
  const names = [...UNREAD_BY_TLS_FAMILIES];
  for (const name of names) assert.ok(SAMPLE_ARGUMENTS[name], `a sample value for ${name}`);
  const inserted: string[] = [];
  let next = firstIndex;
  const lines = text.split('\n').flatMap((line) => {
    if (!/\{\s*(#.*)?$/.test(line) || /\b(map|geo|types|upstream|split_clients|match|charset_map)\b/.test(line) || /_by_lua_block/.test(line)) return [line];
    const name = names[next++ % names.length];
    inserted.push(name);
    return [line, `    ${name} ${SAMPLE_ARGUMENTS[name]};`];
  });
  return { text: lines.join('\n'), inserted };
}

/** Edits of a statement's last argument: a character typed, then taken back; `on` and `off` swapped. */
function argumentEdits(text: string, statement: { argsEnd: number; quoted: boolean; value: string }): string[] {
  const at = statement.quoted ? statement.argsEnd - 1 : statement.argsEnd;
  const typed = text.slice(0, at) + 'z' + text.slice(at);
  const edits = [typed, text];
  const swap = statement.value === 'on' ? 'off' : statement.value === 'off' ? 'on' : undefined;
  if (swap) edits.push(text.slice(0, statement.argsEnd - statement.value.length) + swap + text.slice(statement.argsEnd), text);
  return edits;
}

/** The last argument of each block-less statement named `names` (or any, when undefined). */
function lastArguments(text: string, names?: ReadonlySet<string>): { argsEnd: number; quoted: boolean; value: string; name: string }[] {
  const found: { argsEnd: number; quoted: boolean; value: string; name: string }[] = [];
  walkDirectives(parseFile('x', text).syntax.statements, (d) => {
    const last = d.args[d.args.length - 1];
    if (d.block || !last || (names && !names.has(d.name)) || d.terminator !== ';') return;
    found.push({ argsEnd: last.end, quoted: last.quote !== undefined, value: last.value, name: d.name });
  });
  return found;
}

describe('edits inside the arguments of a directive reuse the families that never read it', () => {
  it('accepts only edits inside the arguments of one directive in a plain block, with no structural character or variable', () => {
    const base = 'http {\n    add_header X-A "a b" always;\n    gzip on;\n    map $host $x { a b; }\n    server {\n        expires 1h;\n        add_header X-V $host;\n    }\n}\n';
    const edit = (from: string, to: string): ReturnType<typeof argumentOnlyEdit> => argumentOnlyEdit(parseFile('f', base), parseFile('f', base.replace(from, to)));
    assert.equal(edit('"a b"', '"a bc"')?.directive, 'add_header', 'typing inside a quoted argument');
    assert.equal(edit('expires 1h', 'expires 12h')?.directive, 'expires', 'typing inside a bare argument');
    assert.equal(edit('gzip on', 'gzip of')?.directive, 'gzip', 'deleting');
    assert.equal(edit('gzip on', 'gzip on off')?.directive, 'gzip', 'a new argument');
    assert.equal(edit('gzip on', 'gzipx on'), undefined, 'the name');
    assert.equal(edit('gzip on', 'gzip  on')?.directive, 'gzip', 'whitespace between the name and the arguments');
    assert.equal(edit('gzip on', 'gzipon'), undefined, 'the space after the name deleted');
    assert.equal(edit('"a b"', '"a" b"'), undefined, 'a quote');
    assert.equal(edit('"a b"', '"a b;"'), undefined, 'a semicolon');
    assert.equal(edit('gzip on;', 'gzip on;;'), undefined, 'after the statement');
    assert.equal(edit('"a b"', '"a $b"'), undefined, 'a variable');
    assert.equal(edit('X-V $host', 'X-VV $host'), undefined, 'a statement holding a variable');
    assert.equal(edit('{ a b; }', '{ a bc; }'), undefined, 'inside a map block');
    assert.equal(edit('"a b"', '"a\nb"'), undefined, 'a line break');
    assert.equal(edit('server {', 'server x {'), undefined, 'the arguments of a block');
    const spaced = base.replace('expires 1h', 'expires 1h ');
    assert.equal(argumentOnlyEdit(parseFile('f', spaced), parseFile('f', spaced.replace('1h ', '1h ""')))?.argumentCount.after, 2, 'a pair of quotes typed whole: an empty argument');
    assert.equal(edit('"a b"', '""')?.directive, 'add_header', 'deleting what stands between two quotes is typing inside them');
    assert.equal(edit('expires 1h', 'expires 1h"" '), undefined, 'a pair of quotes glued to a word');
    assert.equal(edit('expires 1h', 'expires 1h "'), undefined, 'a lone quote');
    // nginx refuses a word glued to a closing quote ("unexpected "c""); the parser goes on after it.
    const glued = base.replace('"a b" always', '"a b"c always');
    assert.ok(parseFile('f', glued).syntax.problems.length > 0, 'the glued word is a problem');
    const gluedEdit = (from: string, to: string): ReturnType<typeof argumentOnlyEdit> => argumentOnlyEdit(parseFile('f', glued), parseFile('f', glued.replace(from, to)));
    assert.equal(gluedEdit('"a b"c', '"a bx"c')?.directive, 'add_header', 'inside the quotes of a statement with a problem');
    assert.equal(gluedEdit('"a b"c', '"xa b"c')?.directive, 'add_header', 'just after the opening quote');
    assert.equal(gluedEdit('"a b"c', '"a b"cx'), undefined, 'the word glued to the quote, where the problem is');
    assert.equal(gluedEdit('c always', 'c alwaysx'), undefined, 'elsewhere in a statement with a problem');
    assert.equal(gluedEdit('"a b"c', '"a b""c'), undefined, 'a quote in a statement with a problem');
  });

  it('gives the findings of a fresh analysis when the unread directives are edited in every rule fixture, without running the families that never read them', async () => {
    let reused = 0;
    let compared = 0;
    let fixture = 0;
    let scopedRuns = 0;
    const declaring = RULE_FAMILIES.filter((f) => f.argumentsUnread).map((f) => f.name);
    assert.ok(declaring.length >= 8, `families declaring unread arguments: ${declaring.join(', ')}`);
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      const original = fs.readFileSync(file, 'utf8');
      const { text: prepared, inserted } = withUnreadDirectives(original, fixture++);
      if (inserted.length === 0) return;
      const { counted, edited } = await openedCounting(dir, file, prepared);
      // The first two inserted statements, each edited and restored.
      for (const statement of lastArguments(prepared, UNREAD_BY_TLS_FAMILIES).slice(0, 2)) {
        for (const text of argumentEdits(prepared, statement)) {
          const before = new Map(counted.runs);
          const scopedBefore = new Map(counted.scoped);
          edited.openDocument(file, text);
          const got = await findingsOf(edited, file);
          // Each block-local family checked the edited block alone, or (declaring the directive unread) did not run.
          const unreadBy = (f: string): boolean => RULE_FAMILIES.find((family) => family.name === f)?.argumentsUnread?.has(statement.name) === true;
          // None of the families that declare the edited directive unread ran (those that read it do).
          if (declaring.filter(unreadBy).every((f) => counted.runs.get(f) === before.get(f))) reused++;
          if (BLOCK_LOCAL.every((f) => counted.runs.get(f) === before.get(f) && (counted.scoped.get(f) !== scopedBefore.get(f) || unreadBy(f)))) scopedRuns++;
          assert.deepEqual(got, await freshFindings(dir, file, text), `${code}/${name}: ${statement.name} edited to ${JSON.stringify(text.slice(statement.argsEnd - 20, statement.argsEnd + 6))}`);
          compared++;
        }
      }
    });
    assert.ok(compared > 300, `compared ${compared} edits`);
    console.log(`unread-argument edits: ${compared} compared with fresh analyses, ${reused} reused the declaring families, ${scopedRuns} ran the block-local ones on the edited block alone`);
    assert.ok(reused > compared * 0.8, `reused ${reused} of ${compared}`);
    assert.ok(scopedRuns > compared * 0.5, `the block-local families checked only the edited block in ${scopedRuns} of ${compared}`);
  });

  it('gives the findings of a fresh analysis when each of the fixtures\' own directives is edited', async () => {
    let compared = 0;
    let scopedRuns = 0;
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      const original = fs.readFileSync(file, 'utf8');
      const { counted, edited } = await savedAndOpened(dir, file, original);
      // Every statement, read by block-local families or not: a character typed, then taken
      // back; an argument added (the count changes), then taken back.
      for (const statement of lastArguments(original)) {
        const added = original.slice(0, statement.argsEnd) + ' z' + original.slice(statement.argsEnd);
        for (const text of [...argumentEdits(original, statement).slice(0, 2), added, original]) {
          const scopedBefore = counted.scoped.get(BLOCK_LOCAL[0]);
          edited.openDocument(file, text);
          const got = await findingsOf(edited, file);
          if (counted.scoped.get(BLOCK_LOCAL[0]) !== scopedBefore) scopedRuns++;
          assert.deepEqual(got, await freshFindings(dir, file, text), `${code}/${name}: ${statement.name} edited to ${JSON.stringify(text.slice(statement.argsEnd - 20, statement.argsEnd + 6))}`);
          compared++;
        }
      }
    });
    console.log(`edits of the fixtures' own directives: ${compared} compared with fresh analyses, ${scopedRuns} checked the edited block alone with the block-local families`);
    assert.ok(compared > 2000, `compared ${compared} edits`);
    assert.ok(scopedRuns > compared * 0.2, `the edited block alone in ${scopedRuns} of ${compared}`);
  });

  it('gives the findings of a fresh analysis when a word or a pair of quotes is typed after a blank following a statement\'s last argument, and deleted again', async () => {
    let compared = 0;
    let asArguments = 0;
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      const original = fs.readFileSync(file, 'utf8');
      const { counted, edited } = await savedAndOpened(dir, file, original);
      for (const statement of lastArguments(original).slice(0, 3)) {
        const at = statement.argsEnd;
        const spaced = original.slice(0, at) + ' ' + original.slice(at);
        // A word typed after the blank makes the statement end later: what stands on it moves with it.
        for (const text of [spaced, original.slice(0, at) + ' ""' + original.slice(at), spaced, original.slice(0, at) + ' x' + original.slice(at), spaced]) {
          const runs = counted.total();
          await reopened(edited, dir, file, text, `${code}/${name}: ${JSON.stringify(text.slice(at - 12, at + 5))}`);
          if (text !== spaced && counted.total() < runs + RULE_FAMILIES.length) asArguments++;
          compared++;
        }
      }
    });
    console.log(`words and pairs of quotes after a blank: ${compared} edits compared with fresh analyses, ${asArguments} of those typed or deleted taken as argument edits`);
    assert.ok(compared > 500, `compared ${compared} edits`);
    assert.ok(asArguments > compared * 0.4 * 0.5, `${asArguments} taken as argument edits`);
  });

  it('gives the findings of a fresh analysis while a value is typed after a quote nobody closed yet, a character at a time', async () => {
    let compared = 0;
    let runOn = 0;
    let asArguments = 0;
    let quotes = 0;
    let quotesInBlock = 0;
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      const original = fs.readFileSync(file, 'utf8');
      const lines = original.split('\n');
      const openers = lines.flatMap((line, i) => (/\{\s*(#.*)?$/.test(line) && !/\b(map|geo|types|upstream|split_clients|match|charset_map)\b/.test(line) ? [i] : [])).slice(0, 2);
      // After a line that opens a block, a header line whose value is being typed without its
      // closing quote (an editor that does not close quotes). Alone, the quote is never closed;
      // above another quoted value, the word runs on to that value's opening quote.
      for (const following of [undefined, '    add_header X-Next "n";']) {
        for (const at of openers) {
          const withLine = (rest: string): string => [...lines.slice(0, at + 1), `    add_header X-Typed ${rest}`, ...(following ? [following] : []), ...lines.slice(at + 1)].join('\n');
          const { counted, edited } = await savedAndOpened(dir, file, withLine(''));
          // The quote, a value with a blank and a `-` on the way, the closing quote and the `;`,
          // then all of it deleted again, a character at a time.
          const typed = ['"', '"a', '"ab', '"ab-', '"ab- c', '"ab- c"', '"ab- c";'];
          for (const rest of [...typed, ...typed.slice(0, -1).reverse(), '']) {
            const runs = counted.total();
            await reopened(edited, dir, file, withLine(rest), `${code}/${name}: ${JSON.stringify(rest)} typed after line ${at + 1}${following ? ', above a quoted value' : ''}`);
            compared++;
            if (!following) continue;
            // The opening quote (or its deletion) changes the statements of the block around it.
            if (rest === '"' || rest === '') {
              quotes++;
              if (counted.total() < runs + RULE_FAMILIES.length) quotesInBlock++;
            }
            // Between the quotes (the keystroke that empties the word aside).
            if (!/^"[^"]+$/.test(rest)) continue;
            runOn++;
            if (counted.total() < runs + RULE_FAMILIES.length) asArguments++;
          }
        }
      }
    });
    console.log(`values typed after an open quote: ${compared} keystrokes compared with fresh analyses; of the ${runOn} above a quoted value, ${asArguments} taken as argument edits; ${quotesInBlock} of ${quotes} opening quotes typed or deleted there checked the block again`);
    assert.ok(compared > 1000, `compared ${compared} keystrokes`);
    // The word that runs on to the next quote is one argument of a statement ending with a
    // semicolon: typing on between the quotes is an argument edit (all 2,352 when written).
    assert.ok(asArguments > runOn * 0.9, `${asArguments} of ${runOn} taken as argument edits`);
    // The open word and the word glued to the next quote stay in the statement: the block's
    // statements are parsed again, not the file (parser/incrementalParse.ts), and the
    // block-local families check that block again.
    assert.ok(quotesInBlock > quotes * 0.5, `${quotesInBlock} of ${quotes} quotes as block edits`);
  });

  it('moves the reused findings of an included file past an edit in it, and leaves the other files\' alone', async () => {
    const dir = makeTempDir('argument-reuse-include');
    try {
      writeServerPair(dir);
      fs.mkdirSync(path.join(dir, 'sites'));
      const site = (value: string, name: string): string => `server {\n    listen 443 ssl;\n    add_header X-A "${value}";\n    server_name ${name};\n    ssl_certificate server.crt;\n    ssl_certificate_key server.key;\n    location / { proxy_pass https://backend.internal; }\n}\n`;
      const main = path.join(dir, 'nginx.conf');
      fs.writeFileSync(main, 'events {}\nhttp {\n    include sites/*.conf;\n}\n');
      fs.writeFileSync(path.join(dir, 'sites/a.conf'), site('a', 'a.example.test'));
      fs.writeFileSync(path.join(dir, 'sites/b.conf'), site('b', 'b.example.test'));
      const file = path.join(dir, 'sites/a.conf');
      const { counted, edited, found: first } = await openedCounting(dir, file, site('a', 'a.example.test'));
      assert.ok(first.some((f) => f.code === 'tls.server-name-not-in-cert') && first.some((f) => f.code === 'tls.upstream-unverified'), first.map((f) => f.code).join(', '));
      for (const value of ['ab', 'abc', 'ab', 'a much longer value', '']) {
        const before = counted.runs.get('certificate-files');
        await reopened(edited, dir, file, site(value, 'a.example.test'), value);
        assert.equal(counted.runs.get('certificate-files'), before, `reused for ${value}`);
      }
    } finally {
      removeDir(dir);
    }
  });

  it('runs every family again when a certificate changes or the clock moves on', async () => {
    const dir = makeTempDir('argument-reuse');
    try {
      writeServerPair(dir);
      const file = path.join(dir, 'nginx.conf');
      const text = (value: string): string => `events {}\nhttp {\n    server {\n        listen 443 ssl;\n        server_name a.example;\n        ssl_certificate server.crt;\n        ssl_certificate_key server.key;\n        add_header X-A "${value}";\n    }\n}\n`;
      fs.writeFileSync(file, text('a'));
      let clock = NOW.getTime();
      const counted = countingFamilies();
      const s = service(dir, counted.families, () => new Date(clock));
      s.openDocument(file, text('a'));
      await findingsOf(s, file);
      const runsOf = async (value: string): Promise<number> => {
        const before = counted.total();
        s.openDocument(file, text(value));
        await findingsOf(s, file);
        return counted.total() - before;
      };
      const all = RULE_FAMILIES.length;
      const some = await runsOf('ab');
      assert.ok(some > 0 && some < all - 5, `an add_header edit runs only the families that read it (${some} of ${all})`);
      // The certificate is replaced by one of another key type, and the editor's watcher says so
      // (unreported, the change shows once the file's stat is a second old: certificateInspector.test.ts).
      fs.writeFileSync(path.join(dir, 'server.crt'), pki('rsa').server.pem);
      applyMessage(s, { kind: 'changed', path: path.join(dir, 'server.crt') });
      assert.equal(await runsOf('abc'), all, 'a changed certificate');
      assert.ok((await runsOf('abcd')) < all, 'reused again once the new certificate was read');
      clock += 11_000;
      assert.equal(await runsOf('abcde'), all, 'the clock moved past the reuse window');
      assert.ok((await runsOf('abcdef')) < all, 'reused again within the new window');
      // A password file a family read, say: the editor reports a file changed on disk.
      applyMessage(s, { kind: 'changed', path: path.join(dir, 'server.pass') });
      assert.equal(await runsOf('abcdefg'), all, 'a file changed on disk');
    } finally {
      removeDir(dir);
    }
  });
  it('judges only the edited CA reference while a CA path is typed at the http level, and the whole file once it names certificates', async () => {
    const dir = makeTempDir('argument-reuse-ca-path');
    try {
      const p = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'), serverSans: ['DNS:a.example.test'] });
      const other = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'), caSubject: 'CN=Other CA' });
      fs.writeFileSync(path.join(dir, 'a.crt'), pemEncode('CERTIFICATE', p.server.der));
      fs.writeFileSync(path.join(dir, 'a.key'), p.server.key.pem, { mode: 0o600 });
      fs.writeFileSync(path.join(dir, 'client.crt'), pemEncode('CERTIFICATE', p.client.der));
      fs.writeFileSync(path.join(dir, 'client.key'), p.client.key.pem, { mode: 0o600 });
      fs.writeFileSync(path.join(dir, 'other.crt'), pemEncode('CERTIFICATE', other.ca.der));
      // Server A verifies clients against the http level's trusted CA file (nginx 1.27.2 and
      // later), server C presents a client certificate to it that only the other CA would not
      // trust; a second server names a missing certificate, a finding of certificate-files that is kept.
      const text = (ca: string): string => [
        'events {}',
        'http {',
        `    ssl_trusted_certificate ${ca};`,
        '    server {\n        listen 443 ssl;\n        server_name a.example.test;\n        ssl_certificate a.crt;\n        ssl_certificate_key a.key;\n        ssl_verify_client on;\n    }',
        '    server {\n        listen 8443 ssl;\n        ssl_certificate missing.crt;\n        ssl_certificate_key a.key;\n    }',
        '    server {\n        listen 8080;\n        location / {\n            proxy_pass https://a.example.test:443;\n            proxy_ssl_certificate client.crt;\n            proxy_ssl_certificate_key client.key;\n        }\n    }',
        '}',
        '',
      ].join('\n');
      const file = path.join(dir, 'nginx.conf');
      const { counted, edited } = await savedAndOpened(dir, file, text('o'));
      const onTrustedLine = (f: Finding): boolean => text('o').slice(0, f.start).split('\n').length === 3;
      // The families that read the CA file only as its certificates.
      const readers = ['certificate-pairing', 'client-chains', 'upstream-tls', 'openssl-settings'];
      for (const ca of ['ot', 'other.c', 'other.crt', 'other.crtx', 'other.crt', 'other.cr']) {
        const certificates = ca === 'other.crt';
        const before = new Map(counted.runs);
        const scoped = counted.scoped.get('certificate-files') ?? 0;
        const untypedBefore = ['other.crtx', 'other.cr'].includes(ca);
        const got = await reopened(edited, dir, file, text(ca), `ssl_trusted_certificate ${ca}`);
        assert.equal(got.filter((f) => f.code === 'tls.file-not-found' && onTrustedLine(f)).length, certificates ? 0 : 1, `the missing CA file ${ca}`);
        assert.equal(got.some((f) => f.code === 'mtls.client-cert-untrusted'), certificates, `the client certificate judged against the other CA at ${ca}`);
        assert.ok(got.some((f) => f.code === 'tls.file-not-found' && f.message.includes('missing.crt')), `the other server's finding is kept at ${ca}`);
        assert.equal(counted.runs.get('certificate-files'), before.get('certificate-files'), `certificate-files not run over the file at ${ca}`);
        assert.equal(counted.scoped.get('certificate-files'), scoped + 1, `certificate-files checked the http level's statements at ${ca}`);
        // No certificates named before the keystroke nor after it: their findings are kept.
        const kept = !certificates && !untypedBefore;
        for (const family of readers) assert.equal(counted.runs.get(family), (before.get(family) ?? 0) + (kept ? 0 : 1), `${family} ${kept ? 'reused' : 'ran'} at ${ca}`);
      }
    } finally {
      removeDir(dir);
    }
  });

  it('runs only the client-chain family when ssl_verify_depth is typed into, and its finding follows the value', async () => {
    const dir = makeTempDir('argument-reuse-verify-depth');
    try {
      const p = generatePki({ keyType: 'ec', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'), intermediate: true, serverSans: ['DNS:a.example.test'] });
      const pem = (der: Buffer): string => pemEncode('CERTIFICATE', der);
      fs.writeFileSync(path.join(dir, 'a.crt'), pem(p.server.der) + pem(p.intermediate?.der as Buffer));
      fs.writeFileSync(path.join(dir, 'a.key'), p.server.key.pem, { mode: 0o600 });
      fs.writeFileSync(path.join(dir, 'ca.crt'), pem(p.ca.der));
      fs.writeFileSync(path.join(dir, 'client.crt'), pem(p.client.der) + pem(p.intermediate?.der as Buffer));
      fs.writeFileSync(path.join(dir, 'client.key'), p.client.key.pem, { mode: 0o600 });
      // Server A verifies clients against the root with the http level's depth; server B sends
      // a client certificate with one intermediate.
      const text = (depth: string): string => [
        'events {}',
        'http {',
        `    ssl_verify_depth ${depth};`,
        '    server {',
        '        listen 443 ssl;',
        '        server_name a.example.test;',
        '        ssl_certificate a.crt;',
        '        ssl_certificate_key a.key;',
        '        ssl_client_certificate ca.crt;',
        '        ssl_verify_client on;',
        '    }',
        '    server {',
        '        listen 8080;',
        '        location / {',
        '            proxy_pass https://a.example.test:443;',
        '            proxy_ssl_certificate client.crt;',
        '            proxy_ssl_certificate_key client.key;',
        '        }',
        '    }',
        '}',
        '',
      ].join('\n');
      const file = path.join(dir, 'nginx.conf');
      const { counted, edited, found } = await savedAndOpened(dir, file, text('0'));
      assert.ok(found.some((f) => f.code === 'tls.verify-depth-too-small'));
      for (const depth of ['01', '1', '10', '0', '00']) {
        const pairing = counted.runs.get('certificate-pairing');
        const chains = counted.runs.get('client-chains');
        const got = await reopened(edited, dir, file, text(depth), `ssl_verify_depth ${depth}`);
        assert.equal(got.some((f) => f.code === 'tls.verify-depth-too-small'), depth === '0' || depth === '00', `ssl_verify_depth ${depth}`);
        assert.equal(counted.runs.get('certificate-pairing'), pairing, `certificate-pairing reused at ${depth}`);
        assert.equal(counted.runs.get('client-chains'), (chains ?? 0) + 1, `client-chains ran at ${depth}`);
      }
    } finally {
      removeDir(dir);
    }
  });

  it('leaves upstream-tls alone while a request header other than Host is typed into, and runs it for a line that is or was the Host line', async () => {
    const dir = makeTempDir('argument-reuse-header-lines');
    try {
      writeServerPair(dir);
      // upstream-tls reads the Host line only; one location is verified, the other is not (a
      // finding of the family below the edited lines, so it moves at each keystroke).
      const text = (name: string, proto: string, host: string): string => [
        'events {}',
        'http {',
        `    proxy_set_header ${name} ${proto};`,
        `    proxy_set_header Host ${host};`,
        '    proxy_set_header HOST2 x;',
        '    server {',
        '        listen 8443 ssl;',
        '        ssl_certificate server.crt;',
        '        ssl_certificate_key server.key;',
        '        location / {\n            proxy_pass https://b.example.test;\n            proxy_ssl_verify on;\n            proxy_ssl_trusted_certificate server.crt;\n        }',
        '        location /plain {\n            proxy_pass https://c.example.test;\n        }',
        '    }',
        '}',
        '',
      ].join('\n');
      const file = path.join(dir, 'nginx.conf');
      const { counted, edited, found } = await savedAndOpened(dir, file, text('X-Forwarded-Proto', 'https', 'b.example.test'));
      assert.ok(found.some((f) => f.code === 'tls.upstream-unverified'), 'the unverified location is reported');
      // [header name, its value, Host's value, whether upstream-tls runs]
      const steps: [string, string, string, boolean][] = [
        ['X-Forwarded-Proto', 'http1s', 'b.example.test', false],
        ['X-Forwarded-Proto', 'http12s', 'b.example.test', false],
        ['X-Forwarded-Proto', 'https', 'b.example.test', false],
        // Another header's name typed into: neither name is Host.
        ['X-Forwarded-Prot1o', 'https', 'b.example.test', false],
        ['X-Forwarded-Proto', 'https', 'b.example.test', false],
        ['X-Forwarded-Proto', 'https', 'b1.example.test', true],
        ['X-Forwarded-Proto', 'https', 'b.example.test', true],
        // A line that becomes the Host line, then stops being it.
        ['Host', 'https', 'b.example.test', true],
        ['Hos', 'https', 'b.example.test', true],
        // A header named Host in other letters is the Host line.
        ['hOST', 'https', 'b.example.test', true],
        ['hOST', 'http1s', 'b.example.test', true],
        ['X-Forwarded-Proto', 'https', 'b.example.test', true],
        // A second argument, then none (the line stops counting as one that sets a header).
        ['X-Forwarded-Proto', 'http s', 'b.example.test', false],
        ['X-Forwarded-Proto', '', 'b.example.test', false],
        ['X-Forwarded-Proto', 'https', 'b.example.test', false],
      ];
      let last = { name: 'X-Forwarded-Proto', proto: 'https' };
      for (const [name, proto, host, runs] of steps) {
        const before = counted.runs.get('upstream-tls') ?? 0;
        const identity = counted.runs.get('identity-headers') ?? 0;
        const siblings = counted.runs.get('identity-header-siblings') ?? 0;
        // identity-header-siblings reads a line's header name (in any case) and whether a value follows.
        const siblingsRun = name.toLowerCase() !== last.name.toLowerCase() || (proto === '') !== (last.proto === '');
        last = { name, proto };
        const at = `proxy_set_header ${name} ${proto}, Host ${host}`;
        await reopened(edited, dir, file, text(name, proto, host), at);
        assert.equal(counted.runs.get('upstream-tls'), before + (runs ? 1 : 0), `upstream-tls ${runs ? 'ran' : 'reused'} at ${at}`);
        // It judges header lines by the variables of their values: a line without one, never.
        assert.equal(counted.runs.get('identity-headers') ?? 0, identity, `identity-headers reused at ${at}`);
        assert.equal(counted.runs.get('identity-header-siblings') ?? 0, siblings + (siblingsRun ? 1 : 0), `identity-header-siblings ${siblingsRun ? 'ran' : 'reused'} at ${at}`);
      }
      // The HOST2 line is another header: typing into its value leaves upstream-tls alone.
      const before = counted.runs.get('upstream-tls') ?? 0;
      const host2 = text('X-Forwarded-Proto', 'https', 'b.example.test').replace('HOST2 x;', 'HOST2 xy;');
      await reopened(edited, dir, file, host2, 'HOST2 typed into');
      assert.equal(counted.runs.get('upstream-tls'), before, 'upstream-tls reused while HOST2 is typed into');
    } finally {
      removeDir(dir);
    }
  });

  it('leaves the families that read upstream verification as on or not alone while it stays on, or stays not on, and runs them when it turns', async () => {
    const dir = makeTempDir('argument-reuse-verify-switch');
    try {
      writeServerPair(dir);
      // One location takes the http level's verification (with a missing CA file, which nginx
      // reads only while it is on), one sets its own, one proxies plain http under it; both
      // TLS locations share an upstream with different client identities (session reuse).
      const text = (verify: string): string => [
        'events {}',
        'http {',
        `    proxy_ssl_verify ${verify};`,
        '    proxy_ssl_trusted_certificate missing-ca.crt;',
        '    server {',
        '        listen 8443 ssl;',
        '        ssl_certificate server.crt;',
        '        ssl_certificate_key server.key;',
        '        location / {\n            proxy_pass https://b.example.test;\n        }',
        '        location /own {\n            proxy_pass https://b.example.test;\n            proxy_ssl_verify off;\n        }',
        '        location /plain {\n            proxy_pass http://c.example.test;\n        }',
        '    }',
        '}',
        '',
      ].join('\n');
      const file = path.join(dir, 'nginx.conf');
      const { counted, edited } = await savedAndOpened(dir, file, text('on'));
      const readers = RULE_FAMILIES.filter((f) => f.argumentsReadAsSwitch?.has('proxy_ssl_verify')).map((f) => f.name).sort();
      assert.deepEqual(readers, ['certificate-files', 'plain-http-proxy-ssl', 'session-reuse', 'stream-proxy-ssl', 'upstream-tls']);
      const ran = (name: string): number => (counted.runs.get(name) ?? 0) + (counted.narrowed.get(name) ?? 0);
      // nginx takes `on` in any case (ngx_conf_set_flag_slot); anything else but `off` it refuses.
      // (A family whose fix inserts the very text of the old statement, `proxy_ssl_verify on;`,
      // is run again whatever the edit: moveFindings does not keep such fixes. The steps that
      // keep the switch start from other texts.)
      const steps: [string, boolean][] = [['o1n', true], ['o11n', false], ['o1n', false], ['OFF', false], ['of', false], ['off', false], ['On', true], ['ON', false], ['oN', false], ['on', false], ['o1n', true]];
      let last = 'on';
      for (const [verify, turns] of steps) {
        const before = new Map(readers.map((name) => [name, ran(name)]));
        const at = `proxy_ssl_verify ${verify} (after ${last})`;
        const got = await reopened(edited, dir, file, text(verify), at);
        // The CA file is an error while nginx reads it, in any case of `on`.
        const ca = got.find((f) => f.code === 'tls.file-not-found' && f.message.includes('missing-ca.crt'));
        assert.equal(ca?.severity, verify.toLowerCase() === 'on' ? 'error' : 'warning', `the CA file at ${at}`);
        // upstream-tls and certificate-files (the CA's statement, judged again) run where the
        // verification turns; none of the readers runs where it does not.
        for (const name of readers) {
          if (!turns) assert.equal(ran(name), before.get(name), `${name} reused at ${at}`);
        }
        if (turns) for (const name of ['upstream-tls', 'certificate-files']) assert.equal(ran(name), (before.get(name) ?? 0) + 1, `${name} ran at ${at}`);
        last = verify;
      }
    } finally {
      removeDir(dir);
    }
  });

  it('judges again only the upstream CA and CRL statements while proxy_ssl_verify is typed at the http level, and the stapling file while ssl_stapling is', async () => {
    const dir = makeTempDir('argument-reuse-verify-readers');
    try {
      writeServerPair(dir);
      // Server A's certificate is missing (a certificate-files finding no verify setting
      // changes); the first location takes proxy_ssl_verify from the http level, the second sets
      // its own; each names a missing CA file and CRL, which nginx opens only when it verifies.
      const text = (verify: string, stapling: string): string => [
        'events {}',
        'http {',
        `    proxy_ssl_verify ${verify};`,
        `    ssl_stapling ${stapling};`,
        '    server {\n        listen 443 ssl;\n        ssl_certificate missing.crt;\n        ssl_certificate_key server.key;\n        ssl_stapling_file missing.resp;\n    }',
        '    server {',
        '        listen 8443 ssl;',
        '        ssl_certificate server.crt;',
        '        ssl_certificate_key server.key;',
        '        location / {\n            proxy_pass https://b.example.test;\n            proxy_ssl_trusted_certificate missing-ca.crt;\n            proxy_ssl_crl missing.crl;\n        }',
        '        location /own {\n            proxy_pass https://c.example.test;\n            proxy_ssl_verify off;\n            proxy_ssl_trusted_certificate own-ca.crt;\n        }',
        '    }',
        '}',
        '',
      ].join('\n');
      const file = path.join(dir, 'nginx.conf');
      const { counted, edited } = await savedAndOpened(dir, file, text('on', 'on'));
      const severityOf = (found: readonly Finding[], name: string): string | undefined => found.find((f) => f.code === 'tls.file-not-found' && f.message.includes(name))?.severity;
      const steps: [string, string][] = [['o', 'on'], ['of', 'on'], ['off', 'on'], ['on', 'on'], ['on', 'of'], ['on', 'off'], ['on', 'on']];
      let lastVerify = 'on';
      for (const [verify, stapling] of steps) {
        const before = new Map(counted.runs);
        const narrowed = counted.narrowed.get('certificate-files') ?? 0;
        // The family reads the verify setting as on or not (RuleFamily.argumentsReadAsSwitch):
        // it judges the CA and CRL statements again only where that turns, or where ssl_stapling changed.
        const judged = (verify === 'on') !== (lastVerify === 'on') || verify === lastVerify;
        lastVerify = verify;
        const at = `proxy_ssl_verify ${verify}, ssl_stapling ${stapling}`;
        const got = await reopened(edited, dir, file, text(verify, stapling), at);
        // Read (an error when missing) only while the setting is on; a warning otherwise.
        for (const name of ['missing-ca.crt', 'missing.crl']) assert.equal(severityOf(got, name), verify === 'on' ? 'error' : 'warning', `${name} at ${at}`);
        assert.equal(severityOf(got, 'own-ca.crt'), 'warning', `the location's own verify at ${at}`);
        assert.equal(severityOf(got, 'missing.resp'), stapling === 'on' ? 'error' : 'warning', `the stapling file at ${at}`);
        assert.equal(severityOf(got, 'missing.crt'), 'error', `the server's certificate at ${at}`);
        assert.equal(counted.runs.get('certificate-files'), before.get('certificate-files'), `certificate-files not run over the file at ${at}`);
        assert.equal(counted.narrowed.get('certificate-files'), narrowed + (judged ? 1 : 0), `certificate-files judged the statements of the edited setting again at ${at}: ${judged}`);
      }
    } finally {
      removeDir(dir);
    }
  });
  it('judges again only the edited block and the blocks inheriting its headers from there while a header line is typed into', async () => {
    const dir = makeTempDir('argument-reuse-inherited-headers');
    try {
      fs.mkdirSync(path.join(dir, 'snippets'));
      fs.writeFileSync(path.join(dir, 'snippets', 'headers.conf'), 'proxy_set_header X-Snippet 1;\n');
      // Included by both servers: its location inherits from the first server in one, from http in the other.
      fs.writeFileSync(path.join(dir, 'snippets', 'shared.conf'), 'location /shared {\n    proxy_set_header X-Shared 1;\n    proxy_pass http://c;\n}\n');
      const text = (httpLine: string, serverLine: string, locationLine: string, shared: boolean): string => [
        'events {}',
        'http {',
        `    proxy_set_header ${httpLine};`,
        '    add_header X-Frame-Options DENY;',
        '    server {',
        '        listen 8080;',
        `        proxy_set_header ${serverLine};`,
        '        location / {\n            proxy_set_header X-Request-Id 1;\n            proxy_pass http://a;\n        }',
        '        location /plain {\n            proxy_pass http://a;\n        }',
        ...(shared ? ['        include snippets/shared.conf;'] : []),
        '    }',
        '    server {',
        '        listen 8081;',
        '        location / {',
        `            proxy_set_header ${locationLine};`,
        '            proxy_pass http://b;',
        '            location /inner {\n                proxy_set_header X-Inner 1;\n                proxy_pass http://b;\n            }',
        '        }',
        '        location /if {\n            if ($arg_x) {\n                add_header X-If 1;\n            }\n            proxy_pass http://b;\n        }',
        '        location /snip {\n            include snippets/headers.conf;\n            proxy_pass http://b;\n        }',
        ...(shared ? ['        include snippets/shared.conf;'] : []),
        '    }',
        '}',
        '',
      ].join('\n');
      const file = path.join(dir, 'nginx.conf');
      const lineOf = (content: string, node: ConfigNode): string => `${node.directive.name}@${content.slice(0, node.directive.start).split('\n').length}`;
      for (const shared of [false, true]) {
        const start = text('X-Forwarded-Proto https', 'X-Client-Verify on', 'X-Real-IP 1', shared);
        const { counted, edited, found } = await savedAndOpened(dir, file, start);
        assert.ok(found.filter((f) => f.code === 'proxy.header-inheritance-drop').length >= 5, 'drops in the servers, the locations and the if block');
        // [http line, first server's line, second server's location's line, the blocks judged again (block@line), or undefined: the family runs over the edited block's body]
        const steps: [string, string, string, string[] | undefined][] = [
          ['X-Forwarded-Proto https1', 'X-Client-Verify on', 'X-Real-IP 1', ['http@2', 'server@5', 'location@18', 'location@32']],
          ['X-Forwarded-Proto https12', 'X-Client-Verify on', 'X-Real-IP 1', ['http@2', 'server@5', 'location@18', 'location@32']],
          // A name the first server writes itself: it no longer drops it.
          ['X-Client-Verify https12', 'X-Client-Verify on', 'X-Real-IP 1', ['http@2', 'server@5', 'location@18', 'location@32']],
          ['X-Client-Verify https 12', 'X-Client-Verify on', 'X-Real-IP 1', ['http@2', 'server@5', 'location@18', 'location@32']],
          ['X-Forwarded-Proto https', 'X-Client-Verify on', 'X-Real-IP 1', ['http@2', 'server@5', 'location@18', 'location@32']],
          // In the first server: the location that inherits from it; in the second's location: the nested one.
          ['X-Forwarded-Proto https', 'X-Client-Verify onn', 'X-Real-IP 1', ['server@5', 'location@8']],
          ['X-Forwarded-Proto https', 'X-Request-Id on', 'X-Real-IP 1', ['server@5', 'location@8']],
          ['X-Forwarded-Proto https', 'X-Client-Verify on', 'X-Real-IP 1', ['server@5', 'location@8']],
          ['X-Forwarded-Proto https', 'X-Client-Verify on', 'X-Real-IP 12', ['location@18', 'location@21']],
          ['X-Forwarded-Proto https', 'X-Client-Verify on', 'X-Inner 12', ['location@18', 'location@21']],
          ['X-Forwarded-Proto https', 'X-Client-Verify on', 'X-Real-IP 1', ['location@18', 'location@21']],
        ];
        for (const [httpLine, serverLine, locationLine, judged] of steps) {
          const content = text(httpLine, serverLine, locationLine, shared);
          const runs = counted.onBlocks.get('header-inheritance')?.length ?? 0;
          const whole = counted.runs.get('header-inheritance');
          const at = `${shared ? 'with' : 'without'} the shared snippet: ${httpLine} / ${serverLine} / ${locationLine}`;
          await reopened(edited, dir, file, content, at);
          const ran = counted.onBlocks.get('header-inheritance') ?? [];
          // The shared location stands in a file that is not checked (its findings belong to it): not judged here.
          assert.equal(counted.runs.get('header-inheritance'), whole, `not run over the tree again, ${at}`);
          assert.equal(ran.length, runs + 1, `judged some blocks again, ${at}`);
          const expected = shared ? judged?.map((b) => b.replace(/@(\d+)/, (_, n) => `@${Number(n) + (Number(n) >= 15 ? 1 : 0)}`)) : judged;
          assert.deepEqual(ran.at(-1)?.map((b) => lineOf(content, b)), expected, `the blocks judged again, ${at}`);
        }
        if (!shared) {
          // The http level's add_header: the if block that writes its own inherits it from there.
          const base = text('X-Forwarded-Proto https', 'X-Client-Verify on', 'X-Real-IP 1', false);
          for (const value of ['DENY1', 'DENY']) {
            const runs = counted.onBlocks.get('header-inheritance')?.length ?? 0;
            const content = base.replace('X-Frame-Options DENY;', `X-Frame-Options ${value};`);
            await reopened(edited, dir, file, content, `add_header typed into: ${value}`);
            assert.equal(counted.onBlocks.get('header-inheritance')?.length, runs + 1, `judged some blocks again, add_header ${value}`);
            assert.deepEqual(counted.onBlocks.get('header-inheritance')?.at(-1)?.map((b) => lineOf(content, b)), ['http@2', 'if@27'], `add_header ${value}`);
          }
          // A header line of a file included once: the block that includes it is judged again.
          const snippet = path.join(dir, 'snippets', 'headers.conf');
          for (const value of ['12', '1']) {
            const runs = counted.onBlocks.get('header-inheritance')?.length ?? 0;
            fs.writeFileSync(snippet, `proxy_set_header X-Snippet ${value};\n`);
            edited.openDocument(snippet, `proxy_set_header X-Snippet ${value};\n`);
            assert.deepEqual(await findingsOf(edited, file), await freshFindings(dir, file, base), `the snippet typed into: ${value}`);
            assert.equal(counted.onBlocks.get('header-inheritance')?.length, runs + 1, `judged some blocks again, snippet ${value}`);
            assert.deepEqual(counted.onBlocks.get('header-inheritance')?.at(-1)?.map((b) => lineOf(base, b)), ['location@32'], `snippet ${value}`);
          }
          edited.closeDocument?.(snippet);
        }
        edited.closeDocument?.(file);
      }
    } finally {
      removeDir(dir);
    }
  });
});
