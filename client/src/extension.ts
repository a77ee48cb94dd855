/**
 * VS Code entry point: starts the nginx mTLS language server (dist/server.js) over Node IPC and
 * wires up the output channel, the language status item and the commands. All checks live in
 * the server; this file only connects VS Code to it.
 */
import * as vscode from 'vscode';
import { ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { CLIENT_ID, CLIENT_NAME, Commands } from '../../common/protocol';
import { registerCertificateDetails } from './certificateCommands';
import { createClientOptions } from './clientOptions';
import { registerExplainRule } from './explainRuleCommand';
import { ServerStatusItem } from './languageStatus';
import { NginxLanguageClient } from './nginxLanguageClient';
import { addPathMapping } from './pathMappingCommand';
import { generateTestPki } from './testPkiCommand';

let client: NginxLanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  const status = new ServerStatusItem();
  context.subscriptions.push(output, status);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  let started = false;
  let starting = false;
  const languageClient = new NginxLanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, createClientOptions(output, {
    hasStarted: () => started,
    onGaveUp: (reason) => reportError(status, output, reason),
  }));
  client = languageClient;
  languageClient.onError = (message, data) => {
    // During start() the rejected promise is reported below; anything later is a server that died.
    if (starting) return;
    reportError(status, output, 'The nginx mTLS language server stopped and could not be restarted. The output shows why.',
      data instanceof Error ? `${message}: ${data.message}` : message);
  };

  const start = async (): Promise<void> => {
    started = false;
    status.set('starting');
    if (!(await exists(serverModule))) {
      reportError(status, output, `The nginx mTLS language server is missing (${serverModule}). Reinstall the extension, or run "npm run build" in a development checkout.`);
      return;
    }
    starting = true;
    try {
      if (languageClient.state === State.Running) await languageClient.restart();
      else await languageClient.start();
    } catch (error) {
      reportError(status, output, 'The nginx mTLS language server could not start. The output shows why.',
        error instanceof Error ? error.message : String(error));
    } finally {
      starting = false;
    }
  };

  context.subscriptions.push(
    languageClient.onDidChangeState(({ newState }) => {
      if (newState === State.Running) {
        started = true;
        const version = languageClient.initializeResult?.serverInfo?.version;
        status.set('ready', version ? `server ${version}` : undefined);
      } else if (newState === State.Starting) {
        status.set('starting');
      } else if (status.current !== 'error') {
        status.set('stopped');
      }
    }),
    vscode.commands.registerCommand(Commands.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(Commands.generateTestPki, () => generateTestPki(languageClient)),
    vscode.commands.registerCommand(Commands.addPathMapping, (prefix: unknown) => addPathMapping(prefix)),
    vscode.commands.registerCommand(Commands.restartServer, async () => {
      output.info('Restarting the language server on request.');
      await start();
    }),
  );

  registerCertificateDetails(languageClient, context.subscriptions);
  registerExplainRule(languageClient, context.subscriptions);

  await start();
}

export async function deactivate(): Promise<void> {
  // stop() rejects when the client never got to run; nothing is left to clean up then.
  await client?.stop().catch(() => undefined);
  client = undefined;
}

async function exists(file: string): Promise<boolean> {
  return Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.file(file))).then(() => true, () => false);
}

/** Shows a failure in the status item, the log and one notification with "Show Output". */
function reportError(status: ServerStatusItem, output: vscode.LogOutputChannel, message: string, detail?: string): void {
  output.error(detail ? `${message} (${detail})` : message);
  status.set('error', detail ?? message);
  const showOutput = 'Show Output';
  const restart = 'Restart Server';
  void vscode.window.showErrorMessage(message, showOutput, restart).then((choice) => {
    if (choice === showOutput) output.show(true);
    else if (choice === restart) void vscode.commands.executeCommand(Commands.restartServer);
  });
}
