/**
 * CHANGELOG.md is kept per release (Keep a Changelog): "Unreleased" first, then dated releases,
 * newest first; the latest is package.json's version, and the release workflow takes its notes
 * from it with scripts/changelog-section.mjs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { packageJson, REPO } from './npmPackage';

describe('CHANGELOG.md', () => {
  const text = readFileSync(path.join(REPO, 'CHANGELOG.md'), 'utf8');
  const headings = [...text.matchAll(/^## \[([^\]]+)\](.*)$/gm)].map((m) => ({ version: m[1], rest: m[2] }));
  const released = headings.filter((h) => h.version !== 'Unreleased');

  it('starts with an Unreleased section, then the releases, newest first, each dated', () => {
    assert.equal(headings[0]?.version, 'Unreleased');
    assert.ok(released.length > 0);
    for (const h of released) {
      assert.match(h.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
      assert.match(h.rest, /^ - \d{4}-\d{2}-\d{2}$/, `## [${h.version}] needs " - YYYY-MM-DD"`);
    }
    const numbers = released.map((h) => h.version.split(/[.-]/).slice(0, 3).map(Number));
    for (let i = 1; i < numbers.length; i++) {
      const [a, b] = [numbers[i - 1], numbers[i]];
      assert.ok(a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2]))), `${released[i - 1].version} before ${released[i].version}`);
    }
  });

  it("has package.json's version as its latest release", () => {
    assert.equal(released[0].version, packageJson.version);
  });

  it('has a link for every section', () => {
    for (const h of headings) assert.match(text, new RegExp(`^\\[${h.version.replace(/\./g, '\\.')}\\]: https://github\\.com/nginx-mtls/nginx-mtls/`, 'm'));
  });

  it('gives the release workflow the notes of the tagged version, and refuses a version it lacks', () => {
    const script = path.join(REPO, 'scripts/changelog-section.mjs');
    const notes = spawnSync(process.execPath, [script, packageJson.version, path.join(REPO, 'CHANGELOG.md')], { encoding: 'utf8' });
    assert.equal(notes.status, 0, notes.stderr);
    assert.match(notes.stdout, /^### /);
    assert.ok(!notes.stdout.includes('## ['), 'only the one section');
    const missing = spawnSync(process.execPath, [script, '99.0.0', path.join(REPO, 'CHANGELOG.md')], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
  });
});
