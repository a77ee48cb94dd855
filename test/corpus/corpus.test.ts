/**
 * The whole nginx -t corpus (shared/corpus beside the clone, 1963 real-world files) through
 * our engine: (a) every file parses without throwing; (b) files nginx accepted get no syntax,
 * context or include errors in the context nginx checked them in; (c) files refused only for
 * using features newer than nginx 1.22.1 get no syntax errors with the default target version;
 * (d) files nginx accepted, each checked alone as `nginx-mtls check <file>` would, get no error
 * except the documented "nginx accepts this, but…" findings.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { parseConfig } from '../../server/src/parser/parser';
import { REPO_ROOT, checkStandalone, checkThrough, makeWorkspace, type LineFinding } from '../differential/nginxHarness';
import { CORPUS_DIR, contextKind, corpusAvailable, corpusPath, loadCorpus, stubbedByCorpusRun, writtenPath, type CorpusRecord } from './corpusData';
import { StagedFileSystem, layersFor } from './stagedFs';

const ENGINE_CATEGORIES = new Set(['syntax', 'context', 'include']);
const KNOWN_FILE = path.join(REPO_ROOT, 'test/corpus/knownCorpusFailures.json');

interface KnownFailure {
  file: string;
  code: string;
  reason: string;
}

/** How the corpus run wrapped a snippet of each context (nginx-t.json `how`). */
function wrapperText(context: string, file: string): string {
  const inc = `include ${JSON.stringify(file)};`;
  switch (context) {
    case 'main': case 'main (+events{})': return `${inc}\n`;
    case 'events': return `events { ${inc} }\n`;
    case 'http': return `events {}\nhttp { ${inc} }\n`;
    case 'server': return `events {}\nhttp { server { ${inc} } }\n`;
    case 'location': return `events {}\nhttp { server { location / { ${inc} } } }\n`;
    case 'stream': return `events {}\nstream { ${inc} }\n`;
    default: throw new Error(`no wrapper for ${context}`);
  }
}

/**
 * Checks a corpus file the way nginx checked it. A main file, or a file at the top of its
 * staged folder, is checked on its own (its directory is nginx's conf prefix). A snippet deeper in the folder is
 * checked through a virtual wrapper at the top of the folder, because relative includes
 * resolve against the conf prefix (stage_at), not against the snippet's own directory.
 */
async function checkRecord(record: CorpusRecord, targetVersion: string | undefined): Promise<LineFinding[]> {
  const file = corpusPath(record.file);
  const root = corpusPath(record.stage_root);
  const staged = new StagedFileSystem(layersFor(record));
  const ws = makeWorkspace(targetVersion, { [record.stage_at]: root }, staged);
  // A main file is nginx's -c file: its own directory is the conf prefix.
  if (path.dirname(file) === root || contextKind(record.context) === 'main') return checkStandalone(ws, file, contextKind(record.context));
  const wrapper = path.join(root, '.nginx-mtls-corpus-wrapper.conf');
  staged.addVirtual(wrapper, wrapperText(record.context, file));
  return checkThrough(ws, file, wrapper);
}

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
  return stubbedByCorpusRun(record, writtenPath(fs.readFileSync(f.file, 'utf8'), f.start, f.end));
}

describe('corpus', { skip: !available }, () => {
  it('(a) parses every corpus file without throwing', () => {
    const records = corpus!.records;
    let totalLines = 0;
    const t0 = performance.now();
    for (const r of records) {
      const text = fs.readFileSync(corpusPath(r.file), 'utf8');
      totalLines += text.split('\n').length;
      const syntax = parseConfig(text);
      assert.ok(Array.isArray(syntax.statements), r.file);
    }
    // Printed for the record only: parse speed is measured by the benchmark, not asserted here.
    console.log(`corpus (a): ${records.length} files, ${totalLines} lines parsed in ${(performance.now() - t0).toFixed(0)} ms`);
  });

  it('(b) files nginx accepted get no syntax, context or include errors (target 1.22.1)', async () => {
    const accepted = corpus!.records.filter((r) => r.accepted);
    const known: KnownFailure[] = fs.existsSync(KNOWN_FILE) ? JSON.parse(fs.readFileSync(KNOWN_FILE, 'utf8')) : [];
    const knownHits = new Set<KnownFailure>();
    const offenders: string[] = [];
    const knownSeen: string[] = [];
    const exempted: string[] = [];
    const byCode = new Map<string, number>();
    const t0 = performance.now();
    for (const r of accepted) {
      const findings = await checkRecord(r, '1.22.1');
      for (const f of findings) {
        if (f.severity !== 'error' || !f.code.startsWith('nginx.') || !ENGINE_CATEGORIES.has(f.category ?? '')) continue;
        if (stubbedInclude(r, f)) { exempted.push(describeFinding(r, f)); continue; }
        const k = known.find((x) => x.file === r.file && x.code === f.code);
        if (k) { knownHits.add(k); knownSeen.push(`KNOWN ${describeFinding(r, f)} — ${k.reason}`); continue; }
        offenders.push(describeFinding(r, f));
        byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
      }
    }
    const files = new Set(offenders.map((o) => o.split(':')[0])).size;
    console.log(`corpus (b): ${accepted.length} accepted files checked in ${((performance.now() - t0) / 1000).toFixed(1)} s; `
      + `${offenders.length} engine errors in ${files} files${byCode.size ? ` (${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}; `
      + `${exempted.length} include-not-found for targets the corpus run stubbed; ${knownSeen.length} known engine failures (knownCorpusFailures.json)`);
    for (const line of knownSeen) console.log(`  ${line}`);
    for (const k of known.filter((x) => !knownHits.has(x))) console.log(`  known failure no longer seen (remove it from knownCorpusFailures.json): ${k.file} ${k.code}`);
    assert.deepEqual(offenders, [], `engine errors on configurations nginx accepts:\n${offenders.join('\n')}`);
  });

  it('(c) files refused only for newer-nginx features get no syntax errors (default target)', async () => {
    const newer = corpus!.records.filter((r) => !r.accepted && r.error_class === 'nginx_version');
    const offenders: string[] = [];
    for (const r of newer) {
      const findings = await checkRecord(r, undefined);
      for (const f of findings) {
        if (f.file !== corpusPath(r.file)) continue;
        if (f.category === 'syntax' || f.code.startsWith('nginx.unexpected-')) offenders.push(describeFinding(r, f));
      }
    }
    console.log(`corpus (c): ${newer.length} nginx_version rejections checked with the default target version; ${offenders.length} syntax findings`);
    assert.deepEqual(offenders, [], `syntax findings on configurations valid for a newer nginx:\n${offenders.join('\n')}`);
  });
});
