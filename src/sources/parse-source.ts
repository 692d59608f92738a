/**
 * Bytes of one source to normalised articles: decode the charset, parse as the source's kind (feed,
 * page with selectors, page-change with the previous hash), normalise. Shared by the service
 * (`ingestSource`) and `belwatch parse`, so a file parses exactly as the source would. Pure apart
 * from rss-parser's promise; never throws: a failure is `{ ok: false, error: ParseError }`. With
 * `maxItems`, only that many of the newest items are normalised, and `cut` says how many were
 * kept of how many listed (absent when the document listed no more than the cap).
 */
import type { SourceConfig } from '../config/types.js';
import { ParseError, describeError } from '../errors.js';
import type { Article } from '../types.js';
import { decodeBytes } from './charset.js';
import { normaliseFeed } from './normalise/article.js';
import { cleanText } from './normalise/text.js';
import { canonicalLink } from './normalise/url.js';
import { parseFeedText } from './parse/feed.js';
import { detectPageChange } from './parse/page-change.js';
import { htmlNestsDeeperThan, MAX_HTML_NESTING } from './parse/html-depth.js';
import { parsePage } from './parse/page.js';
import type { ParsedFeed } from './parse/parsed-feed.js';

/** The parts of a source that decide how its bytes are read. */
export type SourceShape = Pick<SourceConfig, 'id' | 'kind'> & Partial<Pick<SourceConfig, 'lang' | 'selectors'>>;

export interface ParseInput {
  readonly bytes: Buffer;
  readonly contentType?: string | null | undefined;
  /** Where the bytes came from; null for a local file. */
  readonly url: string | null;
  readonly fetchedAt: Date;
  readonly source: SourceShape;
  readonly previousPageHash?: string | undefined;
  /** The poll's item cap (the source's `maxItemsPerPoll`, else the settings'); default none. */
  readonly maxItems?: number | undefined;
}

export interface FeedInfo {
  readonly title: string;
  readonly url: string | null;
}

/** The item cap at work: `kept` of the `listed` items went on to normalising. */
export interface ItemsCut {
  readonly kept: number;
  readonly listed: number;
}

export type ParsedSource =
  | { readonly ok: true; readonly feed: FeedInfo; readonly articles: Article[]; readonly cut?: ItemsCut; readonly pageHash?: string }
  | { readonly ok: false; readonly error: ParseError };

async function parseByKind(text: string, input: ParseInput): Promise<{ feed: ParsedFeed; pageHash?: string }> {
  if (input.source.kind !== 'feed' && htmlNestsDeeperThan(text)) {
    throw new ParseError('parse-error', `elements nested deeper than ${MAX_HTML_NESTING} levels`);
  }
  switch (input.source.kind) {
    case 'page':
      return { feed: parsePage(text, input.source.selectors) };
    case 'page-change': {
      const change = detectPageChange(text, input.source.selectors ?? {}, input.previousPageHash);
      return { feed: change.feed, pageHash: change.hash };
    }
    case 'feed':
      return { feed: await parseFeedText(text) };
  }
}

export async function parseSourceBytes(input: ParseInput): Promise<ParsedSource> {
  try {
    const { text } = decodeBytes(input.bytes, input.contentType);
    const { feed, pageHash } = await parseByKind(text, input);
    const pageChange = input.source.kind === 'page-change';
    const articles = normaliseFeed(
      pageChange ? { ...feed, items: feed.items.map((i) => ({ ...i, link: input.url ?? undefined })) } : feed,
      { sourceId: input.source.id, url: input.url, fetchedAt: input.fetchedAt, lang: input.source.lang, maxItems: input.maxItems },
    );
    const base = canonicalLink(feed.base, input.url) ?? input.url;
    const info: FeedInfo = { title: cleanText(feed.title).replace(/\s+/g, ' ').trim(), url: canonicalLink(feed.link, base) ?? input.url };
    const listed = feed.items.length;
    const cut = input.maxItems !== undefined && listed > input.maxItems ? { cut: { kept: input.maxItems, listed } } : {};
    return { ok: true, feed: info, articles, ...cut, ...(pageHash === undefined ? {} : { pageHash }) };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e };
    return { ok: false, error: new ParseError('parse-error', `cannot read: ${describeError(e)}`, { cause: e }) };
  }
}
