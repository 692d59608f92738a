/**
 * The fetcher role: one BullMQ worker on the `poll` queue (`workers.pollConcurrency` polls at a
 * time), each poll counted in this process's metrics by source, outcome and error class.
 */
import type { Worker } from 'bullmq';
import type { PollJobData, PollJobResult } from '../queues.js';
import { startFetcher } from '../workers.js';
import { jobSeconds, type RoleEnv } from './role-env.js';

export function startFetcherRole(env: RoleEnv): Worker<PollJobData, PollJobResult> {
  const concurrency = env.ctx.runtime().config.settings.workers.pollConcurrency;
  const worker = startFetcher(env.ctx, env.queues, { ...env.workerOptions, concurrency });
  worker.on('completed', (job, result) => {
    if ('outcome' in result) env.metrics.observePoll(result, jobSeconds(job));
  });
  return worker;
}
