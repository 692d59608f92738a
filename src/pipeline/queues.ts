/**
 * Queue names, job payloads and job options. Job data carries ids and public article data, never
 * secrets: a poll job holds only the source id; the source's URL and headers are read from the
 * current config when the job runs.
 */
import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { keyPrefix } from '../store/redis.js';
import type { NotifyJobData } from '../notify/job-data.js';
import type { Article } from '../types.js';

export const QUEUE = { poll: 'poll', process: 'process', notify: 'notify' } as const;

export interface PollJobData {
  readonly sourceId: string;
  /** A manual "poll now": skip the backoff and spacing gate. */
  readonly force?: boolean;
}

/** What a poll job returns (its `returnvalue`, and what the fetcher's metrics read). */
export type PollJobResult =
  | { readonly skipped: 'not configured' }
  | { readonly sourceId: string; readonly outcome: 'ok' | 'not-modified' | 'error' | 'skipped'; readonly errorClass?: string | undefined; readonly items: number; readonly new: number };

/** A batch of one poll's new articles (at most `PROCESS_BATCH`), processed one by one. */
export interface ProcessJobData {
  readonly sourceId: string;
  readonly articles: readonly Article[];
}

/** What a process job returns: one entry per article of its batch, in order. */
export type ProcessJobResult = readonly { readonly status: 'new' | 'duplicate' | 'clustered'; readonly matched: readonly string[]; readonly handedOff: readonly string[] }[];

/** Articles per process job: one job per article would spend most of its time in queue overhead. */
export const PROCESS_BATCH = 25;

const POLL_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 86_400, count: 5_000 },
  removeOnFail: { age: 7 * 86_400, count: 5_000 },
};

const PROCESS_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 3_600, count: 20_000 },
  removeOnFail: { age: 7 * 86_400, count: 20_000 },
};

/**
 * Delivery retries: exponential backoff from 5 s with jitter, 8 attempts (about 10 min in all);
 * a digest still open after that is queued again by the notifier's minute check.
 */
export const NOTIFY_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
  removeOnComplete: { age: 7 * 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 86_400, count: 10_000 },
};

/**
 * A deterministic id for a batch (the same articles queued twice by a retried poll are one job);
 * BullMQ job ids may not contain ":".
 */
export function processJobId(sourceId: string, articleIds: readonly string[]): string {
  return `b-${sourceId}-${createHash('sha1').update(articleIds.join('\n')).digest('hex').slice(0, 20)}`;
}

export function pollSchedulerId(sourceId: string): string {
  return `poll-${sourceId}`;
}

export interface Queues {
  readonly poll: Queue<PollJobData>;
  readonly process: Queue<ProcessJobData>;
  readonly notify: Queue<NotifyJobData>;
  close(): Promise<void>;
}

/** Notify job options with the configured retry policy (`settings.delivery`). */
export function notifyJobOptions(delivery?: { readonly attempts: number; readonly backoff: number }): DefaultJobOptions {
  if (!delivery) return NOTIFY_JOB_OPTIONS;
  return { ...NOTIFY_JOB_OPTIONS, attempts: delivery.attempts, backoff: { type: 'exponential', delay: delivery.backoff, jitter: 0.5 } };
}

/**
 * The three queues. `onError` gets each queue's `error` events (its connection's failures; the
 * commands themselves wait for a reconnect): without a listener BullMQ prints every one with its
 * stack on stderr, so they are dropped when no `onError` is given.
 */
export function openQueues(
  connection: ConnectionOptions,
  prefix: string,
  delivery?: { readonly attempts: number; readonly backoff: number },
  onError: (err: Error, queue: string) => void = () => undefined,
): Queues {
  const opts = { connection, prefix: keyPrefix(prefix) };
  const poll = new Queue<PollJobData>(QUEUE.poll, { ...opts, defaultJobOptions: POLL_JOB_OPTIONS });
  const process = new Queue<ProcessJobData>(QUEUE.process, { ...opts, defaultJobOptions: PROCESS_JOB_OPTIONS });
  const notify = new Queue<NotifyJobData>(QUEUE.notify, { ...opts, defaultJobOptions: notifyJobOptions(delivery) });
  for (const q of [poll, process, notify]) q.on('error', (err) => onError(err, q.name));
  let closing: Promise<void> | undefined;
  return {
    poll,
    process,
    notify,
    close() {
      closing ??= Promise.all([poll, process, notify].map(closeQueue)).then(() => undefined);
      return closing;
    },
  };
}

/** How long `close()` waits for a queue still connecting (Redis away: it closes without). */
const READY_WAIT_MS = 2_000;

/**
 * Closes one queue. A queue closed while its connection is still starting up (BullMQ sends INFO
 * right after connecting) has that command rejected, and BullMQ reports the rejection as an
 * `error` event on a connection whose listeners its close has already removed: an unhandled
 * rejection ("Connection is closed"). So: wait for the connection to be ready (bounded), close,
 * and keep a listener on the connection for a start-up that fails after the close.
 */
async function closeQueue(queue: Queue): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, READY_WAIT_MS).unref()));
  await Promise.race([queue.waitUntilReady().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  await queue.close();
  (queue as unknown as { connection?: { on?: (event: 'error', fn: () => void) => void } }).connection?.on?.('error', () => undefined);
}
