/**
 * Findings of one check whose messages read the same hold one string (ruleContext.ts,
 * sharedMessage): a generated configuration repeats one mistake in every server, and each
 * message, built by concatenation, was a tree of its parts of its own (issue #15). Which string
 * a finding holds cannot be seen from JavaScript, so the heap is asked: a snapshot lists every
 * finding object and the string its `message` property points to.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { describe, it } from 'node:test';
import type { ResolvedFinding } from '../../server/src/analysis/analyzer';
import { checkFiles } from '../../server/src/cli/main';
import { NodeFileSystem } from '../../server/src/model/fileSystem';
import { DEFAULT_SETTINGS } from '../../server/src/service/settings';
import { WorkspaceAnalysis } from '../../server/src/service/workspaceAnalysis';
import { makeTempDir, removeDir } from '../differential/nginxHarness';

const SERVERS = 12;

/** The findings of a command-line check of an http block holding `server` (given its number) SERVERS times. */
async function checked(server: (n: number) => string, head = ''): Promise<ResolvedFinding[]> {
  const dir = makeTempDir('shared-messages');
  try {
    const file = path.join(dir, 'nginx.conf');
    const servers = Array.from({ length: SERVERS }, (_, n) => server(n)).join('\n');
    fs.writeFileSync(file, `events {}\nhttp {\n${head}\n${servers}\n}\n`);
    const workspace = new WorkspaceAnalysis({ fs: new NodeFileSystem(), settings: DEFAULT_SETTINGS, surface: 'cli', reportOnly: true, oneShot: true });
    const results = await checkFiles(workspace, [file]);
    return [...results.values()].flatMap((r) => r.findings);
  } finally {
    removeDir(dir);
  }
}

/** How many distinct strings the live objects with this `code` hold as their `message`, per the heap. */
async function messageStringsHeld(code: string): Promise<number> {
  const text = await new Promise<string>((resolve, reject) => {
    let json = '';
    v8.getHeapSnapshot().setEncoding('utf8').on('data', (piece: string) => { json += piece; }).on('end', () => resolve(json)).on('error', reject);
  });
  const snapshot = JSON.parse(text) as { snapshot: { meta: { node_fields: string[]; edge_fields: string[]; edge_types: [string[]] } }; nodes: number[]; edges: number[]; strings: string[] };
  const { meta } = snapshot.snapshot;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const [nameOfNode, edgeCountOfNode] = [meta.node_fields.indexOf('name'), meta.node_fields.indexOf('edge_count')];
  const [typeOfEdge, nameOfEdge, toOfEdge] = [meta.edge_fields.indexOf('type'), meta.edge_fields.indexOf('name_or_index'), meta.edge_fields.indexOf('to_node')];
  const property = meta.edge_types[0].indexOf('property');
  const held = new Set<number>();
  let edge = 0;
  for (let node = 0; node < snapshot.nodes.length; node += nodeFields) {
    let nodeCode: string | undefined;
    let message: number | undefined;
    for (let k = snapshot.nodes[node + edgeCountOfNode]; k > 0; k--, edge += edgeFields) {
      if (snapshot.edges[edge + typeOfEdge] !== property) continue;
      const name = snapshot.strings[snapshot.edges[edge + nameOfEdge]];
      const to = snapshot.edges[edge + toOfEdge];
      if (name === 'code') nodeCode = snapshot.strings[snapshot.nodes[to + nameOfNode]];
      else if (name === 'message') message = to;
    }
    if (nodeCode === code && message !== undefined) held.add(message);
  }
  return held.size;
}

/** Each rule that repeats one message across servers, with a server that makes it say so. */
const REPEATED: { code: string; head?: string; server: (n: number) => string }[] = [
  {
    code: 'tls.upstream-unverified',
    server: (n) => `server { listen 80; server_name s${n}.example; location / { proxy_pass https://backend.internal; } }`,
  },
  {
    code: 'tls.upstream-name-mismatch',
    server: (n) => `server { listen 80; server_name s${n}.example; location / { proxy_pass https://backend.internal; proxy_ssl_verify on;
      proxy_ssl_trusted_certificate /etc/nginx/ssl/ca.crt; proxy_ssl_server_name on; proxy_set_header Host $host; } }`,
  },
  {
    code: 'mtls.identity-header-not-cleared',
    head: 'upstream backend { server 10.0.0.5:8000; }',
    server: (n) => `server { listen 443 ssl; server_name s${n}.example; ssl_certificate /etc/nginx/ssl/server.crt; ssl_certificate_key /etc/nginx/ssl/server.key;
      ssl_client_certificate /etc/nginx/ssl/ca.crt; ssl_verify_client on;
      location /api/ { proxy_pass http://backend; proxy_set_header X-Client-DN $ssl_client_s_dn; }
      location /public/ { proxy_pass http://backend; } }`,
  },
  {
    code: 'tls.session-reuse-identity-leak',
    server: (n) => `server { listen 8080; server_name s${n}.example; proxy_ssl_verify on; proxy_ssl_trusted_certificate /etc/nginx/ssl/ca.crt; proxy_ssl_server_name on;
      location /admin { proxy_pass https://api.example.com; proxy_ssl_certificate /etc/nginx/ssl/admin.crt; proxy_ssl_certificate_key /etc/nginx/ssl/admin.key; }
      location /public { proxy_pass https://api.example.com:443; } }`,
  },
];

describe('findings that say the same thing', () => {
  for (const { code, head, server } of REPEATED) {
    it(`share one message string: ${code} in ${SERVERS} servers`, async () => {
      const findings = (await checked(server, head)).filter((f) => f.code === code);
      assert.ok(findings.length >= SERVERS, `${findings.length} ${code} findings`);
      const texts = new Set(findings.map((f) => f.message)).size;
      assert.ok(texts < findings.length, `the servers' findings read alike (${texts} texts for ${findings.length})`);
      // The findings are still live here: they are what the snapshot finds.
      assert.equal(await messageStringsHeld(code), texts);
      assert.equal(findings[0].code, code);
    });
  }
});
