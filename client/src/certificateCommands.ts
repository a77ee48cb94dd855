/**
 * "Show certificate details": asks the server to describe a certificate, key or CA file
 * (the one under the cursor's directive, the one clicked in the Explorer, or one picked)
 * and shows the Markdown read-only. Private keys are described, never shown.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { ServerCommands } from '../../common/protocol';

const CERTIFICATE_FILES = { 'Certificates and keys': ['crt', 'pem', 'cer', 'der', 'key', 'p12', 'pfx', 'csr', 'crl'] };

async function pickFile(resource: unknown): Promise<vscode.Uri | undefined> {
  if (resource instanceof vscode.Uri) return resource;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Show details', filters: CERTIFICATE_FILES });
  return picked?.[0];
}

export async function showCertificateDetails(client: LanguageClient, resource: unknown): Promise<void> {
  const uri = await pickFile(resource);
  if (!uri) return;
  const markdown = await client.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.certificateDetails, arguments: [uri.fsPath] });
  if (typeof markdown !== 'string') {
    void vscode.window.showWarningMessage(`No details for ${uri.fsPath}.`);
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri);
}
