/**
 * belwatch's HTTP client: one GET with every limit the service needs, never throwing.
 *
 * Order for one fetch: take a per-host slot, start the overall deadline (connect + headers + body,
 * across all redirects), then for each hop: refuse a non-http(s) scheme, request through the guarded
 * dispatcher (SSRF check on the connected address), and follow 301/302/303/307/308 by hand up to
 * `maxRedirects`, refusing loops. Configured `headers` (a source's Authorization, Cookie, API keys)
 * are credentials of one origin, `headersOrigin` (the source's own URL; default the URL fetched):
 * they go only to requests for that origin, so not to a full-text article on another host, and
 * they are dropped for good at the first redirect to another origin (scheme, host or port), as
 * browsers and curl do; a redirect chain that comes back to the origin does not get them back.
 * A 304 is `not-modified` (no body read). 2xx bodies are read with
 * the decoded-size cap. Any other status, and every transport failure, becomes
 * `{ kind: 'error', error: FetchError }` with a kind from the small set in `src/errors.ts`;
 * 429/503 carry `retryAfterMs` from `Retry-After`.
 */
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import type { Settings } from '../../config/types.js';
import { FetchError, redactUrl } from '../../errors.js';
import { isHttpScheme } from '../../http-protocol.js';
import { headerString, readCacheHints, type CacheHints } from './cache-hints.js';
import { createGuardedDispatcher, systemLookup, type LookupFn } from './guarded-dispatcher.js';
import { HostLimiter } from './host-limiter.js';
import { toFetchError } from './map-error.js';
import { readBody } from './read-body.js';

export interface FetchOptions {
  readonly settings: Pick<Settings, 'http'>;
  /** A dispatcher from `createGuardedDispatcher`; one is made (and cached per settings object) otherwise. */
  readonly dispatcher?: Dispatcher;
  /** Used only when no dispatcher is given. */
  readonly lookup?: LookupFn;
  readonly limiter?: HostLimiter;
  readonly etag?: string | undefined;
  readonly lastModified?: string | undefined;
  readonly userAgent?: string | undefined;
  /** The source's own cap, instead of `settings.http.maxBodyBytes`. */
  readonly maxBodyBytes?: number | undefined;
  /** Credentials and other configured headers: sent only to `headersOrigin` (see the module comment). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** A URL whose origin `headers` belong to (the source's own URL); default the URL fetched. */
  readonly headersOrigin?: string | undefined;
  readonly accept?: string;
  readonly signal?: AbortSignal;
}

interface Common {
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cacheHints: CacheHints;
}

export type FetchOutcome =
  | (Common & {
      readonly kind: 'ok';
      readonly body: Buffer;
      readonly contentType: string | null;
      readonly etag: string | null;
      readonly lastModified: string | null;
    })
  | (Common & { readonly kind: 'not-modified' })
  | { readonly kind: 'error'; readonly url: string; readonly error: FetchError };

export const DEFAULT_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const dispatchers = new WeakMap<LookupFn, WeakMap<object, Dispatcher>>();
const limiters = new WeakMap<object, HostLimiter>();

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    const s = headerString(v);
    if (s !== undefined) out[k.toLowerCase()] = s;
  }
  return out;
}

function defaultDispatcher(opts: FetchOptions): Dispatcher {
  if (opts.dispatcher) return opts.dispatcher;
  // One dispatcher (and its connection pool) per settings object and resolver.
  const lookup = opts.lookup ?? systemLookup;
  let bySettings = dispatchers.get(lookup);
  if (!bySettings) {
    bySettings = new WeakMap();
    dispatchers.set(lookup, bySettings);
  }
  let d = bySettings.get(opts.settings);
  if (!d) {
    d = createGuardedDispatcher(opts.settings, { lookup });
    bySettings.set(opts.settings, d);
  }
  return d;
}

function defaultLimiter(opts: FetchOptions): HostLimiter {
  if (opts.limiter) return opts.limiter;
  let l = limiters.get(opts.settings);
  if (!l) {
    l = new HostLimiter(opts.settings.http.perHostConcurrency);
    limiters.set(opts.settings, l);
  }
  return l;
}

function requestHeaders(opts: FetchOptions, withConfigured: boolean): Record<string, string> {
  const h: Record<string, string> = {
    'user-agent': opts.userAgent ?? opts.settings.http.userAgent,
    accept: opts.accept ?? DEFAULT_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (withConfigured) for (const [k, v] of Object.entries(opts.headers ?? {})) h[k.toLowerCase()] = v;
  if (opts.etag) h['if-none-match'] = opts.etag;
  if (opts.lastModified) h['if-modified-since'] = opts.lastModified;
  return h;
}

/** The origin configured headers may go to; null (send them nowhere) when `headersOrigin` is not a URL. */
function credentialsOrigin(opts: FetchOptions, start: URL): string | null {
  if (opts.headersOrigin === undefined) return start.origin;
  try {
    return new URL(opts.headersOrigin).origin;
  } catch {
    return null;
  }
}

/** Drops a body we will not read; its abort error must not surface as an uncaught exception. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Fetches `rawUrl` under every limit; never throws. */
export async function fetchUrl(rawUrl: string, opts: FetchOptions): Promise<FetchOutcome> {
  const http = opts.settings.http;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { kind: 'error', url: rawUrl, error: new FetchError('connect', `invalid URL ${JSON.stringify(redactUrl(rawUrl))}`) };
  }
  if (!isHttpScheme(url)) {
    return { kind: 'error', url: rawUrl, error: new FetchError('blocked-address', `refused ${url.protocol} URL (only http and https are fetched)`) };
  }
  const release = await defaultLimiter(opts).acquire(url.host);
  const deadline = AbortSignal.timeout(http.timeout);
  const signal = opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline;
  try {
    return await followRedirects(url, opts, signal);
  } catch (e) {
    return { kind: 'error', url: url.toString(), error: toFetchError(e, redactUrl(url.toString()), deadline.aborted, http.timeout) };
  } finally {
    release();
  }
}

async function followRedirects(start: URL, opts: FetchOptions, signal: AbortSignal): Promise<FetchOutcome> {
  const http = opts.settings.http;
  const dispatcher = defaultDispatcher(opts);
  const origin = credentialsOrigin(opts, start);
  const bare = requestHeaders(opts, false);
  const credentialed = requestHeaders(opts, true);
  // Once a redirect left the origin, the configured headers stay off for the rest of the chain.
  let trusted = true;
  const seen = new Set<string>();
  let url = start;
  for (let hop = 0; ; hop++) {
    if (!isHttpScheme(url)) {
      throw new FetchError('blocked-address', `refused redirect to a ${url.protocol} URL`);
    }
    seen.add(url.toString());
    trusted &&= url.origin === origin;
    const res = await request(url, { method: 'GET', headers: trusted ? credentialed : bare, dispatcher, signal });
    const h = flatHeaders(res.headers);
    const now = Date.now();
    const common = { url: url.toString(), status: res.statusCode, headers: h, cacheHints: readCacheHints(h, now) };
    if (REDIRECTS.has(res.statusCode) && h['location'] !== undefined) {
      discard(res.body);
      const next = new URL(h['location'], url);
      if (seen.has(next.toString())) throw new FetchError('http-status', `redirect loop at ${redactUrl(next.toString())}`, { status: res.statusCode });
      if (hop + 1 > http.maxRedirects) throw new FetchError('http-status', `more than ${http.maxRedirects} redirects`, { status: res.statusCode });
      url = next;
      continue;
    }
    if (res.statusCode === 304) {
      discard(res.body);
      return { kind: 'not-modified', ...common };
    }
    if (res.statusCode < 200 || res.statusCode > 299) {
      discard(res.body);
      const retryAfterMs = res.statusCode === 429 || res.statusCode === 503 ? common.cacheHints.retryAfterMs : undefined;
      throw new FetchError('http-status', `HTTP ${res.statusCode} from ${redactUrl(url.toString())}`, {
        status: res.statusCode,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    const length = Number(h['content-length'] ?? NaN);
    const cap = opts.maxBodyBytes ?? http.maxBodyBytes;
    if (!h['content-encoding'] && Number.isFinite(length) && length > cap) {
      discard(res.body);
      throw new FetchError('too-large', `body of ${length} bytes is larger than ${cap} (maxBodyBytes)`);
    }
    const body = await readBody(res.body, h['content-encoding'], cap, signal);
    return {
      kind: 'ok',
      ...common,
      body,
      contentType: h['content-type'] ?? null,
      etag: h['etag'] ?? null,
      lastModified: h['last-modified'] ?? null,
    };
  }
}
