/**
 * Assembles configurations and runs the rules for a set of files, without any LSP:
 * finds which main config includes each file (so it is checked in the context nginx reads
 * it in), and checks files nothing includes on their own with an inferred context.
 */
import * as path from 'node:path';
import { analyze, throwIfCancelled, type AnalysisResult, type CancellationFlag, type ResolvedFinding } from '../analysis/analyzer';
import type { RuleFamily } from '../analysis/ruleContext';
import { RULE_FAMILIES } from '../analysis/ruleRegistry';
import { getDirectiveTable, type ContextKind, type DirectiveTable } from '../directives/directiveTable';
import { CertificateInspector } from '../certificates/certificateInspector';
import type { InspectedFile } from '../certificates/certificateTypes';
import { buildConfigTree, resolveConfigPath, type BuildOptions, type ConfigTree, type PathResolver } from '../model/configTree';
import { rebuildIncludedFile } from '../model/incrementalRebuild';
import { inferContext } from '../model/contextInference';
import type { FileStat, FileSystem, ReadRefusal } from '../model/fileSystem';
import { ParseCache, type ParsedFile } from '../model/parsedFile';
import { DEFAULT_SETTINGS, type NginxMtlsSettings } from './settings';

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
}

/** Top-level directives that only a main nginx.conf has. */
const MAIN_ONLY = new Set(['http', 'events', 'stream', 'mail', 'worker_processes', 'user', 'pid', 'load_module', 'worker_rlimit_nofile']);

export class WorkspaceAnalysis {
  readonly parses = new ParseCache();
  readonly table: DirectiveTable;
  readonly certificates = new CertificateInspector();
  settings: NginxMtlsSettings;
  private readonly trees = new Map<string, CachedTree>();
  private readonly now: () => Date;
  private readonly families: readonly RuleFamily[];

  constructor(private readonly options: WorkspaceAnalysisOptions) {
    this.table = options.table ?? getDirectiveTable();
    this.settings = options.settings ?? DEFAULT_SETTINGS;
    this.now = options.now ?? (() => new Date());
    this.families = options.families ?? RULE_FAMILIES;
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
    return parsed.syntax.statements.some((s) => MAIN_ONLY.has(s.name.value));
  }

  resolverFor(mainFile: string): PathResolver {
    return { confDir: path.dirname(mainFile), pathMappings: this.settings.pathMappings };
  }

  /**
   * The configuration tree of a main file. A tree built before is reused when every input
   * its build read is still the same (see CachedTree), so an unchanged 100k-line tree is
   * checked in a few milliseconds instead of being assembled again; the result is the tree
   * a fresh build would give.
   */
  async buildTree(mainFile: string, rootContext: ContextKind = 'main'): Promise<ConfigTree> {
    const resolver = this.resolverFor(mainFile);
    const key = `${mainFile}\0${rootContext}\0${JSON.stringify(resolver.pathMappings)}`;
    const cached = this.trees.get(key);
    const changed = cached ? await this.changedInputs(cached.inputs) : undefined;
    let entry: CachedTree | undefined;
    if (cached && changed && changed.length === 0) entry = cached;
    else if (cached && changed) entry = await this.rebuildChangedFiles(cached, changed, mainFile, rootContext, resolver);
    if (!entry) {
      const inputs = new Map<string, TreeInput>();
      const tree = await buildConfigTree(this.recordingBuildOptions(inputs, mainFile, rootContext, resolver));
      entry = { tree, inputs };
    }
    // Most recently used last, so the oldest entry is the first one evicted.
    this.trees.delete(key);
    this.trees.set(key, entry);
    if (this.trees.size > MAX_CACHED_TREES) this.trees.delete(this.trees.keys().next().value as string);
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
   * When the only inputs that changed are the texts of included files (someone typing in a
   * site file of a large tree), those files are built again in place instead of the whole
   * tree. Undefined when a full build is needed.
   */
  private async rebuildChangedFiles(cached: CachedTree, changed: readonly TreeInput[], mainFile: string, rootContext: ContextKind, resolver: PathResolver): Promise<CachedTree | undefined> {
    if (!changed.every((input) => input.kind === 'parsed' && input.path !== mainFile)) return undefined;
    const inputs = new Map(cached.inputs);
    let tree: ConfigTree | undefined = cached.tree;
    for (const input of changed) {
      const parsed = await this.getParsed(input.path);
      if (!parsed || !tree) return undefined;
      inputs.set(`parsed\0${input.path}`, { kind: 'parsed', path: input.path, parsed });
      tree = await rebuildIncludedFile(tree, this.recordingBuildOptions(inputs, mainFile, rootContext, resolver), parsed);
    }
    // The old tree shares blocks with the new one and must not be used again.
    return tree ? { tree, inputs } : undefined;
  }

  /** Forgets every cached tree (the next buildTree() assembles from scratch). */
  clearTreeCache(): void {
    this.trees.clear();
  }

  /** The recorded inputs that a new build would see differently (all of them are checked). */
  private async changedInputs(inputs: ReadonlyMap<string, TreeInput>): Promise<TreeInput[]> {
    const fs = this.options.fs;
    const changed: TreeInput[] = [];
    for (const input of inputs.values()) {
      let same: boolean;
      switch (input.kind) {
        case 'parsed':
          // The parse cache hands out the same object while a file's text is unchanged.
          same = (await this.getParsed(input.path)) === input.parsed;
          break;
        case 'stat':
          same = statKind(await fs.stat(input.path)) === input.stat;
          break;
        case 'text':
          same = (await fs.readText(input.path)) === input.text;
          break;
        case 'directory':
          same = sameNames(await fs.readDirectory(input.path), input.names);
          break;
      }
      if (!same) changed.push(input);
    }
    return changed;
  }

  /**
   * Checks `files` given the candidate main configs. Each file gets the findings of every
   * main tree that includes it (deduplicated), or a standalone check when none does.
   */
  async analyzeFiles(files: readonly string[], mainFiles: readonly string[], cancellation?: CancellationFlag): Promise<Map<string, FileAnalysis>> {
    const result = new Map<string, FileAnalysis>();
    const wanted = new Set(files.map((f) => path.resolve(f)));
    for (const mainFile of mainFiles) {
      throwIfCancelled(cancellation);
      const tree = await this.buildTree(path.resolve(mainFile));
      const inTree = [...tree.files.values()].filter((use) => wanted.has(use.parsed.path)).map((use) => use.parsed);
      if (inTree.length === 0) continue;
      const analysis = await this.runRules(tree, inTree, false, cancellation);
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
      const standalone = await this.analyzeStandalone(filePath, undefined, cancellation);
      if (standalone) result.set(filePath, standalone);
    }
    return result;
  }

  /** Checks one file on its own, in a declared, given or inferred context. */
  async analyzeStandalone(filePath: string, context?: ContextKind, cancellation?: CancellationFlag): Promise<FileAnalysis | undefined> {
    const parsed = await this.getParsed(filePath);
    if (!parsed) return undefined;
    const inferred = context ? { context, declared: true } : inferContext(parsed, this.table);
    const tree = await this.buildTree(filePath, inferred.context);
    const analysis = await this.runRules(tree, [parsed], !inferred.declared, cancellation);
    return { file: parsed, findings: analysis.findings, mainFiles: [], context: inferred.context, contextGuessed: !inferred.declared, failures: analysis.failures };
  }

  private runRules(tree: ConfigTree, files: ParsedFile[], contextGuessed: boolean, cancellation?: CancellationFlag): Promise<AnalysisResult> {
    const resolver = this.resolverFor(tree.mainFile);
    // Rules ask for the same few certificate files once per server or location; within one
    // run each file is inspected (or its cache entry stat-checked) only once.
    const inspections = new Map<string, Promise<InspectedFile>>();
    const resolvedPaths = new Map<string, string>();
    const inspect = (absolutePath: string, options?: { passphrases?: string[] }): Promise<InspectedFile> => {
      const key = `${absolutePath}\0${JSON.stringify(options?.passphrases ?? null)}`;
      let pending = inspections.get(key);
      if (!pending) {
        pending = this.certificates.inspect(absolutePath, options);
        inspections.set(key, pending);
      }
      return pending;
    };
    return analyze({
      tree,
      table: this.table,
      settings: this.settings,
      now: this.now(),
      contextGuessed,
      files,
      resolvePath: (written) => {
        // Thousands of directives name the same few files.
        let resolved = resolvedPaths.get(written);
        if (resolved === undefined) {
          resolved = resolveConfigPath(written, resolver);
          resolvedPaths.set(written, resolved);
        }
        return resolved;
      },
      inspect,
    }, this.families, cancellation);
  }
}

/** Trees kept for reuse (main configs plus standalone files recently checked). */
const MAX_CACHED_TREES = 16;

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
