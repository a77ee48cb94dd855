import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { docsUrl } from '../../server/src/analysis/finding';
import { allRules } from '../../server/src/analysis/ruleRegistry';

const DOCS = readFileSync(path.resolve(__dirname, '../../../docs/rules.md'), 'utf8');

describe('rule catalogue', () => {
  it('has unique, stable kebab-case codes with a title', () => {
    const rules = allRules();
    const codes = rules.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length, 'duplicate rule codes');
    for (const rule of rules) {
      assert.match(rule.code, /^[a-z]+\.[a-z0-9-]+$/);
      assert.ok(rule.title.length > 5, rule.code);
    }
    console.log(`${rules.length} rules`);
  });

  it('documents every rule under its anchor in docs/rules.md', () => {
    for (const rule of allRules()) {
      const anchor = docsUrl(rule.code).split('#')[1];
      assert.ok(DOCS.includes(`<a id="${anchor}"></a>`), `docs/rules.md has no section for ${rule.code}`);
      assert.ok(DOCS.includes(`### ${rule.code}`), `docs/rules.md has no heading for ${rule.code}`);
    }
  });
});
