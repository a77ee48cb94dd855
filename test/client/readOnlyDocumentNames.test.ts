/** The vscode-free parts of the client's read-only documents (rule docs, certificate details). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  certificateDetailsPath, codeOfRuleDocPath, explainActionTitle, ruleCodeOfDiagnostic, ruleDocPath, ruleQuickPickItems,
} from '../../client/src/readOnlyDocumentNames';
import { DIAGNOSTIC_SOURCE } from '../../server/src/service/lspConvert';
import { ruleList } from '../../server/src/service/ruleExplanation';

describe('client: read-only document names', () => {
  it('names a rule document by its code and reads the code back, for every rule', () => {
    for (const { code } of ruleList()) {
      assert.ok(ruleDocPath(code).endsWith('.md'), 'shown as Markdown');
      assert.equal(codeOfRuleDocPath(ruleDocPath(code)), code);
    }
    assert.equal(codeOfRuleDocPath('/notes.md'), undefined);
    assert.equal(codeOfRuleDocPath('/../../etc/passwd.md'), undefined);
  });

  it('takes the rule code from our diagnostics only, in every shape VS Code gives it', () => {
    assert.equal(DIAGNOSTIC_SOURCE, 'nginx-mtls', 'the server publishes under the source the client looks for');
    assert.equal(ruleCodeOfDiagnostic({ source: DIAGNOSTIC_SOURCE, code: 'tls.upstream-unverified' }), 'tls.upstream-unverified');
    assert.equal(ruleCodeOfDiagnostic({ source: DIAGNOSTIC_SOURCE, code: { value: 'tls.cert-validity' } }), 'tls.cert-validity');
    assert.equal(ruleCodeOfDiagnostic({ source: 'eslint', code: 'no-undef' }), undefined);
    assert.equal(ruleCodeOfDiagnostic({ source: DIAGNOSTIC_SOURCE, code: 7 }), undefined);
    assert.equal(ruleCodeOfDiagnostic({ source: DIAGNOSTIC_SOURCE }), undefined);
    assert.equal(explainActionTitle('tls.cert-validity'), 'Explain nginx-mtls rule tls.cert-validity');
  });

  it('lists one quick-pick entry a rule, code first, searchable by title', () => {
    const rules = ruleList();
    const items = ruleQuickPickItems(rules);
    assert.equal(items.length, rules.length);
    const first = items[0];
    assert.equal(first.label, rules[0].code);
    assert.equal(first.code, rules[0].code);
    assert.equal(first.description, rules[0].title);
    assert.equal(first.detail, `${rules[0].category}, default severity ${rules[0].severity}`);
  });

  it('names a certificate details document after the file, as Markdown, in one path segment', () => {
    assert.equal(certificateDetailsPath('server.crt'), '/server.crt.md');
    assert.equal(certificateDetailsPath('a/b\\c.pem'), '/a_b_c.pem.md');
  });
});
