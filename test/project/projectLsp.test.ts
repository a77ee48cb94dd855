/**
 * The language server with a project file in the workspace folder, over stdio: a rule the
 * file turns off is not published, an edit of the file re-publishes, a bad file gets
 * diagnostics of its own, a setting the client sends overrides the file, and an ignored
 * file gets no diagnostics.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from '../lsp/lspClient';

type Json = Record<string, unknown>;
const codes = (diagnostics: Json[]): string[] => diagnostics.map((d) => String(d.code)).sort();

describe('language server with .nginx-mtls.json', () => {
  let dir: string;
  let client: LspTestClient;
  let clientSettings: Json = {};
  const projectFile = (): string => path.join(dir, '.nginx-mtls.json');
  const projectUri = (): string => 'file://' + projectFile();
  const configUri = (): string => 'file://' + path.join(dir, 'nginx.conf');
  // An unknown directive, and a directive out of place (a rule the file leaves on).
  const text = 'events {}\nhttp {\n    proxy_ssl_verfy on;\n}\nlisten 80;\n';
  const projectChanged = (): void => client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: projectUri(), type: 2 }] });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-project-lsp-'));
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, 'nginx.conf'), text);
    writeFileSync(projectFile(), '{\n  // CI and editor alike\n  "rules": { "nginx.unknown-directive": "off" },\n}\n');
    client = new LspTestClient();
    client.onServerRequest = (method, params) => {
      if (method === 'workspace/configuration') return (params as { items: unknown[] }).items.map(() => clientSettings);
      return null;
    };
    await client.initialize(dir);
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not publish a rule the project file turns off', async () => {
    const diagnostics = await client.openDocument(configUri(), text);
    assert.deepEqual(codes(diagnostics), ['nginx.directive-not-allowed']);
  });

  it('re-publishes when the project file changes on disk', async () => {
    writeFileSync(projectFile(), '{ "rules": { "nginx.directive-not-allowed": "off" } }');
    projectChanged();
    const diagnostics = await client.waitForDiagnostics(configUri(), 1, (d) => codes(d).includes('nginx.unknown-directive'));
    assert.deepEqual(codes(diagnostics), ['nginx.unknown-directive']);
  });

  it('a setting the client sends overrides the file, entry by entry', async () => {
    writeFileSync(projectFile(), '{ "rules": { "nginx.unknown-directive": "off", "nginx.directive-not-allowed": "off" } }');
    projectChanged();
    await client.waitForDiagnostics(configUri(), 1, (d) => d.length === 0);
    clientSettings = { rules: { 'nginx.unknown-directive': 'hint' } };
    client.notify('workspace/didChangeConfiguration', { settings: {} });
    // The test client keeps every notification, so the wait looks for what only the override gives.
    const diagnostics = await client.waitForDiagnostics(configUri(), 1, (d) => d.some((x) => x.severity === 4));
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['nginx.unknown-directive', 4]]);
    // The next change of the project file pulls the settings again, and finds none set.
    clientSettings = {};
  });

  it('shows the problems of a bad project file on it, with positions, and checks without it', async () => {
    writeFileSync(projectFile(), '{\n  "rule": {},\n  "rules": { "nginx.unknown-directive": "of" }\n');
    projectChanged();
    const onFile = await client.waitForDiagnostics(projectUri(), undefined, (d) => d.length > 0);
    assert.equal(onFile.length, 1);
    assert.match(String(onFile[0].message), /not valid JSON/);
    assert.deepEqual(onFile[0].range, { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } });
    assert.equal(onFile[0].severity, 1);
    // Nothing of a file that cannot be read applies: both findings are back.
    const diagnostics = await client.waitForDiagnostics(configUri(), 1, (d) => d.length === 2);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]).sort(), [['nginx.directive-not-allowed', 1], ['nginx.unknown-directive', 1]]);

    writeFileSync(projectFile(), '{\n  "rule": {},\n  "rules": { "nginx.unknown-directive": "of" }\n}\n');
    projectChanged();
    const problems = await client.waitForDiagnostics(projectUri(), undefined, (d) => d.length === 2);
    assert.deepEqual(problems.map((d) => [(d.range as { start: { line: number; character: number } }).start, d.severity]), [
      [{ line: 1, character: 2 }, 2],
      [{ line: 2, character: 40 }, 1],
    ]);
    assert.match(String(problems[0].message), /unknown key "rule" \(did you mean "rules"\?\)/);
  });

  it('withdraws the file\'s diagnostics once it is fixed', async () => {
    writeFileSync(projectFile(), '{}');
    projectChanged();
    const onFile = await client.waitForDiagnostics(projectUri(), undefined, (d) => d.length === 0);
    assert.deepEqual(onFile, []);
  });

  it('publishes nothing for a file the project file ignores', async () => {
    writeFileSync(projectFile(), '{ "ignore": ["nginx.conf"] }');
    projectChanged();
    // A new version of the document, so that the wait cannot match an earlier empty list.
    client.notify('textDocument/didChange', { textDocument: { uri: configUri(), version: 2 }, contentChanges: [{ text }] });
    assert.deepEqual(await client.waitForDiagnostics(configUri(), 2), []);
  });
});
