/**
 * The set-ups in docs/editors.md for editors that are not installed here (Helix, Emacs,
 * Sublime Text) cannot be run; this checks what can be checked without them: each block
 * parses in its own language and starts `nginx-mtls-language-server --stdio`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { documentedBlock } from './documentedBlock';

/** Python's tomllib (3.11+) parses TOML to JSON; undefined when no such Python is at hand. */
function parseToml(text: string): unknown {
  const run = spawnSync('python3', ['-c', 'import json, sys, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))'], { input: text, encoding: 'utf8' });
  if (run.error || run.status === null) return undefined;
  assert.equal(run.status, 0, `not valid TOML: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown;
}

const tomlSkip = parseToml('a = 1') === undefined ? 'python3 with tomllib is not installed' : false;

/** Checks that parentheses balance outside strings, comments and character literals. */
function assertBalancedSexp(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      assert.ok(i < text.length, 'unterminated string');
    } else if (c === '?' && text[i + 1] === '\\') {
      i += 2;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      assert.ok(depth >= 0, `unbalanced ")" at ${i}`);
    }
  }
  assert.equal(depth, 0, 'unbalanced "("');
}

describe('editor set-ups in docs/editors.md', () => {
  it('Helix: languages.toml is valid TOML and attaches the server to nginx files', { skip: tomlSkip }, () => {
    const parsed = parseToml(documentedBlock('helix-languages-toml')) as {
      'language-server': Record<string, { command: string; args: string[] }>;
      language: { name: string; 'language-servers': string[]; 'file-types': { glob: string }[] }[];
    };
    assert.deepEqual(parsed['language-server']['nginx-mtls'].command, 'nginx-mtls-language-server');
    assert.deepEqual(parsed['language-server']['nginx-mtls'].args, ['--stdio']);
    const nginx = parsed.language.find((l) => l.name === 'nginx');
    assert.deepEqual(nginx?.['language-servers'], ['nginx-mtls']);
    assert.ok(nginx?.['file-types'].some((f) => f.glob === 'conf.d/*.conf'));
  });

  it('Sublime Text: LSP.sublime-settings is valid JSON with the server command', () => {
    const parsed = JSON.parse(documentedBlock('sublime-lsp-settings')) as { clients: Record<string, { command: string[]; selector: string }> };
    assert.deepEqual(parsed.clients['nginx-mtls'].command, ['nginx-mtls-language-server', '--stdio']);
    assert.equal(parsed.clients['nginx-mtls'].selector, 'source.nginx');
  });

  for (const marker of ['emacs-eglot', 'emacs-lsp-mode']) {
    it(`Emacs (${marker}): balanced s-expressions that start the server`, () => {
      const block = documentedBlock(marker);
      assertBalancedSexp(block);
      assert.match(block, /"nginx-mtls-language-server" "--stdio"/);
    });
  }
});
