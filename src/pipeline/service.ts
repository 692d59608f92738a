/**
 * The running service: one process with any set of roles.
 *
 *   scheduler  keeps one BullMQ job scheduler per source (polls happen once however many run),
 *              trims the archive index hourly, and serves /healthz, /readyz and /metrics
 *   fetcher    runs poll jobs: fetch, parse, normalise, queue new articles
 *   processor  runs process jobs: dedupe, cluster, match, archive, hand off
 *   notifier   runs notify jobs: claim a window, build the digest, deliver it to every channel
 *              (the scheduler role also runs the digest schedules: node-cron per subscription
 *              plus a check at start and every minute, see src/notify/scheduler.ts)
 *
 * Start: load config (a broken config refuses to start), connect Redis and warn if it is unsafe
 * for BullMQ, then start the roles. `reload()` loads the config again: a broken one is refused
 * and the running one kept. `close()` stops in order — timers and schedules, workers (running
 * jobs get `shutdownGrace` to finish, then are handed back to their queues), queues, HTTP, Redis —
 * and can be called any number of times.
 */
import { setMaxListeners } from 'node:events';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { ConfigError, describeError, type Problem } from '../errors.js';
import type { Logger } from '../log.js';
import { createDashboard } from '../server/dashboard.js';
import { createMetrics, type Metrics } from '../server/metrics.js';
import { startHttpServer, type RunningServer } from '../server/http.js';
import { closeParsePool } from '../sources/parse-pool.js';
import { trimArchive } from '../store/archive.js';
import { readAllHealth } from '../store/health.js';
import { startRedisClock } from '../store/clock.js';
import { watchClockJumps, type ClockJumpWatch } from './clock-jumps.js';
import { checkRedisSafety, connectRedis, Keys, pingRedis, redisOptionsFromUrl } from '../store/redis.js';
import { watchRedis } from '../store/redis-watch.js';
import { assessHealth, type SourceHealth } from './source-health.js';
import { buildRuntime, retentionSeconds, type PipelineContext, type Runtime } from './context.js';
import type { IngestFn, LeadTokensFn, MatchFn } from './ports.js';
import { makeOnPending, type AlertEnv } from '../notify/alert-window.js';
import { startNotifyScheduler, type NotifyScheduler } from '../notify/scheduler.js';
import { makeOnHealth, openChannelKit, startNotifier, type ChannelKit } from '../notify/worker.js';
import { openQueues, type Queues } from './queues.js';
import { removePollSchedules, syncPollSchedules } from './schedule-polls.js';
import { startFetcher, startProcessor } from './workers.js';

export const ROLES = ['scheduler', 'fetcher', 'processor', 'notifier'] as const;
export type Role = (typeof ROLES)[number];

export interface ServiceDeps {
  /** Compiles the config's rules; throws ConfigError/RuleError for a broken rule. */
  readonly compile: (config: Config) => MatchFn;
  readonly ingest: (config: () => Config) => IngestFn;
  readonly leadTokens: LeadTokensFn;
  readonly configChecks?: readonly ((config: Config) => readonly Problem[])[];
}

export interface ServiceOptions {
  readonly configDir: string;
  readonly roles: readonly Role[];
  readonly log: Logger;
  readonly deps: ServiceDeps;
  readonly env?: NodeJS.ProcessEnv;
  /** Serve HTTP (default: when the scheduler role runs). */
  readonly http?: boolean;
}

export interface Service {
  readonly config: () => Config;
  /** The config and compiled matcher in force (swapped whole on reload). */
  readonly runtime: () => Runtime;
  readonly redis: Redis;
  readonly keys: Keys;
  readonly queues: Queues;
  readonly metrics: Metrics;
  /** The notifier's scheduler (scheduler role only). */
  readonly notifyScheduler: NotifyScheduler | undefined;
  readonly httpPort: number | undefined;
  reload(): Promise<{ ok: true } | { ok: false; problems: readonly string[] }>;
  close(): Promise<void>;
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  const { log, deps } = opts;
  // Only processors match articles: other roles compile the rules (hundreds of MB and seconds of
  // CPU for 10,000 of them) only if something asks them to match.
  const matchesArticles = opts.roles.includes('processor');
  const load = (): Runtime => {
    const config = loadConfig(opts.configDir, { ...(opts.env ? { env: opts.env } : {}), checks: deps.configChecks ?? [] });
    if (matchesArticles) return buildRuntime(config, deps.compile(config));
    let compiled: MatchFn | undefined;
    return buildRuntime(config, (article) => (compiled ??= deps.compile(config))(article));
  };
  let runtime = load();
  const settings = runtime.config.settings;
  const redis = connectRedis(settings.redis.url);
  const watch = watchRedis(redis, log);
  await pingRedis(redis, settings.redis.url);
  const safety = await checkRedisSafety(redis);
  for (const w of safety.warnings) log.warn(w);

  const keys = new Keys(settings.redis.prefix);
  const connection = redisOptionsFromUrl(settings.redis.url);
  const onError = (err: Error, queue: string): void => watch.report(err, queue);
  const queues = openQueues(connection, settings.redis.prefix, settings.delivery, onError);
  const metrics = createMetrics();
  // Redis's clock, carried on this process's monotonic clock: wall-clock jumps here change nothing.
  const clock = await startRedisClock(redis, log);
  const now = (): number => clock.now();
  const alertEnv: AlertEnv = { redis, keys, queue: queues.notify, now };
  const ctx: PipelineContext = {
    redis,
    keys,
    log,
    runtime: () => runtime,
    ingest: deps.ingest(() => runtime.config),
    leadTokens: deps.leadTokens,
    now,
    onPending: makeOnPending(alertEnv, () => runtime),
    onHealth: makeOnHealth({ ...alertEnv, log, config: () => runtime.config }),
  };

  const workers: Worker[] = [];
  const timers: NodeJS.Timeout[] = [];
  const w = settings.workers;
  /** Aborted when the shutdown grace period is over: running jobs are handed back to their queues. */
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal); // one listener per running job
  const workerOpts = { connection, prefix: settings.redis.prefix, lockDuration: w.lockDuration, stalledInterval: w.stalledInterval, shutdown: shutdown.signal, onError };
  const roles = new Set(opts.roles);
  let notifyScheduler: NotifyScheduler | undefined;
  let channels: ChannelKit | undefined;
  let jumpWatch: ClockJumpWatch | undefined;

  const syncSchedules = async (config: Config): Promise<void> => {
    const health = await readAllHealth(redis, keys, config.sources.map((s) => s.id));
    const overrides = new Map(health.filter((h) => h.intervalMs !== null).map((h) => [h.sourceId, h.intervalMs ?? 0]));
    const r = await syncPollSchedules(queues.poll, config, overrides);
    // A job scheduler's first run waits for its first slot (up to a whole interval): a source
    // never polled gets one poll now, with a deterministic id so several schedulers add it once.
    const neverPolled = health.filter((h) => h.polls === 0).map((h) => h.sourceId);
    const enabled = new Set(config.sources.filter((s) => s.enabled).map((s) => s.id));
    await queues.poll.addBulk(neverPolled.filter((id) => enabled.has(id)).map((sourceId) => ({ name: 'poll', data: { sourceId }, opts: { jobId: `first-poll-${sourceId}` } })));
    log.info(r, 'poll schedules synchronised');
  };

  if (roles.has('scheduler')) {
    await syncSchedules(runtime.config);
    const trim = (): void => {
      trimArchive(redis, keys, retentionSeconds(runtime.config), now()).catch((e: unknown) => log.warn(`archive trim failed: ${describeError(e)}`));
    };
    trim();
    const t = setInterval(trim, 3_600_000);
    // Schedules live in Redis: re-assert them now and then, and as soon as Redis is back after an
    // outage, so a Redis that lost data (restarted without persistence, or SIGKILLed and short of
    // its last second of AOF) gets its polls back without a restart of belwatch. One sync at a
    // time: while Redis is away a sync waits, and the next ones would only pile up behind it.
    let syncing = false;
    const resyncNow = (): void => {
      if (syncing) return;
      syncing = true;
      syncSchedules(runtime.config)
        .catch((e: unknown) => log.warn(`schedule sync failed: ${describeError(e)}`))
        .finally(() => (syncing = false));
    };
    watch.onRecovered(resyncNow);
    const resync = setInterval(resyncNow, 60_000);
    for (const timer of [t, resync]) {
      timer.unref();
      timers.push(timer);
    }
    jumpWatch = watchClockJumps({
      redis,
      lockKey: keys.clockJump(),
      queues: [queues.poll, queues.process, queues.notify],
      log,
      now,
      resetSchedules: async () => {
        await removePollSchedules(queues.poll);
        await syncSchedules(runtime.config);
        notifyScheduler?.reschedule(runtime.config); // node-cron's next tick was timed on the old clock
      },
    });
  }
  if (roles.has('scheduler')) {
    const scheduler = startNotifyScheduler({ redis, keys, log, queue: queues.notify, config: () => runtime.config, now });
    watch.onRecovered(() => void scheduler.checkNow());
    notifyScheduler = scheduler;
  }
  if (roles.has('notifier')) {
    channels = openChannelKit(runtime.config, now);
    workers.push(
      startNotifier(
        { redis, keys, log, channelDeps: channels.deps, ttlSeconds: retentionSeconds(runtime.config), now, config: () => runtime.config, alerts: alertEnv },
        // deliveries mostly wait on SMTP, Slack and webhook servers: a few at once, so one slow
        // server does not hold the rest (alerts are taken before digests, see notifyPriority)
        { ...workerOpts, concurrency: 4 },
      ),
    );
  }
  if (roles.has('fetcher')) {
    const worker = startFetcher(ctx, queues, { ...workerOpts, concurrency: w.pollConcurrency });
    worker.on('completed', (job, result: { sourceId?: string; outcome?: string; errorClass?: string }) => {
      if (result.outcome && result.sourceId) {
        metrics.observePoll({ sourceId: result.sourceId, outcome: result.outcome, errorClass: result.errorClass }, ((job.finishedOn ?? 0) - (job.processedOn ?? 0)) / 1000);
      }
    });
    workers.push(worker);
  }
  if (roles.has('processor')) {
    const worker = startProcessor(ctx, { ...workerOpts, concurrency: w.processConcurrency });
    worker.on('completed', (job, results: { status: 'new' | 'duplicate' | 'clustered'; matched: string[]; handedOff: string[] }[]) => {
      const seconds = ((job.finishedOn ?? 0) - (job.processedOn ?? 0)) / 1000 / Math.max(1, results.length);
      for (const r of results) metrics.observeArticle(r, seconds);
    });
    workers.push(worker);
  }

  // The Redis-backed gauges are left out of a scrape while Redis is away (a command would wait for
  // the reconnect and hold the scrape); the process's own metrics are still served.
  const fromRedis = <T>(read: () => Promise<T>): Promise<T | undefined> => watch.ask(read).catch(() => undefined);
  metrics.addCollector('belwatch_queue_jobs', 'Jobs per queue and state', ['queue', 'state'], async (set) => {
    for (const q of [queues.poll, queues.process, queues.notify]) {
      const counts = await fromRedis(() => q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'));
      for (const [state, n] of Object.entries(counts ?? {})) set({ queue: q.name, state }, n);
    }
  });
  // The three health gauges are collected together on each scrape: share one read of the records.
  let healthRead: Promise<SourceHealth[]> | undefined;
  const readHealthOnce = (): Promise<SourceHealth[]> =>
    (healthRead ??= fromRedis(() => readAllHealth(redis, keys, runtime.config.sources.map((s) => s.id)))
      .then((rows) => rows ?? [])
      .finally(() => {
        healthRead = undefined;
      }));
  metrics.addCollector('belwatch_source_healthy', 'Whether each source is healthy (1) or not (0)', ['source'], async (set) => {
    for (const h of await readHealthOnce()) set({ source: h.sourceId }, assessHealth(h, now()).healthy ? 1 : 0);
  });
  metrics.addCollector('belwatch_source_consecutive_failures', 'Consecutive failed polls per source', ['source'], async (set) => {
    for (const h of await readHealthOnce()) set({ source: h.sourceId }, h.consecutiveFailures);
  });
  metrics.addCollector('belwatch_source_not_modified_ratio', 'Share of polls answered 304 Not Modified, per source', ['source'], async (set) => {
    for (const h of await readHealthOnce()) if (h.polls > 0) set({ source: h.sourceId }, h.notModified / h.polls);
  });

  let http: RunningServer | undefined;
  if (opts.http ?? roles.has('scheduler')) {
    http = await startHttpServer({
      host: settings.server.host,
      port: settings.server.port,
      metrics,
      dashboard: settings.server.adminToken ? createDashboard([queues.poll, queues.process, queues.notify], settings.server.adminToken) : undefined,
      ready: async () => {
        try {
          await watch.ask(() => redis.ping());
          return { ok: true, detail: `ready (${runtime.config.sources.length} sources, ${runtime.config.rules.length} rules)` };
        } catch (e) {
          return { ok: false, detail: `Redis unreachable: ${describeError(e)}` };
        }
      },
    });
    log.info({ port: http.port }, 'http server listening');
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await notifyScheduler?.close();
      for (const t of timers) clearInterval(t);
      clock.close();
      jumpWatch?.close();
      const after = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
      const closed = Promise.all(workers.map((wk) => wk.close())).then(() => 'done' as const);
      // The last part of the grace period (a quarter, at most 1 s) is kept for handing jobs back.
      const reserve = Math.min(1000, Math.floor(w.shutdownGrace / 4));
      if ((await Promise.race([closed, after(w.shutdownGrace - reserve)])) === 'timeout') {
        // Running jobs are moved back to waiting (another process takes them at once) and their work aborted.
        shutdown.abort();
        const handedBack = await Promise.race([closed, after(reserve)]);
        log.warn(handedBack === 'done' ? 'shutdown grace period over: running jobs handed back to their queues' : 'shutdown grace period over: some jobs did not hand back; left to stalled-job recovery');
        if (handedBack === 'timeout') await Promise.all(workers.map((wk) => wk.close(true)));
      }
      await queues.close();
      await closeParsePool();
      await channels?.close();
      await http?.close();
      watch.close();
      await redis.quit().catch(() => redis.disconnect());
    })();
    return closing;
  };

  return {
    config: () => runtime.config,
    runtime: () => runtime,
    redis,
    keys,
    queues,
    metrics,
    notifyScheduler,
    httpPort: http?.port,
    async reload() {
      try {
        const next = load();
        runtime = next;
        if (roles.has('scheduler')) await syncSchedules(next.config);
        notifyScheduler?.reschedule(next.config);
        log.info('configuration reloaded');
        return { ok: true };
      } catch (e) {
        const problems = problemLines(e);
        log.error({ problems }, 'configuration reload refused; the running configuration stays');
        return { ok: false, problems };
      }
    },
    close,
  };
}

function problemLines(e: unknown): string[] {
  if (e instanceof ConfigError) return e.message.split('\n');
  const problems = (e as { problems?: unknown }).problems;
  if (Array.isArray(problems)) return problems.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
  return [describeError(e)];
}
