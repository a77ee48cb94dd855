/**
 * nginx.duplicate-value: a bitmask value that the same block already gave the directive. The bad
 * fixture goes through real `nginx -t` too: the lines nginx warns about are the lines we report.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULE_FAMILIES } from '../../../server/src/analysis/ruleRegistry';
import { makeTempDir, nginxAvailable, removeDir, runNginxTest } from '../../differential/nginxHarness';
import { FIXTURES, fixtureVersion, workspace } from './mtlsRuleHelpers';

const CODE = 'nginx.duplicate-value';
const DIR = path.join(FIXTURES, CODE);

async function reportedLines(file: string): Promise<number[]> {
  const text = fs.readFileSync(file, 'utf8');
  const result = await workspace(fixtureVersion(text), RULE_FAMILIES).analyzeStandalone(file);
  assert.ok(result);
  return result.findings.filter((f) => f.code === CODE).map((f) => text.slice(0, f.start).split('\n').length);
}

describe(CODE, () => {
  for (const name of fs.readdirSync(DIR).sort()) {
    it(name, async () => {
      const lines = await reportedLines(path.join(DIR, name));
      if (name.startsWith('bad')) assert.deepEqual(lines, [7, 8, 10]);
      else assert.deepEqual(lines, [], `${name} must not report ${CODE}`);
    });
  }

  it('reports the lines real nginx -t warns about, and nothing where it is silent', { skip: !nginxAvailable() && 'nginx is not installed' }, async () => {
    const prefix = makeTempDir('duplicate-value');
    try {
      for (const name of fs.readdirSync(DIR).sort()) {
        // Two lines of our own in front: the log goes to stderr and the pid file into the temp folder.
        const conf = path.join(prefix, 'nginx.conf');
        fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
        fs.writeFileSync(conf, `error_log stderr;\npid ${prefix}/nginx.pid;\n${fs.readFileSync(path.join(DIR, name), 'utf8')}`);
        const run = await runNginxTest(prefix, conf, false);
        assert.equal(run.status, 0, run.stderr);
        const warned = [...run.stderr.matchAll(/\[warn\] (?:\d+#\d+: )?duplicate value "[^"]+" in [^\n]*:(\d+)/g)].map((m) => Number(m[1]) - 2);
        assert.deepEqual(warned, await reportedLines(path.join(DIR, name)), `${name}: nginx warned on lines ${warned.join(', ') || 'none'}`);
      }
    } finally {
      removeDir(prefix);
    }
  });
});
