/**
 * Server log lines over stdio: the level is the message's LSP type, never repeated in its
 * text (VS Code's log channel adds its own "[info]"), and the per-validation lines are
 * debug-level, so a client at its default level shows none of them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

/** LSP MessageType values (3.18 adds Debug = 5). */
const MessageType = { Error: 1, Warning: 2, Info: 3, Log: 4, Debug: 5 } as const;

describe('language server: log levels', () => {
  let dir: string;
  let client: LspTestClient;
  let logs: { type: number; message: string }[];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-mtls-log-'));
    const text = 'events {}\nhttp {\n  server {\n    listen 80;\n  }\n}\n';
    writeFileSync(path.join(dir, 'nginx.conf'), text);
    client = new LspTestClient();
    await client.initialize(dir);
    await client.openDocument('file://' + path.join(dir, 'nginx.conf'), text);
    // The "validated" line follows the diagnostics it reports on.
    await client.waitFor((n) => n.method === 'window/logMessage' && /validated/.test((n.params as { message: string }).message));
    logs = client.received.filter((n) => n.method === 'window/logMessage').map((n) => n.params as { type: number; message: string });
  });

  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the per-validation lines as Debug messages only', () => {
    const perValidation = logs.filter((l) => /\bvalidat(ing|ed)\b/.test(l.message));
    assert.ok(perValidation.length >= 2, JSON.stringify(logs));
    for (const line of perValidation) assert.equal(line.type, MessageType.Debug, JSON.stringify(line));
  });

  it('does not write the level into the text', () => {
    for (const line of logs) assert.doesNotMatch(line.message, /^\[(error|warn|info|debug|log|trace)\]/i, JSON.stringify(line));
  });

  it('says it is ready at Info level, once', () => {
    const ready = logs.filter((l) => /language server ready/.test(l.message));
    assert.deepEqual(ready.map((l) => l.type), [MessageType.Info]);
  });
});
