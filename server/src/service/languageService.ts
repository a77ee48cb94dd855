/**
 * The language service facade: open documents layered over the file system, main-config
 * discovery in the workspace folders, and LSP-typed answers. It has no transport in it:
 * the language server, the CLI and the tests all call it directly.
 */
import type { CancellationFlag } from '../analysis/analyzer';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentHighlight,
  DocumentLink,
  DocumentSymbol,
  FoldingRange,
  FormattingOptions,
  Hover,
  InlayHint,
  Location,
  Position,
  Range,
  SemanticTokens,
  SignatureHelp,
  SymbolInformation,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { RuleFamily } from '../analysis/ruleContext';
import { renderInspectedFileMarkdown } from '../certificates/certificateHover';
import { discoverConfigs } from '../model/configDiscovery';
import { resolveConfigPath, type ConfigTree, type PathResolver } from '../model/configTree';
import type { ParsedFile } from '../model/parsedFile';
import type { ContextKind } from '../directives/directiveTable';
import { hoverCertificatePath } from './certificatePathHover';
import { hoverDirective } from './hover';
import { complete } from './completion';
import { completionOptionsFromTrees } from './completionNames';
import { documentLinks, findDefinition, findReferences, workspaceSymbols, type NavigationOptions } from './definition';
import { prepareRename, renameSymbol, type Refusal } from './rename';
import { documentHighlights, hoverSymbol } from './symbolHover';
import { formatDocument, formatRange } from './formatting';
import { fixAllAction, quickFixActions } from './quickFixes';
import { insertActions } from './insertActions';
import { findWorkspaceCertificates, type WorkspaceCertificate } from './workspaceCertificates';
import { documentSymbols, foldingRanges } from './symbols';
import { NodeFileSystem, OverlayFileSystem, type FileSystem } from '../model/fileSystem';
import { DISK_FRESH_MS, RecentDiskReads } from '../model/recentDiskReads';
import { rememberingUris, toDiagnostic } from './lspConvert';
import { DiagnosticParts, joinedUtf8 } from './diagnosticParts';
import type { EncodedDiagnostics } from './encodedDiagnostics';
import { IgnoreMatcher, toAbsoluteIgnoreGlob } from '../project/ignoreGlobs';
import { normalizeSettings, type NginxMtlsSettings } from './settings';
import { WorkspaceAnalysis, type FileAnalysis } from './workspaceAnalysis';
import { encodeTokens, semanticTokens } from './semanticTokens';
import { signatureHelp } from './signatureHelp';
import { inlayHints } from './inlayHints';

export interface LanguageServiceOptions {
  fs?: FileSystem;
  now?: () => Date;
  families?: readonly RuleFamily[];
}

/**
 * Documents without a file (`untitled:`, a new editor tab with a pasted config) are given a
 * path in this directory. No real file can be there (a NUL byte is not allowed in a file
 * name), so they are checked as what they are: a file nothing includes, with no folder for
 * relative paths to start from.
 */
const UNSAVED_DOCUMENTS_DIR = '/\0unsaved';

export function uriToPath(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    if (parsed.scheme === 'untitled') return `${UNSAVED_DOCUMENTS_DIR}/${encodeURIComponent(uri)}`;
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** True for the path of a document that has no file (see UNSAVED_DOCUMENTS_DIR). */
export function isUnsavedDocumentPath(filePath: string): boolean {
  return filePath.startsWith(UNSAVED_DOCUMENTS_DIR + '/');
}

/** Lone UTF-16 surrogates (possible in text sent over LSP) make encodeURIComponent throw. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function pathToUri(filePath: string): string {
  if (isUnsavedDocumentPath(filePath)) return decodeURIComponent(filePath.slice(UNSAVED_DOCUMENTS_DIR.length + 1));
  return URI.file(filePath.replace(LONE_SURROGATE, '\ufffd')).toString();
}

/** Findings that a file named by the configuration could not be opened. */
const FILE_NOT_OPENED_CODES = new Set(['tls.file-not-found', 'nginx.include-not-found']);

/**
 * nginx reads a relative path from the directory of its main configuration; a document that
 * has no file has no directory, so what its relative paths name is unknown, not missing. Such
 * findings become information saying what was not checked and how to get it checked.
 */
function withRelativePathsUnchecked(analysis: FileAnalysis): FileAnalysis {
  const text = analysis.file.text;
  const findings = analysis.findings.map((finding) => {
    if (finding.file !== analysis.file.path || !FILE_NOT_OPENED_CODES.has(finding.code)) return finding;
    const written = text.slice(finding.start, finding.end).replace(/^(["'])(.*)\1$/s, '$2');
    if (path.isAbsolute(written)) return finding;
    return {
      ...finding,
      severity: 'information' as const,
      nginxRefuses: false,
      fixes: undefined,
      message: `Could not check "${written}": this document is not saved, so a relative path has no folder to start from (nginx starts from the directory of its main configuration). Save the document in its configuration folder to check it.`,
    };
  });
  return { ...analysis, findings };
}

export class NginxLanguageService {
  readonly files: OverlayFileSystem;
  /** The disk under the open documents, read again at most once a second unless told of a change (see diskChanged). */
  private readonly recentDisk: RecentDiskReads | undefined;
  readonly analysis: WorkspaceAnalysis;
  private folders: string[] = [];
  private ignored = new IgnoreMatcher([]);
  private discoveredMains: string[] | undefined;
  /** How long the last walk of the folders for main configs took, until someone takes it (see takeDiscoveryTiming). */
  private discoveryTiming: { ms: number; found: number } | undefined;
  private readonly now: () => Date;
  private workspaceCertificates: Promise<WorkspaceCertificate[]> | undefined;
  private readonly diagnosticParts = new DiagnosticParts(pathToUri, (p) => this.analysis.parses.peek(p));

  constructor(options: LanguageServiceOptions = {}) {
    // An injected file system (tests) is read as it is each time.
    if (options.fs) {
      this.files = new OverlayFileSystem(options.fs);
    } else {
      this.recentDisk = new RecentDiskReads(new NodeFileSystem());
      this.files = new OverlayFileSystem(this.recentDisk);
    }
    this.now = options.now ?? (() => new Date());
    // Certificates are read like the configuration files: what was stat-ed within the last second stands.
    this.analysis = new WorkspaceAnalysis({ fs: this.files, now: this.now, families: options.families, certificateStatFreshForMs: this.recentDisk ? DISK_FRESH_MS : 0 });
  }

  get settings(): NginxMtlsSettings {
    return this.analysis.settings;
  }

  /** Applies settings (untrusted input), resolving relative paths against the first workspace folder. */
  configure(raw: unknown): void {
    const settings = normalizeSettings(raw);
    const base = this.folders[0] ?? process.cwd();
    const mappings: Record<string, string> = {};
    for (const [prefix, target] of Object.entries(settings.pathMappings)) mappings[prefix] = path.resolve(base, target);
    settings.pathMappings = mappings;
    if (settings.mainConfig) settings.mainConfig = path.resolve(base, settings.mainConfig);
    settings.ignore = settings.ignore.map((glob) => toAbsoluteIgnoreGlob(base, glob));
    this.ignored = new IgnoreMatcher(settings.ignore);
    this.analysis.settings = settings;
  }

  setWorkspaceFolders(folders: string[]): void {
    this.folders = folders.map((f) => path.resolve(f));
    // Without folders, only each main config's own folder is the project's (see knownRoots).
    this.analysis.knownRoots = this.folders;
    this.discoveredMains = undefined;
  }

  openDocument(filePath: string, text: string): void {
    this.files.setOverlay(filePath, text);
  }

  closeDocument(filePath: string): void {
    this.files.deleteOverlay(filePath);
    // Saved just before it was closed: the disk holds what the editor held.
    this.diskChanged(filePath);
    this.analysis.parses.delete(filePath);
    this.diagnosticParts.forget(filePath);
  }

  /**
   * A file changed on disk (the editor said so, or we wrote it), or, without a path, any file
   * may have: the next check reads the disk again instead of what it read within the last second.
   */
  diskChanged(filePath?: string): void {
    this.recentDisk?.forget(filePath === undefined ? undefined : path.resolve(filePath));
    // The inspector's cache is keyed by mtime and size: a file replaced within the same second
    // by one of the same size (a renewed certificate often is) would look unchanged.
    if (filePath === undefined) this.analysis.certificates.forgetStats();
    else this.analysis.certificates.invalidate(filePath);
  }

  /** Forget discovered main configs (a config file was created, deleted or renamed). */
  invalidateDiscovery(): void {
    this.discoveredMains = undefined;
  }

  /** Forget the certificates found in the workspace (a certificate file changed). */
  invalidateWorkspaceCertificates(): void {
    this.workspaceCertificates = undefined;
  }

  /** Main configs: the configured one, or every main-looking nginx config in the workspace. */
  async mainConfigs(): Promise<string[]> {
    if (this.settings.mainConfig) return [this.settings.mainConfig];
    if (!this.discoveredMains) {
      const started = performance.now();
      const mains: string[] = [];
      for (const folder of this.folders) {
        for (const file of await discoverConfigs(this.files, folder, { maxFiles: 20000, maxDepth: 8 })) {
          if (await this.analysis.isMainConfig(file)) mains.push(file);
        }
      }
      this.discoveredMains = mains;
      this.discoveryTiming = { ms: performance.now() - started, found: mains.length };
    }
    return this.discoveredMains;
  }

  /** The duration of the walk for main configs since the last call, if one ran (the server's start-up report). */
  takeDiscoveryTiming(): { ms: number; found: number } | undefined {
    const timing = this.discoveryTiming;
    this.discoveryTiming = undefined;
    return timing;
  }

  /** Findings for one file, checked through every main config that includes it. */
  async analyzeFile(filePath: string, cancellation?: CancellationFlag): Promise<FileAnalysis | undefined> {
    const resolved = path.resolve(filePath);
    // Nothing can include a document that has no file: it is checked on its own.
    const mains = isUnsavedDocumentPath(resolved) ? [] : await this.mainConfigs();
    const results = await this.analysis.analyzeFiles([resolved], mains, cancellation);
    let result = results.get(resolved);
    // An open main config outside the workspace folders.
    if (!result && (await this.analysis.isMainConfig(resolved))) result = (await this.analysis.analyzeFiles([resolved], [resolved], cancellation)).get(resolved);
    return result && isUnsavedDocumentPath(resolved) ? withRelativePathsUnchecked(result) : result;
  }

  /** Diagnostics of one file; rejects with AnalysisCancelled once `cancellation` is set (at the next check point), or when the file's text changed during the check (see WorkspaceAnalysis.runRules). */
  async validate(filePath: string, cancellation?: CancellationFlag): Promise<{ diagnostics: Diagnostic[]; analysis?: FileAnalysis }> {
    const analysis = await this.reportedAnalysis(filePath, cancellation);
    if (!analysis) return { diagnostics: [] };
    const toUri = rememberingUris(pathToUri);
    return { diagnostics: analysis.findings.map((f) => toDiagnostic(analysis.file, f, toUri, (p) => this.analysis.parses.peek(p))), analysis };
  }

  /** validate's diagnostics as the UTF-8 JSON the language server sends (see encodedDiagnostics.ts). */
  async validateEncoded(filePath: string, cancellation?: CancellationFlag): Promise<{ diagnostics: EncodedDiagnostics; analysis?: FileAnalysis }> {
    const { parts, analysis } = await this.validateParts(filePath, cancellation);
    return { diagnostics: { count: parts.length, utf8: joinedUtf8(parts) }, analysis };
  }

  /** validate's diagnostics as the UTF-8 JSON of each (see diagnosticParts.ts: an unmoved finding gives the same bytes). */
  async validateParts(filePath: string, cancellation?: CancellationFlag): Promise<{ parts: Uint8Array[]; analysis?: FileAnalysis }> {
    const analysis = await this.reportedAnalysis(filePath, cancellation);
    if (!analysis) return { parts: [] };
    return { parts: this.diagnosticParts.parts(analysis.file, analysis.findings), analysis };
  }

  private reportedAnalysis(filePath: string, cancellation?: CancellationFlag): Promise<FileAnalysis | undefined> {
    // An ignored file is still read where a configuration includes it, but never reported on.
    return this.ignored.ignores(filePath) ? Promise.resolve(undefined) : this.analyzeFile(filePath, cancellation);
  }

  /**
   * How a file is read: the main config tree that includes it (its path resolver and the
   * context it is included in), or the file on its own with an inferred context.
   */
  async fileContext(filePath: string): Promise<{ file?: ParsedFile; tree?: ConfigTree; resolver: PathResolver; context: ContextKind }> {
    const resolved = path.resolve(filePath);
    const file = await this.analysis.getParsed(resolved);
    for (const main of await this.mainConfigs()) {
      const tree = await this.analysis.buildTree(main);
      const use = tree.files.get(resolved);
      if (use) return { file, tree, resolver: this.analysis.resolverFor(main), context: [...use.contexts][0] ?? 'main' };
    }
    // The same conf prefix and context the file's diagnostics were computed with.
    const context = file ? this.analysis.inferContext(file).context : 'main';
    return { file, resolver: await this.analysis.standaloneResolver(resolved, await this.mainConfigs()), context };
  }

  async hover(filePath: string, position: Position): Promise<Hover | undefined> {
    const { file, resolver, context } = await this.fileContext(filePath);
    if (!file) return undefined;
    const offset = file.lines.offsetAt(position);
    const pathHover = await hoverCertificatePath(file, offset, {
      now: this.now(),
      resolvePath: (written) => resolveConfigPath(written, resolver),
      inspect: (p) => this.analysis.certificates.inspect(p),
    });
    if (pathHover) return pathHover;
    const nav = await this.navigation(filePath);
    const symbolHover = nav && hoverSymbol(nav.file, offset, { ...nav.options, confDir: resolver.confDir });
    if (symbolHover) return symbolHover;
    return hoverDirective(file, offset, { table: this.analysis.table, rootContext: context, targetVersion: this.settings.targetVersion });
  }

  /**
   * For a service that no longer validates (the server's thread, once the validation worker
   * has taken over): forgets the trees, whose nodes carry what the rules computed (server
   * scopes, request paths, effective values), and the last runs of the rules with their
   * findings. The parses and certificate inspections stay; a feature that needs a tree builds it
   * again from them (a few hundred ms once on a 100k-line tree), without the rules' caches.
   * On the 100k-line bench tree this is about 20 MB of heap of the ~73 MB the first check left.
   */
  releaseValidationState(): void {
    this.analysis.clearTreeCache();
  }

  /** Markdown details of a certificate/key/CA file, for the "Show certificate details" command. */
  async certificateDetails(absolutePath: string): Promise<string> {
    const inspected = await this.analysis.certificates.inspect(absolutePath);
    return `# ${path.basename(absolutePath)}\n\n${renderInspectedFileMarkdown(inspected, { now: this.now(), resolvedPath: absolutePath, role: inspected.certificates.length > 2 ? 'ca-bundle' : undefined })}`;
  }

  /** Trees of every main configuration in the workspace. */
  async allTrees(): Promise<ConfigTree[]> {
    const trees: ConfigTree[] = [];
    for (const main of await this.mainConfigs()) trees.push(await this.analysis.buildTree(main));
    return trees;
  }

  private async navigationContext(filePath: string): Promise<{ file: ParsedFile; offsetOf: (p: Position) => number; trees: ConfigTree[]; resolvePath: (w: string) => string; context: ContextKind } | undefined> {
    const { file, tree, resolver, context } = await this.fileContext(filePath);
    if (!file) return undefined;
    const trees = tree ? [tree, ...(await this.allTrees()).filter((t) => t.mainFile !== tree.mainFile)] : await this.allTrees();
    return { file, offsetOf: (p) => file.lines.offsetAt(p), trees, resolvePath: (w) => resolveConfigPath(w, resolver), context };
  }

  /** The file, its offset conversion and the options every navigation feature takes. */
  private async navigation(filePath: string): Promise<{ file: ParsedFile; offsetOf: (p: Position) => number; options: NavigationOptions } | undefined> {
    const nav = await this.navigationContext(filePath);
    if (!nav) return undefined;
    return { file: nav.file, offsetOf: nav.offsetOf, options: { table: this.analysis.table, rootContext: nav.context, trees: nav.trees, resolvePath: nav.resolvePath, toUri: pathToUri } };
  }

  async completion(filePath: string, position: Position): Promise<CompletionItem[]> {
    const nav = await this.navigationContext(filePath);
    if (!nav) return [];
    const resolver = (await this.fileContext(filePath)).resolver;
    return complete(nav.file, nav.offsetOf(position), {
      table: this.analysis.table,
      rootContext: nav.context,
      targetVersion: this.settings.targetVersion,
      confDir: resolver.confDir,
      resolvePath: nav.resolvePath,
      ...completionOptionsFromTrees(nav.trees, nav.file, nav.context, this.analysis.table),
      readHead: (file) => this.readHead(file),
      listFiles: async (dir) => {
        const names = (await this.files.readDirectory(dir)) ?? [];
        const out: string[] = [];
        for (const name of names.slice(0, 2000)) {
          const st = await this.files.stat(path.join(dir, name));
          out.push(st?.isDirectory ? name + '/' : name);
        }
        return out;
      },
    });
  }

  /** The start of a small file (certificate path completion reads its PEM labels). */
  private async readHead(file: string): Promise<string | undefined> {
    const st = await this.files.stat(file);
    if (!st?.isFile || st.size > 1024 * 1024) return undefined;
    return (await this.files.readText(file))?.slice(0, 8192);
  }

  async documentSymbols(filePath: string): Promise<DocumentSymbol[]> {
    const file = await this.analysis.getParsed(path.resolve(filePath));
    return file ? documentSymbols(file) : [];
  }

  async foldingRanges(filePath: string): Promise<FoldingRange[]> {
    const file = await this.analysis.getParsed(path.resolve(filePath));
    return file ? foldingRanges(file) : [];
  }

  async definition(filePath: string, position: Position): Promise<Location[]> {
    const nav = await this.navigation(filePath);
    return nav ? findDefinition(nav.file, nav.offsetOf(position), nav.options) : [];
  }

  async references(filePath: string, position: Position, includeDeclaration: boolean): Promise<Location[]> {
    const nav = await this.navigation(filePath);
    return nav ? findReferences(nav.file, nav.offsetOf(position), nav.options, includeDeclaration) : [];
  }

  async documentHighlights(filePath: string, position: Position): Promise<DocumentHighlight[]> {
    const nav = await this.navigation(filePath);
    return nav ? documentHighlights(nav.file, nav.offsetOf(position), nav.options) : [];
  }

  /** The range and name a rename at `position` would change, or why nothing there can be renamed. */
  async prepareRename(filePath: string, position: Position): Promise<{ range: Range; placeholder: string } | Refusal> {
    const nav = await this.navigation(filePath);
    return nav ? prepareRename(nav.file, nav.offsetOf(position), nav.options) : { error: 'This file cannot be read.' };
  }

  /** Edits renaming the symbol at `position` in every file of its configuration, or why not. */
  async rename(filePath: string, position: Position, newName: string): Promise<WorkspaceEdit | Refusal> {
    const nav = await this.navigation(filePath);
    return nav ? renameSymbol(nav.file, nav.offsetOf(position), newName, { ...nav.options, toUri: pathToUri }) : { error: 'This file cannot be read.' };
  }

  /** Semantic tokens of the whole file, or of the lines of `range`. */
  async semanticTokens(filePath: string, range?: Range): Promise<SemanticTokens> {
    const { file, tree, context } = await this.fileContext(filePath);
    if (!file) return { data: [] };
    // Inside a main configuration the context is known; on its own only when the file declares it.
    const contextKnown = tree !== undefined || this.analysis.inferContext(file).declared;
    let tokens = semanticTokens(file, { table: this.analysis.table, rootContext: context, contextKnown, targetVersion: this.settings.targetVersion });
    if (range) {
      const start = file.lines.offsetAt(range.start);
      const end = file.lines.offsetAt(range.end);
      tokens = tokens.filter((t) => t.end > start && t.start < end);
    }
    return { data: encodeTokens(file, tokens) };
  }

  async signatureHelp(filePath: string, position: Position): Promise<SignatureHelp | undefined> {
    const { file, context } = await this.fileContext(filePath);
    return file ? signatureHelp(file, file.lines.offsetAt(position), { table: this.analysis.table, rootContext: context }) : undefined;
  }

  /** Inlay hints within `range`; effective defaults need the configuration the file is read in. */
  async inlayHints(filePath: string, range: Range): Promise<InlayHint[]> {
    const { file, tree, resolver, context } = await this.fileContext(filePath);
    if (!file) return [];
    const settings = this.settings;
    if (!settings.inlayHints.certificateExpiry && !settings.inlayHints.effectiveDefaults) return [];
    // A file nothing includes is read on its own, as its diagnostics are.
    const readIn = tree ?? (isUnsavedDocumentPath(file.path) ? undefined : await this.analysis.buildTree(file.path, context, resolver));
    return inlayHints(file, { start: file.lines.offsetAt(range.start), end: file.lines.offsetAt(range.end) }, {
      now: this.now(),
      certificateExpiry: settings.inlayHints.certificateExpiry,
      effectiveDefaults: settings.inlayHints.effectiveDefaults,
      expiryWarningDays: settings.certificateExpiryWarningDays,
      targetVersion: settings.targetVersion,
      table: this.analysis.table,
      tree: readIn,
      resolvePath: (written) => resolveConfigPath(written, resolver),
      inspect: (p) => this.analysis.certificates.inspect(p),
    });
  }

  async workspaceSymbols(query: string): Promise<SymbolInformation[]> {
    return workspaceSymbols(await this.allTrees(), query, pathToUri);
  }

  async documentLinks(filePath: string): Promise<DocumentLink[]> {
    const { file, resolver } = await this.fileContext(filePath);
    return file ? documentLinks(file, (w) => resolveConfigPath(w, resolver), pathToUri) : [];
  }

  async format(filePath: string, options: FormattingOptions, range?: Range): Promise<TextEdit[]> {
    const file = await this.analysis.getParsed(path.resolve(filePath));
    if (!file) return [];
    return range ? formatRange(file, range, options, this.settings.format) : formatDocument(file, options, this.settings.format);
  }

  /** Quick fixes for findings touching `range`, and "fix all" when asked for (or for no particular kind). */
  async codeActions(filePath: string, range: Range, only?: string[]): Promise<CodeAction[]> {
    const analysis = await this.analyzeFile(filePath);
    if (!analysis) return [];
    const file = analysis.file;
    const offsets = { start: file.lines.offsetAt(range.start), end: file.lines.offsetAt(range.end) };
    const wants = (kind: string): boolean => !only || only.length === 0 || only.some((o) => kind === o || kind.startsWith(o + '.'));
    const actions: CodeAction[] = [];
    if (wants('quickfix')) actions.push(...quickFixActions(file, analysis.findings, offsets, pathToUri, (p) => this.analysis.parses.peek(p)));
    if (only?.some((o) => o === 'source' || o.startsWith('source.fixAll'))) {
      const fixAll = fixAllAction(file, analysis.findings, pathToUri);
      if (fixAll) actions.push(fixAll);
    }
    if (wants('refactor.insert') || wants('refactor.rewrite')) {
      const { context, resolver } = await this.fileContext(filePath);
      this.workspaceCertificates ??= findWorkspaceCertificates(this.folders, this.analysis.certificates);
      const inserts = insertActions(file, offsets, {
        rootContext: context,
        workspaceCertificates: await this.workspaceCertificates,
        toUri: pathToUri,
        confDir: resolver.confDir,
        table: this.analysis.table,
      });
      actions.push(...inserts.filter((a) => !a.kind || wants(a.kind)));
    }
    return actions;
  }
}
