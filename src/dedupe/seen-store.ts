/**
 * Exact deduplication: each article id is claimed once in Redis, for the retention period.
 *
 * A claim is `SET NX` of `seen:<id>` to `pending:<marker>` (a short TTL, so a process that dies
 * mid-way frees the id again); `commitArticle` (pipeline/hand-off.ts) marks it `done` with the
 * retention TTL in the same MULTI that archives and hands off the article. `claimArticle` answers:
 *   new        first time: process it
 *   retry      claimed by this same marker before (a retried job): process again, steps are idempotent
 *   duplicate  done before, or being processed right now by someone else
 * `unseenIds` reads the same keys without claiming: which of a poll's items are new (the fetcher
 * queues only those, and fetches full text only for those).
 */
import type { Redis } from 'ioredis';
import type { Keys } from '../store/redis.js';

export type ClaimResult = 'new' | 'retry' | 'duplicate';

const CLAIM = `
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], 'pending:' .. ARGV[1], 'EX', ARGV[2])
  return 'new'
end
if v == 'pending:' .. ARGV[1] then return 'retry' end
return 'duplicate'
`;

export const PENDING_CLAIM_TTL_S = 600;

export async function claimArticle(redis: Redis, keys: Keys, articleId: string, marker: string): Promise<ClaimResult> {
  const r = (await redis.eval(CLAIM, 1, keys.seen(articleId), marker, PENDING_CLAIM_TTL_S)) as string;
  return r === 'new' || r === 'retry' ? r : 'duplicate';
}

/** The ids among `ids` that Redis has no claim for (neither done nor pending), in one round trip. */
export async function unseenIds(redis: Redis, keys: Keys, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const seen = await redis.mget(...ids.map((id) => keys.seen(id)));
  return new Set(ids.filter((_id, i) => seen[i] === null));
}
