/**
 * `belwatch digest --subscription ID --now [--dry-run] [--preview FILE] [--json]`: the digest of the
 * subscription's current window — [end of the last claimed window, now) — built and sent now, in
 * this process, through the same claim and delivery records as the notifier (so the next scheduled
 * window starts where this one ended, and nothing is sent twice).
 *
 * `--dry-run` moves nothing and records nothing: it prints the digest as plain text and writes the
 * HTML preview (default `./<digest id>.preview.html`). Exit 1 when a channel failed (permanently,
 * or retryably: the notifier then retries the still-open digest), 2 for a usage error.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { renderDigestHtml } from '../digest/render-html.js';
import { renderDigestText } from '../digest/render-text.js';
import { UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import { retentionSeconds } from '../config/retention.js';
import { openQueues } from '../pipeline/queues.js';
import { ensureSubscriptionCreated, makeStreamDigestId, pendingKeyFor, readWindowEnd } from '../notify/claim-window.js';
import { DeliveryRetryError, runNotifyJob } from '../notify/notify-job.js';
import { readDeliveries } from '../notify/records.js';
import { assembleDigest, loadDigest } from '../notify/stored-digest.js';
import { openChannelKit } from '../pipeline/notify-worker.js';
import { connectRedis, Keys, pingRedis, redisOptionsFromUrl } from '../store/redis.js';
import { globalOptions, loadCliConfig } from './context.js';

interface DigestOptions {
  readonly subscription?: string;
  readonly now?: boolean;
  readonly dryRun?: boolean;
  readonly preview?: string;
  readonly json?: boolean;
}

export function registerDigest(program: Command): void {
  program
    .command('digest')
    .description("build the digest of a subscription's current window and send it now")
    .requiredOption('--subscription <id>', 'the subscription')
    .option('--now', 'the window ends now (required: scheduled digests are sent by `belwatch run`)')
    .option('--dry-run', 'print the digest as text and write the HTML preview; move and send nothing')
    .option('--preview <file>', 'where --dry-run writes the HTML (default ./<digest id>.preview.html)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: DigestOptions, cmd: Command) => {
      if (!opts.now) throw new UsageError('digest needs --now (scheduled digests are sent by `belwatch run`)');
      const config = loadCliConfig(cmd);
      const sub = config.subscriptions.find((s) => s.id === opts.subscription);
      if (!sub) throw new UsageError(`unknown subscription "${opts.subscription ?? ''}"`);
      const log = createLogger({ level: globalOptions(cmd).debug ? 'debug' : 'error', secrets: config.secrets });
      const redis = connectRedis(config.settings.redis.url, { maxRetriesPerRequest: 2 });
      const keys = new Keys(config.settings.redis.prefix);
      const stream = sub.mode === 'instant' ? 'alert' : 'digest';
      const endMs = Date.now();
      try {
        await pingRedis(redis, config.settings.redis.url);
        if (opts.dryRun) {
          const created = await ensureSubscriptionCreated(redis, keys, sub.id, endMs);
          const start = Math.min((await readWindowEnd(redis, keys, sub.id, stream)) ?? created, endMs);
          const members = await redis.zrangebyscore(pendingKeyFor(keys, sub, stream), '-inf', `(${endMs}`);
          const digest = await assembleDigest(redis, keys, config, sub, { digestId: makeStreamDigestId(sub.id, stream, endMs), stream, start, end: endMs, members });
          const file = path.resolve(opts.preview ?? `${digest.id}.preview.html`);
          writeFileSync(file, renderDigestHtml(digest));
          if (opts.json) process.stdout.write(`${JSON.stringify({ dryRun: true, digest, preview: file })}\n`);
          else process.stdout.write(`${renderDigestText(digest)}\n(dry run: nothing moved or sent; HTML preview: ${file})\n`);
          return;
        }
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
        if (opts.json) process.stdout.write(`${JSON.stringify({ digestId, status: result?.status ?? 'retrying', items, deliveries: records })}\n`);
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
      } finally {
        await redis.quit().catch(() => redis.disconnect());
      }
    });
}
