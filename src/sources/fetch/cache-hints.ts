/**
 * The server's caching hints, read from response headers for the scheduler (pure).
 *
 * `Cache-Control: max-age` / `s-maxage` (seconds), `Expires` (an HTTP date, relative to `now`) and
 * `Retry-After` (seconds or an HTTP date). Negative, malformed or absurd values are ignored; the
 * scheduler keeps its own interval then. Nothing here throws.
 */
import { parseRetryAfter } from '../../http-protocol.js';

export interface CacheHints {
  /** How long the response may be reused, in ms. */
  readonly maxAgeMs?: number;
  /** How long the server asked us to wait before the next request, in ms (429/503 or any response). */
  readonly retryAfterMs?: number;
  /** True for `Cache-Control: no-store` / `no-cache`. */
  readonly noCache?: boolean;
}

const DAY_MS = 86_400_000;
const MAX_HINT_MS = 30 * DAY_MS;

type HeaderValue = string | readonly string[] | undefined;

export function headerString(v: HeaderValue): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(', ');
}

function clamp(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_HINT_MS) : undefined;
}

export function readCacheHints(headers: Record<string, HeaderValue>, now: number): CacheHints {
  const cc = (headerString(headers['cache-control']) ?? '').toLowerCase();
  let maxAgeMs: number | undefined;
  const m = /(?:^|[,\s])s-maxage\s*=\s*"?(\d+)/.exec(cc) ?? /(?:^|[,\s])max-age\s*=\s*"?(\d+)/.exec(cc);
  if (m?.[1] !== undefined) maxAgeMs = clamp(Number(m[1]) * 1000);
  else {
    const expires = headerString(headers['expires']);
    const t = expires === undefined ? NaN : Date.parse(expires);
    if (!Number.isNaN(t)) maxAgeMs = clamp(Math.max(0, t - now));
  }
  const retryAfter = parseRetryAfter(headerString(headers['retry-after']), now);
  const retryAfterMs = retryAfter === undefined ? undefined : clamp(retryAfter);
  const noCache = /(?:^|[,\s])(no-store|no-cache)\b/.test(cc);
  return {
    ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(noCache ? { noCache } : {}),
  };
}
