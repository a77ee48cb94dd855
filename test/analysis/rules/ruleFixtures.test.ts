/** Every rule code has bad fixtures that must report it and good/fp fixtures that must not. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { certificateFileRules } from '../../../server/src/analysis/rules/certificateFileRules';
import { includeRules } from '../../../server/src/analysis/rules/includeRules';
import { FIXTURES, MTLS_CODES, MTLS_FAMILIES, analyzeFile } from './mtlsRuleHelpers';

/** Rules that tell a missing file of the project from one only the production host has; each needs a false-positive fixture. */
const FILE_CODES = new Set(['tls.file-not-found', 'tls.handshake-file-not-found', 'tls.file-not-loaded', 'tls.file-not-on-this-machine', 'nginx.include-not-found', 'nginx.include-not-on-this-machine']);
const FAMILIES = [...MTLS_FAMILIES, certificateFileRules, includeRules];
const CODES = new Set([...MTLS_CODES, ...FILE_CODES]);

const dirs = fs.readdirSync(FIXTURES).filter((d) => CODES.has(d)).sort();
/** Fixture files of a rule (folders beside them hold what they include). */
const fixtureNames = (code: string): string[] => fs.readdirSync(path.join(FIXTURES, code)).filter((n) => fs.statSync(path.join(FIXTURES, code, n)).isFile()).sort();

describe('mTLS/proxy and file rule fixtures', () => {
  it('has at least one bad and one good fixture per rule code', () => {
    const counts: string[] = [];
    for (const code of [...CODES].sort()) {
      const files = fs.existsSync(path.join(FIXTURES, code)) ? fixtureNames(code) : [];
      const bad = files.filter((f) => f.startsWith('bad')).length;
      const good = files.filter((f) => f.startsWith('good')).length;
      const fp = files.filter((f) => f.startsWith('fp')).length;
      counts.push(`${code}=${bad}b/${good}g/${fp}fp`);
      assert.ok(bad >= 1, `${code} has no bad fixture`);
      assert.ok(good >= 1, `${code} has no good fixture`);
      if (FILE_CODES.has(code)) assert.ok(fp >= 1, `${code} has no false-positive fixture`);
    }
    const rules = MTLS_FAMILIES.reduce((n, f) => n + f.rules.length, 0);
    console.log(`mtls rules: ${rules} rule codes in ${MTLS_FAMILIES.length} families; fixtures: ${counts.join(' ')}`);
  });

  for (const code of dirs) {
    describe(code, () => {
      for (const name of fixtureNames(code)) {
        const file = path.join(FIXTURES, code, name);
        it(name, async () => {
          const result = await analyzeFile(file, { families: FAMILIES });
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
