/**
 * BullMQ workers for the fetcher and processor roles. Each processor is a few lines that call a
 * stage function: a poll job runs `pollSource` for its source id with the current config (a source
 * removed from the config is skipped, not failed); a process job runs `processArticle` for each
 * article of its batch with the job id as claim marker, so a job retried after a crash re-enters
 * its own claims and skips nothing. `closeWorkers` is the service's shutdown of all its workers
 * together within the grace period.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import { handBackOnShutdown } from './hand-back.js';
import { keyPrefix } from '../store/redis.js';
import type { Logger } from '../log.js';
import type { PipelineContext } from './context.js';
import { pollSource } from './poll-source.js';
import { processArticle, type ProcessResult } from './process-article.js';
import { upsertPollSchedule } from './schedule-polls.js';
import { QUEUE, type PollJobData, type PollJobResult, type ProcessJobData, type ProcessJobResult, type Queues } from './queues.js';
import { enqueueForProcessors } from './sinks.js';

export interface WorkerOptions {
  readonly connection: ConnectionOptions;
  readonly prefix: string;
  readonly concurrency: number;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  /** Aborts when the shutdown grace period is over: running jobs are handed back (see hand-back.ts). */
  readonly shutdown?: AbortSignal | undefined;
  /** The worker's `error` events (default: logged as errors); the service hands them to its Redis watch. */
  readonly onError?: ((err: Error, queue: string) => void) | undefined;
}

export function startFetcher(ctx: PipelineContext, queues: Queues, opts: WorkerOptions): Worker<PollJobData, PollJobResult> {
  const sink = enqueueForProcessors(ctx, queues.process);
  const worker = new Worker<PollJobData, PollJobResult>(
    QUEUE.poll,
    handBackOnShutdown(opts.shutdown, async (job, _token, signal): Promise<PollJobResult> => {
      const source = ctx.runtime().config.sources.find((s) => s.id === job.data.sourceId);
      if (!source || !source.enabled) return { skipped: 'not configured' };
      const summary = await pollSource(ctx, source, sink, { force: job.data.force === true, marker: job.id ?? 'poll', signal });
      if (summary.newIntervalMs !== undefined) {
        await upsertPollSchedule(queues.poll, source.id, summary.newIntervalMs);
      }
      return { sourceId: source.id, outcome: summary.outcome, errorClass: summary.errorClass, items: summary.items, new: summary.new };
    }),
    workerSettings(opts),
  );
  worker.on('failed', (job, err) => ctx.log.warn({ queue: QUEUE.poll, job: job?.id, source: job?.data.sourceId }, `poll job failed: ${err.message}`));
  worker.on('error', workerErrorHandler(ctx.log, QUEUE.poll, opts.onError));
  return worker;
}

export function startProcessor(ctx: PipelineContext, opts: WorkerOptions): Worker<ProcessJobData, ProcessJobResult> {
  const worker = new Worker<ProcessJobData, ProcessJobResult>(
    QUEUE.process,
    handBackOnShutdown(opts.shutdown, async (job): Promise<ProcessJobResult> => {
      // A few articles of the batch at a time: the work is mostly Redis round trips.
      const results: ProcessResult[] = [];
      const articles = job.data.articles;
      for (let i = 0; i < articles.length; i += 4) {
        results.push(...(await Promise.all(articles.slice(i, i + 4).map((a) => processArticle(ctx, a, job.id ?? a.id)))));
      }
      return results.map((r) => ({ status: r.status, matched: r.matched, handedOff: r.handedOff }));
    }),
    workerSettings(opts),
  );
  worker.on('failed', (job, err) => ctx.log.warn({ queue: QUEUE.process, job: job?.id }, `process job failed: ${err.message}`));
  worker.on('error', workerErrorHandler(ctx.log, QUEUE.process, opts.onError));
  return worker;
}

/** Closes every worker; past the grace period running jobs are handed back, then workers are forced closed. */
export async function closeWorkers(workers: readonly Worker[], grace: number, shutdown: AbortController, log: Pick<Logger, 'warn'>): Promise<void> {
  const after = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
  // A worker closed while its connections still start up has their first commands rejected with
  // nobody listening (a failed start closes workers moments after creating them): let them finish, bounded.
  await Promise.race([Promise.all(workers.map((wk) => wk.waitUntilReady().catch(() => undefined))), after(2_000)]);
  const closed = Promise.all(workers.map((wk) => wk.close())).then(() => 'done' as const);
  // The last part of the grace period (a quarter, at most 1 s) is kept for handing jobs back.
  const reserve = Math.min(1000, Math.floor(grace / 4));
  if ((await Promise.race([closed, after(grace - reserve)])) === 'done') return;
  // Running jobs are moved back to waiting (another process takes them at once) and their work aborted.
  shutdown.abort();
  const handedBack = await Promise.race([closed, after(reserve)]);
  log.warn(handedBack === 'done' ? 'shutdown grace period over: running jobs handed back to their queues' : 'shutdown grace period over: some jobs did not hand back; left to stalled-job recovery');
  if (handedBack === 'timeout') await Promise.all(workers.map((wk) => wk.close(true)));
}

/** A worker's `error` listener: `onError` when given (the service's Redis watch), else an error log line. */
export function workerErrorHandler(log: Pick<Logger, 'error'>, queue: string, onError: WorkerOptions['onError']): (err: Error) => void {
  return onError ? (err) => onError(err, queue) : (err) => log.error({ queue }, `worker error: ${err.message}`);
}

function workerSettings(opts: WorkerOptions) {
  return {
    connection: opts.connection,
    prefix: keyPrefix(opts.prefix),
    concurrency: opts.concurrency,
    lockDuration: opts.lockDuration,
    stalledInterval: opts.stalledInterval,
    maxStalledCount: 3,
  };
}
