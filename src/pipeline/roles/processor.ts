/**
 * The processor role: one BullMQ worker on the `process` queue (`workers.processConcurrency`
 * batches at a time); each article of a batch is counted in this process's metrics, with the
 * batch's run time shared out evenly. Only this role compiles the rules at start (see service.ts).
 */
import type { Worker } from 'bullmq';
import type { ProcessJobData, ProcessJobResult } from '../queues.js';
import { startProcessor } from '../workers.js';
import { jobSeconds, type RoleEnv } from './role-env.js';

export function startProcessorRole(env: RoleEnv): Worker<ProcessJobData, ProcessJobResult> {
  const concurrency = env.ctx.runtime().config.settings.workers.processConcurrency;
  const worker = startProcessor(env.ctx, { ...env.workerOptions, concurrency });
  worker.on('completed', (job, results) => {
    const seconds = jobSeconds(job) / Math.max(1, results.length);
    for (const r of results) env.metrics.observeArticle(r, seconds);
  });
  return worker;
}
