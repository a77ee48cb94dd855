/**
 * The formatting options that add line breaks (nginxMtls.format.splitStatements and
 * expandOneLineBlocks), on everything at hand: every corpus file and the bundled examples keep
 * their token stream and format to a fixed point, and configs full of one-line blocks and
 * statements pass real `nginx -t` before and after.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { FormattingOptions } from 'vscode-languageserver-types';
import { formatEdits, type FormatStyle } from '../../server/src/service/formatting';
import { corpusAvailable, CORPUS_DIR, loadCorpus } from '../corpus/corpusData';
import { mainConfig, nginxSkip, nginxTest } from '../service/authoringHelpers';
import { tokenKey } from '../service/formatTokenKey';
import { makeTempDir, removeDir, REPO_ROOT } from './nginxHarness';

const STYLES: FormatStyle[] = [
  { splitStatements: true },
  { expandOneLineBlocks: true },
  { splitStatements: true, expandOneLineBlocks: true },
];
const OPTIONS: FormattingOptions[] = [{ tabSize: 4, insertSpaces: true }, { tabSize: 2, insertSpaces: false }];

function format(text: string, options: FormattingOptions, style: FormatStyle): string {
  let out = text;
  for (const edit of [...formatEdits(text, options, style)].reverse()) out = out.slice(0, edit.start) + edit.newText + out.slice(edit.end);
  return out;
}

/** What goes wrong when `text` is formatted with every style and option, as "why" lines. */
function problems(name: string, text: string): string[] {
  const found: string[] = [];
  const tokens = JSON.stringify(tokenKey(text));
  for (const style of STYLES) {
    for (const options of OPTIONS) {
      const once = format(text, options, style);
      const label = `${name} ${JSON.stringify(style)} ${options.insertSpaces ? 'spaces' : 'tabs'}`;
      if (JSON.stringify(tokenKey(once)) !== tokens) found.push(`${label}: tokens changed`);
      else if (format(once, options, style) !== once) found.push(`${label}: not idempotent`);
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('formatting options: token stream and fixed point', () => {
  it('on every corpus file', { skip: corpusAvailable() ? false : 'corpus not available' }, () => {
    const files = [...new Set(loadCorpus().records.map((r) => r.file))];
    const found = files.flatMap((file) => problems(file, readFileSync(path.join(CORPUS_DIR, file), 'utf8')));
    assert.deepEqual(found, []);
    assert.ok(files.length > 1000, `${files.length} corpus files`);
  });

  it('on the bundled examples', () => {
    const files = filesUnder(path.join(REPO_ROOT, 'examples/etc/nginx')).filter((f) => !f.endsWith('.md') && !f.endsWith('.gitignore'));
    assert.ok(files.length >= 3);
    assert.deepEqual(files.flatMap((file) => problems(file, readFileSync(file, 'utf8'))), []);
  });
});

describe('formatting options: real nginx -t before and after', { skip: nginxSkip }, () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  const bodies: Record<string, string> = {
    'one-line blocks and statements': [
      '    server { listen 127.0.0.1:18080; server_name a.test; location / { return 204; } location = /x { add_header X-A "a; b" always; return 200 "{ok}"; } }',
      '    map $uri $mapped { default 0; ~^/a 1; }',
      '    server { listen 127.0.0.1:18081; if ($mapped) { return 403; } location /b { limit_except GET { deny all; } } }',
    ].join('\n'),
    'aligned log_format and split statements': [
      "  log_format  main  '$remote_addr - $remote_user [$time_local] '",
      "                    '\"$request\" $status $body_bytes_sent';",
      '    gzip on; gzip_types text/plain; types { text/plain txt; }',
      '    server { listen 127.0.0.1:18082; location / { root /tmp; } }',
    ].join('\n'),
  };

  for (const [name, body] of Object.entries(bodies)) {
    it(name, () => {
      const dir = makeTempDir('format-options');
      dirs.push(dir);
      const conf = path.join(dir, 'nginx.conf');
      const original = mainConfig(dir, body);
      writeFileSync(conf, original);
      const before = nginxTest(conf);
      assert.ok(before.ok, before.output);
      const formatted = format(original, OPTIONS[0], STYLES[2]);
      assert.notEqual(formatted, original, 'the options changed something');
      writeFileSync(conf, formatted);
      const afterFormatting = nginxTest(conf);
      assert.ok(afterFormatting.ok, `${afterFormatting.output}\n${formatted}`);
    });
  }
});
