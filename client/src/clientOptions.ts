import * as vscode from 'vscode';
import {
  CloseAction, ErrorAction, LanguageClientOptions, RevealOutputChannelOn,
} from 'vscode-languageclient/node';
import { explicitSettings } from '../../common/explicitSettings';
import { LANGUAGE_ID, SETTINGS_SECTION } from '../../common/protocol';
import { connectionErrorAction } from './connectionErrors';

/**
 * The settings the user set (see common/explicitSettings.ts: a default must not override the
 * project file .nginx-mtls.json), sent with `initialize` and in answer to every pull.
 */
export function settingsSnapshot(scope?: vscode.Uri): Record<string, unknown> {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  // A WorkspaceConfiguration carries get/has/inspect/update functions; JSON keeps only the keys with values.
  const keys = Object.keys(JSON.parse(JSON.stringify(configuration)) as Record<string, unknown>);
  return explicitSettings(keys, (key) => configuration.inspect(key), (key) => configuration.get(key));
}

/** What the connection handlers need to know from, and tell to, the extension. */
export interface ConnectionEvents {
  /** True once the server answered `initialize` since the last (re)start; a crash before that is a failed start. */
  hasStarted(): boolean;
  /** The server crashed too often and stays down: tell the user. */
  onGaveUp(reason: string): void;
}

/** Restarts allowed within {@link RESTART_WINDOW_MS} before the client gives up, like the library's default handler. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** Client options. */
export function createClientOptions(outputChannel: vscode.LogOutputChannel, events: ConnectionEvents): LanguageClientOptions {
  const restarts: number[] = [];
  return {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    outputChannel,
    // The language status item shows failures; popping the channel open on every warning would be noise.
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: () => ({ settings: settingsSnapshot() }),
    // Returning false stops the client; the rejected start() is reported once by the extension
    // instead of the library's own notifications.
    initializationFailedHandler: (error) => {
      outputChannel.error(`Server initialization failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    },
    // No synchronize: the server registers for workspace/didChangeConfiguration itself (then
    // pulls `nginxMtls` with workspace/configuration), and registers the file watchers it needs
    // (configs, TLS files, and the exact files its checks read, even outside the workspace) the
    // same way in every editor; watchers here as well would report each change twice.
    middleware: {
      workspace: {
        // The server pulls `nginxMtls`; it gets the values the user set and no defaults, so that
        // .nginx-mtls.json applies where the user chose nothing. The server validates them.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((item, index) => (item.section === SETTINGS_SECTION
            ? settingsSnapshot(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
            : answers[index]));
        },
      },
    },
    errorHandler: {
      error: (_error, message, count) => {
        const { action, handled } = connectionErrorAction(message, count);
        return { action: action === 'continue' ? ErrorAction.Continue : ErrorAction.Shutdown, handled };
      },
      closed: () => {
        // A server that dies before answering `initialize` would only die again: report the failed start.
        if (!events.hasStarted()) return { action: CloseAction.DoNotRestart, handled: true };
        const now = Date.now();
        restarts.push(now);
        while (restarts.length > 0 && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
        if (restarts.length > MAX_RESTARTS) {
          const reason = `The nginx mTLS language server crashed ${restarts.length} times in the last 3 minutes and will not be restarted.`;
          events.onGaveUp(reason);
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        outputChannel.warn(`Language server connection closed; restarting (${restarts.length}/${MAX_RESTARTS}).`);
        return { action: CloseAction.Restart, handled: true };
      },
    },
  };
}
