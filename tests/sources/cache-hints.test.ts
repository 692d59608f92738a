import { describe, expect, it } from 'vitest';
import { readCacheHints } from '../../src/sources/fetch/cache-hints.js';
import { parseRetryAfter } from '../../src/http-protocol.js';
import { HostLimiter } from '../../src/sources/fetch/host-limiter.js';

const NOW = Date.parse('2025-01-15T12:00:00Z');

describe('readCacheHints', () => {
  it.each([
    [{ 'cache-control': 'public, max-age=600' }, { maxAgeMs: 600_000 }],
    [{ 'cache-control': 'max-age=600, s-maxage=60' }, { maxAgeMs: 60_000 }],
    [{ expires: 'Wed, 15 Jan 2025 12:05:00 GMT' }, { maxAgeMs: 300_000 }],
    [{ expires: 'garbage' }, {}],
    [{ 'cache-control': 'no-store' }, { noCache: true }],
    [{ 'cache-control': 'max-age=999999999' }, { maxAgeMs: 30 * 86_400_000 }],
    [{ 'retry-after': '120' }, { retryAfterMs: 120_000 }],
    [{}, {}],
  ])('%o -> %o', (headers, hints) => {
    expect(readCacheHints(headers, NOW)).toEqual(hints);
  });

  it('reads Retry-After as an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 11:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('HostLimiter', () => {
  it('hands a released slot to the next waiter in order and forgets idle hosts', async () => {
    const limiter = new HostLimiter(1);
    const order: string[] = [];
    const first = await limiter.acquire('Example.org');
    const waiting = ['b', 'c'].map(async (name) => {
      const release = await limiter.acquire('example.org');
      order.push(name);
      release();
    });
    expect(limiter.inFlight('example.org')).toBe(1);
    first();
    first(); // a second call must not free a second slot
    await Promise.all(waiting);
    expect(order).toEqual(['b', 'c']);
    expect(limiter.inFlight('example.org')).toBe(0);
  });
});
