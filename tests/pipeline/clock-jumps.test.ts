import { Queue } from 'bullmq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jumpBetween, retimeDelayedJobs } from '../../src/pipeline/clock-jumps.js';
import { startRedisClock } from '../../src/store/clock.js';
import { keyPrefix, redisOptionsFromUrl } from '../../src/store/redis.js';
import { openTestRedis, REDIS_URL, type TestRedis } from '../helpers/redis.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0)) await c();
});

describe('jumpBetween', () => {
  it.each([
    ['wall and monotonic kept pace', { wall: 1000, mono: 10 }, { wall: 3000, mono: 2010 }, 0],
    ['an event-loop stall moves both alike', { wall: 1000, mono: 10 }, { wall: 91_000, mono: 90_010 }, 0],
    ['small drift is not a jump', { wall: 1000, mono: 10 }, { wall: 4500, mono: 2010 }, 0],
    ['a step forward of an hour', { wall: 1000, mono: 10 }, { wall: 3_603_000, mono: 2010 }, 3_600_000],
    ['a step back of an hour', { wall: 3_601_000, mono: 10 }, { wall: 3000, mono: 2010 }, -3_600_000],
  ])('%s', (_label, prev, cur, jump) => {
    expect(jumpBetween(prev, cur, 2000)).toBe(jump);
  });
});

describe('retimeDelayedJobs (real Redis)', () => {
  it('shifts delayed jobs by the jump, keeping their real due time, and leaves scheduler repetitions alone', async () => {
    const t: TestRedis = await openTestRedis();
    const queue = new Queue('retime', { connection: redisOptionsFromUrl(REDIS_URL), prefix: keyPrefix(t.prefix) });
    cleanups.push(async () => {
      await queue.close();
      await t.cleanup();
    });
    // added under a clock an hour fast: due in 1 h 5 s by that clock, i.e. in 5 s of real time
    const fast = Date.now() + 3_600_000;
    vi.spyOn(Date, 'now').mockReturnValue(fast);
    await queue.add('alert', { n: 1 }, { jobId: 'alert-1', delay: 3_605_000 });
    vi.restoreAllMocks();
    await queue.upsertJobScheduler('poll-x', { every: 60_000 }, { name: 'poll', data: {} });
    const key = `${keyPrefix(t.prefix)}:retime:delayed`;
    const due = async (id: string): Promise<number> => Math.floor(Number(await t.redis.zscore(key, id)) / 0x1000);
    const schedulerJob = (await t.redis.zrange(key, 0, -1)).find((id) => id.startsWith('repeat:'))!;
    const schedulerDue = await due(schedulerJob);
    expect(await due('alert-1')).toBeGreaterThan(Date.now() + 3_600_000);

    const now = Date.now();
    expect(await retimeDelayedJobs(t.redis, queue, -3_600_000, now)).toBe(1);
    expect(Math.abs((await due('alert-1')) - (fast + 3_605_000 - 3_600_000))).toBeLessThan(1000);
    expect(await due(schedulerJob)).toBe(schedulerDue);
  });
});

describe('startRedisClock (real Redis)', () => {
  it('reads Redis time and is not moved by a wall-clock step', async () => {
    const t = await openTestRedis();
    cleanups.push(() => t.cleanup());
    const clock = await startRedisClock(t.redis, { warn: () => undefined });
    cleanups.push(() => Promise.resolve(clock.close()));
    const [s, us] = await t.redis.time();
    const redisNow = Number(s) * 1000 + Number(us) / 1000;
    expect(Math.abs(clock.now() - redisNow)).toBeLessThan(100);
    const before = clock.now();
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() - 3_600_000);
    expect(Math.abs(clock.now() - before)).toBeLessThan(100);
  });
});
