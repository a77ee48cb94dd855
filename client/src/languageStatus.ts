import * as vscode from 'vscode';
import { CLIENT_NAME, Commands, LANGUAGE_ID } from '../../common/protocol';

/** What the language status item can show about the server. */
export type ServerStatus = 'starting' | 'ready' | 'stopped' | 'error';

/**
 * The `{}` entry in the status bar next to the language mode of nginx files: says whether the
 * language server is starting, ready or broken, and opens the output channel when clicked.
 */
export class ServerStatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private status: ServerStatus = 'starting';

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('nginxMtls.serverStatus', { language: LANGUAGE_ID });
    this.item.name = CLIENT_NAME;
    this.item.command = { title: 'Show Output', command: Commands.showOutput };
    this.set('starting');
  }

  get current(): ServerStatus {
    return this.status;
  }

  set(status: ServerStatus, detail?: string): void {
    this.status = status;
    const item = this.item;
    item.busy = status === 'starting';
    item.severity = status === 'error'
      ? vscode.LanguageStatusSeverity.Error
      : status === 'stopped' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    switch (status) {
      case 'starting':
        item.text = 'nginx mTLS: starting';
        break;
      case 'ready':
        item.text = '$(check) nginx mTLS';
        break;
      case 'stopped':
        item.text = '$(debug-stop) nginx mTLS: stopped';
        break;
      case 'error':
        item.text = '$(error) nginx mTLS: server error';
        break;
    }
    item.detail = detail;
  }

  dispose(): void {
    this.item.dispose();
  }
}
