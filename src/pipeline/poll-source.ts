/**
 * The fetch job, once per source and poll: gate -> ingest (full text for unseen articles only)
 * -> 304 stops -> hand articles on -> record health and fetch state.
 *
 * A failing source never throws out of here: the failure is classified by ingestion, recorded in
 * source health (with backoff via `nextAllowedAt`) and reported in the summary, and the next
 * scheduled poll tries again. Only infrastructure errors (Redis) throw, so BullMQ retries them.
 * The gate: not while backing off, and not within half an interval of the last poll — checked in
 * the health record and made atomic with a lock held for half an interval, so two triggers racing
 * in two processes (a first poll and the first scheduled slot) make one request; the job that holds
 * the lock may take it again (its retry after a crash). `force` skips the gate
 * (`belwatch poll --once`, manual polls).
 */
import type { SourceConfig } from '../config/types.js';
import { unseenIds } from '../dedupe/seen-store.js';
import { readHealth, readSourceState, swapLastItems, writeHealth, writeSourceState } from '../store/health.js';
import { scrubberFor } from '../scrub.js';
import type { Article } from '../types.js';
import type { PipelineContext } from './context.js';
import { mayPollNow, recordPoll, type SourceHealth } from './source-health.js';

export interface ArticleCounts {
  readonly new: number;
  readonly duplicates: number;
  readonly clustered: number;
  readonly matched: number;
}

/** Where a poll's articles go: processed in-process, or queued for processor workers. */
export type ArticleSink = (articles: readonly Article[], source: SourceConfig) => Promise<ArticleCounts>;

export interface PollSummary extends ArticleCounts {
  readonly sourceId: string;
  readonly outcome: 'ok' | 'not-modified' | 'error' | 'skipped';
  readonly items: number;
  readonly status?: number | undefined;
  readonly errorClass?: string | undefined;
  readonly errorMessage?: string | undefined;
  readonly health: SourceHealth;
  /** Set when the poll shortened the source's interval (items dropped between polls). */
  readonly newIntervalMs?: number | undefined;
}

const ZERO: ArticleCounts = { new: 0, duplicates: 0, clustered: 0, matched: 0 };

const TAKE_LOCK = `
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** Takes the source's poll lock, or re-enters it with the same marker (a job retried after a crash). */
async function takePollLock(ctx: PipelineContext, sourceId: string, marker: string, ms: number): Promise<boolean> {
  return (await ctx.redis.eval(TAKE_LOCK, 1, ctx.keys.pollLock(sourceId), marker, ms)) === 1;
}

export interface PollOptions {
  /** Skip the gate (manual polls). */
  readonly force?: boolean;
  /** Who polls (the job id): the same marker may take the source's poll lock again. */
  readonly marker?: string;
  /** Aborted at shutdown: the fetch stops and nothing of this poll is recorded (the job runs again). */
  readonly signal?: AbortSignal | undefined;
}

export async function pollSource(ctx: PipelineContext, source: SourceConfig, sink: ArticleSink, opts: PollOptions = {}): Promise<PollSummary> {
  const { redis, keys } = ctx;
  const log = ctx.log.child({ source: source.id });
  const health = await readHealth(redis, keys, source.id);
  const spacing = Math.max(1000, Math.floor((health.intervalMs ?? source.interval) / 2));
  const gateOpen = opts.force || (mayPollNow(health, ctx.now(), source.interval) && (await takePollLock(ctx, source.id, opts.marker ?? 'poll', spacing)));
  if (!gateOpen) {
    log.debug({ nextAllowedAt: health.nextAllowedAt, lastAttempt: health.lastAttempt }, 'poll skipped: backing off or polled moments ago');
    return { sourceId: source.id, outcome: 'skipped', items: 0, ...ZERO, health };
  }

  const state = await readSourceState(redis, keys, source.id);
  // Full text only for articles not seen before (as miniflux does): known ones are not fetched again.
  const result = await ctx.ingest(source, state, { signal: opts.signal, unseen: (articles) => unseenIds(redis, keys, articles.map((a) => a.id)) });
  opts.signal?.throwIfAborted();
  // The error text goes to the health record, the log, admin alerts and `poll --json`: scrubbed once here.
  const errorMessage = result.errorMessage === undefined ? undefined : scrubberFor(ctx.runtime().config).scrubError(result.errorMessage);

  let counts = ZERO;
  let overlapsPrevious: boolean | undefined;
  if (result.kind === 'ok') {
    overlapsPrevious = await swapLastItems(redis, keys, source.id, result.articles.map((a) => a.id));
    counts = await sink(result.articles, source);
  }
  if (result.kind !== 'error') await writeSourceState(redis, keys, source.id, result.state);

  const next = recordPoll(
    health,
    {
      kind: result.kind,
      status: result.status,
      errorClass: result.errorClass,
      errorMessage,
      items: result.itemCount,
      itemsCut: result.itemsCut,
      newItems: counts.new + counts.clustered,
      retryAfterMs: result.retryAfterMs,
      freshForMs: result.freshForMs,
      overlapsPrevious,
    },
    source.interval,
    ctx.now(),
  );
  await writeHealth(redis, keys, next);
  if (ctx.onHealth) await ctx.onHealth(source, next);

  if (result.kind === 'error') log.warn({ errorClass: result.errorClass, status: result.status }, `poll failed: ${errorMessage ?? result.errorClass ?? 'error'}`);
  else log.info({ outcome: result.kind, items: result.itemCount, ...counts }, 'polled');
  if (next.intervalMs !== health.intervalMs && next.intervalMs !== null) {
    log.warn({ intervalMs: next.intervalMs }, 'no overlap with the previous poll: the feed may drop items between polls; interval shortened');
  }
  return {
    sourceId: source.id,
    outcome: result.kind,
    items: result.itemCount,
    status: result.status,
    errorClass: result.errorClass,
    errorMessage,
    ...counts,
    health: next,
    newIntervalMs: next.intervalMs !== health.intervalMs ? (next.intervalMs ?? undefined) : undefined,
  };
}
