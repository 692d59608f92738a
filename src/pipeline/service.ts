/**
 * The running service: one process with any set of roles (`roles/`: scheduler, fetcher,
 * processor, notifier), composed here in this order:
 *
 *   1. load the config once (a broken one refuses to start) and compile the rules — in processors
 *      only; other roles check the queries without keeping them and compile only if ever asked
 *      to match. One compile per load, and none where nothing matches.
 *   2. bind the HTTP port (`/healthz`, `/readyz`, `/metrics`; every process serves its own), so a
 *      busy port is one `ListenError` before anything else happened, and `/readyz` answers 503
 *      while Redis is still away
 *   3. connect Redis (waiting and retrying until it answers; the log says so), warn if it is
 *      unsafe for BullMQ, open the queues and Redis's clock
 *   4. start the roles' workers, then the scheduler role (schedules last: nothing is scheduled
 *      before the workers that run it exist)
 *
 * Everything acquired adds its release step to one `CleanupList` as it is acquired: a start that
 * fails (or is aborted through `signal`) releases what it had and rethrows; `close()` runs every
 * step — schedules and timers, workers (running jobs get `shutdownGrace` to finish, then are
 * handed back to their queues), channels, queues, Redis, HTTP — even when one fails, then throws
 * one `ShutdownError` naming the failed steps. It can be called any number of times.
 *
 * `reload()` loads and compiles the new config, makes the scheduler's poll schedules match it, and
 * only then swaps it in: a broken config, or a schedule sync Redis refuses, leaves the running
 * runtime in force (the schedules are put back to it) and says so. Reloads run one at a time.
 */
import { setMaxListeners } from 'node:events';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { ConfigError, describeError, formatProblem, type Problem } from '../errors.js';
import type { Logger } from '../log.js';
import type { AlertEnv } from '../notify/alert-window.js';
import { makeOnPending } from '../notify/alert-window.js';
import type { NotifyScheduler } from '../notify/scheduler.js';
import { createMetrics, type Metrics } from '../server/metrics.js';
import { closeParsePool } from '../sources/parse-pool.js';
import { startRedisClock } from '../store/clock.js';
import { checkRedisSafety, connectRedis, Keys, pingRedis, redisOptionsFromUrl } from '../store/redis.js';
import { watchRedis } from '../store/redis-watch.js';
import { CleanupList } from './cleanup.js';
import { buildRuntime, type PipelineContext, type Runtime } from './context.js';
import { makeOnHealth } from './notify-worker.js';
import { startProbeServer, type ProbeServer } from './probe-server.js';
import type { IngestFn, LeadTokensFn, MatchFn } from './ports.js';
import { openQueues, type Queues } from './queues.js';
import { closeWorkers } from './workers.js';
import { startFetcherRole } from './roles/fetcher.js';
import { startNotifierRole } from './roles/notifier.js';
import { startProcessorRole } from './roles/processor.js';
import type { RoleEnv } from './roles/role-env.js';
import { startSchedulerRole, type SchedulerRole } from './roles/scheduler.js';

export const ROLES = ['scheduler', 'fetcher', 'processor', 'notifier'] as const;
export type Role = (typeof ROLES)[number];

export interface ServiceDeps {
  /** Compiles the config's rules; throws a located `ConfigError` for a broken rule. */
  readonly compile: (config: Config) => MatchFn;
  /** Checks the config's rules without keeping them compiled (roles that do not match). */
  readonly checkRules: (config: Config) => readonly Problem[];
  readonly ingest: (config: () => Config) => IngestFn;
  readonly leadTokens: LeadTokensFn;
}

export interface ServiceOptions {
  readonly configDir: string;
  readonly roles: readonly Role[];
  /** The logger, or how to make it from the loaded config (level, secrets to redact). */
  readonly log: Logger | ((config: Config) => Logger);
  readonly deps: ServiceDeps;
  readonly env?: NodeJS.ProcessEnv;
  /** Serve HTTP (default true: every process serves its own /healthz, /readyz and /metrics). */
  readonly http?: boolean;
  /** The HTTP port, over `server.port` and `BELWATCH_PORT` (`belwatch run --port`). */
  readonly port?: number;
  /** Aborts a start still under way (a signal while Redis is unreachable): it cleans up and rejects. */
  readonly signal?: AbortSignal;
}

export interface Service {
  readonly config: () => Config;
  /** The config and compiled matcher in force (swapped whole on reload). */
  readonly runtime: () => Runtime;
  readonly log: Logger;
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
  const cleanup = new CleanupList();
  try {
    return await assemble(opts, cleanup);
  } catch (e) {
    await cleanup.run().catch(() => undefined); // the start's own error is the one to report
    throw e;
  }
}

async function assemble(opts: ServiceOptions, cleanup: CleanupList): Promise<Service> {
  const { deps } = opts;
  const roles = new Set(opts.roles);
  const load = runtimeLoader(opts, roles.has('processor'));
  let runtime = load();
  const settings = runtime.config.settings;
  const log = typeof opts.log === 'function' ? opts.log(runtime.config) : opts.log;
  logConfigWarnings(log, runtime.config);
  const metrics = createMetrics();

  // 2. HTTP first: the port is checked before anything else is touched, and the probes answer
  // while Redis is still away.
  let http: ProbeServer | undefined;
  if (opts.http ?? true) {
    const server = await startProbeServer({ config: () => runtime.config, metrics, port: opts.port, env: opts.env ?? process.env });
    http = server;
    cleanup.add('http server', () => server.close());
    log.info({ port: server.port }, 'http server listening');
  }

  // 3. Redis, queues and the service clock.
  const client = connectRedis(settings.redis.url, { connectionName: `${settings.redis.prefix}:belwatch` });
  cleanup.add('redis', () => (client.status === 'ready' ? client.quit().catch(() => client.disconnect()) : client.disconnect()));
  const watch = watchRedis(client, log);
  cleanup.add('redis watch', () => watch.close());
  await abortable(pingRedis(client, settings.redis.url), opts.signal);
  for (const w of (await checkRedisSafety(client)).warnings) log.warn(w);
  const keys = new Keys(settings.redis.prefix);
  const connection = redisOptionsFromUrl(settings.redis.url);
  const onError = (err: Error, queue: string): void => watch.report(err, queue);
  const queues = openQueues(connection, settings.redis.prefix, settings.delivery, onError);
  cleanup.add('queues', () => queues.close());
  // Redis's clock, carried on this process's monotonic clock: wall-clock jumps here change nothing.
  const clock = await abortable(startRedisClock(client, log), opts.signal);
  cleanup.add('service clock', () => clock.close());
  http?.attach({ redis: client, watch, queues });
  const now = (): number => clock.now();

  // 4. The roles.
  const alerts: AlertEnv = { redis: client, keys, queue: queues.notify, now };
  const ctx: PipelineContext = {
    redis: client,
    keys,
    log,
    runtime: () => runtime,
    ingest: deps.ingest(() => runtime.config),
    leadTokens: deps.leadTokens,
    now,
    onPending: makeOnPending(alerts, () => runtime.config),
    onHealth: makeOnHealth({ ...alerts, log, config: () => runtime.config }),
  };
  const workers: Worker[] = [];
  /** Aborted when the shutdown grace period is over: running jobs are handed back to their queues. */
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal); // one listener per running job
  // The parse pool closes after the workers (the list runs newest first): a job still parsing keeps its worker.
  cleanup.add('parse pool', closeParsePool);
  cleanup.add('workers', () => closeWorkers(workers, settings.workers.shutdownGrace, shutdown, log), { timeoutMs: null });
  const w = settings.workers;
  const env: RoleEnv = {
    ctx,
    queues,
    metrics,
    watch,
    alerts,
    workerOptions: { connection, prefix: settings.redis.prefix, lockDuration: w.lockDuration, stalledInterval: w.stalledInterval, shutdown: shutdown.signal, onError },
    cleanup,
  };
  if (roles.has('notifier')) workers.push(startNotifierRole(env));
  if (roles.has('fetcher')) workers.push(startFetcherRole(env));
  if (roles.has('processor')) workers.push(startProcessorRole(env));
  const scheduler: SchedulerRole | undefined = roles.has('scheduler') ? await startSchedulerRole(env) : undefined;

  let reloading: Promise<unknown> = Promise.resolve();
  const reloadOnce = async (): Promise<{ ok: true } | { ok: false; problems: readonly string[] }> => {
    const running = runtime;
    let next: Runtime;
    try {
      next = load();
      if (scheduler) await scheduler.syncSchedules(next.config);
    } catch (e) {
      const problems = problemLines(e);
      log.error({ problems }, 'configuration reload refused; the running configuration stays');
      // A sync that failed half-way may have left some of the new schedules: put the running ones back.
      if (scheduler) await scheduler.syncSchedules(running.config).catch((err: unknown) => log.warn(`schedule sync failed: ${describeError(err)}`));
      return { ok: false, problems };
    }
    runtime = next; // swapped last: everything above could still refuse
    scheduler?.notifyScheduler.reschedule(next.config);
    log.info('configuration reloaded');
    logConfigWarnings(log, next.config);
    return { ok: true };
  };

  return {
    config: () => runtime.config,
    runtime: () => runtime,
    log,
    redis: client,
    keys,
    queues,
    metrics,
    notifyScheduler: scheduler?.notifyScheduler,
    httpPort: http?.port,
    reload() {
      const r = reloading.then(reloadOnce);
      reloading = r.catch(() => undefined);
      return r;
    },
    close: () => cleanup.run(),
  };
}

/** Loads the config and builds its runtime: compiled (processors) or checked and compiled on first use. */
function runtimeLoader(opts: ServiceOptions, matchesArticles: boolean): () => Runtime {
  const { deps } = opts;
  const env = opts.env ? { env: opts.env } : {};
  return () => {
    let compiled: MatchFn | undefined;
    // The compile runs as the load's last check, so its problems are reported with every other one.
    const compileCheck = (config: Config): readonly Problem[] => {
      try {
        compiled = deps.compile(config);
        return [];
      } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
      }
    };
    const config = loadConfig(opts.configDir, { ...env, checks: [matchesArticles ? compileCheck : deps.checkRules] });
    if (compiled) return buildRuntime(config, compiled);
    return buildRuntime(config, (article) => (compiled ??= deps.compile(config))(article));
  };
}

/** What `belwatch validate` prints as warnings (valid, but will not work as written), logged at start and reload. */
function logConfigWarnings(log: Logger, config: Config): void {
  for (const w of config.warnings) log.warn(`configuration warning: ${formatProblem(w)}`);
}

/** `work`, or a rejection as soon as `signal` aborts (the start is given up; cleanup follows). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('start aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function problemLines(e: unknown): string[] {
  if (e instanceof ConfigError) return e.message.split('\n');
  const problems = (e as { problems?: unknown }).problems;
  if (Array.isArray(problems)) return problems.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
  return [describeError(e)];
}
