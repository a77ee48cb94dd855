/**
 * The stdio transport of the language server, with the failures vscode-languageserver leaves
 * silent made loud and final:
 *
 * - a framing error (a wrong Content-Length, a header without one, a body that is not JSON)
 *   leaves the stream at an unknown position, so no later message can be trusted: the server
 *   says so on stderr and exits with code 1, and the client starts a fresh one;
 * - stdout closed or broken (the client went away): nothing can be answered any more, so the
 *   server ends, with one line on stderr instead of an unhandled ConnectionError;
 * - stdin ended: the client is gone; the exit code follows the protocol (0 after `shutdown`).
 */
import { StreamMessageReader } from 'vscode-languageserver/node';
import { StdioMessageWriter } from './stdioMessageWriter';

export interface StdioTransport {
  reader: StreamMessageReader;
  writer: StdioMessageWriter;
}

export interface StdioEnd {
  /** True once the client asked for `shutdown`: ending then is the normal way out. */
  shutdownRequested(): boolean;
}

export function createStdioTransport(end: StdioEnd): StdioTransport {
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StdioMessageWriter(process.stdout);
  let ending = false;
  const exit = (code: number, why: string): void => {
    if (ending) return;
    ending = true;
    process.stderr.write(`[nginx-mtls] ${why}\n`);
    process.exit(code);
  };
  const normalCode = (): number => (end.shutdownRequested() ? 0 : 1);
  reader.onError((error) => exit(1, `unreadable message from the client (${error.message.split('\n')[0]}); the protocol stream cannot be trusted any more, exiting so that the client restarts the server`));
  writer.onError(([error]) => exit(normalCode(), `cannot write to the client (${error.message}); exiting`));
  writer.onClose(() => exit(normalCode(), 'the client closed the output stream; exiting'));
  // A closed stdout surfaces as an EPIPE 'error' on the stream itself; unhandled, it would crash with a stack trace.
  process.stdout.on('error', (error) => exit(normalCode(), `cannot write to the client (${error.message}); exiting`));
  process.stdin.on('end', () => exit(normalCode(), 'the client closed the input stream; exiting'));
  return { reader, writer };
}
