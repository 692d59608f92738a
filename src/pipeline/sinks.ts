/**
 * Where a poll's articles go. `processInline` runs the process step in this process (used by
 * `belwatch poll --once`, and counts every outcome); `enqueueForProcessors` hands each article to
 * the `process` queue in batches with deterministic job ids (a batch already queued is not queued twice)
 * and counts as new the ids Redis has not seen yet.
 */
import type { Queue } from 'bullmq';
import { unseenIds } from '../dedupe/seen-store.js';
import type { Article } from '../types.js';
import type { PipelineContext } from './context.js';
import type { ArticleCounts, ArticleSink } from './poll-source.js';
import { processArticle } from './process-article.js';
import { PROCESS_BATCH, processJobId, type ProcessJobData } from './queues.js';

export function processInline(ctx: PipelineContext, marker: string): ArticleSink {
  return async (articles) => {
    const counts = { new: 0, duplicates: 0, clustered: 0, matched: 0 };
    for (const article of articles) {
      const r = await processArticle(ctx, article, marker);
      if (r.status === 'new') counts.new++;
      else if (r.status === 'duplicate') counts.duplicates++;
      else counts.clustered++;
      if (r.handedOff.length > 0) counts.matched++;
    }
    return counts;
  };
}

export function enqueueForProcessors(ctx: PipelineContext, queue: Queue<ProcessJobData>): ArticleSink {
  return async (articles: readonly Article[], source) => {
    if (articles.length === 0) return { new: 0, duplicates: 0, clustered: 0, matched: 0 };
    const unseen = await unseenIds(ctx.redis, ctx.keys, articles.map((a) => a.id));
    const fresh = articles.filter((a) => unseen.has(a.id));
    const jobs = [];
    for (let i = 0; i < fresh.length; i += PROCESS_BATCH) {
      const batch = fresh.slice(i, i + PROCESS_BATCH);
      jobs.push({ name: 'process', data: { sourceId: source.id, articles: batch }, opts: { jobId: processJobId(source.id, batch.map((a) => a.id)) } });
    }
    if (jobs.length > 0) await queue.addBulk(jobs);
    const counts: ArticleCounts = { new: fresh.length, duplicates: articles.length - fresh.length, clustered: 0, matched: 0 };
    return counts;
  };
}
