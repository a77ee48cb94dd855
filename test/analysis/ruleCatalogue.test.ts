import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { githubHeadingAnchor, headingAnchors } from '../../server/src/analysis/docsAnchor';
import { DOCS_BASE, docsUrl } from '../../server/src/analysis/finding';
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

  it("links every rule to its own heading in docs/rules.md, by GitHub's heading anchor", () => {
    const headingOf = new Map(headingAnchors(DOCS).map((h) => [h.anchor, h.heading]));
    for (const rule of allRules()) {
      const url = docsUrl(rule.code);
      assert.ok(url.startsWith(`${DOCS_BASE}#`), url);
      const fragment = url.slice(DOCS_BASE.length + 1);
      assert.equal(headingOf.get(fragment), rule.code, `${url} does not land on the heading "### ${rule.code}"`);
    }
  });

  it("computes anchors the way GitHub does (punctuation dropped, spaces to -, repeats numbered, code fences skipped)", () => {
    assert.equal(githubHeadingAnchor('tls.upstream-unverified'), 'tlsupstream-unverified');
    assert.equal(githubHeadingAnchor('nginx.directive-not-allowed quick fix: lift it out of `if`'),
      'nginxdirective-not-allowed-quick-fix-lift-it-out-of-if');
    assert.equal(githubHeadingAnchor('mTLS and proxy rules'), 'mtls-and-proxy-rules');
    assert.equal(githubHeadingAnchor('snake_case stays'), 'snake_case-stays');
    assert.deepStrictEqual(headingAnchors('# A\n```\n# not a heading\n```\n## A\n### A.\n').map((h) => h.anchor), ['a', 'a-1', 'a-2']);
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
