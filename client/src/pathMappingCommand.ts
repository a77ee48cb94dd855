/**
 * "Map a production folder onto a local folder…": the quick fix of a file that only the
 * production host has (/etc/letsencrypt/live/…). It asks for the local folder that holds a
 * copy and adds the pair to the workspace's `nginxMtls.pathMappings`; the server then checks
 * those files. The setting is written only here, on the user's explicit choice.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../common/protocol';

async function askPrefix(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    prompt: 'Production folder to map (an absolute path on the host), e.g. /etc/letsencrypt',
    ignoreFocusOut: true,
    validateInput: (v) => (v.startsWith('/') ? undefined : 'An absolute path such as /etc/letsencrypt'),
  });
}

/** The folder as the setting stores it: relative to the first workspace folder when inside it (the server resolves it so). */
function settingValue(folder: string): string {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!base) return folder;
  const relative = path.relative(base, folder);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? folder : relative;
}

export async function addPathMapping(prefixArgument: unknown): Promise<void> {
  const prefix = typeof prefixArgument === 'string' && prefixArgument.startsWith('/') ? prefixArgument : await askPrefix();
  if (!prefix) return;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    title: `Local folder that holds a copy of ${prefix}`,
    openLabel: `Read ${prefix} from here`,
  });
  const folder = picked?.[0];
  if (!folder) return;
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const current = configuration.inspect<Record<string, string>>('pathMappings')?.workspaceValue ?? {};
  const local = settingValue(folder.fsPath);
  await configuration.update('pathMappings', { ...current, [prefix]: local }, vscode.ConfigurationTarget.Workspace);
  void vscode.window.showInformationMessage(`nginx mTLS: files under ${prefix} are now read from ${local}.`);
}
