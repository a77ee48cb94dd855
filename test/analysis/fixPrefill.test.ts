/**
 * Fixes that fill in a file from the workspace name the right one: the key whose public key
 * matches the certificate (not another key beside it), the CA that issued a local upstream's
 * certificate (not the system bundle), the password file that opens the key (without the
 * passphrase appearing anywhere).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { preferredFix } from '../../server/src/service/quickFixes';
import { removeDir } from '../differential/nginxHarness';
import { PKI_PASSPHRASE } from '../differential/opensslPki';
import { prepareFixture } from './fixtureFiles';
import { workspace } from './rules/mtlsRuleHelpers';

async function preferredEditOf(code: string, fixture: string, prepare?: (dir: string) => void): Promise<{ text: string; title: string; finding: ResolvedFinding } | undefined> {
  const { dir, file } = prepareFixture(code, fixture);
  try {
    prepare?.(dir);
    const result = await workspace(undefined, RULE_FAMILIES).analyzeStandalone(file);
    const finding = result?.findings.find((f) => f.code === code);
    assert.ok(finding, `${fixture} reports ${code}`);
    const fix = preferredFix(finding);
    return fix && { text: fix.edits.map((e) => e.newText).join(''), title: fix.title, finding };
  } finally {
    removeDir(dir);
  }
}

describe('fixes prefilled from the workspace', () => {
  it('names the key that matches the certificate, and none when two keys match', async () => {
    const fix = await preferredEditOf('mtls.client-cert-not-sent', 'bad-key-in-folder.conf');
    assert.ok(fix);
    assert.match(fix.text, /proxy_ssl_certificate_key client\.key;/);
    const ambiguous = await preferredEditOf('mtls.client-cert-not-sent', 'bad-key-in-folder.conf', (dir) => fs.copyFileSync(`${dir}/client.key`, `${dir}/client-copy.key`));
    assert.equal(ambiguous, undefined, 'two matching keys leave the choice to the operator');
  });

  it('verifies a local upstream against the CA that issued its certificate', async () => {
    const fix = await preferredEditOf('tls.upstream-unverified', 'bad-local-peer.conf');
    assert.ok(fix);
    assert.match(fix.text, /proxy_ssl_trusted_certificate ca\.crt;/);
    assert.doesNotMatch(fix.text, /ca-certificates\.crt/);
  });

  it('offers the system bundle as the preferred CA only for public upstream names', async () => {
    const pub = await preferredEditOf('tls.upstream-unverified', 'bad.conf');
    assert.ok(pub);
    assert.match(pub.text, /ca-certificates\.crt/);
    const { dir, file } = prepareFixture('tls.upstream-unverified', 'bad.conf');
    try {
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('https://backend.example.com', 'https://backend'));
      const result = await workspace(undefined, RULE_FAMILIES).analyzeStandalone(file);
      const finding = result?.findings.find((f) => f.code === 'tls.upstream-unverified');
      assert.ok(finding?.fixes?.length, 'a fix is still offered');
      assert.equal(preferredFix(finding), undefined, 'but not as the preferred one');
    } finally {
      removeDir(dir);
    }
  });

  it('adds the password file that opens the key, never showing the passphrase', async () => {
    const fix = await preferredEditOf('tls.encrypted-key-no-password', 'bad-password-file-beside.conf');
    assert.ok(fix);
    assert.match(fix.text, /ssl_password_file server\.pass;/);
    for (const shown of [fix.text, fix.title, fix.finding.message]) assert.ok(!shown.includes(PKI_PASSPHRASE));
    const wrong = await preferredEditOf('tls.encrypted-key-no-password', 'bad-password-file-beside.conf', (dir) => fs.writeFileSync(`${dir}/server.pass`, 'not-it\n'));
    assert.equal(wrong, undefined, 'a password file that does not open the key is not offered');
  });
});
