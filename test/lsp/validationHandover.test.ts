/**
 * With the validation worker (asked for: by default the server validates in its own thread),
 * the first file is checked in the server's thread, then the worker takes over
 * (server/src/node/validationRunner.ts). Once it has, the server's service lets go of its
 * checks (issue #15: the process held two full engines), and code actions, whose quick fixes
 * come from the findings, are asked of the worker instead of checking again beside it. The
 * editor's other requests still answer as a server that validates in its own thread does.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FirstCheckInProcessRunner, InProcessRunner, WorkerRunner } from '../../server/src/node/validationRunner';
import { generateScenarioPki } from '../../server/src/pki/examplePki';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { LspTestClient, REPO_ROOT } from './lspClient';
import { NEEDS_WORKER_BUNDLE, WORKER_JS } from './workerRunnerFixture';

type Json = Record<string, unknown>;
type Position = { line: number; character: number };

describe('validation handed over to the worker (dist/validationWorker.js)', { skip: NEEDS_WORKER_BUNDLE }, () => {
  let dir: string;
  let examples: string;
  let file: string;
  let text: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-handover-'));
    examples = path.join(dir, 'examples');
    cpSync(path.join(REPO_ROOT, 'examples'), examples, { recursive: true, filter: (src) => !src.includes(`${path.sep}ssl${path.sep}`) || src.endsWith('README.md') });
    generateScenarioPki(path.join(examples, 'etc/nginx/ssl'), new Date());
    file = path.join(examples, 'etc/nginx/sites-enabled/server-b');
    text = readFileSync(file, 'utf8');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The position `shift` characters into the first uncommented line of `source` holding `needle`. */
  function at(source: string, needle: string, shift = 2): Position {
    const lines = source.split('\n');
    const line = lines.findIndex((l) => l.includes(needle) && !l.trim().startsWith('#'));
    return { line, character: lines[line].indexOf(needle) + shift };
  }

  it('the runner: the server\'s service lets go of its trees, and code actions come from the worker', async () => {
    const service = new NginxLanguageService();
    service.setWorkspaceFolders([examples]);
    service.openDocument(file, text);
    let inProcessCodeActions = 0;
    const ownCodeActions = service.codeActions.bind(service);
    service.codeActions = (...args) => {
      inProcessCodeActions++;
      return ownCodeActions(...args);
    };
    const worker = new WorkerRunner(WORKER_JS, () => undefined);
    worker.post({ kind: 'folders', folders: [examples] });
    worker.post({ kind: 'open', path: file, text });
    let handedOver = 0;
    const runner = new FirstCheckInProcessRunner(new InProcessRunner(service, true, true), worker, () => handedOver++);
    // The runner unrefs its worker; an interval keeps this test's process alive meanwhile.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      const header = at(text, 'proxy_set_header X-SSL-CERT');
      const first = await runner.validate(file, 1);
      assert.ok(first && first.diagnostics.count > 0);
      const [treeOfFirstCheck] = await service.allTrees();
      const before = await runner.codeActions(file, { start: header, end: header }, ['quickfix']);
      assert.equal(inProcessCodeActions, 1, 'before the worker has taken over, the server\'s service answers');
      assert.ok(before.some((a) => /if/i.test(a.title)), JSON.stringify(before.map((a) => a.title)));

      await runner.handedOver;
      assert.equal(handedOver, 1);
      assert.notEqual((await service.allTrees())[0], treeOfFirstCheck, 'the server\'s service let go of the tree of its check');
      const afterwards = await runner.codeActions(file, { start: header, end: header }, ['quickfix']);
      assert.equal(inProcessCodeActions, 1, 'the worker answered: the server\'s thread did not check again');
      assert.deepEqual(afterwards, before);

      // An edit sent before the request is seen by it: requests are answered in order.
      const edited = '# a comment line on top\n' + text;
      worker.post({ kind: 'open', path: file, text: edited });
      const moved = at(edited, 'proxy_set_header X-SSL-CERT');
      const afterEdit = await runner.codeActions(file, { start: moved, end: moved }, ['quickfix']);
      assert.ok(afterEdit.some((a) => /if/i.test(a.title)), JSON.stringify(afterEdit.map((a) => a.title)));
      assert.notDeepEqual(afterEdit, before, 'the fix edits the moved line');
    } finally {
      clearInterval(keepAlive);
      await runner.dispose();
    }
  });

  /** Hover, semantic tokens, inlay hints and code actions of server-b, as a server answers them. */
  async function editorAnswers(client: LspTestClient, uri: string, source: string): Promise<Json> {
    const header = at(source, 'proxy_set_header X-SSL-CERT');
    const lineCount = source.split('\n').length;
    return {
      hover: await client.request('textDocument/hover', { textDocument: { uri }, position: at(source, 'ssl/client.crt') }),
      tokens: await client.request('textDocument/semanticTokens/full', { textDocument: { uri } }).then((r) => (r as { data: number[] }).data),
      hints: await client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lineCount, character: 0 } } }),
      quickFixes: await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: header, end: header }, context: { diagnostics: [], only: ['quickfix'] } }),
      fixAll: await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } }),
    };
  }

  it('the server answers after the hand-over, and after an edit, as one that validates in its own thread', async () => {
    const uri = 'file://' + file;
    const edited = text.replace('proxy_set_header X-SSL-CERT', '# typed above\n            proxy_set_header X-SSL-CERT');
    const session = async (env: Record<string, string>, handOver: boolean): Promise<Json[]> => {
      const client = new LspTestClient(['--stdio'], env);
      try {
        await client.initialize(examples);
        await client.openDocument(uri, text);
        if (handOver) await client.waitFor((n) => n.method === 'window/logMessage' && /^validation handed over to the worker/.test((n.params as { message: string }).message));
        const first = await editorAnswers(client, uri, text);
        client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: edited }] });
        await client.waitForDiagnostics(uri, 2);
        return [first, await editorAnswers(client, uri, edited)];
      } finally {
        await client.shutdown();
      }
    };
    const handedOver = await session({ NGINX_MTLS_VALIDATION_WORKER: '1' }, true);
    const ownThread = await session({}, false);
    assert.deepEqual(handedOver, ownThread);
    const quickFixes = (handedOver[1].quickFixes as { title: string }[]);
    assert.ok(quickFixes.some((a) => /if/i.test(a.title)), JSON.stringify(quickFixes.map((a) => a.title)));
    assert.ok(handedOver[0].hover, 'the certificate path has a hover');
  });
});
