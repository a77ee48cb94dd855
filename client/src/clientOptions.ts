import * as vscode from 'vscode';
import {
  CloseAction, ErrorAction, LanguageClientOptions, RevealOutputChannelOn,
} from 'vscode-languageclient/node';
import { LANGUAGE_ID, SETTINGS_SECTION } from '../../common/protocol';

/** The window-level settings, sent once with `initialize`; per-resource values are pulled later. */
export function settingsSnapshot(): Record<string, unknown> {
  // A WorkspaceConfiguration carries get/has/inspect/update functions; JSON keeps only the values.
  return JSON.parse(JSON.stringify(vscode.workspace.getConfiguration(SETTINGS_SECTION))) as Record<string, unknown>;
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
        // The server pulls `nginxMtls` per resource; VS Code's answer (defaults from package.json
        // merged with user/workspace/folder values) goes through unchanged. The server validates it.
        configuration: (params, token, next) => next(params, token),
      },
    },
    errorHandler: {
      error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
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
