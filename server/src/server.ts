/**
 * The language server: LSP wiring around the language service. Handlers stay thin: find
 * the document, make sure settings are current, call the service, return. Every handler
 * runs inside `runSafe`, so an exception is logged with the URI and answered with an empty
 * result instead of taking the server down. Nothing the client does (or fails to do) may
 * freeze it: a settings pull that is never answered times out, a change that does not fit
 * the document stops checks of that document instead of corrupting it, and requests after
 * `shutdown` are refused.
 */
import * as path from 'node:path';
import {
  DidChangeConfigurationNotification,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ShowMessageNotification,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type DiagnosticServerCancellationData,
  type DocumentDiagnosticReport,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { CLIENT_ID, ServerCommands } from '../../common/protocol';
import { convertToPem, rewrittenArgument } from './service/convertToPem';
import { FIX_ALL_KIND } from './service/quickFixes';
import { FormattingRefusedError } from './service/formatting';
import { applyMessage, createValidationRunner, type RunnerMessage, type ValidationOutcome } from './node/validationRunner';
import { StartupTimeline } from './node/startupTimeline';
import { EngineWarmUp } from './node/engineWarmUp';
import { idleCollectionsForThisThread } from './node/idleCollector';
import { NginxLanguageService, pathToUri, uriToPath, type LanguageServiceOptions } from './service/languageService';
import { ruleExplanationMarkdown, ruleList } from './service/ruleExplanation';
import { SETTINGS_PREFIX } from './service/settings';
import { PROJECT_FILE_NAME } from './project/projectKeys';
import { WorkspaceProjectFiles } from './project/workspaceProjectFiles';
import { DocumentStore } from './service/documentSync';
import { DiagnosticResults } from './service/diagnosticResults';
import { diagnosticsForMessage, encodeDiagnostics } from './service/encodedDiagnostics';
import { WatchedFilesRegistration } from './watchedFilesRegistration';
import { DIAGNOSTICS_UNCHANGED, DiagnosticPublication, wantsUnchangedNotice, type DiagnosticsUnchangedParams } from './diagnosticPublication';
import { SEMANTIC_TOKENS_LEGEND, tokenDelta } from './service/semanticTokens';
import { TOOL_VERSION } from './toolVersion.generated';

export interface ServerOptions extends LanguageServiceOptions {
  /**
   * How long a request or validation waits for the client's answer to
   * workspace/configuration before it goes on with the last settings received.
   */
  settingsTimeoutMs?: number;
  /**
   * Validate in a worker thread (a second copy of the engine) after the first check, instead of
   * in the server's own thread: see createValidationRunner.
   */
  validationWorker?: boolean;
  /** Check a made-up configuration once initialized, while no document is open (see node/engineWarmUp.ts). Default true. */
  warmUp?: boolean;
}

/** A client answers workspace/configuration in milliseconds; one that has not after this is not going to soon. */
export const DEFAULT_SETTINGS_TIMEOUT_MS = 1000;

/** What the transport around the server needs to know to end it the way the protocol says. */
export interface ServerHandle {
  /** True once the client asked for `shutdown` (exit code 0 then, 1 otherwise). */
  readonly shutdownRequested: boolean;
}

type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** A refused formatting goes back to the editor as an error it shows, not as "no edits". */
async function refusalAsError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof FormattingRefusedError) throw new ResponseError(LSPErrorCodes.RequestFailed, error.message);
    throw error;
  }
}

export function startServer(connection: Connection, options: ServerOptions = {}): ServerHandle {
  /** Start-up steps up to the first diagnostics, reported once at info level (issue #15: open-to-first-diagnostic). */
  const timeline = new StartupTimeline();
  timeline.mark('loaded');
  const service = new NginxLanguageService(options);
  const documents = new DocumentStore();
  let supportsConfigurationPull = false;
  let supportsWorkspaceFolders = false;
  /** Clients that can be asked to fetch tokens and hints again (they depend on settings and on files on disk). */
  let supportsSemanticTokensRefresh = false;
  let supportsInlayHintRefresh = false;
  let settingsLoaded: Promise<void> | undefined;
  let initializationSettings: unknown = {};
  const settingsTimeoutMs = options.settingsTimeoutMs ?? DEFAULT_SETTINGS_TIMEOUT_MS;
  /** Numbers the settings pulls, so that a late answer never replaces a newer one. */
  let settingsPulls = 0;
  let appliedSettingsPull = 0;
  let shutdownRequested = false;
  /** The validation each open document waits for, and how to call it off. */
  const timers = new Map<string, { cancel(): void }>();
  /** The last semantic tokens sent per document, for semanticTokens/full/delta. */
  const lastTokens = new Map<string, { resultId: string; data: number[] }>();
  /** Bumped on every change; a validation whose generation is stale is dropped. */
  let generation = 0;
  let workspaceFolders: string[] = [];
  /**
   * Pull diagnostics: when the client asks for them (textDocument/diagnostic), it gets them
   * only that way; pushing as well would show every finding twice in clients that keep the
   * two apart (VS Code does). Push stays for clients without pull support.
   */
  let pullDiagnostics = false;
  let diagnosticRefreshSupport = false;
  /** Pushed diagnostics: which are sent again after an edit (see diagnosticPublication.ts). */
  const publication = new DiagnosticPublication();
  let unchangedNotices = false;
  const pulledResults = new DiagnosticResults();
  /**
   * The last check of each document pulled, with the generation it saw. A pull at the same
   * generation (nothing changed since) is answered from it: VS Code cancels its first pull of a
   * newly opened file when the tab's own pull follows, and asks again once the first is
   * answered; checking again then made the first squiggle wait for a second check (issue #15).
   */
  const lastPulled = new Map<string, { generation: number; outcome: ValidationOutcome }>();
  let refreshTimer: NodeJS.Timeout | undefined;
  let watchedFiles: WatchedFilesRegistration | undefined;
  /** `.nginx-mtls.json` of the workspace folders; settings wait for it to be read. */
  const projectFiles = new WorkspaceProjectFiles();
  let projectFilesRead: Promise<void> = Promise.resolve();

  /**
   * The level travels as the message's LSP type, never in its text: a client that shows levels
   * itself (VS Code's log output channel) would otherwise print them twice ("[info] [debug] …").
   * Debug lines go as MessageType.Debug, so the client's own log level decides whether they show.
   */
  const log = (level: LogLevel, message: string): void => {
    try {
      if (level === 'error') connection.console.error(message);
      else if (level === 'warn') connection.console.warn(message);
      else if (level === 'info') connection.console.info(message);
      else connection.console.debug(message);
    } catch {
      // The connection is closed (the client went away): stderr is all that is left.
      process.stderr.write(`[${level}] ${message}\n`);
    }
  };
  /**
   * This thread's heap grows while checks run and diagnostics are published at every keystroke;
   * it is returned once they stop, and compacted after a longer pause when it is fragmented.
   */
  const idle = idleCollectionsForThisThread();
  const runner = createValidationRunner(service, {
    // Injected rules, clocks or file systems (tests) only exist in this thread: validate here then.
    injected: options.families !== undefined || options.now !== undefined || options.fs !== undefined,
    worker: options.validationWorker === true,
    log: (message) => log('warn', message),
    onWorkerReady: () => {
      timeline.mark('worker');
      log('debug', `validation worker ready ${Math.round(performance.now())} ms after the server process started`);
    },
    // What the first check left in this thread is garbage now: given back once the thread is idle.
    onHandedOver: () => {
      log('debug', 'validation handed over to the worker; the server\'s thread let go of its checks');
      idle.activity();
    },
  });
  /** Called off by the first document opened; see startWarmUp. */
  const warmUp = options.warmUp === false ? undefined : new EngineWarmUp();
  /** A state change for the server's own service and for the validation runner alike. */
  const update = (message: RunnerMessage): void => {
    applyMessage(service, message);
    runner.post(message);
  };
  /**
   * Applies the client's settings over the project file. Clients send only what the user
   * set (the VS Code client leaves defaults out, see client/src/explicitSettings.ts), so
   * every value received overrides the file's.
   */
  const configure = (clientSettings: unknown): void => update({ kind: 'configure', raw: projectFiles.overlay(clientSettings) });

  /** Reads the project files again; the next check re-applies the settings over them. */
  function readProjectFiles(): void {
    projectFilesRead = projectFiles.load(workspaceFolders).then(() => {
      const active = projectFiles.active;
      if (active) log('info', `project file ${active.filePath}: ${active.problems.length === 0 ? 'read' : `${active.problems.length} problem(s), shown on the file`}`);
      for (const { filePath, diagnostics } of projectFiles.diagnostics()) void connection.sendDiagnostics({ uri: pathToUri(filePath), diagnostics });
    }, (error: unknown) => log('error', `reading ${PROJECT_FILE_NAME} failed: ${String(error)}`));
    settingsLoaded = undefined;
  }

  async function runSafe<T>(what: string, uri: string | undefined, fallback: T, token: CancellationToken | undefined, work: () => Promise<T> | T): Promise<T> {
    if (token?.isCancellationRequested) return fallback;
    try {
      return await work();
    } catch (error) {
      // A deliberate refusal (e.g. formatting that would be too large) is the answer itself.
      if (error instanceof ResponseError) throw error;
      log('error', `${what} failed${uri ? ` for ${uri}` : ''}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return fallback;
    }
  }

  /** A request handler: refused after `shutdown` (the protocol says InvalidRequest), otherwise run safely. */
  function answer<T>(what: string, uri: string | undefined, fallback: T, token: CancellationToken, work: () => Promise<T> | T): Promise<T> {
    if (shutdownRequested) return Promise.reject(new ResponseError(ErrorCodes.InvalidRequest, `${what}: the server is shutting down`));
    return runSafe(what, uri, fallback, token, work);
  }

  /** The client's settings, or undefined when it could not give them (logged). */
  async function pullSettings(): Promise<unknown> {
    try {
      const pulled: unknown = await connection.workspace.getConfiguration(SETTINGS_PREFIX);
      return pulled && typeof pulled === 'object' ? pulled : undefined;
    } catch (error) {
      log('warn', `could not read settings: ${String(error)}`);
      return undefined;
    }
  }

  /**
   * Loads the settings. A pull the client does not answer within `settingsTimeoutMs` stops
   * being waited for: the last settings received stay in force (the defaults or the
   * initialization options at first), so requests and validations go on. When the answer
   * comes after all, it is applied and the open documents are checked again.
   */
  function loadSettings(): Promise<void> {
    if (!supportsConfigurationPull) {
      configure(initializationSettings ?? {});
      return Promise.resolve();
    }
    const pull = ++settingsPulls;
    if (appliedSettingsPull === 0) configure(initializationSettings ?? {});
    return new Promise<void>((resolve) => {
      let waited = true;
      const timer = setTimeout(() => {
        waited = false;
        log('warn', `the client did not answer workspace/configuration within ${settingsTimeoutMs} ms; going on with the last settings received (they are applied when the answer comes)`);
        resolve();
      }, settingsTimeoutMs);
      void pullSettings().then((raw) => {
        clearTimeout(timer);
        // An older answer arriving after a newer one changes nothing.
        if (pull > appliedSettingsPull) {
          appliedSettingsPull = pull;
          if (raw !== undefined) configure(raw);
          if (!waited) {
            log('info', 'the settings arrived late; checking the open documents again');
            scheduleAll(0);
          }
        }
        resolve();
      });
    });
  }

  function ensureSettings(): Promise<void> {
    settingsLoaded ??= projectFilesRead.then(loadSettings).then(() => timeline.mark('settings'));
    return settingsLoaded;
  }

  /** The first result of a check completes the start-up report (logged once, when its diagnostics go out). */
  function startupChecked(result: ValidationOutcome): void {
    timeline.mark('checked');
    timeline.detail(result.timings);
  }

  function reportStartup(uri: string): void {
    const line = timeline.report(path.basename(uriToPath(uri) ?? uri));
    if (line) log('info', line);
  }

  async function validate(uri: string, expectedGeneration: number): Promise<void> {
    const document = documents.get(uri);
    const filePath = uriToPath(uri);
    if (!document || !filePath) return;
    const version = document.version;
    const started = Date.now();
    const result = await runSafe('validation', uri, undefined, undefined, async () => {
      await ensureSettings();
      // Says when the check really starts (after the settings), for whoever reads the log.
      log('debug', `validating ${uri} v${version}`);
      return runner.validate(filePath, expectedGeneration);
    });
    if (!result) return;
    // A newer edit arrived while this ran: its own validation will publish.
    if (expectedGeneration !== generation || documents.get(uri)?.version !== version) return;
    for (const failure of result.failures) log('error', `rule family "${failure.family}" failed for ${uri}: ${failure.error}`);
    startupChecked(result);
    if (publication.needsSending(uri, result.diagnostics)) await connection.sendDiagnostics({ uri, version, diagnostics: diagnosticsForMessage(result.diagnostics) });
    else if (unchangedNotices) await connection.sendNotification(DIAGNOSTICS_UNCHANGED, { uri, version } satisfies DiagnosticsUnchangedParams);
    idle.activity();
    reportStartup(uri);
    watchedFiles?.update(result.watchPaths, workspaceFolders);
    log('debug', `validated ${uri} v${version} in ${Date.now() - started} ms: ${result.diagnostics.count} diagnostics`);
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
    if (pullDiagnostics) {
      // The client pulls after its own edits (and, told interFileDependencies, for its other
      // documents too); anything else (files on disk, settings, folders) needs a refresh.
      if (firstUri === undefined) requestDiagnosticRefresh(delay);
      return;
    }
    for (const document of documents.all()) {
      const background = firstUri !== undefined && document.uri !== firstUri;
      schedule(document.uri, background ? delay + BACKGROUND_VALIDATION_DELAY_MS : delay, current);
    }
  }
  // --- end of validation scheduling ---

  /** Asks a pull client to pull again, once the burst of changes is over (each change restarts the wait). */
  function requestDiagnosticRefresh(delay: number): void {
    if (!diagnosticRefreshSupport || shutdownRequested) return;
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      void connection.languages.diagnostics.refresh().catch((error: unknown) => log('warn', `the client refused workspace/diagnostic/refresh: ${String(error)}`));
    }, delay);
  }

  /**
   * Answers textDocument/diagnostic from the same validation as push. A check that a newer
   * change made stale is answered "server cancelled, ask again", as the protocol provides.
   */
  async function pulledDiagnostics(uri: string, previousResultId: string | undefined): Promise<DocumentDiagnosticReport> {
    const filePath = uriToPath(uri);
    // A document whose text the server lost track of shows nothing until it is reopened.
    if (!filePath || documents.desynchronised(uri) !== undefined) return pulledResults.report(uri, encodeDiagnostics([]), previousResultId);
    await ensureSettings();
    const current = generation;
    const started = Date.now();
    const unchanged = lastPulled.get(uri);
    const result = unchanged?.generation === current ? unchanged.outcome : await runner.validate(filePath, current);
    if (!result || current !== generation) {
      throw new ResponseError<DiagnosticServerCancellationData>(LSPErrorCodes.ServerCancelled, 'a newer change superseded this check', { retriggerRequest: true });
    }
    for (const failure of result.failures) log('error', `rule family "${failure.family}" failed for ${uri}: ${failure.error}`);
    lastPulled.set(uri, { generation: current, outcome: result });
    startupChecked(result);
    idle.activity();
    watchedFiles?.update(result.watchPaths, workspaceFolders);
    log('debug', `${result === unchanged?.outcome ? 'unchanged since the last check of' : 'validated'} ${uri} (pulled) in ${Date.now() - started} ms: ${result.diagnostics.count} diagnostics`);
    const report = pulledResults.report(uri, result.diagnostics, previousResultId);
    // The answer is sent as this returns; reported just before, so the line follows nothing it counts.
    reportStartup(uri);
    return report;
  }

  function schedule(uri: string, delay: number, current: number): void {
    timers.get(uri)?.cancel();
    const run = (): void => {
      timers.delete(uri);
      void validate(uri, current);
    };
    // Without a delay, the next turn of the event loop: setTimeout waits at least 1 ms, a
    // twentieth of a keystroke's check on a 5k-line file (issue #15).
    if (delay <= 0) {
      const immediate = setImmediate(run);
      timers.set(uri, { cancel: () => clearImmediate(immediate) });
    } else {
      const timeout = setTimeout(run, delay);
      timers.set(uri, { cancel: () => clearTimeout(timeout) });
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    timeline.mark('initialize');
    supportsConfigurationPull = params.capabilities.workspace?.configuration === true;
    supportsWorkspaceFolders = params.capabilities.workspace?.workspaceFolders === true;
    pullDiagnostics = params.capabilities.textDocument?.diagnostic !== undefined;
    unchangedNotices = wantsUnchangedNotice(params.capabilities.experimental);
    diagnosticRefreshSupport = params.capabilities.workspace?.diagnostics?.refreshSupport === true;
    watchedFiles = new WatchedFilesRegistration(connection, params.capabilities, (message) => log('warn', message));
    supportsSemanticTokensRefresh = params.capabilities.workspace?.semanticTokens?.refreshSupport === true;
    supportsInlayHintRefresh = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    initializationSettings = (params.initializationOptions as { settings?: unknown } | undefined)?.settings ?? params.initializationOptions ?? {};
    const folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    if (folders.length === 0 && params.rootUri) {
      const root = uriToPath(params.rootUri);
      if (root) folders.push(root);
    }
    workspaceFolders = folders;
    update({ kind: 'folders', folders });
    readProjectFiles();
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
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        workspaceSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND, 'refactor.insert', 'refactor.rewrite'], resolveProvider: false },
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: { delta: true }, range: true },
        signatureHelpProvider: { triggerCharacters: [' '], retriggerCharacters: [' '] },
        inlayHintProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [ServerCommands.convertToPem, ServerCommands.certificateDetails, ServerCommands.generateTestPki, ServerCommands.explainRule, ServerCommands.listRules] },
        // Workspace diagnostics would mean checking every config file of every folder on each pull: not cheap.
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: CLIENT_ID, interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'nginx-mtls-language-server', version: TOOL_VERSION },
    };
  });

  connection.onInitialized(() => {
    timeline.mark('initialized');
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
          readProjectFiles();
          scheduleAll(0);
        });
      });
    }
    if (supportsConfigurationPull) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_PREFIX }).catch(() => undefined);
    }
    watchedFiles?.update([], workspaceFolders);
    log('info', `${CLIENT_ID} language server ready (validation ${runner.where})`);
    // After the messages already read (a didOpen right behind `initialized` calls it off).
    if (warmUp) setImmediate(startWarmUp);
  });

  /** The warm-up, unless a document is open or the server is stopping; its garbage goes with the idle collection. */
  function startWarmUp(): void {
    if (!warmUp) return;
    if (shutdownRequested || documents.all().length > 0) {
      warmUp.cancel();
      return;
    }
    warmUp.run().then((ms) => {
      if (ms === undefined) return;
      timeline.mark('warmed');
      log('debug', `checked a made-up configuration in ${Math.round(ms)} ms, so that the first real check runs warm`);
      idle.activity();
    }, (error: unknown) => log('warn', `the warm-up check failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Asks the client to fetch tokens and hints again: the target version or a certificate on disk changed. */
  function refreshViews(): void {
    if (supportsSemanticTokensRefresh) void connection.languages.semanticTokens.refresh().catch(() => undefined);
    if (supportsInlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  connection.onDidChangeConfiguration((change) => {
    if (!supportsConfigurationPull) {
      const settings = (change.settings as Record<string, unknown> | undefined)?.[SETTINGS_PREFIX];
      if (settings) initializationSettings = settings;
    }
    settingsLoaded = undefined;
    update({ kind: 'discovery' });
    scheduleAll(0);
    void ensureSettings().then(refreshViews);
  });

  connection.onDidChangeWatchedFiles((params) => {
    if (params.changes.some((change) => path.basename(uriToPath(change.uri) ?? '') === PROJECT_FILE_NAME)) readProjectFiles();
    for (const change of params.changes) {
      const filePath = uriToPath(change.uri);
      // Open documents are what the editor says they are; only files on disk changed.
      if (filePath && !documents.isOpen(change.uri)) update({ kind: 'changed', path: filePath });
    }
    update({ kind: 'discovery' });
    scheduleAll(service.settings.validationDelayMs);
    refreshViews();
  });

  function forgetTimer(uri: string): void {
    timers.get(uri)?.cancel();
    timers.delete(uri);
  }

  // --- document synchronisation (the store checks every change before applying it) ---
  connection.onDidOpenTextDocument(({ textDocument: d }) => {
    if (shutdownRequested) return;
    warmUp?.cancel();
    timeline.mark('opened');
    const document = documents.open(d.uri, d.languageId, d.version, d.text);
    publication.forget(d.uri);
    const filePath = uriToPath(document.uri);
    if (filePath) update({ kind: 'open', path: filePath, text: document.getText() });
    scheduleAll(0, document.uri);
  });

  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => {
    if (shutdownRequested) return;
    const outcome = documents.change(d.uri, d.version, contentChanges);
    if (outcome.kind === 'desynchronised') {
      onDesynchronised(d.uri, outcome.reason);
      return;
    }
    if (outcome.kind !== 'applied') return;
    publication.changed(d.uri, contentChanges, outcome.clamped > 0);
    if (outcome.clamped > 0) log('debug', `${d.uri} v${d.version}: ${outcome.clamped} change position(s) past the end of a line were clamped to it`);
    const filePath = uriToPath(d.uri);
    if (filePath) update({ kind: 'open', path: filePath, text: outcome.document.getText() });
    scheduleAll(service.settings.validationDelayMs, d.uri);
  });

  /**
   * The editor and the server no longer agree on the text: anything computed now would sit
   * on the wrong lines. Checks of the document stop (its diagnostics are withdrawn) until the
   * editor sends the whole text again, and the user is told how to get there.
   */
  function onDesynchronised(uri: string, reason: string): void {
    forgetTimer(uri);
    log('error', `the editor sent a change that does not fit ${uri} (${reason}); checks of this document are paused until it is reopened`);
    publication.forget(uri);
    if (pullDiagnostics) requestDiagnosticRefresh(0);
    else void connection.sendDiagnostics({ uri, diagnostics: [] });
    // A notification: nothing to answer, so a client that never replies cannot hold anything up.
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `nginx mTLS lost track of the text of ${uri}: the editor sent a change that does not fit it. Checks of this file are paused; close and reopen it to resume.` });
  }

  connection.onDidCloseTextDocument(({ textDocument: d }) => {
    documents.close(d.uri);
    lastTokens.delete(d.uri);
    if (shutdownRequested) return;
    const filePath = uriToPath(d.uri);
    if (filePath) update({ kind: 'close', path: filePath });
    forgetTimer(d.uri);
    pulledResults.forget(d.uri);
    lastPulled.delete(d.uri);
    publication.forget(d.uri);
    // A pull client drops what it pulled for a closed document itself.
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: d.uri, diagnostics: [] });
    scheduleAll(service.settings.validationDelayMs);
  });
  // --- end of document synchronisation ---

  connection.languages.diagnostics.on((p, token) => answer<DocumentDiagnosticReport>('pull diagnostics', p.textDocument.uri, { kind: 'full', items: [] }, token,
    () => pulledDiagnostics(p.textDocument.uri, p.previousResultId)));

  connection.onHover((params, token) => onDocument('hover', params.textDocument.uri, null, token, async (f) => (await service.hover(f, params.position)) ?? null));

  /**
   * Runs a per-document request with settings loaded; an exception becomes `fallback`. A
   * document whose text the server lost track of gets `fallback` too: answers computed on
   * other text would point at the wrong places.
   */
  function onDocument<T, F>(what: string, uri: string, fallback: F, token: CancellationToken, work: (filePath: string) => Promise<T>): Promise<T | F> {
    return answer<T | F>(what, uri, fallback, token, async () => {
      const filePath = uriToPath(uri);
      if (!filePath || documents.desynchronised(uri) !== undefined) return fallback;
      await ensureSettings();
      return work(filePath);
    });
  }

  connection.onCompletion((p, token) => onDocument('completion', p.textDocument.uri, [], token, (f) => service.completion(f, p.position)));
  connection.onDocumentSymbol((p, token) => onDocument('document symbols', p.textDocument.uri, [], token, (f) => service.documentSymbols(f)));
  connection.onFoldingRanges((p, token) => onDocument('folding ranges', p.textDocument.uri, [], token, (f) => service.foldingRanges(f)));
  connection.onDefinition((p, token) => onDocument('definition', p.textDocument.uri, [], token, (f) => service.definition(f, p.position)));
  connection.onReferences((p, token) => onDocument('references', p.textDocument.uri, [], token, (f) => service.references(f, p.position, p.context.includeDeclaration)));
  connection.onDocumentHighlight((p, token) => onDocument('document highlight', p.textDocument.uri, [], token, (f) => service.documentHighlights(f, p.position)));
  // A refused rename is answered with an error: clients show its message to the user.
  const refusedAsError = <T extends object>(result: T | { error: string }): T | ResponseError<void> =>
    'error' in result && typeof result.error === 'string' ? new ResponseError<void>(ErrorCodes.InvalidRequest, result.error) : (result as T);
  connection.onPrepareRename((p, token) => onDocument('prepare rename', p.textDocument.uri, null, token, async (f) => refusedAsError(await service.prepareRename(f, p.position))));
  connection.onRenameRequest((p, token) => onDocument('rename', p.textDocument.uri, null, token, async (f) => refusedAsError(await service.rename(f, p.position, p.newName))));
  connection.onDocumentLinks((p, token) => onDocument('document links', p.textDocument.uri, [], token, (f) => service.documentLinks(f)));
  connection.onDocumentFormatting((p, token) => onDocument('formatting', p.textDocument.uri, [], token, (f) => refusalAsError(service.format(f, p.options))));
  connection.onDocumentRangeFormatting((p, token) => onDocument('range formatting', p.textDocument.uri, [], token, (f) => refusalAsError(service.format(f, p.options, p.range))));
  connection.onCodeAction((p, token) => onDocument('code actions', p.textDocument.uri, [], token, (f) => runner.codeActions(f, p.range, p.context.only)));
  // --- semantic tokens: the last result per document (lastTokens), so that a client may ask for the difference ---
  let tokenResults = 0;
  const remember = (uri: string, data: number[]): { resultId: string; data: number[] } => {
    const result = { resultId: String(++tokenResults), data };
    lastTokens.set(uri, result);
    return result;
  };
  connection.languages.semanticTokens.on((p, token) => onDocument('semantic tokens', p.textDocument.uri, { data: [] }, token, async (f) => remember(p.textDocument.uri, (await service.semanticTokens(f)).data)));
  connection.languages.semanticTokens.onDelta((p, token) => onDocument('semantic tokens', p.textDocument.uri, { data: [] }, token, async (f) => {
    const previous = lastTokens.get(p.textDocument.uri);
    const current = remember(p.textDocument.uri, (await service.semanticTokens(f)).data);
    return previous?.resultId === p.previousResultId ? { resultId: current.resultId, edits: tokenDelta(previous.data, current.data) } : current;
  }));
  connection.languages.semanticTokens.onRange((p, token) => onDocument('semantic tokens', p.textDocument.uri, { data: [] }, token, (f) => service.semanticTokens(f, p.range)));
  connection.onSignatureHelp((p, token) => onDocument('signature help', p.textDocument.uri, null, token, async (f) => (await service.signatureHelp(f, p.position)) ?? null));
  connection.languages.inlayHint.on((p, token) => onDocument('inlay hints', p.textDocument.uri, [], token, (f) => service.inlayHints(f, p.range)));
  connection.onWorkspaceSymbol((p, token) => answer('workspace symbols', undefined, [], token, async () => {
    await ensureSettings();
    return service.workspaceSymbols(p.query);
  }));

  connection.onExecuteCommand((params, token) => answer(`command ${params.command}`, undefined, null, token, async () => {
    const args = params.arguments ?? [];
    if (params.command === ServerCommands.explainRule) return typeof args[0] === 'string' ? ruleExplanationMarkdown(args[0]) ?? null : null;
    if (params.command === ServerCommands.listRules) return ruleList();
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
        // Loaded on first use: the PKI generator is not needed to start the server (issue #15).
        const { runGenerateTestPkiCommand } = require('./service/generateTestPki') as typeof import('./service/generateTestPki');
        result = await runGenerateTestPkiCommand(args[0], { now: new Date(), confDir });
      } catch (error) {
        // Refusals (existing files, bad names) go back to the user as they are.
        return { error: error instanceof Error ? error.message : String(error) };
      }
      update({ kind: 'certificatesWritten' });
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
      update({ kind: 'changed', path: result.written });
      log('info', `wrote ${result.kind} in PEM form to ${result.written}${document ? '' : ' (config not open)'}`);
      return { written: result.written };
    }
    return null;
  }));

  connection.onShutdown(async () => {
    shutdownRequested = true;
    await runner.dispose();
    for (const timer of timers.values()) timer.cancel();
    timers.clear();
    if (refreshTimer) clearTimeout(refreshTimer);
  });

  connection.listen();
  return {
    get shutdownRequested() {
      return shutdownRequested;
    },
  };
}
