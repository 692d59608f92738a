/**
 * Story clusters: near-duplicate articles across outlets (republications, syndicated copy) are
 * joined to the cluster of the first article seen, instead of alerting again.
 *
 * `assignCluster` registers the article's MinHash signature in the LSH band buckets (sorted sets
 * keeping the newest `BUCKET_CAP` members) and reads the buckets' earlier members in one Lua script, so of two copies processed at the same moment
 * the later one always sees the earlier. Candidates whose estimated similarity reaches
 * `threshold` are compared and the best one's cluster is joined; otherwise the article starts
 * its own cluster (its id is the cluster id). Calling it again for the same article returns the
 * cluster already assigned (retried jobs are idempotent). Every key expires with the retention.
 *
 * Known limit: if the earlier copy is itself still being assigned when the later one reads its
 * cluster, the later copy joins the earlier copy's id as cluster; both still never alert twice
 * for one rule within each cluster.
 */
import type { Redis } from 'ioredis';
import type { Keys } from '../store/redis.js';
import { BANDS, bandBuckets, decodeSignature, encodeSignature, estimateSimilarity } from './minhash.js';

/** Estimated Jaccard similarity of lead shingles from which two articles are one story (see tests/dedupe). */
export const DEFAULT_CLUSTER_THRESHOLD = 0.5;

/** Members kept per LSH bucket: the newest ones, so a flood of look-alike items stays cheap. */
export const BUCKET_CAP = 32;

const REGISTER = `
local n = tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
local seen = {}
local out = {}
for i = 1, n do
  local members = redis.call('ZREVRANGE', KEYS[i], 0, cap - 1)
  for _, m in ipairs(members) do
    if m ~= ARGV[1] and not seen[m] then seen[m] = true; table.insert(out, m) end
  end
  redis.call('ZADD', KEYS[i], ARGV[6], ARGV[1])
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(cap + 1))
  redis.call('EXPIRE', KEYS[i], ARGV[3])
end
redis.call('SET', KEYS[n + 1], ARGV[2], 'EX', ARGV[3])
return out
`;

export interface ClusterAssignment {
  readonly clusterId: string;
  /** True when the article joined an earlier story instead of starting one. */
  readonly joined: boolean;
  readonly similarity: number;
}

export async function assignCluster(
  redis: Redis,
  keys: Keys,
  articleId: string,
  signature: Uint32Array | undefined,
  firstSeenMs: number,
  retentionS: number,
  threshold = DEFAULT_CLUSTER_THRESHOLD,
): Promise<ClusterAssignment> {
  const existing = await redis.get(keys.articleCluster(articleId));
  if (existing) return { clusterId: existing, joined: existing !== articleId, similarity: existing === articleId ? 0 : 1 };

  let best: { id: string; sim: number } | undefined;
  if (signature) {
    const buckets = bandBuckets(signature).map((b, i) => keys.lshBucket(i, b));
    const candidates = (await redis.eval(
      REGISTER,
      BANDS + 1,
      ...buckets,
      keys.minhash(articleId),
      articleId,
      encodeSignature(signature),
      retentionS,
      BANDS,
      BUCKET_CAP,
      firstSeenMs,
    )) as string[];
    if (candidates.length > 0) {
      const sigs = await redis.mget(...candidates.map((c) => keys.minhash(c)));
      candidates.forEach((c, i) => {
        const other = sigs[i] ? decodeSignature(sigs[i]) : undefined;
        if (!other) return;
        const sim = estimateSimilarity(signature, other);
        if (sim >= threshold && (!best || sim > best.sim)) best = { id: c, sim };
      });
    }
  }
  const clusterId = best ? ((await redis.get(keys.articleCluster(best.id))) ?? best.id) : articleId;
  await redis
    .multi()
    .set(keys.articleCluster(articleId), clusterId, 'EX', retentionS)
    .zadd(keys.cluster(clusterId), 'NX', firstSeenMs, articleId)
    .expire(keys.cluster(clusterId), retentionS)
    .exec();
  return { clusterId, joined: clusterId !== articleId, similarity: best?.sim ?? 0 };
}

export async function clusterMembers(redis: Redis, keys: Keys, clusterId: string): Promise<string[]> {
  return redis.zrange(keys.cluster(clusterId), 0, -1);
}
