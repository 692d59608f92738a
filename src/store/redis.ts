/**
 * Redis connections and key names.
 *
 * Every key belwatch writes starts with `{prefix}:` — the braces are a Redis Cluster hash tag, so
 * all keys of one installation live in one slot and multi-key scripts (claiming, moving items
 * into a digest) stay atomic on a cluster too. BullMQ's queues use the same hash-tagged prefix.
 *
 * `checkRedisSafety` reads `maxmemory-policy` and persistence settings: anything but `noeviction`
 * can silently drop queue keys, and no persistence loses archives and delivery records on restart.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { RedisError, redactUrl } from '../errors.js';

/** The hash-tagged prefix: `{belwatch}`. */
export function keyPrefix(prefix: string): string {
  return `{${prefix}}`;
}

export class Keys {
  readonly base: string;

  constructor(prefix: string) {
    this.base = keyPrefix(prefix);
  }

  seen(articleId: string): string {
    return `${this.base}:seen:${articleId}`;
  }
  article(articleId: string): string {
    return `${this.base}:article:${articleId}`;
  }
  articleMatches(articleId: string): string {
    return `${this.base}:matches:${articleId}`;
  }
  /** Sorted set of archived article ids by first-seen time (ms). */
  archiveByTime(): string {
    return `${this.base}:archive:by-time`;
  }
  /** Sorted set of article ids a rule matched, by first-seen time. */
  ruleMatches(ruleId: string): string {
    return `${this.base}:rule:${ruleId}`;
  }
  minhash(articleId: string): string {
    return `${this.base}:minhash:${articleId}`;
  }
  lshBucket(band: number, bucket: string): string {
    return `${this.base}:lsh:${band}:${bucket}`;
  }
  articleCluster(articleId: string): string {
    return `${this.base}:article-cluster:${articleId}`;
  }
  /** Sorted set of the article ids in a story cluster, by first-seen time. */
  cluster(clusterId: string): string {
    return `${this.base}:cluster:${clusterId}`;
  }
  /** Rules a story cluster has already been handed off for: a copy never alerts twice for one rule. */
  clusterRules(clusterId: string): string {
    return `${this.base}:cluster-rules:${clusterId}`;
  }
  health(sourceId: string): string {
    return `${this.base}:health:${sourceId}`;
  }
  sourceState(sourceId: string): string {
    return `${this.base}:source-state:${sourceId}`;
  }
  /** Held for half an interval by the poll that runs: two triggers close together make one request. */
  pollLock(sourceId: string): string {
    return `${this.base}:poll-lock:${sourceId}`;
  }
  lastItems(sourceId: string): string {
    return `${this.base}:last-items:${sourceId}`;
  }
  /** Taken once per wall-clock jump by the process that re-times delayed jobs (pipeline/clock-jumps.ts). */
  clockJump(): string {
    return `${this.base}:clock-jump`;
  }
  pending(subscriptionId: string): string {
    return `${this.base}:pending:${subscriptionId}`;
  }
}

/**
 * Milliseconds before reconnect attempt `times`: 200 ms doubling, at most 2 s, so the service is
 * back within about 2 s of Redis, however long it was away (an attempt is one cheap connect).
 */
export function reconnectDelay(times: number): number {
  return Math.min(200 * 2 ** Math.min(times - 1, 6), 2_000);
}

export function connectRedis(url: string, opts: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    // Commands wait for a reconnect instead of failing (BullMQ needs that for its blocking
    // commands, and a job then simply finishes once Redis is back).
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    retryStrategy: reconnectDelay,
    ...opts,
  });
  // Errors are reported by the callers that issue commands; an unhandled 'error' event would crash.
  redis.on('error', () => undefined);
  return redis;
}

export async function pingRedis(redis: Redis, url: string): Promise<void> {
  try {
    await redis.ping();
  } catch (e) {
    throw new RedisError(`cannot reach Redis at ${redactUrl(url)}: ${(e as Error).message}`, { cause: e });
  }
}

export interface RedisSafety {
  readonly maxmemoryPolicy: string;
  readonly appendonly: boolean;
  readonly save: string;
  readonly warnings: readonly string[];
}

export async function checkRedisSafety(redis: Redis): Promise<RedisSafety> {
  const read = async (name: string): Promise<string> => {
    try {
      const r = (await redis.config('GET', name)) as string[];
      return r[1] ?? '';
    } catch {
      return 'unknown';
    }
  };
  const [maxmemoryPolicy, appendonly, save] = await Promise.all([read('maxmemory-policy'), read('appendonly'), read('save')]);
  const warnings: string[] = [];
  if (maxmemoryPolicy !== 'noeviction' && maxmemoryPolicy !== 'unknown') {
    warnings.push(`Redis maxmemory-policy is "${maxmemoryPolicy}": BullMQ needs "noeviction" or queue keys may be evicted`);
  }
  if (appendonly !== 'yes' && (save === '' || save === 'unknown')) {
    warnings.push('Redis persists nothing (appendonly no, no save points): archives, seen ids and delivery records are lost on restart');
  }
  return { maxmemoryPolicy, appendonly: appendonly === 'yes', save, warnings };
}

/** ioredis options from a redis:// or rediss:// URL, for BullMQ (which makes its own connections). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelay,
  };
}
