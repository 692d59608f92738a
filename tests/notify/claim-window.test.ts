/** Window claiming against real Redis: atomic, once per digest id, each item in exactly one digest. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimWindow, makeStreamDigestId } from '../../src/notify/claim-window.js';
import { NotifyKeys } from '../../src/notify/keys.js';
import { pendingMember } from '../../src/store/pending.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';

let t: TestRedis;
beforeEach(async () => {
  t = await openTestRedis();
});
afterEach(async () => {
  await t.cleanup();
});

const sub = { id: 'daily', mode: 'digest' as const };
const T0 = Date.parse('2026-11-26T05:00:00Z');
const claim = (endMs: number) => claimWindow(t.redis, t.keys, { sub, stream: 'digest', endMs, firstStartMs: T0, nowMs: endMs, ttlSeconds: 600 });

async function seed(n: number, from: number, stepMs: number): Promise<void> {
  for (let i = 0; i < n; i++) await t.redis.zadd(t.keys.pending('daily'), 'NX', from + i * stepMs, pendingMember('r', `a${i}`));
}

describe('claimWindow', () => {
  it('with ten concurrent claimers of one window makes exactly one digest and tells all the same items', async () => {
    await seed(40, T0, 60_000);
    const end = T0 + 30 * 60_000;
    const results = await Promise.all(Array.from({ length: 10 }, () => claim(end)));
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'existing')).toHaveLength(9);
    for (const r of results) expect([...r.members].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `r|a${i}`).sort());
    expect(await t.redis.zcard(t.keys.pending('daily'))).toBe(10);
    expect(results[0]!.digestId).toBe(makeStreamDigestId('daily', 'digest', end));
    expect(await t.redis.get(new NotifyKeys(t.keys).windowEnd('daily', 'digest'))).toBe(String(end));
  });

  it('puts every item in exactly one digest when claimers of successive windows race', async () => {
    await seed(100, T0, 60_000);
    const ends = [20, 40, 60, 80, 120].map((m) => T0 + m * 60_000);
    const results = await Promise.all([...ends, ...ends].map((e) => claim(e)));
    const claimed = results.filter((r) => r.status === 'claimed');
    const all = claimed.flatMap((r) => r.members);
    expect(new Set(all).size).toBe(all.length);
    const stale = results.filter((r) => r.status === 'stale').length;
    expect(claimed.length + stale + results.filter((r) => r.status === 'existing').length).toBe(10);
    // whatever order they ran in, the windows tile [T0, last end) and nothing is left
    expect(all.length).toBe(100);
    expect(await t.redis.zcard(t.keys.pending('daily'))).toBe(0);
    const sorted = [...claimed].sort((a, b) => a.end - b.end);
    expect(sorted[0]!.start).toBe(T0);
    sorted.slice(1).forEach((r, i) => expect(r.start).toBe(sorted[i]!.end));
  });

  it('refuses a window that ends at or before the last claimed end', async () => {
    await seed(3, T0, 1000);
    expect((await claim(T0 + 10_000)).status).toBe('claimed');
    expect((await claim(T0 + 5_000)).status).toBe('stale');
    expect((await claim(T0 + 10_000)).status).toBe('existing');
  });

  it('claims an empty window all the same, so the next window starts at its end', async () => {
    const first = await claim(T0 + 60_000);
    expect(first).toMatchObject({ status: 'claimed', start: T0, members: [] });
    await seed(1, T0 + 90_000, 0);
    const second = await claim(T0 + 120_000);
    expect(second).toMatchObject({ status: 'claimed', start: T0 + 60_000, members: ['r|a0'] });
  });
});
