/**
 * Reads `.nginx-mtls.json`, the project file shared by the command line and the language
 * server. Pure: text and the file's own path in, typed values and problems out. Relative
 * paths in the file (mainConfig, mapping targets, ignore globs) resolve against the folder
 * of the file, so the same file means the same thing wherever the tool is started from.
 *
 * A key with a wrong value is left out and reported; the other keys still apply. A syntax
 * error makes the whole file unusable (reported, nothing applied).
 */
import * as path from 'node:path';
import { closestName } from '../analysis/nginxWording';
import { allRules } from '../analysis/ruleRegistry';
import { unknownRule } from '../cli/usage';
import { RULE_SEVERITIES, SETTINGS_SCHEMA, type RuleSeveritySetting } from '../service/settings';
import { toAbsoluteIgnoreGlob } from './ignoreGlobs';
import { LineIndex } from '../parser/lineIndex';
import { parseJsonc, type JsoncNode, type JsoncSpan } from './jsonc';
import { PROJECT_FILE_NAME, PROJECT_KEYS, type ProjectKey } from './projectKeys';

/** The project file's values, paths already absolute. A key that is absent or invalid is undefined. */
export interface ProjectConfig {
  mainConfig?: string;
  pathMappings?: Record<string, string>;
  targetVersion?: string;
  certificateExpiryWarningDays?: number;
  rules?: Record<string, RuleSeveritySetting>;
  /** Absolute globs (see ignoreGlobs.ts). */
  ignore?: string[];
}

export interface ProjectProblem {
  /** `error`: a value was refused or the file cannot be read; `warning`: an unknown key. */
  severity: 'error' | 'warning';
  message: string;
  offset: number;
  length: number;
  /** 1-based, as file:line:col is printed; the end is just after the offending text. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** True when the file is not valid JSON with comments: nothing of it applies. */
  syntax: boolean;
}

export interface ProjectFileResult {
  filePath: string;
  config: ProjectConfig;
  problems: ProjectProblem[];
}

const VERSION_PATTERN = /^\d+\.\d+(\.\d+)?$/;

/** Problems reported at most; a machine-written file with thousands of bad keys gets one summary line for the rest. */
export const MAX_PROJECT_PROBLEMS = 100;

/** Keys an editor adds for its own use, accepted without a word. */
const IGNORED_KEYS = new Set(['$schema']);

export function parseProjectConfig(text: string, filePath: string, ruleCodes: readonly string[] = allRules().map((r) => r.code)): ProjectFileResult {
  const folder = path.dirname(path.resolve(filePath));
  const problems: ProjectProblem[] = [];
  let lines: LineIndex | undefined;
  let unreported = 0;
  const report = (span: JsoncSpan, message: string, severity: ProjectProblem['severity'] = 'error', syntax = false): void => {
    if (problems.length >= MAX_PROJECT_PROBLEMS) { unreported++; return; }
    lines ??= new LineIndex(text);
    const start = lines.positionAt(span.offset);
    const end = lines.positionAt(span.offset + span.length);
    problems.push({ severity, message, offset: span.offset, length: span.length, syntax, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 });
  };
  const config: ProjectConfig = {};
  const parsed = parseJsonc(text);
  if (!parsed.root) {
    const error = parsed.error ?? { message: 'unreadable', offset: 0 };
    report({ offset: error.offset, length: error.offset < text.length ? 1 : 0 }, `not valid JSON: ${error.message}; nothing of this file is applied`, 'error', true);
    return { filePath, config, problems };
  }
  const root = parsed.root;
  if (!root.properties) {
    report(root.span, `${PROJECT_FILE_NAME} holds one object, e.g. { "rules": { "tls.cert-validity": "off" } }`, 'error', true);
    return { filePath, config, problems };
  }
  const keys = Object.keys(PROJECT_KEYS);
  for (const { key, keySpan, node } of root.properties) {
    if (IGNORED_KEYS.has(key)) continue;
    if (!(key in PROJECT_KEYS)) {
      const suggestion = closestName(key, keys);
      report(keySpan, `unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; the keys are ${keys.join(', ')}`, 'warning');
      continue;
    }
    readKey(key as ProjectKey, node);
  }
  if (unreported > 0) {
    const last = problems[problems.length - 1];
    problems.push({ ...last, severity: problems.some((p) => p.severity === 'error') ? 'error' : 'warning', message: `${unreported} more problem${unreported === 1 ? '' : 's'} not listed` });
  }
  return { filePath, config, problems };

  function readKey(key: ProjectKey, node: JsoncNode): void {
    const value = node.value;
    const wrongType = (expected: string): void => report(node.span, `"${key}" must be ${expected}`);
    switch (key) {
      case 'mainConfig':
        if (typeof value !== 'string') return wrongType('a path (a string)');
        if (value.trim() !== '') config.mainConfig = path.resolve(folder, value);
        return;
      case 'targetVersion':
        if (typeof value !== 'string') return wrongType('a version such as "1.26.2" (a string)');
        if (!VERSION_PATTERN.test(value.trim())) return report(node.span, `"targetVersion": "${value}" is not a version like 1.26.2`);
        config.targetVersion = value.trim();
        return;
      case 'certificateExpiryWarningDays': {
        const { minimum = 0, maximum = Infinity } = SETTINGS_SCHEMA.certificateExpiryWarningDays;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
          return wrongType(`a whole number of days from ${minimum} to ${maximum}`);
        }
        config.certificateExpiryWarningDays = value;
        return;
      }
      case 'pathMappings': {
        const entries = objectEntries(node, key);
        if (!entries) return;
        const mappings: Record<string, string> = {};
        for (const entry of entries) {
          if (typeof entry.node.value !== 'string' || entry.node.value.trim() === '') {
            report(entry.node.span, `"pathMappings": the folder for "${entry.key}" must be a path (a string)`);
            continue;
          }
          mappings[entry.key] = path.resolve(folder, entry.node.value);
        }
        config.pathMappings = mappings;
        return;
      }
      case 'rules': {
        const entries = objectEntries(node, key);
        if (!entries) return;
        const rules: Record<string, RuleSeveritySetting> = {};
        for (const entry of entries) {
          if (!ruleCodes.includes(entry.key)) {
            report(entry.keySpan, unknownRule(entry.key, '"rules": ').message);
            continue;
          }
          const severity = RULE_SEVERITIES.find((s) => s === entry.node.value);
          if (!severity) {
            report(entry.node.span, `"rules": "${entry.key}" must be one of ${RULE_SEVERITIES.map((s) => `"${s}"`).join(', ')}`);
            continue;
          }
          rules[entry.key] = severity;
        }
        config.rules = rules;
        return;
      }
      case 'ignore': {
        if (!node.items) return wrongType('a list of globs, e.g. ["legacy/", "*.bak.conf"]');
        const globs: string[] = [];
        for (const item of node.items) {
          if (typeof item.value !== 'string' || item.value.trim() === '') report(item.span, '"ignore": each entry must be a glob (a non-empty string)');
          else globs.push(toAbsoluteIgnoreGlob(folder, item.value));
        }
        config.ignore = globs;
        return;
      }
    }
  }

  function objectEntries(node: JsoncNode, key: string): NonNullable<JsoncNode['properties']> | undefined {
    if (!node.properties) {
      report(node.span, `"${key}" must be an object, e.g. ${key === 'rules' ? '{ "tls.cert-validity": "off" }' : '{ "/etc/nginx": "deploy/nginx" }'}`);
      return undefined;
    }
    return node.properties;
  }
}

/** A project file that is there but cannot be used at all (unreadable, too large, not a file). */
export function unusableProjectFile(filePath: string, message: string): ProjectFileResult {
  return { filePath, config: {}, problems: [{ severity: 'error', message, offset: 0, length: 0, line: 1, column: 1, endLine: 1, endColumn: 1, syntax: true }] };
}

/** `file:line:col: message` lines, as compilers print them (the CLI's report of a bad file). */
export function formatProjectProblems(result: ProjectFileResult, shownPath: string): string[] {
  return result.problems.map((p) => `${shownPath}:${p.line}:${p.column}: ${p.severity}: ${p.message}`);
}
