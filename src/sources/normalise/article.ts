/**
 * Raw parsed items to `Article` values (pure).
 *
 * Per item: title, summary and content become plain text (`htmlToText`, which also removes control
 * and format characters; the guid loses them too: `cleanText`); a missing summary is the
 * first 300 characters of the content. The link is made absolute (item base, feed base, fetched URL)
 * and canonicalised; unusable links give `url: null`. Dates go through `normaliseDate`. `lang` is
 * the item's, else the feed's, else the source's. Items with neither a title, a link nor any text
 * are dropped.
 *
 * Lengths are bounded, as text, after HTML is removed: a title at 1,000 characters, an author at
 * 300, a summary at 20,000, the content at 500,000, each category at 200 and 100 categories; a cut
 * ends in "…" and never splits a surrogate pair. A feed is hostile: a megabyte "title" would
 * otherwise be stored, matched, and rendered into every digest, Slack post and webhook.
 *
 * A document may list more items than a poll takes (`maxItems`, the source's `maxItemsPerPoll`,
 * 500 by default): then only the newest are normalised — by date, newest first, items without a
 * usable date after every dated one, ties in document order — and kept in document order. One
 * 1.26 MB body listed 20,000 items and archived every one (+92 MiB of Redis in 5 s); a 4 MiB body
 * holds about 200,000.
 *
 * Identity: the key is the canonical URL, else the guid, else title + date (page-change versions: the
 * URL and the text hash, so each version of the page is its own article). A key shared by several
 * items of one batch (twenty items with one guid, or every item linking to the home page) is
 * extended with a hash of the title, summary and date, so distinct items never collapse into one id.
 * The id is the first 20 characters of the base64url SHA-256 of the key, independent of the source,
 * so the same URL seen through two sources has one id.
 */
import { hash } from 'node:crypto';
import type { Article } from '../../types.js';
import type { ParsedFeed, RawItem } from '../parse/parsed-feed.js';
import { normaliseDate } from './date.js';
import { cleanText, htmlToText, snippetToText } from './text.js';
import { canonicalLink } from './url.js';

export interface NormaliseContext {
  readonly sourceId: string;
  /** The URL the bytes came from (or null for a local file). */
  readonly url?: string | null | undefined;
  readonly fetchedAt: Date;
  /** The source's configured language, the last fallback. */
  readonly lang?: string | undefined;
  /** At most this many items are normalised: the newest (see `newestItems`); default all. */
  readonly maxItems?: number | undefined;
}

const SUMMARY_FALLBACK_CHARS = 300;
const MAX = { title: 1_000, author: 300, summary: 20_000, content: 500_000, category: 200, categories: 100 } as const;

/** `text` cut to at most `max` UTF-16 units, ending in "…" when cut, never inside a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}

function hashId(key: string): string {
  return hash('sha256', key, 'base64url').slice(0, 20);
}

function normaliseLang(raw: string | undefined): string | null {
  const l = (raw ?? '').trim().replace(/_/g, '-');
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l)) return null;
  const [primary, ...rest] = l.split('-');
  return [primary!.toLowerCase(), ...rest].join('-');
}

interface Draft {
  readonly article: Omit<Article, 'id'>;
  readonly key: string;
}

function draftOf(item: RawItem, ctx: NormaliseContext, feedBase: string | null, fallbackLang: string | null, pageChange: boolean): Draft | null {
  const title = clip(htmlToText(item.title ?? ''), MAX.title);
  const content = clip(item.contentSnippet !== undefined && item.content !== undefined ? snippetToText(item.contentSnippet, item.content) : htmlToText(item.content ?? ''), MAX.content);
  let summary = clip(
    item.summarySnippet !== undefined && item.summary !== undefined ? snippetToText(item.summarySnippet, item.summary) : htmlToText(item.summary ?? ''),
    MAX.summary,
  );
  if (summary === '' && content !== '') summary = content.slice(0, SUMMARY_FALLBACK_CHARS);
  const base = item.base ? (canonicalLink(item.base, feedBase) ?? feedBase) : feedBase;
  const url = canonicalLink(item.link, base) ?? (item.guid && /^https?:/i.test(item.guid.trim()) ? canonicalLink(item.guid, base) : null);
  if (title === '' && url === null && summary === '' && content === '') return null;
  const guid = item.guid === undefined ? null : cleanText(item.guid).trim() || null;
  const date = normaliseDate(item.date, ctx.fetchedAt);
  const author = clip(htmlToText(item.author ?? ''), MAX.author);
  const categories = [...new Set((item.categories ?? []).map((c) => clip(htmlToText(c), MAX.category)).filter((c) => c !== ''))].slice(0, MAX.categories);
  const key = pageChange && guid !== null ? `p:${url ?? ''}\u0000${guid}`
    : url !== null ? `u:${url}` : guid !== null ? `g:${guid}` : `t:${title}\u0000${item.date ?? ''}`;
  return {
    key,
    article: {
      sourceId: ctx.sourceId,
      url,
      guid,
      title,
      summary,
      content,
      author: author === '' ? null : author,
      categories,
      published: date.iso,
      publishedEstimated: date.estimated,
      fetchedAt: ctx.fetchedAt.toISOString(),
      lang: (item.lang === undefined ? null : normaliseLang(item.lang)) ?? fallbackLang,
    },
  };
}

/** The `max` newest of `items` (see the module comment), in document order; `items` itself when it has no more. */
export function newestItems(items: readonly RawItem[], max: number, fetchedAt: Date): readonly RawItem[] {
  if (items.length <= max) return items;
  const ranked = items.map((item, index) => {
    const date = normaliseDate(item.date, fetchedAt);
    return { index, ms: date.estimated ? -Infinity : Date.parse(date.iso) };
  });
  ranked.sort((a, b) => (b.ms === a.ms ? a.index - b.index : b.ms > a.ms ? 1 : -1));
  return ranked
    .slice(0, Math.max(0, max))
    .map((r) => r.index)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}

export function normaliseFeed(feed: ParsedFeed, ctx: NormaliseContext): Article[] {
  const feedBase = canonicalLink(feed.base ?? null, ctx.url ?? null) ?? (ctx.url ? canonicalLink(ctx.url) : null) ?? canonicalLink(feed.link);
  const fallbackLang = normaliseLang(feed.lang) ?? normaliseLang(ctx.lang);
  const drafts: Draft[] = [];
  const items = ctx.maxItems === undefined ? feed.items : newestItems(feed.items, ctx.maxItems, ctx.fetchedAt);
  for (const item of items) {
    const d = draftOf(item, ctx, feedBase, fallbackLang, feed.format === 'page-change');
    if (d) drafts.push(d);
  }
  const counts = new Map<string, number>();
  for (const d of drafts) counts.set(d.key, (counts.get(d.key) ?? 0) + 1);
  const used = new Set<string>();
  // Per extended key, the next number to try: counting up from 2 for every copy made a feed of
  // 40,000 identical items take 139 s (the square of the copies).
  const nextNumber = new Map<string, number>();
  return drafts.map((d) => {
    let key = d.key;
    if ((counts.get(key) ?? 0) > 1) {
      const a = d.article;
      const extended = `${key}\u0000${a.title}\u0000${a.summary.slice(0, 200)}\u0000${a.published}`;
      key = extended;
      let n = nextNumber.get(extended) ?? 2;
      while (used.has(key)) key = `${extended}\u0000${n++}`;
      nextNumber.set(extended, n);
    }
    used.add(key);
    return { id: hashId(key), ...d.article };
  });
}
