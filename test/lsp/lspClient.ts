/**
 * A minimal LSP client for tests: spawns the built server (dist/server.js --stdio) with the
 * Node.js flags the VS Code client starts it with (common/serverLaunch.ts), and speaks JSON-RPC
 * with Content-Length framing. Waits are on notifications, never sleeps.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { SERVER_NODE_FLAGS } from '../../common/serverLaunch';
import { DIAGNOSTICS_UNCHANGED } from '../../server/src/diagnosticPublication';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const SERVER_JS = path.join(REPO_ROOT, 'dist/server.js');

type Json = Record<string, unknown>;

export class LspTestClient {
  readonly process: ChildProcessWithoutNullStreams;
  /** Everything the server wrote to stdout and stderr, for leak scans. */
  rawOutput = '';
  stderr = '';
  /** What came from the server and is not yet dispatched, beginning with a message's header; `needed`: the bytes that message takes, once its header is read. */
  private chunks: Buffer[] = [];
  private receivedBytes = 0;
  private needed = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly notifications: Json[] = [];
  /** Every notification received, in order, including those `waitFor` consumed. */
  readonly received: Json[] = [];
  /** Every request the server sent, as method and params, in order. */
  readonly serverRequests: { method: string; params: unknown }[] = [];
  private readonly requestWaiters: { method: string; count: number; resolve: () => void }[] = [];
  private readonly waiters: { match: (n: Json) => boolean; resolve: (n: Json) => void }[] = [];
  /**
   * Requests the server sent to us, answered by `onServerRequest`. A promise is answered when
   * it settles: one that never does plays a client that never replies.
   */
  onServerRequest: (method: string, params: unknown) => unknown = (method) => (method === 'workspace/configuration' ? [{}] : null);
  /** Called with every notification as it arrives (before any wait sees it). */
  onNotification: (notification: Json) => void = () => undefined;
  private readonly keepHistory: boolean;
  private readonly unchangedNotices: boolean;
  /** The diagnostics last published per document: what a DIAGNOSTICS_UNCHANGED notice repeats. */
  private readonly lastDiagnostics = new Map<string, Json[]>();

  /**
   * `env` is added to this process's environment for the server (e.g. a small timeout).
   * `history: false` plays an editor rather than a test recorder (the benchmark): no copy of
   * the raw output, no `received` list, and of a document's diagnostics only the latest
   * notification waits for a reader. Over a benchmark session the copies grew the client to
   * hundreds of MB, and its own garbage collection was timed as the server's latency.
   * `unchangedNotices` (the default) asks the server to say when it did not send a version's
   * diagnostics because they are those it sent last (server/src/diagnosticPublication.ts); the
   * waits then see the notice as those diagnostics published again for that version, while
   * `received` keeps what the server really sent.
   */
  constructor(args: string[] = ['--stdio'], env: Record<string, string> = {}, { history = true, unchangedNotices = true }: { history?: boolean; unchangedNotices?: boolean } = {}) {
    this.keepHistory = history;
    this.unchangedNotices = unchangedNotices;
    this.process = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_JS, ...args], { stdio: 'pipe', env: { ...process.env, ...env } });
    // Writing to a server that has exited (tests of how it ends) must not crash the test.
    this.process.stdin.on('error', () => undefined);
    this.process.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.process.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      if (this.keepHistory) this.rawOutput += chunk.toString();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.keepHistory) this.rawOutput += chunk.toString();
    this.chunks.push(chunk);
    this.receivedBytes += chunk.length;
    // A large message (a 5k-line file's diagnostics are 590 KB) comes in many chunks: they are
    // joined once it is all there, as vscode-jsonrpc's reader does, not again on every chunk.
    if (this.receivedBytes < this.needed) return;
    let buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.receivedBytes);
    this.needed = 0;
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) break;
      const header = buffer.subarray(0, headerEnd).toString();
      const match = /Content-Length: (\d+)/i.exec(header);
      if (!match) throw new Error(`bad header from server: ${header}`);
      const end = headerEnd + 4 + Number(match[1]);
      if (buffer.length < end) {
        this.needed = end;
        break;
      }
      const body = buffer.subarray(headerEnd + 4, end).toString('utf8');
      buffer = buffer.subarray(end);
      this.dispatch(JSON.parse(body) as Json);
    }
    this.chunks = buffer.length > 0 ? [buffer] : [];
    this.receivedBytes = buffer.length;
  }

  private dispatch(message: Json): void {
    if ('id' in message && ('result' in message || 'error' in message) && !('method' in message)) {
      const waiter = this.pending.get(message.id as number);
      this.pending.delete(message.id as number);
      if (!waiter) return;
      if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
      else waiter.resolve(message.result);
      return;
    }
    if ('id' in message && 'method' in message) {
      this.serverRequests.push({ method: message.method as string, params: message.params });
      for (const waiter of [...this.requestWaiters]) {
        if (this.serverRequestCount(waiter.method) < waiter.count) continue;
        this.requestWaiters.splice(this.requestWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      void Promise.resolve(this.onServerRequest(message.method as string, message.params)).then((result) => {
        if (this.process.exitCode === null && this.process.stdin.writable) this.write({ jsonrpc: '2.0', id: message.id, result });
      });
      return;
    }
    this.onNotification(message);
    if (this.keepHistory) this.received.push(message);
    const delivered = message.method === DIAGNOSTICS_UNCHANGED ? this.republished(message.params as { uri: string; version: number }) : message;
    if (delivered.method === 'textDocument/publishDiagnostics') {
      const { uri, diagnostics } = delivered.params as { uri: string; diagnostics: Json[] };
      this.lastDiagnostics.set(uri, diagnostics);
      if (!this.keepHistory) {
        const older = this.notifications.findIndex((n) => n.method === delivered.method && (n.params as { uri?: string } | undefined)?.uri === uri);
        if (older >= 0) this.notifications.splice(older, 1);
      }
    }
    this.notifications.push(delivered);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(delivered)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(delivered);
      }
    }
  }

  /** A DIAGNOSTICS_UNCHANGED notice as the publication it stands for (marked `unchanged`). */
  private republished({ uri, version }: { uri: string; version: number }): Json {
    return { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version, diagnostics: this.lastDiagnostics.get(uri) ?? [] }, unchanged: true };
  }

  private write(message: Json): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.process.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.process.stdin.write(body);
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the first notification (already received or future) that matches. */
  waitFor(match: (n: Json) => boolean, timeoutMs = 20000): Promise<Json> {
    const seen = this.notifications.find(match);
    if (seen) {
      this.notifications.splice(this.notifications.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a notification; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ match, resolve: (n) => { clearTimeout(timer); resolve(n); } });
    });
  }

  serverRequestCount(method: string): number {
    return this.serverRequests.filter((r) => r.method === method).length;
  }

  /** Resolves once the server has sent `count` requests of `method` in all (requests are answered by onServerRequest). */
  waitForServerRequest(method: string, count: number, timeoutMs = 20000): Promise<void> {
    if (this.serverRequestCount(method) >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a ${method} request; stderr: ${this.stderr}`)), timeoutMs);
      this.requestWaiters.push({ method, count, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  /** Diagnostics published for `uri` at document `version` (when given) that satisfy `predicate`. */
  waitForDiagnostics(uri: string, version?: number, predicate: (diagnostics: Json[]) => boolean = () => true, timeoutMs?: number): Promise<Json[]> {
    return this.waitFor((n) => {
      if (n.method !== 'textDocument/publishDiagnostics') return false;
      const params = n.params as { uri: string; version?: number; diagnostics: Json[] };
      return params.uri === uri && (version === undefined || params.version === version) && predicate(params.diagnostics);
    }, timeoutMs).then((n) => (n.params as { diagnostics: Json[] }).diagnostics);
  }

  /** Opens a document (version 1) and waits for its first diagnostics. */
  openDocument(uri: string, text: string): Promise<Json[]> {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text } });
    return this.waitForDiagnostics(uri, 1);
  }

  /** `capabilities` adds to (per section: replaces keys of) the default client capabilities. */
  async initialize(rootPath: string, initializationOptions: unknown = {}, capabilities: { workspace?: Json; textDocument?: Json } = {}): Promise<Json> {
    const rootUri = 'file://' + rootPath;
    const result = await this.request<Json>('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'root' }],
      capabilities: {
        workspace: { configuration: true, ...capabilities.workspace },
        textDocument: { hover: { contentFormat: ['markdown'] }, ...capabilities.textDocument },
        ...(this.unchangedNotices ? { experimental: { nginxMtls: { diagnosticsUnchanged: true } } } : {}),
      },
      initializationOptions,
    });
    this.notify('initialized', {});
    return result;
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 3000))]);
      this.notify('exit', null);
    } finally {
      await new Promise<void>((resolve) => {
        if (this.process.exitCode !== null) return resolve();
        const timer = setTimeout(() => { this.process.kill('SIGKILL'); resolve(); }, 3000);
        this.process.once('exit', () => { clearTimeout(timer); resolve(); });
      });
    }
  }
}

export interface LspTextEdit { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }

/** Applies LSP text edits (line/character positions, '\n' line breaks) to a text. */
export function applyLspEdits(text: string, edits: readonly LspTextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

/** Writes `text` as `dir`/nginx.conf, starts a server on `dir` and opens the file in it. */
export async function startWithConfig(dir: string, text: string): Promise<{ client: LspTestClient; uri: string }> {
  writeFileSync(path.join(dir, 'nginx.conf'), text);
  const uri = 'file://' + path.join(dir, 'nginx.conf');
  const client = new LspTestClient();
  await client.initialize(dir);
  await client.openDocument(uri, text);
  return { client, uri };
}
