// How long the editor's requests wait while the language server checks, with validation in the
// server's own thread (the default) and in the validation worker (--validation-worker): hovers on
// a small document, sent one after the other, while a workload file is opened and indexed, then
// while the bench's keystrokes are typed into it (each waiting for its diagnostics). Also the
// server's RSS once indexing has settled, for the memory each choice costs.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { burstEdits, commentEdits } from './editScripts.mjs';
import { benchClient, NO_LIMIT_MS, percentile, settledRssKb, workerHandOver } from './lspScenarios.mjs';

const require = createRequire(import.meta.url);
const SMALL = 'server {\n    listen 443 ssl;\n    proxy_ssl_verify on;\n}\n';

const summary = (latencies) => ({ requests: latencies.length, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) });

/**
 * One server session on `file` (workspace folder `folder`), `worker` choosing where it checks.
 * `keystrokes` comment edits, then a burst of as many characters.
 */
export async function requestsWhileChecking({ root, folder, file, worker, keystrokes }) {
  const { VALIDATION_WORKER_FLAG } = require(path.join(root, 'out/common/serverLaunch.js'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-requests-'));
  const small = path.join(scratch, 'small.conf');
  fs.writeFileSync(small, SMALL);
  const client = benchClient(root, worker ? ['--stdio', VALIDATION_WORKER_FLAG] : ['--stdio']);
  try {
    await client.initialize(folder);
    const smallUri = 'file://' + small;
    client.notify('textDocument/didOpen', { textDocument: { uri: smallUri, languageId: 'nginx', version: 1, text: SMALL } });
    await client.waitForDiagnostics(smallUri, 1, () => true, NO_LIMIT_MS);
    const hover = async () => {
      const sent = performance.now();
      await client.request('textDocument/hover', { textDocument: { uri: smallUri }, position: { line: 2, character: 6 } });
      return performance.now() - sent;
    };
    /** Hovers, one after the other, until `done` settles; their latencies. */
    const hoversUntil = async (done) => {
      let finished = false;
      const settled = done.then(() => { finished = true; });
      const latencies = [];
      while (!finished) latencies.push(await hover());
      await settled;
      return latencies;
    };
    // The hover's own code warmed up first, as it is in an editor that has been used a while.
    for (let i = 0; i < 20; i++) await hover();

    const uri = 'file://' + file;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const opened = performance.now();
    const firstDiagnostics = client.waitForDiagnostics(uri, 1, () => true, NO_LIMIT_MS);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: lines.join('\n') } });
    const duringIndexing = await hoversUntil(firstDiagnostics);
    const indexMs = performance.now() - opened;
    if (worker) await workerHandOver(client);
    const rssAfterIndex = (await settledRssKb(client.process.pid)).kb;

    const burst = burstEdits(lines, keystrokes);
    const changes = [...commentEdits(lines, keystrokes), burst.setup(), ...burst.keystrokes()];
    const duringTyping = [];
    let version = 1;
    for (const change of changes) {
      version++;
      const diagnosed = client.waitForDiagnostics(uri, version, () => true, NO_LIMIT_MS);
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      duringTyping.push(...await hoversUntil(diagnosed));
    }
    return { indexMs, rssAfterIndex, indexing: summary(duringIndexing), typing: { ...summary(duringTyping), keystrokes: changes.length } };
  } finally {
    await client.shutdown();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
