/**
 * Assembles configurations and runs the rules for a set of files, without any LSP:
 * finds which main config includes each file (so it is checked in the context nginx reads
 * it in), and checks files nothing includes on their own with an inferred context.
 */
import * as path from 'node:path';
import { analyze, type AnalysisResult, type ResolvedFinding } from '../analysis/analyzer';
import type { RuleFamily } from '../analysis/ruleContext';
import { RULE_FAMILIES } from '../analysis/ruleRegistry';
import { getDirectiveTable, type ContextKind, type DirectiveTable } from '../directives/directiveTable';
import { CertificateInspector } from '../certificates/certificateInspector';
import { buildConfigTree, resolveConfigPath, type ConfigTree, type PathResolver } from '../model/configTree';
import { inferContext } from '../model/contextInference';
import type { FileSystem } from '../model/fileSystem';
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

  async buildTree(mainFile: string, rootContext: ContextKind = 'main'): Promise<ConfigTree> {
    return buildConfigTree({
      fs: this.options.fs,
      table: this.table,
      getParsed: (p) => this.getParsed(p),
      mainFile,
      rootContext,
      resolver: this.resolverFor(mainFile),
    });
  }

  /**
   * Checks `files` given the candidate main configs. Each file gets the findings of every
   * main tree that includes it (deduplicated), or a standalone check when none does.
   */
  async analyzeFiles(files: readonly string[], mainFiles: readonly string[]): Promise<Map<string, FileAnalysis>> {
    const result = new Map<string, FileAnalysis>();
    const wanted = new Set(files.map((f) => path.resolve(f)));
    for (const mainFile of mainFiles) {
      const tree = await this.buildTree(path.resolve(mainFile));
      const inTree = [...tree.files.values()].filter((use) => wanted.has(use.parsed.path)).map((use) => use.parsed);
      if (inTree.length === 0) continue;
      const analysis = await this.runRules(tree, inTree, false);
      for (const parsed of inTree) {
        const existing = result.get(parsed.path);
        const findings = analysis.findings.filter((f) => f.file === parsed.path);
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
      const standalone = await this.analyzeStandalone(filePath);
      if (standalone) result.set(filePath, standalone);
    }
    return result;
  }

  /** Checks one file on its own, in a declared, given or inferred context. */
  async analyzeStandalone(filePath: string, context?: ContextKind): Promise<FileAnalysis | undefined> {
    const parsed = await this.getParsed(filePath);
    if (!parsed) return undefined;
    const inferred = context ? { context, declared: true } : inferContext(parsed, this.table);
    const tree = await this.buildTree(filePath, inferred.context);
    const analysis = await this.runRules(tree, [parsed], !inferred.declared);
    return { file: parsed, findings: analysis.findings, mainFiles: [], context: inferred.context, contextGuessed: !inferred.declared, failures: analysis.failures };
  }

  private runRules(tree: ConfigTree, files: ParsedFile[], contextGuessed: boolean): Promise<AnalysisResult> {
    const resolver = this.resolverFor(tree.mainFile);
    return analyze({
      tree,
      table: this.table,
      settings: this.settings,
      now: this.now(),
      contextGuessed,
      files,
      resolvePath: (written) => resolveConfigPath(written, resolver),
      inspect: (absolutePath, options) => this.certificates.inspect(absolutePath, options),
    }, this.families);
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
