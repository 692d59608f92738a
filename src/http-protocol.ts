/**
 * What every HTTP client in belwatch shares — source fetches, full-text fetches, channel posts —
 * and the config check of their URLs: which URLs are fetchable, and what a `Retry-After` says.
 * Plain functions over values, no I/O; one implementation of each (the config schema, OPML import,
 * link normalisation, the SSRF guard and digest links all ask here).
 *
 * URLs: only absolute `http:` and `https:` URLs with a host are fetchable; anything else (other
 * schemes, relative, unparsable) is refused, never guessed at. `Retry-After`: delta-seconds or an
 * HTTP date, as milliseconds from `nowMs` (a date in the past is 0); a missing, empty or unreadable
 * value is `undefined`, so the caller's own backoff applies. The first of several values counts.
 */

/** Whether the parsed URL's scheme is one belwatch fetches. */
export function isHttpScheme(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/** The absolute http(s) URL `raw` names (resolved against `base` when relative), or null. */
export function parseHttpUrl(raw: string, base?: string | null): URL | null {
  try {
    // An absolute link needs no base (and parsing the base costs as much as the link).
    const u = base && !/^https?:\/\//i.test(raw) ? new URL(raw, base) : new URL(raw);
    return isHttpScheme(u) && u.hostname !== '' ? u : null;
  } catch {
    return null;
  }
}

export function isHttpUrl(raw: string): boolean {
  return parseHttpUrl(raw) !== null;
}

/** `Retry-After` as milliseconds from `nowMs`, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | readonly string[] | undefined, nowMs: number): number | undefined {
  const raw = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
