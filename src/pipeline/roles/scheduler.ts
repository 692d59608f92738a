/**
 * The scheduler role: everything that makes work appear on time.
 *
 *   poll schedules   one BullMQ job scheduler per enabled source (polls happen once however many
 *                    schedulers run), re-asserted every minute and as soon as Redis is back after
 *                    an outage (a Redis that lost data gets its polls back without a restart); a
 *                    source never polled gets one poll at once
 *   digests          the notifier's scheduler (`notify/scheduler.ts`): node-cron fires the digest
 *                    times per subscription, and every subscription is checked at start and every
 *                    minute. node-cron is the design card's choice and only triggers the check; the
 *                    due window itself — where an exact next run across a DST change matters — is
 *                    computed with croner (`digest/schedule.ts`), which node-cron cannot do
 *   archive trim     hourly, dropping what is past `retention.days`
 *   clock jumps      a wall-clock step re-times delayed jobs and re-creates the schedules
 *   cluster gauges   queue depths and source health for /metrics (`server/cluster-gauges.ts`)
 *
 * `syncSchedules(config)` is what a reload calls before it swaps the config in: if it throws,
 * nothing of the new config is live (the minute resync puts the running config's schedules back).
 * Every timer and task is released through the cleanup list. A failing sync or trim is logged,
 * never thrown, once the role runs; at start, a failing first sync fails the start.
 */
import type { Config } from '../../config/types.js';
import { describeError } from '../../errors.js';
import { startNotifyScheduler, type NotifyScheduler } from '../../notify/scheduler.js';
import { addClusterGauges } from '../../server/cluster-gauges.js';
import { trimArchive } from '../../store/archive.js';
import { readAllHealth } from '../../store/health.js';
import { watchClockJumps } from '../clock-jumps.js';
import { retentionSeconds } from '../../config/retention.js';
import { removePollSchedules, syncPollSchedules } from '../schedule-polls.js';
import type { RoleEnv } from './role-env.js';

export interface SchedulerRole {
  readonly notifyScheduler: NotifyScheduler;
  /** Makes the poll schedules those of `config`; throws when Redis refuses (a reload is then refused). */
  syncSchedules(config: Config): Promise<void>;
}

export async function startSchedulerRole(env: RoleEnv): Promise<SchedulerRole> {
  const { ctx, queues, cleanup } = env;
  const { redis, keys, log, now } = ctx;
  const config = (): Config => ctx.runtime().config;

  const syncSchedules = async (cfg: Config): Promise<void> => {
    const health = await readAllHealth(redis, keys, cfg.sources.map((s) => s.id));
    const overrides = new Map(health.filter((h) => h.intervalMs !== null).map((h) => [h.sourceId, h.intervalMs ?? 0]));
    const r = await syncPollSchedules(queues.poll, cfg, overrides);
    // A job scheduler's first run waits for its first slot (up to a whole interval): a source
    // never polled gets one poll now, with a deterministic id so several schedulers add it once.
    const neverPolled = health.filter((h) => h.polls === 0).map((h) => h.sourceId);
    const enabled = new Set(cfg.sources.filter((s) => s.enabled).map((s) => s.id));
    await queues.poll.addBulk(neverPolled.filter((id) => enabled.has(id)).map((sourceId) => ({ name: 'poll', data: { sourceId }, opts: { jobId: `first-poll-${sourceId}` } })));
    log.info(r, 'poll schedules synchronised');
  };

  await syncSchedules(config());

  const timers: NodeJS.Timeout[] = [];
  cleanup.add('scheduler timers', () => timers.forEach((t) => clearInterval(t)));
  const trim = (): void => {
    trimArchive(redis, keys, retentionSeconds(config()), now()).catch((e: unknown) => log.warn(`archive trim failed: ${describeError(e)}`));
  };
  trim();
  // One sync at a time: while Redis is away a sync waits, and the next ones would only pile up behind it.
  let syncing = false;
  const resyncNow = (): void => {
    if (syncing) return;
    syncing = true;
    syncSchedules(config())
      .catch((e: unknown) => log.warn(`schedule sync failed: ${describeError(e)}`))
      .finally(() => (syncing = false));
  };
  env.watch.onRecovered(resyncNow);
  for (const timer of [setInterval(trim, 3_600_000), setInterval(resyncNow, 60_000)]) {
    timer.unref();
    timers.push(timer);
  }

  const notifyScheduler = startNotifyScheduler({ redis, keys, log, queue: queues.notify, config, now });
  cleanup.add('digest scheduler', () => notifyScheduler.close());
  env.watch.onRecovered(() => void notifyScheduler.checkNow());

  const jumpWatch = watchClockJumps({
    redis,
    lockKey: keys.clockJump(),
    queues: [queues.poll, queues.process, queues.notify],
    log,
    now,
    resetSchedules: async () => {
      await removePollSchedules(queues.poll);
      await syncSchedules(config());
      notifyScheduler.reschedule(config()); // node-cron's next tick was timed on the old clock
    },
  });
  cleanup.add('clock-jump watch', () => jumpWatch.close());

  addClusterGauges(env.metrics, { redis, keys, watch: env.watch, queues, sourceIds: () => config().sources.map((s) => s.id), now });
  return { notifyScheduler, syncSchedules };
}
