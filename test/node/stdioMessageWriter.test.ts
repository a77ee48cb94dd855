/**
 * The stdio writer with pre-encoded diagnostics puts on the wire what vscode-jsonrpc's
 * StreamMessageWriter puts there for the same message built from objects: same framing, same
 * bytes, for the rule fixtures' diagnostics, non-ASCII text and messages bigger than the
 * buffer it keeps. And a buffer it reuses is never refilled while the stream still holds it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { StreamMessageWriter, type Message } from 'vscode-languageserver/node';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { StdioMessageWriter, type WritableByteStream } from '../../server/src/node/stdioMessageWriter';
import { diagnosticsForMessage, encodeDiagnostics, ownUtf8, sameDiagnostics } from '../../server/src/service/encodedDiagnostics';
import { NginxLanguageService } from '../../server/src/service/languageService';
import { encodeJsonParts, PreEncodedJson } from '../../server/src/service/preEncodedJson';
import { FIXTURES } from '../analysis/rules/mtlsRuleHelpers';

/** A stream that takes each chunk late (as a full pipe does) and only then reads it. */
class SlowStream implements WritableByteStream {
  readonly taken: Buffer[] = [];
  write(data: Uint8Array, callback: (error?: Error | null) => void): boolean {
    setImmediate(() => setImmediate(() => {
      this.taken.push(Buffer.from(data));
      callback();
    }));
    return false;
  }
  end(): void {}
  on(): this {
    return this;
  }
}

/** What `write` puts out for each message, waiting for none of them in between. */
async function writtenByUs(messages: Message[]): Promise<Buffer> {
  const stream = new SlowStream();
  const writer = new StdioMessageWriter(stream);
  await Promise.all(messages.map((m) => writer.write(m)));
  return Buffer.concat(stream.taken);
}

/** What vscode-jsonrpc's own stdio writer puts out for the same messages. */
async function writtenByJsonRpc(messages: Message[]): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const writer = new StreamMessageWriter(stream);
  for (const m of messages) await writer.write(m);
  return Buffer.concat(chunks);
}

function publish(uri: string, diagnostics: Diagnostic[]): Message {
  return { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version: 3, diagnostics } } as Message;
}

function pullAnswer(id: number, diagnostics: Diagnostic[]): Message {
  return { jsonrpc: '2.0', id, result: { kind: 'full', resultId: '7', items: diagnostics } } as Message;
}

/** The same message with its diagnostics pre-encoded, as the server sends it. */
function preEncoded(message: Message, diagnostics: Diagnostic[]): Message {
  const wire = diagnosticsForMessage(encodeDiagnostics(diagnostics));
  const copy = structuredClone(message) as { params?: { diagnostics: unknown }; result?: { items: unknown } };
  if (copy.params) copy.params.diagnostics = wire;
  if (copy.result) copy.result.items = wire;
  return copy as Message;
}

function diagnostic(message: string, line = 0): Diagnostic {
  return { range: { start: { line, character: 0 }, end: { line, character: 5 } }, severity: DiagnosticSeverity.Error, code: 'tls.file-not-found', source: 'nginx-mtls', message };
}

async function assertSameOnTheWire(plain: Message[], ours: Message[]): Promise<void> {
  const expected = await writtenByJsonRpc(plain);
  const actual = await writtenByUs(ours);
  assert.equal(actual.length, expected.length, 'same byte count');
  assert.ok(actual.equals(expected), 'same bytes');
}

describe('stdio message writer', () => {
  it('writes the rule fixtures\' diagnostics exactly as vscode-jsonrpc does, pushed and pulled', async () => {
    const service = new NginxLanguageService();
    const plain: Message[] = [];
    const ours: Message[] = [];
    let withRelated = 0;
    for (const code of fs.readdirSync(FIXTURES).sort()) {
      for (const name of fs.readdirSync(path.join(FIXTURES, code)).filter((n) => n.endsWith('.conf')).sort()) {
        const file = path.join(FIXTURES, code, name);
        service.openDocument(file, fs.readFileSync(file, 'utf8'));
        const { diagnostics } = await service.validate(file);
        if (diagnostics.some((d) => d.relatedInformation)) withRelated++;
        const message = plain.length % 2 === 0 ? publish(`file://${file}`, diagnostics) : pullAnswer(plain.length, diagnostics);
        plain.push(message);
        ours.push(preEncoded(message, diagnostics));
        service.closeDocument(file);
      }
    }
    assert.ok(plain.length > 100, `the fixtures were read (${plain.length})`);
    assert.ok(withRelated > 0, 'some diagnostics carry related information');
    await assertSameOnTheWire(plain, ours);
  });

  it('writes non-ASCII text (accents, CJK, emoji, a lone surrogate, control characters) as vscode-jsonrpc does', async () => {
    const texts = ['clé privée « absente »', '証明書がありません', 'expired 🔒🔑 today', 'half \ud83d pair', 'tab\tnewline\nquote" backslash\\ nul\u0000'];
    const diagnostics = texts.map((t, i) => diagnostic(t, i));
    const message = publish('file:///etc/nginx/sites-enabled/caf%C3%A9.conf', diagnostics);
    await assertSameOnTheWire([message], [preEncoded(message, diagnostics)]);
  });

  it('writes messages bigger than the buffer it keeps, before and after small ones, without mixing them up', async () => {
    const huge = Array.from({ length: 30_000 }, (_, i) => diagnostic(`certificate ${i} of a long list: ${'é'.repeat(i % 50)}`, i));
    const small = [diagnostic('one')];
    const plain = [publish('file:///a.conf', huge), publish('file:///b.conf', small), pullAnswer(3, huge), publish('file:///c.conf', []), publish('file:///d.conf', huge.slice(0, 2000))];
    const sizes = [huge, small, huge, [], huge.slice(0, 2000)];
    const expected = await writtenByJsonRpc(plain);
    assert.ok(expected.length > 4 * 1024 * 1024, `the big message is over 4 MB (${expected.length} bytes)`);
    await assertSameOnTheWire(plain, plain.map((m, i) => preEncoded(m, sizes[i])));
  });

  it('writes messages without pre-encoded parts (every other message of the server) as vscode-jsonrpc does', async () => {
    const messages = [
      { jsonrpc: '2.0', id: 1, result: { capabilities: { hoverProvider: true } } },
      { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'ready ✓' } },
      { jsonrpc: '2.0', id: 2, error: { code: -32800, message: 'cancelled', data: { retriggerRequest: true } } },
    ] as unknown as Message[];
    await assertSameOnTheWire(messages, messages);
  });
});

/** A pre-encoded value from JSON text. */
function pre(json: string): PreEncodedJson {
  return new PreEncodedJson(ownUtf8(json));
}

/** The parts of an encoding as one text. */
function joined(parts: (string | Uint8Array)[]): string {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))).toString('utf8');
}

describe('pre-encoded JSON', () => {
  it('serialises as the value it encodes anywhere else (node\'s IPC channel, the JSON-RPC trace)', () => {
    const diagnostics = [diagnostic('a'), diagnostic('b « c »', 2)];
    const message = preEncoded(publish('file:///x.conf', diagnostics), diagnostics);
    assert.equal(JSON.stringify(message), JSON.stringify(publish('file:///x.conf', diagnostics)));
  });

  it('splices several values, nested and side by side, in order', () => {
    const value = { a: pre('[1,2]'), b: [pre('"x"'), { c: pre('{"d":null}') }], e: 'f' };
    assert.equal(joined(encodeJsonParts(value)), '{"a":[1,2],"b":["x",{"c":{"d":null}}],"e":"f"}');
    assert.deepEqual(encodeJsonParts({ plain: true }), ['{"plain":true}']);
  });

  it('keeps text that looks like a placeholder but is not one', () => {
    const value = { text: '\u0000nginx-mtls-pre-encoded-0:0', raw: pre('1') };
    assert.equal(joined(encodeJsonParts(value)), JSON.stringify({ text: value.text, raw: 1 }));
  });

  it('keeps encoded diagnostics in an ArrayBuffer of their own, so that the worker can move them', () => {
    for (const text of ['[]', '"short"', JSON.stringify([diagnostic('x'.repeat(20_000))])]) {
      const bytes = ownUtf8(text);
      assert.equal(bytes.byteOffset, 0);
      assert.equal(bytes.byteLength, bytes.buffer.byteLength, `not a slice of a shared pool: ${text.length} chars`);
      assert.equal(Buffer.from(bytes).toString('utf8'), text);
    }
    const a = encodeDiagnostics([diagnostic('a')]);
    assert.ok(sameDiagnostics(a, encodeDiagnostics([diagnostic('a')])));
    assert.ok(!sameDiagnostics(a, encodeDiagnostics([diagnostic('b')])));
  });

  it('carries non-ASCII bytes through unchanged', () => {
    const value = { m: pre('"« ç 🔒 »"'), n: 'ü' };
    assert.equal(joined(encodeJsonParts(value)), '{"m":"« ç 🔒 »","n":"ü"}');
  });
});
