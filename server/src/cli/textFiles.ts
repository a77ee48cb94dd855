/**
 * Telling text from binary before anything is parsed: `nginx-mtls check $(git ls-files)`
 * or a folder with an image in sites-available/ must not turn a PNG into hundreds of
 * "unknown directive" errors with raw bytes in them.
 */
import * as nodeFs from 'node:fs';

/** How much of a file is looked at; enough to see a binary header, little enough to stay cheap. */
const SAMPLE_BYTES = 8192;

/** Share of undecodable or control characters above which a sample is not text. */
const MAX_NON_TEXT_SHARE = 0.1;

/** Control characters that plain text files do contain. */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/** A byte (read as Latin-1) other than printable ASCII or one of TEXT_CONTROLS. */
const NOT_PLAIN_ASCII = /[^\t\n\v\f\r\x20-\x7e]/;

/**
 * True when the bytes do not look like a text file: any NUL byte, or more than a tenth of
 * the characters being invalid UTF-8 or control characters. A config with a few Latin-1
 * letters in a comment stays text.
 */
export function looksBinary(sample: Uint8Array): boolean {
  if (sample.length === 0) return false;
  if (sample.includes(0)) return true;
  // Printable ASCII with the usual controls, as nearly every configuration is, is text: found
  // by one regular expression over the bytes instead of a loop over each character, which ran
  // unoptimised over the 201 files of the benchmark's tree (20 ms of a cold check, issue #15).
  if (!NOT_PLAIN_ASCII.test(Buffer.from(sample.buffer, sample.byteOffset, sample.length).toString('latin1'))) return false;
  // A multi-byte character cut by the end of the sample is not an encoding error.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(sample, { stream: true });
  // Counted by code point, a surrogate pair as one character, with char codes rather than a
  // string iterator: until the loop was optimised, the iterator made a result object per
  // character, up to 60 MB of garbage for the 201 files of the benchmark's tree (issue #15).
  let nonText = 0;
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    total++;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) { i++; continue; }
    }
    if (code === 0xfffd || (code < 0x20 && !TEXT_CONTROLS.has(code)) || code === 0x7f) nonText++;
  }
  return total > 0 && nonText / total > MAX_NON_TEXT_SHARE;
}

/** Reads the start of a file and judges it; a file that cannot be read is left to the checker. */
export function isBinaryFile(filePath: string): boolean {
  let fd: number | undefined;
  try {
    fd = nodeFs.openSync(filePath, 'r');
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const read = nodeFs.readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
    return looksBinary(buffer.subarray(0, read));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) nodeFs.closeSync(fd);
  }
}

/**
 * One line of output safe to print on a terminal: control characters other than tab become
 * visible escapes such as \x1b. An escape sequence in a file name or in quoted config text
 * could otherwise recolour, move the cursor or retitle the window, and a newline or carriage
 * return could forge or overwrite a line of the report.
 */
export function forTerminal(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
