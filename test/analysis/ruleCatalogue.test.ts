import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { docsUrl } from '../../server/src/analysis/finding';
import { allRules } from '../../server/src/analysis/ruleRegistry';

const DOCS = readFileSync(path.resolve(__dirname, '../../../docs/rules.md'), 'utf8');

/** A rule's section: from its heading to the next heading of any level. */
function ruleSection(code: string): string {
  const start = DOCS.indexOf(`\n### ${code}\n`);
  if (start < 0) return '';
  const next = DOCS.slice(start + 1).search(/\n#{2,3} /);
  return next < 0 ? DOCS.slice(start) : DOCS.slice(start, start + 1 + next);
}

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

  it('says for every rule which fix it offers, or why none is safe', () => {
    const missing: string[] = [];
    for (const rule of allRules()) {
      const section = ruleSection(rule.code);
      const fix = /^\*\*Fix[^*\n]*:\*\*([\s\S]*?)(?:\n\n|(?![\s\S]))/m.exec(section)?.[1];
      if (fix === undefined) missing.push(`${rule.code}: no **Fix:** paragraph`);
      // A rule whose findings carry a preferred fix says what that quick fix does.
      else if (rule.preferredFix && !/quick\s+fix/i.test(fix)) missing.push(`${rule.code}: the Fix paragraph does not describe its preferred quick fix`);
    }
    assert.deepEqual(missing, []);
  });
});
