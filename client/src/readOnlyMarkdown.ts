/**
 * Read-only Markdown documents under a scheme of our own: VS Code asks the provider for the
 * text whenever it opens (or we refresh) one, so there is no untitled buffer to save and
 * nothing to close with a prompt. They are shown rendered, in the Markdown preview.
 */
import * as vscode from 'vscode';

export class ReadOnlyMarkdownProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;
  private readonly registration: vscode.Disposable;

  /** `load` gives the text of a document of `scheme`, or undefined when there is none. */
  constructor(readonly scheme: string, private readonly load: (uri: vscode.Uri) => Promise<string | undefined>) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(scheme, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    try {
      return (await this.load(uri)) ?? `Nothing to show for ${uri.path}.`;
    } catch (error) {
      return `Could not load ${uri.path}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /**
   * Opens `uri` rendered. An already open document is reloaded first (a certificate may
   * have changed since). Without the built-in Markdown extension, the text is shown instead.
   */
  async show(uri: vscode.Uri): Promise<void> {
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.changes.fire(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { preview: true });
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.changes.dispose();
  }
}
