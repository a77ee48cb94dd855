/**
 * Counts the work an operation does, deterministically, so that tests bound work instead of
 * time (a time limit fails on a loaded CI machine; timings belong in `npm run bench`).
 *
 * While `work` runs, a few built-ins are wrapped and every call adds to a counter:
 * - elements: array elements iterated (for…of, spread, Array.from, destructuring), so a list
 *   copied once per statement shows as n² elements;
 * - characters: characters scanned by String indexOf, so a tokenizer that searches the rest
 *   of the text at every token shows as n² characters (slice is not counted: V8 makes a
 *   slice of a long string in constant time, whatever its length);
 * - bytesRead: bytes read from files (fs.readSync and FileHandle.read: the config reader and
 *   the certificate inspector);
 * - certificatesParsed: crypto.X509Certificate objects made;
 * - keyDecryptions: crypto.createPrivateKey calls given a passphrase (each runs the key's KDF).
 *
 * Node's own modules use primordials captured at start-up, so only our code and the
 * libraries we call are counted. The wrappers are removed when `work` settles.
 */
import assert from 'node:assert/strict';
// The modules themselves (not `import * as` copies, whose bindings are read-only getters), so
// that the code under test, which reads them through its own bindings, sees the wrappers.
import crypto = require('node:crypto');
import fs = require('node:fs');

export interface WorkCount {
  elements: number;
  characters: number;
  bytesRead: number;
  certificatesParsed: number;
  keyDecryptions: number;
}

type Patch = () => () => void;

/** Replaces `owner[key]` by `make(original)`; returns the undo. */
function wrap<O extends object, K extends keyof O>(owner: O, key: K, make: (original: O[K]) => O[K]): () => void {
  const original = owner[key];
  owner[key] = make(original);
  return () => { owner[key] = original; };
}

let fileHandlePrototype: { read: (...args: unknown[]) => Promise<{ bytesRead: number }> } | undefined;

/** FileHandle is not exported by node:fs: its prototype is taken from a handle once. */
async function fileHandleReadOwner(): Promise<NonNullable<typeof fileHandlePrototype>> {
  if (!fileHandlePrototype) {
    const handle = await fs.promises.open(__filename, 'r');
    fileHandlePrototype = Object.getPrototypeOf(handle) as NonNullable<typeof fileHandlePrototype>;
    await handle.close();
  }
  return fileHandlePrototype;
}

export async function countWork<T>(work: () => Promise<T>): Promise<{ result: T; work: WorkCount }> {
  const count: WorkCount = { elements: 0, characters: 0, bytesRead: 0, certificatesParsed: 0, keyDecryptions: 0 };
  const handles = await fileHandleReadOwner();
  const patches: Patch[] = [
    () => wrap(Array.prototype, Symbol.iterator, (iterate) => function counted(this: unknown[]) {
      count.elements += this.length;
      return iterate.call(this);
    }),
    () => wrap(String.prototype, 'indexOf', (indexOf) => function counted(this: string, search: string, from?: number) {
      const start = Math.max(0, Math.min(this.length, from ?? 0));
      const found = indexOf.call(this, search, from);
      count.characters += (found < 0 ? this.length : found + 1) - start;
      return found;
    }),
    () => wrap(fs, 'readSync', (readSync) => ((...args: Parameters<typeof fs.readSync>) => {
      const got = (readSync as (...a: unknown[]) => number)(...args);
      count.bytesRead += got;
      return got;
    }) as typeof fs.readSync),
    () => wrap(handles, 'read', (read) => async function counted(this: unknown, ...args: unknown[]) {
      const result = await read.apply(this, args);
      count.bytesRead += result.bytesRead;
      return result;
    }),
    () => wrap(crypto, 'X509Certificate', (X509) => class CountedX509Certificate extends X509 {
      constructor(...args: ConstructorParameters<typeof X509>) {
        super(...args);
        count.certificatesParsed++;
      }
    }),
    () => wrap(crypto, 'createPrivateKey', (createPrivateKey) => ((key: Parameters<typeof crypto.createPrivateKey>[0]) => {
      if (typeof key === 'object' && key !== null && 'passphrase' in key && key.passphrase !== undefined) count.keyDecryptions++;
      return createPrivateKey(key);
    }) as typeof crypto.createPrivateKey),
  ];
  const undo = patches.map((patch) => patch());
  try {
    const result = await work();
    return { result, work: count };
  } finally {
    for (const restore of undo.reverse()) restore();
  }
}

/** The counters that measure computation (not I/O), for linearity checks. */
const LINEAR_COUNTERS = ['elements', 'characters'] as const;

/**
 * Work below this is treated as a constant (start-up of a check, the same at every size):
 * ratios of such small counts say nothing about growth.
 */
const CONSTANT_WORK = 5000;

/**
 * Asserts that work done at n, 2n and 4n grows at most linearly: linear work doubles and
 * quadruples (plus a constant); a quadratic step grows 4× and 16×. `n4` may be omitted to
 * check n → 2n alone.
 */
export function assertLinearWork(label: string, n1: WorkCount, n2: WorkCount, n4?: WorkCount): void {
  for (const counter of LINEAR_COUNTERS) {
    const base = Math.max(n1[counter], CONSTANT_WORK);
    const detail = `${label}: ${counter} at n ${n1[counter]}, 2n ${n2[counter]}${n4 ? `, 4n ${n4[counter]}` : ''}`;
    assert.ok(n2[counter] / base < 2.5, detail);
    if (n4) assert.ok(n4[counter] / base < 5, detail);
  }
}

/**
 * Runs `run` at n, 2n and 4n, counting each, and asserts linear growth. n → 2n is checked
 * before 4n runs, so a quadratic defect fails without first doing 16× the work.
 */
export async function assertLinearAt(label: string, n: number, run: (size: number) => Promise<unknown>): Promise<WorkCount[]> {
  const atSize = async (size: number) => (await countWork(() => run(size))).work;
  const n1 = await atSize(n);
  const n2 = await atSize(2 * n);
  assertLinearWork(label, n1, n2);
  const n4 = await atSize(4 * n);
  assertLinearWork(label, n1, n2, n4);
  return [n1, n2, n4];
}
