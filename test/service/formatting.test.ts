import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver-types';
import { parseFile } from '../../server/src/model/parsedFile';
import { FormattingRefusedError, MAX_INDENT_DEPTH, MAX_TAB_SIZE, formatDocument, formatRange } from '../../server/src/service/formatting';
import { sharedDataPath } from '../sharedData';
import { tokenKey } from './formatTokenKey';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { MemoryFileSystem } from '../fuzz/memoryFileSystem';

const SPACES: FormattingOptions = { tabSize: 4, insertSpaces: true };

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.conf', 'nginx', 1, text), edits);
}

function format(text: string, options: FormattingOptions = SPACES): string {
  return apply(text, formatDocument(parseFile('/x.conf', text), options));
}

function assertSafe(text: string): string {
  const once = format(text);
  assert.deepEqual(tokenKey(once), tokenKey(text), 'tokens changed');
  assert.equal(format(once), once, 'not idempotent');
  return once;
}

describe('formatting', () => {
  it('re-indents by block depth, collapses spaces and trims trailing whitespace', () => {
    const text = 'http {\nserver   {\n      listen   443  ssl ;   \n  server_name  example.com;\n}\n}\n';
    assert.equal(assertSafe(text), 'http {\n    server {\n        listen 443 ssl;\n        server_name example.com;\n    }\n}\n');
  });

  it('indents with tabs when asked, and keeps CRLF line ends', () => {
    assert.equal(format('http {\r\n  server {\r\n  }\r\n}\r\n', { tabSize: 4, insertSpaces: false }), 'http {\r\n\tserver {\r\n\t}\r\n}\r\n');
  });

  it('returns LSP TextEdits only for whitespace that changes', () => {
    const text = 'http {\n    listen  80;\n}\n';
    const edits = formatDocument(parseFile('/x.conf', text), SPACES);
    assert.deepEqual(edits, [{ range: { start: { line: 1, character: 10 }, end: { line: 1, character: 12 } }, newText: ' ' }]);
    assert.deepEqual(formatDocument(parseFile('/x.conf', 'http {\n    listen 80;\n}\n'), SPACES), []);
  });

  it('keeps quoted log_format JSON byte-identical (raynigon #9, nginxbeautifier #15)', () => {
    const text = "http {\nlog_format json escape=json '{\"time\": \"$time_iso8601\",   \"cn\": \"$ssl_client_s_dn\"}';\n}\n";
    const out = assertSafe(text);
    assert.ok(out.includes("'{\"time\": \"$time_iso8601\",   \"cn\": \"$ssl_client_s_dn\"}'"));
  });

  it('keeps regexes with quantifiers (raynigon #4, ahmadalli #26)', () => {
    const text = 'server {\n  location ~ "^/api/(\\d{3})/x$" {\n  return 200;\n  }\n  rewrite "^/(\\d{3})$"   /code/$1 last;\n}\n';
    const out = assertSafe(text);
    assert.ok(out.includes('location ~ "^/api/(\\d{3})/x$" {'));
    assert.ok(out.includes('rewrite "^/(\\d{3})$" /code/$1 last;'));
  });

  it('keeps ${var} text (ahmadalli #4, #28)', () => {
    const text = 'server {\nserver_name ${server_name}.example.com;\n  return 200 "${scheme}://${host}  ";\n}\n';
    const out = assertSafe(text);
    assert.ok(out.includes('    server_name ${server_name}.example.com;'));
    assert.ok(out.includes('"${scheme}://${host}  "'));
  });

  it('keeps a comment after a closing brace where it is (ahmadalli #2, raynigon #207)', () => {
    const text = 'http {\n  server {\n  }  # end of server\n}   # end of http   \n';
    assert.equal(assertSafe(text), 'http {\n    server {\n    }  # end of server\n}   # end of http\n');
  });

  it('indents multi-line log_format continuation lines one level deeper when they were not aligned (slomkowski #9)', () => {
    const text = "http {\n  log_format main '$remote_addr - $remote_user'\n              '\"$request\" $status'\n     '$ssl_client_verify';\n}\n";
    assert.equal(assertSafe(text), "http {\n    log_format main '$remote_addr - $remote_user'\n        '\"$request\" $status'\n        '$ssl_client_verify';\n}\n");
  });

  it('keeps log_format continuation lines aligned under the word they were aligned under, when the statement moves', () => {
    const text = "http {\nlog_format  main  '$remote_addr - $remote_user'\n                  '\"$request\" $status'\n     '$ssl_client_verify';\n}\n";
    const aligned = "http {\n    log_format main '$remote_addr - $remote_user'\n                    '\"$request\" $status'\n                    '$ssl_client_verify';\n}\n";
    assert.equal(assertSafe(text), aligned);
    // Tabs indent, spaces align.
    const tabbed = apply(text, formatDocument(parseFile('/x.conf', text), { tabSize: 4, insertSpaces: false }));
    assert.equal(tabbed, "http {\n\tlog_format main '$remote_addr - $remote_user'\n\t                '\"$request\" $status'\n\t                '$ssl_client_verify';\n}\n");
    assert.equal(format(tabbed, { tabSize: 4, insertSpaces: false }), tabbed);
  });

  it('never adds a semicolon after a one-line block (slomkowski #16)', () => {
    const text = 'location / { return 204; }\n';
    assert.equal(assertSafe(text), text);
  });

  it('leaves Lua code byte-identical and indents the closing brace of its block like any other', () => {
    const code = '\n      local s = "{ not a block }"   \n   -- }  comment\n        ngx.say(s)\n';
    const text = `http {\nserver {\n  location / {\n    content_by_lua_block {${code}}\n  }\n}\n}\n`;
    const out = assertSafe(text);
    assert.ok(out.includes(`            content_by_lua_block {${code}            }\n`), out);
    // A body whose last line is code keeps its brace where it is.
    const inline = 'location / {\n    content_by_lua_block {\n  ngx.say(1) }\n}\n';
    assert.equal(assertSafe(inline), inline);
  });

  it('keeps the inside of multi-line strings and the columns of map bodies', () => {
    const text = 'http {\nmap $ssl_client_verify $cert_ok {\n    default     0;\n    SUCCESS     1;\n}\nreturn 200 "line one   \n   line two";\n}\n';
    const out = assertSafe(text);
    assert.ok(out.includes('        default     0;\n        SUCCESS     1;\n'));
    assert.ok(out.includes('"line one   \n   line two"'));
  });

  it('keeps at most two blank lines and drops leading and trailing blank lines', () => {
    assert.equal(assertSafe('\n\na;\n\n\n\n\nb;\n\n\n'), 'a;\n\n\nb;\n');
  });

  it('formats only the lines of a range', () => {
    const text = 'http {\nserver {\nlisten  80;\n}\n}\n';
    const file = parseFile('/x.conf', text);
    const range: Range = { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } };
    assert.equal(apply(text, formatRange(file, range, SPACES)), 'http {\nserver {\n        listen 80;\n}\n}\n');
  });

  it('clamps the tab size: 10^7 indents like the widest allowed, a non-number like 4', () => {
    const text = 'http {\nserver {\n}\n}\n';
    const widest = ' '.repeat(MAX_TAB_SIZE);
    assert.equal(format(text, { tabSize: 1e7, insertSpaces: true }), `http {\n${widest}server {\n${widest}}\n}\n`);
    assert.equal(format(text, { tabSize: Number.NaN, insertSpaces: true }), 'http {\n    server {\n    }\n}\n');
    assert.equal(format(text, { tabSize: -3, insertSpaces: true }), 'http {\nserver {\n}\n}\n');
  });

  it('stops indenting deeper past the depth limit, so output grows linearly with nesting', () => {
    const depth = MAX_INDENT_DEPTH + 20;
    const text = 'location / {\n'.repeat(depth) + '}\n'.repeat(depth);
    const formatted = assertSafe(text);
    const widest = Math.max(...formatted.split('\n').map((line) => line.length - line.trimStart().length));
    assert.equal(widest, 4 * MAX_INDENT_DEPTH);
  });

  it('refuses, with an error that says why, formatting whose edits would pass the output budget', () => {
    // 100,000 nested blocks: even clamped, the indentation is 20 times the document.
    const depth = 100_000;
    const text = 'location / {\n'.repeat(depth) + '}\n'.repeat(depth);
    const file = parseFile('/x.conf', text);
    assert.throws(() => formatDocument(file, SPACES), (error: unknown) => error instanceof FormattingRefusedError && /nothing was changed/.test(error.message));
  });

  it('is round-trip safe and idempotent on the whole corpus', () => {
    const corpus = sharedDataPath('corpus', process.env.NGINX_CORPUS_DIR);
    const index = path.join(corpus, 'nginx-t.json');
    if (!existsSync(index)) return;
    const files = (JSON.parse(readFileSync(index, 'utf8')) as { results: { file: string }[] }).results.map((r) => r.file);
    let good = 0;
    const failures: string[] = [];
    for (const relative of files) {
      const text = readFileSync(path.join(corpus, relative), 'utf8');
      for (const options of [SPACES, { tabSize: 2, insertSpaces: false }]) {
        const once = format(text, options);
        const sameTokens = JSON.stringify(tokenKey(once)) === JSON.stringify(tokenKey(text));
        const idempotent = format(once, options) === once;
        if (!sameTokens || !idempotent) failures.push(`${relative}: ${sameTokens ? 'not idempotent' : 'tokens changed'}`);
      }
      if (!failures.some((f) => f.startsWith(relative + ':'))) good++;
    }
    console.log(`formatted ${good}/${files.length} corpus files token-identical and idempotent`);
    assert.deepEqual(failures, []);
    assert.ok(files.length > 1000);
  });
});

describe('formatting options that break lines', () => {
  const style = (splitStatements: boolean, expandOneLineBlocks: boolean) => ({ splitStatements, expandOneLineBlocks });
  const formatWith = (text: string, s: ReturnType<typeof style>, options: FormattingOptions = SPACES): string =>
    apply(text, formatDocument(parseFile('/x.conf', text), options, s));
  const assertSafeWith = (text: string, s: ReturnType<typeof style>): string => {
    const once = formatWith(text, s);
    assert.deepEqual(tokenKey(once), tokenKey(text), 'tokens changed');
    assert.equal(formatWith(once, s), once, 'not idempotent');
    return once;
  };

  it('change nothing unless asked', () => {
    const text = 'server { listen 80; return 204; }\n';
    assert.equal(formatWith(text, style(false, false)), text);
  });

  it('splitStatements puts each statement of a line on its own line, comments stay where they are', () => {
    const text = 'http {\n    gzip on; gzip_types text/plain;  # compress\n    a;b;\n}\n';
    assert.equal(assertSafeWith(text, style(true, false)), 'http {\n    gzip on;\n    gzip_types text/plain;  # compress\n    a;\n    b;\n}\n');
  });

  it('expandOneLineBlocks spreads a one-line block, its statements included, and leaves {} alone', () => {
    const text = 'events {}\nhttp { server { listen 80; location / { return 204; } } }\n';
    assert.equal(assertSafeWith(text, style(false, true)),
      'events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            return 204;\n        }\n    }\n}\n');
  });

  it('expandOneLineBlocks leaves tables and one-line Lua blocks alone', () => {
    const text = 'map $a $b { default 0; x 1; }\ncontent_by_lua_block { ngx.say("}") }\n';
    assert.equal(assertSafeWith(text, style(true, true)), text);
  });

  it('both together on CRLF text', () => {
    const text = 'server { listen 80; }\r\n';
    assert.equal(assertSafeWith(text, style(true, true)), 'server {\r\n    listen 80;\r\n}\r\n');
  });
});

describe('formatting settings', () => {
  it('nginxMtls.format.* reach the formatter, nested as VS Code sends them or as dotted keys', async () => {
    const text = 'server { listen 80; }\n';
    const service = new NginxLanguageService({ fs: new MemoryFileSystem({ '/w/site.conf': text }) });
    const formatted = async (): Promise<string> => apply(text, await service.format('/w/site.conf', SPACES));
    assert.equal(await formatted(), text);
    service.configure({ format: { expandOneLineBlocks: true } });
    assert.equal(await formatted(), 'server {\n    listen 80;\n}\n');
    service.configure({ 'format.expandOneLineBlocks': true });
    assert.equal(await formatted(), 'server {\n    listen 80;\n}\n');
    service.configure({ format: { expandOneLineBlocks: 'yes' } });
    assert.equal(await formatted(), text);
  });
});
