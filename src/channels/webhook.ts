/**
 * Webhook channel: POSTs the versioned digest JSON, signed per Standard Webhooks.
 *
 * One call is one attempt; retries are the caller's (the notifier's backoff). Every attempt carries
 * the same `webhook-id` (derived from the digest id unless the caller passes one) and a fresh
 * `webhook-timestamp`, so receivers can verify freshness and drop duplicates. Failures are
 * `ChannelError`s classified by `http-post.ts`; messages name only the receiver's host.
 */
import type { Dispatcher } from 'undici';
import type { Digest } from '../digest/model.js';
import { makeWebhookId, renderWebhookBody, signWebhook } from '../digest/render-webhook.js';
import { labelFor, postJson } from './http-post.js';

export interface WebhookTarget {
  readonly url: string;
  readonly secret: string;
}

export interface WebhookSendOptions {
  readonly dispatcher?: Dispatcher | undefined;
  readonly timeoutMs?: number | undefined;
  /** Clock in ms (for webhook-timestamp); default Date.now. */
  readonly now?: (() => number) | undefined;
  /** Overrides the id derived from the digest (e.g. to add a channel index). */
  readonly webhookId?: string | undefined;
}

export interface WebhookReceipt {
  readonly webhookId: string;
  readonly status: number;
}

export async function sendWebhookDigest(digest: Digest, target: WebhookTarget, opts: WebhookSendOptions = {}): Promise<WebhookReceipt> {
  const now = opts.now ?? Date.now;
  const body = renderWebhookBody(digest);
  const webhookId = opts.webhookId ?? makeWebhookId(digest);
  const headers = signWebhook({ id: webhookId, timestamp: Math.floor(now() / 1000), body, secret: target.secret });
  const status = await postJson({
    url: target.url,
    body,
    headers: { ...headers, 'user-agent': 'belwatch-webhook/1' },
    dispatcher: opts.dispatcher,
    timeoutMs: opts.timeoutMs,
    label: labelFor('webhook', target.url),
    now,
  });
  return { webhookId, status };
}
