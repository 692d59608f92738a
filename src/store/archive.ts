/**
 * The archive: every processed article and the rules it matched, kept for the retention period,
 * so digests can be built from it, rules backtested (`belwatch rules test`) and recent items
 * searched (`belwatch search`). All writes are idempotent (a retried job writes the same values).
 *
 *   article:<id>       the Article as JSON, plus its first-seen time and cluster id
 *   matches:<id>       the RuleMatch list as JSON
 *   archive:by-time    sorted set of ids by first-seen time (ms); trimmed past retention
 *   rule:<ruleId>      sorted set of ids the rule matched, by first-seen time
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { Article, RuleMatch } from '../types.js';
import type { Keys } from './redis.js';

export interface ArchivedArticle {
  readonly article: Article;
  readonly firstSeen: number;
  readonly clusterId: string;
  readonly matches: readonly RuleMatch[];
}

/** Adds the archive writes for one article to a MULTI the caller executes (`commitArticle`). */
export function queueArchiveWrites(m: ChainableCommander, keys: Keys, entry: ArchivedArticle, retentionS: number): void {
  const { article, firstSeen, clusterId, matches } = entry;
  m.set(keys.article(article.id), JSON.stringify({ article, firstSeen, clusterId }), 'EX', retentionS);
  m.set(keys.articleMatches(article.id), JSON.stringify(matches), 'EX', retentionS);
  m.zadd(keys.archiveByTime(), firstSeen, article.id);
  for (const match of matches) {
    m.zadd(keys.ruleMatches(match.ruleId), firstSeen, article.id);
    m.expire(keys.ruleMatches(match.ruleId), retentionS);
  }
}

export async function readArchived(redis: Redis, keys: Keys, ids: readonly string[]): Promise<ArchivedArticle[]> {
  if (ids.length === 0) return [];
  const [articles, matches] = await Promise.all([
    redis.mget(...ids.map((id) => keys.article(id))),
    redis.mget(...ids.map((id) => keys.articleMatches(id))),
  ]);
  const out: ArchivedArticle[] = [];
  ids.forEach((_id, i) => {
    const a = articles[i];
    if (!a) return;
    const parsed = JSON.parse(a) as { article: Article; firstSeen: number; clusterId: string };
    out.push({ ...parsed, matches: JSON.parse(matches[i] ?? '[]') as RuleMatch[] });
  });
  return out;
}

/** Archived article ids first seen in [sinceMs, untilMs], newest first. */
export async function archivedIdsSince(redis: Redis, keys: Keys, sinceMs: number, untilMs = Date.now()): Promise<string[]> {
  return redis.zrevrangebyscore(keys.archiveByTime(), untilMs, sinceMs);
}

/** Drops index entries older than the retention (the articles themselves expire by TTL). */
export async function trimArchive(redis: Redis, keys: Keys, retentionS: number, nowMs = Date.now()): Promise<number> {
  return redis.zremrangebyscore(keys.archiveByTime(), '-inf', nowMs - retentionS * 1000);
}
