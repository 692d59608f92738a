/**
 * The service's one cleanup list. Whatever start acquires (HTTP server, Redis connection, queues,
 * workers, timers, schedules) adds its release step here as soon as it exists, so a start that
 * fails half-way releases exactly what it had, and `close()` releases everything.
 *
 * Order: steps run one at a time, newest first (the reverse of acquisition: schedules -> workers ->
 * queues -> Redis -> HTTP). Every step is attempted even when an earlier one fails or hangs: a step
 * still running after its time limit (default 10 s; a step may set its own, or none) is counted as
 * failed and the list goes on. After the last step, the failures (if any) are thrown together as
 * one `ShutdownError`. `run()` can be called any number of times; later calls return the first's
 * promise, and steps added after it started are not run.
 */
import { ShutdownError } from '../errors.js';

export interface CleanupStep {
  readonly name: string;
  readonly run: () => unknown;
  /** Time limit in ms; `null` for none (the workers' step keeps its own grace period). */
  readonly timeoutMs?: number | null;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class CleanupList {
  private readonly steps: CleanupStep[] = [];
  private running: Promise<void> | undefined;

  /** Adds a release step; it runs before every step added earlier. */
  add(name: string, run: () => unknown, opts: { readonly timeoutMs?: number | null } = {}): void {
    this.steps.push({ name, run, ...opts });
  }

  run(): Promise<void> {
    this.running ??= this.runAll();
    return this.running;
  }

  private async runAll(): Promise<void> {
    const failures: { step: string; error: unknown }[] = [];
    for (const step of [...this.steps].reverse()) {
      try {
        await withTimeout(step);
      } catch (error) {
        failures.push({ step: step.name, error });
      }
    }
    if (failures.length > 0) throw new ShutdownError(failures);
  }
}

async function withTimeout(step: CleanupStep): Promise<void> {
  const ms = step.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : step.timeoutMs;
  const work = Promise.resolve().then(step.run);
  if (ms === null) {
    await work;
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
