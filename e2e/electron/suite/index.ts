/**
 * Extension-host tests, without mocha: VS Code loads this module and awaits `run()`; a rejected
 * promise fails the run. The tests open the e2e scenario (examples/etc/nginx/sites-enabled/server-b,
 * copied into the test workspace by runTest.ts) and wait for events instead of sleeping.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'nginx-mtls.nginx-mtls';
const IF_MESSAGE = '"proxy_set_header" directive is not allowed here';
const TIMEOUT_MS = 30000;

type Test = { name: string; fn: () => Promise<void> };
const tests: Test[] = [];
const test = (name: string, fn: () => Promise<void>): void => { tests.push({ name, fn }); };

function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the diagnostics of `uri` as soon as one satisfies `accept` (checks the current state first). */
function diagnosticsWhere(uri: vscode.Uri, accept: (d: vscode.Diagnostic) => boolean): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!diagnostics.some(accept)) return false;
      resolve(diagnostics);
      return true;
    };
    if (check()) return;
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && check()) listener.dispose();
    });
  });
}

function scenarioUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, 'examples', 'etc', 'nginx', 'sites-enabled', 'server-b');
}

let editor: vscode.TextEditor | undefined;

test('activates on an nginx file (sites-enabled/server-b) and applies the nginx language', async () => {
  const document = await vscode.workspace.openTextDocument(scenarioUri());
  editor = await vscode.window.showTextDocument(document);
  assert.equal(document.languageId, 'nginx');
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  await withTimeout('activation', Promise.resolve(extension.activate()));
  assert.ok(extension.isActive);
});

test('reports proxy_set_header inside if', async () => {
  const uri = scenarioUri();
  const diagnostics = await withTimeout('the if diagnostic',
    diagnosticsWhere(uri, (d) => d.message.includes(IF_MESSAGE)));
  const found = diagnostics.find((d) => d.message.includes(IF_MESSAGE));
  assert.ok(found);
  assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
  const line = (editor?.document ?? await vscode.workspace.openTextDocument(uri)).lineAt(found.range.start.line).text;
  assert.match(line, /proxy_set_header/);
});

test('shows a hover on a directive', async () => {
  const document = editor?.document ?? await vscode.workspace.openTextDocument(scenarioUri());
  const line = document.getText().split(/\r?\n/).findIndex((l) => l.includes('proxy_ssl_verify on;'));
  assert.ok(line >= 0, 'the scenario has a proxy_ssl_verify line');
  const character = document.lineAt(line).firstNonWhitespaceCharacterIndex + 2;
  const hovers = await withTimeout('a hover', Promise.resolve(vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider', document.uri, new vscode.Position(line, character))));
  const text = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
  assert.ok(text.trim().length > 0, 'hover is not empty');
  assert.match(text, /proxy_ssl_verify/);
});

/** Entry point called by VS Code's test runner (extensionTestsPath). */
export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const t of tests) {
    const started = Date.now();
    try {
      await t.fn();
      console.log(`  ok   ${t.name} (${Date.now() - started} ms)`);
    } catch (error) {
      failures.push(t.name);
      console.error(`  FAIL ${t.name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }
  console.log(`${tests.length - failures.length}/${tests.length} passed`);
  if (failures.length > 0) throw new Error(`${failures.length} extension-host test(s) failed: ${failures.join(', ')}`);
}
