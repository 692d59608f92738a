/**
 * The digest of a claimed window, built once and stored.
 *
 * `loadOrBuildDigest` returns `digest:<id>` when it exists; otherwise it builds the digest from the
 * claimed members — archived articles with the matches of the claimed rules only, their story
 * clusters' other copies for "also reported by", or the admin events of an admin window — and
 * stores it with `SET NX` (two builders racing store one and both return that one), for the
 * retention period. A retry therefore sends byte-identical content. An article that expired from
 * the archive is left out (logged by the caller through the count).
 */
import type { Redis } from 'ioredis';
import type { Config, SubscriptionConfig } from '../config/types.js';
import { buildDigest, type ClusterMember, type DigestItem } from '../digest/build.js';
import type { Digest } from '../digest/model.js';
import { clusterMembers } from '../dedupe/cluster-store.js';
import { readArchived } from '../store/archive.js';
import { parsePendingMember } from '../store/pending.js';
import type { Keys } from '../store/redis.js';
import { ADMIN_THEMES, adminEventItems, readAdminEvents } from './admin-events.js';
import type { WindowClaim } from './claim-window.js';
import { NotifyKeys } from './keys.js';

export async function loadDigest(redis: Redis, keys: Keys, digestId: string): Promise<Digest | null> {
  const raw = await redis.get(new NotifyKeys(keys).digest(digestId));
  return raw ? (JSON.parse(raw) as Digest) : null;
}

export async function loadOrBuildDigest(redis: Redis, keys: Keys, config: Config, sub: SubscriptionConfig, claim: WindowClaim, ttlSeconds: number): Promise<Digest> {
  const stored = await loadDigest(redis, keys, claim.digestId);
  if (stored) return stored;
  const digest = await assembleDigest(redis, keys, config, sub, claim);
  const key = new NotifyKeys(keys).digest(claim.digestId);
  await redis.set(key, JSON.stringify(digest), 'EX', ttlSeconds, 'NX');
  return (await loadDigest(redis, keys, claim.digestId)) ?? digest;
}

/** Builds (does not store) the digest of a claim: also used by `belwatch digest --dry-run`. */
export async function assembleDigest(redis: Redis, keys: Keys, config: Config, sub: SubscriptionConfig, claim: Pick<WindowClaim, 'digestId' | 'stream' | 'start' | 'end' | 'members'>): Promise<Digest> {
  const admin = claim.stream === 'admin';
  const items = admin ? adminEventItems(await readAdminEvents(redis, keys, claim.members)) : await readItems(redis, keys, claim.members);
  const sources: Record<string, string> = { belwatch: 'belwatch' };
  for (const s of config.sources) sources[s.id] = s.name;
  const digest = buildDigest({
    subscription: { id: sub.id, name: sub.name },
    window: { start: new Date(claim.start).toISOString(), end: new Date(claim.end).toISOString() },
    timeZone: sub.schedule.timezone,
    rules: admin ? ADMIN_THEMES : config.rules.map((r) => ({ id: r.id, name: r.name })),
    sources,
    items,
    kind: claim.stream === 'digest' ? 'digest' : 'alert',
  });
  return { ...digest, id: claim.digestId };
}

async function readItems(redis: Redis, keys: Keys, members: readonly string[]): Promise<DigestItem[]> {
  const rulesByArticle = new Map<string, Set<string>>();
  for (const m of members) {
    const { ruleId, articleId } = parsePendingMember(m, 0);
    rulesByArticle.set(articleId, (rulesByArticle.get(articleId) ?? new Set()).add(ruleId));
  }
  const archived = await readArchived(redis, keys, [...rulesByArticle.keys()]);
  const items: DigestItem[] = [];
  for (const a of archived) {
    const rules = rulesByArticle.get(a.article.id) ?? new Set<string>();
    const others = (await clusterMembers(redis, keys, a.clusterId)).filter((id) => id !== a.article.id);
    const copies = await readArchived(redis, keys, others);
    const cluster: ClusterMember[] = copies.map((c) => ({ sourceId: c.article.sourceId, url: c.article.url, title: c.article.title }));
    items.push({ article: a.article, matches: a.matches.filter((m) => rules.has(m.ruleId)), ...(cluster.length > 0 ? { cluster: { articles: cluster } } : {}) });
  }
  return items;
}
