/**
 * The notifier's wiring (the delivery logic itself is `notify/`): a BullMQ worker on the `notify`
 * queue running `runNotifyJob` (retryable channel failures retry with the queue's backoff, or after
 * the remote's Retry-After when it gave one), the long-lived channel pieces (pooled SMTP
 * transports, the Slack rate limiter, the SSRF-guarded dispatcher) created once per process and
 * closed with it, and the poll hook that feeds source incidents to admins (`makeOnHealth`; instant
 * alerts hook in through `notify/alert-window.ts`'s `makeOnPending`).
 */
import { DelayedError, Worker } from 'bullmq';
import type { ChannelDeps } from '../channels/deliver.js';
import { EmailTransports } from '../channels/email.js';
import { SlackRateLimiter } from '../channels/slack.js';
import type { Config, SourceConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { retentionSeconds } from '../config/retention.js';
import type { NotifyJobData } from '../notify/job-data.js';
import type { PipelineContext } from './context.js';
import { QUEUE } from './queues.js';
import { handBackOnShutdown } from './hand-back.js';
import { workerErrorHandler, type WorkerOptions } from './workers.js';
import { assessHealth, type SourceHealth } from './source-health.js';
import { createGuardedDispatcher } from '../sources/fetch/guarded-dispatcher.js';
import { keyPrefix } from '../store/redis.js';
import { raiseAdminEvent, recordHealthTransition } from '../notify/admin-events.js';
import { scheduleAlert, type AlertEnv } from '../notify/alert-window.js';
import { DeliveryRetryError, runNotifyJob, type NotifyEnv, type NotifyResult } from '../notify/notify-job.js';

/** A remote's Retry-After longer than this is capped (the job is tried again by then at the latest). */
const MAX_RETRY_AFTER_MS = 3_600_000;

export interface ChannelKit {
  readonly deps: ChannelDeps;
  close(): Promise<void>;
}

/** The channel senders' shared pieces for one process, from the config at start. */
/** `now`: the service clock (Redis time), for webhook timestamps that receivers check for freshness. */
export function openChannelKit(config: Config, now?: () => number): ChannelKit {
  const email = new EmailTransports(config.settings.smtp);
  const dispatcher = createGuardedDispatcher(config.settings);
  return {
    deps: { email, slackLimiter: new SlackRateLimiter(), dispatcher, timeoutMs: config.settings.http.timeout, baseDir: process.cwd(), from: config.settings.smtp.from, now },
    async close() {
      email.close();
      await dispatcher.close().catch(() => undefined);
    },
  };
}

export function startNotifier(env: NotifyEnv, opts: WorkerOptions): Worker<NotifyJobData, NotifyResult> {
  const worker = new Worker<NotifyJobData, NotifyResult>(
    QUEUE.notify,
    handBackOnShutdown(opts.shutdown, async (job, token) => {
      try {
        return await runNotifyJob(env, job.data);
      } catch (e) {
        // A 429 says when to come back: wait that long instead of the backoff (not counted as an attempt).
        if (e instanceof DeliveryRetryError && e.retryAfterMs !== undefined && token) {
          env.log.warn({ job: job.id, retryAfterMs: e.retryAfterMs }, e.message);
          await job.moveToDelayed(Date.now() + Math.min(e.retryAfterMs, MAX_RETRY_AFTER_MS), token);
          throw new DelayedError();
        }
        throw e;
      }
    }),
    {
      connection: opts.connection,
      prefix: keyPrefix(opts.prefix),
      concurrency: opts.concurrency,
      lockDuration: opts.lockDuration,
      stalledInterval: opts.stalledInterval,
      maxStalledCount: 1_000,
    },
  );
  worker.on('failed', (job, err) => env.log.warn({ queue: QUEUE.notify, job: job?.id, subscription: job?.data.subscriptionId }, `notify job failed: ${err.message}`));
  worker.on('error', workerErrorHandler(env.log, QUEUE.notify, opts.onError));
  return worker;
}

/**
 * After each poll: opens or closes the source's incident and alerts the admin subscriptions once
 * per transition. Never throws (a failing alert must not fail the poll); failures are logged.
 */
export function makeOnHealth(env: AlertEnv & { readonly log: Logger; readonly config: () => Config }): NonNullable<PipelineContext['onHealth']> {
  return async (source: SourceConfig, health: SourceHealth) => {
    try {
      const config = env.config();
      const event = await recordHealthTransition(env.redis, env.keys, source.id, source.name, assessHealth(health, env.now()), env.now());
      if (!event) return;
      env.log.warn({ source: source.id, event: event.kind }, event.title);
      for (const id of await raiseAdminEvent(env.redis, env.keys, config, event, retentionSeconds(config))) {
        const admin = config.subscriptions.find((s) => s.id === id);
        if (admin) await scheduleAlert(env, admin, 'admin');
      }
    } catch (e) {
      env.log.warn({ source: source.id }, `source health alert failed: ${describeError(e)}`);
    }
  };
}
