/**
 * The last step of processing an article, in one MULTI so it lands whole or not at all: archive
 * the article and its matches, hand each match to its subscriptions once per story and rule, and
 * mark the id done. A crash before it leaves the id claimed-but-pending (a retry redoes the work);
 * after it, everything is in place.
 *
 * Hand-off per rule (Lua): `HSETNX cluster-rules:<cluster> <rule> <article>`; only the article that
 * owns the (story, rule) pair — the first, or the same one again on a retry — adds
 * `<rule>|<article>` to `pending:<subscription>` of each subscription that includes the rule.
 */
import type { Redis } from 'ioredis';
import { queueArchiveWrites, type ArchivedArticle } from '../store/archive.js';
import { pendingMember } from '../store/pending.js';
import type { Keys } from '../store/redis.js';

const HAND_OFF = `
local article, ttl, score, nrules = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local k, a, out = 2, 5, {}
for r = 1, nrules do
  local rule, nsubs, member = ARGV[a], tonumber(ARGV[a + 1]), ARGV[a + 2]
  a = a + 3
  redis.call('HSETNX', KEYS[1], rule, article)
  if redis.call('HGET', KEYS[1], rule) == article then
    for s = 0, nsubs - 1 do redis.call('ZADD', KEYS[k + s], 'NX', score, member) end
    table.insert(out, rule)
  end
  k = k + nsubs
end
if nrules > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return out
`;

export async function commitArticle(
  redis: Redis,
  keys: Keys,
  entry: ArchivedArticle,
  subscriptionsByRule: ReadonlyMap<string, readonly string[]>,
  retentionS: number,
): Promise<string[]> {
  const { article, clusterId, firstSeen, matches } = entry;
  const pendingKeys: string[] = [];
  const args: (string | number)[] = [article.id, retentionS, firstSeen, matches.length];
  for (const m of matches) {
    const subs = subscriptionsByRule.get(m.ruleId) ?? [];
    pendingKeys.push(...subs.map((s) => keys.pending(s)));
    args.push(m.ruleId, subs.length, pendingMember(m.ruleId, article.id));
  }
  const multi = redis.multi();
  queueArchiveWrites(multi, keys, entry, retentionS);
  multi.eval(HAND_OFF, 1 + pendingKeys.length, keys.clusterRules(clusterId), ...pendingKeys, ...args);
  multi.set(keys.seen(article.id), 'done', 'EX', retentionS);
  const results = (await multi.exec()) ?? [];
  const failed = results.find(([err]) => err !== null);
  if (failed?.[0]) throw failed[0];
  return (results[results.length - 2]?.[1] as string[] | undefined) ?? [];
}
