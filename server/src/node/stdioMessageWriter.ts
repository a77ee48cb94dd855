/**
 * The stdio message writer: frames each JSON-RPC message (Content-Length header, then the
 * JSON body) into one buffer that is kept and reused, and writes it to the stream in one
 * write. Values pre-encoded elsewhere (a file's diagnostics, encoded in the validation worker)
 * are copied in as text, never decoded and encoded again (see service/preEncodedJson.ts).
 *
 * Why not vscode-jsonrpc's StreamMessageWriter: it encodes with JSON.stringify and then
 * Buffer.from, a fresh buffer per message; for a 600 KB diagnostics message the allocation and
 * first touch of that buffer cost more than writing it (issue #15). Messages go out one at a
 * time, each after the stream has taken the previous one (its write callback), so the kept
 * buffer is never refilled while the stream may still read it.
 */
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';
import { encodeJsonParts } from '../service/preEncodedJson';

/** A message bigger than this gets a buffer of its own, dropped after the write, so that one huge answer does not stay in memory. */
const KEPT_BUFFER_MAX_BYTES = 4 * 1024 * 1024;
const KEPT_BUFFER_MIN_BYTES = 64 * 1024;

/** The stream side of the writer: what process.stdout (or a test's stream) offers. */
export interface WritableByteStream {
  write(data: Uint8Array, callback: (error?: Error | null) => void): boolean;
  end(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export class StdioMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private kept: Buffer | undefined;
  /** Settles when the last message handed to the stream was taken (written or failed). */
  private previous: Promise<void> = Promise.resolve();
  private errorCount = 0;

  constructor(private readonly stream: WritableByteStream) {
    super();
    stream.on('error', (error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const written = this.previous.then(() => this.writeNow(message));
    this.previous = written.catch(() => undefined);
    return written;
  }

  end(): void {
    this.stream.end();
  }

  private writeNow(message: Message): Promise<void> {
    let frame: Buffer;
    try {
      frame = this.frame(encodeJsonParts(message));
    } catch (error) {
      this.fireError(error, message);
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.stream.write(frame, (error) => {
        if (!error) {
          resolve();
          return;
        }
        this.errorCount++;
        this.fireError(error, message, this.errorCount);
        reject(error);
      });
    });
  }

  /** The header and the body's UTF-8 bytes (text parts encoded, byte parts copied), in the kept buffer when they fit. */
  private frame(body: (string | Uint8Array)[]): Buffer {
    let bodyBytes = 0;
    for (const part of body) bodyBytes += typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.byteLength;
    const header = `Content-Length: ${bodyBytes}\r\n\r\n`;
    const total = header.length + bodyBytes;
    const buffer = this.bufferFor(total);
    let at = buffer.write(header, 0, 'ascii');
    for (const part of body) {
      if (typeof part === 'string') {
        at += buffer.write(part, at, 'utf8');
      } else {
        buffer.set(part, at);
        at += part.byteLength;
      }
    }
    return buffer.subarray(0, total);
  }

  private bufferFor(bytes: number): Buffer {
    if (this.kept && this.kept.length >= bytes) return this.kept;
    if (bytes > KEPT_BUFFER_MAX_BYTES) return Buffer.allocUnsafe(bytes);
    let size = KEPT_BUFFER_MIN_BYTES;
    while (size < bytes) size *= 2;
    this.kept = Buffer.allocUnsafe(size);
    return this.kept;
  }
}
