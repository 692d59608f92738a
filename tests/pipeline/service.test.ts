/**
 * The service as users run it: `belwatch run` child processes against real Redis and a fixture
 * server. Slow by nature (seconds of wall time each), so intervals are short.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TempConfig } from '../helpers/config-dir.js';
import { rssFeed, startFixtureServer, type FeedItem, type FixtureServer } from '../helpers/fixture-server.js';
import { writePipelineConfig } from '../helpers/pipeline-config.js';
import { privateRedis, sleep, spawnBelwatch, waitFor, type Child } from '../helpers/processes.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';
import { Keys } from '../../src/store/redis.js';

const VOCAB = ('harvest railway parliament drought refinery border election orchestra vaccine tariff glacier satellite bakery museum pipeline lottery ' +
  'tractor bridge festival library hospital stadium airport forest river mountain factory theatre market school garden castle tunnel harbour island desert').split(' ');
const mix = (x: number): number => {
  let h = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
};
/** Distinct stories: pseudo-random words per seed, so no two items are near-duplicates. */
const words = (seed: number, n: number): string => Array.from({ length: n }, (_, k) => VOCAB[mix(seed * 1000 + k) % VOCAB.length]).join(' ');
const items = (source: string, n: number, from = 0): FeedItem[] =>
  Array.from({ length: n }, (_, i) => ({
    title: `${source} ${i + from}: ${words(i + from + source.length * 13, 6)}`,
    link: `https://${source}.example/articles/${i + from}`,
    description: `${words((i + from) * 31 + source.length, 30)} ${source}${i + from}`,
    pubDate: new Date(Date.UTC(2026, 10, 27, 8, i + from)).toUTCString(),
  }));

let server: FixtureServer;
let redis: TestRedis;
let config: TempConfig | undefined;
const children: Child[] = [];

beforeEach(async () => {
  server = await startFixtureServer();
  redis = await openTestRedis();
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop('SIGKILL')));
  await server.close();
  await redis.cleanup();
  config?.cleanup();
});

const WORKERS = `workers:
  lockDuration: 4s
  stalledInterval: 1s
  shutdownGrace: 5s
`;

describe('belwatch run', () => {
  it('with three processes polls every source once per interval and processes every article once', async () => {
    const sources = ['alpha', 'beta', 'gamma', 'delta'];
    for (const s of sources) server.routes.set(`/${s}/feed`, { body: rssFeed(s, `https://${s}.example/`, items(s, 5)), etag: `"${s}-v1"` });
    config = writePipelineConfig({ prefix: redis.prefix, workers: WORKERS, sources: sources.map((s) => ({ id: s, url: server.url(`/${s}/feed`), interval: '2s' })) });
    for (let i = 0; i < 3; i++) children.push(spawnBelwatch(['run', '--config', config.dir]));
    expect(await waitFor(() => sources.every((s) => (server.hits.get(`/${s}/feed`) ?? 0) > 0), 20_000)).toBe(true);
    await sleep(7_000);
    const codes = await Promise.all(children.splice(0).map((c) => c.stop('SIGTERM')));
    expect(codes).toEqual([0, 0, 0]);

    for (const s of sources) {
      const times = server.hitTimes.get(`/${s}/feed`) ?? [];
      expect(times.length, s).toBeGreaterThanOrEqual(3);
      expect(times.length, s).toBeLessThanOrEqual(7);
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
      for (const gap of gaps) expect(gap, `${s} fetched twice in one interval: ${gaps.join(',')}`).toBeGreaterThan(1_000);
    }
    expect(await redis.redis.zcard(redis.keys.archiveByTime())).toBe(20);
    const done = await redis.redis.keys(`${redis.keys.base}:seen:*`);
    expect(done).toHaveLength(20);
    expect(new Set(await redis.redis.mget(...done))).toEqual(new Set(['done']));
  });

  it('recovers a fetch job whose worker was killed with SIGKILL, losing and doubling nothing', async () => {
    const slowItems = items('slow', 6).map((i) => ({ ...i, description: `${i.description} New sanctions against Belarus were announced.` }));
    server.routes.set('/slow/feed', { body: rssFeed('slow', 'https://slow.example/', slowItems), delayMs: 2_500 });
    config = writePipelineConfig({ prefix: redis.prefix, workers: WORKERS, sources: [{ id: 'slow', url: server.url('/slow/feed'), interval: '1h' }] });
    const first = spawnBelwatch(['run', '--config', config.dir]);
    children.push(first);
    expect(await waitFor(() => (server.hits.get('/slow/feed') ?? 0) > 0, 15_000)).toBe(true);
    await first.stop('SIGKILL');
    expect(await redis.redis.zcard(redis.keys.archiveByTime())).toBe(0);

    children.push(spawnBelwatch(['run', '--config', config.dir]));
    expect(await waitFor(async () => (await redis.redis.zcard(redis.keys.archiveByTime())) === 6, 25_000)).toBe(true);
    await sleep(1_000);
    expect(server.hits.get('/slow/feed')).toBe(2);
    expect(await redis.redis.zcard(redis.keys.archiveByTime())).toBe(6);
    expect(await redis.redis.zcard(redis.keys.pending('daily'))).toBe(6);
    expect(await redis.redis.zcard(redis.keys.pending('sanctions-desk'))).toBe(6);
  });

  it('survives a Redis restart and resumes without being restarted', async () => {
    const own = await privateRedis();
    try {
      await own.start();
      let feed = items('steady', 3);
      server.routes.set('/steady/feed', { body: rssFeed('steady', 'https://steady.example/', feed) });
      config = writePipelineConfig({ prefix: redis.prefix, workers: WORKERS, sources: [{ id: 'steady', url: server.url('/steady/feed'), interval: '2s' }] });
      const svc = spawnBelwatch(['run', '--config', config.dir], { REDIS_URL: own.url });
      children.push(svc);
      const client = new Redis(own.url, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => 200 });
      client.on('error', () => undefined);
      const keys = new Keys(redis.prefix);
      const archived = async (): Promise<number> => {
        try {
          return await client.zcard(keys.archiveByTime());
        } catch {
          return -1;
        }
      };
      expect(await waitFor(async () => (await archived()) === 3, 20_000)).toBe(true);
      await own.stop();
      await sleep(3_000);
      await own.start();
      feed = [...feed, ...items('steady', 2, 3)];
      server.routes.set('/steady/feed', { body: rssFeed('steady', 'https://steady.example/', feed) });
      expect(await waitFor(async () => (await archived()) === 5, 30_000), svc.output().slice(-2000)).toBe(true);
      expect(svc.proc.exitCode).toBeNull();
      client.disconnect();
    } finally {
      await Promise.all(children.splice(0).map((c) => c.stop('SIGKILL')));
      await own.cleanup();
    }
  });
});
