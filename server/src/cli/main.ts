/**
 * `nginx-mtls check <files or folders…>`: the language service's checks from a command
 * line, for CI pipelines and pre-commit hooks. Exit status: 0 no errors, 1 errors found,
 * 2 bad usage. `nginx-mtls rules` and `nginx-mtls explain <code>` look the rules up.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { closestName } from '../analysis/nginxWording';
import { allRules } from '../analysis/ruleRegistry';
import type { ContextKind } from '../directives/directiveTable';
import { contextByDeclarationName, DECLARATION_NAMES } from '../model/contextInference';
import { DISCOVERY_PATTERNS, discoverConfigs, firstConfLikeFile } from '../model/configDiscovery';
import { MAX_CONFIG_BYTES, NodeFileSystem, type FileSystem } from '../model/fileSystem';
import { IgnoreMatcher, toAbsoluteIgnoreGlob } from '../project/ignoreGlobs';
import { formatProjectProblems, type ProjectFileResult } from '../project/projectConfig';
import { findProjectFile, readProjectFile } from '../project/projectFileDiscovery';
import { PROJECT_FILE_NAME } from '../project/projectKeys';
import { overlaySettings } from '../project/projectSettings';
import { DEFAULT_SETTINGS, normalizeSettings, RULE_SEVERITIES, SETTINGS_SCHEMA } from '../service/settings';
import { WorkspaceAnalysis, type FileAnalysis } from '../service/workspaceAnalysis';
import { FindingReport, formatGithub, formatText, jsonPieces, linePieces, sarifPieces } from './outputFormats';
import { writeLine } from './lineWriter';
import { RefusedWrite, writeFileAtomically } from './atomicWrite';
import { fixInMemory, MAX_FIX_PASSES, underCheckedPaths, type Checker } from './fixFiles';
import { explainCommand, rulesCommand } from './ruleCommands';
import { forTerminal, isBinaryFile } from './textFiles';
import { unifiedDiff } from './unifiedDiff';
import { unknownRule, UsageError } from './usage';
import { TOOL_VERSION } from '../toolVersion.generated';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

const USAGE = `Usage: nginx-mtls check <files or folders…> [options]
       nginx-mtls rules [--format text|json]
       nginx-mtls explain <rule code>

check     checks nginx configuration files (following includes) and the certificates they name
rules     lists every rule code with its category and default severity
explain   prints a rule's documentation: why it matters, what nginx does, how to fix it

Options of check:
  --format text|json|sarif|github
                             output format (default: text); github writes GitHub Actions
                             annotations (::error file=…,line=…::message)
  --context <context>        the context of files that nothing checked includes and that
                             declare none with a "# nginx-mtls-context:" comment, instead of a
                             guess: ${DECLARATION_NAMES.slice(0, 7).join(', ')},
                             ${DECLARATION_NAMES.slice(7).join(', ')}
  --main <nginx.conf>        the main configuration file (default: every nginx.conf found)
  --target-version <x.y.z>   nginx version whose behaviour to check against (default: ${DEFAULT_SETTINGS.targetVersion})
  --map <prefix>=<folder>    read files under a production prefix from a local folder,
                             e.g. --map /etc/letsencrypt=./ci/certs (repeatable); a missing
                             file outside the checked folders that no --map covers is
                             reported as not checked (information), not as an error
  --rule <code>=<severity>   change a rule's severity or turn it off (repeatable)
  --ignore <glob>            neither check nor report these files, e.g. --ignore 'legacy/'
                             (repeatable; written like .gitignore lines, relative to the
                             working directory)
  --expiry-warning-days <n>  warn when a certificate expires within n days (default: ${DEFAULT_SETTINGS.certificateExpiryWarningDays})
  --config <file>            read settings from this project file instead of looking for
                             ${PROJECT_FILE_NAME} (in the folder of each checked path and upward,
                             up to the folder holding .git)
  --no-config                read no project file
  --now <ISO date>           the date certificate validity is judged at (default: now)
  --fix                      applies every safe fix (the edits of the editor's "fix all"),
                             re-checks and fixes again what that uncovers (at most ${MAX_FIX_PASSES}
                             passes); writes only files named or inside folders named on the
                             command line, each atomically; symbolic links are not written
  --dry-run                  with --fix: prints the changes as a unified diff on stdout
                             (apply with patch -p1) and writes nothing; the report of the
                             findings that would remain goes to stderr
  -h, --help                 show this help
  -v, --version              show the version

Options given here override the project file: --rule and --map entry by entry, --ignore
adds to its list, the others replace its value.

Exit status: 0 when no errors were found, 1 when errors were found, 2 on bad usage
(an unknown option, rule code or context, nothing to check, a project file that is not
valid or names an unknown rule). With --fix, the findings
reported and the exit status are those that remain after fixing; a file that could not
be written makes it 1.`;

interface CliOptions {
  paths: string[];
  format: typeof FORMATS[number];
  context?: ContextKind;
  mains: string[];
  targetVersion?: string;
  mappings: Record<string, string>;
  rules: Record<string, string>;
  ignore: string[];
  expiryWarningDays?: number;
  config?: string;
  noConfig: boolean;
  /** The main configuration named by the project file (used when no --main is given). */
  mainFromProject?: string;
  now?: Date;
  fix: boolean;
  dryRun: boolean;
}

function parseArgs(argv: string[]): CliOptions | 'help' | 'version' {
  const options: CliOptions = { paths: [], format: 'text', mains: [], mappings: {}, rules: {}, ignore: [], noConfig: false, fix: false, dryRun: false };
  const args = [...argv];
  if (args[0] === '-h' || args[0] === '--help') return 'help';
  if (args[0] === '-v' || args[0] === '--version') return 'version';
  if (args[0] !== 'check') throw new UsageError(args.length === 0 ? 'missing command' : `unknown command "${args[0]}"`);
  args.shift();
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (args.length > 0) {
    const arg = args.shift() as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') && !arg.startsWith('--map=') && !arg.startsWith('--rule=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const take = (): string => inline ?? value(flag);
    switch (flag) {
      case '-h': case '--help': return 'help';
      case '-v': case '--version': return 'version';
      case '--format': {
        const f = take();
        const format = FORMATS.find((known) => known === f);
        if (!format) throw new UsageError(`unknown format "${f}" (${FORMATS.join(', ')})`);
        options.format = format;
        break;
      }
      case '--context': {
        const name = take();
        options.context = contextByDeclarationName(name);
        if (!options.context) {
          const suggestion = closestName(name, DECLARATION_NAMES);
          throw new UsageError(`--context: unknown context "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; one of ${DECLARATION_NAMES.join(', ')}`);
        }
        break;
      }
      case '--fix': options.fix = true; break;
      case '--no-config': options.noConfig = true; break;
      case '--config': options.config = path.resolve(take()); break;
      case '--ignore': options.ignore.push(toAbsoluteIgnoreGlob(process.cwd(), take())); break;
      case '--expiry-warning-days': {
        const v = take();
        const { minimum = 0, maximum = Infinity } = SETTINGS_SCHEMA.certificateExpiryWarningDays;
        const days = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(days >= minimum && days <= maximum)) throw new UsageError(`--expiry-warning-days needs a whole number of days from ${minimum} to ${maximum}`);
        options.expiryWarningDays = days;
        break;
      }
      case '--dry-run': options.dryRun = true; break;
      case '--main': options.mains.push(path.resolve(take())); break;
      case '--target-version': {
        const v = take();
        if (!/^\d+\.\d+(\.\d+)?$/.test(v)) throw new UsageError(`"${v}" is not a version like 1.26.2`);
        options.targetVersion = v;
        break;
      }
      case '--now': {
        const d = new Date(take());
        if (Number.isNaN(d.getTime())) throw new UsageError('--now needs an ISO date such as 2026-01-31');
        options.now = d;
        break;
      }
      case '--map': case '--rule': {
        const v = value(flag);
        const eq = v.indexOf('=');
        if (eq <= 0) throw new UsageError(`${flag} needs <name>=<value>`);
        if (flag === '--map') options.mappings[v.slice(0, eq)] = path.resolve(v.slice(eq + 1));
        else options.rules[v.slice(0, eq)] = checkedSeverity(v.slice(0, eq), v.slice(eq + 1));
        break;
      }
      default:
        if (arg.startsWith('--map=') || arg.startsWith('--rule=')) {
          args.unshift(arg.slice(arg.indexOf('=') + 1));
          args.unshift(arg.slice(0, arg.indexOf('=')));
          break;
        }
        if (arg.startsWith('-')) throw new UsageError(`unknown option "${arg}"`);
        options.paths.push(arg);
    }
  }
  if (options.config && options.noConfig) throw new UsageError('--config and --no-config exclude each other');
  if (options.dryRun && !options.fix) throw new UsageError('--dry-run goes with --fix');
  return options;
}

/**
 * A `--rule` entry checked against the rules that exist: a misspelt code would otherwise
 * turn nothing off and the pipeline would keep failing (or passing) for a reason nobody sees.
 */
function checkedSeverity(code: string, severity: string): string {
  if (!allRules().some((r) => r.code === code)) throw unknownRule(code, '--rule: ');
  if (!(RULE_SEVERITIES as readonly string[]).includes(severity)) {
    throw new UsageError(`--rule ${code}: unknown severity "${severity}" (${RULE_SEVERITIES.join(', ')})`);
  }
  return severity;
}

/** The files named on the command line and found in the folders named there, or a reason to stop. */
async function filesToCheck(fs: NodeFileSystem, options: CliOptions, err: (s: string) => void): Promise<Set<string> | undefined> {
  const files = new Set<string>();
  for (const p of options.paths) {
    const abs = path.resolve(p);
    const st = await fs.stat(abs);
    if (!st) { err(`nginx-mtls: ${forTerminal(p)}: no such file or folder`); return undefined; }
    // A file named explicitly is checked whatever its name; a folder is searched by name patterns.
    if (!st.isDirectory) { files.add(abs); continue; }
    const found = await discoverConfigs(fs, abs);
    if (found.length === 0) { err(await nothingFoundMessage(fs, p, abs)); return undefined; }
    for (const f of found) files.add(f);
  }
  for (const main of options.mains) {
    const st = await fs.stat(main);
    // The main configuration may come from the project file rather than from --main.
    const named = options.mainFromProject === main ? `${forTerminal(displayPath(main))} (mainConfig of ${PROJECT_FILE_NAME})` : `--main ${forTerminal(displayPath(main))}`;
    if (!st?.isFile) { err(`nginx-mtls: ${named}: ${st ? 'not a file' : 'no such file'}`); return undefined; }
    files.add(main);
  }
  // Binary files are never parsed: their bytes would come back as hundreds of findings.
  for (const file of [...files].sort()) {
    if (!isBinaryFile(file)) continue;
    files.delete(file);
    err(`nginx-mtls: ${forTerminal(displayPath(file))}: skipped, not a text file`);
  }
  if (files.size === 0) { err('nginx-mtls: nothing left to check'); return undefined; }
  return files;
}

/** The checked folders, the folders of the checked files and the folder of each --main. */
async function projectRoots(fs: NodeFileSystem, options: CliOptions): Promise<string[]> {
  const roots: string[] = [];
  for (const p of options.paths) {
    const abs = path.resolve(p);
    roots.push((await fs.stat(abs))?.isDirectory ? abs : path.dirname(abs));
  }
  for (const main of options.mains) roots.push(path.dirname(main));
  return roots;
}

/** A folder in which discovery found nothing: say so, and how to name the files instead. */
async function nothingFoundMessage(fs: NodeFileSystem, written: string, folder: string): Promise<string> {
  const candidate = await firstConfLikeFile(fs, folder);
  const example = path.join(written, candidate ? path.relative(folder, candidate) : 'site.conf');
  return `nginx-mtls: ${forTerminal(written)}: no nginx configuration found (looked for ${DISCOVERY_PATTERNS}); `
    + `name the files to check, e.g. nginx-mtls check ${forTerminal(example)}`;
}

/** A path as the user would write it: relative to the working directory when below it. */
function displayPath(filePath: string): string {
  const relative = path.relative(process.cwd(), filePath);
  return relative === '' || relative.startsWith('..') ? filePath : relative;
}

/**
 * Runs the command line. `out` and `err` take one line each (without its newline); the report's
 * lines wait for a promise `out` returns (a full pipe) before the next is made.
 */
export async function runCli(argv: string[], out: (s: string) => void | Promise<void>, err: (s: string) => void): Promise<number> {
  let options: CliOptions | 'help' | 'version';
  try {
    if (argv[0] === 'rules') return rulesCommand(argv.slice(1), out);
    if (argv[0] === 'explain') return explainCommand(argv.slice(1), out);
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      err(`nginx-mtls: ${forTerminal(error.message)}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') { out(USAGE); return 0; }
  if (options === 'version') { out(TOOL_VERSION); return 0; }

  const project = projectFileFor(options, err);
  if (project === 'refused') return 2;
  if (project?.config.mainConfig && options.mains.length === 0) {
    options.mains.push(project.config.mainConfig);
    options.mainFromProject = project.config.mainConfig;
  }
  if (options.paths.length === 0 && options.mains.length === 0) {
    err(`nginx-mtls: no files or folders to check\n\n${USAGE}`);
    return 2;
  }
  const fs = new NodeFileSystem();
  const settings = normalizeSettings(overlaySettings(project?.config, {
    targetVersion: options.targetVersion,
    pathMappings: options.mappings,
    rules: options.rules,
    ignore: options.ignore,
    certificateExpiryWarningDays: options.expiryWarningDays,
    // A file the --main config does not include still resolves paths from its conf prefix.
    mainConfig: options.mains[0],
  }));
  const ignored = new IgnoreMatcher(settings.ignore);
  const now = options.now;
  const found = await filesToCheck(fs, options, err);
  if (!found) return 2;
  const files = withoutIgnored(found, ignored, options, err);
  if (!files) return 2;
  // The checked folders, and the folders of the checked files, are the project: absolute
  // paths elsewhere that no --map covers belong to the production host (model/knownLocations.ts).
  const roots = await projectRoots(fs, options);
  const check = async (source: FileSystem): Promise<Map<string, FileAnalysis>> => {
    // The report shows neither fixes nor related locations: only --fix needs the fixes made.
    const workspace = new WorkspaceAnalysis({ fs: source, settings, surface: 'cli', reportOnly: !options.fix, oneShot: true, now: now ? () => now : undefined });
    workspace.knownRoots = roots;
    const checked = await checkFiles(workspace, files, options.mains, options.context);
    // Files that a checked configuration includes are read (nginx reads them), but an ignored
    // one is neither reported nor fixed.
    for (const filePath of [...checked.keys()]) if (ignored.ignores(filePath)) checked.delete(filePath);
    return checked;
  };
  let results: Map<string, FileAnalysis>;
  let writeFailed = false;
  if (options.fix) {
    const fixed = await applyFixes(fs, check, options, out, err);
    results = fixed.results;
    writeFailed = fixed.writeFailed;
  } else {
    results = await check(fs);
  }
  // A file that was asked for and could not be read is said, never passed over in silence.
  for (const filePath of [...files].sort()) {
    if (results.has(filePath)) continue;
    const refusal = fs.refusal(filePath);
    const why = refusal === 'too-large' ? `larger than the ${MAX_CONFIG_BYTES / (1024 * 1024)} MiB read limit`
      : refusal === 'not-regular' ? 'not a regular file' : 'it cannot be read';
    err(`nginx-mtls: ${forTerminal(displayPath(filePath))}: not checked, ${why}`);
  }
  if (results.size === 0) { err('nginx-mtls: nothing left to check'); return 2; }
  const cwd = process.cwd();
  const findings = new FindingReport();
  for (const filePath of [...results.keys()].sort()) {
    const analysis = results.get(filePath);
    if (!analysis) continue;
    findings.add(analysis.file, analysis.findings, displayPath(filePath));
    for (const failure of analysis.failures) err(forTerminal(`nginx-mtls: internal error in rule family "${failure.family}" (please report): ${failure.error.split('\n')[0]}`));
  }
  const errors = findings.count('error');
  const warnings = findings.count('warning');
  // With --dry-run, stdout carries the diff alone, so that it can be piped to patch.
  const report = options.dryRun ? err : out;
  const pieces = options.format === 'json' ? jsonPieces(findings)
    : options.format === 'sarif' ? sarifPieces(findings, allRules(), TOOL_VERSION, cwd)
    : linePieces(findings, options.format === 'github' ? formatGithub : formatText);
  // Each piece is written once the last has gone out.
  for (const piece of pieces) await report(piece);
  // JSON and SARIF are read by programs: no summary line with them.
  if (options.format === 'text' || options.format === 'github') {
    const remaining = options.fix ? (options.dryRun ? ' would remain' : ' remain') : '';
    const settingsFrom = project ? ` (settings from ${forTerminal(displayPath(project.filePath))})` : '';
    err(`${results.size} file${results.size === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${findings.length - errors - warnings} other${remaining}${settingsFrom}`);
  }
  return errors > 0 || writeFailed ? 1 : 0;
}

/**
 * The project file of this run: the one --config names, none with --no-config, otherwise the
 * nearest ${PROJECT_FILE_NAME} above the checked paths (or the working directory when only a
 * project file names what to check). Its problems are printed as file:line:col; an unknown key
 * is a warning, anything refused stops the run (exit 2), as a bad --rule does: checking with
 * half of the project's settings would fail or pass the build for a reason nobody sees.
 */
function projectFileFor(options: CliOptions, err: (s: string) => void): ProjectFileResult | undefined | 'refused' {
  let filePath = options.config;
  if (!filePath && !options.noConfig) {
    const starts = [...options.paths.map((p) => path.resolve(p)), ...options.mains];
    if (starts.length === 0) starts.push(process.cwd());
    const found = new Set<string>();
    for (const start of starts) {
      const folder = isDirectory(start) ? start : path.dirname(start);
      const file = findProjectFile(folder);
      if (file) found.add(file);
    }
    if (found.size > 1) {
      err(forTerminal(`nginx-mtls: the checked paths belong to different project files (${[...found].map(displayPath).join(', ')}); check them in separate runs or name one with --config`));
      return 'refused';
    }
    filePath = [...found][0];
  }
  if (!filePath) return undefined;
  if (options.config && !existsSync(options.config)) {
    err(forTerminal(`nginx-mtls: --config ${displayPath(options.config)}: no such file`));
    return 'refused';
  }
  const result = readProjectFile(filePath);
  const shown = displayPath(result.filePath);
  for (const line of formatProjectProblems(result, shown)) err(forTerminal(`nginx-mtls: ${line}`));
  if (result.problems.some((p) => p.severity === 'error')) {
    err(forTerminal(`nginx-mtls: ${shown} has errors (above); fix them, or run with --no-config to check without it`));
    return 'refused';
  }
  return result;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The files to check without the ignored ones; a file named on the command line and ignored is said. */
function withoutIgnored(files: Set<string>, ignored: IgnoreMatcher, options: CliOptions, err: (s: string) => void): Set<string> | undefined {
  if (ignored.empty) return files;
  const named = new Set([...options.paths.map((p) => path.resolve(p)), ...options.mains]);
  const kept = new Set<string>();
  for (const file of files) {
    if (!ignored.ignores(file)) kept.add(file);
    else if (named.has(file)) err(forTerminal(`nginx-mtls: ${displayPath(file)}: skipped, it matches an ignore glob`));
  }
  if (kept.size === 0) {
    err('nginx-mtls: nothing left to check: every file matches an ignore glob');
    return undefined;
  }
  return kept;
}

/**
 * --fix: computes the fixes in memory, then prints them as a diff (--dry-run) or writes each
 * changed file atomically. Says which files were left alone and why.
 */
async function applyFixes(fs: NodeFileSystem, check: Checker, options: CliOptions, out: (s: string) => void | Promise<void>, err: (s: string) => void): Promise<{ results: Map<string, FileAnalysis>; writeFailed: boolean }> {
  const folders: string[] = [];
  const named: string[] = [...options.mains];
  for (const p of options.paths) ((await fs.stat(path.resolve(p)))?.isDirectory ? folders : named).push(path.resolve(p));
  const outcome = await fixInMemory(fs, check, underCheckedPaths(named, folders));
  for (const skipped of outcome.outside) {
    err(forTerminal(`nginx-mtls: ${displayPath(skipped.filePath)}: ${skipped.fixes} safe fix${skipped.fixes === 1 ? '' : 'es'} not applied, the file is outside the files and folders named on the command line`));
  }
  let writeFailed = false;
  for (const change of outcome.changed) {
    const shown = displayPath(change.filePath);
    if (options.dryRun) {
      await out(unifiedDiff(change.before, change.after, path.isAbsolute(shown) ? shown.slice(1) : shown).replace(/\n$/, ''));
      continue;
    }
    try {
      writeFileAtomically(change.filePath, change.after, change.before);
      err(forTerminal(`nginx-mtls: fixed ${shown}`));
    } catch (error) {
      writeFailed = true;
      const why = error instanceof RefusedWrite ? error.message : (error as NodeJS.ErrnoException).code ?? String(error);
      err(forTerminal(`nginx-mtls: ${shown}: not fixed, ${why}`));
    }
  }
  if (outcome.changed.length === 0) err('nginx-mtls: no safe fixes to apply');
  return { results: outcome.results, writeFailed };
}

/**
 * What `check` reports for a set of files: the given main configs (or, without any, the
 * files that look like one) with every file they include, and the other files on their own.
 * The corpus tests call it to check a file exactly as the command line does.
 */
export async function checkFiles(workspace: WorkspaceAnalysis, paths: Iterable<string>, givenMains: readonly string[] = [], standaloneContext?: ContextKind): Promise<Map<string, FileAnalysis>> {
  const files = new Set(paths);
  for (const m of givenMains) files.add(m);
  const mains = [...givenMains];
  if (mains.length === 0) {
    for (const f of files) if (await workspace.isMainConfig(f)) mains.push(f);
  }
  // Every file a main configuration includes is checked too.
  for (const main of mains) {
    const tree = await workspace.buildTree(main);
    for (const use of tree.files.values()) files.add(use.parsed.path);
  }
  return workspace.analyzeFiles([...files].sort(), mains, undefined, standaloneContext);
}

/** Runs the command line with the process's arguments and streams (see bin.ts, which tunes V8 first). */
export function main(): void {
  // `nginx-mtls check … | head`: once the reader is gone, the rest of the output is dropped
  // and the exit status still says what was found (instead of an EPIPE stack trace).
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
  });
  const out = (s: string): Promise<void> | undefined => (stdoutClosed ? undefined : writeLine(process.stdout, s));
  runCli(process.argv.slice(2), out, (s) => process.stderr.write(s + '\n'))
    .then((code) => { process.exitCode = code; })
    .catch((error: unknown) => {
      process.stderr.write(`nginx-mtls: unexpected failure: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 2;
    });
}
