/**
 * The process step, once per article: claim -> cluster -> match -> archive -> hand off -> done.
 *
 * 1. Claim the article id (exact dedupe). Seen before: stop, a duplicate.
 * 2. Near-duplicate clustering: a republished copy joins the first article's story cluster.
 * 3. Match against the compiled rules (every article, so the archive can be searched).
 * 4. Archive the article and its matches.
 * 5. Hand off each match to the subscriptions that include its rule — once per story and rule:
 *    a copy in an existing cluster does not alert again for a rule the story already alerted on.
 * 6. Mark the id done.
 * Every step is idempotent, so a job retried after a crash at any point repeats safely.
 */
import { assignCluster, claimClusterRule } from '../dedupe/cluster-store.js';
import { minhashSignature } from '../dedupe/minhash.js';
import { claimArticle, markArticleDone } from '../dedupe/seen-store.js';
import { archiveArticle } from '../store/archive.js';
import { addPending } from '../store/pending.js';
import type { Article } from '../types.js';
import { retentionSeconds, type PipelineContext } from './context.js';

export type ArticleStatus = 'new' | 'duplicate' | 'clustered';

export interface ProcessResult {
  readonly status: ArticleStatus;
  readonly clusterId?: string;
  /** Rules that matched. */
  readonly matched: readonly string[];
  /** Rules handed off to subscriptions (not already alerted for this story). */
  readonly handedOff: readonly string[];
}

export async function processArticle(ctx: PipelineContext, article: Article, marker: string): Promise<ProcessResult> {
  const { redis, keys } = ctx;
  const rt = ctx.runtime();
  const retention = retentionSeconds(rt.config);

  const claim = await claimArticle(redis, keys, article.id, marker);
  if (claim === 'duplicate') return { status: 'duplicate', matched: [], handedOff: [] };

  const firstSeen = ctx.now();
  const cluster = await assignCluster(redis, keys, article.id, minhashSignature(ctx.leadTokens(article)), firstSeen, retention);
  const matches = rt.match(article);
  await archiveArticle(redis, keys, { article, firstSeen, clusterId: cluster.clusterId, matches }, retention);

  const handedOff: string[] = [];
  for (const match of matches) {
    if (!(await claimClusterRule(redis, keys, cluster.clusterId, match.ruleId, article.id, retention))) continue;
    const subs = rt.subscriptionsByRule.get(match.ruleId) ?? [];
    await addPending(redis, keys, subs, match.ruleId, article.id, firstSeen);
    if (ctx.onPending && subs.length > 0) await ctx.onPending(subs, match.ruleId, article);
    handedOff.push(match.ruleId);
  }
  await markArticleDone(redis, keys, article.id, retention);
  return {
    status: cluster.joined ? 'clustered' : 'new',
    clusterId: cluster.clusterId,
    matched: matches.map((m) => m.ruleId),
    handedOff,
  };
}
