/**
 * Persistence of source health and of per-source fetch state (ETag, Last-Modified, page hash,
 * the item ids of the last poll). One JSON value per source; a poll job is the only writer of its
 * source's record (job schedulers run one poll per source at a time).
 */
import type { Redis } from 'ioredis';
import { emptyHealth, type SourceHealth } from '../pipeline/source-health.js';
import type { SourceState } from '../types.js';
import type { Keys } from './redis.js';

export async function readHealth(redis: Redis, keys: Keys, sourceId: string): Promise<SourceHealth> {
  const raw = await redis.get(keys.health(sourceId));
  return raw ? { ...emptyHealth(sourceId), ...(JSON.parse(raw) as Partial<SourceHealth>) } : emptyHealth(sourceId);
}

export async function readAllHealth(redis: Redis, keys: Keys, sourceIds: readonly string[]): Promise<SourceHealth[]> {
  if (sourceIds.length === 0) return [];
  const raw = await redis.mget(...sourceIds.map((id) => keys.health(id)));
  return sourceIds.map((id, i) => {
    const r = raw[i];
    return r ? { ...emptyHealth(id), ...(JSON.parse(r) as Partial<SourceHealth>) } : emptyHealth(id);
  });
}

export async function writeHealth(redis: Redis, keys: Keys, health: SourceHealth): Promise<void> {
  await redis.set(keys.health(health.sourceId), JSON.stringify(health));
}

export async function readSourceState(redis: Redis, keys: Keys, sourceId: string): Promise<SourceState> {
  const raw = await redis.get(keys.sourceState(sourceId));
  return raw ? (JSON.parse(raw) as SourceState) : {};
}

export async function writeSourceState(redis: Redis, keys: Keys, sourceId: string, state: SourceState): Promise<void> {
  await redis.set(keys.sourceState(sourceId), JSON.stringify(state));
}

/**
 * Replaces the remembered item ids of a source's last poll and says whether the new set overlaps
 * the old one: undefined when either has fewer than 3 items (too few to judge).
 */
export async function swapLastItems(redis: Redis, keys: Keys, sourceId: string, ids: readonly string[]): Promise<boolean | undefined> {
  const key = keys.lastItems(sourceId);
  const previous = await redis.smembers(key);
  const m = redis.multi().del(key);
  if (ids.length > 0) m.sadd(key, ...ids);
  await m.exec();
  if (previous.length < 3 || ids.length < 3) return undefined;
  const prev = new Set(previous);
  return ids.some((id) => prev.has(id));
}
