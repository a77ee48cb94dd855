/**
 * The server executes nothing from the workspace. Statically: the bundled dist/server.js
 * calls child_process only inside vscode-languageserver's module-resolution helpers
 * (files.js), which our code never calls, and no file of ours imports child_process.
 * Dynamically: the server runs over stdio with child_process patched (a --require preload)
 * to report and refuse every call, through every feature on a workspace full of bait.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, REPO_ROOT, SERVER_JS } from '../lsp/lspClient';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

describe('the server runs nothing', () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-noexec-'));
    // Bait: names and values that a careless tool would execute.
    const marker = path.join(dir, 'EXECUTED');
    fs.writeFileSync(path.join(dir, 'evil.sh'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'nginx.conf'), [
      'events {}',
      'http {',
      `    include "$(touch ${marker})";`,
      `    server { listen 443 ssl; ssl_certificate "|${path.join(dir, 'evil.sh')}"; ssl_certificate_key "\`touch ${marker}\`";`,
      `        ssl_password_file exec:${path.join(dir, 'evil.sh')}; ssl_engine x; ssl_certificate_key engine:evil:${path.join(dir, 'evil.sh')};`,
      '        location / { perl_set $x "sub { system(\'touch /tmp/x\') }"; content_by_lua_block { os.execute("touch /tmp/x") } }',
      '    }',
      '}',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ scripts: { postinstall: `touch ${marker}` } }));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('no source file of ours imports child_process', () => {
    const offenders = [...sourceFiles(path.join(REPO_ROOT, 'server/src')), ...sourceFiles(path.join(REPO_ROOT, 'common'))]
      .filter((f) => /['"](node:)?child_process['"]/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('the bundle uses child_process only inside vscode-languageserver/lib/node/files.js', () => {
    // The bundle is minified: esbuild's metafile (written by scripts/bundle.mjs) says which
    // bundled module imports what. Paths are matched by their tail, as node_modules may be a link.
    const meta = JSON.parse(fs.readFileSync(path.join(path.dirname(SERVER_JS), 'server.meta.json'), 'utf8')) as {
      inputs: Record<string, { imports: { path: string }[] }>;
    };
    const users = Object.entries(meta.inputs)
      .filter(([, input]) => input.imports.some((i) => /^(node:)?child_process$/.test(i.path)))
      .map(([file]) => file.replace(/^.*?(node_modules\/)/, '$1'));
    assert.deepEqual(users, ['node_modules/vscode-languageserver/lib/node/files.js']);
    assert.ok(Object.keys(meta.inputs).some((f) => f.startsWith('server/src/')), 'the metafile lists our own modules');
    // And nothing of ours calls its helpers that spawn (npm/yarn global path resolution, fork):
    // they are reachable only as `Files.*` of vscode-languageserver/node.
    const callers = [...sourceFiles(path.join(REPO_ROOT, 'server/src')), ...sourceFiles(path.join(REPO_ROOT, 'common'))]
      .filter((f) => /\bFiles\s*\.\s*(resolveGlobalNodePath|resolveGlobalYarnPath|resolveModulePath|resolve)\b/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(callers, []);
  });

  it('over stdio, with child_process patched to refuse, every feature runs and nothing is spawned', { timeout: 60_000 }, async () => {
    const preload = path.join(dir, 'refuse-child-process.js');
    fs.writeFileSync(preload, [
      "const cp = require('child_process');",
      "for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {",
      "  cp[name] = (...args) => { process.stderr.write(`CHILD_PROCESS_CALLED ${name} ${JSON.stringify(args[0])}\\n`); throw new Error('child_process refused by test'); };",
      '}',
    ].join('\n'));
    const previous = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${previous ?? ''} --require ${preload}`.trim();
    let client: LspTestClient;
    try {
      client = new LspTestClient();
    } finally {
      if (previous === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = previous;
    }
    try {
      await client.initialize(dir);
      const uri = 'file://' + path.join(dir, 'nginx.conf');
      const text = fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8');
      await client.openDocument(uri, text);
      const lines = text.split('\n');
      const pending: Promise<unknown>[] = [];
      for (let line = 0; line < lines.length; line++) {
        for (let character = 0; character < lines[line].length; character += 7) {
          const position = { line, character };
          for (const method of ['textDocument/hover', 'textDocument/definition', 'textDocument/completion']) {
            pending.push(client.request(method, { textDocument: { uri }, position }).catch(() => undefined));
          }
        }
      }
      for (const method of ['textDocument/documentSymbol', 'textDocument/documentLink', 'textDocument/foldingRange']) pending.push(client.request(method, { textDocument: { uri } }).catch(() => undefined));
      pending.push(client.request('workspace/executeCommand', { command: 'nginxMtls.server.certificateDetails', arguments: [path.join(dir, 'evil.sh')] }).catch(() => undefined));
      await Promise.all(pending);
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file://' + path.join(dir, 'evil.sh'), type: 2 }] });
      await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    } finally {
      await client.shutdown();
    }
    assert.doesNotMatch(client.rawOutput, /CHILD_PROCESS_CALLED/);
    assert.ok(!fs.existsSync(path.join(dir, 'EXECUTED')), 'the bait ran');
  });
});
