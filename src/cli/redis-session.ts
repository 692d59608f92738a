/**
 * The Redis connection of a one-shot command (`poll --once`, `digest`, `deliveries`, `search`,
 * `rules test`, `sources health`).
 *
 * A command is not the service: when Redis cannot be reached at the start it fails at once with one
 * line, `cannot reach Redis at redis://127.0.0.1:6390 (ECONNREFUSED)` (the URL's credentials
 * masked; the reason is the socket error's code, else the server's reply, e.g. `WRONGPASS ...`),
 * instead of ioredis' reconnect loop ending in "max retries per request". Once connected, a dropped
 * connection is re-dialled as the service does (`reconnectDelay`) and each command is retried at most
 * twice, so a short blip does not fail a long poll. The connection is closed when the callback
 * settles, whatever it did. ioredis is imported here, when a command first needs Redis, not at
 * startup.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.js';
import { describeError, RedisError, redactUrl } from '../errors.js';
import type { Keys } from '../store/redis.js';

function reasonOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : describeError(e);
}

export async function withRedis<T>(config: Config, fn: (redis: Redis, keys: Keys) => Promise<T>): Promise<T> {
  const { connectRedis, Keys, reconnectDelay } = await import('../store/redis.js');
  const url = config.settings.redis.url;
  let connected = false;
  let lastError: unknown;
  const redis = connectRedis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => (connected ? reconnectDelay(times) : null),
  });
  redis.on('error', (e: unknown) => {
    lastError = e;
  });
  try {
    await redis.connect();
    connected = true;
  } catch (e) {
    redis.disconnect();
    throw new RedisError(`cannot reach Redis at ${redactUrl(url)} (${reasonOf(lastError ?? e)})`, { cause: lastError ?? e });
  }
  try {
    return await fn(redis, new Keys(config.settings.redis.prefix));
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
