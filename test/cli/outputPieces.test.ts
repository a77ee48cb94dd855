/** The command line's reports given in pieces: joined as the CLI writes them, they are the whole report. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../server/src/analysis/ruleRegistry';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { FINDINGS_PER_PIECE, FindingReport, formatGithub, formatText, jsonPieces, linePieces, sarifLog, sarifPieces, toCliFinding, type CliFinding } from '../../server/src/cli/outputFormats';
import { parseFile } from '../../server/src/model/parsedFile';

function findings(count: number): CliFinding[] {
  return Array.from({ length: count }, (_, i) => ({
    file: `/etc/nginx/conf.d/site-${i % 7}.conf`,
    line: i + 1, column: 5, endLine: i + 1, endColumn: 30,
    severity: i % 3 === 0 ? 'error' : 'warning',
    code: 'tls.file-not-found',
    // Newlines, quotes and non-ASCII text inside a message stay escaped inside one line of JSON.
    message: `"ssl_certificate" n°${i}: line one\nline two \\ "quoted" ü`,
  }));
}

/** What the CLI prints for a series of pieces: each followed by a newline. */
function printed(pieces: Iterable<string>): string {
  let out = '';
  for (const piece of pieces) out += `${piece}\n`;
  return out;
}

const COUNTS = [0, 1, 2, FINDINGS_PER_PIECE - 1, FINDINGS_PER_PIECE, FINDINGS_PER_PIECE + 1, 2 * FINDINGS_PER_PIECE + 3];

describe('jsonPieces', () => {
  for (const count of COUNTS) {
    it(`prints JSON.stringify(findings, null, 2) for ${count} finding(s)`, () => {
      const all = findings(count);
      assert.equal(printed(jsonPieces(all)), `${JSON.stringify(all, null, 2)}\n`);
    });
  }

  it('makes a piece only when the writer asks for it', () => {
    const pieces = jsonPieces(findings(3 * FINDINGS_PER_PIECE));
    assert.equal(pieces.next().value, '[');
    const first = pieces.next().value as string;
    assert.equal(JSON.parse(`[${first.replace(/,$/, '')}]`).length, FINDINGS_PER_PIECE);
  });

  it('gives a large report in several pieces, none holding it all', () => {
    const pieces = [...jsonPieces(findings(3 * FINDINGS_PER_PIECE))];
    assert.equal(pieces.length, 5);
    assert.ok(Math.max(...pieces.map((p) => p.length)) < pieces.join('\n').length / 2);
  });
});

describe('linePieces', () => {
  for (const count of COUNTS) {
    it(`prints the text and GitHub formats of ${count} finding(s) whole`, () => {
      const all = findings(count);
      const whole = (format: (f: readonly CliFinding[]) => string): string => (count === 0 ? '' : `${format(all)}\n`);
      assert.equal(printed(linePieces(all, formatText)), whole(formatText));
      assert.equal(printed(linePieces(all, formatGithub)), whole(formatGithub));
    });
  }
});

describe('sarifPieces', () => {
  for (const count of COUNTS) {
    it(`prints the SARIF log of ${count} finding(s) as JSON.stringify(log, null, 2) writes it`, () => {
      const all = findings(count);
      // Two rules, so that the log's rule list is not the first or the last of the table only.
      for (let i = 0; i < count; i += 5) all[i] = { ...all[i], code: 'tls.key-mismatch' };
      assert.equal(printed(sarifPieces(all, allRules(), '1.2.3', '/etc')), `${JSON.stringify(sarifLog(all, allRules(), '1.2.3', '/etc'), null, 2)}\n`);
    });
  }
});

describe('FindingReport', () => {
  // Three files of 0, FINDINGS_PER_PIECE + 3 and 5 findings, one line each, severities mixed.
  const texts = [0, FINDINGS_PER_PIECE + 3, 5].map((n, f) => ({ path: `/etc/nginx/f${f}.conf`, n, text: Array.from({ length: n }, (_, i) => `d${i} x;`).join('\n') }));
  const severities = ['error', 'warning', 'information'] as const;
  const report = new FindingReport();
  const eager: CliFinding[] = [];
  for (const { path: filePath, n, text } of texts) {
    const file = parseFile(filePath, text);
    const found: ResolvedFinding[] = Array.from({ length: n }, (_, i) => ({
      code: 'tls.file-not-found', file: filePath, start: i * 6 + 1, end: i * 6 + 2, severity: severities[(i + n) % 3], message: `m${i}`,
    }));
    report.add(file, found, `shown/${filePath}`);
    for (const f of found) eager.push(toCliFinding(file, f, `shown/${filePath}`));
  }

  it('gives, slice by slice, what converting every finding at once gives', () => {
    assert.equal(report.length, eager.length);
    for (const [from, to] of [[0, eager.length], [0, 1], [FINDINGS_PER_PIECE, FINDINGS_PER_PIECE + 5], [FINDINGS_PER_PIECE + 2, eager.length], [eager.length - 1, eager.length + 10], [3, 3]]) {
      assert.deepEqual(report.slice(from, to), eager.slice(from, to), `slice ${from}..${to}`);
    }
    assert.deepEqual(report.slice(7), eager.slice(7));
  });

  it('counts severities and prints the same pieces as the array', () => {
    for (const severity of severities) assert.equal(report.count(severity), eager.filter((f) => f.severity === severity).length);
    assert.equal(printed(jsonPieces(report)), printed(jsonPieces(eager)));
    assert.equal(printed(linePieces(report, formatText)), printed(linePieces(eager, formatText)));
    const rules = allRules();
    assert.equal(printed(sarifPieces(report, rules, '1.0.0', '/etc')), printed(sarifPieces(eager, rules, '1.0.0', '/etc')));
  });
});

describe('toCliFinding', () => {
  it('keeps the message character for character, whatever it holds', () => {
    const file = parseFile('/etc/nginx/a.conf', 'ssl_certificate a.pem;\n');
    const built = ['a concatenated message about ', 'ssl_certificate', ' that is long enough to be kept as its parts'].join('');
    for (const message of ['', 'x', 'é', '😀 astral', 'line one\nline two', `${built} (${built.length})`, 'trailing blank ']) {
      const finding: ResolvedFinding = { code: 'tls.file-not-found', file: file.path, start: 0, end: 15, severity: 'error', message };
      assert.equal(toCliFinding(file, finding, 'a.conf').message, message);
    }
  });
});
