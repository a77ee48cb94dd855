/**
 * The start-up report of the language server (server/src/node/startupTimeline.ts): each step
 * is kept the first time it happens, the report is given once, and it names the steps in the
 * order they happened with the first check's own durations. A fake clock: no time is measured.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StartupTimeline } from '../../server/src/node/startupTimeline';

function timelineWithClock(): { timeline: StartupTimeline; at: (ms: number) => void } {
  let now = 0;
  return { timeline: new StartupTimeline(() => now, Date.UTC(2026, 0, 2, 3, 4, 5, 6)), at: (ms) => { now = ms; } };
}

describe('start-up timeline', () => {
  it('reports the steps once, in ms since the process started, with the first check\'s durations', () => {
    const { timeline, at } = timelineWithClock();
    at(120); timeline.mark('loaded');
    at(130); timeline.mark('initialize');
    at(150); timeline.mark('initialized');
    at(160); timeline.mark('opened');
    at(170); timeline.mark('settings');
    at(180.4); timeline.mark('worker');
    at(240); timeline.mark('checked');
    timeline.detail({ 'main configs (1 found)': 4.2, check: 55.6 });
    at(241);
    const line = timeline.report('server-b');
    assert.equal(line, 'first diagnostics (server-b) 241 ms after the server process started (2026-01-02T03:04:05.006Z); ms since then: '
      + 'loaded 120, initialize 130, initialized 150, opened 160, settings 170, worker 180, checked 240, answered 241; '
      + 'first check: main configs (1 found) 4 ms, check 56 ms');
    assert.equal(timeline.report('server-b'), undefined, 'a second report');
  });

  it('keeps the first time of a step and the first check\'s durations only', () => {
    const { timeline, at } = timelineWithClock();
    at(10); timeline.mark('opened');
    at(99); timeline.mark('opened');
    timeline.detail({ check: 5 });
    timeline.detail({ check: 500 });
    at(100);
    assert.equal(timeline.report('a.conf'), 'first diagnostics (a.conf) 100 ms after the server process started (2026-01-02T03:04:05.006Z); ms since then: opened 10, answered 100; first check: check 5 ms');
  });

  it('ignores steps after the report (a restarted worker is not the start-up)', () => {
    const { timeline, at } = timelineWithClock();
    at(5); timeline.report('a.conf');
    at(50); timeline.mark('worker');
    assert.equal(timeline.report('a.conf'), undefined);
  });
});
