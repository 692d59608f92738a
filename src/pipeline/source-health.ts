/**
 * Source health, as pure functions over a persisted record.
 *
 * `recordPoll` folds one poll's outcome into the record: attempt and success times, HTTP status,
 * consecutive failures, error class and message, items seen, last new item, whether the item cap
 * cut the last document ("kept 500 of 20,000 items"), a moving average of
 * the publishing cadence (gaps between polls that found something new, weighted 0.3 to the newest),
 * and when the next poll may run (`nextAllowedAt`):
 *   - after a failure: interval x 2^(failures-1), capped at 6 h, with +-10 % jitter
 *   - after 429/503 with Retry-After: no earlier than that (capped at 24 h)
 *   - after a success whose Cache-Control/Expires says fresh for longer than the interval: not
 *     before it goes stale (capped at 6 h)
 * When a poll shares no item with the previous poll (both with at least 3), the feed may be
 * dropping items between polls: that is recorded, and the interval is halved (not below 2 min; an
 * interval already at or under 2 min is kept, never lengthened).
 *
 * `assessHealth` says whether a source is unhealthy and why: `FAILURES_UNHEALTHY` failures in a
 * row, a broken page selector, a feed answering 200 with no items, or quiet for longer than
 * max(5 x its cadence, 12 h). Unhealthy sources keep being polled: never silently disabled.
 */

import type { HealthAssessment } from '../types.js';
import type { IngestOutcome } from './ports.js';

export const FAILURES_UNHEALTHY = 3;
const MAX_BACKOFF_MS = 6 * 3_600_000;
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
const MIN_INTERVAL_MS = 2 * 60_000;
const QUIET_MIN_MS = 12 * 3_600_000;
const COUNT = new Intl.NumberFormat('en-US');

export interface SourceHealth {
  readonly sourceId: string;
  readonly lastAttempt: string | null;
  readonly lastSuccess: string | null;
  /** The last poll's HTTP status; null when it got none (a timeout, a reset, garbage instead of HTTP). */
  readonly lastStatus: number | null;
  readonly consecutiveFailures: number;
  readonly lastErrorClass: string | null;
  readonly lastErrorMessage: string | null;
  readonly itemsSeen: number;
  readonly lastItemCount: number | null;
  /** Set when the last successful poll's document listed more items than the cap kept: "kept 500 of 20,000 items". */
  readonly lastItemsCut: string | null;
  readonly lastNewItem: string | null;
  readonly cadenceMs: number | null;
  readonly nextAllowedAt: string | null;
  /** Set when the interval was shortened because the feed seemed to drop items between polls. */
  readonly intervalMs: number | null;
  readonly droppingSuspectedAt: string | null;
  readonly polls: number;
  readonly notModified: number;
}

/** One poll's outcome as health sees it: ingestion's result plus what the pipeline counted. */
export type PollOutcome = Pick<IngestOutcome, 'kind' | 'status' | 'errorClass' | 'errorMessage' | 'retryAfterMs' | 'freshForMs' | 'itemsCut'> & {
  /** Items the feed or page listed (ok only), after the item cap. */
  readonly items?: number | undefined;
  readonly newItems?: number | undefined;
  /** False when this poll's items share none with the previous poll's (undefined: not comparable). */
  readonly overlapsPrevious?: boolean | undefined;
};

export function emptyHealth(sourceId: string): SourceHealth {
  return {
    sourceId,
    lastAttempt: null,
    lastSuccess: null,
    lastStatus: null,
    consecutiveFailures: 0,
    lastErrorClass: null,
    lastErrorMessage: null,
    itemsSeen: 0,
    lastItemCount: null,
    lastItemsCut: null,
    lastNewItem: null,
    cadenceMs: null,
    nextAllowedAt: null,
    intervalMs: null,
    droppingSuspectedAt: null,
    polls: 0,
    notModified: 0,
  };
}

export function recordPoll(prev: SourceHealth, outcome: PollOutcome, intervalMs: number, nowMs: number, random: () => number = Math.random): SourceHealth {
  const now = new Date(nowMs).toISOString();
  // a failure without a status must not keep showing the last success's 200 next to its error
  const lastStatus = outcome.kind === 'error' ? (outcome.status ?? null) : (outcome.status ?? prev.lastStatus);
  const base = { ...prev, lastAttempt: now, polls: prev.polls + 1, lastStatus };
  const effectiveInterval = prev.intervalMs ?? intervalMs;
  if (outcome.kind === 'error') {
    const failures = prev.consecutiveFailures + 1;
    const backoff = Math.min(effectiveInterval * 2 ** (failures - 1), MAX_BACKOFF_MS) * (0.9 + 0.2 * random());
    const retryAfter = outcome.retryAfterMs !== undefined ? Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
    return {
      ...base,
      consecutiveFailures: failures,
      lastErrorClass: outcome.errorClass ?? 'unknown',
      lastErrorMessage: outcome.errorMessage ?? null,
      nextAllowedAt: new Date(nowMs + Math.max(failures > 1 ? backoff : 0, retryAfter)).toISOString(),
    };
  }
  const success = { ...base, lastSuccess: now, consecutiveFailures: 0, lastErrorClass: null, lastErrorMessage: null };
  const fresh = outcome.freshForMs !== undefined && outcome.freshForMs > effectiveInterval ? Math.min(outcome.freshForMs, MAX_BACKOFF_MS) : 0;
  const nextAllowedAt = fresh > 0 ? new Date(nowMs + fresh).toISOString() : null;
  if (outcome.kind === 'not-modified') return { ...success, notModified: prev.notModified + 1, nextAllowedAt };

  const newItems = outcome.newItems ?? 0;
  let cadenceMs = prev.cadenceMs;
  if (newItems > 0 && prev.lastNewItem) {
    const gap = nowMs - Date.parse(prev.lastNewItem);
    cadenceMs = cadenceMs === null ? gap : Math.round(0.7 * cadenceMs + 0.3 * gap);
  }
  const dropping = outcome.overlapsPrevious === false;
  // Halved, but never below the floor — and never longer than it was: an interval already under
  // the floor (a test feed polled every few seconds) stays as it is instead of growing to 2 min.
  const shortened = Math.min(effectiveInterval, Math.max(Math.floor(effectiveInterval / 2), MIN_INTERVAL_MS));
  return {
    ...success,
    itemsSeen: prev.itemsSeen + newItems,
    lastItemCount: outcome.items ?? 0,
    lastItemsCut: outcome.itemsCut ? `kept ${COUNT.format(outcome.itemsCut.kept)} of ${COUNT.format(outcome.itemsCut.listed)} items` : null,
    lastNewItem: newItems > 0 ? now : prev.lastNewItem,
    cadenceMs,
    nextAllowedAt,
    intervalMs: dropping && shortened < effectiveInterval ? shortened : prev.intervalMs,
    droppingSuspectedAt: dropping ? now : prev.droppingSuspectedAt,
  };
}

export function assessHealth(h: SourceHealth, nowMs: number): HealthAssessment {
  const reasons: string[] = [];
  if (h.consecutiveFailures >= FAILURES_UNHEALTHY) reasons.push(`failed ${h.consecutiveFailures} times in a row (${h.lastErrorClass ?? 'error'})`);
  if (h.consecutiveFailures > 0 && h.lastErrorClass === 'selector-broke') reasons.push('page selector matches nothing');
  if (h.consecutiveFailures === 0 && h.lastItemCount === 0) reasons.push('answers 200 with no items');
  if (h.lastNewItem && h.cadenceMs !== null) {
    const quietFor = nowMs - Date.parse(h.lastNewItem);
    if (quietFor > Math.max(5 * h.cadenceMs, QUIET_MIN_MS)) reasons.push(`quiet for ${Math.round(quietFor / 3_600_000)} h (usually every ${Math.max(1, Math.round(h.cadenceMs / 60_000))} min)`);
  }
  return { healthy: reasons.length === 0, reasons };
}

/**
 * Whether a poll may run now, given backoff, Retry-After and freshness — and not within half an
 * interval of the last attempt, so a source's first poll and its first scheduled slot (or any two
 * triggers close together) make one request, not two.
 */
export function mayPollNow(h: SourceHealth, nowMs: number, intervalMs: number): boolean {
  if (h.nextAllowedAt !== null && Date.parse(h.nextAllowedAt) > nowMs) return false;
  const interval = h.intervalMs ?? intervalMs;
  return h.lastAttempt === null || nowMs - Date.parse(h.lastAttempt) >= interval / 2;
}
