/**
 * The notifier's scheduler: turns due windows into notify jobs.
 *
 * Per digest subscription a node-cron task fires at the scheduled times (in the subscription's
 * zone); besides, every subscription is checked at start and every minute, which catches downtime
 * and missed ticks. node-cron (the design card's choice) only triggers a check: it cannot say when
 * a schedule last or next ran across a DST change, so the due window is computed with croner
 * (`digest/schedule.ts`), whose previous/next runs are exact in the subscription's zone. A check computes the due window — [last claimed end, latest scheduled instant
 * <= now), the first one starting at the subscription's creation — and adds a job whose id is the
 * window's digest id, so several schedulers (instances) add it once, and downtime over several
 * scheduled times yields one window for the whole gap.
 *
 * The minute check also keeps work from being stranded: alert or admin items waiting with no batch
 * window open get one, and a digest still open (claimed, not finished) whose job failed for good or
 * vanished is queued again. `reschedule(config)` replaces the cron tasks (config reload);
 * `close()` stops them and the timer, and can be called twice. A failing check is logged, never thrown.
 * Checks do not overlap: while Redis is unreachable a check waits for the reconnect, and a minute
 * tick or cron tick that comes meanwhile is skipped rather than stacked behind it.
 */
import type { Queue } from 'bullmq';
import cron, { type ScheduledTask } from 'node-cron';
import type { Redis } from 'ioredis';
import type { Config, SubscriptionConfig } from '../config/types.js';
import { computeDueWindow } from '../digest/schedule.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { notifyPriority, type NotifyJobData } from './job-data.js';
import type { Keys } from '../store/redis.js';
import { scheduleAlert } from './alert-window.js';
import { ensureSubscriptionCreated, makeStreamDigestId, pendingKeyFor, readWindowEnd } from './claim-window.js';
import { NotifyKeys, type Stream } from './keys.js';

/** An open digest older than this with no live job is queued again. */
const REQUEUE_AFTER_MS = 5 * 60_000;

export interface SchedulerEnv {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly log: Logger;
  readonly queue: Queue<NotifyJobData>;
  readonly config: () => Config;
  readonly now: () => number;
  /** Minute-check period (ms), default 60 s. */
  readonly checkEveryMs?: number;
}

export interface NotifyScheduler {
  /** Checks every subscription now; resolves when the jobs are queued. */
  checkNow(): Promise<void>;
  reschedule(config: Config): void;
  close(): Promise<void>;
}

/** Queues the subscription's due digest window, if any; returns its digest id. */
export async function enqueueDueDigest(env: Pick<SchedulerEnv, 'redis' | 'keys' | 'queue' | 'now'>, sub: SubscriptionConfig): Promise<string | null> {
  const now = env.now();
  const created = await ensureSubscriptionCreated(env.redis, env.keys, sub.id, now);
  const lastEnd = await readWindowEnd(env.redis, env.keys, sub.id, 'digest');
  const window = computeDueWindow(sub.schedule, lastEnd === null ? null : new Date(lastEnd), new Date(now), new Date(created));
  if (!window) return null;
  const endMs = window.end.getTime();
  const jobId = makeStreamDigestId(sub.id, 'digest', endMs);
  await env.queue.add('notify', { subscriptionId: sub.id, stream: 'digest', endMs }, { jobId, ...notifyPriority('digest') });
  return jobId;
}

export function startNotifyScheduler(env: SchedulerEnv): NotifyScheduler {
  const log = env.log.child({ role: 'notify-scheduler' });
  let tasks: ScheduledTask[] = [];
  let closed = false;

  const checkOne = async (sub: SubscriptionConfig): Promise<void> => {
    await ensureSubscriptionCreated(env.redis, env.keys, sub.id, env.now());
    if (sub.mode === 'digest') {
      const id = await enqueueDueDigest(env, sub);
      if (id) log.debug({ subscription: sub.id, digest: id }, 'digest window due');
    }
    const streams: Extract<Stream, 'alert' | 'admin'>[] = [];
    if (sub.mode === 'instant' || sub.instantFor === 'high') streams.push('alert');
    if (sub.admin) streams.push('admin');
    const nk = new NotifyKeys(env.keys);
    for (const stream of streams) {
      const waiting = await env.redis.zcard(pendingKeyFor(env.keys, sub, stream));
      if (waiting > 0 && (await env.redis.exists(nk.alertOpen(sub.id, stream))) === 0) await scheduleAlert(env, sub, stream);
    }
  };

  const requeueOpen = async (): Promise<void> => {
    const nk = new NotifyKeys(env.keys);
    const ids = await env.redis.zrangebyscore(nk.openDigests(), '-inf', env.now() - REQUEUE_AFTER_MS);
    for (const id of ids) {
      const job = await env.queue.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'failed' && job) {
        await job.retry('failed');
      } else if (state === 'missing' || state === 'completed') {
        const meta = await env.redis.hgetall(nk.digestMeta(id));
        if (!meta['subscription'] || !env.config().subscriptions.some((s) => s.id === meta['subscription'])) {
          await env.redis.zrem(nk.openDigests(), id);
          continue;
        }
        if (job) await job.remove();
        const stream = (meta['stream'] ?? 'digest') as Stream;
        await env.queue.add('notify', { subscriptionId: meta['subscription'], stream, endMs: Number(meta['end']) }, { jobId: id, ...notifyPriority(stream) });
      } else {
        continue;
      }
      log.warn({ digest: id, state }, 'open digest queued again');
    }
  };

  const checkEvery = async (): Promise<void> => {
    for (const sub of env.config().subscriptions) {
      try {
        await checkOne(sub);
      } catch (e) {
        log.warn({ subscription: sub.id }, `notify check failed: ${describeError(e)}`);
      }
    }
    try {
      await requeueOpen();
    } catch (e) {
      log.warn(`open digest check failed: ${describeError(e)}`);
    }
  };

  // One check at a time: while Redis is away a check waits for the reconnect, and the minute
  // timer and the cron ticks would otherwise stack up more of them behind it.
  let running: Promise<void> | undefined;
  const checkAll = (): Promise<void> => {
    if (closed) return Promise.resolve();
    running ??= checkEvery().finally(() => (running = undefined));
    return running;
  };
  const scheduled = new Set<string>();

  // node-cron's own messages, in the service log instead of on stderr
  const cronLogger = {
    info: (message: string): void => log.debug(`node-cron: ${message}`),
    debug: (message: string | Error): void => log.debug(`node-cron: ${describeError(message)}`),
    warn: (message: string): void => log.warn(`node-cron: ${message}`),
    error: (message: string | Error, err?: Error): void => log.error(`node-cron: ${describeError(message)}${err ? `: ${describeError(err)}` : ''}`),
  };
  const reschedule = (config: Config): void => {
    for (const t of tasks) void t.destroy();
    tasks = [];
    if (closed) return;
    for (const sub of config.subscriptions.filter((s) => s.mode === 'digest')) {
      const tick = (): void => {
        const current = env.config().subscriptions.find((s) => s.id === sub.id);
        if (!current || scheduled.has(sub.id)) return;
        scheduled.add(sub.id);
        checkOne(current)
          .catch((e: unknown) => log.warn({ subscription: sub.id }, `scheduled check failed: ${describeError(e)}`))
          .finally(() => scheduled.delete(sub.id));
      };
      const task = cron.schedule(sub.schedule.cron, tick, { timezone: sub.schedule.timezone, name: `digest-${sub.id}`, logger: cronLogger });
      // A tick missed (the event loop was blocked, or the wall clock stepped forward) is checked at
      // once, like a tick: the due window covers it. Listening also stops node-cron printing a
      // warning per missed slot on stderr (an hour's step meant one per slot of the hour).
      task.on('execution:missed', () => {
        log.debug({ subscription: sub.id }, 'missed a scheduled tick; checking now');
        tick();
      });
      tasks.push(task);
    }
    log.info({ tasks: tasks.length }, 'digest schedules set');
  };

  reschedule(env.config());
  const timer = setInterval(() => void checkAll(), env.checkEveryMs ?? 60_000);
  timer.unref();
  const first = checkAll();

  return {
    async checkNow() {
      // a check already running may have read the state before the caller changed it
      await running;
      await checkAll();
    },
    reschedule,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      for (const t of tasks) await t.destroy();
      tasks = [];
      await first.catch(() => undefined);
    },
  };
}
