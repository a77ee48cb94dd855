/**
 * Runs the `run:` steps of a composite action (action.yml) the way a GitHub runner does, so a
 * test exercises the real scripts: `${{ … }}` expressions substituted (inputs with their
 * defaults, github.action_path, earlier steps' outputs), each script run by
 * `bash --noprofile --norc -eo pipefail`, $GITHUB_OUTPUT read back, and the run stopped at the
 * first failing step. `uses:` steps are not run (they would need the network); they are recorded
 * with their substituted `with:` when their `if:` holds. An expression this runner does not
 * understand throws, so a change to action.yml that it cannot follow fails the test loudly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** js-yaml is present through the dev toolchain; the tests use only its `load`. */
const yaml = require('js-yaml') as { load(text: string): unknown };

export interface ActionInput { description?: string; required?: boolean; default?: string }
export interface ActionStep {
  name?: string; id?: string; if?: string; uses?: string; with?: Record<string, string>;
  run?: string; shell?: string; env?: Record<string, string>; 'working-directory'?: string;
}
export interface ActionManifest {
  name?: string; description?: string;
  inputs?: Record<string, ActionInput>;
  outputs?: Record<string, { description?: string; value?: string }>;
  runs?: { using?: string; steps?: ActionStep[] };
}

export function parseYaml(text: string): unknown {
  return yaml.load(text);
}

export function loadYamlFile(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'));
}

export interface StepResult { name: string; status: number; stdout: string; stderr: string; outputs: Record<string, string> }
export interface UsedAction { name: string; uses: string; with: Record<string, string> }
export interface ActionRun {
  /** Exit status of the step that failed, or 0 when every step succeeded. */
  status: number;
  failedStep?: string;
  steps: StepResult[];
  used: UsedAction[];
  /** The action's declared outputs, evaluated after the run. */
  outputs: Record<string, string>;
  /** Everything the steps printed on stdout, in order (where GitHub reads annotations). */
  log: string;
}

export interface RunOptions {
  actionPath: string;
  /** The job's default working directory (the checked-out repository). */
  workspace: string;
  inputs?: Record<string, string>;
  /** Folders put in front of PATH (stub commands). */
  extraPath?: string[];
}

/** All `${{ … }}` expressions of a text. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)].map((m) => m[1]);
}

export function runCompositeAction(manifest: ActionManifest, options: RunOptions): ActionRun {
  const declared = manifest.inputs ?? {};
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in declared)) throw new Error(`input "${name}" is not declared by the action`);
  }
  const runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-runner-temp-'));
  try {
    return runSteps(manifest, options, runnerTemp);
  } finally {
    rmSync(runnerTemp, { recursive: true, force: true });
  }
}

function runSteps(manifest: ActionManifest, options: RunOptions, runnerTemp: string): ActionRun {
  const declared = manifest.inputs ?? {};
  const stepOutputs = new Map<string, Record<string, string>>();
  const evaluate = (expression: string): string => {
    let m = /^inputs\.([\w-]+)$/.exec(expression);
    if (m) {
      if (!(m[1] in declared)) throw new Error(`undeclared input in \${{ ${expression} }}`);
      return options.inputs?.[m[1]] ?? declared[m[1]].default ?? '';
    }
    if (expression === 'github.action_path') return options.actionPath;
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (m) return stepOutputs.get(m[1])?.[m[2]] ?? '';
    throw new Error(`expression this runner does not understand: \${{ ${expression} }}`);
  };
  const substitute = (text: string): string => text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_all, e: string) => evaluate(e));
  const condition = (expression: string | undefined): boolean => {
    if (expression === undefined) return true;
    const m = /^inputs\.([\w-]+) == '([^']*)'$/.exec(expression.trim());
    if (!m) throw new Error(`if: this runner does not understand: ${expression}`);
    return evaluate(`inputs.${m[1]}`) === m[2];
  };

  const run: ActionRun = { status: 0, steps: [], used: [], outputs: {}, log: '' };
  for (const [index, step] of (manifest.runs?.steps ?? []).entries()) {
    const name = step.name ?? step.id ?? `step ${index + 1}`;
    if (!condition(step.if)) continue;
    if (step.uses !== undefined) {
      const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v))]));
      run.used.push({ name, uses: step.uses, with: given });
      continue;
    }
    if (step.shell !== 'bash') throw new Error(`${name}: this runner runs shell: bash steps only (got ${String(step.shell)})`);
    const script = path.join(runnerTemp, `step-${index}.sh`);
    writeFileSync(script, substitute(step.run ?? ''));
    const outputFile = path.join(runnerTemp, `output-${index}`);
    writeFileSync(outputFile, '');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v))])),
      GITHUB_OUTPUT: outputFile,
      GITHUB_ACTION_PATH: options.actionPath,
      GITHUB_WORKSPACE: options.workspace,
      RUNNER_TEMP: runnerTemp,
      PATH: [...(options.extraPath ?? []), process.env.PATH ?? ''].join(path.delimiter),
    };
    const cwd = path.resolve(options.workspace, substitute(step['working-directory'] ?? '.'));
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8' });
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
    if (step.id) stepOutputs.set(step.id, outputs);
    const status = result.status ?? 128;
    run.steps.push({ name, status, stdout: result.stdout, stderr: result.stderr, outputs });
    run.log += result.stdout;
    if (status !== 0) { run.status = status; run.failedStep = name; break; }
  }
  for (const [name, output] of Object.entries(manifest.outputs ?? {})) run.outputs[name] = substitute(output.value ?? '');
  return run;
}

/** `name=value` lines; the multi-line `name<<DELIMITER` form is not used by our action. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0 || line.includes('<<')) throw new Error(`unsupported GITHUB_OUTPUT line: ${line}`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}
