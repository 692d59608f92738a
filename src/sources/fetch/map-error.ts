/**
 * Maps any transport failure to one `FetchError` kind (miniflux's response_handler idea): walks the
 * error and its `cause` chain for a `FetchError` we threw ourselves (the SSRF guard, the body cap),
 * a Node/undici error code, or the deadline's abort. A response undici's HTTP parser rejects
 * (`HPE_*`: TLS bytes or another protocol where a status line should be) is `protocol`. Unknown
 * failures become `connect`, with the original message kept as detail. Channel posts classify
 * with the same `transportErrorKind`.
 */
import { FetchError, describeError, type FetchErrorKind } from '../../errors.js';

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL']);
const TIMEOUT = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const TLS_PREFIX = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|ERR_TLS)/;

function chain(e: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 8 && cur !== undefined && cur !== null; i++) {
    out.push(cur);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

function kindOf(e: unknown): FetchErrorKind | undefined {
  const code = (e as { code?: unknown }).code;
  const name = (e as { name?: unknown }).name;
  if (typeof code === 'string') {
    if (DNS.has(code)) return 'dns';
    if (TIMEOUT.has(code)) return 'timeout';
    if (TLS_PREFIX.test(code)) return 'tls';
    if (code.startsWith('HPE_')) return 'protocol';
  }
  if (name === 'HTTPParserError') return 'protocol';
  if (name === 'TimeoutError') return 'timeout';
  return undefined;
}

/**
 * The kind of transport failure anything a request threw is — the one classifier for source
 * fetches and channel posts: a `FetchError` of ours keeps its kind, else the first code or name in
 * the cause chain that says dns, timeout, tls or protocol; anything else is `connect`.
 */
export function transportErrorKind(e: unknown): FetchErrorKind {
  for (const x of chain(e)) {
    if (x instanceof FetchError) return x.kind;
    const kind = kindOf(x);
    if (kind) return kind;
  }
  return 'connect';
}

/** Turns anything a fetch threw into a `FetchError`. `deadlineHit` says the overall deadline fired. */
export function toFetchError(e: unknown, url: string, deadlineHit: boolean, timeoutMs: number): FetchError {
  const links = chain(e);
  const own = links.find((x): x is FetchError => x instanceof FetchError);
  if (own) return own;
  if (deadlineHit) return new FetchError('timeout', `${url}: no complete response within ${timeoutMs} ms`, { cause: e });
  for (const x of links) {
    const kind = kindOf(x);
    if (kind) return new FetchError(kind, `${url}: ${describeError(x)}`, { cause: e });
  }
  return new FetchError('connect', `${url}: ${describeError(e)}`, { cause: e });
}
