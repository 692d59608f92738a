/**
 * Delivery records: one per (digest, channel index), in the hash `deliveries:<digest id>`.
 *
 * A record is written `sending` before a channel is tried and `sent` (with the receipt's target
 * and ref) after it accepted, so a retry skips what was sent; `failed` is a permanent failure
 * (not retried), `retrying` a retryable one (with Slack's resume point `fromPart`). Every write
 * also bumps the digest in `deliveries:recent` (kept to the newest `RECENT_KEEP`), which
 * `belwatch deliveries` lists. Records expire with the retention period.
 */
import type { Redis } from 'ioredis';
import type { Keys } from '../store/redis.js';
import { NotifyKeys } from './keys.js';

export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'retrying' | 'skipped';

export interface DeliveryRecord {
  readonly index: number;
  readonly type: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly target?: string | undefined;
  readonly ref?: string | undefined;
  /** Already scrubbed by `deliverDigest` (`scrubError`): no secret, no URL path or query. */
  readonly error?: string | undefined;
  /** Slack: messages already accepted (resume from here). */
  readonly fromPart?: number | undefined;
  /** ms */
  readonly updatedAt: number;
}

export const RECENT_KEEP = 1000;

export async function readDeliveries(redis: Redis, keys: Keys, digestId: string): Promise<DeliveryRecord[]> {
  const raw = await redis.hgetall(new NotifyKeys(keys).deliveries(digestId));
  return Object.values(raw)
    .map((v) => JSON.parse(v) as DeliveryRecord)
    .sort((a, b) => a.index - b.index);
}

export async function writeDelivery(redis: Redis, keys: Keys, digestId: string, record: DeliveryRecord, ttlSeconds: number): Promise<void> {
  const nk = new NotifyKeys(keys);
  await redis
    .multi()
    .hset(nk.deliveries(digestId), String(record.index), JSON.stringify(record))
    .expire(nk.deliveries(digestId), ttlSeconds)
    .zadd(nk.recentDeliveries(), record.updatedAt, digestId)
    .zremrangebyrank(nk.recentDeliveries(), 0, -(RECENT_KEEP + 1))
    .exec();
}

export interface DigestSummary {
  readonly digestId: string;
  readonly subscription: string;
  readonly stream: string;
  readonly start: number;
  readonly end: number;
  /** Items claimed into the digest. */
  readonly items: number;
  readonly open: boolean;
  readonly deliveries: readonly DeliveryRecord[];
}

/** Digests with delivery activity, newest first (optionally of one subscription). */
export async function listRecentDeliveries(redis: Redis, keys: Keys, opts: { subscription?: string | undefined; limit?: number } = {}): Promise<DigestSummary[]> {
  const nk = new NotifyKeys(keys);
  const ids = await redis.zrevrange(nk.recentDeliveries(), 0, RECENT_KEEP - 1);
  const out: DigestSummary[] = [];
  for (const id of ids) {
    if (out.length >= (opts.limit ?? 50)) break;
    const meta = await redis.hgetall(nk.digestMeta(id));
    if (!meta['subscription'] || (opts.subscription && meta['subscription'] !== opts.subscription)) continue;
    const [items, open, deliveries] = await Promise.all([redis.zcard(nk.digestItems(id)), redis.zscore(nk.openDigests(), id), readDeliveries(redis, keys, id)]);
    out.push({ digestId: id, subscription: meta['subscription'], stream: meta['stream'] ?? 'digest', start: Number(meta['start']), end: Number(meta['end']), items, open: open !== null, deliveries });
  }
  return out;
}

/** The digest needs no more work: off the open set, on the recent list. */
export async function finishDigest(redis: Redis, keys: Keys, digestId: string, nowMs: number): Promise<void> {
  const nk = new NotifyKeys(keys);
  await redis.multi().zrem(nk.openDigests(), digestId).zadd(nk.recentDeliveries(), nowMs, digestId).zremrangebyrank(nk.recentDeliveries(), 0, -(RECENT_KEEP + 1)).exec();
}
