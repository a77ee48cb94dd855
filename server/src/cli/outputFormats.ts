/** The checker's output formats: text lines, a JSON array, SARIF 2.1.0. */
import * as path from 'node:path';
import type { ResolvedFinding } from '../analysis/analyzer';
import type { RuleMeta } from '../analysis/finding';
import { docsUrl } from '../analysis/finding';
import type { ParsedFile } from '../model/parsedFile';
import { forTerminal } from './textFiles';

export interface CliFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: ResolvedFinding['severity'];
  code: string;
  message: string;
}

/**
 * `text` as a new string with the same characters. A rule builds its message by concatenation,
 * and V8 keeps such a string as a tree of its parts until something reads its characters
 * (JSON.stringify, a search): that flattens it in place, and the flat copy is made in the
 * generation the string lives in. A finding's message has lived through the whole check, in the
 * old generation, so writing the report kept a flat copy of every message there until the
 * process ended: 5.2 MB more heap for the bench tree's 15,000 findings in JSON (issue #15).
 * Read through a new concatenation, the flat copy is young and dies with its piece of output.
 */
function freshCopy(text: string): string {
  return `${text} `.slice(0, -1);
}

export function toCliFinding(file: ParsedFile, finding: ResolvedFinding, displayPath: string): CliFinding {
  const start = file.lines.positionAt(finding.start);
  const end = file.lines.positionAt(finding.end);
  return {
    file: displayPath,
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    severity: finding.severity,
    code: finding.code,
    message: freshCopy(finding.message),
  };
}

/**
 * Findings in report order that can be taken a slice at a time: an array, or a FindingReport,
 * which makes each slice's CliFindings only when it is asked for.
 */
export interface FindingList {
  readonly length: number;
  slice(from: number, to?: number): CliFinding[];
}

/**
 * The findings of the checked files, in the order they are reported, made into CliFindings a
 * slice at a time as the output is written: the bench tree's 15,000 findings as CliFindings,
 * all made before the first piece was written, were 1.3 MB more at the command line's peak,
 * which comes while the report is written (issue #15).
 */
export class FindingReport implements FindingList {
  private readonly files: { file: ParsedFile; findings: readonly ResolvedFinding[]; shown: string; first: number }[] = [];
  length = 0;

  /** Adds a file's findings (in their order) after those added before. */
  add(file: ParsedFile, findings: readonly ResolvedFinding[], shown: string): void {
    if (findings.length === 0) return;
    this.files.push({ file, findings, shown, first: this.length });
    this.length += findings.length;
  }

  /** How many findings have this severity. */
  count(severity: ResolvedFinding['severity']): number {
    let n = 0;
    for (const { findings } of this.files) for (let at = 0; at < findings.length; at++) if (findings[at].severity === severity) n++;
    return n;
  }

  slice(from: number, to = this.length): CliFinding[] {
    const out: CliFinding[] = [];
    for (const { file, findings, shown, first } of this.files) {
      if (first + findings.length <= from) continue;
      if (first >= to) break;
      for (let at = Math.max(0, from - first); at < findings.length && first + at < to; at++) out.push(toCliFinding(file, findings[at], shown));
    }
    return out;
  }
}

/** One line per finding; file names and quoted config text never put control bytes on the terminal. */
export function formatText(findings: readonly CliFinding[]): string {
  return findings.map((f) => forTerminal(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.code} ${f.message}`)).join('\n');
}

/**
 * How many findings go into one piece of output. The report of a large tree is megabytes (7.7 MB
 * of JSON, 13 MB of SARIF for the benchmark's tree): made as one string, it was copied again to
 * add the final newline and once more into the bytes written (issue #15). The command line
 * writes a piece when the last one has gone out (lineWriter.ts). What a piece is made of dies
 * once it is written; with the command line's small young generation (node/heapTuning.ts) a
 * larger piece outlived more collections and was moved to the old generation, where it stayed
 * until the end. Peak RSS of the tree's SARIF (unminified build, piped): 181 MB with 500
 * findings a piece, 176 with 250, 169 with 100 or 50 (JSON: 175, 170, 171, 171 MB), at the same
 * speed.
 */
export const FINDINGS_PER_PIECE = 100;

/**
 * The elements of a JSON array of `items` (each as `toJson` gives it) as JSON.stringify(array,
 * null, 2) writes them inside the array, `indent` further in: FINDINGS_PER_PIECE at a time, each
 * piece ending a line, all but the last with the comma that follows it.
 */
function* elementPieces(items: FindingList, toJson: (item: CliFinding) => unknown, indent: string): Generator<string> {
  for (let from = 0; from < items.length; from += FINDINGS_PER_PIECE) {
    // The batch's own array, without its brackets' lines; JSON strings hold no raw newline, so
    // every newline starts a line to indent.
    const inner = JSON.stringify(items.slice(from, from + FINDINGS_PER_PIECE).map(toJson), null, 2).slice(2, -2);
    const indented = indent === '' ? inner : indent + inner.replace(/\n/g, `\n${indent}`);
    yield from + FINDINGS_PER_PIECE < items.length ? `${indented},` : indented;
  }
}

/**
 * The JSON array of the findings (as JSON.stringify(findings, null, 2) writes it), made piece by
 * piece as the writer asks: joined with a newline after each, the pieces are the whole array.
 */
export function* jsonPieces(findings: FindingList): Generator<string> {
  if (findings.length === 0) { yield '[]'; return; }
  yield '[';
  yield* elementPieces(findings, (f) => f, '');
  yield ']';
}

/** A line format in pieces of whole lines, as jsonPieces gives JSON. */
export function* linePieces(findings: FindingList, format: (findings: readonly CliFinding[]) => string): Generator<string> {
  for (let from = 0; from < findings.length; from += FINDINGS_PER_PIECE) yield format(findings.slice(from, from + FINDINGS_PER_PIECE));
}

const SARIF_LEVEL: Record<CliFinding['severity'], string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{ tool: unknown; results: unknown[] }>;
}

/** The SARIF 2.1.0 log of the findings, as one object (sarifPieces writes the same log in pieces). */
export function sarifLog(findings: readonly CliFinding[], rules: readonly RuleMeta[], version: string, baseDir: string): SarifLog {
  const log = sarifFrame(findings, rules, version);
  log.runs[0].results = findings.map((f) => sarifResult(f, baseDir));
  return log;
}

/** The log without its results: the tool, and the rules that found something. */
function sarifFrame(findings: FindingList, rules: readonly RuleMeta[], version: string): SarifLog {
  const used = new Set<string>();
  for (let from = 0; from < findings.length; from += FINDINGS_PER_PIECE) for (const f of findings.slice(from, from + FINDINGS_PER_PIECE)) used.add(f.code);
  const sarifRules = rules.filter((r) => used.has(r.code)).map((r) => ({
    id: r.code,
    name: r.code,
    shortDescription: { text: r.title },
    helpUri: docsUrl(r.code),
    defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
    properties: { category: r.category, nginxRefuses: r.nginxRefuses },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'nginx-mtls', version, informationUri: 'https://github.com/nginx-mtls/nginx-mtls', rules: sarifRules } },
      results: [],
    }],
  };
}

function sarifResult(f: CliFinding, baseDir: string): unknown {
  return {
    ruleId: f.code,
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: path.isAbsolute(f.file) ? path.relative(baseDir, f.file).split(path.sep).join('/') : f.file.split(path.sep).join('/') },
        region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
      },
    }],
  };
}

/** How deep SARIF's results stand in the log: `runs`, its first run, `results` (two spaces each). */
const SARIF_RESULT_INDENT = ' '.repeat(6);

/** The results of a log without any, as JSON.stringify(log, null, 2) writes them. */
const NO_RESULTS = '"results": []';

/**
 * The SARIF log of sarifLog() as JSON.stringify(log, null, 2) writes it, in pieces as jsonPieces
 * gives JSON: the log around its results is made once (with no results), and the results a batch
 * at a time, indented to their place. Made as one object and one string, the bench tree's 13 MB
 * of SARIF took the CLI's peak RSS to 211-216 MB (JSON: 172 MB); in pieces, 167-169 MB.
 */
export function* sarifPieces(findings: FindingList, rules: readonly RuleMeta[], version: string, baseDir: string): Generator<string> {
  const whole = JSON.stringify(sarifFrame(findings, rules, version), null, 2);
  if (findings.length === 0) { yield whole; return; }
  const results = whole.lastIndexOf(NO_RESULTS);
  yield `${whole.slice(0, results)}"results": [`;
  yield* elementPieces(findings, (f) => sarifResult(f, baseDir), SARIF_RESULT_INDENT);
  yield `${SARIF_RESULT_INDENT}]${whole.slice(results + NO_RESULTS.length)}`;
}

/** GitHub's annotation levels: it has no information or hint, only notice. */
const GITHUB_COMMAND: Record<CliFinding['severity'], string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/**
 * GitHub Actions workflow commands, one annotation per finding, which the Actions log turns
 * into annotations on the pull request's lines. A raw newline would end the command early and
 * the rest of the message could be read as a command of its own, so the message and the
 * properties are escaped as GitHub specifies; other control bytes are made visible as in text.
 */
export function formatGithub(findings: readonly CliFinding[]): string {
  return findings.map((f) => {
    const properties = [
      `file=${githubProperty(f.file.split(path.sep).join('/'))}`,
      `line=${f.line}`, `col=${f.column}`, `endLine=${f.endLine}`, `endColumn=${f.endColumn}`,
      `title=${githubProperty(f.code)}`,
    ].join(',');
    return `::${GITHUB_COMMAND[f.severity]} ${properties}::${githubData(f.message)}`;
  }).join('\n');
}

/** The message part of a workflow command. */
export function githubData(text: string): string {
  return forTerminal(text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** A property value of a workflow command, where `:` and `,` also delimit. */
export function githubProperty(text: string): string {
  return githubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
