/**
 * When the steps of a server's start happened, up to its first diagnostics: the figures behind
 * "open a file, see its problems" (issue #15), which the code-server e2e prints as a breakdown.
 * Times are milliseconds since the server process started (performance.now() counts from there),
 * so loading the bundle is included; each step is kept the first time it happens only.
 */

/** The steps, in the order they usually happen. */
export const STARTUP_STEPS = [
  'loaded', // the bundle is evaluated and the server function runs
  'initialize', // the client's `initialize` arrived
  'initialized',
  'warmed', // a made-up configuration was checked before any document opened (a step only when it finished first; node/engineWarmUp.ts)
  'opened', // the first document was opened
  'settings', // the first settings are in force (project file read, configuration pulled)
  'worker', // the validation worker has loaded its bundle (a step only when a check waited for it)
  'checked', // the first check's result is back
  'answered', // its diagnostics went to the client (pushed or pulled)
] as const;

export type StartupStep = typeof STARTUP_STEPS[number];

export class StartupTimeline {
  private readonly at = new Map<StartupStep, number>();
  /** Durations measured inside the first check (discovery of the main configs, the analysis). */
  private readonly inside = new Map<string, number>();
  private reported = false;

  /** `clock` counts ms from `origin` (epoch ms): by default the process's start. */
  constructor(private readonly clock: () => number = () => performance.now(), private readonly origin = performance.timeOrigin) {}

  mark(step: StartupStep): void {
    if (!this.reported && !this.at.has(step)) this.at.set(step, this.clock());
  }

  /** Durations the first check measured itself (see ValidationOutcome.timings); the first set only. */
  detail(timings: Readonly<Record<string, number>> | undefined): void {
    if (this.reported || !timings || this.inside.size > 0) return;
    for (const [name, ms] of Object.entries(timings)) this.inside.set(name, ms);
  }

  /**
   * Marks `answered` and returns the line that reports the start, once: later calls (and
   * calls after the timeline was already reported) return undefined.
   */
  report(file: string): string | undefined {
    if (this.reported) return undefined;
    this.mark('answered');
    this.reported = true;
    const steps = STARTUP_STEPS.filter((s) => this.at.has(s)).map((s) => `${s} ${Math.round(this.at.get(s) ?? 0)}`);
    const inside = [...this.inside].map(([name, ms]) => `${name} ${Math.round(ms)} ms`);
    const total = Math.round(this.at.get('answered') ?? 0);
    return `first diagnostics (${file}) ${total} ms after the server process started (${new Date(this.origin).toISOString()}); ms since then: ${steps.join(', ')}`
      + (inside.length > 0 ? `; first check: ${inside.join(', ')}` : '');
  }
}
