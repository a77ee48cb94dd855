/**
 * A schema check of action.yml (actionlint checks workflows, not action metadata): the keys
 * GitHub requires of a composite action, a shell on every run step, pinned `uses:`, every
 * `${{ inputs.x }}` and `${{ steps.y.outputs.z }}` defined, and scripts bash can parse.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { expressionsIn, loadYamlFile, parseYaml, type ActionManifest } from './compositeAction';

const REPO = path.resolve(__dirname, '../../..');
const ACTION_FILE = path.join(REPO, 'action.yml');

/** The schema findings of an action manifest; empty when it is well-formed. */
export function actionProblems(action: ActionManifest, text: string): string[] {
  const problems: string[] = [];
  if (typeof action.name !== 'string' || action.name === '') problems.push('name is required');
  if (typeof action.description !== 'string' || action.description === '') problems.push('description is required');
  if (action.runs?.using !== 'composite') problems.push(`runs.using must be composite (is ${String(action.runs?.using)})`);
  const inputs = action.inputs ?? {};
  for (const [name, input] of Object.entries(inputs)) {
    if (!input.description) problems.push(`input ${name} has no description`);
    if (input.default !== undefined && typeof input.default !== 'string') problems.push(`input ${name}: default must be a string (quote it)`);
  }
  const steps = action.runs?.steps ?? [];
  if (steps.length === 0) problems.push('runs.steps is empty');
  const ids = new Set<string>();
  const stepOutputsUsed: { id: string; where: string }[] = [];
  for (const [index, step] of steps.entries()) {
    const where = `step ${index + 1} (${step.name ?? step.id ?? 'unnamed'})`;
    if ((step.run === undefined) === (step.uses === undefined)) problems.push(`${where}: needs exactly one of run and uses`);
    if (step.run !== undefined && !step.shell) problems.push(`${where}: a run step of a composite action needs shell`);
    if (step.uses !== undefined && !/^[\w.-]+\/[\w./-]+@[\w.-]+$/.test(step.uses)) problems.push(`${where}: uses ${step.uses} is not owner/repo@ref`);
    for (const expression of expressionsIn(JSON.stringify(step))) {
      const m = /steps\.([\w-]+)\.outputs/.exec(expression);
      if (m && !ids.has(m[1])) problems.push(`${where}: uses the outputs of step "${m[1]}", which is not an earlier step`);
    }
    if (step.id) ids.add(step.id);
  }
  for (const [name, output] of Object.entries(action.outputs ?? {})) {
    if (!output.value) problems.push(`output ${name} has no value`);
    for (const expression of expressionsIn(output.value ?? '')) {
      const m = /steps\.([\w-]+)\.outputs/.exec(expression);
      if (m) stepOutputsUsed.push({ id: m[1], where: `output ${name}` });
    }
  }
  for (const use of stepOutputsUsed) if (!ids.has(use.id)) problems.push(`${use.where}: no step has the id "${use.id}"`);
  for (const expression of expressionsIn(text)) {
    for (const m of expression.matchAll(/\binputs\.([\w-]+)/g)) {
      if (!(m[1] in inputs)) problems.push(`\${{ ${expression} }} names an input the action does not declare`);
    }
  }
  return problems;
}

describe('action.yml schema', () => {
  const text = readFileSync(ACTION_FILE, 'utf8');
  const action = loadYamlFile(ACTION_FILE) as ActionManifest;

  it('is a well-formed composite action', () => {
    assert.deepEqual(actionProblems(action, text), []);
  });

  it('has run scripts bash can parse', () => {
    for (const step of action.runs?.steps ?? []) {
      if (step.run === undefined) continue;
      const parsed = spawnSync('bash', ['-n'], { input: step.run, encoding: 'utf8' });
      assert.equal(parsed.status, 0, `${step.name}: ${parsed.stderr}`);
    }
  });

  it('finds the mistakes of a broken manifest', () => {
    const broken = text
      .replace('using: composite', 'using: node20')
      .replace('${{ inputs.paths }}', '${{ inputs.path }}')
      .replace(/(- name: Apply fail-on\n)\s+shell: bash\n/, '$1');
    const problems = actionProblems(parseYaml(broken) as ActionManifest, broken);
    assert.ok(problems.some((p) => p.startsWith('runs.using')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('inputs.path ')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('Apply fail-on') && p.includes('needs shell')), problems.join('\n'));
  });
});
