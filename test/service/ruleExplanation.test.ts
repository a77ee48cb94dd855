import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOCS_BASE, docsUrl } from '../../server/src/analysis/finding';
import { allRules } from '../../server/src/analysis/ruleRegistry';
import { ruleExplanationMarkdown, ruleList } from '../../server/src/service/ruleExplanation';

describe('rule explanation pages', () => {
  it('has a page for every rule, titled with its code, ending with its online link', () => {
    for (const rule of allRules()) {
      const page = ruleExplanationMarkdown(rule.code);
      assert.ok(page, rule.code);
      assert.ok(page.startsWith(`# ${rule.code}\n`), rule.code);
      assert.ok(page.includes(rule.title), rule.code);
      assert.ok(page.trimEnd().endsWith(`(${docsUrl(rule.code)})`), rule.code);
    }
    assert.equal(ruleExplanationMarkdown('no.such-rule'), undefined);
  });

  it("carries the documented text and no in-page links that lead nowhere", () => {
    const page = ruleExplanationMarkdown('tls.upstream-unverified') ?? '';
    assert.match(page, /```nginx/);
    // docs/rules.md links tls.upstream-name-mismatch as (#tls-upstream-name-mismatch).
    assert.ok(page.includes(`(${docsUrl('tls.upstream-name-mismatch')})`), page);
    for (const rule of allRules()) {
      assert.doesNotMatch(ruleExplanationMarkdown(rule.code) ?? '', /\]\(#/, rule.code);
    }
    assert.ok(DOCS_BASE.startsWith('https://github.com/nginx-mtls/nginx-mtls/'));
  });

  it('lists every rule with code, title, category and default severity', () => {
    assert.deepStrictEqual(ruleList(), allRules().map(({ code, title, category, severity }) => ({ code, title, category, severity })));
  });
});
