/**
 * What the service hands each role starter: the pipeline context, the queues, this process's
 * metrics and Redis watch, the workers' common options, and the cleanup list to add release
 * steps to (see `../cleanup.ts`: a step added here runs before everything the service acquired
 * earlier, and every step runs even when another fails).
 */
import type { Queues } from '../queues.js';
import type { AlertEnv } from '../../notify/alert-window.js';
import type { Metrics } from '../../server/metrics.js';
import type { RedisWatch } from '../../store/redis-watch.js';
import type { CleanupList } from '../cleanup.js';
import type { PipelineContext } from '../context.js';
import type { WorkerOptions } from '../workers.js';

export interface RoleEnv {
  readonly ctx: PipelineContext;
  readonly queues: Queues;
  readonly metrics: Metrics;
  readonly watch: RedisWatch;
  readonly alerts: AlertEnv;
  readonly workerOptions: Omit<WorkerOptions, 'concurrency'>;
  readonly cleanup: CleanupList;
}

/** A finished job's run time in seconds (0 when BullMQ did not record both ends). */
export function jobSeconds(job: { readonly processedOn?: number | undefined; readonly finishedOn?: number | undefined }): number {
  return ((job.finishedOn ?? 0) - (job.processedOn ?? 0)) / 1000;
}
