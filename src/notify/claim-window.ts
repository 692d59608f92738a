/**
 * Claiming a window: the one atomic step that makes a digest exist.
 *
 * A window of a subscription's stream (`digest`, `alert` or `admin`) is [end of the last claimed
 * window, `end`). `claimWindow` runs one Lua script that, for a digest id not seen before, moves
 * every pending member scored (first seen) before `end` into `digest-items:<id>`, records the
 * window in `digest-meta:<id>`, advances the stream's `window-end` and adds the id to the open
 * digests — all or nothing. Called again for the same id (a retried job, a second scheduler, a
 * second instance) it moves nothing and returns what the first call moved, so an item is in exactly
 * one digest per stream. A window ending at or before the last claimed end is `stale` (a window
 * another claimer already covered) and claims nothing.
 *
 * The first window of a stream starts at `firstStart` (the subscription's creation time). Members
 * older than the window start still move (nothing is stranded by a late-created subscription).
 */
import type { Redis } from 'ioredis';
import type { SubscriptionConfig } from '../config/types.js';
import { makeDigestId } from '../digest/model.js';
import type { Keys } from '../store/redis.js';
import { NotifyKeys, type Stream } from './keys.js';

const CLAIM = `
if redis.call('EXISTS', KEYS[3]) == 1 then
  local m = redis.call('HMGET', KEYS[3], 'start', 'end')
  local out = {'existing', m[1], m[2]}
  for _, v in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do table.insert(out, v) end
  return out
end
local wend = tonumber(ARGV[1])
local last = redis.call('GET', KEYS[4])
local start = tonumber(ARGV[2])
if last then
  if tonumber(last) >= wend then return {'stale', last, last} end
  start = tonumber(last)
end
if start > wend then start = wend end
local moved = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'WITHSCORES')
for i = 1, #moved, 1000 do
  local args = {}
  for j = i, math.min(i + 999, #moved), 2 do
    table.insert(args, moved[j + 1])
    table.insert(args, moved[j])
  end
  redis.call('ZADD', KEYS[2], unpack(args))
end
if #moved > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1]) end
redis.call('HSET', KEYS[3], 'subscription', ARGV[3], 'stream', ARGV[4], 'start', tostring(start), 'end', ARGV[1], 'claimedAt', ARGV[6])
redis.call('EXPIRE', KEYS[3], ARGV[7])
if #moved > 0 then redis.call('EXPIRE', KEYS[2], ARGV[7]) end
redis.call('SET', KEYS[4], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[5])
local out = {'claimed', tostring(start), ARGV[1]}
for i = 1, #moved, 2 do table.insert(out, moved[i]) end
return out
`;

export interface WindowClaim {
  readonly status: 'claimed' | 'existing' | 'stale';
  readonly digestId: string;
  readonly stream: Stream;
  readonly start: number;
  readonly end: number;
  /** Pending members (`<ruleId>|<articleId>` or admin event ids) in the digest. */
  readonly members: readonly string[];
}

/** The digest id of a stream's window: deterministic, so every claimer agrees on it. */
export function makeStreamDigestId(subscriptionId: string, stream: Stream, endMs: number): string {
  const end = new Date(endMs).toISOString();
  if (stream === 'admin') return makeDigestId(`${subscriptionId}-admin`, end);
  return makeDigestId(subscriptionId, end, stream === 'alert' ? 'alert' : 'digest');
}

/** Where a stream's pending members wait. */
export function pendingKeyFor(keys: Keys, sub: Pick<SubscriptionConfig, 'id' | 'mode'>, stream: Stream): string {
  const nk = new NotifyKeys(keys);
  if (stream === 'admin') return nk.adminPending(sub.id);
  if (stream === 'alert' && sub.mode !== 'instant') return nk.alertPending(sub.id);
  return keys.pending(sub.id);
}

export interface ClaimRequest {
  readonly sub: Pick<SubscriptionConfig, 'id' | 'mode'>;
  readonly stream: Stream;
  readonly endMs: number;
  /** Start of the stream's first window (no window claimed yet). */
  readonly firstStartMs: number;
  readonly nowMs: number;
  readonly ttlSeconds: number;
}

export async function claimWindow(redis: Redis, keys: Keys, req: ClaimRequest): Promise<WindowClaim> {
  const nk = new NotifyKeys(keys);
  const digestId = makeStreamDigestId(req.sub.id, req.stream, req.endMs);
  const raw = (await redis.eval(
    CLAIM,
    5,
    pendingKeyFor(keys, req.sub, req.stream),
    nk.digestItems(digestId),
    nk.digestMeta(digestId),
    nk.windowEnd(req.sub.id, req.stream),
    nk.openDigests(),
    String(req.endMs),
    String(req.firstStartMs),
    req.sub.id,
    req.stream,
    digestId,
    String(req.nowMs),
    String(req.ttlSeconds),
  )) as string[];
  const [status, start, end, ...members] = raw;
  return { status: status as WindowClaim['status'], digestId, stream: req.stream, start: Number(start), end: Number(end), members };
}

/** The end (ms) of the last claimed window of a stream, or null. */
export async function readWindowEnd(redis: Redis, keys: Keys, subscriptionId: string, stream: Stream): Promise<number | null> {
  const v = await redis.get(new NotifyKeys(keys).windowEnd(subscriptionId, stream));
  return v === null ? null : Number(v);
}

/** When the subscription was first seen (set once; later calls return the first value). */
export async function ensureSubscriptionCreated(redis: Redis, keys: Keys, subscriptionId: string, nowMs: number): Promise<number> {
  const key = new NotifyKeys(keys).subCreated(subscriptionId);
  await redis.set(key, String(nowMs), 'NX');
  return Number((await redis.get(key)) ?? nowMs);
}
