/**
 * `ingestSource`: one poll of one source, the story the pipeline's fetch job tells (miniflux's
 * RefreshFeed): fetch with the validators from the last response -> stop on 304 -> decode and parse
 * as the source's kind -> normalise -> for `fullText` sources, fetch each new article page (same
 * client, guard and limits) and put Readability's main text into `content`. Decoding, parsing and
 * the full-text extraction run in the parse pool (src/sources/parse-pool.ts), each document within
 * the CPU budget `parse.cpuBudget`: a feed over it is a `parse-timeout`, an article page over it
 * keeps the feed's content.
 *
 * Never throws. The result carries the articles, the state to persist for the next poll (ETag,
 * Last-Modified, page-change hash: unchanged on a failure, so a later 304 still works), the cut
 * when the document listed more items than the poll takes (`maxItemsPerPoll`: the source's, else
 * `sources.maxItemsPerPoll` in settings; the newest are kept), the
 * server's caching hints, and at most one typed error (`FetchError` or `ParseError`, each with a
 * `kind`). A failed full-text fetch keeps the feed's own content; it is not an error of the source.
 */
import type { Settings, SourceConfig } from '../config/types.js';
import type { FetchError, ParseError } from '../errors.js';
import type { Article, SourceState } from '../types.js';
import type { CacheHints } from './fetch/cache-hints.js';
import { fetchUrl, type FetchOptions } from './fetch/fetch-url.js';
import type { LookupFn } from './fetch/guarded-dispatcher.js';
import type { HostLimiter } from './fetch/host-limiter.js';
import type { Dispatcher } from 'undici';
import type { FeedInfo, ItemsCut } from './parse-source.js';
import { extractFullTextInPool, parseSourceInPool } from './parse-pool.js';

export interface IngestOptions {
  readonly dispatcher?: Dispatcher;
  readonly lookup?: LookupFn;
  readonly limiter?: HostLimiter;
  readonly now?: () => Date;
  /** Which of a poll's articles get a full-text fetch (ids; the pipeline passes the unseen ones); default all. */
  readonly wantFullText?: (articles: readonly Article[]) => Promise<ReadonlySet<string>>;
  /** At most this many full-text fetches per poll (default 20). */
  readonly maxFullText?: number;
  readonly signal?: AbortSignal;
}

export interface IngestResult {
  readonly status: 'ok' | 'not-modified' | 'error';
  readonly articles: readonly Article[];
  /** Set when the document listed more items than the item cap kept (ok only). */
  readonly itemsCut?: ItemsCut | undefined;
  readonly feed: FeedInfo | null;
  readonly state: SourceState;
  readonly cacheHints: CacheHints;
  readonly httpStatus: number | null;
  readonly finalUrl: string;
  readonly error: FetchError | ParseError | null;
}

const FULL_TEXT_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5';

function fetchOptions(source: SourceConfig, settings: Settings, opts: IngestOptions): FetchOptions {
  return {
    settings,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    ...(opts.lookup ? { lookup: opts.lookup } : {}),
    ...(opts.limiter ? { limiter: opts.limiter } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    userAgent: source.userAgent,
    maxBodyBytes: source.maxBodyBytes,
    headers: source.headers,
    // the source's credentials belong to its own origin, not to the hosts its articles link to
    headersOrigin: source.url,
  };
}

async function addFullText(articles: Article[], source: SourceConfig, settings: Settings, opts: IngestOptions): Promise<Article[]> {
  const wanted = opts.wantFullText ? await opts.wantFullText(articles) : undefined;
  const want = (a: Article): boolean => wanted === undefined || wanted.has(a.id);
  let budget = opts.maxFullText ?? 20;
  const base = fetchOptions(source, settings, opts);
  return Promise.all(
    articles.map(async (a) => {
      if (a.url === null || !want(a) || budget <= 0) return a;
      budget--;
      const res = await fetchUrl(a.url, { ...base, accept: FULL_TEXT_ACCEPT });
      if (res.kind !== 'ok') return a;
      const text = await extractFullTextInPool(res.body, res.contentType, settings.parse, opts.signal);
      return text !== null && text.length > a.content.length ? { ...a, content: text } : a;
    }),
  );
}

export async function ingestSource(
  source: SourceConfig,
  settings: Settings,
  state: SourceState,
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const fetchedAt = opts.now?.() ?? new Date();
  const res = await fetchUrl(source.url, { ...fetchOptions(source, settings, opts), etag: state.etag, lastModified: state.lastModified });
  const empty = { articles: [], feed: null, cacheHints: {}, httpStatus: null };
  if (res.kind === 'error') {
    const cacheHints = res.error.retryAfterMs === undefined ? {} : { retryAfterMs: res.error.retryAfterMs };
    return { ...empty, status: 'error', state, cacheHints, httpStatus: res.error.status ?? null, finalUrl: res.url, error: res.error };
  }
  if (res.kind === 'not-modified') {
    return { ...empty, status: 'not-modified', state, cacheHints: res.cacheHints, httpStatus: res.status, finalUrl: res.url, error: null };
  }
  const newState: SourceState = {
    etag: res.etag ?? undefined,
    lastModified: res.lastModified ?? undefined,
    pageHash: state.pageHash,
  };
  const common = { cacheHints: res.cacheHints, httpStatus: res.status, finalUrl: res.url };
  const parsed = await parseSourceInPool(
    {
      bytes: res.body,
      contentType: res.contentType,
      url: res.url,
      fetchedAt,
      source,
      previousPageHash: state.pageHash,
      maxItems: source.maxItemsPerPoll ?? settings.sources.maxItemsPerPoll,
    },
    settings.parse,
    opts.signal,
  );
  if (!parsed.ok) return { ...common, status: 'error', articles: [], feed: null, state, error: parsed.error };
  const articles = source.fullText ? await addFullText(parsed.articles, source, settings, opts) : parsed.articles;
  return {
    ...common,
    status: 'ok',
    articles,
    itemsCut: parsed.cut,
    feed: parsed.feed,
    state: { ...newState, pageHash: parsed.pageHash ?? state.pageHash },
    error: null,
  };
}
