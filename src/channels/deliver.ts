/**
 * One entry point for the notifier: send a digest to one configured channel.
 *
 * Routes on `channel.type` to the file, email, Slack or webhook sender with the long-lived pieces in
 * `ChannelDeps` (SMTP transports, the Slack rate limiter, the guarded dispatcher), and returns a
 * receipt that is safe to store and log (no secret: Slack and webhook receipts name only the host).
 * Failures are the senders' `ChannelError`s, unchanged. One call is one attempt. A file channel's
 * `.eml` is addressed from and to `deps.from` (it has no recipients of its own).
 */
import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { ChannelConfig } from '../config/types.js';
import type { Digest } from '../digest/model.js';
import type { EmailTransports } from './email.js';
import { sendEmailDigest } from './email.js';
import { writeDigestFiles } from './file.js';
import { labelFor } from './http-post.js';
import { sendSlackDigest, type SlackRateLimiter } from './slack.js';
import { sendWebhookDigest } from './webhook.js';

export interface ChannelDeps {
  readonly email: EmailTransports;
  readonly slackLimiter: SlackRateLimiter;
  /** The SSRF-guarded dispatcher for Slack and webhooks. */
  readonly dispatcher?: Dispatcher | undefined;
  readonly timeoutMs?: number | undefined;
  /** A relative `file` channel `dir` is resolved against this (the config directory or cwd). */
  readonly baseDir: string;
  /** From address for `.eml` files (settings.smtp.from). */
  readonly from: string;
  readonly now?: (() => number) | undefined;
}

export interface DeliveryAttempt {
  /** Slack: skip the messages an earlier attempt delivered (`ChannelError.delivered`). */
  readonly fromPart?: number | undefined;
}

export interface DeliveryReceipt {
  readonly type: ChannelConfig['type'];
  /** Where it went, safe to log: a file path, recipients, or `slack webhook <host>` / `webhook <host>`. */
  readonly target: string;
  /** Message-ID (email, file), webhook-id (webhook), or the number of Slack messages. */
  readonly ref: string;
}

export async function deliverToChannel(digest: Digest, channel: ChannelConfig, deps: ChannelDeps, attempt: DeliveryAttempt = {}): Promise<DeliveryReceipt> {
  switch (channel.type) {
    case 'file': {
      const r = await writeDigestFiles(digest, path.resolve(deps.baseDir, channel.dir), { from: deps.from, to: [deps.from] });
      return { type: 'file', target: r.eml, ref: `<${digest.id}@belwatch>` };
    }
    case 'email': {
      const r = await sendEmailDigest(digest, deps.email, { to: channel.to, cc: channel.cc, subjectPrefix: channel.subjectPrefix });
      return { type: 'email', target: r.accepted.join(', '), ref: r.messageId };
    }
    case 'slack': {
      const r = await sendSlackDigest(digest, channel.webhookUrl, { limiter: deps.slackLimiter, dispatcher: deps.dispatcher, timeoutMs: deps.timeoutMs, fromPart: attempt.fromPart, now: deps.now });
      return { type: 'slack', target: labelFor('slack webhook', channel.webhookUrl), ref: `${r.messages} message${r.messages === 1 ? '' : 's'}` };
    }
    case 'webhook': {
      const r = await sendWebhookDigest(digest, { url: channel.url, secret: channel.secret }, { dispatcher: deps.dispatcher, timeoutMs: deps.timeoutMs, now: deps.now });
      return { type: 'webhook', target: labelFor('webhook', channel.url), ref: r.webhookId };
    }
  }
}
