/**
 * `belwatch digest --subscription ID --now [--dry-run [--html FILE]] [--json]`: the digest of the
 * subscription's current window — [end of the last claimed window, now) — built and sent now, in
 * this process, through the same claim and delivery records as the notifier (so the next scheduled
 * window starts where this one ended, and nothing is sent twice).
 *
 * `--dry-run` only reads: no key under the prefix is created, changed or deleted (not even the
 * subscription's creation time, which a real run records), and nothing is sent. It prints the
 * digest as plain text, and writes its HTML only when asked, to `--html FILE`. The window shown is
 * the one the digest covers: from the last claimed window's end (else the subscription's recorded
 * creation, else now), moved back to the oldest pending item's first-seen time when that is earlier
 * (a first digest also takes items from before the subscription existed), to now.
 *
 * Exit 1 when a channel failed (permanently, or retryably: the notifier then retries the
 * still-open digest), 2 for a usage error.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import type { Config, SubscriptionConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import type { Stream } from '../notify/keys.js';
import type { Keys } from '../store/redis.js';

interface DigestOptions {
  readonly subscription?: string;
  readonly now?: boolean;
  readonly dryRun?: boolean;
  readonly html?: string;
  readonly json?: boolean;
}

/** Prints (and with --html writes) the digest the window would hold, reading Redis only. */
async function previewDigest(redis: Redis, keys: Keys, config: Config, sub: SubscriptionConfig, stream: Stream, endMs: number, opts: DigestOptions): Promise<void> {
  const [{ makeStreamDigestId, pendingKeyFor, readWindowEnd }, { NotifyKeys }, { assembleDigest }, { renderDigestText }] = await Promise.all([
    import('../notify/claim-window.js'),
    import('../notify/keys.js'),
    import('../notify/stored-digest.js'),
    import('../digest/render-text.js'),
  ]);
  const pending = pendingKeyFor(keys, sub, stream);
  const [lastEnd, created, members, oldest] = await Promise.all([
    readWindowEnd(redis, keys, sub.id, stream),
    redis.get(new NotifyKeys(keys).subCreated(sub.id)),
    redis.zrangebyscore(pending, '-inf', `(${endMs}`),
    redis.zrangebyscore(pending, '-inf', `(${endMs}`, 'WITHSCORES', 'LIMIT', 0, 1),
  ]);
  const recorded = lastEnd ?? (created === null ? endMs : Number(created));
  const start = Math.min(recorded, oldest[1] === undefined ? endMs : Number(oldest[1]), endMs);
  const digest = await assembleDigest(redis, keys, config, sub, { digestId: makeStreamDigestId(sub.id, stream, endMs), stream, start, end: endMs, members });
  let file: string | undefined;
  if (opts.html !== undefined) {
    const { renderDigestHtml } = await import('../digest/render-html.js');
    file = path.resolve(opts.html);
    writeFileSync(file, renderDigestHtml(digest));
  }
  if (opts.json) process.stdout.write(`${JSON.stringify({ dryRun: true, digest, ...(file ? { html: file } : {}) })}\n`);
  else process.stdout.write(`${renderDigestText(digest)}\n(dry run: nothing moved, recorded or sent${file ? `; HTML written to ${file}` : ''})\n`);
}

/** Claims the window and delivers it as the notifier would; prints the outcome per channel. */
async function sendDigest(redis: Redis, keys: Keys, config: Config, sub: SubscriptionConfig, stream: Stream, endMs: number, { json, debug }: { json: boolean; debug: boolean }): Promise<void> {
    const [{ createLogger }, { retentionSeconds }, { openQueues }, { makeStreamDigestId }, { DeliveryRetryError, runNotifyJob }, { readDeliveries }, { loadDigest }, { openChannelKit }, { redisOptionsFromUrl }] = await Promise.all([
      import('../log.js'),
      import('../config/retention.js'),
      import('../pipeline/queues.js'),
      import('../notify/claim-window.js'),
      import('../notify/notify-job.js'),
      import('../notify/records.js'),
      import('../notify/stored-digest.js'),
      import('../pipeline/notify-worker.js'),
      import('../store/redis.js'),
    ]);
    const log = createLogger({ level: debug ? 'debug' : 'error', secrets: config.secrets });
    const queues = openQueues(redisOptionsFromUrl(config.settings.redis.url), config.settings.redis.prefix, config.settings.delivery);
    const kit = openChannelKit(config);
    // no result: a channel failed retryably and the delivery is left to the notifier's retries
    let result;
    try {
      const env = { redis, keys, log, channelDeps: kit.deps, ttlSeconds: retentionSeconds(config), now: () => Date.now(), config: () => config, alerts: { redis, keys, queue: queues.notify, now: () => Date.now() } };
      try {
        result = await runNotifyJob(env, { subscriptionId: sub.id, stream, endMs });
      } catch (e) {
        if (!(e instanceof DeliveryRetryError)) throw e;
      }
    } finally {
      await kit.close();
      await queues.close();
    }
    const digestId = makeStreamDigestId(sub.id, stream, endMs);
    const records = await readDeliveries(redis, keys, digestId);
    // A channel that failed leaves the digest claimed and stored for the retry: its size is there.
    const items = result?.items ?? (await loadDigest(redis, keys, digestId))?.total;
    if (json) process.stdout.write(`${JSON.stringify({ digestId, status: result?.status ?? 'retrying', items, deliveries: records })}\n`);
    else {
      const toRetry = records.filter((r) => r.status === 'retrying').length;
      const retrying = result === undefined ? `; ${toRetry} channel${toRetry === 1 ? '' : 's'} left to the notifier's retries` : '';
      const head =
        result?.status === 'empty'
          ? `${digestId}: nothing new in the window; nothing sent (sendEmpty is off)`
          : result?.status === 'stale'
            ? `${digestId}: window already covered`
            : `${digestId}: ${items === undefined ? 'digest not built' : `${items} item${items === 1 ? '' : 's'}`}${retrying}`;
      process.stdout.write(`${[head, ...records.map((r) => `  channel ${r.index + 1} ${r.type}: ${r.status}${r.target ? ` -> ${r.target}` : ''}${r.error ? ` (${r.error})` : ''}`)].join('\n')}\n`);
    }
    if (result === undefined || records.some((r) => r.status === 'failed')) process.exitCode = 1;
}

export function registerDigest(program: Command): void {
  program
    .command('digest')
    .description("build the digest of a subscription's current window and send it now")
    .requiredOption('--subscription <id>', 'the subscription')
    .option('--now', 'the window ends now (required: scheduled digests are sent by `belwatch run`)')
    .option('--dry-run', 'print the digest as text; read only: move, record and send nothing')
    .option('--html <file>', 'with --dry-run: also write the digest as HTML to this file')
    .option('--json', 'print the result as JSON')
    .action(async (opts: DigestOptions, cmd: Command) => {
      if (!opts.now) throw new UsageError('digest needs --now (scheduled digests are sent by `belwatch run`)');
      if (opts.html !== undefined && !opts.dryRun) throw new UsageError('--html goes with --dry-run (a sent digest is in its channels)');
      const [{ globalOptions, loadCliConfig }, { withRedis }] = await Promise.all([import('./context.js'), import('./redis-session.js')]);
      const config = loadCliConfig(cmd);
      const sub = config.subscriptions.find((s) => s.id === opts.subscription);
      if (!sub) throw new UsageError(`unknown subscription "${opts.subscription ?? ''}"`);
      const stream = sub.mode === 'instant' ? 'alert' : 'digest';
      const endMs = Date.now();
      await withRedis(config, async (redis, keys) => {
        if (opts.dryRun) await previewDigest(redis, keys, config, sub, stream, endMs, opts);
        else await sendDigest(redis, keys, config, sub, stream, endMs, { json: opts.json === true, debug: globalOptions(cmd).debug === true });
      });
    });
}
