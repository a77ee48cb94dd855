/**
 * Assembles configurations and runs the rules for a set of files, without any LSP:
 * finds which main config includes each file (so it is checked in the context nginx reads
 * it in), and checks files nothing includes on their own with an inferred context.
 */
import * as path from 'node:path';
import { analyze, AnalysisCancelled, onOwnStatements, throwIfCancelled, type AnalysisResult, type CancellationFlag, type Resolution, type ResolvedFinding, type ReusedFamily } from '../analysis/analyzer';
import { inspectionKey, type RuleFamily } from '../analysis/ruleContext';
import type { Finding } from '../analysis/finding';
import type { Surface } from '../analysis/settingHints';
import { RULE_FAMILIES } from '../analysis/ruleRegistry';
import { getDirectiveTable, type ContextKind, type DirectiveTable } from '../directives/directiveTable';
import { CertificateInspector } from '../certificates/certificateInspector';
import type { InspectedFile } from '../certificates/certificateTypes';
import { buildConfigTree, resolveConfigPath, type BuildOptions, type ConfigNode, type ConfigTree, type PathResolver } from '../model/configTree';
import { enclosingServer } from '../model/effectiveConfig';
import { isInside, knownLocations } from '../model/knownLocations';
import { rebuildEditedBlock } from '../model/blockRebuild';
import { rebuildIncludedFile } from '../model/incrementalRebuild';
import { declaredContext, inferContext, type InferredContext } from '../model/contextInference';
import type { FileStat, FileSystem, ReadRefusal } from '../model/fileSystem';
import { isRetired, ParseCache, parseStepOf, type ParsedFile } from '../model/parsedFile';
import type { Directive } from '../parser/syntaxTree';
import { DEFAULT_SETTINGS, type NginxMtlsSettings } from './settings';
import { MAX_WATCHED_PATHS, RecentPaths } from './watchedFiles';
import { commentOnlyEdit, moveFindings, moveFindingsPast, type ReusableEdit } from './commentEditReuse';
import { blankOnlyEdit } from './blankEditReuse';
import { blockOnlyEdit, editedBlockNode, type BlockEdit } from './blockEditReuse';
import { argumentOnlyEdit, blocksInheritingEdited, editedBlock, editedPath, findingsOffBlocks, findingsOffOwnStatements, findingsOffStatements, findingsOutsideBlock, onStatementsNamed, unreadByEdit, type ArgumentEdit, type BlocksJudged } from './argumentEditReuse';

export interface FileAnalysis {
  file: ParsedFile;
  findings: ResolvedFinding[];
  /** Main configs this file was checked through; empty when checked on its own. */
  mainFiles: string[];
  /** The context the file was checked in (first one when included in several). */
  context: ContextKind;
  contextGuessed: boolean;
  failures: AnalysisResult['failures'];
}

export interface WorkspaceAnalysisOptions {
  fs: FileSystem;
  settings?: NginxMtlsSettings;
  now?: () => Date;
  table?: DirectiveTable;
  families?: readonly RuleFamily[];
  /** Who shows the findings: messages then name CLI flags or editor settings. Default: editor. */
  surface?: Surface;
  /** Findings that are only reported: no fixes or related locations are made (RuleContext.reportOnly). */
  reportOnly?: boolean;
  /** No analysis after an edit follows (the command line): see RuleContext.oneShot. */
  oneShot?: boolean;
  /** The project's folders (see knownRoots). */
  knownRoots?: readonly string[];
  /** How long a certificate file's stat is taken as still true (CertificateInspectorOptions.statFreshForMs; default 0). */
  certificateStatFreshForMs?: number;
}

/** Top-level directives that only a main nginx.conf has. */
const MAIN_ONLY = new Set(['http', 'events', 'stream', 'mail', 'worker_processes', 'user', 'pid', 'load_module', 'worker_rlimit_nofile']);

export class WorkspaceAnalysis {
  readonly parses = new ParseCache();
  readonly table: DirectiveTable;
  readonly certificates: CertificateInspector;
  settings: NginxMtlsSettings;
  /**
   * The project's folders: the workspace folders of the editor, the folders (and the folders
   * of the files) the CLI checks. Absolute paths outside them, unmapped, are the production
   * host's (see model/knownLocations.ts); the main config's own folder always counts.
   */
  knownRoots: readonly string[];
  private readonly trees = new Map<string, CachedTree>();
  /** The build of each key under way (see buildTree). */
  private readonly building = new Map<string, Promise<ConfigTree>>();
  /** The last analysis of each set of files in each tree, for reuse (see runRules). */
  private readonly lastRuns = new Map<string, LastRun>();
  /** TLS files the checks read lately, for the client's file watchers. */
  private readonly tlsFilesRead = new RecentPaths(MAX_WATCHED_PATHS);
  private readonly now: () => Date;
  private readonly families: readonly RuleFamily[];

  constructor(private readonly options: WorkspaceAnalysisOptions) {
    this.table = options.table ?? getDirectiveTable();
    this.settings = options.settings ?? DEFAULT_SETTINGS;
    this.now = options.now ?? (() => new Date());
    this.families = options.families ?? RULE_FAMILIES;
    this.knownRoots = options.knownRoots ?? [];
    this.certificates = new CertificateInspector({ statFreshForMs: options.certificateStatFreshForMs });
  }

  get fs(): FileSystem {
    return this.options.fs;
  }

  async getParsed(filePath: string): Promise<ParsedFile | undefined> {
    const text = await this.options.fs.readText(filePath);
    if (text === undefined) return undefined;
    return this.parses.get(filePath, text);
  }

  /** True when the file looks like a main nginx.conf (it opens http/events/stream or sets worker options). */
  async isMainConfig(filePath: string): Promise<boolean> {
    const parsed = await this.getParsed(filePath);
    if (!parsed) return false;
    return parsed.syntax.statements.some((s) => MAIN_ONLY.has(s.name));
  }

  resolverFor(mainFile: string): PathResolver {
    return { confDir: path.dirname(mainFile), pathMappings: this.settings.pathMappings };
  }

  /**
   * How paths resolve in a file that no main configuration includes. nginx reads a relative
   * path from its conf prefix, the folder of the main nginx.conf, never from the including
   * file's folder (Debian's snippets/fastcgi-php.conf includes "fastcgi.conf", which is
   * /etc/nginx/fastcgi.conf). The prefix is, in order: a main config's own folder; the
   * folder of the configured main config (nginxMtls.mainConfig, CLI --main); of a main config
   * of this check whose folder holds the file; of the nearest main nginx.conf in a folder
   * above it; the local folder of a path mapping that holds it. Otherwise it is unknown, and
   * the file's own folder stands in without any missing relative path being called an error.
   */
  async standaloneResolver(filePath: string, mainFiles: readonly string[] = []): Promise<PathResolver> {
    const pathMappings = this.settings.pathMappings;
    const known = (confDir: string): PathResolver => ({ confDir, pathMappings });
    // A main config checked on its own is nginx's -c file: its folder is the conf prefix.
    if (await this.isMainConfig(filePath)) return known(path.dirname(filePath));
    if (this.settings.mainConfig) return known(path.dirname(path.resolve(this.settings.mainConfig)));
    const holding = nearest(filePath, mainFiles.map((m) => path.dirname(path.resolve(m))));
    if (holding) return known(holding);
    for (let dir = path.dirname(filePath); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'nginx.conf');
      if (candidate !== filePath && (await this.options.fs.stat(candidate))?.isFile && (await this.isMainConfig(candidate))) return known(dir);
      if (path.dirname(dir) === dir) break;
    }
    const mapped = nearest(filePath, Object.values(pathMappings));
    if (mapped) return known(mapped);
    return { confDir: path.dirname(filePath), confDirUnknown: true, pathMappings };
  }

  /**
   * The configuration tree of a main file. A tree built before is reused when every input
   * its build read is still the same (see CachedTree), so an unchanged 100k-line tree is
   * checked in a few milliseconds instead of being assembled again; the result is the tree
   * a fresh build would give.
   */
  async buildTree(mainFile: string, rootContext: ContextKind = 'main', resolver: PathResolver = this.resolverFor(mainFile)): Promise<ConfigTree> {
    const key = `${mainFile}\0${rootContext}\0${resolver.confDir}\0${resolver.confDirUnknown === true}\0${JSON.stringify(resolver.pathMappings)}`;
    // One build of a key at a time. A rebuild takes the cached tree apart and patches its
    // indexes in place; a second caller meanwhile (a code action while the check of the same
    // keystroke runs) rebuilt the same tree again, into the arrays the first one's new tree
    // holds: the editor kept a fixed problem until the next keystroke. It waits, then starts
    // from the first one's tree.
    for (let pending = this.building.get(key); pending; pending = this.building.get(key)) await pending.catch(() => undefined);
    const build = this.buildTreeOnce(key, mainFile, rootContext, resolver);
    this.building.set(key, build);
    try {
      return await build;
    } finally {
      if (this.building.get(key) === build) this.building.delete(key);
    }
  }

  private async buildTreeOnce(key: string, mainFile: string, rootContext: ContextKind, resolver: PathResolver): Promise<ConfigTree> {
    const cached = this.trees.get(key);
    const changed = cached ? await this.changedInputs(cached.inputs) : undefined;
    let entry: CachedTree | undefined;
    if (cached && changed && changed.length === 0) entry = cached;
    else if (cached && changed) {
      // The rebuild takes the cached tree apart and updates its inputs in place: until it has
      // made the new tree, nothing is cached under the key (a rebuild that fails or throws
      // leaves no half-made tree behind).
      this.trees.delete(key);
      entry = await this.rebuildChangedFiles(cached, changed, mainFile, rootContext, resolver);
    }
    if (!entry) {
      const inputs = new Map<string, TreeInput>();
      const tree = await buildConfigTree(this.recordingBuildOptions(inputs, mainFile, rootContext, resolver));
      entry = { tree, inputs };
    }
    // What a later analysis of this tree may reuse from the analysis of the tree before it.
    if (cached && changed && entry.tree !== cached.tree) treeLineage.set(entry.tree, { previous: treeId(cached.tree), changed });
    rememberRecent(this.trees, key, entry);
    return entry.tree;
  }

  private recordingBuildOptions(inputs: Map<string, TreeInput>, mainFile: string, rootContext: ContextKind, resolver: PathResolver): BuildOptions {
    return {
      fs: new RecordingFileSystem(this.options.fs, inputs),
      table: this.table,
      getParsed: async (p) => {
        // A snippet included by 2,000 servers is read and recorded once per build.
        const key = `parsed\0${p}`;
        const seen = inputs.get(key);
        if (seen?.kind === 'parsed') return seen.parsed;
        const parsed = await this.getParsed(p);
        inputs.set(key, { kind: 'parsed', path: p, parsed });
        return parsed;
      },
      mainFile,
      rootContext,
      resolver,
    };
  }

  /**
   * When the only inputs that changed are file texts, the tree is updated in place instead
   * of being assembled again: an edit the parse could confine to one block rebuilds that
   * block's nodes (model/blockRebuild.ts), in the main file too; otherwise an edited included
   * file is built again where it is spliced in (someone typing in a site file of a large
   * tree). Undefined when a full build is needed.
   */
  private async rebuildChangedFiles(cached: CachedTree, changed: readonly TreeInput[], mainFile: string, rootContext: ContextKind, resolver: PathResolver): Promise<CachedTree | undefined> {
    if (!changed.every((input) => input.kind === 'parsed')) return undefined;
    // Not a copy: 403 entries on the benchmark tree, copied at every keystroke (#15).
    const inputs = cached.inputs;
    let tree: ConfigTree | undefined = cached.tree;
    for (const input of changed) {
      const parsed = await this.getParsed(input.path);
      if (!parsed || !tree || input.kind !== 'parsed' || !input.parsed) return undefined;
      inputs.set(`parsed\0${input.path}`, { kind: 'parsed', path: input.path, parsed });
      const options = this.recordingBuildOptions(inputs, mainFile, rootContext, resolver);
      const step = parseStepOf(parsed);
      const inBlock: ConfigTree | undefined = step ? await rebuildEditedBlock(tree, options, input.parsed, parsed, step) : undefined;
      if (inBlock) tree = inBlock;
      else if (input.path === mainFile) return undefined;
      else tree = await rebuildIncludedFile(tree, options, parsed);
    }
    // The old tree shares blocks with the new one and must not be used again.
    return tree ? { tree, inputs } : undefined;
  }

  /**
   * The files whose change on disk can change what the checks found: the TLS files they read
   * and the files the cached configuration trees were built from (included configs, files
   * whose existence a directive depends on). Include folders are left to the client's globs.
   */
  watchablePaths(): string[] {
    const paths = new Set(this.tlsFilesRead.list());
    for (const { inputs } of this.trees.values()) {
      for (const input of inputs.values()) if (input.kind !== 'directory' && paths.size < MAX_WATCHED_PATHS) paths.add(input.path);
    }
    return [...paths];
  }

  /**
   * Forgets the last runs of the rules, so that the next check runs every family: a file on
   * disk changed (the editor said so), and what a family read from it (a password file, a
   * folder a fix looks into) may have changed with it, which no text edit shows.
   */
  forgetLastRuns(): void {
    this.lastRuns.clear();
  }

  /** Forgets every cached tree and the last runs of the rules (the next buildTree() assembles from the parses). */
  clearTreeCache(): void {
    this.trees.clear();
    this.lastRuns.clear();
  }

  /**
   * The recorded inputs that a new build would see differently (all of them are checked).
   * Answers at hand (open documents, fresh reads) are compared without a promise: awaiting
   * each of the 403 inputs of the benchmark tree made 0.2 MB of garbage per keystroke (#15).
   */
  private async changedInputs(inputs: ReadonlyMap<string, TreeInput>): Promise<TreeInput[]> {
    const changed: TreeInput[] = [];
    for (const input of inputs.values()) {
      const same = this.sameAtHand(input) ?? (await this.sameAfterReading(input));
      if (!same) changed.push(input);
    }
    return changed;
  }

  /** Whether a recorded input is still what a build would see, when the file system knows without reading. */
  private sameAtHand(input: TreeInput): boolean | undefined {
    const fs = this.options.fs;
    const known = input.kind === 'stat' ? fs.statAtHand?.(input.path) : input.kind === 'directory' ? fs.directoryAtHand?.(input.path) : fs.textAtHand?.(input.path);
    return known && this.answersAsRecorded(input, known.value);
  }

  private async sameAfterReading(input: TreeInput): Promise<boolean> {
    const fs = this.options.fs;
    const answer = input.kind === 'stat' ? await fs.stat(input.path) : input.kind === 'directory' ? await fs.readDirectory(input.path) : await fs.readText(input.path);
    return this.answersAsRecorded(input, answer);
  }

  /**
   * Whether the file system's answer for an input's path (its stat, its folder listing, or its
   * text for the other kinds) is what the build recorded: one comparison for answers at hand and
   * answers read.
   */
  private answersAsRecorded(input: TreeInput, answer: string | FileStat | readonly string[] | undefined): boolean {
    switch (input.kind) {
      case 'parsed':
        // The parse cache hands out the same object while a file's text is unchanged.
        return (typeof answer === 'string' ? this.parses.get(input.path, answer) : undefined) === input.parsed;
      case 'text':
        return answer === input.text;
      case 'stat':
        return statKind(answer as FileStat | undefined) === input.stat;
      case 'directory':
        return sameNames(answer as readonly string[] | undefined, input.names);
    }
  }

  /**
   * Checks `files` given the candidate main configs. Each file gets the findings of every
   * main tree that includes it (deduplicated), or a standalone check when none does.
   * `standaloneContext` (the CLI's --context) is the context of those standalone files
   * that declare none themselves, used as if declared instead of a guess.
   */
  async analyzeFiles(files: readonly string[], mainFiles: readonly string[], cancellation?: CancellationFlag, standaloneContext?: ContextKind): Promise<Map<string, FileAnalysis>> {
    const result = new Map<string, FileAnalysis>();
    const wanted = new Set(files.map((f) => path.resolve(f)));
    for (const mainFile of mainFiles) {
      throwIfCancelled(cancellation);
      const tree = await this.buildTree(path.resolve(mainFile));
      const inTree = [...tree.files.values()].filter((use) => wanted.has(use.parsed.path)).map((use) => use.parsed);
      if (inTree.length === 0) continue;
      const analysis = await this.runRules(tree, inTree, false, undefined, cancellation);
      // Findings per file in one pass (a filter per file was 200 x 12,000 steps on a large tree).
      const byFile = new Map<string, ResolvedFinding[]>();
      for (const finding of analysis.findings) {
        const list = byFile.get(finding.file);
        if (list) list.push(finding);
        else byFile.set(finding.file, [finding]);
      }
      for (const parsed of inTree) {
        const existing = result.get(parsed.path);
        const findings = byFile.get(parsed.path) ?? [];
        const context = [...(tree.files.get(parsed.path)?.contexts ?? [])][0] ?? 'main';
        if (existing) {
          existing.mainFiles.push(tree.mainFile);
          existing.findings = mergeFindings(existing.findings, findings);
          existing.failures.push(...analysis.failures);
        } else {
          result.set(parsed.path, { file: parsed, findings, mainFiles: [tree.mainFile], context, contextGuessed: false, failures: [...analysis.failures] });
        }
      }
    }
    for (const filePath of wanted) {
      if (result.has(filePath)) continue;
      throwIfCancelled(cancellation);
      const parsed = standaloneContext ? await this.getParsed(filePath) : undefined;
      // The file's own `# nginx-mtls-context:` comment is the more specific statement.
      const given = parsed && !declaredContext(parsed) ? standaloneContext : undefined;
      const standalone = await this.analyzeStandalone(filePath, given, mainFiles, cancellation);
      if (standalone) result.set(filePath, standalone);
    }
    return result;
  }

  /**
   * Checks one file on its own, in a declared, given or inferred context, with paths
   * resolved as in standaloneResolver (`mainFiles`: the main configs of this check).
   */
  async analyzeStandalone(filePath: string, context?: ContextKind, mainFiles: readonly string[] = [], cancellation?: CancellationFlag): Promise<FileAnalysis | undefined> {
    const parsed = await this.getParsed(filePath);
    if (!parsed) return undefined;
    const inferred = context ? { context, declared: true, acceptedSomewhere: undefined } : this.inferContext(parsed);
    const resolver = context === 'main' ? this.resolverFor(filePath) : await this.standaloneResolver(filePath, mainFiles);
    const tree = await this.buildTree(filePath, inferred.context, resolver);
    const analysis = await this.runRules(tree, [parsed], !inferred.declared, inferred.acceptedSomewhere, cancellation);
    return { file: parsed, findings: analysis.findings, mainFiles: [], context: inferred.context, contextGuessed: !inferred.declared, failures: analysis.failures };
  }

  /**
   * The context of a file nothing includes, declared or guessed for the target version. Worked
   * out once per parse (the check, hover, semantic tokens and inlay hints of a snippet all ask).
   */
  inferContext(parsed: ParsedFile): InferredContext {
    const known = this.inferredContexts.get(parsed);
    if (known && known.version === this.settings.targetVersion) return known.inferred;
    const inferred = inferContext(parsed, this.table, this.settings.targetVersion);
    this.inferredContexts.set(parsed, { version: this.settings.targetVersion, inferred });
    return inferred;
  }

  private readonly inferredContexts = new WeakMap<ParsedFile, { version: string | undefined; inferred: InferredContext }>();

  /**
   * Runs the rules, or moves the findings of the last run of the same files when nothing a
   * rule reads has changed since: the edits in between were inside comments (see
   * commentEditReuse.ts) or blanks between words (blankEditReuse.ts), every certificate file
   * inspected reads the same, and the settings and clock are those of that run (within
   * RUN_REUSE_MS); when one of those findings cannot be moved, the families whose findings all
   * can keep them, and only the others run. After an edit inside the arguments of one directive
   * (argumentEditReuse.ts), the families that never read that directive's arguments keep their
   * last findings, moved, and only the others run.
   */
  private async runRules(tree: ConfigTree, files: ParsedFile[], contextGuessed: boolean, acceptedSomewhere?: ReadonlySet<Directive>, cancellation?: CancellationFlag): Promise<AnalysisResult> {
    const key = `${tree.mainFile}\0${tree.rootContext}\0${tree.confDir}\0${tree.confDirUnknown === true}\0${contextGuessed}\0${files.map((f) => f.path).join('\0')}`;
    const now = this.now();
    const last = this.lastRuns.get(key);
    const since = last ? await this.editsSince(last, tree, files, now) : undefined;
    if (last && since?.kind === 'unread') {
      let findings: ResolvedFinding[] | undefined = last.result.findings;
      for (const edit of since.edits) findings = findings && moveFindings(findings, edit);
      if (findings) {
        const reused: AnalysisResult = { findings, failures: last.result.failures };
        // Each family's findings wait for the next argument edit with the edits to move them past; after many, they are dropped.
        const familyEdits = [...last.familyEdits, ...since.edits];
        const byFamily = familyEdits.length <= MAX_FAMILY_EDITS ? last.result.byFamily : undefined;
        // A family finding unmoved since still resolves to the same object (see AnalysisResult.resolutions).
        const resolutions = byFamily && last.result.resolutions;
        rememberRecent(this.lastRuns, key, { ...last, tree: treeId(tree), files, result: { ...reused, byFamily, resolutions }, familyEdits: byFamily ? familyEdits : [] });
        return reused;
      }
    }
    const inspections = new Map<string, Inspection<Promise<InspectedFile>>>();
    const inspect = this.recordingInspector(inspections);
    const reusedFamilies = !last || !since ? undefined
      : since.kind === 'arguments' ? await this.reusedFamilies(last, since.edit, tree, files, inspect)
        : since.kind === 'block' ? blockLocalFamiliesKept(last, since.edit, tree, files, this.families) : familiesMovedPast(last, since.edits);
    const result = await this.runRulesFresh(tree, files, contextGuessed, acceptedSomewhere, cancellation, now, inspect, reusedFamilies, reusedFamilies && last?.result.resolutions);
    // A file's text changed while the rules ran and its new parse moved the nodes they were
    // reading (model/parsedFile.ts): the findings may mix two versions. The newer text gets
    // its own check; this one is dropped like a superseded one.
    for (const use of tree.files.values()) if (isRetired(use.parsed)) throw new AnalysisCancelled();
    const inspected = await Promise.all([...inspections.values()].map(async ({ path: p, options, result: r }) => ({ path: p, options, result: await r })));
    // Reused findings saw the last run's certificates (checked unchanged above) and its clock.
    const carried = reusedFamilies ? last : undefined;
    const run: LastRun = {
      tree: treeId(tree), files, settings: this.settings, knownRoots: this.knownRoots, now: carried?.now ?? now.getTime(),
      inspected: carried ? uniqueInspections([...carried.inspected, ...inspected]) : inspected, result, familyEdits: [],
    };
    // An analysis no other follows (the command line's): what each family found is not kept for a next run.
    if (this.options.oneShot) run.result = { findings: result.findings, failures: result.failures };
    rememberRecent(this.lastRuns, key, run);
    return result;
  }

  /**
   * The edits since the last run of the same files, when the rules may reuse its findings:
   * the same settings, clock within RUN_REUSE_MS, the same tree or one rebuilt from it where
   * only file texts changed, every certificate file inspected reading the same, and each
   * edited file changed inside comments or in the blanks between words (edits no check
   * reads), or exactly one inside the arguments of a directive, or in the statements of one block's body.
   */
  private async editsSince(last: LastRun, tree: ConfigTree, files: readonly ParsedFile[], now: Date):
    Promise<{ kind: 'unread'; edits: ReusableEdit[] } | { kind: 'arguments'; edit: ArgumentEdit } | { kind: 'block'; edit: BlockEdit } | undefined> {
    const age = now.getTime() - last.now;
    if (age < 0 || age > RUN_REUSE_MS || last.settings !== this.settings || last.knownRoots !== this.knownRoots) return undefined;
    if (files.length !== last.files.length || files.some((f, i) => f.path !== last.files[i].path)) return undefined;
    // The tree's own inputs: the same tree, or one built from it where only file texts changed.
    let edited: readonly TreeInput[] = [];
    if (treeId(tree) !== last.tree) {
      const lineage = treeLineage.get(tree);
      if (!lineage || lineage.previous !== last.tree || !lineage.changed.every((input) => input.kind === 'parsed')) return undefined;
      edited = lineage.changed;
    }
    const edits: ReusableEdit[] = [];
    let argumentEdit: ArgumentEdit | undefined;
    let blockEdit: BlockEdit | undefined;
    for (const input of edited) {
      const before = input.kind === 'parsed' ? input.parsed : undefined;
      const after = tree.files.get(input.path)?.parsed;
      if (!before || !after) return undefined;
      const edit = commentOnlyEdit(before, after) ?? blankOnlyEdit(before, after);
      if (edit) {
        edits.push(edit);
        continue;
      }
      argumentEdit = edited.length === 1 ? argumentOnlyEdit(before, after) : undefined;
      blockEdit = edited.length === 1 && !argumentEdit ? blockOnlyEdit(before, after) : undefined;
      if (!argumentEdit && !blockEdit) return undefined;
    }
    for (const { path: p, options, result } of last.inspected) {
      this.tlsFilesRead.add(p);
      if (!sameInspection(result, await this.certificates.inspect(p, options))) return undefined;
    }
    return argumentEdit ? { kind: 'arguments', edit: argumentEdit } : blockEdit ? { kind: 'block', edit: blockEdit } : { kind: 'unread', edits };
  }

  /**
   * What the families take of the last run after an edit inside the arguments of one
   * directive: the findings of those that never read it, moved to the current text, and of
   * those that read it only as the certificates of the file it names when that file has none
   * before and after; of the block-local ones, those outside the edited block's body, which they
   * check again; of the statement-local ones and those that read it in place, those off the
   * block's own statements, which they check again; of those that read it as an array inherited
   * whole, those off the edited block and the blocks inheriting it from there, which they judge again.
   */
  private async reusedFamilies(last: LastRun, edit: ArgumentEdit, tree: ConfigTree, files: readonly ParsedFile[], inspect: Inspect): Promise<Map<string, ReusedFamily> | undefined> {
    const found = last.result.byFamily;
    if (!found) return undefined;
    const reused = new Map<string, ReusedFamily>();
    let block: ConfigNode | undefined | null = null;
    let judged: BlocksJudged | undefined | null = null;
    let certificateFree: boolean | undefined;
    for (const family of this.families) {
      const earlier = found.get(family.name);
      const unread = unreadByEdit(family, edit);
      const asCertificates = !unread && family.argumentsReadAsCertificates?.has(edit.directive) === true;
      const ownStatements = family.statementLocal === true || family.argumentsReadInPlace?.has(edit.directive) === true;
      const readFor = unread || ownStatements ? undefined : family.argumentsReadFor?.get(edit.directive);
      if (!earlier || (!unread && !family.blockLocal && !ownStatements && !asCertificates && !readFor)) continue;
      const moved = moveFindingsPast(earlier, last.familyEdits);
      if (!moved) continue;
      // What such a family reads of the edited statement is unchanged: no certificates, before and after.
      if (unread || (asCertificates && (certificateFree ??= await this.namesNoCertificates(tree, edit, inspect)))) {
        const kept = moveFindings(moved, edit);
        if (kept) reused.set(family.name, { kept });
        continue;
      }
      if (readFor) {
        const statements = onStatementsNamed(tree, readFor);
        const kept = findingsOffStatements(moved, statements, edit);
        if (kept) reused.set(family.name, { kept, rerunFor: { names: readFor, holds: (place) => statements.holds(place) } });
        continue;
      }
      if (family.inheritedArrays?.has(edit.directive)) {
        if (judged === null) judged = blocksInheritingEdited(tree, edit, files.map((f) => f.path));
        const kept = judged && findingsOffBlocks(moved, judged, edit);
        if (judged && kept) {
          reused.set(family.name, { kept, rerunOn: judged });
          continue;
        }
      }
      if (!family.blockLocal && !ownStatements) continue;
      if (block === null) block = editedBlock(tree, edit);
      // A statement-local family (or one reading the directive in place) checks the block's own
      // statements again, a block-local one its whole body.
      const kept = block && (ownStatements ? findingsOffOwnStatements(moved, block, edit) : findingsOutsideBlock(moved, block, edit));
      if (block && kept) reused.set(family.name, ownStatements ? { kept, rerunIn: block, ownStatementsOnly: true } : { kept, rerunIn: block });
    }
    return reused.size > 0 ? reused : undefined;
  }

  /**
   * True when the edited statement has one argument before and after the edit, a file path
   * both times, and neither file holds a certificate (a path being typed names no file yet):
   * a family that reads the directive only as the certificates of its file
   * (RuleFamily.argumentsReadAsCertificates) then finds what it found.
   */
  private async namesNoCertificates(tree: ConfigTree, edit: ArgumentEdit, inspect: Inspect): Promise<boolean> {
    const paths = editedPath(tree, edit);
    if (!paths) return false;
    for (const written of [paths.before, paths.after]) {
      // Inline data and other schemes (data:, engine:, store:) are not file paths.
      if (/^[a-z][a-z0-9+.-]*:/i.test(written)) return false;
      const file = await inspect(resolveConfigPath(written, this.pathResolver(tree)));
      if (file.certificates.length > 0) return false;
    }
    return true;
  }

  private pathResolver(tree: ConfigTree): PathResolver {
    return { confDir: tree.confDir, confDirUnknown: tree.confDirUnknown, pathMappings: this.settings.pathMappings };
  }

  /**
   * The inspection of the certificate files of one run: rules ask for the same few files once
   * per server or location, and within one run each file is inspected (or its cache entry
   * stat-checked) only once; `inspections` records what was read, for the next run's reuse.
   */
  private recordingInspector(inspections: Map<string, Inspection<Promise<InspectedFile>>>): Inspect {
    return (absolutePath, options) => {
      const key = inspectionKey(absolutePath, options);
      let pending = inspections.get(key);
      if (!pending) {
        this.tlsFilesRead.add(absolutePath);
        pending = { path: absolutePath, options, result: this.certificates.inspect(absolutePath, options) };
        inspections.set(key, pending);
      }
      return pending.result;
    };
  }

  private runRulesFresh(tree: ConfigTree, files: ParsedFile[], contextGuessed: boolean, acceptedSomewhere: ReadonlySet<Directive> | undefined, cancellation: CancellationFlag | undefined, now: Date,
    inspect: Inspect, reusedFamilies?: ReadonlyMap<string, ReusedFamily>, resolutions?: ReadonlyMap<Finding, Resolution>): Promise<AnalysisResult> {
    const resolver = this.pathResolver(tree);
    const resolvedPaths = new Map<string, string>();
    return analyze({
      tree,
      table: this.table,
      settings: this.settings,
      now,
      contextGuessed,
      acceptedSomewhere,
      files,
      surface: this.options.surface ?? 'editor',
      reportOnly: this.options.reportOnly === true,
      oneShot: this.options.oneShot === true,
      resolvePath: (written) => {
        // Thousands of directives name the same few files.
        let resolved = resolvedPaths.get(written);
        if (resolved === undefined) {
          resolved = resolveConfigPath(written, resolver);
          resolvedPaths.set(written, resolved);
        }
        return resolved;
      },
      // A file no main configuration includes (its context guessed) is not part of this
      // machine's live configuration, even when it sits in /etc/nginx: nginx never opens its files.
      isKnownLocation: knownLocations(tree, resolver, this.knownRoots, { loadedByNginx: !contextGuessed }).isKnownLocation,
      inspect,
    }, this.families, cancellation, reusedFamilies, resolutions);
  }
}

/** Of the folders that hold the file, the deepest one. */
function nearest(filePath: string, folders: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const folder of folders) {
    const dir = path.resolve(folder);
    if (isInside(filePath, dir) && (!best || dir.length > best.length)) best = dir;
  }
  return best;
}

/** Trees kept for reuse (main configs plus standalone files recently checked). */
const MAX_CACHED_TREES = 16;

/**
 * After edits no check reads, when a finding of the last run cannot be moved past them (it
 * quotes the edited statement, as a fix that copies inherited header lines does): the families
 * whose findings all move keep them, and only the others run again.
 */
function familiesMovedPast(last: LastRun, edits: readonly ReusableEdit[]): Map<string, ReusedFamily> | undefined {
  const found = last.result.byFamily;
  if (!found) return undefined;
  const reused = new Map<string, ReusedFamily>();
  for (const [name, earlier] of found) {
    const moved = moveFindingsPast(earlier, [...last.familyEdits, ...edits]);
    if (moved) reused.set(name, { kept: moved });
  }
  return reused.size > 0 ? reused : undefined;
}

/**
 * After an edit of the statements in one block's body (blockEditReuse.ts): the block-local
 * families check that body again, the server-local ones (and, in an http server, those
 * server-local unless the edit changed a statement they read across servers) the body of the
 * server around it (or that is it) and the own statements of the http or stream block above that
 * server; each keeps its findings elsewhere, moved past the edit. The others run again over everything.
 */
function blockLocalFamiliesKept(last: LastRun, edit: BlockEdit, tree: ConfigTree, files: readonly ParsedFile[], families: readonly RuleFamily[]): Map<string, ReusedFamily> | undefined {
  const found = last.result.byFamily;
  const wanted = new Set(files.map((f) => f.path));
  const block = found && editedBlockNode(tree, edit, wanted);
  if (!found || !block) return undefined;
  const server = serverAround(block);
  // The level's own statements are checked again only when a wanted file writes one: a site file
  // of a large tree holds servers only, and the http level's statements stand in nginx.conf.
  const levelAbove = server?.level.children.some((c) => !c.directive.block && wanted.has(c.file.path)) ? server.level : undefined;
  const reused = new Map<string, ReusedFamily>();
  for (const family of families) {
    const earlier = family.blockLocal || (server && serverLocalFor(family, edit, server, tree)) ? found.get(family.name) : undefined;
    const moved = earlier && moveFindingsPast(earlier, last.familyEdits);
    if (!moved) continue;
    if (family.blockLocal) {
      const kept = findingsOutsideBlock(moved, block, edit);
      if (kept) reused.set(family.name, { kept, rerunIn: block });
    } else if (server) {
      const kept = findingsOutsideBlock(moved, server.node, edit, !family.serverLocal)?.filter((f) => !onOwnStatements(f, server.level));
      if (kept) reused.set(family.name, { kept, rerunIn: server.node, levelAbove });
    }
  }
  return reused.size > 0 ? reused : undefined;
}

/** True when the family checks only the server around the edited block (RuleFamily.serverLocal, serverLocalUnless, acrossServersOnlyFrom). */
function serverLocalFor(family: RuleFamily, edit: BlockEdit, server: { node: ConfigNode; level: ConfigNode }, tree: ConfigTree): boolean {
  if (family.serverLocal) return true;
  const across = family.serverLocalUnless;
  if (!across || server.level.directive.name !== 'http') return false;
  for (const name of edit.names) {
    if (across.has(name) && family.acrossServersOnlyFrom?.get(name)?.(server.node, tree) !== false) return false;
  }
  return true;
}

/** The http or stream server that is `block` or holds it (enclosingServer), with the http or stream block at the top level right above it. */
function serverAround(block: ConfigNode): { node: ConfigNode; level: ConfigNode } | undefined {
  const node = enclosingServer(block);
  const level = node?.parent;
  if (!node || !level || level.parent || (level.directive.name !== 'http' && level.directive.name !== 'stream')) return undefined;
  return { node, level };
}

/**
 * How long the findings of one analysis are reused across comment edits: findings depend on
 * the clock (days until a certificate expires), so a run at most this old stands for a new one.
 */
const RUN_REUSE_MS = 10_000;
/** Comment edits after which a run's findings per family are no longer kept for reuse (each later reuse would move them past every one). */
const MAX_FAMILY_EDITS = 32;

interface LastRun {
  /** The tree analysed (its treeId: holding the tree would keep every old tree alive). */
  tree: number;
  files: readonly ParsedFile[];
  settings: NginxMtlsSettings;
  knownRoots: readonly string[];
  /** When the rules ran (a reused result keeps the time of the run it came from). */
  now: number;
  /** Each certificate file the rules inspected, with what they saw. */
  inspected: Inspection<InspectedFile>[];
  result: AnalysisResult;
  /** Edits no check reads (comments, blanks between words) made since `result.byFamily` was found: its findings are moved past them before reuse. */
  familyEdits: readonly ReusableEdit[];
}

/** One certificate file a run of the rules inspected, with the options and what it saw (or will). */
/** Inspects a certificate file for the rules (RuleContext.inspect). */
type Inspect = (absolutePath: string, options?: { passphrases?: string[] }) => Promise<InspectedFile>;

interface Inspection<R> {
  path: string;
  options?: { passphrases?: string[] };
  result: R;
}

/** The inspections, each file and set of passphrases once (the last run's and this run's may name the same). */
function uniqueInspections(inspections: Inspection<InspectedFile>[]): Inspection<InspectedFile>[] {
  return [...new Map(inspections.map((i) => [inspectionKey(i.path, i.options), i])).values()];
}

/** Keeps `value` as the most recently used entry of `cache` (last), evicting the oldest beyond MAX_CACHED_TREES. */
function rememberRecent<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > MAX_CACHED_TREES) cache.delete(cache.keys().next().value as string);
}

/** For a tree built from a cached one: that tree's treeId, and the inputs that differed. */
const treeLineage = new WeakMap<ConfigTree, { previous: number; changed: readonly TreeInput[] }>();

const treeIds = new WeakMap<ConfigTree, number>();
let treeCount = 0;

/** A number for each tree, so that records can name a tree without keeping it alive. */
function treeId(tree: ConfigTree): number {
  let id = treeIds.get(tree);
  if (id === undefined) {
    id = ++treeCount;
    treeIds.set(tree, id);
  }
  return id;
}

/**
 * True when a certificate file inspects the same: the inspector's cached result object, or
 * for files it does not cache (missing, unreadable, not regular) the same answer.
 */
function sameInspection(a: InspectedFile, b: InspectedFile): boolean {
  return a === b || (UNCACHED_KINDS.has(a.kind) && JSON.stringify(a) === JSON.stringify(b));
}

const UNCACHED_KINDS: ReadonlySet<InspectedFile['kind']> = new Set(['missing', 'unreadable', 'directory', 'not-regular', 'too-large']);

/**
 * What a tree build read: each file's parse, each stat and each directory listing, in order.
 * Building is a pure function of these (and of the resolver, part of the cache key), so when
 * replaying them gives the same answers, a new build would give the same tree.
 */
type TreeInput =
  | { kind: 'parsed'; path: string; parsed: ParsedFile | undefined }
  | { kind: 'stat'; path: string; stat: StatKind }
  | { kind: 'directory'; path: string; names: string[] | undefined }
  | { kind: 'text'; path: string; text: string | undefined };

type StatKind = 'missing' | 'file' | 'directory' | 'other';

interface CachedTree {
  tree: ConfigTree;
  /** One entry per kind and path (the answer a build saw is the same every time it asks). */
  inputs: Map<string, TreeInput>;
}

/** Tree building only asks whether a path exists and is a file or a directory. */
function statKind(st: FileStat | undefined): StatKind {
  if (!st) return 'missing';
  return st.isFile ? 'file' : st.isDirectory ? 'directory' : 'other';
}

function sameNames(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Passes calls through and logs what the tree builder saw. Within one build each question
 * is asked of the disk once: the same answer is given again (as a copy where the caller may
 * sort it in place), so that the build sees one consistent state of the disk.
 */
class RecordingFileSystem implements FileSystem {
  private readonly stats = new Map<string, FileStat | undefined>();
  private readonly texts = new Map<string, string | undefined>();

  constructor(private readonly base: FileSystem, private readonly inputs: Map<string, TreeInput>) {}

  async readText(filePath: string): Promise<string | undefined> {
    if (this.texts.has(filePath)) return this.texts.get(filePath);
    const text = await this.base.readText(filePath);
    this.texts.set(filePath, text);
    this.inputs.set(`text\0${filePath}`, { kind: 'text', path: filePath, text });
    return text;
  }

  refusal(filePath: string): ReadRefusal | undefined {
    return this.base.refusal?.(filePath);
  }

  async stat(filePath: string): Promise<FileStat | undefined> {
    if (this.stats.has(filePath)) return this.stats.get(filePath);
    const st = await this.base.stat(filePath);
    this.stats.set(filePath, st);
    this.inputs.set(`stat\0${filePath}`, { kind: 'stat', path: filePath, stat: statKind(st) });
    return st;
  }

  async readDirectory(dirPath: string): Promise<string[] | undefined> {
    const key = `directory\0${dirPath}`;
    const seen = this.inputs.get(key);
    if (seen?.kind === 'directory') return seen.names ? [...seen.names] : undefined;
    const names = await this.base.readDirectory(dirPath);
    this.inputs.set(key, { kind: 'directory', path: dirPath, names: names ? [...names] : undefined });
    return names;
  }
}

function mergeFindings(a: ResolvedFinding[], b: ResolvedFinding[]): ResolvedFinding[] {
  const seen = new Set(a.map((f) => `${f.start}\0${f.end}\0${f.code}\0${f.message}`));
  const merged = [...a];
  for (const f of b) {
    const key = `${f.start}\0${f.end}\0${f.code}\0${f.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      merged.push(f);
    }
  }
  return merged.sort((x, y) => x.start - y.start);
}
