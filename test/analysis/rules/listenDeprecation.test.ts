/** `listen ... http2` from 1.25.1: nginx's warning, and the fix that moves it to `http2 on;`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../../server/src/service/quickFixes';
import { analyzeText } from './mtlsRuleHelpers';

const CODE = 'tls.listen-http2-deprecated';
const config = (listen: string, extra = ''): string => `events {}\nhttp {\n    server {\n        ${listen}\n${extra}        server_name example.com;\n    }\n}\n`;

describe('listen ... http2', () => {
  it('warns in nginx\'s words from 1.25.1 only', async () => {
    const text = config('listen 443 ssl http2;');
    const recent = (await analyzeText(text, { version: '1.25.1' })).findings.filter((f) => f.code === CODE);
    assert.equal(recent.length, 1);
    assert.equal(recent[0].severity, 'warning');
    assert.match(recent[0].message, /the "listen \.\.\. http2" directive is deprecated, use the "http2" directive instead/);
    assert.deepEqual((await analyzeText(text, { version: '1.25.0' })).findings.filter((f) => f.code === CODE), []);
  });

  it('the fix removes the parameter and adds "http2 on;" once', async () => {
    const { findings, text } = await analyzeText(config('listen 443 ssl http2;'), { version: '1.27.0' });
    const fix = findings.find((f) => f.code === CODE)?.fixes?.[0];
    assert.ok(fix);
    assert.equal(applyEdits(text, fix.edits), config('listen 443 ssl;\n        http2 on;'));
    const already = await analyzeText(config('listen 443 ssl http2;', '        http2 on;\n'), { version: '1.27.0' });
    const fix2 = already.findings.find((f) => f.code === CODE)?.fixes?.[0];
    assert.ok(fix2);
    assert.equal(applyEdits(already.text, fix2.edits), config('listen 443 ssl;', '        http2 on;\n'));
  });
});
