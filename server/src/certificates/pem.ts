/** Robust PEM block splitting (RFC 7468 plus the legacy RFC 1421 headers OpenSSL still writes). */

export interface PemBlock {
  label: string;
  /** RFC 1421 headers such as Proc-Type / DEK-Info (legacy encrypted keys). */
  headers: Record<string, string>;
  /** Base64 body with all whitespace removed. */
  body: string;
  /** Offset of the BEGIN line in the (LF-normalised) text. */
  offset: number;
}

export interface PemSplitResult {
  blocks: PemBlock[];
  /** Problems found while splitting (missing END lines, bad base64…). */
  errors: string[];
  /** True when more blocks existed than `maxBlocks`. */
  truncated: boolean;
  /** Total number of BEGIN lines seen (including skipped ones). */
  totalBlocks: number;
}

const MARKER = /-----(BEGIN|END) ([A-Z0-9][A-Z0-9 #._/-]*?)-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Quick check, cheap on large inputs. */
export function containsPem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/**
 * Splits PEM text into blocks. Accepts CRLF/CR line endings, text before/between/after
 * blocks, indentation, and `Key: value` headers. Never throws.
 */
export function splitPem(input: string, maxBlocks = 100_000): PemSplitResult {
  const text = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  const blocks: PemBlock[] = [];
  const errors: string[] = [];
  let truncated = false;
  let totalBlocks = 0;
  MARKER.lastIndex = 0;
  let open: { label: string; offset: number; bodyStart: number } | undefined;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    const kind = m[1];
    const label = m[2];
    if (kind === 'BEGIN') {
      if (open) errors.push(`PEM block "${open.label}" has no END line before the next BEGIN`);
      totalBlocks++;
      open = { label, offset: m.index, bodyStart: m.index + m[0].length };
      continue;
    }
    // END
    if (!open) {
      errors.push(`stray "-----END ${label}-----" line without a BEGIN`);
      continue;
    }
    if (label !== open.label) {
      errors.push(`PEM block "${open.label}" ends with a mismatched "END ${label}" line`);
      open = undefined;
      continue;
    }
    if (blocks.length >= maxBlocks) {
      truncated = true;
      open = undefined;
      continue;
    }
    const content = text.slice(open.bodyStart, m.index);
    const parsed = parseContent(content);
    if (parsed.error) {
      errors.push(`PEM block ${blocks.length + 1} ("${label}"): ${parsed.error}`);
    } else {
      blocks.push({ label, headers: parsed.headers, body: parsed.body, offset: open.offset });
    }
    open = undefined;
  }
  if (open) errors.push(`PEM block "${open.label}" has no END line`);
  return { blocks, errors, truncated, totalBlocks };
}

function parseContent(content: string): { headers: Record<string, string>; body: string; error?: string } {
  const headers: Record<string, string> = {};
  let rest = content;
  if (content.includes(':')) {
    const lines = content.split('\n');
    let i = 0;
    while (i < lines.length && lines[i].trim() === '') i++;
    let sawHeader = false;
    let lastKey: string | undefined;
    for (; i < lines.length; i++) {
      const line = lines[i];
      const h = /^\s*([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
      if (h) {
        headers[h[1]] = h[2].trim();
        lastKey = h[1];
        sawHeader = true;
      } else if (sawHeader && lastKey && /^[ \t]/.test(line) && line.trim() !== '') {
        headers[lastKey] += line.trim(); // continuation line
      } else {
        break;
      }
    }
    if (sawHeader) rest = lines.slice(i).join('\n');
  }
  const body = rest.replace(/\s+/g, '');
  if (body.length === 0) return { headers, body, error: 'empty body' };
  if (!BASE64.test(body)) return { headers, body: '', error: 'body is not valid base64' };
  return { headers, body };
}

/** Canonical PEM text for a block (64-column body, LF endings, headers kept). */
export function blockToPem(block: PemBlock, label = block.label): string {
  const lines: string[] = [`-----BEGIN ${label}-----`];
  const headerKeys = Object.keys(block.headers);
  for (const k of headerKeys) lines.push(`${k}: ${block.headers[k]}`);
  if (headerKeys.length) lines.push('');
  for (let i = 0; i < block.body.length; i += 64) lines.push(block.body.slice(i, i + 64));
  lines.push(`-----END ${label}-----`, '');
  return lines.join('\n');
}

export function blockDer(block: PemBlock): Buffer {
  return Buffer.from(block.body, 'base64');
}
