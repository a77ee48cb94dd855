// Checks snippets/nginx.snippets.json: every snippet expands (with its defaults) to a
// well-formed nginx fragment, follows the project's TLS conventions, and — when nginx is
// installed — passes `nginx -t` inside a minimal configuration.
import { test, describe, after } from 'node:test';
import { mainConfig } from '../service/authoringHelpers';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  expandSnippet,
  expandSnippetText,
  loadSnippets,
  prefixesOf,
  snippetContext,
  SnippetDefinition
} from './expandSnippet';

const ROOT = path.resolve(__dirname, '../../..');
const SNIPPETS_FILE = path.join(ROOT, 'snippets/nginx.snippets.json');
const NGINX = '/usr/sbin/nginx';

const snippets = loadSnippets(SNIPPETS_FILE);
const entries = Object.entries(snippets);

function byPrefix(prefix: string): [string, SnippetDefinition] {
  const found = entries.find(([, d]) => prefixesOf(d).includes(prefix));
  assert.ok(found, `no snippet with prefix ${prefix}`);
  return found;
}

// ---------------------------------------------------------------------------
// Tiny nginx lexer, enough for structural checks (quotes, comments, braces).

interface Tok {
  kind: 'word' | 'string' | ';' | '{' | '}';
  text: string;
  line: number;
}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let word = '';
  let wordLine = 1;
  const flush = () => {
    if (word) toks.push({ kind: 'word', text: word, line: wordLine });
    word = '';
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      flush();
      i++;
      continue;
    }
    if (c === ';' || c === '{' || c === '}') {
      flush();
      toks.push({ kind: c, text: c, line });
      i++;
      continue;
    }
    if (!word && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (!word && (c === '"' || c === "'")) {
      const start = i;
      const startLine = line;
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') i++;
        if (src[i] === '\n') line++;
        i++;
      }
      assert.ok(i < src.length, `unterminated string starting at line ${startLine}`);
      i++;
      toks.push({ kind: 'string', text: src.slice(start, i), line: startLine });
      continue;
    }
    if (!word) wordLine = line;
    word += c;
    i++;
  }
  flush();
  return toks;
}

function checkBalancedBraces(text: string): void {
  let depth = 0;
  for (const t of lex(text)) {
    if (t.kind === '{') depth++;
    if (t.kind === '}') {
      depth--;
      assert.ok(depth >= 0, `unbalanced "}" at line ${t.line}:\n${text}`);
    }
  }
  assert.equal(depth, 0, `unclosed "{":\n${text}`);
}

/** Every statement is terminated: a run of words must be followed by ';' or '{'. */
function checkStatementsTerminated(text: string): void {
  let pending = null as Tok | null;
  for (const t of lex(text)) {
    if (t.kind === 'word' || t.kind === 'string') {
      pending = pending ?? t;
    } else if (t.kind === '}') {
      assert.equal(pending, null, `statement at line ${pending?.line} is not terminated by ";":\n${text}`);
    } else {
      pending = null;
    }
  }
  assert.equal(pending, null, `trailing statement at line ${pending?.line} is not terminated:\n${text}`);
}

/** Line-based variant of the same rule, as a second opinion on the layout. */
function checkLineEndings(text: string): void {
  text.split('\n').forEach((raw, n) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    assert.match(line, /[;{}]$/, `line ${n + 1} does not end with ";", "{" or "}": ${JSON.stringify(raw)}`);
  });
}

/** Contents (token texts) of every `if (...) { ... }` block. */
function ifBlockBodies(text: string): string[][] {
  const toks = lex(text);
  const bodies: string[][] = [];
  for (let i = 0; i < toks.length; i++) {
    const starts = toks[i].kind === 'word' && toks[i].text === 'if' && (i === 0 || toks[i - 1].kind !== 'word');
    if (!starts) continue;
    let j = i;
    while (j < toks.length && toks[j].kind !== '{') j++;
    let depth = 0;
    const body: string[] = [];
    for (j = j + 1, depth = 1; j < toks.length && depth > 0; j++) {
      if (toks[j].kind === '{') depth++;
      if (toks[j].kind === '}') depth--;
      if (depth > 0) body.push(toks[j].text);
    }
    bodies.push(body);
  }
  return bodies;
}

// ---------------------------------------------------------------------------

describe('expandSnippet', () => {
  test('placeholders, tabstops, choices, escapes and nesting', () => {
    assert.equal(expandSnippetText('a ${1:one} b $2 c $0'), 'a one b  c ');
    assert.equal(expandSnippetText('x ${1|on,off|};'), 'x on;');
    assert.equal(expandSnippetText('${1|a\\,b,c|}'), 'a,b');
    assert.equal(expandSnippetText('set \\$x \\${y\\};'), 'set $x ${y};');
    assert.equal(expandSnippetText('${1:outer ${2:inner ${3:deep}} end}'), 'outer inner deep end');
    assert.equal(expandSnippetText('${1:host} and $1'), 'host and host', 'bare tabstop mirrors the placeholder');
    assert.equal(expandSnippetText('$1 then ${1:later}'), 'later then later');
    assert.equal(expandSnippetText('${2:x $1}'), 'x ');
    assert.equal(expandSnippetText(['line1', '\tline2']), 'line1\n\tline2');
    assert.equal(expandSnippetText('price: 5$ and \\ backslash'), 'price: 5$ and \\ backslash');
    assert.equal(expandSnippetText('${1:a\\}b}'), 'a}b');
  });

  test('reports tab stop order and snippet variables', () => {
    const r = expandSnippet('${2:b} ${1:a} $2 $0 $TM_FILENAME ${CLIPBOARD:clip}');
    assert.deepEqual(r.tabstopOrder, [2, 1, 0]);
    assert.deepEqual(r.variables, ['TM_FILENAME', 'CLIPBOARD']);
    assert.equal(r.text, 'b a b  TM_FILENAME clip');
  });

  test('rejects malformed bodies', () => {
    assert.throws(() => expandSnippet('${1:unterminated'));
    assert.throws(() => expandSnippet('${1|a,b'));
    assert.throws(() => expandSnippet('${TM_FILENAME/(.*)/$1/}'));
  });
});

describe('snippets/nginx.snippets.json', () => {
  test('has the expected prefixes, each once', () => {
    const all = entries.flatMap(([, d]) => prefixesOf(d));
    for (const p of [
      'mtls-server',
      'mtls-proxy',
      'mtls-proxy-location',
      'upstream-tls',
      'tls-server',
      'ocsp-stapling',
      'server',
      'location',
      'upstream',
      'map',
      'if'
    ]) {
      assert.equal(all.filter((x) => x === p).length, 1, `prefix ${p}`);
    }
  });

  for (const [name, def] of entries) {
    test(`"${name}" (${prefixesOf(def).join(', ')}) expands to a well-formed fragment`, () => {
      assert.equal(def.scope, 'nginx');
      assert.ok(def.description && def.description.length > 10, 'needs a description');
      const r = expandSnippet(def.body);
      assert.deepEqual(r.variables, [], `unescaped "$name" in the body (write nginx variables as \\\\$name): ${r.variables}`);
      const numbered = r.tabstopOrder.filter((n) => n !== 0);
      assert.deepEqual(
        numbered,
        numbered.map((_, i) => i + 1),
        `tab stops must first appear in order 1..n, got ${r.tabstopOrder}`
      );
      checkBalancedBraces(r.text);
      checkStatementsTerminated(r.text);
      checkLineEndings(r.text);
      assert.doesNotMatch(r.text, /\$ssl_client_cert\b/, 'uses deprecated $ssl_client_cert');
      for (const body of ifBlockBodies(r.text)) {
        assert.ok(!body.includes('proxy_set_header'), 'proxy_set_header inside if');
      }
    });
  }

  test('mtls-server carries the full mutual-TLS setup', () => {
    const text = expandSnippetText(byPrefix('mtls-server')[1].body);
    for (const needle of [
      'listen 443 ssl;',
      'server_name ',
      'ssl_certificate ',
      'ssl_certificate_key ',
      'ssl_client_certificate ',
      'ssl_verify_client on;',
      'ssl_verify_depth 2;',
      'ssl_protocols TLSv1.2 TLSv1.3;',
      'proxy_pass ',
      'proxy_set_header X-Client-Cert $ssl_client_escaped_cert;',
      'proxy_set_header X-Client-Verify $ssl_client_verify;',
      'proxy_set_header X-Client-DN $ssl_client_s_dn;'
    ]) {
      assert.ok(text.includes(needle), `missing ${JSON.stringify(needle)} in:\n${text}`);
    }
  });

  for (const prefix of ['mtls-proxy', 'mtls-proxy-location', 'upstream-tls']) {
    test(`${prefix} presents a client certificate and verifies the upstream`, () => {
      const text = expandSnippetText(byPrefix(prefix)[1].body);
      assert.match(text, /proxy_pass https:\/\/\S+;/);
      for (const needle of [
        'proxy_ssl_certificate ',
        'proxy_ssl_certificate_key ',
        'proxy_ssl_trusted_certificate ',
        'proxy_ssl_verify on;',
        'proxy_ssl_verify_depth 2;',
        'proxy_ssl_name ',
        'proxy_ssl_server_name on;',
        'proxy_ssl_protocols TLSv1.2 TLSv1.3;'
      ]) {
        assert.ok(text.includes(needle), `missing ${JSON.stringify(needle)} in:\n${text}`);
      }
      assert.match(text, /proxy_ssl_name [^\s;$]+;/, 'proxy_ssl_name needs a concrete default');
    });
  }

  test('upstream-tls defines the upstream it proxies to', () => {
    const text = expandSnippetText(byPrefix('upstream-tls')[1].body);
    const name = /upstream\s+(\S+)\s*\{/.exec(text)?.[1];
    assert.ok(name, text);
    assert.ok(text.includes(`proxy_pass https://${name};`), text);
  });

  test('tls-server is hardened', () => {
    const text = expandSnippetText(byPrefix('tls-server')[1].body);
    for (const needle of ['ssl_protocols TLSv1.2 TLSv1.3;', 'ssl_ciphers ', 'ssl_session_cache ', 'ssl_session_timeout ', 'ssl_session_tickets off;']) {
      assert.ok(text.includes(needle), `missing ${JSON.stringify(needle)}`);
    }
  });

  test('ocsp-stapling enables and verifies stapling', () => {
    const text = expandSnippetText(byPrefix('ocsp-stapling')[1].body);
    for (const needle of ['ssl_stapling on;', 'ssl_stapling_verify on;', 'ssl_trusted_certificate ', 'resolver ']) {
      assert.ok(text.includes(needle), `missing ${JSON.stringify(needle)}`);
    }
  });
});

// ---------------------------------------------------------------------------
// nginx -t over every expanded snippet.

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const nginxSkip = !fs.existsSync(NGINX)
  ? `${NGINX} not found (install nginx to run the nginx -t checks)`
  : !which('openssl')
    ? 'openssl not found (needed to generate test certificates)'
    : false;
if (nginxSkip) {
  console.log(`# skipping nginx -t snippet checks: ${nginxSkip}`);
}

describe('expanded snippets pass nginx -t', { skip: nginxSkip }, () => {
  let certDir = '';
  after(() => {
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  });

  const setup = () => {
    if (certDir) return;
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-snippet-certs-'));
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=x', '-days', '2',
        '-keyout', path.join(certDir, 'test.key'), '-out', path.join(certDir, 'test.crt')],
      { encoding: 'utf8' }
    );
    assert.equal(r.status, 0, `openssl failed:\n${r.stderr}`);
  };

  for (const [name, def] of entries) {
    test(`"${name}" (${prefixesOf(def).join(', ')})`, () => {
      setup();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-snippet-'));
      try {
        const sslDir = path.join(dir, 'ssl');
        fs.mkdirSync(sslDir);
        let text = expandSnippetText(def.body);
        // Certificate/key placeholders -> generated files.
        text = text.replace(/\/etc\/nginx\/ssl\/([A-Za-z0-9._-]+)/g, (_m, file: string) => {
          const isKey = /key/i.test(file);
          fs.copyFileSync(path.join(certDir, isKey ? 'test.key' : 'test.crt'), path.join(sslDir, file));
          return path.join(sslDir, file);
        });
        // Upstream host names must resolve at config-test time.
        text = text.replace(/^(\s*(?:proxy_pass|server)\s.*)$/gm, (line) =>
          line.replace(/\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.example\.com\b/g, '127.0.0.1')
        );
        const crt = path.join(certDir, 'test.crt');
        const key = path.join(certDir, 'test.key');
        const inner =
          snippetContext(text) === 'http'
            ? text
            : [
                'server {',
                '    listen 127.0.0.1:18443 ssl;',
                `    ssl_certificate ${crt};`,
                `    ssl_certificate_key ${key};`,
                text,
                '}'
              ].join('\n');
        const conf = mainConfig(dir, inner);
        const confPath = path.join(dir, 'nginx.conf');
        fs.writeFileSync(confPath, conf);
        const r = spawnSync(NGINX, ['-t', '-p', dir, '-c', confPath], { encoding: 'utf8', timeout: 60_000 });
        const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
        assert.equal(r.status, 0, `nginx -t failed for ${name}:\n${output}\n--- nginx.conf ---\n${conf}`);
        assert.match(output, /test is successful/, output);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
