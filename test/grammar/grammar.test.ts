// Runs the TextMate grammar tests for syntaxes/nginx.tmLanguage.json through the
// vscode-tmgrammar-test CLIs (scope assertions + snapshots), plus negative controls
// proving that a wrong expectation actually makes the CLIs fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Compiled to out/test/grammar/grammar.test.js -> three levels up is the repo root.
const ROOT = path.resolve(__dirname, '../../..');
const GRAMMAR = path.join(ROOT, 'syntaxes/nginx.tmLanguage.json');
const SRC_DIR = path.join(ROOT, 'test/grammar');
const SNAP_DIR = path.join(SRC_DIR, 'snapshots');
const UNIT_CLI = path.join(ROOT, 'node_modules/.bin/vscode-tmgrammar-test');
const SNAP_CLI = path.join(ROOT, 'node_modules/.bin/vscode-tmgrammar-snap');

interface CliResult {
  status: number | null;
  output: string;
}

function run(cli: string, args: string[]): CliResult {
  const r = spawnSync(cli, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' }
  });
  const output = `$ ${path.basename(cli)} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${String(r.error)}` : ''}`;
  return { status: r.status, output };
}

function listFiles(dir: string, suffix: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.join(dir, f));
}

const assertionFiles = listFiles(SRC_DIR, '.test.nginx');
const snapshotFiles = listFiles(SNAP_DIR, '.nginx');

function mkTemp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-grammar-test-'));
}

test('grammar file is valid JSON with the expected scope name', () => {
  const g = JSON.parse(fs.readFileSync(GRAMMAR, 'utf8'));
  assert.equal(g.scopeName, 'source.nginx');
  assert.ok(Array.isArray(g.patterns) && g.patterns.length > 0);
});

test('test fixtures exist', () => {
  assert.ok(fs.existsSync(UNIT_CLI), `missing ${UNIT_CLI}`);
  assert.ok(fs.existsSync(SNAP_CLI), `missing ${SNAP_CLI}`);
  assert.ok(assertionFiles.length >= 1, 'no *.test.nginx assertion files');
  assert.ok(snapshotFiles.length >= 1, 'no snapshot sources');
  for (const f of snapshotFiles) {
    assert.ok(fs.existsSync(`${f}.snap`), `snapshot ${f}.snap is not committed`);
  }
});

test('vscode-tmgrammar-test: scope assertions pass', () => {
  const r = run(UNIT_CLI, ['-g', GRAMMAR, ...assertionFiles]);
  assert.equal(r.status, 0, r.output);
  for (const f of assertionFiles) {
    assert.match(r.output, new RegExp(`${path.basename(f).replace(/\./g, '\\.')} run successfuly`), r.output);
  }
});

test('vscode-tmgrammar-snap: snapshots match', () => {
  const r = run(SNAP_CLI, ['-g', GRAMMAR, '-s', 'source.nginx', ...snapshotFiles]);
  assert.equal(r.status, 0, r.output);
});

test('negative control: a wrong scope assertion makes vscode-tmgrammar-test fail', () => {
  const dir = mkTemp();
  try {
    const original = fs.readFileSync(path.join(SRC_DIR, 'basics.test.nginx'), 'utf8');
    const broken = original.replace('constant.language.boolean.nginx', 'constant.language.definitely-wrong.nginx');
    assert.notEqual(broken, original, 'control file was not modified');
    const file = path.join(dir, 'broken.test.nginx');
    fs.writeFileSync(file, broken);
    const r = run(UNIT_CLI, ['-g', GRAMMAR, file]);
    assert.notEqual(r.status, 0, `expected failure, got success:\n${r.output}`);
    assert.match(r.output, /definitely-wrong/, r.output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('negative control: a changed snapshot makes vscode-tmgrammar-snap fail', () => {
  const dir = mkTemp();
  try {
    const src = snapshotFiles[0];
    const copy = path.join(dir, path.basename(src));
    fs.copyFileSync(src, copy);
    const snap = fs.readFileSync(`${src}.snap`, 'utf8');
    const broken = snap.replace('entity.name.function.directive.tls.nginx', 'entity.name.function.directive.nginx');
    assert.notEqual(broken, snap, 'control snapshot was not modified');
    fs.writeFileSync(`${copy}.snap`, broken);
    const r = run(SNAP_CLI, ['-g', GRAMMAR, '-s', 'source.nginx', copy]);
    assert.notEqual(r.status, 0, `expected failure, got success:\n${r.output}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('language-configuration.json: comments, pairs, indentation and word pattern', () => {
  const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, 'language-configuration.json'), 'utf8'));
  assert.equal(cfg.comments.lineComment, '#');
  assert.deepEqual(cfg.brackets, [['{', '}'], ['(', ')'], ['[', ']']]);
  const opens = cfg.autoClosingPairs.map((p: { open: string }) => p.open);
  for (const o of ['{', '(', '"', "'"]) assert.ok(opens.includes(o), `auto-closing ${o}`);
  for (const p of cfg.autoClosingPairs.filter((x: { open: string }) => x.open === '"' || x.open === "'")) {
    assert.deepEqual(p.notIn, ['string', 'comment']);
  }

  const inc = new RegExp(cfg.indentationRules.increaseIndentPattern);
  const dec = new RegExp(cfg.indentationRules.decreaseIndentPattern);
  for (const l of ['server {', '    location ~ \\.php$ {', 'if ($a) {  # why', 'map $a $b {']) assert.ok(inc.test(l), l);
  for (const l of ['listen 443 ssl;', '# server {', '}', 'location / { return 204; }']) assert.ok(!inc.test(l), l);
  for (const l of ['}', '    }']) assert.ok(dec.test(l), l);
  assert.ok(!dec.test('listen 80;'));

  const words = (s: string) => s.match(new RegExp(cfg.wordPattern, 'g'));
  assert.deepEqual(words('proxy_ssl_verify on;'), ['proxy_ssl_verify', 'on']);
  assert.deepEqual(words('ssl_certificate /etc/nginx/ssl/a.crt;'), ['ssl_certificate', '/etc/nginx/ssl/a.crt']);
  assert.deepEqual(words('proxy_set_header X-Client-Verify $ssl_client_verify;'), [
    'proxy_set_header',
    'X-Client-Verify',
    '$ssl_client_verify'
  ]);
  assert.deepEqual(words('return 301 "${scheme}x";'), ['return', '301', '${scheme}', 'x']);
  assert.deepEqual(words('try_files $uri @backend;'), ['try_files', '$uri', '@backend']);
});
