/**
 * Findings that are only reported (the command line without --fix: RuleContext.reportOnly) are
 * the findings of a full check without their fixes and related locations, and no rule makes
 * those for them (issue #15: 15k findings of the bench tree held 10 MB of them). Checked on every
 * rule fixture, with the test PKI files it asks for, and on the bundled examples.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import type { Finding } from '../../server/src/analysis/finding';
import type { RuleFamily } from '../../server/src/analysis/ruleContext';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { checkFiles } from '../../server/src/cli/main';
import { NodeFileSystem } from '../../server/src/model/fileSystem';
import { DEFAULT_SETTINGS } from '../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { removeDir } from '../differential/nginxHarness';
import { prepareFixture } from './fixtureFiles';
import { FIXTURES, fixtureVersion, NOW, REPO_ROOT } from './rules/mtlsRuleHelpers';

interface Checked {
  /** What the analysis gave, file by file. */
  findings: ResolvedFinding[];
  /** What the rule families returned before the analyzer copied it. */
  raw: Finding[];
}

/** The families, each recording what it returns in `raw`. */
function recording(raw: Finding[]): RuleFamily[] {
  return RULE_FAMILIES.map((family) => ({
    ...family,
    run: async (context) => {
      const found = await family.run(context);
      for (const f of found) raw.push(f);
      return found;
    },
  }));
}

/** `files` checked as the command line checks them, with or without the details. */
async function check(files: readonly string[], reportOnly: boolean, version?: string): Promise<Checked> {
  const raw: Finding[] = [];
  const workspace = new WorkspaceAnalysis({
    fs: new NodeFileSystem(),
    settings: { ...DEFAULT_SETTINGS, targetVersion: version ?? DEFAULT_SETTINGS.targetVersion },
    now: () => NOW,
    surface: 'cli',
    oneShot: true,
    reportOnly,
    families: recording(raw),
  });
  const results = await checkFiles(workspace, files);
  const findings: ResolvedFinding[] = [];
  for (const filePath of [...results.keys()].sort()) {
    const result = results.get(filePath);
    assert.ok(result);
    assert.deepEqual(result.failures, [], `a rule family failed on ${filePath}`);
    for (const f of result.findings) findings.push(f);
  }
  return { findings, raw };
}

const hasDetails = (f: Finding): boolean => f.fixes !== undefined || f.related !== undefined;
const withoutDetails = (f: ResolvedFinding): string => JSON.stringify({ ...f, fixes: undefined, related: undefined });

/** Compares the two checks of `files`; returns how many findings of the full check had fixes and related locations. */
async function compare(label: string, files: readonly string[], version?: string): Promise<{ fixes: number; related: number }> {
  const full = await check(files, false, version);
  const reported = await check(files, true, version);
  assert.deepEqual(reported.findings.map(withoutDetails), full.findings.map(withoutDetails), `${label}: the same findings`);
  assert.deepEqual(reported.findings.filter(hasDetails).map((f) => f.code), [], `${label}: no fixes or related locations reported`);
  assert.deepEqual(reported.raw.filter(hasDetails).map((f) => f.code), [], `${label}: no rule made fixes or related locations`);
  return { fixes: full.findings.filter((f) => f.fixes).length, related: full.findings.filter((f) => f.related).length };
}

describe('findings that are only reported', () => {
  const made: string[] = [];
  after(() => { for (const dir of made) removeDir(dir); });

  it('are those of a full check without fixes and related locations, on every rule fixture', async () => {
    let fixes = 0;
    let related = 0;
    let fixtures = 0;
    for (const code of fs.readdirSync(FIXTURES).sort()) {
      for (const name of fs.readdirSync(path.join(FIXTURES, code)).sort()) {
        if (!fs.statSync(path.join(FIXTURES, code, name)).isFile()) continue;
        const { dir, file } = prepareFixture(code, name);
        made.push(dir);
        const counts = await compare(`${code}/${name}`, [file], fixtureVersion(fs.readFileSync(file, 'utf8')));
        fixes += counts.fixes;
        related += counts.related;
        fixtures++;
      }
    }
    // The comparison means something only where the full check has details to leave out.
    assert.ok(fixtures > 100, `${fixtures} fixtures`);
    assert.ok(fixes > 50 && related > 10, `full checks: ${fixes} findings with fixes, ${related} with related locations`);
  });

  it('are those of a full check without fixes and related locations, on the bundled examples', async () => {
    const counts = await compare('examples', [path.join(REPO_ROOT, 'examples/etc/nginx/nginx.conf')]);
    assert.ok(counts.fixes > 0 && counts.related > 0, `full check: ${counts.fixes} findings with fixes, ${counts.related} with related locations`);
  });
});
