/** Real Redis for tests: a unique key prefix per test, and every key under it deleted afterwards. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Keys } from '../../src/store/redis.js';

export const REDIS_URL = process.env['BELWATCH_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  readonly redis: Redis;
  readonly prefix: string;
  readonly keys: Keys;
  cleanup(): Promise<void>;
}

export async function openTestRedis(): Promise<TestRedis> {
  const prefix = `bwtest-${randomBytes(6).toString('hex')}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  await redis.ping();
  return {
    redis,
    prefix,
    keys: new Keys(prefix),
    async cleanup() {
      await deleteKeys(redis, `{${prefix}}*`);
      await redis.quit();
    },
  };
}

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  for (let i = 0; i < 10_000; i++) {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (batch.length > 0) await redis.unlink(...batch);
    cursor = next;
    if (cursor === '0') break;
  }
}
