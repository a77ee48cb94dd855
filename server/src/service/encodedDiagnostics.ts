/**
 * A file's diagnostics as they travel from the check to the protocol output: encoded once as
 * UTF-8 JSON where they are made (the validation worker), with their count for the server's
 * log. The bytes are handed to the server's thread without a copy (moved, see
 * node/validationWorker.ts), and that thread never decodes them: the stdio writer copies them
 * into its output and the pull-result ids compare them (see service/preEncodedJson.ts).
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { parseUtf8Json, PreEncodedJson } from './preEncodedJson';

export interface EncodedDiagnostics {
  readonly count: number;
  /**
   * The JSON array of the diagnostics in UTF-8 (equal bytes, equal diagnostics), in an
   * ArrayBuffer of its own: nothing else lives in it, so it can be moved between threads.
   */
  readonly utf8: Uint8Array;
}

export function encodeDiagnostics(diagnostics: readonly Diagnostic[]): EncodedDiagnostics {
  return { count: diagnostics.length, utf8: ownUtf8(JSON.stringify(diagnostics)) };
}

/**
 * The UTF-8 bytes of `text` in an ArrayBuffer of their own (Buffer.from may hand out a slice
 * of a shared pool, which must never be moved to another thread). TextEncoder gives a fresh
 * buffer of the exact size, faster than sizing one first and writing into it.
 */
export function ownUtf8(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

const encoder = new TextEncoder();

/** Whether two encodings hold the same diagnostics (the same bytes). */
export function sameDiagnostics(a: EncodedDiagnostics, b: EncodedDiagnostics): boolean {
  return a.count === b.count && Buffer.from(a.utf8.buffer, a.utf8.byteOffset, a.utf8.byteLength).equals(b.utf8);
}

/**
 * The diagnostics for a protocol message, without decoding them: a value that serialises as
 * the encoded array (typed as the array it stands for, which is all the message's type sees).
 */
export function diagnosticsForMessage(encoded: EncodedDiagnostics): Diagnostic[] {
  return new PreEncodedJson(encoded.utf8) as unknown as Diagnostic[];
}

/** The diagnostics as objects, for code that looks into them (tests). */
export function decodeDiagnostics(encoded: EncodedDiagnostics): Diagnostic[] {
  return parseUtf8Json(encoded.utf8) as Diagnostic[];
}
