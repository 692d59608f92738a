/**
 * A listing page (`kind: page`) to a `ParsedFeed`, with the source's CSS selectors (pure; cheerio).
 *
 * `selectors.item` (default `article`) picks each entry; inside it `link` (default `a[href]`; the
 * item itself when it is a link) gives the href, `title` the text (default: the link's text),
 * `date` a `datetime` attribute (on the match or inside it), a `content` attribute, or the text, `summary` the text. Links stay relative here;
 * the normaliser resolves them against the page URL. A selector that matches nothing — the item
 * selector on the page, or a configured field selector in every item — is a `selector-broke`
 * `ParseError` naming it: a redesigned page must show up in source health, not as an empty success.
 */
import { load, type CheerioAPI } from 'cheerio';
import { ParseError } from '../../errors.js';
import type { SourceConfig } from '../../config/types.js';
import type { ParsedFeed, RawItem } from './parsed-feed.js';

export type PageSelectors = NonNullable<SourceConfig['selectors']>;

type Field = 'link' | 'title' | 'date' | 'summary';

function htmlLang($: CheerioAPI): string | undefined {
  return $('html').attr('lang') ?? undefined;
}

export function parsePage(html: string, selectors: PageSelectors = {}): ParsedFeed {
  const $ = load(html);
  const itemSel = selectors.item ?? 'article';
  const linkSel = selectors.link ?? 'a[href]';
  const items = $(itemSel);
  if (items.length === 0) throw new ParseError('selector-broke', `item selector ${JSON.stringify(itemSel)} matched nothing`);
  const hits: Record<Field, number> = { link: 0, title: 0, date: 0, summary: 0 };
  const out: RawItem[] = [];
  items.each((_i, el) => {
    const $item = $(el);
    const $link = $item.is('a[href]') ? $item : $item.find(linkSel).first();
    const $title = selectors.title ? $item.find(selectors.title).first() : $link;
    const $date = selectors.date ? $item.find(selectors.date).first() : $item.find('time').first();
    const $summary = selectors.summary ? $item.find(selectors.summary).first() : undefined;
    if ($link.length > 0) hits.link++;
    if ($title.length > 0) hits.title++;
    if ($date.length > 0) hits.date++;
    if ($summary && $summary.length > 0) hits.summary++;
    const $stamp = $date.is('[datetime]') ? $date : $date.find('[datetime]').first();
    const date = $stamp.attr('datetime') ?? $date.attr('content') ?? $date.text();
    out.push({
      title: $title.text(),
      link: $link.attr('href'),
      summary: $summary?.text(),
      date: date.trim() === '' ? undefined : date,
    });
  });
  const configured: [Field, string | undefined][] = [
    ['link', selectors.link],
    ['title', selectors.title],
    ['date', selectors.date],
    ['summary', selectors.summary],
  ];
  for (const [field, sel] of configured) {
    if (sel !== undefined && hits[field] === 0) {
      throw new ParseError('selector-broke', `${field} selector ${JSON.stringify(sel)} matched nothing in ${items.length} items`);
    }
  }
  return { format: 'page', title: $('title').first().text().trim(), link: '', lang: htmlLang($), items: out };
}
