/**
 * Running the real `nginx -t` (Debian 12 nginx 1.22.1) next to our checker: process
 * handling, optional file-system isolation, first-error parsing and classification, and
 * a small concurrency pool. Shared by the differential, transcript and e2e tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineIndex } from '../../server/src/parser/lineIndex';
import { parseConfig } from '../../server/src/parser/parser';
import { walkDirectives } from '../../server/src/parser/syntaxTree';
import { ruleByCode } from '../../server/src/analysis/ruleRegistry';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import type { ContextKind } from '../../server/src/directives/directiveTable';
import { NodeFileSystem, type FileSystem } from '../../server/src/model/fileSystem';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/service/settings';
import { WorkspaceAnalysis, type FileAnalysis } from '../../server/src/service/workspaceAnalysis';
import { sharedDataPath } from '../sharedData';

export const NGINX = '/usr/sbin/nginx';
export const MODULES_DIR = '/usr/lib/nginx/modules';
/** The repository root (tests are compiled to out/test/<dir>/). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CORPUS_DIR = sharedDataPath('corpus', process.env.NGINX_CORPUS_DIR);
export const TRANSCRIPTS = sharedDataPath('reference/nginx-t-transcripts.md', process.env.NGINX_TRANSCRIPTS);

export function nginxAvailable(): boolean {
  return fs.existsSync(NGINX);
}

/** Every dynamic module that exists on this machine, as `load_module` lines. */
export function loadModuleLines(filter: (name: string) => boolean = () => true): string[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(MODULES_DIR).filter((n) => n.endsWith('.so')).sort();
  } catch {
    return [];
  }
  // Stream modules need ngx_stream_module loaded before them.
  names.sort((a, b) => Number(b === 'ngx_stream_module.so') - Number(a === 'ngx_stream_module.so'));
  return names.filter(filter).map((n) => `load_module ${path.join(MODULES_DIR, n)};`);
}

export function makeTempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `nginx-mtls-${tag}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------
// Isolation: nginx -t opens (creates) log files and creates temp directories wherever the
// configuration says. As root, the runs happen in one private mount namespace (held by a
// sleeping process this module starts) where the system directories that logs, caches and
// temp files of real-world configs point into are overlays; writes land in a scratch dir.

const OVERLAY_DIRS = ['/var', '/etc', '/srv', '/usr', '/opt', '/home'];

interface Namespace {
  pid: number;
  scratch: string;
  child: ChildProcess;
}

let namespace: Namespace | undefined;
let namespaceUsers = 0;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function overlayScript(scratch: string): string {
  const lines = ['set -e'];
  for (const dir of OVERLAY_DIRS) {
    if (!fs.existsSync(dir) || scratch.startsWith(dir + '/')) continue;
    const tag = dir.slice(1);
    const upper = path.join(scratch, tag, 'u');
    const work = path.join(scratch, tag, 'w');
    lines.push(`mkdir -p ${shellQuote(upper)} ${shellQuote(work)}`);
    lines.push(`mount -t overlay overlay -o lowerdir=${dir},upperdir=${shellQuote(upper)},workdir=${shellQuote(work)} ${dir}`);
  }
  lines.push('echo ready', 'exec sleep 100000');
  return lines.join('\n');
}

/**
 * Starts the isolated namespace (when running as root and `unshare` works); without it
 * nginx runs directly. Pair every call with stopIsolation().
 */
export async function startIsolation(): Promise<boolean> {
  namespaceUsers++;
  if (namespace) return true;
  if (process.env.NGINX_DIFF_NO_ISOLATION) return false;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  const scratch = makeTempDir('ns');
  const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', overlayScript(scratch)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ok = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) { clearTimeout(timer); resolve(true); } });
    child.on('error', () => { clearTimeout(timer); resolve(false); });
    child.on('exit', () => { clearTimeout(timer); resolve(false); });
  });
  if (!ok || child.pid === undefined) {
    child.kill('SIGKILL');
    removeDir(scratch);
    return false;
  }
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  namespace = { pid: child.pid, scratch, child };
  return true;
}

export function stopIsolation(): void {
  namespaceUsers = Math.max(0, namespaceUsers - 1);
  if (namespaceUsers > 0 || !namespace) return;
  const ns = namespace;
  namespace = undefined;
  try { process.kill(ns.pid, 'SIGKILL'); } catch { /* already gone */ }
  removeDir(ns.scratch);
}

process.on('exit', () => {
  if (namespace) try { process.kill(namespace.pid, 'SIGKILL'); } catch { /* already gone */ }
});

export interface NginxRun {
  status: number | null;
  stderr: string;
  isolated: boolean;
}

/** `nginx -t [-q] -p <prefix>/ -c <conf>`, inside the isolated namespace when it is running. */
export function runNginxTest(prefix: string, conf: string, quiet = true): Promise<NginxRun> {
  const args = ['-t', ...(quiet ? ['-q'] : []), '-p', prefix.endsWith('/') ? prefix : prefix + '/', '-c', conf];
  const ns = namespace;
  const [cmd, argv] = ns ? ['nsenter', ['-t', String(ns.pid), '-m', NGINX, ...args]] : [NGINX, args];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr, isolated: ns !== undefined });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: -1, stderr: String(error), isolated: ns !== undefined });
    });
  });
}

// ---------------------------------------------------------------------------------------
// nginx's messages

export interface NginxError {
  level: string;
  /** Text after `[emerg] ` (pid and timestamp removed), including ` in file:line`. */
  text: string;
  /** The message without ` in file:line`. */
  wording: string;
  file?: string;
  line?: number;
}

const LINE_RE = /^(?:nginx: )?(?:\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d )?\[(emerg|alert|crit|error)\] (?:\d+#\d+: )?(.*)$/;

/** The first error nginx printed (it stops at the first one). */
export function firstNginxError(stderr: string): NginxError | undefined {
  for (const raw of stderr.split('\n')) {
    const m = LINE_RE.exec(raw.trimEnd());
    if (!m) continue;
    const text = m[2];
    const loc = / in (\/[^\s]*?):(\d+)$/.exec(text);
    return {
      level: m[1],
      text,
      wording: loc ? text.slice(0, loc.index) : text,
      file: loc?.[1],
      line: loc ? Number(loc[2]) : undefined,
    };
  }
  return undefined;
}

export type ErrorClass = 'syntax' | 'arity' | 'context' | 'unknown-directive' | 'flag' | 'other';

/** Classifies nginx's message into the kinds of refusal our parser and context rules claim. */
export function classifyNginxError(wording: string): ErrorClass {
  if (/it must be "on" or "off"/.test(wording)) return 'flag';
  if (/^invalid number of arguments in /.test(wording)) return 'arity';
  if (/ is not allowed here$/.test(wording)) return 'context';
  if (/^unknown directive /.test(wording)) return 'unknown-directive';
  if (/^unexpected /.test(wording) || / has no opening "\{"$/.test(wording) || / is not terminated by ";"$/.test(wording)) return 'syntax';
  return 'other';
}

// ---------------------------------------------------------------------------------------
// Our checker, in process

/**
 * `knownRoots`: the folders of the project (see WorkspaceAnalysis.knownRoots). A harness that
 * runs nginx -t on files spread over a temp folder passes that folder: it is the project, and
 * nginx reads its absolute paths as they are.
 */
export function makeWorkspace(targetVersion: string | undefined, pathMappings: Record<string, string> = {}, fileSystem: FileSystem = new NodeFileSystem(), knownRoots: readonly string[] = []): WorkspaceAnalysis {
  const settings = normalizeSettings({ ...DEFAULT_SETTINGS, targetVersion: targetVersion ?? DEFAULT_SETTINGS.targetVersion, pathMappings });
  return new WorkspaceAnalysis({ fs: fileSystem, settings, knownRoots });
}

export interface LineFinding {
  file: string;
  /** Offsets in the file's text. */
  start: number;
  end: number;
  line: number;
  endLine: number;
  severity: ResolvedFinding['severity'];
  code: string;
  message: string;
  nginxRefuses: boolean;
  category?: string;
}

export function toLineFindings(analysis: FileAnalysis): LineFinding[] {
  return analysis.findings.map((f) => ({
    file: f.file,
    start: f.start,
    end: f.end,
    line: analysis.file.lines.positionAt(f.start).line + 1,
    endLine: analysis.file.lines.positionAt(f.end).line + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
    nginxRefuses: f.nginxRefuses === true,
    category: ruleByCode(f.code)?.category,
  }));
}

/** Checks `file` in `context` (the file is standalone) and returns its findings with lines. */
/** Checks `file` through `mainFile` (which includes it); findings of `file` only. */
export async function checkThrough(ws: WorkspaceAnalysis, file: string, mainFile: string): Promise<LineFinding[]> {
  ws.parses.clear();
  const results = await ws.analyzeFiles([file], [mainFile]);
  const analysis = results.get(path.resolve(file));
  if (!analysis) throw new Error(`cannot read ${file}`);
  return toLineFindings(analysis);
}

export async function checkStandalone(ws: WorkspaceAnalysis, file: string, context: ContextKind): Promise<LineFinding[]> {
  ws.parses.clear();
  const analysis = await ws.analyzeStandalone(file, context);
  if (!analysis) throw new Error(`cannot read ${file}`);
  return toLineFindings(analysis);
}

/** Checks a main config and every file it includes; findings of all files. */
export async function checkMain(ws: WorkspaceAnalysis, mainFile: string): Promise<LineFinding[]> {
  ws.parses.clear();
  const tree = await ws.buildTree(mainFile);
  const files = [...tree.files.keys()];
  const results = await ws.analyzeFiles(files, [mainFile]);
  const out: LineFinding[] = [];
  for (const analysis of results.values()) out.push(...toLineFindings(analysis));
  return out;
}

/**
 * nginx reports a statement's problem on the line where it read the statement's end (`;` or
 * `{`); we mark the name or the arguments. A finding matches nginx's line when its own range
 * covers it, or when the head (name … terminator) of the statement it stands in does.
 */
export function findingCoversLine(text: string, finding: Pick<LineFinding, 'start' | 'line' | 'endLine'>, nginxLine: number): boolean {
  if (finding.line <= nginxLine && nginxLine <= finding.endLine) return true;
  const lines = new LineIndex(text);
  let best: { start: number; headEnd: number } | undefined;
  walkDirectives(parseConfig(text).statements, (d) => {
    const headEnd = d.terminator === ';' ? d.end - 1 : d.block ? d.block.start : d.end;
    if (d.start <= finding.start && finding.start <= headEnd) {
      if (!best || d.start >= best.start) best = { start: d.start, headEnd };
    }
  });
  if (!best) return false;
  const { start, headEnd } = best;
  return lines.positionAt(start).line + 1 <= nginxLine && nginxLine <= lines.positionAt(headEnd).line + 1;
}

export function formatFinding(f: LineFinding): string {
  const range = f.line === f.endLine ? `${f.line}` : `${f.line}-${f.endLine}`;
  return `${path.basename(f.file)}:${range} ${f.severity} ${f.code} ${f.message}`;
}

// ---------------------------------------------------------------------------------------

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapPool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await work(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Deterministic PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes `<root>/<id>/nginx.conf`: a main file whose http block holds `body` (with `P/` at the
 * start of a word standing for `pki`), with the temp paths and pid file inside the case's own
 * prefix. Only at a word start: inline PEM text (data:…) may hold "P/" inside its base64.
 */
/** `text` with each `P/` at the start of a word (after a blank, a quote or `=`) standing for the `pki` folder. */
export function expandPki(text: string, pki: string): string {
  return text.replace(/(^|[\s"'=(])P\//g, (_m, before: string) => `${before}${pki}/`);
}

/** nginx's output with PEM text cut out: nginx echoes inline (data:) keys in its errors, and test output never shows key text. */
export function withoutPem(text: string): string {
  return text.replace(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, '[PEM text]');
}

export function writeHttpCase(root: string, id: string, body: string, pki: string, stream?: string): { prefix: string; conf: string } {
  const prefix = path.join(root, id);
  fs.mkdirSync(prefix, { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${prefix}/${k}_temp;`).join(' ');
  // A stream block loads the stream module first (Debian builds it as a dynamic module).
  const modules = stream === undefined ? [] : loadModuleLines((name) => name === 'ngx_stream_module.so');
  const blocks = [`http {\naccess_log off; ${temps}\n${expandPki(body, pki)}\n}`, ...(stream === undefined ? [] : [`stream {\n${expandPki(stream, pki)}\n}`])];
  fs.writeFileSync(conf, [...modules, 'worker_processes 1;', 'error_log stderr;', `pid ${prefix}/nginx.pid;`, 'events {}', ...blocks].join('\n') + '\n');
  return { prefix, conf };
}
