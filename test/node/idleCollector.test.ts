/**
 * The idle collection of the language server's threads (server/src/node/idleCollector.ts): it
 * runs once after work stops, never while work keeps coming, and a full collection is really
 * available at run time, in the main thread and in a worker thread. Fake timers: nothing waits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { fragmented, fullGarbageCollection, IdleCollector, type IdleTimers } from '../../server/src/node/idleCollector';

/** A clock moved by hand, and the timers set on it, fired when the clock passes them. */
function fakeTimers(): IdleTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let timers: { at: number; callback: () => void }[] = [];
  return {
    now: () => now,
    set: (callback, ms) => timers.push({ at: now + ms, callback }),
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.callback();
      }
      now = until;
    },
    pending: () => timers.length,
  };
}

describe('idle collector', () => {
  it('collects once, idleMs after the last activity, however many activities came before', () => {
    const timers = fakeTimers();
    let collected = 0;
    const collector = new IdleCollector(() => collected++, 1000, timers);
    for (let i = 0; i < 50; i++) {
      collector.activity();
      timers.advance(300);
    }
    assert.equal(collected, 0, 'a keystroke every 300 ms never lets it run');
    assert.ok(timers.pending() <= 1, 'one timer at most, however many keystrokes');
    timers.advance(699);
    assert.equal(collected, 0);
    timers.advance(1);
    assert.equal(collected, 1);
    timers.advance(10_000);
    assert.equal(collected, 1, 'no activity since: nothing more to give back');
    assert.equal(timers.pending(), 0);
    collector.activity();
    timers.advance(1000);
    assert.equal(collected, 2, 'new work arms it again');
    assert.equal(collector.collections, 2);
  });

  it('collects at once when asked, and the collection activity armed does not follow', () => {
    const timers = fakeTimers();
    let collected = 0;
    const collector = new IdleCollector(() => collected++, 1000, timers);
    collector.activity();
    timers.advance(400);
    collector.collectNow();
    assert.equal(collected, 1, 'collected without waiting');
    timers.advance(5000);
    assert.equal(collected, 1, 'the armed collection was cancelled: nothing was allocated since');
    collector.activity();
    timers.advance(1000);
    assert.equal(collected, 2, 'activity after it arms a collection again');
    assert.equal(collector.collections, 2);
  });

  it('does nothing before any activity', () => {
    const timers = fakeTimers();
    let collected = 0;
    new IdleCollector(() => collected++, 1000, timers);
    timers.advance(5000);
    assert.equal(collected, 0);
  });

  it('has a full collection at run time, without --expose-gc on the command line', async () => {
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs without --expose-gc');
    const gc = fullGarbageCollection();
    assert.ok(gc, 'a full collection is available');
    let garbage: object[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    const weak = new WeakRef(garbage);
    garbage = undefined;
    // A WeakRef keeps its target alive until the end of the job that created it.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.equal(weak.deref(), undefined, 'the collection freed an unreachable array');
  });

  it('calls a heap fragmented when more than 16 MB, and more than half of what is live, is free', () => {
    const MB = 1024 * 1024;
    assert.equal(fragmented({ total_heap_size: 126 * MB, used_heap_size: 82 * MB }), true, 'the tree\'s worker after a plain collection');
    assert.equal(fragmented({ total_heap_size: 43 * MB, used_heap_size: 19 * MB }), true, 'the 5k-line file\'s worker after typing');
    assert.equal(fragmented({ total_heap_size: 30 * MB, used_heap_size: 15 * MB }), false, '15 MB free');
    assert.equal(fragmented({ total_heap_size: 300 * MB, used_heap_size: 240 * MB }), false, 'free, but not half as much as is live');
  });

  it('compacts a fragmented heap further than a plain full collection, in a worker thread', async () => {
    const modulePath = require.resolve('../../server/src/node/idleCollector');
    // 600k small objects, of which one in eight stays: pages that are mostly free.
    const source = `
      const { parentPort } = require('node:worker_threads');
      const v8 = require('node:v8');
      const { compactingGarbageCollection, fullGarbageCollection } = require(${JSON.stringify(modulePath)});
      const plain = fullGarbageCollection();
      const compact = compactingGarbageCollection();
      const fragment = (tag) => {
        let objects = [];
        for (let i = 0; i < 600000; i++) objects.push({ a: i, b: tag + i, c: [i] });
        plain();
        return objects.filter((_, i) => i % 8 === 0);
      };
      globalThis.kept = [fragment('x')];
      setImmediate(() => {
        plain();
        const afterPlain = v8.getHeapStatistics();
        compact();
        const afterCompact = v8.getHeapStatistics();
        globalThis.kept.push(fragment('y'));
        setImmediate(() => {
          plain();
          parentPort.postMessage({ afterPlain, afterCompact, plainLater: v8.getHeapStatistics() });
        });
      });`;
    const worker = new Worker(source, { eval: true });
    const answer = await new Promise<Record<'afterPlain' | 'afterCompact' | 'plainLater', v8.HeapInfo>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const MB = 1024 * 1024;
    const { afterPlain, afterCompact, plainLater } = answer;
    const sizes = (h: v8.HeapInfo): string => `${(h.total_heap_size / MB).toFixed(0)} MB committed, ${(h.used_heap_size / MB).toFixed(0)} MB live`;
    assert.ok(fragmented(afterPlain), `fragmented after a plain collection: ${sizes(afterPlain)}`);
    assert.ok(afterCompact.total_heap_size < afterPlain.total_heap_size - 16 * MB, `compacted: ${sizes(afterPlain)} -> ${sizes(afterCompact)}`);
    // With the flag left on, the later collection compacts as well (56 against 121 MB measured).
    assert.ok(plainLater.total_heap_size > afterCompact.total_heap_size + 32 * MB, `the flag is off again: a later plain collection leaves the new fragmentation (${sizes(afterCompact)} -> ${sizes(plainLater)})`);
  });

  it('has a full collection in a worker thread, collecting that thread\'s heap', async () => {
    const modulePath = require.resolve('../../server/src/node/idleCollector');
    const source = `
      const { parentPort } = require('node:worker_threads');
      const { fullGarbageCollection } = require(${JSON.stringify(modulePath)});
      const collect = fullGarbageCollection();
      let garbage = Array.from({ length: 200000 }, (_, i) => ({ i }));
      const weak = new WeakRef(garbage);
      garbage = undefined;
      setImmediate(() => {
        if (collect) collect();
        parentPort.postMessage({ available: typeof collect === 'function', freed: weak.deref() === undefined });
      });`;
    const worker = new Worker(source, { eval: true });
    const answer = await new Promise<{ available: boolean; freed: boolean }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    assert.deepEqual(answer, { available: true, freed: true });
  });
});
