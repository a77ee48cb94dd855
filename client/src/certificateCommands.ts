/**
 * "Show certificate details": asks the server to describe a certificate, key or CA file
 * (the one clicked in the Explorer, or one picked) and shows the Markdown read-only, as a
 * document of its own scheme: no untitled buffer that asks to be saved on close. Private keys
 * are described, never shown.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { Commands, ServerCommands } from '../../common/protocol';
import { ReadOnlyMarkdownProvider } from './readOnlyMarkdown';
import { certificateDetailsPath, CERTIFICATE_DETAILS_SCHEME } from './readOnlyDocumentNames';

const CERTIFICATE_FILES = { 'Certificates and keys': ['crt', 'pem', 'cer', 'der', 'key', 'p12', 'pfx', 'csr', 'crl'] };

async function pickFile(resource: unknown): Promise<vscode.Uri | undefined> {
  if (resource instanceof vscode.Uri) return resource;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Show details', filters: CERTIFICATE_FILES });
  return picked?.[0];
}

/** Registers the document provider and the command; both go into `subscriptions`. */
export function registerCertificateDetails(client: LanguageClient, subscriptions: vscode.Disposable[]): void {
  const provider = new ReadOnlyMarkdownProvider(CERTIFICATE_DETAILS_SCHEME, async (uri) => {
    const file = vscode.Uri.parse(uri.query, true);
    if (file.scheme !== 'file') return undefined;
    const markdown = await client.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.certificateDetails, arguments: [file.fsPath] });
    return typeof markdown === 'string' ? markdown : `No details for ${file.fsPath}.`;
  });
  subscriptions.push(
    provider,
    vscode.commands.registerCommand(Commands.showCertificateDetails, async (resource: unknown) => {
      const file = await pickFile(resource);
      if (!file) return;
      await provider.show(vscode.Uri.from({ scheme: CERTIFICATE_DETAILS_SCHEME, path: certificateDetailsPath(path.basename(file.fsPath)), query: file.toString() }));
    }),
  );
}
