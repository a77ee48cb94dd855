/**
 * Where validation runs. In the language server it runs in a worker thread, so that checking a
 * huge configuration never holds up the requests the editor sends meanwhile (hover, completion,
 * cancellation); the worker keeps its own copy of the open documents and settings. When the
 * worker bundle is not there (running from tsc output) or tests inject rules or a clock, it runs
 * in-process on the language service.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { NginxLanguageService } from '../service/languageService';

export interface ValidationOutcome {
  diagnostics: Diagnostic[];
  failures: { family: string; error: string }[];
  /** Files on disk the service's checks depend on, for the client's file watchers (see service/watchedFiles.ts). */
  watchPaths: string[];
}

/** The outcome of a validation by `service`, as the runner hands it back. */
export function outcomeOf(service: NginxLanguageService, result: Awaited<ReturnType<NginxLanguageService['validate']>>): ValidationOutcome {
  return { diagnostics: result.diagnostics, failures: result.analysis?.failures ?? [], watchPaths: service.analysis.watchablePaths() };
}

/** State changes mirrored into the runner, and the validation itself. */
export type RunnerMessage =
  | { kind: 'configure'; raw: unknown }
  | { kind: 'folders'; folders: string[] }
  | { kind: 'open'; path: string; text: string }
  | { kind: 'close'; path: string }
  | { kind: 'changed'; path: string }
  | { kind: 'discovery' };

export interface ValidationRunner {
  post(message: RunnerMessage): void;
  /**
   * The file's diagnostics, or undefined when the request was superseded before it finished:
   * by a newer request for the same file, or by one of a later `generation` (the server's count
   * of state changes; each change schedules every open document again, so older runs are stale).
   */
  validate(filePath: string, generation?: number): Promise<ValidationOutcome | undefined>;
  dispose(): Promise<void>;
}

/** What the server sends the worker, and what comes back. */
export type WorkerRequest = RunnerMessage | { kind: 'validate'; id: number; path: string } | { kind: 'cancel'; ids: number[] };
export type WorkerReply = { id: number; outcome?: ValidationOutcome; error?: string; cancelled?: true };

/** Applies a state message to a language service (the worker does the same on its side). */
export function applyMessage(service: NginxLanguageService, message: RunnerMessage): void {
  switch (message.kind) {
    case 'configure': service.configure(message.raw); break;
    case 'folders': service.setWorkspaceFolders(message.folders); break;
    case 'open': service.openDocument(message.path, message.text); break;
    case 'close': service.closeDocument(message.path); break;
    case 'changed':
      service.analysis.parses.delete(message.path);
      // The inspector's cache is keyed by mtime and size: a file replaced within the same
      // second by one of the same size (a renewed certificate often is) would look unchanged.
      service.analysis.certificates.invalidate(message.path);
      service.invalidateDiscovery();
      if (/\.(crt|pem|key|cer|der|p12|pfx)$/i.test(message.path)) service.invalidateWorkspaceCertificates();
      break;
    case 'discovery': service.invalidateDiscovery(); break;
  }
}

class InProcessRunner implements ValidationRunner {
  constructor(private readonly service: NginxLanguageService, private readonly shared: boolean) {}

  post(message: RunnerMessage): void {
    // The server already applies state changes to its own service; only a separate one needs them.
    if (!this.shared) applyMessage(this.service, message);
  }

  async validate(filePath: string): Promise<ValidationOutcome | undefined> {
    return outcomeOf(this.service, await this.service.validate(filePath));
  }

  async dispose(): Promise<void> {}
}

interface PendingValidation {
  path: string;
  generation: number | undefined;
  resolve: (o: ValidationOutcome | undefined) => void;
  reject: (e: Error) => void;
}

export class WorkerRunner implements ValidationRunner {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingValidation>();
  /** How requests ended in the worker (tests bound the work with it). */
  readonly settled = { completed: 0, cancelled: 0, failed: 0 };
  /** Replayed into a restarted worker: settings, folders and the open documents. */
  private readonly state = new Map<string, RunnerMessage>();

  constructor(private readonly script: string, private readonly log: (message: string) => void) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (reply: WorkerReply) => {
      if (reply.cancelled) this.settled.cancelled++;
      else if (reply.outcome) this.settled.completed++;
      else this.settled.failed++;
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.outcome || reply.cancelled) waiter.resolve(reply.outcome);
      else waiter.reject(new Error(reply.error ?? 'validation failed in the worker'));
    });
    const fail = (reason: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.log(`validation worker stopped (${reason}); it restarts on the next validation`);
      for (const waiter of this.pending.values()) waiter.reject(new Error(`validation worker stopped: ${reason}`));
      this.pending.clear();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    worker.unref();
    this.worker = worker;
    for (const message of this.state.values()) worker.postMessage(message);
    return worker;
  }

  post(message: RunnerMessage): void {
    if (message.kind === 'configure' || message.kind === 'folders') this.state.set(message.kind, message);
    else if (message.kind === 'open') this.state.set(`open:${message.path}`, message);
    else if (message.kind === 'close') this.state.delete(`open:${message.path}`);
    this.send(message);
  }

  validate(filePath: string, generation?: number): Promise<ValidationOutcome | undefined> {
    this.ensure();
    this.supersede(filePath, generation);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { path: filePath, generation, resolve, reject });
      this.send({ kind: 'validate', id, path: filePath });
    });
  }

  /** Cancels the requests a new one for `filePath` at `generation` makes out of date; their callers get undefined now. */
  private supersede(filePath: string, generation: number | undefined): void {
    const stale: number[] = [];
    for (const [id, waiter] of this.pending) {
      const older = generation !== undefined && waiter.generation !== undefined && waiter.generation < generation;
      if (waiter.path !== filePath && !older) continue;
      stale.push(id);
      this.pending.delete(id);
      waiter.resolve(undefined);
    }
    if (stale.length > 0) this.send({ kind: 'cancel', ids: stale });
  }

  private send(message: WorkerRequest): void {
    this.worker?.postMessage(message);
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}

/** The worker next to the bundled server (dist/validationWorker.js), when present. */
export function createValidationRunner(service: NginxLanguageService, options: { inProcess: boolean; log: (message: string) => void }): ValidationRunner {
  const script = path.join(__dirname, 'validationWorker.js');
  if (options.inProcess || process.env.NGINX_MTLS_IN_PROCESS_VALIDATION === '1' || !existsSync(script)) return new InProcessRunner(service, true);
  return new WorkerRunner(script, options.log);
}
