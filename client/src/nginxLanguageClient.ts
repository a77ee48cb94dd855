import { LanguageClient } from 'vscode-languageclient/node';

/**
 * The library's LanguageClient, except that errors it would force onto the screen ("couldn't
 * create connection to server", "Restarting server failed") go to `onError` instead, so the
 * extension shows one clear notification per failure rather than several generic ones. They are
 * still written to the output channel.
 */
export class NginxLanguageClient extends LanguageClient {
  onError: (message: string, data: unknown) => void = () => undefined;

  override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
    super.error(message, data, showNotification === 'force' ? false : showNotification);
    if (showNotification === 'force') this.onError(message, data);
  }
}
