/**
 * Wall-clock jumps and BullMQ's delayed jobs.
 *
 * BullMQ times delayed jobs (poll schedules, alert batch windows, retry backoffs) by the wall
 * clock of the process that adds and promotes them. When this machine's clock steps back an hour,
 * every job delayed before the step would wait an extra hour (polls stop, alerts hold); when it
 * steps forward, they run at once. The service's own times come from Redis (store/clock.ts) and
 * are not affected; this watch fixes the queues.
 *
 * Every `everyMs` (default 2 s) the wall clock's progress is compared with the monotonic clock's:
 * a difference beyond `thresholdMs` (default 2 s) is a jump (an event-loop stall moves both alike
 * and is not one). The process then re-times every delayed job of the given queues by the jump, so
 * each keeps its real due time, and starts the repeating schedules afresh (`resetSchedules`: BullMQ
 * times a scheduler's next repetition from its previous one, which re-timing one job cannot move), under a Redis lock taken once per jump (named by the jump and the
 * machine's new offset from Redis's clock) so several processes on the same machine shift them once. Run by the scheduler role. A failure is logged, never thrown.
 */
import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';

export interface Reading {
  readonly wall: number;
  readonly mono: number;
}

/** The wall clock's jump between two readings (ms, signed), or 0 when it kept pace within `thresholdMs`. */
export function jumpBetween(prev: Reading, cur: Reading, thresholdMs: number): number {
  const drift = cur.wall - prev.wall - (cur.mono - prev.mono);
  return Math.abs(drift) > thresholdMs ? Math.round(drift) : 0;
}

/** Shifts every delayed job of `queue` by `jumpMs` of the new wall clock, keeping its real due time; returns how many. */
export async function retimeDelayedJobs(redis: Redis, queue: Queue, jumpMs: number, wallNow = Date.now()): Promise<number> {
  // a snapshot first: re-timing reorders the set
  const page = await redis.zrange(queue.keys['delayed'] ?? `${queue.qualifiedName}:delayed`, 0, -1, 'WITHSCORES');
  let moved = 0;
  for (let i = 0; i < page.length; i += 2) {
    // BullMQ scores delayed jobs as due * 0x1000 + a sequence number
    const due = Math.floor(Number(page[i + 1]) / 0x1000);
    const id = page[i] ?? '';
    if (id.startsWith('repeat:')) continue; // a job scheduler's repetition: `resetSchedules` replaces it
    const job = await Job.fromId(queue, id);
    if (!job) continue;
    await job.changeDelay(Math.max(0, due + jumpMs - wallNow)).catch(() => undefined); // it ran meanwhile
    moved++;
  }
  return moved;
}

export interface ClockJumpWatch {
  close(): void;
}

export function watchClockJumps(opts: {
  redis: Redis;
  lockKey: string;
  queues: readonly Queue[];
  log: Pick<Logger, 'warn' | 'error'>;
  /** The service clock (Redis time): names the lock. */
  now: () => number;
  /** Starts the job schedulers (and digest cron tasks) afresh on the new wall clock. */
  resetSchedules: () => Promise<void>;
  everyMs?: number;
  thresholdMs?: number;
}): ClockJumpWatch {
  const threshold = opts.thresholdMs ?? 2000;
  const read = (): Reading => ({ wall: Date.now(), mono: performance.now() });
  let prev = read();
  let busy = false;
  const timer = setInterval(() => {
    const cur = read();
    const jump = jumpBetween(prev, cur, threshold);
    prev = cur;
    if (jump === 0 || busy) return;
    busy = true;
    void (async () => {
      try {
        // One process per jump: processes on this machine see the same jump and the same new
        // offset from Redis's clock (both to 10 s), within one check period of each other.
        const offset = Math.round((Date.now() - opts.now()) / 10_000);
        const taken = await opts.redis.set(`${opts.lockKey}:${offset}:${Math.round(jump / 10_000)}`, '1', 'PX', 15_000, 'NX');
        if (taken !== 'OK') return;
        let n = 0;
        for (const q of opts.queues) n += await retimeDelayedJobs(opts.redis, q, jump);
        await opts.resetSchedules();
        opts.log.warn({ jumpMs: jump, retimed: n }, `wall clock jumped by ${(jump / 1000).toFixed(0)} s: delayed jobs re-timed to keep their due times, poll schedules restarted`);
      } catch (e) {
        opts.log.error(`re-timing delayed jobs after a clock jump failed: ${describeError(e)}`);
      } finally {
        busy = false;
        prev = read();
      }
    })();
  }, opts.everyMs ?? 2000);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
