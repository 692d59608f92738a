/**
 * Queue names, job payloads and job options. Job data carries ids and public article data, never
 * secrets: a poll job holds only the source id; the source's URL and headers are read from the
 * current config when the job runs.
 */
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { keyPrefix } from '../store/redis.js';
import type { Article } from '../types.js';

export const QUEUE = { poll: 'poll', process: 'process' } as const;

export interface PollJobData {
  readonly sourceId: string;
}

export interface ProcessJobData {
  readonly sourceId: string;
  readonly article: Article;
}

export const POLL_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 86_400, count: 5_000 },
  removeOnFail: { age: 7 * 86_400, count: 5_000 },
};

export const PROCESS_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 3_600, count: 20_000 },
  removeOnFail: { age: 7 * 86_400, count: 20_000 },
};

/** BullMQ job ids may not contain ":"; article ids are made safe and prefixed. */
export function processJobId(articleId: string): string {
  return `a-${articleId.replace(/:/g, '_')}`;
}

export function pollSchedulerId(sourceId: string): string {
  return `poll-${sourceId}`;
}

export interface Queues {
  readonly poll: Queue<PollJobData>;
  readonly process: Queue<ProcessJobData>;
  close(): Promise<void>;
}

export function openQueues(connection: ConnectionOptions, prefix: string): Queues {
  const opts = { connection, prefix: keyPrefix(prefix) };
  const poll = new Queue<PollJobData>(QUEUE.poll, { ...opts, defaultJobOptions: POLL_JOB_OPTIONS });
  const process = new Queue<ProcessJobData>(QUEUE.process, { ...opts, defaultJobOptions: PROCESS_JOB_OPTIONS });
  let closing: Promise<void> | undefined;
  return {
    poll,
    process,
    close() {
      closing ??= Promise.all([poll.close(), process.close()]).then(() => undefined);
      return closing;
    },
  };
}
