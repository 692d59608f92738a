/**
 * A hostile source cannot take the service's time: its document is parsed in the parse pool, over
 * the CPU budget it is refused as `parse-timeout` in source health, while a healthy source is
 * archived and `/healthz` keeps answering at once. In-process service (scheduler, fetcher,
 * processor) against real Redis and a fixture server on 127.0.0.1; the budget is a test-only
 * 100 ms so a big but valid feed (3.6 MB, some 400 ms of CPU) stands in for a hostile one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { serviceDeps } from '../../src/pipeline/adapters.js';
import { startService, type Service } from '../../src/pipeline/service.js';
import { readHealth } from '../../src/store/health.js';
import type { TempConfig } from '../helpers/config-dir.js';
import { rssFeed, startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { writePipelineConfig } from '../helpers/pipeline-config.js';
import { waitFor } from '../helpers/processes.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';

let server: FixtureServer;
let redis: TestRedis;
let config: TempConfig | undefined;
let service: Service | undefined;

beforeEach(async () => {
  server = await startFixtureServer();
  redis = await openTestRedis();
});
afterEach(async () => {
  await service?.close();
  await server.close();
  await redis.cleanup();
  config?.cleanup();
});

const items = (source: string, n: number, words: string) =>
  Array.from({ length: n }, (_, i) => ({
    title: `${source} story ${i}: ${words}`,
    link: `https://${source}.example/a/${i}`,
    description: `Item ${i} of ${source}. `.repeat(10),
    pubDate: new Date(Date.UTC(2026, 11, 4, 8, i % 600)).toUTCString(),
  }));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

describe('hostile documents', () => {
  it('refuses a feed over the parse budget as parse-timeout, archives the healthy one, and /healthz stays fast', async () => {
    server.routes.set('/hostile/feed', { body: rssFeed('hostile', 'https://hostile.example/', items('hostile', 5000, 'harvest railway')) });
    server.routes.set('/healthy/feed', { body: rssFeed('healthy', 'https://healthy.example/', items('healthy', 3, 'parliament drought')) });
    config = writePipelineConfig({
      prefix: redis.prefix,
      workers: 'parse:\n  cpuBudget: 100ms\n',
      sources: [
        { id: 'hostile', url: server.url('/hostile/feed'), interval: '1m' },
        { id: 'healthy', url: server.url('/healthy/feed'), interval: '1m' },
      ],
    });
    service = await startService({ configDir: config.dir, roles: ['scheduler', 'fetcher', 'processor'], log: createLogger({ level: 'silent' }), deps: serviceDeps() });
    const healthz = `http://127.0.0.1:${service.httpPort ?? 0}/healthz`;

    const latencies: number[] = [];
    let probing = true;
    const probe = (async () => {
      for (let i = 0; i < 5_000 && probing; i++) {
        const t = performance.now();
        const res = await fetch(healthz);
        await res.text();
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const s = service;
    const done = await waitFor(async () => {
      const [hostile, archived] = await Promise.all([readHealth(s.redis, s.keys, 'hostile'), s.redis.zcard(s.keys.archiveByTime())]);
      return hostile.polls > 0 && archived === 3;
    }, 40_000);
    // a few more probes after the refusal, while the pool starts a fresh worker
    await new Promise((r) => setTimeout(r, 1_000));
    probing = false;
    await probe;

    expect(done).toBe(true);
    const hostile = await readHealth(s.redis, s.keys, 'hostile');
    expect(hostile.lastErrorClass).toBe('parse-timeout');
    expect(hostile.lastErrorMessage).toMatch(/^document refused: parsing .* 0\.10 s budget \(parse\.cpuBudget\)/);
    expect((await readHealth(s.redis, s.keys, 'healthy')).lastErrorClass).toBeNull();
    const sorted = [...latencies].sort((a, b) => a - b);
    expect(latencies.length).toBeGreaterThan(20);
    expect(percentile(sorted, 99), `p50 ${percentile(sorted, 50).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`).toBeLessThan(250);
  });
});
