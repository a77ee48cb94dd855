/**
 * A file's diagnostics as they travel from the check to the protocol output: encoded once as
 * JSON where they are made (the validation worker), with their count for the server's log.
 * The server's thread never decodes them: the stdio writer copies the text into its output
 * and the pull-result ids compare it (see service/preEncodedJson.ts).
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { PreEncodedJson } from './preEncodedJson';

export interface EncodedDiagnostics {
  readonly count: number;
  /** The JSON array of the diagnostics: equal text, equal diagnostics. */
  readonly json: string;
}

export function encodeDiagnostics(diagnostics: readonly Diagnostic[]): EncodedDiagnostics {
  return { count: diagnostics.length, json: JSON.stringify(diagnostics) };
}

/**
 * The diagnostics for a protocol message, without decoding them: a value that serialises as
 * the encoded array (typed as the array it stands for, which is all the message's type sees).
 */
export function diagnosticsForMessage(encoded: EncodedDiagnostics): Diagnostic[] {
  return new PreEncodedJson(encoded.json) as unknown as Diagnostic[];
}

/** The diagnostics as objects, for code that looks into them (tests). */
export function decodeDiagnostics(encoded: EncodedDiagnostics): Diagnostic[] {
  return JSON.parse(encoded.json) as Diagnostic[];
}
