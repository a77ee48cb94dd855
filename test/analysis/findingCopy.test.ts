/** findingCopy (analysis/finding.ts): every field of a finding, in place of a spread. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FINDING_FIELDS, findingCopy, type Finding } from '../../server/src/analysis/finding';

const FULL: Required<Finding> = {
  code: 'tls.file-not-found', severity: 'error', message: 'm', file: '/etc/nginx/nginx.conf', start: 3, end: 9,
  fixes: [{ title: 't', safe: true, edits: [{ file: '/etc/nginx/nginx.conf', start: 3, end: 9, newText: 'x' }] }],
  related: [{ file: '/etc/nginx/nginx.conf', start: 1, end: 2, message: 'r' }],
  nginxRefuses: true,
};

describe('findingCopy', () => {
  it('copies every field a finding has (the full list of FINDING_FIELDS)', () => {
    assert.deepEqual(Object.keys(FULL).sort(), Object.keys(FINDING_FIELDS).sort());
    const copy = findingCopy(FULL);
    assert.notEqual(copy, FULL);
    assert.deepStrictEqual(copy, FULL);
    // Parts are shared, not copied (nothing mutates a finding once made).
    assert.equal(copy.fixes, FULL.fixes);
    assert.equal(copy.related, FULL.related);
  });

  it('moves the range and sets the severity when asked', () => {
    assert.deepStrictEqual(findingCopy(FULL, 10, 16, 'warning'), { ...FULL, start: 10, end: 16, severity: 'warning' });
  });

  it('keeps a field written as undefined, as a spread does', () => {
    const written: Finding = { code: 'c', message: 'm', file: 'f', start: 0, end: 1, fixes: undefined, related: undefined };
    assert.deepStrictEqual(findingCopy(written), { ...written });
    assert.deepStrictEqual(Object.keys(findingCopy(written)).sort(), Object.keys(written).sort());
  });

  it('leaves absent fields absent', () => {
    const bare: Finding = { code: 'c', message: 'm', file: 'f', start: 0, end: 1 };
    assert.deepStrictEqual(Object.keys(findingCopy(bare)).sort(), Object.keys(bare).sort());
    assert.deepStrictEqual(findingCopy(bare, 0, 1, 'hint'), { ...bare, severity: 'hint' });
  });
});
