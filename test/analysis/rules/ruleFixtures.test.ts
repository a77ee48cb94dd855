/** Every rule code has bad fixtures that must report it and good/fp fixtures that must not. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, MTLS_CODES, MTLS_FAMILIES, analyzeFile } from './mtlsRuleHelpers';

const dirs = fs.readdirSync(FIXTURES).filter((d) => MTLS_CODES.has(d)).sort();

describe('mTLS/proxy rule fixtures', () => {
  it('has at least one bad and one good fixture per rule code', () => {
    const counts: string[] = [];
    for (const code of [...MTLS_CODES].sort()) {
      const dir = path.join(FIXTURES, code);
      const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      const bad = files.filter((f) => f.startsWith('bad')).length;
      const good = files.filter((f) => f.startsWith('good')).length;
      const fp = files.filter((f) => f.startsWith('fp')).length;
      counts.push(`${code}=${bad}b/${good}g/${fp}fp`);
      assert.ok(bad >= 1, `${code} has no bad fixture`);
      assert.ok(good >= 1, `${code} has no good fixture`);
    }
    const rules = MTLS_FAMILIES.reduce((n, f) => n + f.rules.length, 0);
    console.log(`mtls rules: ${rules} rule codes in ${MTLS_FAMILIES.length} families; fixtures: ${counts.join(' ')}`);
  });

  for (const code of dirs) {
    describe(code, () => {
      for (const name of fs.readdirSync(path.join(FIXTURES, code)).sort()) {
        const file = path.join(FIXTURES, code, name);
        it(name, async () => {
          const result = await analyzeFile(file);
          const found = result.findings.filter((f) => f.code === code);
          if (name.startsWith('bad')) {
            assert.ok(found.length > 0, `${name} should report ${code}; got ${result.findings.map((f) => f.code).join(', ') || 'nothing'}`);
            for (const f of found) {
              assert.ok(f.start < f.end, 'finding has a non-empty range');
              const text = result.file.text.slice(f.start, f.end);
              assert.ok(!text.includes('\n') || text.length < 400, 'range stays on the directive');
            }
          } else {
            assert.deepEqual(found.map((f) => `${result.file.lines.positionAt(f.start).line + 1}: ${f.message}`), [], `${name} must not report ${code}`);
          }
        });
      }
    });
  }
});
