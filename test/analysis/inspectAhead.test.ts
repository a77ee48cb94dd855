/**
 * The certificate-file checks read the files of their references a few at a time ahead of the
 * one they judge (certificateFileRules.ts, inspectAhead): each file (with its passphrases) is
 * asked for once, never more than FILES_READ_AT_ONCE distinct ones past the reference awaited,
 * and every reference gets the answer for its own file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InspectedFile } from '../../server/src/certificates/certificateTypes';
import { FILES_READ_AT_ONCE, inspectAhead } from '../../server/src/analysis/rules/certificateFileRules';

/** An inspector whose answers wait until released; it records what was asked. */
function heldInspector() {
  const asked: string[] = [];
  const release = new Map<string, () => void>();
  const inspect = (path: string, options?: { passphrases?: string[] }): Promise<InspectedFile> => {
    const key = options?.passphrases ? `${path} with ${options.passphrases.join(',')}` : path;
    asked.push(key);
    return new Promise((resolve) => release.set(key, () => resolve({ path: key } as unknown as InspectedFile)));
  };
  return { asked, release, inspect };
}

describe('the certificate files read ahead', () => {
  it('are asked for once each, at most FILES_READ_AT_ONCE distinct files past the one awaited', async () => {
    const files = Array.from({ length: 30 }, (_, i) => `/pki/f${i}.pem`);
    // Each file named three times, and the first also with a passphrase (another inspection).
    const wanted: { path: string; passphrases?: string[] }[] = [{ path: files[0], passphrases: ['secret'] }, ...files.flatMap((path) => [{ path }, { path }, { path }])];
    const inspector = heldInspector();
    const ahead = inspectAhead(wanted, inspector);
    for (let i = 0; i < wanted.length; i++) {
      const pending = ahead.next(i);
      const own = wanted[i].passphrases ? `${wanted[i].path} with secret` : wanted[i].path;
      const position = inspector.asked.indexOf(own);
      assert.ok(position >= 0, `reference ${i}: its file was asked for`);
      // Asked for: this reference's file and at most FILES_READ_AT_ONCE - 1 distinct ones after it.
      assert.ok(inspector.asked.length - position <= FILES_READ_AT_ONCE, `reference ${i}: ${inspector.asked.length - position} files asked from its own on`);
      inspector.release.get(own)?.();
      assert.deepEqual(await pending, { path: own });
    }
    assert.equal(inspector.asked.length, new Set(inspector.asked).size, 'no file asked for twice');
    assert.equal(inspector.asked.length, files.length + 1);
  });

  it('ask for the next files before the first one is answered', () => {
    const inspector = heldInspector();
    const wanted = Array.from({ length: 20 }, (_, i) => ({ path: `/pki/f${i}.pem` }));
    void inspectAhead(wanted, inspector).next(0);
    assert.equal(inspector.asked.length, FILES_READ_AT_ONCE);
  });

  it('leave no rejection unhandled when the family stops before awaiting them', async () => {
    const wanted = Array.from({ length: 5 }, (_, i) => ({ path: `/pki/f${i}.pem` }));
    const unhandled: unknown[] = [];
    const listener = (reason: unknown): void => { unhandled.push(reason); };
    process.on('unhandledRejection', listener);
    try {
      const failing = { inspect: (): Promise<InspectedFile> => Promise.reject(new Error('unreadable')) };
      await assert.rejects(inspectAhead(wanted, failing).next(0));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', listener);
    }
    assert.deepEqual(unhandled, []);
  });
});
