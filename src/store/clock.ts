/**
 * The service's clock: Redis's time (`TIME`), carried forward between readings by this process's
 * monotonic clock (`performance.now()`).
 *
 * Digest windows, alert batches, first-seen times and source health all compare times written by
 * different processes, often on different machines. Reading them from one clock — the Redis
 * server's — makes the instances agree (to within a round trip), and carrying it forward on the
 * monotonic clock makes a jump of this machine's wall clock (an NTP step, `date -s`, a VM resumed
 * from a snapshot) change nothing: a +1 h step does not close an hour of digest windows early,
 * a −1 h step does not hold them back for an hour.
 *
 * Read at start and every `everyMs` (default 1 min); the reading with the shortest round trip of
 * three is kept. A failed reading keeps the previous offset (the clock never stops or jumps
 * because Redis is away) and is logged once per outage. Without any reading (Redis unreachable at
 * start) the wall clock is used until the first reading succeeds.
 */
import type { Redis } from 'ioredis';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';

export interface ServiceClock {
  /** Milliseconds since the epoch, by Redis's clock. */
  now(): number;
  /** Takes a fresh reading of Redis's clock. */
  sync(): Promise<void>;
  close(): void;
}

export async function startRedisClock(redis: Redis, log: Pick<Logger, 'warn'>, everyMs = 60_000): Promise<ServiceClock> {
  // epoch ms at performance.now() === 0
  let base = Date.now() - performance.now();
  let failing = false;
  const sync = async (): Promise<void> => {
    try {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const [s, us] = await redis.time();
        const t1 = performance.now();
        if (t1 - t0 < best) {
          best = t1 - t0;
          base = Number(s) * 1000 + Number(us) / 1000 - (t0 + t1) / 2;
        }
      }
      failing = false;
    } catch (e) {
      if (!failing) log.warn(`could not read the Redis clock, keeping the last reading: ${describeError(e)}`);
      failing = true;
    }
  };
  await sync();
  const timer = setInterval(() => void sync(), everyMs);
  timer.unref();
  return {
    now: () => Math.round(base + performance.now()),
    sync,
    close: () => clearInterval(timer),
  };
}
