/**
 * A problem caused by inheritance lands on the server that must change (its own statement,
 * or its `server` line), with the inherited statement as related information, and not once
 * on the http-level statement that other servers use correctly.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, analyzeFile } from './mtlsRuleHelpers';

describe('placement of inherited problems', () => {
  it('tls.verify-client-no-ca: on the server without a CA, related to the inherited ssl_verify_client', async () => {
    const result = await analyzeFile(path.join(FIXTURES, 'tls.verify-client-no-ca', 'bad-inherited-verify.conf'));
    const found = result.findings.filter((f) => f.code === 'tls.verify-client-no-ca');
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    const line = (offset: number): number => result.file.lines.positionAt(offset).line + 1;
    // Line 16: the second server's ssl_certificate (its own TLS context); line 3: the http-level verify.
    assert.equal(line(found[0].start), 16);
    assert.match(found[0].message, /inherits "ssl_verify_client on" and no CA/);
    assert.equal(found[0].related?.length, 1);
    assert.equal(line(found[0].related?.[0].start ?? -1), 3);
  });
});
