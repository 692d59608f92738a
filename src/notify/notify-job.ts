/**
 * The notify job, once per window: claim -> build (or load) -> deliver -> alert on failures -> finish.
 *
 * 1. Claim the window atomically (`claimWindow`); a stale window (already covered) stops here.
 * 2. Load the stored digest, or build it from the archive and store it.
 * 3. An empty window sends nothing unless the subscription has `sendEmpty` (digests only); the
 *    window end has advanced all the same.
 * 4. Deliver to every channel with delivery records (`deliverDigest`).
 * 5. Permanent channel failures raise an admin event (not for the admin stream itself, so a broken
 *    admin channel cannot alert about itself forever).
 * 6. Retryable failures throw after every channel was tried, so BullMQ retries the job with backoff;
 *    otherwise the digest is finished (off the open set).
 * A subscription removed from the config is skipped. Every step is idempotent: a job retried after a
 * crash at any point re-enters its own claim and skips what was sent.
 */
import type { Config } from '../config/types.js';
import { retentionSeconds } from '../config/retention.js';
import type { NotifyJobData } from './job-data.js';
import { scrubberFor } from '../scrub.js';
import { raiseAdminEvent } from './admin-events.js';
import { scheduleAlert, type AlertEnv } from './alert-window.js';
import { claimWindow, ensureSubscriptionCreated } from './claim-window.js';
import { deliverDigest, type DeliveryEnv } from './deliver-digest.js';
import { finishDigest } from './records.js';
import { loadOrBuildDigest } from './stored-digest.js';

export interface NotifyEnv extends Omit<DeliveryEnv, 'scrubber'> {
  readonly config: () => Config;
  readonly alerts: AlertEnv;
}

export interface NotifyResult {
  readonly digestId?: string;
  readonly status: 'skipped' | 'stale' | 'empty' | 'delivered';
  readonly items?: number;
  readonly sent?: number;
  readonly failed?: number;
}

/** Thrown when a channel failed in a way retrying can help; BullMQ retries the job. */
export class DeliveryRetryError extends Error {
  /** The longest Retry-After a failing channel asked for (429), if any. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'DeliveryRetryError';
    this.retryAfterMs = retryAfterMs;
  }
}

export async function runNotifyJob(env: NotifyEnv, data: NotifyJobData): Promise<NotifyResult> {
  const { redis, keys } = env;
  const config = env.config();
  const sub = config.subscriptions.find((s) => s.id === data.subscriptionId);
  if (!sub) return { status: 'skipped' };
  const ttl = retentionSeconds(config);
  const created = await ensureSubscriptionCreated(redis, keys, sub.id, env.now());
  const claim = await claimWindow(redis, keys, { sub, stream: data.stream, endMs: data.endMs, firstStartMs: Math.min(created, data.endMs), nowMs: env.now(), ttlSeconds: ttl });
  if (claim.status === 'stale') return { digestId: claim.digestId, status: 'stale' };

  const digest = await loadOrBuildDigest(redis, keys, config, sub, claim, ttl);
  if (digest.total === 0 && !(sub.sendEmpty && data.stream === 'digest')) {
    await finishDigest(redis, keys, claim.digestId, env.now());
    return { digestId: claim.digestId, status: 'empty', items: 0 };
  }

  const outcome = await deliverDigest({ ...env, scrubber: scrubberFor(config) }, digest, sub.channels);
  if (data.stream !== 'admin') {
    for (const f of outcome.failed) {
      const event = { id: `channel-${digest.id}-${f.index}`, kind: 'channel-failing' as const, at: env.now(), subject: `${sub.id}/${f.index}`, title: `${f.type} channel ${f.index + 1} of ${sub.id} is failing`, detail: `Digest ${digest.id} was not delivered to it: ${f.error}. The digest is kept; fix the channel and run belwatch digest again.` };
      for (const adminId of await raiseAdminEvent(redis, keys, config, event, ttl)) {
        const admin = config.subscriptions.find((s) => s.id === adminId);
        if (admin) await scheduleAlert(env.alerts, admin, 'admin');
      }
    }
  }
  if (outcome.retrying.length > 0) {
    const waits = outcome.retrying.map((r) => r.retryAfterMs).filter((ms): ms is number => ms !== undefined);
    throw new DeliveryRetryError(`digest ${digest.id}: ${outcome.retrying.length} channel(s) will be retried: ${outcome.retrying.map((r) => r.error).join('; ')}`, waits.length > 0 ? Math.max(...waits) : undefined);
  }
  await finishDigest(redis, keys, claim.digestId, env.now());
  return { digestId: claim.digestId, status: 'delivered', items: digest.total, sent: outcome.sent, failed: outcome.failed.length };
}
