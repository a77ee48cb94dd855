/**
 * The whole nginx -t corpus (/work/shared/corpus, 1963 real-world files) through our engine:
 * (a) every file parses without throwing, quickly; (b) files nginx accepted get no syntax,
 * context or include errors in the context nginx checked them in; (c) files refused only for
 * using features newer than nginx 1.22.1 get no syntax errors with the default target version.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { parseConfig } from '../../server/src/parser/parser';
import type { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { checkStandalone, makeWorkspace, type LineFinding } from '../differential/nginxHarness';
import { CORPUS_DIR, contextKind, corpusAvailable, corpusPath, loadCorpus, type CorpusRecord } from './corpusData';

const MAX_PARSE_MS = 50;
const ENGINE_CATEGORIES = new Set(['syntax', 'context', 'include']);

const available = corpusAvailable();
const corpus = available ? loadCorpus() : undefined;
if (!available) console.log(`corpus tests skipped: ${CORPUS_DIR}/nginx-t.json is not available (set NGINX_CORPUS_DIR)`);

function describeFinding(record: CorpusRecord, f: LineFinding): string {
  const file = f.file.startsWith(CORPUS_DIR + '/') ? f.file.slice(CORPUS_DIR.length + 1) : f.file;
  return `${file}:${f.line} ${f.code} ${f.message}${file !== record.file ? `  (while checking ${record.file})` : ''}`;
}

/** True when the finding is an `include` nginx -t only passed because the corpus run stubbed its target. */
function stubbedInclude(record: CorpusRecord, f: LineFinding): boolean {
  if (f.code !== 'nginx.include-not-found') return false;
  const stubs = record.stubs.filter((s) => s.directive === 'include' || s.kind === 'empty');
  if (stubs.length === 0) return false;
  const text = fs.readFileSync(f.file, 'utf8');
  const written = text.slice(f.start, f.end).replace(/^["']|["']$/g, '');
  const stage = record.stage_at.replace(/\/$/, '');
  const absolute = path.isAbsolute(written) ? path.normalize(written) : path.join(stage, written);
  return stubs.some((s) => path.normalize(s.path) === absolute || s.path.endsWith('/' + written.replace(/^\.\//, '')));
}

describe('corpus', { skip: !available }, () => {
  it('(a) parses every corpus file quickly and without throwing', () => {
    const records = corpus!.records;
    // Warm the parser up so the first files do not pay for JIT compilation.
    for (const r of records.slice(0, 30)) parseConfig(fs.readFileSync(corpusPath(r.file), 'utf8'));
    let totalLines = 0;
    let totalMs = 0;
    let slowest = { file: '', ms: 0, lines: 0 };
    const slow: string[] = [];
    for (const r of records) {
      const text = fs.readFileSync(corpusPath(r.file), 'utf8');
      const lines = text.split('\n').length;
      let ms = Infinity;
      for (let attempt = 0; attempt < 3; attempt++) {
        const t0 = performance.now();
        const syntax = parseConfig(text);
        const elapsed = performance.now() - t0;
        assert.ok(Array.isArray(syntax.statements));
        ms = Math.min(ms, elapsed);
        if (ms <= MAX_PARSE_MS) break; // re-timed only when slow (GC pauses)
      }
      totalLines += lines;
      totalMs += ms;
      if (ms > slowest.ms) slowest = { file: r.file, ms, lines };
      if (ms > MAX_PARSE_MS) slow.push(`${r.file} (${lines} lines): ${ms.toFixed(1)} ms`);
    }
    console.log(`corpus (a): ${records.length} files, ${totalLines} lines parsed in ${totalMs.toFixed(1)} ms `
      + `(${((totalLines / totalMs) * 1000).toFixed(0)} lines/s); slowest ${slowest.file} (${slowest.lines} lines) ${slowest.ms.toFixed(2)} ms`);
    assert.deepEqual(slow, [], `files slower than ${MAX_PARSE_MS} ms to parse`);
  });

  it('(b) files nginx accepted get no syntax, context or include errors (target 1.22.1)', async () => {
    const accepted = corpus!.records.filter((r) => r.accepted);
    const workspaces = new Map<string, WorkspaceAnalysis>();
    const offenders: string[] = [];
    const exempted: string[] = [];
    const byCode = new Map<string, number>();
    const t0 = performance.now();
    for (const r of accepted) {
      const key = `${r.stage_at}\0${r.stage_root}`;
      let ws = workspaces.get(key);
      if (!ws) {
        ws = makeWorkspace('1.22.1', { [r.stage_at]: corpusPath(r.stage_root) });
        workspaces.set(key, ws);
      }
      const findings = await checkStandalone(ws, corpusPath(r.file), contextKind(r.context));
      for (const f of findings) {
        if (f.severity !== 'error' || !f.code.startsWith('nginx.') || !ENGINE_CATEGORIES.has(f.category ?? '')) continue;
        if (stubbedInclude(r, f)) { exempted.push(describeFinding(r, f)); continue; }
        offenders.push(describeFinding(r, f));
        byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
      }
    }
    const files = new Set(offenders.map((o) => o.split(':')[0])).size;
    console.log(`corpus (b): ${accepted.length} accepted files checked in ${((performance.now() - t0) / 1000).toFixed(1)} s; `
      + `${offenders.length} engine errors in ${files} files${byCode.size ? ` (${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}; `
      + `${exempted.length} include-not-found for targets the corpus run stubbed`);
    assert.deepEqual(offenders, [], `engine errors on configurations nginx accepts:\n${offenders.join('\n')}`);
  });

  it('(c) files refused only for newer-nginx features get no syntax errors (default target)', async () => {
    const newer = corpus!.records.filter((r) => !r.accepted && r.error_class === 'nginx_version');
    const ws = makeWorkspace(undefined);
    const offenders: string[] = [];
    for (const r of newer) {
      const findings = await checkStandalone(ws, corpusPath(r.file), contextKind(r.context));
      for (const f of findings) {
        if (f.file !== corpusPath(r.file)) continue;
        if (f.category === 'syntax' || f.code.startsWith('nginx.unexpected-')) offenders.push(describeFinding(r, f));
      }
    }
    console.log(`corpus (c): ${newer.length} nginx_version rejections checked with the default target version; ${offenders.length} syntax findings`);
    assert.deepEqual(offenders, [], `syntax findings on configurations valid for a newer nginx:\n${offenders.join('\n')}`);
  });
});
