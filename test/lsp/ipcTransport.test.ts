/**
 * Over node IPC (how VS Code starts the server) the diagnostics, which the server holds
 * pre-encoded, reach the client as the same objects as over stdio: node's channel encodes them
 * itself, and gets the decoded value from them (service/preEncodedJson.ts). Pushed and pulled.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient, SERVER_JS } from './lspClient';

type Json = Record<string, unknown>;

/** Just enough of a client over node IPC: requests, and notifications waited for by method. */
class IpcClient {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (message: Json) => void>();
  private readonly notifications: Json[] = [];
  private readonly waiters: { method: string; resolve: (message: Json) => void }[] = [];

  constructor() {
    this.child = fork(SERVER_JS, ['--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
    this.child.on('message', (message: Json) => {
      if ('id' in message && !('method' in message)) {
        this.pending.get(message.id as number)?.(message);
        this.pending.delete(message.id as number);
      } else if ('id' in message) {
        this.child.send({ jsonrpc: '2.0', id: message.id, result: null });
      } else {
        const waiter = this.waiters.find((w) => w.method === message.method);
        if (waiter) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        } else {
          this.notifications.push(message);
        }
      }
    });
  }

  request(method: string, params: unknown): Promise<Json> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.child.send({ jsonrpc: '2.0', method, params });
  }

  next(method: string): Promise<Json> {
    const seen = this.notifications.find((n) => n.method === method);
    if (seen) {
      this.notifications.splice(this.notifications.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.waiters.push({ method, resolve }));
  }

  async stop(): Promise<void> {
    await this.request('shutdown', null);
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.notify('exit', null);
    await exited;
  }
}

const TEXT = [
  'server {',
  '    listen 443 ssl;',
  '    ssl_certificate /nonexistent/çertificat-été.pem;',
  '    ssl_certificate_key /nonexistent/clé.key;',
  '    location / {',
  '        proxy_pass https://backend;',
  '        proxy_ssl_verfy on;',
  '    }',
  '',
].join('\n');

describe('language server over node IPC', () => {
  let dir: string;
  let file: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-ipc-'));
    file = path.join(dir, 'site.conf');
    writeFileSync(file, TEXT);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The diagnostics of the file over stdio: pushed, or pulled when `pull`. */
  async function overStdio(pull: boolean): Promise<unknown> {
    const client = new LspTestClient();
    try {
      await client.initialize(dir, {}, pull ? { textDocument: { diagnostic: {} } } : {});
      const uri = `file://${file}`;
      if (!pull) return await client.openDocument(uri, TEXT);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: TEXT } });
      return ((await client.request('textDocument/diagnostic', { textDocument: { uri } })) as { items: unknown }).items;
    } finally {
      await client.shutdown();
    }
  }

  async function overIpc(pull: boolean): Promise<unknown> {
    const client = new IpcClient();
    try {
      const rootUri = `file://${dir}`;
      await client.request('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'root' }], capabilities: pull ? { textDocument: { diagnostic: {} } } : {} });
      client.notify('initialized', {});
      const uri = `file://${file}`;
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: TEXT } });
      if (!pull) return ((await client.next('textDocument/publishDiagnostics')).params as { diagnostics: unknown }).diagnostics;
      return ((await client.request('textDocument/diagnostic', { textDocument: { uri } })).result as { items: unknown }).items;
    } finally {
      await client.stop();
    }
  }

  for (const pull of [false, true]) {
    it(`${pull ? 'answers pulls' : 'pushes diagnostics'} with the same diagnostics as over stdio`, async () => {
      const viaIpc = await overIpc(pull);
      const viaStdio = await overStdio(pull);
      assert.ok(Array.isArray(viaIpc) && viaIpc.length >= 3, JSON.stringify(viaIpc));
      assert.ok(JSON.stringify(viaIpc).includes('çertificat-été'), 'non-ASCII text came through');
      assert.deepEqual(viaIpc, viaStdio);
    });
  }
});
