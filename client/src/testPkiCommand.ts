/**
 * "Generate test PKI…": asks for a folder and names, lets the server write a CA, a server and
 * a client certificate with their keys (never over existing files), then offers to insert the
 * matching mTLS server block or proxy block at the cursor.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { ServerCommands } from '../../common/protocol';

interface GenerateResult {
  error?: string;
  written: string[];
  insertion: { serverBlock: string; proxyBlock: string };
}

async function ask(prompt: string, value: string, validate?: (v: string) => string | undefined): Promise<string | undefined> {
  return vscode.window.showInputBox({ prompt, value, ignoreFocusOut: true, validateInput: validate });
}

export async function generateTestPki(client: LanguageClient): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const defaultFolder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const folders = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: defaultFolder, openLabel: 'Generate test PKI here' });
  const folder = folders?.[0];
  if (!folder) return;
  const caName = await ask('Name of the test CA', 'Test mTLS CA');
  if (caName === undefined) return;
  const serverHost = await ask('Host name of the server (certificate SAN)', 'serverA.example.com', (v) => (/^[A-Za-z0-9.:-]+$/.test(v) ? undefined : 'A DNS name or an IP address'));
  if (serverHost === undefined) return;
  const clientName = await ask('Common name of the client certificate', 'client1');
  if (clientName === undefined) return;
  let result: GenerateResult;
  try {
    result = await client.sendRequest(ExecuteCommandRequest.type, {
      command: ServerCommands.generateTestPki,
      arguments: [{ folder: folder.fsPath, caName, serverHost, clientName }, editor?.document.uri.toString()],
    }) as GenerateResult;
  } catch (error) {
    void vscode.window.showErrorMessage(`No test PKI written: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (!result || result.error) {
    void vscode.window.showErrorMessage(`No test PKI written: ${result?.error ?? 'see the nginx mTLS output'}`);
    return;
  }
  const insertServer = 'Insert server block';
  const insertProxy = 'Insert proxy block';
  const choice = await vscode.window.showInformationMessage(`Wrote ${result.written.length} files to ${folder.fsPath} (keys with mode 0600).`, insertServer, insertProxy);
  if (!choice || !editor) return;
  const text = choice === insertServer ? result.insertion.serverBlock : result.insertion.proxyBlock;
  await editor.edit((builder) => builder.insert(editor.selection.active, text));
}
