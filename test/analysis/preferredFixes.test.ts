/**
 * Every preferred fix must leave a configuration that the rules accept and nginx loads. For
 * each rule that declares `preferredFix` (and, to keep rules from escaping, for every rule
 * whose bad fixtures carry a preferred fix), the fix is applied to each bad fixture through
 * the same edit selection as fix-all, the result is checked again (the finding is gone and no
 * finding of any other kind appears), and the fixed configuration goes through real
 * `nginx -t` with the test PKI standing in for its files (see fixtureUnderNginx).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { allRules, RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { atLeast } from '../../server/src/directives/versions';
import { applyEdits, fixAllEdits, preferredFix } from '../../server/src/service/quickFixes';
import { makeTempDir, NGINX, nginxAvailable, removeDir, runNginxTest, startIsolation, stopIsolation } from '../differential/nginxHarness';
import { generateTranscriptPki, opensslAvailable } from '../differential/opensslPki';
import { FIXTURES, fixtureVersion, workspace } from './rules/mtlsRuleHelpers';
import { nginxConfigFor } from './fixtureUnderNginx';
import { prepareFixture } from './fixtureFiles';

const RULES = allRules();
const NEEDS_NEWER_NGINX = 'needs a newer nginx';

/** The installed nginx's version (`nginx -v` prints it on stderr), or undefined. */
function installedNginxVersion(): string | undefined {
  if (!nginxAvailable()) return undefined;
  const run = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  return /nginx\/(\d+\.\d+\.\d+)/.exec(`${run.stderr}${run.stdout}`)?.[1];
}
const installedNginx = installedNginxVersion();
const DECLARED = new Set(RULES.filter((r) => r.preferredFix).map((r) => r.code));

/** Bad fixture files of a rule code (folders beside them hold what they include). */
function badFixtures(code: string): string[] {
  const dir = path.join(FIXTURES, code);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((n) => n.startsWith('bad') && fs.statSync(path.join(dir, n)).isFile()).sort();
}

/** Findings of a file analyzed with every rule family, as the CLI sees it. */
async function check(file: string, version: string | undefined): Promise<ResolvedFinding[]> {
  const result = await workspace(version, RULE_FAMILIES).analyzeStandalone(file);
  if (!result) throw new Error(`cannot read ${file}`);
  assert.deepEqual(result.failures, [], `a rule family failed on ${file}`);
  return result.findings;
}

function countByCode(findings: readonly ResolvedFinding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return counts;
}

interface Outcome {
  code: string;
  fixture: string;
  nginx: 'accepted' | string;
}

describe('preferred fixes', () => {
  let scratch = '';
  let nginxPki = '';
  let nginxReady = false;
  const outcomes: Outcome[] = [];

  before(async () => {
    scratch = makeTempDir('preferred-fixes');
    if (opensslAvailable()) nginxPki = generateTranscriptPki(path.join(scratch, 'pki'), { full: true });
    nginxReady = nginxAvailable() && nginxPki !== '';
    if (nginxReady) await startIsolation();
  });

  after(() => {
    if (nginxReady) stopIsolation();
    removeDir(scratch);
    const byNginx = outcomes.filter((o) => o.nginx === 'accepted');
    console.log(`preferred fixes: ${outcomes.length} fixed fixtures of ${new Set(outcomes.map((o) => o.code)).size} rules; nginx -t accepted ${byNginx.length}`
      + ` (${[...new Set(byNginx.map((o) => o.code))].sort().join(', ')})`);
    for (const o of outcomes.filter((x) => x.nginx !== 'accepted')) console.log(`  not run under nginx: ${o.code}/${o.fixture}: ${o.nginx}`);
  });

  it('covers every rule whose bad fixtures offer a preferred fix, and only those declare one', async () => {
    const offering = new Set<string>();
    for (const rule of RULES) {
      for (const name of badFixtures(rule.code)) {
        const { dir, file } = prepareFixture(rule.code, name);
        try {
          const findings = await check(file, fixtureVersion(fs.readFileSync(file, 'utf8')));
          for (const f of findings) if (f.code === rule.code && preferredFix(f)) offering.add(f.code);
        } finally {
          removeDir(dir);
        }
      }
    }
    const undeclared = [...offering].filter((c) => !DECLARED.has(c));
    assert.deepEqual(undeclared, [], 'rules that offer a preferred fix must say so (RuleMeta.preferredFix) so this test applies it');
    const unexercised = [...DECLARED].filter((c) => !offering.has(c));
    assert.deepEqual(unexercised, [], 'rules that declare a preferred fix need a bad fixture where it is offered');
  });

  for (const code of [...DECLARED].sort()) {
    describe(code, () => {
      for (const name of badFixtures(code)) {
        it(name, async () => {
          const { dir, file } = prepareFixture(code, name);
          try {
            const original = fs.readFileSync(file, 'utf8');
            const version = fixtureVersion(original);
            const findings = await check(file, version);
            const ofRule = findings.filter((f) => f.code === code && preferredFix(f));
            if (ofRule.length === 0) return; // Covered by the test above: some other bad fixture offers it.
            const { edits, fixed } = fixAllEdits(file, ofRule, preferredFix);
            assert.ok(fixed.length > 0 && edits.length > 0, `${name}: the preferred fix has no edit in the file`);
            const text = applyEdits(original, edits);
            fs.writeFileSync(file, text);
            const afterFix = await check(file, version);
            const before = countByCode(findings);
            const now = countByCode(afterFix);
            assert.ok((now.get(code) ?? 0) <= (before.get(code) ?? 0) - fixed.length,
              `${name}: ${code} still reported after its fix:\n${afterFix.filter((f) => f.code === code).map((f) => f.message).join('\n')}\n--- fixed text ---\n${text}`);
            const added = [...now].filter(([c, n]) => c !== code && n > (before.get(c) ?? 0)).map(([c]) => c);
            assert.deepEqual(added, [], `${name}: the fix raised new findings:\n${afterFix.filter((f) => added.includes(f.code)).map((f) => `${f.code}: ${f.message}`).join('\n')}\n--- fixed text ---\n${text}`);

            let nginx: string;
            if (!nginxReady) nginx = 'nginx or openssl is not installed';
            else if (version !== undefined && installedNginx !== undefined && !atLeast(installedNginx, version)) {
              nginx = `${NEEDS_NEWER_NGINX}: the fixture targets ${version}, this machine has nginx ${installedNginx}`;
            } else {
              const prefix = path.join(scratch, `${code}-${name}`);
              fs.mkdirSync(prefix, { recursive: true });
              const prepared = nginxConfigFor(text, nginxPki, prefix);
              if ('skip' in prepared) nginx = prepared.skip;
              else {
                const conf = path.join(prefix, 'nginx.conf');
                fs.writeFileSync(conf, prepared.conf);
                const run = await runNginxTest(prefix, conf);
                assert.equal(run.status, 0, `${name}: nginx -t refuses the fixed configuration:\n${run.stderr}\n--- as given to nginx ---\n${prepared.conf}`);
                nginx = 'accepted';
              }
            }
            outcomes.push({ code, fixture: name, nginx });
          } finally {
            removeDir(dir);
          }
        });
      }
    });
  }

  it('ran real nginx -t on the fixed fixtures of every rule with a preferred fix', { skip: !nginxAvailable() && 'nginx is not installed' }, () => {
    const accepted = new Set(outcomes.filter((o) => o.nginx === 'accepted').map((o) => o.code));
    // A rule that only exists for targets newer than the installed nginx cannot be run through
    // it; the after() hook prints each such fixture with the reason.
    const onlyNewer = new Set([...DECLARED].filter((c) => {
      const of = outcomes.filter((o) => o.code === c);
      return of.length > 0 && of.every((o) => o.nginx.startsWith(NEEDS_NEWER_NGINX));
    }));
    const never = [...DECLARED].filter((c) => !accepted.has(c) && !onlyNewer.has(c));
    assert.deepEqual(never, [], 'rules whose preferred fix never went through nginx -t');
  });
});
