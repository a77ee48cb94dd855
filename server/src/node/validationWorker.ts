/**
 * The validation worker thread (dist/validationWorker.js): a language service of its own that
 * mirrors the server's open documents and settings and answers validation requests.
 */
import { parentPort } from 'node:worker_threads';
import { NginxLanguageService } from '../service/languageService';
import { applyMessage, type RunnerMessage } from './validationRunner';

const service = new NginxLanguageService();
const port = parentPort;

port?.on('message', (message: RunnerMessage | { kind: 'validate'; id: number; path: string }) => {
  if (message.kind !== 'validate') {
    applyMessage(service, message);
    return;
  }
  service.validate(message.path).then(
    (result) => port.postMessage({ id: message.id, outcome: { diagnostics: result.diagnostics, failures: result.analysis?.failures ?? [] } }),
    (error: unknown) => port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
