/**
 * The corpus gate for files checked alone (issue #12): every file nginx accepted, checked the
 * way `nginx-mtls check <file> --target-version 1.22.1` checks it (the same checkFiles call,
 * no wrapper, no mapping), may get no error other than documented "nginx accepts this, but…"
 * findings of the codes justified in ACCEPTED_BUT_ERRORS. The one other exception is explicit: a file named by an include or a certificate
 * directive that does not exist here, and that the corpus run provided when nginx -t checked
 * it (a stub listed in nginx-t.json, or Debian's /etc/nginx and the container defaults the
 * file was staged over). Such a file exists only where the configuration is deployed.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { NGINX_REFUSES, NGINX_WOULD_REFUSE } from '../../server/src/analysis/nginxWording';
import { ruleByCode } from '../../server/src/analysis/ruleRegistry';
import { checkFiles } from '../../server/src/cli/main';
import { NodeFileSystem } from '../../server/src/model/fileSystem';
import type { ParsedFile } from '../../server/src/model/parsedFile';
import { normalizeSettings } from '../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { REPO_ROOT } from '../differential/nginxHarness';
import { CORPUS_DIR, corpusAvailable, corpusPath, loadCorpus, stubbedByCorpusRun, writtenPath, type CorpusRecord } from './corpusData';
import { StagedFileSystem, layersFor } from './stagedFs';

/** A fixed date, so that certificate validity does not depend on the day the test runs. */
const NOW = new Date('2026-01-15T00:00:00Z');
const MISSING_FILE_CODES = new Set(['nginx.include-not-found', 'tls.file-not-found']);
const RULES_DOC = fs.readFileSync(path.join(REPO_ROOT, 'docs/rules.md'), 'utf8');

/** A rule nginx does not refuse, documented in docs/rules.md, and this finding not worded as a refusal. */
function acceptedButReported(finding: ResolvedFinding): boolean {
  const meta = ruleByCode(finding.code);
  if (!meta || meta.nginxRefuses || finding.nginxRefuses) return false;
  if (finding.message.startsWith(NGINX_REFUSES) || finding.message.startsWith(NGINX_WOULD_REFUSE)) return false;
  return RULES_DOC.includes(`\n### ${finding.code}\n`);
}

/** A missing include target or certificate file that the corpus run stubbed or staged for nginx -t. */
async function providedByCorpusRun(record: CorpusRecord, file: ParsedFile, finding: ResolvedFinding): Promise<boolean> {
  if (!MISSING_FILE_CODES.has(finding.code)) return false;
  const written = writtenPath(file.text, finding.start, finding.end);
  if (stubbedByCorpusRun(record, written)) return true;
  const deployed = path.isAbsolute(written) ? written : path.join(record.stage_at, written);
  // The record's own folder as it was deployed at stage_at, over Debian's files.
  const staged = new StagedFileSystem([{ from: record.stage_at.replace(/\/$/, ''), to: [corpusPath(record.stage_root)] }, ...layersFor(record)]);
  return (await staged.stat(deployed))?.isFile === true;
}

/**
 * The "nginx accepts this, but…" errors the corpus may give, each with why it is an error
 * although nginx -t passes. Any other such code fails the gate: a new one must be justified here.
 */
const ACCEPTED_BUT_ERRORS: ReadonlyMap<string, string> = new Map([
  ['tls.upstream-unverified', 'a client certificate presented to an upstream that is not verified: whoever intercepts the connection receives it'],
  ['tls.upstream-name-mismatch', 'the local upstream server\'s certificate does not cover the verified name: every proxied request fails with 502'],
]);

const available = corpusAvailable();
if (!available) console.log(`standalone corpus test skipped: ${CORPUS_DIR}/nginx-t.json is not available (set NGINX_CORPUS_DIR)`);

describe('corpus, each accepted file checked alone', { skip: !available }, () => {
  it('reports no error but documented "nginx accepts this, but…" findings (target 1.22.1)', async () => {
    const accepted = loadCorpus().records.filter((r) => r.accepted);
    const settings = normalizeSettings({ targetVersion: '1.22.1' });
    const workspace = new WorkspaceAnalysis({ fs: new NodeFileSystem(), settings, now: () => NOW });
    const offenders: string[] = [];
    const acceptedBut = new Map<string, number>();
    let provided = 0;
    for (const record of accepted) {
      const results = await checkFiles(workspace, [corpusPath(record.file)]);
      for (const analysis of results.values()) {
        for (const finding of analysis.findings) {
          if (finding.severity !== 'error') continue;
          if (acceptedButReported(finding) && ACCEPTED_BUT_ERRORS.has(finding.code)) {
            acceptedBut.set(finding.code, (acceptedBut.get(finding.code) ?? 0) + 1);
            continue;
          }
          if (await providedByCorpusRun(record, analysis.file, finding)) { provided++; continue; }
          const line = analysis.file.lines.positionAt(finding.start).line + 1;
          offenders.push(`${path.relative(CORPUS_DIR, finding.file)}:${line} ${finding.code} ${finding.message}  (checking ${record.file})`);
        }
      }
    }
    console.log(`corpus alone: ${accepted.length} accepted files; ${offenders.length} errors nginx would not give; `
      + `${provided} missing files the corpus run provided; `
      + `accepted-but findings: ${[...acceptedBut].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
    assert.deepEqual(offenders, [], `errors on files nginx accepts, checked alone:\n${offenders.join('\n')}`);
  });
});
