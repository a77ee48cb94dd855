/**
 * The validation worker thread (dist/validationWorker.js): a language service of its own that
 * mirrors the server's open documents and settings and answers validation requests, one at a
 * time. A request the server no longer wants (see WorkerRunner) is cancelled: dropped if it
 * has not started, stopped at its next check point if it has, so stale work never piles up.
 */
import { parentPort } from 'node:worker_threads';
import { AnalysisCancelled } from '../analysis/analyzer';
import { NginxLanguageService } from '../service/languageService';
import { joinedUtf8, sameParts } from '../service/diagnosticParts';
import { rehearseEdits } from './editPathWarmUp';
import { idleCollectionsForThisThread } from './idleCollector';
import { applyMessage, outcomeOf, type CodeActionsRequest, type WorkerReady, type WorkerReply, type WorkerRequest } from './validationRunner';

const service = new NginxLanguageService();
const port = parentPort;
/** Checks and code-action requests, answered in the order they came (an answer sees the edits sent before it). */
const queue: ({ kind: 'validate'; id: number; path: string; cancellation: { cancelled: boolean } } | CodeActionsRequest)[] = [];
const byId = new Map<number, { cancelled: boolean }>();
/** The JSON of each diagnostic last sent per file; the server keeps the same (see WorkerReply.sameDiagnostics). */
const lastSent = new Map<string, Uint8Array[]>();
const NOTHING = new Uint8Array(0);
let running = false;
/** The latest text the server sent for each open document (the service holds it as well). */
const texts = new Map<string, string>();
/** The document of the first check, whose edits are rehearsed once the queue is empty (see editPathWarmUp.ts); then undefined for good. */
let warmUpFor: string | undefined;
let warmedUp = false;
/**
 * Each check leaves megabytes of garbage; the heap they grew is returned once checks stop coming,
 * and compacted after a longer pause when the collection left it fragmented.
 */
const idle = idleCollectionsForThisThread();

function reply(message: WorkerReply | WorkerReady): void {
  // The diagnostics' bytes are moved, not copied: this thread keeps nothing of an outcome.
  const bytes = 'outcome' in message ? message.outcome?.diagnostics.utf8 : undefined;
  port?.postMessage(message, bytes && movable(bytes) ? [bytes.buffer] : []);
}

/** Whether the bytes are the whole of their ArrayBuffer (see diagnosticParts.joinedUtf8), so that moving it moves nothing else. */
function movable(bytes: Uint8Array): bytes is Uint8Array & { buffer: ArrayBuffer } {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteLength > 0 && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  for (;;) {
    await answerQueue();
    const path = warmUpFor;
    if (path === undefined) break;
    warmUpFor = undefined;
    await warmUp(path);
  }
  running = false;
}

async function answerQueue(): Promise<void> {
  for (let next = queue.shift(); next; next = queue.shift()) {
    if (next.kind === 'codeActions') {
      await answerCodeActions(next);
      continue;
    }
    const { id, path, cancellation } = next;
    try {
      if (cancellation.cancelled) throw new AnalysisCancelled();
      const started = performance.now();
      const { parts, analysis } = await service.validateParts(path, cancellation);
      const last = lastSent.get(path);
      const same = last !== undefined && sameParts(last, parts);
      lastSent.set(path, parts);
      const diagnostics = { count: parts.length, utf8: same ? NOTHING : joinedUtf8(parts) };
      reply({ id, outcome: outcomeOf(service, { diagnostics, analysis }, performance.now() - started), ...(same ? { sameDiagnostics: true } : {}) });
      if (!warmedUp) {
        warmedUp = true;
        warmUpFor = path;
      }
    } catch (error) {
      if (error instanceof AnalysisCancelled) reply({ id, cancelled: true });
      else reply({ id, error: error instanceof Error ? error.message : String(error) });
    } finally {
      byId.delete(id);
      idle.activity();
    }
  }
}

/**
 * Rehearses the first keystrokes on copies of the document (editPathWarmUp.ts) until a request
 * waits or the document changes: a real check never waits for more than one rehearsed one.
 * Nothing of it is sent: the server never hears of these texts.
 */
async function warmUp(path: string): Promise<void> {
  const text = texts.get(path);
  if (text === undefined) return;
  const interrupted = (): boolean => queue.length > 0 || texts.get(path) !== text;
  await rehearseEdits(service, path, text, interrupted, () => texts.get(path));
  // A rehearsal that ran to its end left nothing but garbage (several MB per rehearsed check)
  // and nobody is waiting: it is returned now rather than after IDLE_COLLECT_MS, when the
  // next keystroke may be under way.
  if (interrupted()) idle.activity();
  else {
    idle.collector.collectNow();
    idle.compactor.activity();
  }
}

async function answerCodeActions({ id, path, range, only }: CodeActionsRequest): Promise<void> {
  try {
    reply({ id, actions: await service.codeActions(path, range, only) });
  } catch (error) {
    reply({ id, error: error instanceof Error ? error.message : String(error) });
  }
}

port?.on('message', (message: WorkerRequest) => {
  if (message.kind === 'validate') {
    const cancellation = { cancelled: false };
    byId.set(message.id, cancellation);
    queue.push({ kind: 'validate', id: message.id, path: message.path, cancellation });
    void drain();
  } else if (message.kind === 'codeActions') {
    queue.push(message);
    void drain();
  } else if (message.kind === 'cancel') {
    for (const id of message.ids) {
      const cancellation = byId.get(id);
      if (cancellation) cancellation.cancelled = true;
    }
  } else {
    if (message.kind === 'close') {
      lastSent.delete(message.path);
      texts.delete(message.path);
    }
    if (message.kind === 'open') texts.set(message.path, message.text);
    applyMessage(service, message);
  }
});

// Everything above is loaded: the server may count on a quick answer from now on.
reply({ ready: true });
