/**
 * A huge open document is validated in the server's worker thread: while it is checked, the
 * server keeps answering other requests quickly, and the diagnostics still arrive.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

describe('language server: a 1 MB document does not hold up other requests', () => {
  let dir: string;
  let client: LspTestClient;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-large-'));
    client = new LspTestClient();
    await client.initialize(dir);
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers hovers on another file within 100 ms while the big one is checked', async () => {
    const small = path.join(dir, 'small.conf');
    const smallText = 'server {\n    listen 443 ssl;\n    proxy_ssl_verify on;\n}\n';
    writeFileSync(small, smallText);
    await client.openDocument('file://' + small, smallText);
    // Warm up the hover path once, so the measurement is about blocking, not first-call costs.
    await client.request('textDocument/hover', { textDocument: { uri: 'file://' + small }, position: { line: 2, character: 6 } });

    const big = path.join(dir, 'big.conf');
    const bigText = 'server { listen 80; location / { proxy_set_header X $http_x; return 200; } }\n'.repeat(13_500);
    assert.ok(bigText.length > 1_000_000);
    const diagnostics = client.waitForDiagnostics('file://' + big, 1, undefined, 120_000);
    client.notify('textDocument/didOpen', { textDocument: { uri: 'file://' + big, languageId: 'nginx', version: 1, text: bigText } });
    let published = false;
    void diagnostics.then(() => { published = true; });
    const latencies: number[] = [];
    while (!published && latencies.length < 400) {
      const started = process.hrtime.bigint();
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: 'file://' + small }, position: { line: 2, character: 6 } });
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      assert.match(hover?.contents.value ?? '', /proxy_ssl_verify/);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await diagnostics;
    latencies.sort((a, b) => a - b);
    console.log(`hovers while validating 1 MB: ${latencies.length}, median ${latencies[latencies.length >> 1].toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`);
    assert.ok(latencies.length >= 3, 'validation finished before the measurement could start');
    assert.ok(latencies[latencies.length - 1] < 100, `a hover waited ${latencies[latencies.length - 1].toFixed(0)} ms`);
  });
});
