/**
 * Entry point of `nginx-mtls-language-server`: `--stdio` for any LSP editor, `--node-ipc`
 * when VS Code starts it, `--socket=<port>` for debugging. With --stdio, stdout is the
 * protocol: nothing in the server may print to it.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer, type ServerHandle } from '../server';
import { createStdioTransport } from './stdioTransport';
import { TOOL_VERSION } from '../toolVersion.generated';
import { VALIDATION_WORKER_FLAG } from '../../../common/serverLaunch';
import { applyCompilerTuning } from './compilerTuning';
import { capYoungGeneration } from './heapTuning';

/** Tests make the settings timeout small to see the server go on without an answer. */
function settingsTimeoutFromEnvironment(): number | undefined {
  const value = Number(process.env.NGINX_MTLS_SETTINGS_TIMEOUT_MS);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-v')) {
  process.stdout.write(`${TOOL_VERSION}\n`);
} else if (args.includes('--help') || args.includes('-h') || !args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe') || a.startsWith('--clientProcessId'))) {
  process.stdout.write('Usage: nginx-mtls-language-server --stdio | --node-ipc | --socket=<port> [--validation-worker] [--no-warm-up]\n\nThe nginx mTLS language server. Editors start it; see docs/editors.md.\n\n--validation-worker  check configurations in a worker thread, so that requests never wait\n                     behind a check (a second copy of the engine: more memory)\n--no-warm-up         do not check a made-up configuration while no file is open (it makes\n                     the first real check faster)\n');
} else {
  applyCompilerTuning();
  capYoungGeneration();
  // Console output would corrupt the stdio protocol: route it to stderr.
  console.log = console.error;
  console.info = console.error;
  let server: ServerHandle | undefined;
  const connection = args.includes('--stdio')
    ? (() => {
      const { reader, writer } = createStdioTransport({ shutdownRequested: () => server?.shutdownRequested ?? false });
      return createConnection(ProposedFeatures.all, reader, writer);
    })()
    : createConnection(ProposedFeatures.all);
  server = startServer(connection, {
    settingsTimeoutMs: settingsTimeoutFromEnvironment(),
    validationWorker: args.includes(VALIDATION_WORKER_FLAG) || process.env.NGINX_MTLS_VALIDATION_WORKER === '1',
    warmUp: !args.includes('--no-warm-up'),
  });
}
