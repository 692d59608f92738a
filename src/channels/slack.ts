/**
 * Slack channel: posts a digest's Block Kit messages to an incoming webhook, in order.
 *
 * Rate: at most one message per `intervalMs` (default 1 s) per webhook URL, across every digest sent
 * through the same `SlackRateLimiter` (one per process: pass the same instance to every call). Calls
 * for one URL queue behind each other, so the messages of one digest are never interleaved with
 * another's and always go out in order.
 *
 * 429: the limiter holds the URL for `Retry-After`; when that is at most `maxInlineWaitMs` (default
 * 30 s) the same message is tried again after the wait, up to `maxInlineRetries` (default 3) times;
 * otherwise a retryable `ChannelError` with `retryAfterMs` is thrown. Every error thrown after some
 * messages were accepted carries `delivered` (how many of the digest's messages Slack has, counting
 * `fromPart`), so the caller resumes with `fromPart: delivered` instead of posting them twice.
 * The webhook URL is the secret: it never appears in a message (see `http-post.ts`).
 */
import type { Dispatcher } from 'undici';
import { ChannelError } from '../errors.js';
import type { Digest } from '../digest/model.js';
import { renderSlackMessages, type SlackMessage } from '../digest/render-slack.js';
import { labelFor, postJson } from './http-post.js';

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Per webhook URL: runs one digest's sending at a time (`exclusive`), and spaces posts at least
 * `intervalMs` apart (`pace`).
 */
export class SlackRateLimiter {
  private readonly nextAt = new Map<string, number>();
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    readonly intervalMs = 1000,
    /** Monotonic by default: pacing must not wait an hour because the wall clock stepped back. */
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Runs `task` when every earlier task for the URL has finished (in call order). */
  async exclusive<T>(url: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(url) ?? Promise.resolve();
    const turn = prev.then(task);
    const tail = turn.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(url, tail);
    void tail.then(() => {
      if (this.tails.get(url) === tail) this.tails.delete(url);
    });
    return turn;
  }

  /** Waits until the URL may take the next post, then holds it for `intervalMs`. */
  async pace(url: string): Promise<void> {
    const wait = (this.nextAt.get(url) ?? 0) - this.now();
    if (wait > 0) await this.sleep(wait);
    this.nextAt.set(url, this.now() + this.intervalMs);
  }

  /** Holds the URL for at least `ms` from now (after a 429). */
  defer(url: string, ms: number): void {
    this.nextAt.set(url, Math.max(this.nextAt.get(url) ?? 0, this.now() + ms));
  }
}

export interface SlackSendOptions {
  readonly limiter: SlackRateLimiter;
  readonly dispatcher?: Dispatcher | undefined;
  readonly timeoutMs?: number | undefined;
  /** Skip the first `fromPart` messages (already delivered by an earlier attempt). */
  readonly fromPart?: number | undefined;
  readonly maxInlineWaitMs?: number | undefined;
  readonly maxInlineRetries?: number | undefined;
  readonly now?: (() => number) | undefined;
}

export interface SlackReceipt {
  readonly messages: number;
}

export async function sendSlackMessages(messages: readonly SlackMessage[], webhookUrl: string, opts: SlackSendOptions): Promise<SlackReceipt> {
  const label = labelFor('slack webhook', webhookUrl);
  const maxWait = opts.maxInlineWaitMs ?? 30_000;
  const maxRetries = opts.maxInlineRetries ?? 3;
  const post = async (m: SlackMessage): Promise<void> => {
    await opts.limiter.pace(webhookUrl);
    await postJson({ url: webhookUrl, body: JSON.stringify(m), dispatcher: opts.dispatcher, timeoutMs: opts.timeoutMs, label, now: opts.now });
  };
  return opts.limiter.exclusive(webhookUrl, async () => {
    for (let i = opts.fromPart ?? 0; i < messages.length; i++) {
      for (let attempt = 0; ; attempt++) {
        try {
          await post(messages[i]!);
          break;
        } catch (e) {
          if (!(e instanceof ChannelError)) throw e;
          const wait = e.retryAfterMs;
          if (e.status === 429 && wait !== undefined) opts.limiter.defer(webhookUrl, wait);
          if (e.status === 429 && wait !== undefined && wait <= maxWait && attempt < maxRetries) continue;
          throw new ChannelError(`${e.message} (message ${i + 1} of ${messages.length})`, {
            permanent: e.permanent,
            ...(e.status === undefined ? {} : { status: e.status }),
            ...(wait === undefined ? {} : { retryAfterMs: wait }),
            delivered: i,
          });
        }
      }
    }
    return { messages: messages.length };
  });
}

export function sendSlackDigest(digest: Digest, webhookUrl: string, opts: SlackSendOptions): Promise<SlackReceipt> {
  return sendSlackMessages(renderSlackMessages(digest), webhookUrl, opts);
}
