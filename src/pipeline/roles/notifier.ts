/**
 * The notifier role: the channel senders' shared pieces (pooled SMTP transports, the Slack rate
 * limiter, the SSRF-guarded dispatcher), opened once and released by the cleanup list after the
 * workers, and one BullMQ worker on the `notify` queue. Deliveries mostly wait on SMTP, Slack and
 * webhook servers: four at once, so one slow server does not hold the rest (alerts are taken
 * before digests, see `notifyPriority`).
 */
import type { Worker } from 'bullmq';
import { openChannelKit, startNotifier } from '../notify-worker.js';
import type { NotifyResult } from '../../notify/notify-job.js';
import { retentionSeconds } from '../../config/retention.js';
import type { NotifyJobData } from '../../notify/job-data.js';
import type { RoleEnv } from './role-env.js';

export function startNotifierRole(env: RoleEnv): Worker<NotifyJobData, NotifyResult> {
  const { ctx } = env;
  const config = ctx.runtime().config;
  const channels = openChannelKit(config, ctx.now);
  env.cleanup.add('channels', () => channels.close());
  return startNotifier(
    { redis: ctx.redis, keys: ctx.keys, log: ctx.log, channelDeps: channels.deps, ttlSeconds: retentionSeconds(config), now: ctx.now, config: () => ctx.runtime().config, alerts: env.alerts },
    { ...env.workerOptions, concurrency: 4 },
  );
}
