/**
 * What analyze() does with the findings families give: repeats of one finding (same place,
 * code and message) are reported once, in the order families gave them, sorted by place;
 * suppression comments are read once per parse.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, RuleMeta } from '../../server/src/analysis/finding';
import type { RuleContext, RuleFamily } from '../../server/src/analysis/ruleContext';
import { readSuppressions } from '../../server/src/analysis/suppressions';
import { parseFile } from '../../server/src/model/parsedFile';
import { analyzeText } from './rules/mtlsRuleHelpers';

const META: RuleMeta = { code: 'test.repeat', category: 'context', severity: 'warning', title: 'test', nginxRefuses: false };

/** A family that reports `places` (start, message) on the main file, in the order given. */
function family(name: string, places: readonly [number, string][]): RuleFamily {
  return {
    name,
    rules: [META],
    run: (context: RuleContext): Finding[] => places.map(([start, message]) => ({ code: META.code, file: context.tree.mainFile, start, end: start + 1, message })),
  };
}

const TEXT = 'events {}\n# nginx-mtls-disable-next-line test.repeat\nhttp {}\n';
const SUPPRESSED = TEXT.indexOf('http');

describe('analyze(): repeated findings', () => {
  it('reports each finding once, by place, keeping the order families gave them at one place', async () => {
    const first = family('first', [[5, 'b'], [1, 'a'], [5, 'c'], [5, 'b']]);
    const second = family('second', [[5, 'c'], [1, 'a'], [5, 'd'], [3, 'a']]);
    const { findings } = await analyzeText(TEXT, { families: [first, second] });
    assert.deepEqual(findings.map((f) => `${f.start}:${f.message}`), ['1:a', '3:a', '5:b', '5:c', '5:d']);
  });

  it('tells repeats from different findings at a place that holds many', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => `m${i % 25}`);
    const many = family('many', messages.map((m) => [7, m] as [number, string]));
    const { findings } = await analyzeText(TEXT, { families: [many, family('again', [[7, 'm3'], [7, 'm24'], [7, 'new']])] });
    assert.deepEqual(findings.map((f) => f.message), [...Array.from({ length: 25 }, (_, i) => `m${i}`), 'new']);
  });

  it('drops findings on a line a suppression comment names, and only those', async () => {
    const { findings } = await analyzeText(TEXT, { families: [family('f', [[SUPPRESSED, 'x'], [0, 'y']])] });
    assert.deepEqual(findings.map((f) => f.message), ['y']);
  });

  it('reads the suppressions of a parse once', () => {
    const parsed = parseFile('/x/nginx.conf', TEXT);
    const suppressions = readSuppressions(parsed);
    assert.equal(suppressions.length, 1);
    assert.equal(readSuppressions(parsed), suppressions);
  });
});
