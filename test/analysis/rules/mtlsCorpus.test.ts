/**
 * False-positive guard: over every corpus file that Debian's `nginx -t` accepts, none of the
 * mTLS/proxy rules may claim that nginx refuses the configuration. Prints the count of each
 * rule's findings over the corpus for review.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ContextKind } from '../../../server/src/directives/directiveTable';
import { MTLS_CODES, workspace } from './mtlsRuleHelpers';
import { sharedDataPath } from '../../sharedData';

const CORPUS = sharedDataPath('corpus', process.env.NGINX_CORPUS_DIR);
const RESULTS = path.join(CORPUS, 'nginx-t.json');

interface CorpusRecord { file: string; accepted: boolean; context: string }

const CONTEXTS: Record<string, ContextKind> = {
  main: 'main', 'main (+events{})': 'main', http: 'http', server: 'server', location: 'location', stream: 'stream', events: 'events',
};

describe('mTLS rules over the nginx -t corpus', { skip: !fs.existsSync(RESULTS) && 'corpus not available' }, () => {
  it('reports no refusal on configs nginx accepts', async () => {
    const records = (JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as { results: CorpusRecord[] }).results.filter((r) => r.accepted);
    const ws = workspace('1.22.1');
    const counts = new Map<string, number>();
    const refused: string[] = [];
    const failures: string[] = [];
    for (const record of records) {
      const context = CONTEXTS[record.context];
      if (!context) continue;
      const analysis = await ws.analyzeStandalone(path.join(CORPUS, record.file), context);
      if (!analysis) continue;
      for (const failure of analysis.failures) failures.push(`${record.file}: ${failure.family}: ${failure.error.split('\n')[0]}`);
      for (const f of analysis.findings) {
        if (!MTLS_CODES.has(f.code)) continue;
        counts.set(`${f.code} ${f.severity}`, (counts.get(`${f.code} ${f.severity}`) ?? 0) + 1);
        if (f.nginxRefuses) refused.push(`${record.file}:${analysis.file.lines.positionAt(f.start).line + 1} ${f.code}: ${f.message}`);
      }
    }
    const summary = [...counts].sort().map(([k, n]) => `${k}=${n}`).join(', ');
    console.log(`mtls corpus findings over ${records.length} accepted files (target 1.22.1): ${summary || 'none'}`);
    assert.deepEqual(failures, []);
    assert.deepEqual(refused, []);
  });
});
