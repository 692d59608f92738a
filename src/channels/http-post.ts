/**
 * One HTTP POST for the Slack and webhook channels, and the one place that maps every way it can go
 * wrong to a `ChannelError`.
 *
 * Classification: 2xx is success. 429 is retryable with `retryAfterMs` from `Retry-After` (seconds or
 * an HTTP date; absent or unreadable -> undefined, the caller's backoff applies). 408 and 425 and every
 * 5xx are retryable. Every other status — 400, 401, 403, 404, 410 and the rest of 4xx, and 3xx, since
 * redirects are not followed for a POST — is permanent. Timeouts (the deadline covers connect,
 * headers and body) and connection failures (refused, reset, DNS) are retryable. A refusal by the
 * injected dispatcher's address guard (`BW_FETCH` with kind `blocked-address`) is permanent.
 *
 * Messages name the channel by a caller-given `label` (e.g. `slack webhook hooks.slack.com`) and give
 * the status or error code and at most 100 characters of the receiver's answer (with the URL's path
 * and query blanked) — never the URL (a
 * Slack webhook URL is itself the secret), a header, or the body sent. No `cause` is attached, so a
 * logger serialising the error cannot reach the URL through it either.
 */
import { request, type Dispatcher } from 'undici';
import { ChannelError, isBelwatchError } from '../errors.js';
import { parseRetryAfter } from '../http-protocol.js';
import { transportErrorKind } from '../sources/fetch/map-error.js';

export const DEFAULT_TIMEOUT_MS = 20_000;

export interface HttpPostOptions {
  readonly url: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The SSRF-guarded dispatcher in production; undici's global one when absent. */
  readonly dispatcher?: Dispatcher | undefined;
  readonly timeoutMs?: number | undefined;
  /** Names the target in error messages; must not contain a secret. */
  readonly label: string;
  /** Clock for Retry-After given as an HTTP date. */
  readonly now?: (() => number) | undefined;
}

/** Null for 2xx, else the ChannelError the status means. */
export function classifyHttpStatus(status: number, label: string, retryAfterMs?: number, answer = ''): ChannelError | null {
  if (status >= 200 && status < 300) return null;
  const said = answer ? `: ${answer}` : '';
  if (status === 429) {
    const wait = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
    return new ChannelError(`${label}: HTTP 429 too many requests${wait}${said}`, { permanent: false, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  const retryable = status >= 500 || status === 408 || status === 425;
  return new ChannelError(`${label}: HTTP ${status}${said}`, { permanent: !retryable, status });
}

function classifyFailure(e: unknown, label: string, timeoutMs: number): ChannelError {
  if (isBelwatchError(e)) {
    const kind = (e as { kind?: unknown }).kind;
    return new ChannelError(`${label}: ${e.code}${typeof kind === 'string' ? ` ${kind}` : ''}`, { permanent: kind === 'blocked-address' });
  }
  const err = e as { name?: unknown; code?: unknown; cause?: { code?: unknown } };
  const kind = transportErrorKind(e);
  // the request's only signal is its deadline: an abort is the timeout
  if (kind === 'timeout' || err.name === 'AbortError') return new ChannelError(`${label}: no answer within ${timeoutMs} ms`, { permanent: false });
  const code = [err.code, err.cause?.code].find((c): c is string => typeof c === 'string');
  return new ChannelError(`${label}: connection failed (${code ?? kind})`, { permanent: false });
}

/**
 * At most 100 printable characters of the receiver's answer, with the request's path and query
 * blanked: a generic error page ("Cannot POST /services/T0/B0/…") would otherwise echo a Slack URL.
 */
function summariseAnswer(text: string, url: string): string {
  let out = text.replace(/[^\x20-\x7e]+/g, ' ');
  try {
    const u = new URL(url);
    for (const part of [u.search, u.pathname, decodeURIComponent(u.pathname)]) if (part.length > 1) out = out.split(part).join('/***');
  } catch {
    // an invalid URL never got an answer
  }
  return out.trim().slice(0, 100);
}

/** POSTs the body; resolves with the status on 2xx, throws a ChannelError otherwise. */
export async function postJson(opts: HttpPostOptions): Promise<number> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let res: Dispatcher.ResponseData;
  try {
    res = await request(opts.url, {
      method: 'POST',
      body: opts.body,
      headers: { 'content-type': 'application/json', ...opts.headers },
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (e) {
    throw classifyFailure(e, opts.label, timeoutMs);
  }
  let answer = '';
  try {
    answer = summariseAnswer(await res.body.text(), opts.url);
  } catch (e) {
    if (res.statusCode >= 200 && res.statusCode < 300) return res.statusCode;
    throw classifyFailure(e, opts.label, timeoutMs);
  }
  const retryAfter = parseRetryAfter(res.headers['retry-after'], (opts.now ?? Date.now)());
  const error = classifyHttpStatus(res.statusCode, opts.label, retryAfter, answer);
  if (error) throw error;
  return res.statusCode;
}

/** `<kind> <host>` for messages: the host of a URL without path, query or credentials. */
export function labelFor(kind: string, url: string): string {
  try {
    return `${kind} ${new URL(url).host}`;
  } catch {
    return kind;
  }
}
