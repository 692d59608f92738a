/**
 * Delivering one stored digest to every channel of its subscription, with delivery records.
 *
 * For each channel, in config order: a record `sent` or `failed` is skipped; otherwise the record is
 * written `sending` BEFORE the channel is tried and `sent` AFTER it accepted. A crash between the two
 * leaves `sending`, and the retry sends again — the one inherent duplicate (SMTP, Slack); webhooks
 * carry the same `webhook-id` every time so receivers drop it. Slack resumes with `fromPart` after a
 * partial send.
 *
 * Failures never stop the other channels: a permanent `ChannelError` marks the channel `failed`
 * for this digest (the digest stays stored) and is returned for an admin alert; anything else
 * (retryable errors, unexpected ones) is marked `retrying` and counted, and the caller throws
 * after the loop so the job is retried with backoff.
 */
import { deliverToChannel, type ChannelDeps } from '../channels/deliver.js';
import type { ChannelConfig } from '../config/types.js';
import type { Digest } from '../digest/model.js';
import { ChannelError, describeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Redis } from 'ioredis';
import type { Keys } from '../store/redis.js';
import type { Scrubber } from '../scrub.js';
import { injectFault } from './fault.js';
import { readDeliveries, writeDelivery, type DeliveryRecord } from './records.js';

export interface DeliveryEnv {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly log: Logger;
  readonly channelDeps: ChannelDeps;
  readonly ttlSeconds: number;
  readonly now: () => number;
  /** The config's scrubber: a channel's error text is scrubbed once, before it is stored, logged or alerted on. */
  readonly scrubber: Scrubber;
}

export interface DeliveryOutcome {
  readonly sent: number;
  readonly skipped: number;
  readonly retrying: readonly { index: number; error: string; retryAfterMs?: number | undefined }[];
  readonly failed: readonly { index: number; type: string; error: string }[];
}

export async function deliverDigest(env: DeliveryEnv, digest: Digest, channels: readonly ChannelConfig[]): Promise<DeliveryOutcome> {
  const { redis, keys } = env;
  const log = env.log.child({ digest: digest.id });
  const previous = new Map((await readDeliveries(redis, keys, digest.id)).map((r) => [r.index, r]));
  let sent = 0;
  let skipped = 0;
  const retrying: DeliveryOutcome['retrying'][number][] = [];
  const failed: DeliveryOutcome['failed'][number][] = [];
  for (const [index, channel] of channels.entries()) {
    const prev = previous.get(index);
    if (prev?.status === 'sent' || prev?.status === 'failed') {
      skipped++;
      continue;
    }
    const base = { index, type: channel.type, attempts: (prev?.attempts ?? 0) + 1, fromPart: prev?.fromPart };
    const write = (r: Partial<DeliveryRecord> & Pick<DeliveryRecord, 'status'>): Promise<void> => writeDelivery(redis, keys, digest.id, { ...base, updatedAt: env.now(), ...r }, env.ttlSeconds);
    await write({ status: 'sending' });
    injectFault('before-send');
    try {
      const receipt = await deliverToChannel(digest, channel, env.channelDeps, { fromPart: base.fromPart });
      injectFault('after-send');
      await write({ status: 'sent', target: receipt.target, ref: receipt.ref });
      injectFault('after-mark');
      log.info({ channel: index, type: channel.type, target: receipt.target }, 'digest delivered');
      sent++;
    } catch (e) {
      const error = env.scrubber.scrubError(describeError(e));
      if (e instanceof ChannelError && e.permanent) {
        await write({ status: 'failed', error });
        log.error({ channel: index, type: channel.type }, `channel failed permanently: ${error}`);
        failed.push({ index, type: channel.type, error });
      } else {
        const fromPart = e instanceof ChannelError && e.delivered !== undefined ? e.delivered : base.fromPart;
        await write({ status: 'retrying', error, fromPart });
        log.warn({ channel: index, type: channel.type }, `channel failed, will retry: ${error}`);
        retrying.push({ index, error, retryAfterMs: e instanceof ChannelError ? e.retryAfterMs : undefined });
      }
    }
  }
  return { sent, skipped, retrying, failed };
}
