/**
 * A huge open document does not stop the server from answering other requests while it is
 * checked, and the diagnostics still arrive. By default the server checks in its own thread and
 * gives way between rule families (analysis/analyzer.ts), so requests are answered at those
 * points; with the validation worker (--validation-worker) they are answered throughout. (How
 * fast it answers is measured by the benchmark, scripts/bench, not asserted here.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

/**
 * Hovers that must be answered while the check runs, by where it runs; see the test for why
 * these counts. In the server's thread, 4-5 were answered in every run on a shared 2-core
 * machine: a check that gave way only once, or never, answers one or none.
 */
const MODES = [
  { name: "in the server's thread (default)", args: ['--stdio'], minHovers: 2 },
  { name: 'in the validation worker', args: ['--stdio', '--validation-worker'], minHovers: 10 },
];

for (const mode of MODES) describe(`language server: a 1 MB document does not hold up other requests (validation ${mode.name})`, () => {
  let dir: string;
  let client: LspTestClient;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-large-'));
    client = new LspTestClient(mode.args);
    await client.initialize(dir);
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers hovers on another file while the big one is being checked', async () => {
    const small = path.join(dir, 'small.conf');
    const smallText = 'server {\n    listen 443 ssl;\n    proxy_ssl_verify on;\n}\n';
    writeFileSync(small, smallText);
    await client.openDocument('file://' + small, smallText);
    const hoverSmall = (): Promise<{ contents: { value: string } } | null> =>
      client.request('textDocument/hover', { textDocument: { uri: 'file://' + small }, position: { line: 2, character: 6 } });

    const big = path.join(dir, 'big.conf');
    const bigText = 'server { listen 80; location / { proxy_set_header X $http_x; return 200; } }\n'.repeat(13_500);
    assert.ok(bigText.length > 1_000_000);
    // The server logs when a check starts; hovers are then sent one after the other until the
    // diagnostics arrive. No clock is involved: a server checking in its own thread answers
    // at the points where the check gives way, the worker's server at any time (thousands of
    // hovers on a shared 2-core machine), so a handful is its bar.
    const started = client.waitFor((n) => n.method === 'window/logMessage' && String((n.params as { message: string }).message).includes(`validating file://${big} v1`), 120_000);
    const diagnostics = client.waitForDiagnostics('file://' + big, 1, undefined, 120_000);
    client.notify('textDocument/didOpen', { textDocument: { uri: 'file://' + big, languageId: 'nginx', version: 1, text: bigText } });
    let published = false;
    void diagnostics.then(() => { published = true; });
    await started;
    let answeredDuringCheck = 0;
    while (!published) {
      const hover = await hoverSmall();
      assert.match(hover?.contents.value ?? '', /proxy_ssl_verify/);
      if (!published) answeredDuringCheck++;
    }
    await diagnostics;
    assert.ok(answeredDuringCheck >= mode.minHovers, `only ${answeredDuringCheck} hovers were answered while the 1 MB document was checked`);
  });
});
