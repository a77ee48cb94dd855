/**
 * "Convert to PEM": writes a PEM copy of a DER certificate or key beside the original and
 * says how to point the directive at it. Runs only on an explicit user action. It never
 * overwrites a file (a free name is chosen), writes through a temporary file and a hard
 * link (atomic, fails if the name appeared meanwhile), and gives keys mode 0600.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export interface ConversionResult {
  /** Absolute path of the PEM file written. */
  written: string;
  kind: 'certificate' | 'private key';
}

const MAX_INPUT = 1024 * 1024;

/** A name beside `source` that does not exist yet: name.pem, name-2.pem, … */
async function freeName(source: string): Promise<string> {
  const dir = path.dirname(source);
  const base = path.basename(source).replace(/\.(der|crt|cer|key|pem)$/i, '');
  for (let i = 1; i < 1000; i++) {
    const candidate = path.join(dir, `${base}${i === 1 ? '' : `-${i}`}.pem`);
    try {
      await fsp.lstat(candidate);
    } catch {
      return candidate;
    }
  }
  throw new Error(`no free file name for a PEM copy of ${source}`);
}

/** Writes `data` to `target` atomically and only if `target` does not exist. */
export async function writeNewFileAtomically(target: string, data: string, mode: number): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fsp.open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    // A half-written temporary (possibly key material) must not stay behind.
    await handle.close().catch(() => undefined);
    await fsp.unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await fsp.link(temp, target);
  } finally {
    await fsp.unlink(temp).catch(() => undefined);
  }
}

export async function convertToPem(source: string): Promise<ConversionResult> {
  const st = await fsp.stat(source);
  if (!st.isFile()) throw new Error(`${source} is not a regular file`);
  if (st.size > MAX_INPUT) throw new Error(`${source} is larger than 1 MiB; not converted`);
  const der = await fsp.readFile(source);
  let pem: string;
  let kind: ConversionResult['kind'];
  try {
    pem = new X509Certificate(der).toString();
    kind = 'certificate';
  } catch {
    try {
      pem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch {
      try {
        pem = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }).export({ type: 'pkcs8', format: 'pem' }).toString();
      } catch {
        try {
          pem = createPrivateKey({ key: der, format: 'der', type: 'sec1' }).export({ type: 'pkcs8', format: 'pem' }).toString();
        } catch {
          throw new Error(`${source} is neither a DER certificate nor a DER private key`);
        }
      }
    }
    kind = 'private key';
  }
  const target = await freeName(source);
  await writeNewFileAtomically(target, pem, kind === 'private key' ? 0o600 : 0o644);
  return { written: target, kind };
}

/** The directive argument after conversion: the same directory as written, the new file name. */
export function rewrittenArgument(written: string, newAbsolutePath: string): string {
  const slash = written.lastIndexOf('/');
  return (slash >= 0 ? written.slice(0, slash + 1) : '') + path.basename(newAbsolutePath);
}
