/**
 * The project file loader: JSON with comments, positions of problems, path resolution
 * against the file's folder, and how it combines with explicitly set values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explicitSettings } from '../../common/explicitSettings';
import { IgnoreMatcher, toAbsoluteIgnoreGlob } from '../../server/src/project/ignoreGlobs';
import { parseJsonc } from '../../server/src/project/jsonc';
import { parseProjectConfig } from '../../server/src/project/projectConfig';
import { overlaySettings } from '../../server/src/project/projectSettings';

const FILE = '/repo/deploy/.nginx-mtls.json';

describe('JSON with comments', () => {
  it('reads line and block comments and trailing commas', () => {
    const { root, error } = parseJsonc('// lead\n{\n  /* a */ "a": [1, 2,], // tail\n  "b": { "c": "x\\u0041", },\n}\n');
    assert.equal(error, undefined);
    assert.deepEqual(root?.value, { a: [1, 2], b: { c: 'xA' } });
  });

  it('keeps "__proto__" an ordinary key', () => {
    const { root } = parseJsonc('{ "__proto__": { "polluted": true } }');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(root?.value as object), ['__proto__']);
  });

  for (const [text, offset, pattern] of [
    ['{ "a": 1 "b": 2 }', 9, /expected "," or "}"/],
    ['{ "a": /* open', 7, /comment is never closed/],
    ["{ 'a': 1 }", 2, /property name in double quotes/],
    ['{ "a": tru }', 7, /expected a value/],
    ['{} {}', 3, /after the end/],
    ['', 0, /empty/],
    ['{ "a": "line\nbreak" }', 7, /not closed/],
  ] as const) {
    it(`reports ${JSON.stringify(text)} at offset ${offset}`, () => {
      const { root, error } = parseJsonc(text);
      assert.equal(root, undefined);
      assert.equal(error?.offset, offset);
      assert.match(error?.message ?? '', pattern);
    });
  }

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const { error } = parseJsonc('['.repeat(100000));
    assert.match(error?.message ?? '', /nested more than/);
  });
});

describe('.nginx-mtls.json loader', () => {
  it('resolves relative paths against the folder of the file', () => {
    const { config, problems } = parseProjectConfig(`{
      "mainConfig": "nginx/nginx.conf",
      "pathMappings": { "/etc/nginx": "nginx", "/etc/ssl": "/abs/ssl" },
      "ignore": ["legacy/", "conf.d/old-*.conf", "*.bak"],
    }`, FILE);
    assert.deepEqual(problems, []);
    assert.equal(config.mainConfig, '/repo/deploy/nginx/nginx.conf');
    assert.deepEqual(config.pathMappings, { '/etc/nginx': '/repo/deploy/nginx', '/etc/ssl': '/abs/ssl' });
    assert.deepEqual(config.ignore, ['/repo/deploy/**/legacy', '/repo/deploy/conf.d/old-*.conf', '/repo/deploy/**/*.bak']);
  });

  it('reads rules, version and expiry days', () => {
    const { config, problems } = parseProjectConfig('{ "$schema": "x", "rules": { "tls.cert-validity": "off" }, "targetVersion": "1.22.1", "certificateExpiryWarningDays": 10 }', FILE);
    assert.deepEqual(problems, []);
    assert.deepEqual(config, { rules: { 'tls.cert-validity': 'off' }, targetVersion: '1.22.1', certificateExpiryWarningDays: 10 });
  });

  it('reports a syntax error with line and column, and applies nothing', () => {
    const result = parseProjectConfig('{\n  "rules": {\n    "tls.cert-validity": "off"\n  \n', FILE);
    assert.deepEqual(result.config, {});
    assert.equal(result.problems.length, 1);
    const [problem] = result.problems;
    assert.equal(problem.syntax, true);
    assert.deepEqual([problem.line, problem.column], [5, 1]);
    assert.match(problem.message, /not valid JSON/);
  });

  it('reports a wrong type, an unknown key and an unknown rule where they are, and keeps the rest', () => {
    const text = '{\n  "targetVersion": 1.22,\n  "rule": {},\n  "rules": { "upstream-unverified": "off", "tls.cert-validity": "of", "tls.file-not-found": "warning" },\n  "certificateExpiryWarningDays": 5000\n}';
    const { config, problems } = parseProjectConfig(text, FILE);
    assert.deepEqual(config, { rules: { 'tls.file-not-found': 'warning' } });
    const summary = problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.message}`);
    assert.equal(summary.length, 5, summary.join('\n'));
    assert.match(summary[0], /^2:20 error "targetVersion" must be a version/);
    assert.match(summary[1], /^3:3 warning unknown key "rule" \(did you mean "rules"\?\)/);
    // Worded as --rule words it, with the code that was probably meant.
    assert.match(summary[2], /^4:14 error "rules": unknown rule "upstream-unverified" \(did you mean "tls\.upstream-unverified"\?\); `nginx-mtls rules` lists them/);
    assert.match(summary[3], /^4:65 error "rules": "tls\.cert-validity" must be one of "off", "error"/);
    assert.match(summary[4], /^5:35 error "certificateExpiryWarningDays" must be a whole number of days from 0 to 3650/);
  });

  it('lists at most 100 problems of a machine-written file, then counts the rest', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `"unknown${i}": ${i}`);
    const { problems } = parseProjectConfig(`{\n${keys.join(',\n')}\n}`, FILE);
    assert.equal(problems.length, 101);
    assert.deepEqual([problems[99].line, problems[99].column], [101, 1]);
    assert.match(problems[100].message, /^4900 more problems not listed$/);
  });

  it('asks for an object at the top', () => {
    const { problems } = parseProjectConfig('["rules"]', FILE);
    assert.equal(problems[0].syntax, true);
    assert.match(problems[0].message, /holds one object/);
  });
});

describe('ignore globs', () => {
  const matcher = new IgnoreMatcher(['legacy/', 'conf.d/old-*.conf', '*.bak', '/abs/**/x.conf'].map((g) => toAbsoluteIgnoreGlob('/repo', g)));
  for (const [file, ignored] of [
    ['/repo/legacy/a.conf', true],
    ['/repo/nginx/legacy/deep/a.conf', true],
    ['/repo/conf.d/old-site.conf', true],
    ['/repo/nginx/conf.d/old-site.conf', false],
    ['/repo/conf.d/new-site.conf', false],
    ['/repo/a/b/site.bak', true],
    ['/abs/one/two/x.conf', true],
    ['/elsewhere/legacy/a.conf', false],
  ] as const) {
    it(`${ignored ? 'ignores' : 'keeps'} ${file}`, () => assert.equal(matcher.ignores(file), ignored));
  }

  it('takes an unbalanced brace and an invalid class literally instead of failing', () => {
    assert.equal(new IgnoreMatcher([toAbsoluteIgnoreGlob('/r', 'a{b.conf')]).ignores('/r/x/a{b.conf'), true);
    assert.equal(new IgnoreMatcher(['/r/[z-a].conf']).ignores('/r/[z-a].conf'), true);
    assert.equal(new IgnoreMatcher(['/r/[z-a].conf']).ignores('/r/z.conf'), false);
  });
});

describe('settings over the project file', () => {
  const project = { targetVersion: '1.22.1', rules: { 'tls.cert-validity': 'off' as const, 'tls.file-not-found': 'warning' as const }, ignore: ['/repo/**/legacy'], pathMappings: { '/etc/nginx': '/repo/nginx' } };

  it('explicit values win, rules and mappings entry by entry, ignore lists add up', () => {
    const merged = overlaySettings(project, { targetVersion: '1.26.0', rules: { 'tls.cert-validity': 'error' }, ignore: ['tmp/'], pathMappings: { '/etc/ssl': 'ssl' }, mainConfig: undefined, certificateExpiryWarningDays: null });
    assert.deepEqual(merged, {
      targetVersion: '1.26.0',
      rules: { 'tls.cert-validity': 'error', 'tls.file-not-found': 'warning' },
      ignore: ['/repo/**/legacy', 'tmp/'],
      pathMappings: { '/etc/nginx': '/repo/nginx', '/etc/ssl': 'ssl' },
    });
  });

  it('a value left at its default in VS Code is not sent, so the file applies', () => {
    const inspected: Record<string, object> = {
      targetVersion: { defaultValue: '1.30.0' },
      rules: { defaultValue: {}, workspaceValue: { 'tls.cert-validity': 'warning' } },
      validationDelayMs: { defaultValue: 150, globalValue: 150 },
    };
    const effective: Record<string, unknown> = { targetVersion: '1.30.0', rules: { 'tls.cert-validity': 'warning' }, validationDelayMs: 150 };
    const sent = explicitSettings(Object.keys(inspected), (k) => inspected[k], (k) => effective[k]);
    // Set to its default value on purpose is still a choice.
    assert.deepEqual(sent, { rules: { 'tls.cert-validity': 'warning' }, validationDelayMs: 150 });
    assert.equal(overlaySettings(project, sent).targetVersion, '1.22.1');
  });
});

