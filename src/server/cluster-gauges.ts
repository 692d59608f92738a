/**
 * The gauges read from Redis at scrape time: jobs per queue and state, and each source's health
 * (healthy, consecutive failures, share of 304 answers). They describe the whole deployment, not
 * one process, so only processes running the scheduler role register them (every process serves
 * its own counters; summing a cluster gauge over several scrape targets would count it twice).
 *
 * While Redis is away these gauges are left out of a scrape (a command would wait for the
 * reconnect and hold the scrape); the process's own metrics are still served.
 */
import type { Redis } from 'ioredis';
import { assessHealth, type SourceHealth } from '../pipeline/source-health.js';
import type { Queues } from '../pipeline/queues.js';
import { readAllHealth } from '../store/health.js';
import type { Keys } from '../store/redis.js';
import type { RedisWatch } from '../store/redis-watch.js';
import type { Metrics } from './metrics.js';

export interface ClusterGaugeEnv {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly watch: RedisWatch;
  readonly queues: Queues;
  /** The configured sources' ids (the current config's, after a reload too). */
  readonly sourceIds: () => readonly string[];
  readonly now: () => number;
}

export function addClusterGauges(metrics: Metrics, env: ClusterGaugeEnv): void {
  const fromRedis = <T>(read: () => Promise<T>): Promise<T | undefined> => env.watch.ask(read).catch(() => undefined);
  const { queues } = env;
  metrics.addCollector('belwatch_queue_jobs', 'Jobs per queue and state', ['queue', 'state'], async (set) => {
    for (const q of [queues.poll, queues.process, queues.notify]) {
      const counts = await fromRedis(() => q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'));
      for (const [state, n] of Object.entries(counts ?? {})) set({ queue: q.name, state }, n);
    }
  });
  // The three health gauges are collected together on each scrape: share one read of the records.
  let healthRead: Promise<SourceHealth[]> | undefined;
  const readHealthOnce = (): Promise<SourceHealth[]> =>
    (healthRead ??= fromRedis(() => readAllHealth(env.redis, env.keys, env.sourceIds()))
      .then((rows) => rows ?? [])
      .finally(() => {
        healthRead = undefined;
      }));
  metrics.addCollector('belwatch_source_healthy', 'Whether each source is healthy (1) or not (0)', ['source'], async (set) => {
    for (const h of await readHealthOnce()) set({ source: h.sourceId }, assessHealth(h, env.now()).healthy ? 1 : 0);
  });
  metrics.addCollector('belwatch_source_consecutive_failures', 'Consecutive failed polls per source', ['source'], async (set) => {
    for (const h of await readHealthOnce()) set({ source: h.sourceId }, h.consecutiveFailures);
  });
  metrics.addCollector('belwatch_source_not_modified_ratio', 'Share of polls answered 304 Not Modified, per source', ['source'], async (set) => {
    for (const h of await readHealthOnce()) if (h.polls > 0) set({ source: h.sourceId }, h.notModified / h.polls);
  });
}
