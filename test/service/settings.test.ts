/** Settings arrive from the editor untrusted: inlay hint switches nested (VS Code) or dotted, anything else is the default. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeSettings } from '../../server/src/service/settings';

describe('settings: inlayHints', () => {
  it('reads nested and dotted switches, and falls back to on for anything but a boolean', () => {
    assert.deepEqual(normalizeSettings({}).inlayHints, { certificateExpiry: true, effectiveDefaults: true });
    assert.deepEqual(normalizeSettings({ inlayHints: { certificateExpiry: false } }).inlayHints, { certificateExpiry: false, effectiveDefaults: true });
    assert.deepEqual(normalizeSettings({ 'inlayHints.effectiveDefaults': false }).inlayHints, { certificateExpiry: true, effectiveDefaults: false });
    assert.deepEqual(normalizeSettings({ inlayHints: { certificateExpiry: 'no', effectiveDefaults: 0 } }).inlayHints, { certificateExpiry: true, effectiveDefaults: true });
    assert.deepEqual(normalizeSettings({ inlayHints: ['x'] }).inlayHints, { certificateExpiry: true, effectiveDefaults: true });
  });
});
