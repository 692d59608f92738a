/**
 * One process's account of its Redis connection, for the logs and the readiness probe.
 *
 * While Redis is away every client of the process (the service's own, and two or so per BullMQ
 * queue and worker) retries with backoff and reports each failed attempt as an `error` event:
 * a dozen lines every few seconds, and BullMQ prints a queue's errors with their stack to stderr
 * when nobody listens. Instead, an outage is logged as three kinds of line:
 *
 *   - `Redis unreachable …` once, when the service's own connection drops (or a BullMQ client
 *     reports a connection error while it is not ready);
 *   - `Redis still unreachable after N s …` once per `repeatMs` (default 60 s) while it lasts;
 *   - `Redis reachable again after N s …` when the service's own connection is ready again, after
 *     which the `onRecovered` callbacks run (the scheduler re-asserts its schedules).
 *
 * Everything else reported (`report`) is an error of a BullMQ worker or queue that is not about
 * the connection. A job that lost its lock (the usual after-effect of an outage longer than
 * `workers.lockDuration`: BullMQ says "Missing lock for job …" for each job that was running) is a
 * warning; any other error is logged as an error. Either way the first of its kind (connection,
 * lost lock, other) per queue is logged at once and the repeats within `repeatMs` are folded into
 * one line "… (N more like it)" when the period ends, so no error, however frequent, floods the log.
 */
import type { Redis } from 'ioredis';
import { describeError, RedisError } from '../errors.js';
import type { Logger } from '../log.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_MESSAGE = /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|^LOADING |MaxRetriesPerRequest|Reached the max retries/;
const LOST_LOCK = /Missing lock for job|could not renew lock|Lock mismatch for job/i;

/** Whether an error says the Redis connection is down (not that a command was wrong). */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return CONNECTION_MESSAGE.test(describeError(e));
}

export interface RedisWatch {
  /** Whether the service's own connection is ready (false during an outage). */
  isUp(): boolean;
  /** Runs `fn` each time Redis answers again after an outage. */
  onRecovered(fn: () => void): void;
  /**
   * Runs a Redis read that must not wait for a reconnect (a probe, a scrape): rejects at once
   * while Redis is away, and after `ms` (default 2 s) if it has not answered by then.
   */
  ask<T>(read: () => Promise<T>, ms?: number): Promise<T>;
  /** An `error` event of a BullMQ worker or queue; `where` names it (the queue). */
  report(err: Error, where: string): void;
  /** Stops the timers; logs what is still folded. Can be called twice. */
  close(): void;
}

export interface RedisWatchOptions {
  /** How often a lasting outage, and repeats of one error, are logged (default 60 s). */
  readonly repeatMs?: number;
  readonly now?: () => number;
}

type Kind = 'connection' | 'lock' | 'error';

interface Folded {
  readonly where: string;
  readonly kind: Kind;
  count: number;
  last: string;
}

export function watchRedis(redis: Redis, log: Logger, opts: RedisWatchOptions = {}): RedisWatch {
  const repeatMs = opts.repeatMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const recovered: (() => void)[] = [];
  let downSince: number | null = null;
  let failures = 0;
  let reminder: NodeJS.Timeout | undefined;
  /** Per place and kind: repeats within the current period (present = the first was logged). */
  const folded = new Map<string, Folded>();
  let flushTimer: NodeJS.Timeout | undefined;

  const seconds = (ms: number): string => (ms / 1000).toFixed(1);

  const markDown = (reason: string): void => {
    if (downSince !== null) return;
    downSince = now();
    failures = 0;
    log.warn({ reason }, 'Redis unreachable: jobs wait and every client reconnects on its own');
    reminder = setInterval(() => {
      if (downSince !== null) log.warn({ failures }, `Redis still unreachable after ${seconds(now() - downSince)} s`);
    }, repeatMs);
    reminder.unref();
  };

  const markUp = (): void => {
    if (downSince === null) return;
    clearInterval(reminder);
    log.warn({ failures }, `Redis reachable again after ${seconds(now() - downSince)} s`);
    downSince = null;
    for (const fn of recovered) fn();
  };

  const flush = (): void => {
    flushTimer = undefined;
    for (const f of folded.values()) {
      if (f.count === 0) continue;
      const line = `${f.last} (${f.count} more like it in the last ${Math.round(repeatMs / 1000)} s)`;
      if (f.kind === 'error') log.error({ queue: f.where }, line);
      else log.warn({ queue: f.where }, line);
    }
    folded.clear();
  };

  /** Logs the first `kind` of error at `where` in a period; counts the rest for `flush`. */
  const fold = (where: string, kind: Kind, line: string): void => {
    const key = `${kind} ${where}`;
    const f = folded.get(key);
    if (f) {
      f.count++;
      f.last = line;
      return;
    }
    folded.set(key, { where, kind, count: 0, last: line });
    if (kind === 'error') log.error({ queue: where }, line);
    else log.warn({ queue: where }, line);
    if (!flushTimer) {
      flushTimer = setTimeout(flush, repeatMs);
      flushTimer.unref();
    }
  };

  const onError = (e: Error): void => {
    if (downSince !== null) failures++;
    else if (redis.status !== 'ready') markDown(describeError(e));
  };
  const onClose = (): void => markDown('connection closed');
  redis.on('close', onClose);
  redis.on('error', onError);
  redis.on('ready', markUp);

  let closed = false;
  const isUp = (): boolean => downSince === null && redis.status === 'ready';
  return {
    isUp,
    async ask(read, ms = 2_000) {
      if (!isUp()) throw new RedisError('Redis is unreachable');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RedisError(`Redis did not answer within ${ms} ms`)), ms);
      });
      try {
        return await Promise.race([read(), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    onRecovered: (fn) => void recovered.push(fn),
    report(err, where) {
      if (isConnectionError(err)) {
        if (downSince === null && redis.status === 'ready') {
          // one client's hiccup while the service's own connection is fine
          fold(where, 'connection', `Redis connection error: ${describeError(err)}`);
        } else {
          markDown(describeError(err));
          failures++;
        }
        return;
      }
      const message = describeError(err);
      if (LOST_LOCK.test(message)) {
        fold(where, 'lock', `a job lost its lock (Redis was unreachable, or the job outlasted workers.lockDuration); stalled-job recovery runs it again: ${message}`);
        return;
      }
      fold(where, 'error', `worker error: ${message}`);
    },
    close() {
      if (closed) return;
      closed = true;
      redis.off('close', onClose);
      redis.off('error', onError);
      redis.off('ready', markUp);
      clearInterval(reminder);
      clearTimeout(flushTimer);
      flush();
    },
  };
}
