/**
 * A reliability "world": everything one scenario runs the real service against, all on 127.0.0.1.
 *
 * - a private redis-server with AOF (as in docker-compose), on a free port, that the scenario may
 *   stop, SIGKILL and restart;
 * - the feed farm (N outlets), a webhook receiver, a Slack receiver and an SMTP sink with a login;
 * - a config directory: the farm's outlets as sources, the shipped default rules (plus generated
 *   ones on request), subscriptions of every channel kind whose secrets come from the environment;
 * - belwatch child processes (`belwatch run --role …`), each logging to its own file in the world's
 *   directory under the run directory, which scenario 9 searches for secrets when the suite ends.
 *
 * `close()` ends every process the world started (SIGKILL after their grace) and every server; the
 * world's directory stays for the secrets scan and is removed with the run directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE } from '../../../src/pipeline/queues.js';
import { Keys, keyPrefix } from '../../../src/store/redis.js';
import { startReceiver, type Receiver } from '../../channels/receiver.js';
import { CLI } from '../../helpers/cli.js';
import { privateRedis, sleep, wrap, type PrivateRedis } from '../../helpers/processes.js';
import { startFeedFarm, type FarmOptions, type FeedFarm } from './feed-farm.js';
import { startMailSink, type MailSink } from './mail-sink.js';
import { runDir } from './run-dir.js';
import { secretEnv } from './secrets.js';

export type Role = 'scheduler' | 'fetcher' | 'processor' | 'notifier';

export interface Endpoints {
  readonly webhookUrl: string;
  readonly slackOrigin: string;
}

export interface WorldOptions {
  readonly name: string;
  readonly farm: FarmOptions;
  /** Source poll interval (default 2s). */
  readonly interval?: string;
  /** rules.yaml text (default: the shipped config/rules.yaml). */
  readonly rules?: string;
  /** subscriptions.yaml text (default: `defaultSubscriptions`). */
  readonly subscriptions?: (e: Endpoints) => string;
  /** Extra settings.yaml lines (e.g. a `workers:` block). */
  readonly settings?: string;
  readonly logLevel?: 'warn' | 'info' | 'error' | 'debug';
  /** CIDRs the fetcher may reach (default the farm's 127.0.0.1/32). */
  readonly allowPrivate?: readonly string[];
  readonly httpTimeout?: string;
  /** Sources besides the farm's outlets (e.g. URLs the SSRF guard must refuse), polled at `interval`. */
  readonly extraSources?: readonly ExtraSource[];
  /** Extra environment for every process (on top of the secrets' variables). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ExtraSource {
  readonly id: string;
  readonly url: string;
  readonly kind?: 'feed' | 'page-change';
  /** Fetch each new item's page for its main text (a feed source's `fullText`). */
  readonly fullText?: boolean;
}

export interface Proc {
  readonly label: string;
  readonly roles: readonly Role[];
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
  alive(): boolean;
  /** Sends the signal and waits for the exit (SIGKILL after `ms`); returns the exit code (-1 for a signal). */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<number | null>;
  /** Peak resident set (VmHWM) in MB, sampled while the process lives. */
  peakRssMb(): number;
  log(): string;
}

export const DEFAULT_RULES = readFileSync(path.resolve(import.meta.dirname, '../../../config/rules.yaml'), 'utf8');

/** An instant webhook and Slack desk for sanctions, a seconds-cadence email digest, a file digest. */
export function defaultSubscriptions(e: Endpoints): string {
  return `subscriptions:
  - id: sanctions-hook
    rules: [sanctions]
    mode: instant
    batchWindow: 1s
    channels:
      - { type: webhook, url: "${e.webhookUrl}/hook", secret: "\${BW_WEBHOOK_SECRET}" }
  - id: sanctions-slack
    rules: [sanctions]
    mode: instant
    batchWindow: 1s
    channels:
      - { type: slack, webhookUrl: "\${BW_SLACK_URL}" }
  - id: desk-mail
    rules: ["*"]
    schedule: { cron: "*/15 * * * * *", timezone: Europe/Minsk }
    channels:
      - { type: email, to: [desk@example.org] }
      - { type: file, dir: outbox }
`;
}

export interface World {
  readonly name: string;
  readonly dir: string;
  readonly configDir: string;
  readonly prefix: string;
  readonly keys: Keys;
  readonly redisServer: PrivateRedis;
  /** A client of the test's own (reconnects after a Redis restart). */
  readonly redis: Redis;
  readonly farm: FeedFarm;
  readonly webhook: Receiver;
  readonly slack: Receiver;
  readonly mail: MailSink;
  readonly env: NodeJS.ProcessEnv;
  readonly procs: Proc[];
  start(roles: readonly Role[], opts?: { env?: NodeJS.ProcessEnv; label?: string; nodeArgs?: readonly string[] }): Proc;
  /** Archived article ids. */
  archivedCount(): Promise<number>;
  /** Articles still on their way: process jobs waiting, running or delayed for a retry (polls never stop, so they do not count). */
  pipelineBacklog(): Promise<number>;
  close(): Promise<void>;
}

export async function createWorld(opts: WorldOptions): Promise<World> {
  const name = `${opts.name}-${randomBytes(3).toString('hex')}`;
  const dir = path.join(runDir(), name);
  const configDir = path.join(dir, 'config');
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  mkdirSync(configDir, { recursive: true });
  const prefix = `bwrel-${randomBytes(4).toString('hex')}`;

  const redisServer = await privateRedis();
  await redisServer.start();
  const [farm, webhook, slack, mail] = await Promise.all([startFeedFarm(opts.farm), startReceiver(), startReceiver(), startMailSink()]);
  const env = { ...secretEnv(mail.port, slack.url), ...opts.env };
  const interval = opts.interval ?? '2s';

  const sources = Array.from({ length: opts.farm.sources }, (_, i) => `  - { id: s${i}, name: Outlet ${i}, kind: feed, url: "${farm.url(i)}", interval: ${interval}, lang: en }\n`).join('');
  const extra = (opts.extraSources ?? []).map((x) => `  - { id: ${x.id}, name: ${x.id}, kind: ${x.kind ?? 'feed'}, url: ${JSON.stringify(x.url)}, interval: ${interval}, lang: en${x.fullText ? ', fullText: true' : ''} }\n`).join('');
  writeFileSync(path.join(configDir, 'sources.yaml'), `sources:\n${sources}${extra}`);
  writeFileSync(path.join(configDir, 'rules.yaml'), opts.rules ?? DEFAULT_RULES);
  const subs = (opts.subscriptions ?? defaultSubscriptions)({ webhookUrl: webhook.url, slackOrigin: slack.url });
  writeFileSync(path.join(configDir, 'subscriptions.yaml'), subs.replace(/dir: outbox\b/g, `dir: ${path.join(dir, 'outbox')}`));
  writeFileSync(
    path.join(configDir, 'settings.yaml'),
    `redis: { url: "${redisServer.url}", prefix: ${prefix} }
smtp: { url: "\${BW_SMTP_URL}", from: "belwatch <belwatch@reliability.test>" }
http:
  allowPrivateNetworks: [${(opts.allowPrivate ?? ['127.0.0.1/32']).join(', ')}]
  timeout: ${opts.httpTimeout ?? '5s'}
  perHostConcurrency: 64
server: { port: 0, host: 127.0.0.1, adminToken: "\${BW_ADMIN_TOKEN}" }
log: { level: ${opts.logLevel ?? 'warn'} }
${opts.settings ?? ''}`,
  );

  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null, retryStrategy: () => 200 });
  const keys = new Keys(prefix);
  const procs: Proc[] = [];
  let seq = 0;

  const start = (roles: readonly Role[], o: { env?: NodeJS.ProcessEnv; label?: string; nodeArgs?: readonly string[] } = {}): Proc => {
    const label = `${o.label ?? roles.join('+')}-${++seq}`;
    const logFile = path.join(dir, 'logs', `${label}.log`);
    const fd = openSync(logFile, 'a');
    const args = [...(o.nodeArgs ?? []), CLI, 'run', ...roles.flatMap((r) => ['--role', r]), '--config', configDir];
    const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, ...env, ...o.env }, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    let peak = 0;
    const sample = (): void => {
      try {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb / 1024);
      } catch {
        // already gone
      }
    };
    const sampler = setInterval(sample, 500);
    child.once('exit', () => clearInterval(sampler));
    const tracked = wrap(child);
    const proc: Proc = {
      label,
      roles,
      child,
      logFile,
      exited: tracked.exited(),
      alive: () => child.exitCode === null && child.signalCode === null,
      stop(signal = 'SIGTERM', ms = 20_000) {
        if (proc.alive()) sample();
        return tracked.stop(signal, ms);
      },
      peakRssMb: () => {
        if (proc.alive()) sample();
        return peak;
      },
      log: () => readFileSync(logFile, 'utf8'),
    };
    procs.push(proc);
    return proc;
  };

  const processQueue = new Queue(QUEUE.process, { connection: redis, prefix: keyPrefix(prefix) });

  return {
    name,
    dir,
    configDir,
    prefix,
    keys,
    redisServer,
    redis,
    farm,
    webhook,
    slack,
    mail,
    env,
    procs,
    start,
    archivedCount: () => redis.zcard(keys.archiveByTime()),
    async pipelineBacklog() {
      const c = await processQueue.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
      return Object.values(c).reduce((a, b) => a + b, 0);
    },
    async close() {
      await Promise.all(procs.map((p) => p.stop('SIGTERM', 10_000)));
      await processQueue.close().catch(() => undefined);
      redis.disconnect();
      await Promise.all([farm.close(), webhook.close(), slack.close(), mail.close()]);
      await redisServer.cleanup();
      await sleep(10);
    },
  };
}
