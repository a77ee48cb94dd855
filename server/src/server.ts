/**
 * The language server: LSP wiring around the language service. Handlers stay thin: find
 * the document, make sure settings are current, call the service, return. Every handler
 * runs inside `runSafe`, so an exception is logged with the URI and answered with an empty
 * result instead of taking the server down.
 */
import {
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CLIENT_ID, ServerCommands } from '../../common/protocol';
import { convertToPem, rewrittenArgument } from './service/convertToPem';
import { FIX_ALL_KIND } from './service/quickFixes';
import { applyMessage, createValidationRunner, type RunnerMessage } from './node/validationRunner';
import { runGenerateTestPkiCommand } from './service/generateTestPki';
import { NginxLanguageService, pathToUri, uriToPath, type LanguageServiceOptions } from './service/languageService';
import { DEFAULT_SETTINGS, SETTINGS_PREFIX } from './service/settings';

export interface ServerOptions extends LanguageServiceOptions {}

type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const service = new NginxLanguageService(options);
  const documents = new TextDocuments(TextDocument);
  let supportsConfigurationPull = false;
  let supportsWorkspaceFolders = false;
  let settingsLoaded: Promise<void> | undefined;
  let initializationSettings: unknown = {};
  const timers = new Map<string, NodeJS.Timeout>();
  /** Bumped on every change; a validation whose generation is stale is dropped. */
  let generation = 0;
  let workspaceFolders: string[] = [];

  const log = (level: LogLevel, message: string): void => {
    const line = `[${level}] ${message}`;
    if (level === 'error') connection.console.error(line);
    else if (level === 'warn') connection.console.warn(line);
    else if (level === 'info') connection.console.info(line);
    else connection.console.log(line);
  };
  // Injected rules, clocks or file systems (tests) only exist in this thread: validate here then.
  const runner = createValidationRunner(service, {
    inProcess: options.families !== undefined || options.now !== undefined || options.fs !== undefined,
    log: (message) => log('warn', message),
  });
  /** A state change for the server's own service and for the validation runner alike. */
  const update = (message: RunnerMessage): void => {
    applyMessage(service, message);
    runner.post(message);
  };

  async function runSafe<T>(what: string, uri: string | undefined, fallback: T, token: CancellationToken | undefined, work: () => Promise<T> | T): Promise<T> {
    if (token?.isCancellationRequested) return fallback;
    try {
      return await work();
    } catch (error) {
      log('error', `${what} failed${uri ? ` for ${uri}` : ''}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return fallback;
    }
  }

  async function loadSettings(): Promise<void> {
    let raw: unknown = initializationSettings;
    if (supportsConfigurationPull) {
      try {
        const pulled: unknown = await connection.workspace.getConfiguration(SETTINGS_PREFIX);
        if (pulled && typeof pulled === 'object') raw = pulled;
      } catch (error) {
        log('warn', `could not read settings: ${String(error)}`);
      }
    }
    update({ kind: 'configure', raw: raw ?? DEFAULT_SETTINGS });
  }

  function ensureSettings(): Promise<void> {
    settingsLoaded ??= loadSettings();
    return settingsLoaded;
  }

  async function validate(uri: string, expectedGeneration: number): Promise<void> {
    const document = documents.get(uri);
    const filePath = uriToPath(uri);
    if (!document || !filePath) return;
    const version = document.version;
    const started = Date.now();
    const result = await runSafe('validation', uri, undefined, undefined, async () => {
      await ensureSettings();
      return runner.validate(filePath, expectedGeneration);
    });
    if (!result) return;
    // A newer edit arrived while this ran: its own validation will publish.
    if (expectedGeneration !== generation || documents.get(uri)?.version !== version) return;
    for (const failure of result.failures) log('error', `rule family "${failure.family}" failed for ${uri}: ${failure.error}`);
    await connection.sendDiagnostics({ uri, version, diagnostics: result.diagnostics });
    log('debug', `validated ${uri} v${version} in ${Date.now() - started} ms: ${result.diagnostics.length} diagnostics`);
  }

  // --- validation scheduling (performance: see docs/benchmarks.md) ---
  /**
   * Other open documents may depend on an edited one (same main config), but the one being
   * typed in is what the user looks at: it is checked first, the others only once typing
   * pauses this much longer (each keystroke restarts every timer).
   */
  const BACKGROUND_VALIDATION_DELAY_MS = 500;

  function scheduleAll(delay: number, firstUri?: string): void {
    const current = ++generation;
    for (const document of documents.all()) {
      const background = firstUri !== undefined && document.uri !== firstUri;
      schedule(document.uri, background ? delay + BACKGROUND_VALIDATION_DELAY_MS : delay, current);
    }
  }
  // --- end of validation scheduling ---

  function schedule(uri: string, delay: number, current: number): void {
    const existing = timers.get(uri);
    if (existing) clearTimeout(existing);
    timers.set(uri, setTimeout(() => {
      timers.delete(uri);
      void validate(uri, current);
    }, delay));
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    supportsConfigurationPull = params.capabilities.workspace?.configuration === true;
    supportsWorkspaceFolders = params.capabilities.workspace?.workspaceFolders === true;
    initializationSettings = (params.initializationOptions as { settings?: unknown } | undefined)?.settings ?? params.initializationOptions ?? {};
    const folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    if (folders.length === 0 && params.rootUri) {
      const root = uriToPath(params.rootUri);
      if (root) folders.push(root);
    }
    workspaceFolders = folders;
    update({ kind: 'folders', folders });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['$', '/', ' '], resolveProvider: false },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        workspaceSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND, 'refactor.insert', 'refactor.rewrite'], resolveProvider: false },
        executeCommandProvider: { commands: [ServerCommands.convertToPem, ServerCommands.certificateDetails, ServerCommands.generateTestPki] },
      },
      serverInfo: { name: 'nginx-mtls-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (supportsWorkspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        void runSafe('workspace folders', undefined, undefined, undefined, () => {
          const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
          workspaceFolders = workspaceFolders.filter((f) => !removed.has(f));
          for (const f of event.added) {
            const p = uriToPath(f.uri);
            if (p) workspaceFolders.push(p);
          }
          update({ kind: 'folders', folders: workspaceFolders });
          scheduleAll(0);
        });
      });
    }
    if (supportsConfigurationPull) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_PREFIX }).catch(() => undefined);
    }
    log('info', `${CLIENT_ID} language server ready`);
  });

  connection.onDidChangeConfiguration((change) => {
    if (!supportsConfigurationPull) {
      const settings = (change.settings as Record<string, unknown> | undefined)?.[SETTINGS_PREFIX];
      if (settings) initializationSettings = settings;
    }
    settingsLoaded = undefined;
    update({ kind: 'discovery' });
    scheduleAll(0);
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      const filePath = uriToPath(change.uri);
      // Open documents are what the editor says they are; only files on disk changed.
      if (filePath && !documents.get(change.uri)) update({ kind: 'changed', path: filePath });
    }
    update({ kind: 'discovery' });
    scheduleAll(service.settings.validationDelayMs);
  });

  documents.onDidOpen((event) => {
    const filePath = uriToPath(event.document.uri);
    if (filePath) {
      update({ kind: 'open', path: filePath, text: event.document.getText() });
    }
    scheduleAll(0, event.document.uri);
  });

  documents.onDidChangeContent((event) => {
    const filePath = uriToPath(event.document.uri);
    if (filePath) {
      update({ kind: 'open', path: filePath, text: event.document.getText() });
    }
    scheduleAll(service.settings.validationDelayMs, event.document.uri);
  });

  documents.onDidClose((event) => {
    const filePath = uriToPath(event.document.uri);
    if (filePath) {
      update({ kind: 'close', path: filePath });
    }
    const timer = timers.get(event.document.uri);
    if (timer) clearTimeout(timer);
    timers.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    scheduleAll(service.settings.validationDelayMs);
  });

  connection.onHover((params, token) => runSafe('hover', params.textDocument.uri, null, token, async () => {
    const filePath = uriToPath(params.textDocument.uri);
    if (!filePath) return null;
    await ensureSettings();
    return (await service.hover(filePath, params.position)) ?? null;
  }));

  /** Runs a per-document request with settings loaded; an exception becomes `fallback`. */
  function onDocument<T, F>(what: string, uri: string, fallback: F, token: CancellationToken, work: (filePath: string) => Promise<T>): Promise<T | F> {
    return runSafe<T | F>(what, uri, fallback, token, async () => {
      const filePath = uriToPath(uri);
      if (!filePath) return fallback;
      await ensureSettings();
      return work(filePath);
    });
  }

  connection.onCompletion((p, token) => onDocument('completion', p.textDocument.uri, [], token, (f) => service.completion(f, p.position)));
  connection.onDocumentSymbol((p, token) => onDocument('document symbols', p.textDocument.uri, [], token, (f) => service.documentSymbols(f)));
  connection.onFoldingRanges((p, token) => onDocument('folding ranges', p.textDocument.uri, [], token, (f) => service.foldingRanges(f)));
  connection.onDefinition((p, token) => onDocument('definition', p.textDocument.uri, [], token, (f) => service.definition(f, p.position)));
  connection.onReferences((p, token) => onDocument('references', p.textDocument.uri, [], token, (f) => service.references(f, p.position, p.context.includeDeclaration)));
  connection.onDocumentLinks((p, token) => onDocument('document links', p.textDocument.uri, [], token, (f) => service.documentLinks(f)));
  connection.onDocumentFormatting((p, token) => onDocument('formatting', p.textDocument.uri, [], token, (f) => service.format(f, p.options)));
  connection.onDocumentRangeFormatting((p, token) => onDocument('range formatting', p.textDocument.uri, [], token, (f) => service.format(f, p.options, p.range)));
  connection.onCodeAction((p, token) => onDocument('code actions', p.textDocument.uri, [], token, (f) => service.codeActions(f, p.range, p.context.only)));
  connection.onWorkspaceSymbol((p, token) => runSafe('workspace symbols', undefined, [], token, async () => {
    await ensureSettings();
    return service.workspaceSymbols(p.query);
  }));

  connection.onExecuteCommand((params, token) => runSafe(`command ${params.command}`, undefined, null, token, async () => {
    const args = params.arguments ?? [];
    if (params.command === ServerCommands.certificateDetails) {
      const target = typeof args[0] === 'string' ? args[0] : undefined;
      return target ? service.certificateDetails(target) : null;
    }
    if (params.command === ServerCommands.generateTestPki) {
      // An explicit user action: writes new files only (never over existing ones).
      const documentPath = typeof args[1] === 'string' ? uriToPath(args[1]) : undefined;
      const confDir = documentPath ? (await service.fileContext(documentPath)).resolver.confDir : undefined;
      let result;
      try {
        result = await runGenerateTestPkiCommand(args[0], { now: new Date(), confDir });
      } catch (error) {
        // Refusals (existing files, bad names) go back to the user as they are.
        return { error: error instanceof Error ? error.message : String(error) };
      }
      service.invalidateWorkspaceCertificates();
      log('info', `generated a test PKI: ${result.written.length} files`);
      return result;
    }
    if (params.command === ServerCommands.convertToPem) {
      // Arguments come from our own code action: [resolved path, config file, arg start, arg end].
      const [source, configFile, start, end] = args as [unknown, unknown, unknown, unknown];
      if (typeof source !== 'string' || typeof configFile !== 'string' || typeof start !== 'number' || typeof end !== 'number') return null;
      const document = documents.get(pathToUri(configFile));
      const parsed = await service.analysis.getParsed(configFile);
      if (!parsed) return null;
      let result;
      try {
        result = await convertToPem(source);
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
      const written = parsed.text.slice(start, end);
      const quote = written.startsWith('"') || written.startsWith("'") ? written[0] : '';
      const value = quote ? written.slice(1, -1) : written;
      const newText = `${quote}${rewrittenArgument(value, result.written)}${quote}`;
      await connection.workspace.applyEdit({
        label: 'Convert to PEM',
        edit: { changes: { [pathToUri(configFile)]: [{ range: { start: parsed.lines.positionAt(start), end: parsed.lines.positionAt(end) }, newText }] } },
      });
      log('info', `wrote ${result.kind} in PEM form to ${result.written}${document ? '' : ' (config not open)'}`);
      return { written: result.written };
    }
    return null;
  }));

  connection.onShutdown(async () => {
    await runner.dispose();
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  });

  documents.listen(connection);
  connection.listen();
}
