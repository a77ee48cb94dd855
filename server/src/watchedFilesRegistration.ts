/**
 * Registers the client's file watchers for the server (client/registerCapability for
 * workspace/didChangeWatchedFiles), in any client that allows dynamic registration, so that
 * a certificate renewed or a config changed on disk is checked again without the editor
 * knowing anything about nginx. The watched set follows the files the checks read: it is
 * registered again (the old registration dropped) whenever it changes.
 */
import { DidChangeWatchedFilesNotification, type ClientCapabilities, type Connection, type Disposable } from 'vscode-languageserver';
import { pathToUri } from './service/languageService';
import { watchersFor } from './service/watchedFiles';

export class WatchedFilesRegistration {
  private readonly enabled: boolean;
  private readonly relativePatternSupport: boolean;
  private registration: Promise<Disposable | undefined> | undefined;
  /** The watchers last registered, as JSON: the same set is not registered twice. */
  private registeredKey = '';

  constructor(private readonly connection: Connection, capabilities: ClientCapabilities, private readonly log: (message: string) => void) {
    const watching = capabilities.workspace?.didChangeWatchedFiles;
    this.enabled = watching?.dynamicRegistration === true;
    this.relativePatternSupport = watching?.relativePatternSupport === true;
  }

  /** Makes the client watch the config and TLS globs and `paths`, unless it already does. */
  update(paths: readonly string[], workspaceFolders: readonly string[]): void {
    if (!this.enabled) return;
    const watchers = watchersFor(paths, workspaceFolders, this.relativePatternSupport, pathToUri);
    const key = JSON.stringify(watchers);
    if (key === this.registeredKey) return;
    this.registeredKey = key;
    const previous = this.registration;
    this.registration = this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).then(
      (disposable) => disposable,
      (error: unknown) => {
        this.log(`the client refused to watch files for the server (${String(error)}); changes on disk show after the next edit`);
        return undefined;
      },
    );
    // Dropped only once the new one is in place, so no change falls between the two.
    void this.registration.then(() => previous?.then((old) => old?.dispose()));
  }
}
