/**
 * The diagnostics the language server sends are written as JSON directly from the findings
 * (service/diagnosticParts.ts); they must be the very text JSON.stringify gives for the
 * Diagnostic objects toDiagnostic builds, on every rule fixture and on awkward text.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { parseFile } from '../../server/src/model/parsedFile';
import { decodeDiagnostics, ownUtf8 } from '../../server/src/service/encodedDiagnostics';
import { NginxLanguageService, pathToUri } from '../../server/src/service/languageService';
import { DiagnosticParts, joinedUtf8 } from '../../server/src/service/diagnosticParts';
import { toDiagnostic } from '../../server/src/service/lspConvert';
import { FIXTURES } from '../analysis/rules/mtlsRuleHelpers';

describe('diagnostics encoded for the protocol', () => {
  it('are JSON.stringify of toDiagnostic\'s objects on every rule fixture', async () => {
    const service = new NginxLanguageService();
    let files = 0;
    let diagnostics = 0;
    let related = 0;
    for (const code of fs.readdirSync(FIXTURES).sort()) {
      for (const name of fs.readdirSync(path.join(FIXTURES, code)).filter((n) => n.endsWith('.conf')).sort()) {
        const file = path.join(FIXTURES, code, name);
        service.openDocument(file, fs.readFileSync(file, 'utf8'));
        const objects = (await service.validate(file)).diagnostics;
        const encoded = (await service.validateEncoded(file)).diagnostics;
        assert.equal(Buffer.from(encoded.utf8).toString('utf8'), JSON.stringify(objects), file);
        assert.equal(encoded.count, objects.length, file);
        service.closeDocument(file);
        files++;
        diagnostics += objects.length;
        related += objects.filter((d) => d.relatedInformation).length;
      }
    }
    assert.ok(files > 100 && diagnostics > 100 && related > 0, `fixtures ${files}, diagnostics ${diagnostics}, with related information ${related}`);
  });

  it('write awkward messages, paths and positions as JSON.stringify does', () => {
    const text = 'server {\n    ssl_certificate "/etc/nginx/çert 🔒.pem";\n}\n';
    const file = parseFile('/etc/nginx/sites-enabled/café.conf', text);
    const other = parseFile('/etc/nginx/snippets/ä\ud800b.conf', 'a\r\nb\n');
    const messages = ['quote " backslash \\ newline \n tab \t nul \u0000 del \u007f', 'lone \udc00 surrogate and a pair 🔑', 'x'.repeat(100_000), '« ceci »'];
    const findings: ResolvedFinding[] = messages.map((message, i) => ({
      code: i % 2 === 0 ? 'tls.file-not-found' : 'mtls.identity-header-spoofable',
      severity: (['error', 'warning', 'information', 'hint'] as const)[i],
      message,
      file: file.path,
      start: i * 3,
      end: text.length + 5, // past the end: clamped, as toDiagnostic clamps it
      related: i === 1 ? [{ file: other.path, start: 1, end: 4, message: 'here «»' }, { file: '/not/read.conf', start: 0, end: 1, message: 'dropped' }]
        // None of them read: an empty list, as toDiagnostic gives.
        : i === 3 ? [{ file: '/not/read.conf', start: 0, end: 1, message: 'dropped' }] : undefined,
    }));
    const relatedFile = (p: string) => (p === other.path ? other : undefined);
    const json = Buffer.from(joinedUtf8(new DiagnosticParts(pathToUri, relatedFile).parts(file, findings))).toString('utf8');
    assert.equal(json, JSON.stringify(findings.map((f) => toDiagnostic(file, f, pathToUri, relatedFile))));
    assert.deepEqual(decodeDiagnostics({ count: findings.length, utf8: ownUtf8(json) }), JSON.parse(json));
    assert.equal(Buffer.from(joinedUtf8([])).toString('utf8'), '[]');
  });

  it('reuse a diagnostic\'s bytes for a new finding object only when its JSON is the same', () => {
    const other = parseFile('/etc/nginx/other.conf', 'a;\nbbbb;\n');
    const relatedFile = (p: string) => (p === other.path ? other : undefined);
    type Parsed = ReturnType<typeof parseFile>;
    const finding = (file: Parsed, start: number, end: number, relatedStart = 3): ResolvedFinding => ({
      code: 'tls.file-not-found', severity: 'error', message: 'the same words', file: file.path, start, end,
      related: [{ file: other.path, start: relatedStart, end: 7, message: 'there' }],
    });
    const v1 = parseFile('/etc/nginx/nginx.conf', 'x;\n    ssl_certificate a.pem;\n');
    const base = finding(v1, 7, 22);
    /** Converts `base` and then `changed` (a new object, as a moved or found-again finding is), and returns the bytes of `changed`. */
    const after = (file: Parsed, changed: ResolvedFinding, before = base): Uint8Array => {
      const parts = new DiagnosticParts(pathToUri, relatedFile);
      parts.parts(v1, [before]);
      const [bytes] = parts.parts(file, [changed]);
      assert.equal(Buffer.from(bytes).toString('utf8'), JSON.stringify(toDiagnostic(file, changed, pathToUri, relatedFile)));
      return bytes;
    };
    const parts = new DiagnosticParts(pathToUri, relatedFile);
    const [first] = parts.parts(v1, [base]);
    assert.equal(parts.parts(v1, [finding(v1, 7, 22)])[0], first, 'the same diagnostic: the very same bytes');
    // Each differs from `base` in one place only.
    after(v1, finding(v1, 8, 22));
    after(v1, finding(v1, 7, 23));
    after(v1, finding(v1, 7, 22, 4));
    after(v1, { ...finding(v1, 7, 22), severity: 'warning' });
    after(v1, { ...finding(v1, 7, 22), code: 'tls.not-pem' });
    after(v1, { ...finding(v1, 7, 22), related: undefined });
    after(v1, { ...finding(v1, 7, 22), related: [] });
    after(v1, { ...finding(v1, 7, 22), related: [{ file: other.path, start: 3, end: 7, message: 'elsewhere' }] });
    after(v1, { ...finding(v1, 7, 22), related: [{ file: other.path, start: 3, end: 7, message: 'there' }, { file: other.path, start: 0, end: 1, message: 'there' }] });
    after(v1, { ...finding(v1, 7, 22), related: [{ file: v1.path, start: 3, end: 7, message: 'there' }] });
    // A related location in a file that cannot be read is left out: the same JSON as with none of them.
    const unreadable = { file: '/etc/nginx/gone.conf', start: 0, end: 1, message: 'there' };
    after(v1, { ...finding(v1, 7, 22), related: [unreadable, ...(base.related ?? [])] });
    after(v1, { ...finding(v1, 7, 22), related: [unreadable] });
    after(v1, finding(v1, 7, 22), { ...finding(v1, 7, 22), related: [unreadable, ...(base.related ?? [])] });
    const v2 = parseFile('/etc/nginx/nginx.conf', '\nx;\n    ssl_certificate a.pem;\n');
    after(v2, finding(v2, 8, 23));
    // Only the start's line, only the end's line (line 1 column 0 is offset 3; line 2 column 0, 30).
    after(v1, finding(v1, 0, 22), finding(v1, 3, 22));
    after(v1, finding(v1, 0, 3), finding(v1, 0, 30));
  });
});
