/**
 * Where validation runs: in the server's own thread on its language service (the default), or,
 * when asked, in a worker thread that keeps its own copy of the open documents and settings
 * (see createValidationRunner).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CodeAction, Range } from 'vscode-languageserver-types';
import { AnalysisCancelled } from '../analysis/analyzer';
import type { EncodedDiagnostics } from '../service/encodedDiagnostics';
import type { NginxLanguageService } from '../service/languageService';

export interface ValidationOutcome {
  /** Encoded where the check ran: the worker sends one string, not hundreds of objects, and the server writes it as it is. */
  diagnostics: EncodedDiagnostics;
  failures: { family: string; error: string }[];
  /** Files on disk the service's checks depend on, for the client's file watchers (see service/watchedFiles.ts). */
  watchPaths: string[];
  /** How long the check took, in ms, and the discovery of main configs within it when one ran (the start-up report shows the first). */
  timings?: Record<string, number>;
}

/** The outcome of a validation by `service` that took `ms`, as the runner hands it back. */
export function outcomeOf(service: NginxLanguageService, result: Awaited<ReturnType<NginxLanguageService['validateEncoded']>>, ms?: number): ValidationOutcome {
  const timings: Record<string, number> = {};
  const discovery = service.takeDiscoveryTiming();
  if (discovery) timings[`main configs (${discovery.found} found)`] = discovery.ms;
  if (ms !== undefined) timings.check = ms;
  return { diagnostics: result.diagnostics, failures: result.analysis?.failures ?? [], watchPaths: service.analysis.watchablePaths(), timings };
}

/** State changes mirrored into the runner, and the validation itself. */
export type RunnerMessage =
  | { kind: 'configure'; raw: unknown }
  | { kind: 'folders'; folders: string[] }
  | { kind: 'open'; path: string; text: string }
  | { kind: 'close'; path: string }
  | { kind: 'changed'; path: string }
  | { kind: 'discovery' }
  /** Certificate files were written in the workspace (the "generate test PKI" command). */
  | { kind: 'certificatesWritten' };

export interface ValidationRunner {
  post(message: RunnerMessage): void;
  /**
   * The file's diagnostics, or undefined when the request was superseded before it finished:
   * by a newer request for the same file, or by one of a later `generation` (the server's count
   * of state changes; each change schedules every open document again, so older runs are stale).
   */
  validate(filePath: string, generation?: number): Promise<ValidationOutcome | undefined>;
  /**
   * Code actions for `range`: the quick fixes come from the findings, so they are asked of
   * whoever validates (and has the findings of the last check already), never recomputed beside it.
   */
  codeActions(filePath: string, range: Range, only?: string[]): Promise<CodeAction[]>;
  dispose(): Promise<void>;
  /** Where checks run, as the server's log says it. */
  readonly where: string;
}

/** What the server sends the worker, and what comes back. */
export type WorkerRequest = RunnerMessage | { kind: 'validate'; id: number; path: string } | CodeActionsRequest | { kind: 'cancel'; ids: number[] };
export type CodeActionsRequest = { kind: 'codeActions'; id: number; path: string; range: Range; only?: string[] };
/**
 * `sameDiagnostics`: the outcome's diagnostics are those the worker last sent for the same
 * file, byte for byte, and are not sent again (outcome.diagnostics.utf8 is empty): typing in a
 * comment or a header value mostly leaves every diagnostic where it was, and encoding and
 * moving ~600 KB of them per keystroke on a 5k-line file was the largest cost left (#15).
 */
export type WorkerReply = { id: number; outcome?: ValidationOutcome; sameDiagnostics?: true; actions?: CodeAction[]; error?: string; cancelled?: true };
/** The worker's first message: its bundle is loaded and it takes requests. */
export type WorkerReady = { ready: true };

/** Applies a state message to a language service (the worker does the same on its side). */
export function applyMessage(service: NginxLanguageService, message: RunnerMessage): void {
  switch (message.kind) {
    case 'configure': service.configure(message.raw); break;
    case 'folders': service.setWorkspaceFolders(message.folders); break;
    case 'open': service.openDocument(message.path, message.text); break;
    case 'close': service.closeDocument(message.path); break;
    case 'changed':
      // Also drops the file's inspection (languageService.diskChanged).
      service.diskChanged(message.path);
      service.analysis.parses.delete(message.path);
      service.analysis.forgetLastRuns();
      service.invalidateDiscovery();
      if (/\.(crt|pem|key|cer|der|p12|pfx)$/i.test(message.path)) service.invalidateWorkspaceCertificates();
      break;
    case 'discovery':
      // Files were created, deleted or renamed, or the settings changed: all is read again.
      service.diskChanged();
      service.invalidateDiscovery();
      service.analysis.forgetLastRuns();
      break;
    case 'certificatesWritten':
      service.diskChanged();
      service.invalidateWorkspaceCertificates();
      service.analysis.forgetLastRuns();
      break;
  }
}

/**
 * True when a request for `filePath` at `generation` makes an earlier one out of date: it is
 * for the same file, or the earlier one saw an older state (each state change schedules every
 * open document again).
 */
function supersedes(filePath: string, generation: number | undefined, earlier: { path: string; generation: number | undefined }): boolean {
  return earlier.path === filePath || (generation !== undefined && earlier.generation !== undefined && earlier.generation < generation);
}

export class InProcessRunner implements ValidationRunner {
  readonly where = "in the server's thread";
  /** With `supersede`, the checks under way, to cancel when a newer one comes (see WorkerRunner.supersede). */
  private readonly running = new Map<{ cancelled: boolean }, { path: string; generation: number | undefined }>();

  constructor(private readonly service: NginxLanguageService, private readonly shared: boolean, private readonly supersede = false) {}

  post(message: RunnerMessage): void {
    // The server already applies state changes to its own service; only a separate one needs them.
    if (!this.shared) applyMessage(this.service, message);
  }

  async validate(filePath: string, generation?: number): Promise<ValidationOutcome | undefined> {
    const started = performance.now();
    if (!this.supersede) return outcomeOf(this.service, await this.service.validateEncoded(filePath), performance.now() - started);
    for (const [flag, run] of this.running) if (supersedes(filePath, generation, run)) flag.cancelled = true;
    const cancellation = { cancelled: false };
    this.running.set(cancellation, { path: filePath, generation });
    try {
      return outcomeOf(this.service, await this.service.validateEncoded(filePath, cancellation), performance.now() - started);
    } catch (error) {
      if (error instanceof AnalysisCancelled) return undefined;
      throw error;
    } finally {
      this.running.delete(cancellation);
    }
  }

  codeActions(filePath: string, range: Range, only?: string[]): Promise<CodeAction[]> {
    return this.service.codeActions(filePath, range, only);
  }

  /**
   * The worker has taken over validation: the server's service forgets what only validation
   * needs (see NginxLanguageService.releaseValidationState).
   */
  release(): void {
    this.service.releaseValidationState();
  }

  async dispose(): Promise<void> {}
}

interface PendingValidation {
  path: string;
  generation: number | undefined;
  resolve: (o: ValidationOutcome | undefined) => void;
  reject: (e: Error) => void;
}

/**
 * The worker's young generation, in MB (V8's default lets it grow to 48). What a check
 * allocates is a few MB that die before the next keystroke, so a large young generation holds
 * only garbage, and stays resident once grown. The price is more promotion: in-process, a burst
 * keystroke on the 5k-line bench file took 1–2 ms more at the median with a 3 MB semi-space than
 * with the default 16 MB; over LSP, interleaved bench sessions showed no latency change beyond
 * their spread, and RSS after indexing fell from 184–188 to 146–150 MB (5k-line file) and from
 * 304 to 276–284 MB (a file in the 100k-line tree), together with the collection after the
 * rehearsal (validationWorker.ts). See docs/benchmarks.md, seventh pass (#15).
 */
export const WORKER_YOUNG_GENERATION_MB = 8;

export class WorkerRunner implements ValidationRunner {
  readonly where = 'in a worker thread';
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingValidation>();
  /** Code actions asked of the worker: answered in order after the checks before them, never superseded. */
  private readonly pendingActions = new Map<number, { resolve: (a: CodeAction[]) => void; reject: (e: Error) => void }>();
  /** How requests ended in the worker (tests bound the work with it). */
  readonly settled = { completed: 0, cancelled: 0, failed: 0 };
  /** Outcomes whose diagnostics the worker did not send again, being those it sent last for the file. */
  repeatedDiagnostics = 0;
  /** Replayed into a restarted worker: settings, folders and the open documents. */
  private readonly state = new Map<string, RunnerMessage>();
  /** The file of each validation sent and not answered yet, superseded or not. */
  private readonly inFlight = new Map<number, string>();
  /** The diagnostics the worker last sent per file: what a `sameDiagnostics` reply stands for. */
  private readonly lastDiagnostics = new Map<string, EncodedDiagnostics>();

  /** `onReady` is called each time a (re)started worker has loaded and takes requests. */
  constructor(private readonly script: string, private readonly log: (message: string) => void, private readonly onReady: () => void = () => undefined) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    worker.on('message', (reply: WorkerReply | WorkerReady) => {
      if ('ready' in reply) {
        this.onReady();
        return;
      }
      const asked = this.pendingActions.get(reply.id);
      if (asked) {
        this.pendingActions.delete(reply.id);
        if (reply.actions) asked.resolve(reply.actions);
        else asked.reject(new Error(reply.error ?? 'code actions failed in the worker'));
        return;
      }
      const filePath = this.inFlight.get(reply.id);
      this.inFlight.delete(reply.id);
      if (reply.outcome && filePath !== undefined) {
        // Every outcome is remembered, even one nobody waits for any more: the worker counts on it.
        if (reply.sameDiagnostics) {
          this.repeatedDiagnostics++;
          const last = this.lastDiagnostics.get(filePath);
          reply.outcome = last ? { ...reply.outcome, diagnostics: last } : undefined;
          if (!last) reply.error = `the worker referred to diagnostics of ${filePath} it never sent`;
        } else {
          this.lastDiagnostics.set(filePath, reply.outcome.diagnostics);
        }
      }
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
      for (const waiter of [...this.pending.values(), ...this.pendingActions.values()]) waiter.reject(new Error(`validation worker stopped: ${reason}`));
      this.pending.clear();
      this.pendingActions.clear();
      // A new worker starts with nothing sent.
      this.inFlight.clear();
      this.lastDiagnostics.clear();
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
    else if (message.kind === 'close') {
      this.state.delete(`open:${message.path}`);
      // The worker forgets what it sent for a closed file; a check of it still under way may
      // yet refer to it, so it is kept until that one has answered.
      if (![...this.inFlight.values()].includes(message.path)) this.lastDiagnostics.delete(message.path);
    }
    this.send(message);
  }

  /**
   * Starts the worker (it loads its bundle, a few hundred ms). With `filePath`, the worker also
   * checks that file, its result unused: the check the server's thread just made, so that the
   * worker's configuration tree and caches are built before the first edit, which then costs
   * what an edit costs instead of a whole indexing (a second on a 100k-line tree). A real
   * validation of the file cancels it (see supersede); what it built so far is kept.
   * Settles when that check has ended, however it ended.
   */
  warmUp(filePath?: string): Promise<void> {
    this.ensure();
    if (filePath === undefined) return Promise.resolve();
    return this.validate(filePath).then(() => undefined, () => undefined);
  }

  validate(filePath: string, generation?: number): Promise<ValidationOutcome | undefined> {
    this.ensure();
    this.supersede(filePath, generation);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { path: filePath, generation, resolve, reject });
      this.inFlight.set(id, filePath);
      this.send({ kind: 'validate', id, path: filePath });
    });
  }

  codeActions(filePath: string, range: Range, only?: string[]): Promise<CodeAction[]> {
    this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pendingActions.set(id, { resolve, reject });
      this.send({ kind: 'codeActions', id, path: filePath, range, only });
    });
  }

  /** Cancels the requests a new one for `filePath` at `generation` makes out of date; their callers get undefined now. */
  private supersede(filePath: string, generation: number | undefined): void {
    const stale: number[] = [];
    for (const [id, waiter] of this.pending) {
      if (!supersedes(filePath, generation, waiter)) continue;
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

/** How long after the first check the worker starts loading (see FirstCheckInProcessRunner). */
export const WARM_UP_DELAY_MS = 2000;

/** Starts something later; the handle cancels it if it has not started yet. */
type Schedule = (start: () => void) => { cancel(): void };

/** Runs `start` after `ms` without keeping the process alive for it. */
function afterDelay(ms: number): Schedule {
  return (start) => {
    const timer = setTimeout(start, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  };
}

/**
 * The worker runner, except for the server's first file, which is checked on the server's own
 * service until the worker has checked it too; the worker starts once the first check is done.
 * A user who opens a file waits for one bundle to load, not two: on a loaded 2-core machine
 * the worker's start (a second copy of the engine, a few hundred ms of CPU) was most of the wait
 * for the first diagnostics, and loading it alongside the server only slowed both down (#15). The first check also leaves the
 * server's service with the trees that hover, semantic tokens and inlay hints ask for right
 * after a file opens. Every other file, and the first one once the worker is warm, is checked in
 * the worker, so an edit never waits behind the server's requests, nor they behind it.
 *
 * The worker's warm-up waits WARM_UP_DELAY_MS after the first check: loading a second engine
 * and indexing the tree again is a second or more of CPU, and right after the first answer the
 * editor needs that CPU to show it. In the code-server e2e on a loaded 2-core machine, the time
 * from the server's answer to the first squiggle was 0.74–1.05 s with the warm-up started at
 * once and 0.33–0.60 s with it 2 s later (two runs each, interleaved). An edit typed before the
 * worker is warm is checked in this thread meanwhile, as before.
 */
export class FirstCheckInProcessRunner implements ValidationRunner {
  readonly where = 'in a worker thread after the first check';
  private warming: Promise<void> | undefined;
  private workerWarm = false;
  /** Settles once the worker has taken over the first file and the server's service has let go of its checks. */
  get handedOver(): Promise<void> | undefined {
    return this.warming;
  }
  private firstFile: string | undefined;
  private pendingWarmUp: ReturnType<Schedule> | undefined;
  private disposed = false;

  /**
   * `onHandedOver` is called once the worker has taken over and the server's service has let go
   * of its checks; `schedule` starts the warm-up later (tests pass one they control).
   */
  constructor(
    private readonly inProcess: InProcessRunner,
    readonly worker: Pick<WorkerRunner, 'post' | 'validate' | 'warmUp' | 'dispose' | 'codeActions'>,
    private readonly onHandedOver: () => void = () => undefined,
    private readonly schedule: Schedule = afterDelay(WARM_UP_DELAY_MS),
  ) {}

  post(message: RunnerMessage): void {
    // The in-process runner shares the server's service, which has the message already; the worker keeps it for its start.
    this.worker.post(message);
  }

  /**
   * The first file is checked in the server's own thread until the worker has loaded and
   * checked it too (its warm-up, started after the first check): edits typed in it meanwhile
   * are checked against the server's tree, already built, instead of waiting for the worker to
   * index everything. Any other file goes to the worker, so that a big one never holds up the
   * server's answers.
   */
  async validate(filePath: string, generation?: number): Promise<ValidationOutcome | undefined> {
    this.firstFile ??= filePath;
    if (this.workerWarm || filePath !== this.firstFile) return this.worker.validate(filePath, generation);
    try {
      return await this.inProcess.validate(filePath, generation);
    } finally {
      this.warming ??= new Promise<void>((started) => {
        this.pendingWarmUp = this.schedule(() => {
          this.pendingWarmUp = undefined;
          started();
        });
      }).then(() => (this.disposed ? undefined : this.worker.warmUp(filePath))).then(() => {
        if (this.disposed) return;
        this.workerWarm = true;
        this.inProcess.release();
        this.onHandedOver();
      });
    }
  }

  /** From the server's service until the worker has taken over (it then has the findings), from the worker after. */
  codeActions(filePath: string, range: Range, only?: string[]): Promise<CodeAction[]> {
    return this.workerWarm ? this.worker.codeActions(filePath, range, only) : this.inProcess.codeActions(filePath, range, only);
  }

  dispose(): Promise<void> {
    this.disposed = true;
    this.pendingWarmUp?.cancel();
    this.pendingWarmUp = undefined;
    return this.worker.dispose();
  }
}

/**
 * Where the server validates. By default in its own thread, on the service that answers hover,
 * completion and the rest: one copy of the configuration model. A check gives the thread back
 * between rule families (analyzer.ts), so a request that comes during a long one waits for one
 * family at most: on a file of the bench's 100k-line tree, hovers sent during the first check
 * waited 190 ms at most. With `worker`, validation moves to the worker next to the bundled server
 * (dist/validationWorker.js) after the first check: requests never wait behind a check, at the
 * price of a second engine and model (about 95 MB more on that tree, 60 MB on the 5k-line file;
 * docs/benchmarks.md, ninth pass). Injected rules, clocks or file systems exist in this thread
 * only, and a build without the worker bundle (tsc output) has none to start.
 */
export function createValidationRunner(service: NginxLanguageService, options: { injected: boolean; worker: boolean; log: (message: string) => void; onWorkerReady?: () => void; onHandedOver?: () => void }): ValidationRunner {
  if (options.injected) return new InProcessRunner(service, true);
  const script = path.join(__dirname, 'validationWorker.js');
  if (!options.worker || !existsSync(script)) return new InProcessRunner(service, true, true);
  return new FirstCheckInProcessRunner(new InProcessRunner(service, true, true), new WorkerRunner(script, options.log, options.onWorkerReady), options.onHandedOver);
}
