/**
 * VS Code entry point: starts the nginx mTLS language server (dist/server.js) over Node IPC and
 * wires up the output channel, the language status item and the commands. All checks live in
 * the server; this file only connects VS Code to it.
 */
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { CLIENT_ID, CLIENT_NAME, Commands, SETTINGS_SECTION } from '../../common/protocol';
import { SERVER_NODE_FLAGS, serverArguments, VALIDATION_WORKER_SETTING } from '../../common/serverLaunch';
import { registerCertificateDetails } from './certificateCommands';
import { createClientOptions } from './clientOptions';
import { registerExplainRule } from './explainRuleCommand';
import { ServerStatusItem } from './languageStatus';
import { NginxLanguageClient } from './nginxLanguageClient';
import { addPathMapping } from './pathMappingCommand';
import { generateTestPki } from './testPkiCommand';

let client: NginxLanguageClient | undefined;

/** Epoch ms at the first line of dist/client.js (a banner, see scripts/bundle.mjs); absent when not bundled. */
declare const NGINX_MTLS_BUNDLE_START: number | undefined;
/** When this module (and so everything the bundle holds) was evaluated. */
const moduleEvaluatedAt = Date.now();

/**
 * What loading and activating the extension took, for the start-up figures in the output (the
 * code-server e2e prints them). Absolute times (UTC) because the channel's own timestamps are
 * those of its writes, which can come later.
 */
function activationLine(): string {
  const now = Date.now();
  const loaded = typeof NGINX_MTLS_BUNDLE_START === 'number'
    ? `client bundle loaded in ${moduleEvaluatedAt - NGINX_MTLS_BUNDLE_START} ms from ${new Date(NGINX_MTLS_BUNDLE_START).toISOString()}, `
    : '';
  return `activating: ${loaded}activate() called ${now - moduleEvaluatedAt} ms after it was evaluated, at ${new Date(now).toISOString()}`;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const activatedAt = Date.now();
  const output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  output.info(activationLine());
  const status = new ServerStatusItem();
  context.subscriptions.push(output, status);

  const serverModule = context.asAbsolutePath('dist/server.js');
  // stdio, as every other editor uses it: the server writes each file's diagnostics, encoded
  // once in its validation worker, straight to the pipe. Over node IPC each message is encoded
  // again by the IPC channel, which first decodes those diagnostics (issue #15).
  // The server's Node.js flags (common/serverLaunch.ts): a small young generation for its own thread.
  const run = { module: serverModule, transport: TransportKind.stdio, args: [] as string[], options: { execArgv: [...SERVER_NODE_FLAGS] } };
  const debug = { ...run, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'] } };
  const serverOptions: ServerOptions = { run, debug };
  /** The server's arguments come from the settings each time it starts (the client reads serverOptions then). */
  const takeServerArguments = (): void => {
    const validationWorker = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>(VALIDATION_WORKER_SETTING);
    run.args = debug.args = serverArguments({ validationWorker });
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
    takeServerArguments();
    const asked = Date.now();
    try {
      if (languageClient.state === State.Running) await languageClient.restart();
      else await languageClient.start();
      output.info(`language server running ${Date.now() - asked} ms after it was started (process spawned, initialize answered), ${asked - activatedAt} ms after activate()`);
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
    // Where the server checks is decided when it starts: a change restarts it.
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(`${SETTINGS_SECTION}.${VALIDATION_WORKER_SETTING}`)) return;
      output.info(`Restarting the language server: ${SETTINGS_SECTION}.${VALIDATION_WORKER_SETTING} changed.`);
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

/**
 * Read with Node's own fs: the server bundle sits in the extension's folder, on the machine the
 * extension host runs on (a workspace extension), so no round trip through the editor's file
 * service is needed. In code-server that round trip went to the browser and held up the start
 * of the server by over a second on a loaded machine (issue #15).
 */
async function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(() => true, () => false);
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
