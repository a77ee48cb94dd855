/**
 * Findings that exist only because of the block that includes a shared snippet (Debian's
 * proxy_params) land at that block's `include`, with the snippet's statement as related
 * information, instead of on line 1 of the snippet.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ResolvedFinding } from '../../../server/src/analysis/analyzer';
import { workspace, writeTree } from './mtlsRuleHelpers';

const PROXY_PARAMS = [
  'proxy_set_header Host $http_host;',
  'proxy_set_header X-Real-IP $remote_addr;',
  'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  'proxy_set_header X-Forwarded-Proto $scheme;',
  '',
].join('\n');

const SITE = [
  'server {',
  '    listen 8080;',
  '    proxy_set_header X-Client-Verify $ssl_client_verify;',
  '    location /a {',
  '        include proxy_params;',
  '        proxy_pass http://127.0.0.1:8000;',
  '    }',
  '    location /b {',
  '        proxy_pass https://api.example.com;',
  '        proxy_ssl_verify on;',
  '        proxy_ssl_trusted_certificate ca.crt;',
  '        proxy_ssl_server_name on;',
  '        include proxy_params;',
  '    }',
  '    location /c {',
  '        proxy_pass http://127.0.0.1:8000;',
  '    }',
  '}',
  '',
].join('\n');

async function analyze(wanted: string[]): Promise<{ dir: string; findings: { where: string; code: string; related: string[] }[] }> {
  const dir = writeTree({ 'nginx.conf': 'events {}\nhttp {\n    include sites/*;\n}\n', proxy_params: PROXY_PARAMS, 'sites/app': SITE });
  const main = path.join(dir, 'nginx.conf');
  const results = await workspace('1.22.1').analyzeFiles(wanted.map((f) => path.join(dir, f)), [main]);
  const findings: { where: string; code: string; related: string[] }[] = [];
  const line = (f: { file: string; start: number }, text: string): number => text.slice(0, f.start).split('\n').length;
  const texts: Record<string, string> = { proxy_params: PROXY_PARAMS, 'sites/app': SITE };
  for (const analysis of results.values()) {
    for (const f of analysis.findings as ResolvedFinding[]) {
      if (f.code !== 'proxy.header-inheritance-drop' && f.code !== 'tls.upstream-name-mismatch') continue;
      const rel = path.relative(dir, f.file);
      findings.push({
        where: `${rel}:${line(f, texts[rel] ?? '')}`, code: f.code,
        related: (f.related ?? []).map((r) => `${path.relative(dir, r.file)}:${line(r, texts[path.relative(dir, r.file)] ?? '')}`),
      });
    }
  }
  findings.sort((a, b) => a.where.localeCompare(b.where) || a.code.localeCompare(b.code));
  return { dir, findings };
}

describe('findings caused by where a shared snippet is included', () => {
  it('land at the include of each location, pointing into proxy_params', async () => {
    const { findings } = await analyze(['nginx.conf', 'proxy_params', 'sites/app']);
    assert.deepEqual(findings, [
      { where: 'sites/app:13', code: 'proxy.header-inheritance-drop', related: ['proxy_params:1', 'sites/app:3'] },
      { where: 'sites/app:13', code: 'tls.upstream-name-mismatch', related: ['proxy_params:1'] },
      { where: 'sites/app:5', code: 'proxy.header-inheritance-drop', related: ['proxy_params:1', 'sites/app:3'] },
    ]);
  });

  it('leave the snippet clean when only the snippet is checked (the editor on proxy_params)', async () => {
    const { findings } = await analyze(['proxy_params']);
    assert.deepEqual(findings, []);
  });
});
