/**
 * VS Code entry point: starts the nginx mTLS language server (dist/server.js) over Node IPC and
 * wires up the output channel, the language status item and two commands. All checks live in
 * the server; this file only connects VS Code to it.
 */
import * as vscode from 'vscode';
import { LanguageClient, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { CLIENT_ID, CLIENT_NAME, Commands } from '../../common/protocol';
import { createClientOptions } from './clientOptions';
import { ServerStatusItem } from './languageStatus';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  const status = new ServerStatusItem();
  context.subscriptions.push(output, status);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const languageClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, createClientOptions(output, {
    onGaveUp: (reason) => {
      status.set('error', reason);
      void showStartError(reason);
    },
  }));
  client = languageClient;

  context.subscriptions.push(
    languageClient.onDidChangeState(({ newState }) => {
      if (newState === State.Starting) status.set('starting');
      else if (newState === State.Running) status.set('ready', languageClient.initializeResult?.serverInfo?.version
        ? `server ${languageClient.initializeResult.serverInfo.version}` : undefined);
      else status.set('stopped');
    }),
    vscode.commands.registerCommand(Commands.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(Commands.restartServer, async () => {
      output.info('Restarting the language server on request.');
      await startOrRestart(languageClient, status, serverModule);
    }),
  );

  await startOrRestart(languageClient, status, serverModule);
}

export async function deactivate(): Promise<void> {
  // stop() rejects when the client never got to run; nothing is left to clean up then.
  await client?.stop().catch(() => undefined);
  client = undefined;
}

async function startOrRestart(languageClient: LanguageClient, status: ServerStatusItem, serverModule: string): Promise<void> {
  status.set('starting');
  try {
    await vscode.workspace.fs.stat(vscode.Uri.file(serverModule));
  } catch {
    const reason = `The language server is missing at ${serverModule}. Reinstall the extension or run "npm run build".`;
    languageClient.outputChannel.error(reason);
    status.set('error', reason);
    void showStartError(reason);
    return;
  }
  try {
    if (languageClient.state === State.Running) await languageClient.restart();
    else await languageClient.start();
  } catch (error) {
    const reason = `The nginx mTLS language server could not start: ${error instanceof Error ? error.message : String(error)}`;
    languageClient.outputChannel.error(reason);
    status.set('error', reason);
    void showStartError(reason);
  }
}

async function showStartError(reason: string): Promise<void> {
  const showOutput = 'Show Output';
  const restart = 'Restart Server';
  const choice = await vscode.window.showErrorMessage(reason, showOutput, restart);
  if (choice === showOutput) await vscode.commands.executeCommand(Commands.showOutput);
  else if (choice === restart) await vscode.commands.executeCommand(Commands.restartServer);
}
