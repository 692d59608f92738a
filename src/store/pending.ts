/**
 * Pending matches per subscription: the hand-off between matching and delivery.
 *
 * `pending:<subscription>` is a sorted set of `<ruleId>|<articleId>` members scored by first-seen
 * time. Entries are added by `commitArticle` (pipeline/hand-off.ts) with `ZADD NX`, so a retried
 * job never doubles one; the digest stage moves members out atomically when it builds a digest.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './redis.js';

export interface PendingEntry {
  readonly ruleId: string;
  readonly articleId: string;
  readonly firstSeen: number;
}

export function pendingMember(ruleId: string, articleId: string): string {
  return `${ruleId}|${articleId}`;
}

export function parsePendingMember(member: string, score: number): PendingEntry {
  const bar = member.indexOf('|');
  return { ruleId: member.slice(0, bar), articleId: member.slice(bar + 1), firstSeen: score };
}

export async function listPending(redis: Redis, keys: Keys, subscriptionId: string): Promise<PendingEntry[]> {
  const raw = await redis.zrange(keys.pending(subscriptionId), 0, -1, 'WITHSCORES');
  const out: PendingEntry[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push(parsePendingMember(raw[i] ?? '', Number(raw[i + 1])));
  return out;
}
