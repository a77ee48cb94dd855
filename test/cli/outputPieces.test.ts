/** The command line's reports given in pieces: joined as the CLI writes them, they are the whole report. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../server/src/analysis/ruleRegistry';
import { FINDINGS_PER_PIECE, formatGithub, formatText, jsonPieces, linePieces, sarifLog, sarifPieces, type CliFinding } from '../../server/src/cli/outputFormats';

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
