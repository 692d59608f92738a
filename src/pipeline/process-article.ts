/**
 * The process step, once per article: claim -> cluster -> match -> archive -> hand off -> done.
 *
 * 1. Claim the article id (exact dedupe). Seen before: stop, a duplicate.
 * 2. Near-duplicate clustering: a republished copy joins the first article's story cluster.
 * 3. Match against the compiled rules (every article, so the archive can be searched).
 * 4. In one MULTI (`commitArticle`): archive the article and its matches; hand off each match to
 *    the subscriptions that include its rule — once per story and rule: a copy in an existing
 *    cluster does not alert again for a rule the story already alerted on; mark the id done.
 * 5. Tell the notifier (instant delivery) about what was handed off.
 * Every step is idempotent, so a job retried after a crash at any point repeats safely.
 */
import { assignCluster } from '../dedupe/cluster-store.js';
import { minhashSignature } from '../dedupe/minhash.js';
import { claimArticle } from '../dedupe/seen-store.js';
import { commitArticle } from './hand-off.js';
import type { Article } from '../types.js';
import { retentionSeconds } from '../config/retention.js';
import type { PipelineContext } from './context.js';

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
  const handedOff = await commitArticle(redis, keys, { article, firstSeen, clusterId: cluster.clusterId, matches }, rt.subscriptionsByRule, retention);
  if (ctx.onPending) {
    for (const ruleId of handedOff) {
      const subs = rt.subscriptionsByRule.get(ruleId) ?? [];
      if (subs.length > 0) await ctx.onPending(subs, ruleId, article);
    }
  }
  return {
    status: cluster.joined ? 'clustered' : 'new',
    clusterId: cluster.clusterId,
    matched: matches.map((m) => m.ruleId),
    handedOff,
  };
}
