/**
 * JSON encoded once, where it is made, and carried as UTF-8 bytes to the protocol output: a
 * file's diagnostics are encoded in the validation worker and cross to the server's thread as
 * one buffer, moved without a copy, instead of hundreds of objects (a structured clone, then
 * JSON.stringify again on the server's thread). Issue #15: on a 5k-line file that is ~600 KB
 * per keystroke.
 *
 * A PreEncodedJson stands anywhere in a message for the value its bytes encode.
 * `encodeJsonParts` (the stdio writer's encoder) splices the bytes in as they are; anything else
 * that serialises the message (node's IPC channel, vscode-jsonrpc's trace) gets the decoded
 * value from toJSON, so the result is the same JSON either way, only slower.
 */
import { randomUUID } from 'node:crypto';

/**
 * What toJSON returns while `encodeJsonParts` runs: a string no text from a configuration can
 * hold, since it carries a random id made when the process started.
 */
const PLACEHOLDER = `\u0000nginx-mtls-pre-encoded-${randomUUID()}:`;

/** The encoded values met during the current `encodeJsonParts`, in the order JSON.stringify met them. */
let collecting: Uint8Array[] | undefined;

export class PreEncodedJson {
  /** `utf8` must be JSON in UTF-8 (JSON.stringify's output, encoded). */
  constructor(readonly utf8: Uint8Array) {}

  toJSON(): unknown {
    if (!collecting) return parseUtf8Json(this.utf8);
    collecting.push(this.utf8);
    return `${PLACEHOLDER}${collecting.length - 1}`;
  }
}

/** The value that JSON in UTF-8 encodes. */
export function parseUtf8Json(utf8: Uint8Array): unknown {
  return JSON.parse(Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength).toString('utf8'));
}

/**
 * The JSON of `value`, in parts to write one after the other: JSON.stringify's output (text)
 * with each PreEncodedJson's bytes in the place of its value. One part when there is none.
 */
export function encodeJsonParts(value: unknown): (string | Uint8Array)[] {
  const outer = collecting;
  const texts: Uint8Array[] = [];
  collecting = texts;
  let json: string;
  try {
    json = JSON.stringify(value);
  } finally {
    collecting = outer;
  }
  if (texts.length === 0) return [json];
  const parts: (string | Uint8Array)[] = [];
  let from = 0;
  texts.forEach((text, index) => {
    // JSON.stringify escapes the placeholder the same way here as it did inside the message.
    const placeholder = JSON.stringify(`${PLACEHOLDER}${index}`);
    const at = json.indexOf(placeholder, from);
    if (at < 0) throw new Error('a pre-encoded JSON value was lost while encoding a message');
    parts.push(json.slice(from, at), text);
    from = at + placeholder.length;
  });
  parts.push(json.slice(from));
  return parts;
}
